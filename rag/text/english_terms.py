"""The Chinese words an article uses for the English words of a trade or investment question.

An English question is answered from Chinese passages, so where the product matches a question's
words against passages (BM25 keywords, query.py; the relevance gate, answer/gates.py; the quoted
fallback, answer/quoting.py) an English question needs them in Chinese: "total import and export
value" -> 进出口, 总额. The table is general economic vocabulary (trade, investment, projects,
output, growth, shares, transport, services), written from the English questions of the
calibration sets; it names no place, figure or year of the articles.
Place names are in places.py. A phrase is matched as whole words, case-insensitively, longest
first, and each matched phrase stands for one group of alternatives. Does not translate sentences.
"""

from __future__ import annotations

import functools
import re

TERMS: dict[str, tuple[str, ...]] = {
    # trade
    # "import and export" is 进出口 only: 外贸 also names trade in general (外贸“倍增”), and a sentence
    # about that is no answer to a question about the import and export value
    "import and export": ("进出口",), "imports and exports": ("进出口",),
    "foreign trade": ("外贸", "进出口", "对外贸易"), "trade": ("贸易", "进出口", "外贸"),
    "exports": ("出口",), "export": ("出口",), "imports": ("进口",), "import": ("进口",),
    "customs clearance": ("通关",),
    # investment and projects
    "outbound investment": ("对外投资", "对外实际投资"), "invest abroad": ("对外投资", "对外实际投资"),
    "invested abroad": ("对外投资", "对外实际投资"), "overseas investment": ("对外投资", "境外投资"),
    "foreign investment": ("外资", "外商投资"), "foreign capital": ("外资",), "foreign-invested": ("外商投资",),
    "total investment": ("总投资", "投资总额"), "investment": ("投资",), "invested": ("投资",),
    "funds in place": ("到位资金",), "contract value": ("合同额",),
    "projects": ("项目",), "project": ("项目",),
    "signed": ("签约", "签订"), "sign": ("签约", "签订"),
    "started construction": ("开工",), "construction started": ("开工",), "under construction": ("开工", "在建"),
    "put into production": ("投产",), "in production": ("投产",),
    "enterprises": ("企业",), "enterprise": ("企业",), "companies": ("企业", "公司"), "company": ("企业", "公司"),
    "chambers of commerce": ("商会",), "chamber of commerce": ("商会",),
    "relocating": ("转移",), "relocated": ("转移",), "coastal": ("沿海",),
    # output and finance
    "output value": ("产值",), "revenue": ("收入", "营业额"), "turnover": ("营业额",),
    "tax": ("税",), "taxes": ("税",), "gdp": ("GDP", "生产总值"),
    "industry": ("产业",), "industrial park": ("产业园", "园区"),
    "leather goods": ("皮具", "皮革"), "leather": ("皮具", "皮革"), "toys": ("玩具",), "toy": ("玩具",),
    "luggage": ("箱包",),
    # government and services
    "officials": ("干部", "官员"), "cadres": ("干部",), "satisfaction": ("满意度", "满意率"),
    # qualifiers a figure is named with
    "total": ("总额", "总量", "总计", "总"), "actual": ("实际",), "actually": ("实际",),
    # change, share, rank
    "growth": ("增长", "增幅", "增速"), "grow": ("增长", "增幅", "增速"), "grew": ("增长", "增幅", "增速"),
    "increase": ("增长", "增加", "增幅"), "decrease": ("下降", "减少"), "fall": ("下降", "减少"),
    "share": ("占比", "比重", "占"), "proportion": ("占比", "比重", "占"), "percentage": ("占比", "比重", "%"),
    "rank": ("第", "位列", "居", "排"), "ranked": ("第", "位列", "居", "排"), "place": ("第", "位列", "居", "排"),
    "top 100": ("百强",),
    # transport and logistics
    "freight trains": ("班列",), "freight train": ("班列",), "trains": ("班列",), "train": ("班列",),
    "containers": ("集装箱",), "container": ("集装箱",), "cargo value": ("货值",), "goods value": ("货值",),
    "throughput": ("吞吐量",), "passengers": ("旅客",), "passenger": ("旅客",), "airport": ("机场",),
    "port": ("港",), "routes": ("航线",), "waterway": ("水路",), "railway": ("铁路",),
    # partners and groupings
    "africa": ("非洲",), "asean": ("东盟",), "european union": ("欧盟",), "eu": ("欧盟",),
    "belt and road": ("一带一路",), "countries and regions": ("国家和地区",), "countries": ("国家",),
}


@functools.lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    phrases = sorted(TERMS, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")\b",
                      re.IGNORECASE)


def chinese_terms(text: str) -> list[tuple[str, ...]]:
    """One group of Chinese alternatives per glossary phrase in ``text``, in order, without repeats.

    >>> chinese_terms("What was Hengyang's actual outbound investment in 2023?")
    [('实际',), ('对外投资', '对外实际投资')]
    >>> chinese_terms("How many projects were signed, and how many started construction?")
    [('项目',), ('签约', '签订'), ('开工',)]
    """
    groups: list[tuple[str, ...]] = []
    for match in _pattern().finditer(text):
        group = TERMS[re.sub(r"\s+", " ", match.group(1).lower())]
        if group not in groups:
            groups.append(group)
    return groups
