"""English names of Chinese places, so that an English question's place takes part in the place
check as a Chinese question's does ("What was Changsha's total ..." must find 长沙 in a passage);
their Chinese names are also the places jieba does not know as places (岳阳, 常德, 邵阳: it tags them
as personal names), words.key_terms adds them.

The table is general, not drawn from any question set: the provinces and province-level cities,
the provincial capitals, Hunan's 14 prefecture-level divisions (the province the seed articles
cover) and China's largest cities. A name is matched as a whole word, case-insensitively, with or
without "'s". Does not translate anything else. Also: whether a question names a place only as the
frame of a rank it asks (``rank_scope``).
"""

from __future__ import annotations

import functools
import re

ENGLISH_PLACES: dict[str, str] = {
    # provinces, autonomous regions, municipalities, SARs
    "Anhui": "安徽", "Beijing": "北京", "Chongqing": "重庆", "Fujian": "福建", "Gansu": "甘肃",
    "Guangdong": "广东", "Guangxi": "广西", "Guizhou": "贵州", "Hainan": "海南", "Hebei": "河北",
    "Heilongjiang": "黑龙江", "Henan": "河南", "Hong Kong": "香港", "Hubei": "湖北", "Hunan": "湖南",
    "Inner Mongolia": "内蒙古", "Jiangsu": "江苏", "Jiangxi": "江西", "Jilin": "吉林", "Liaoning": "辽宁",
    "Macau": "澳门", "Macao": "澳门", "Ningxia": "宁夏", "Qinghai": "青海", "Shaanxi": "陕西",
    "Shandong": "山东", "Shanghai": "上海", "Shanxi": "山西", "Sichuan": "四川", "Taiwan": "台湾",
    "Tianjin": "天津", "Tibet": "西藏", "Xinjiang": "新疆", "Yunnan": "云南", "Zhejiang": "浙江",
    # provincial capitals and other large cities
    "Changchun": "长春", "Chengdu": "成都", "Dalian": "大连", "Fuzhou": "福州", "Guangzhou": "广州",
    "Guiyang": "贵阳", "Haikou": "海口", "Hangzhou": "杭州", "Harbin": "哈尔滨", "Hefei": "合肥",
    "Hohhot": "呼和浩特", "Jinan": "济南", "Kunming": "昆明", "Lanzhou": "兰州", "Lhasa": "拉萨",
    "Nanchang": "南昌", "Nanjing": "南京", "Nanning": "南宁", "Ningbo": "宁波", "Qingdao": "青岛",
    "Shenyang": "沈阳", "Shenzhen": "深圳", "Shijiazhuang": "石家庄", "Suzhou": "苏州", "Taiyuan": "太原",
    "Urumqi": "乌鲁木齐", "Wuhan": "武汉", "Xiamen": "厦门", "Xi'an": "西安", "Xining": "西宁",
    "Yinchuan": "银川", "Zhengzhou": "郑州", "Dongguan": "东莞", "Foshan": "佛山",
    # Hunan's prefecture-level divisions
    "Changsha": "长沙", "Zhuzhou": "株洲", "Xiangtan": "湘潭", "Hengyang": "衡阳", "Shaoyang": "邵阳",
    "Yueyang": "岳阳", "Changde": "常德", "Zhangjiajie": "张家界", "Yiyang": "益阳", "Chenzhou": "郴州",
    "Yongzhou": "永州", "Huaihua": "怀化", "Loudi": "娄底", "Xiangxi": "湘西",
}


CHINESE_PLACES = frozenset(ENGLISH_PLACES.values())


@functools.lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    names = sorted(ENGLISH_PLACES, key=len, reverse=True)  # "Inner Mongolia" before shorter names
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:'s)?\b", re.IGNORECASE)


def english_places(text: str) -> list[str]:
    """The Chinese names of the places an English text names, in order, each once.

    >>> english_places("What was Changsha's total import and export value, and Hengyang's, in 2023?")
    ['长沙', '衡阳']
    >>> english_places("Who won the 2022 World Cup?")
    []
    """
    lower = {name.lower(): chinese for name, chinese in ENGLISH_PLACES.items()}
    return list(dict.fromkeys(lower[m.group(1).lower()] for m in _pattern().finditer(text)))


def first_english_place(text: str) -> str | None:
    """The first English place name in ``text`` as written there, without "'s" (None if none).

    >>> first_english_place("What was Hengyang's total in 2023?")
    'Hengyang'
    """
    found = _pattern().search(text)
    return found.group(1) if found else None


def rank_scope(place: str, simple: str) -> bool:
    """Whether the (Simplified) question names ``place`` only as the frame of a rank it asks
    (在湖南排第几, 居湖南省第几): a passage answers it as 位列湖南省第3 or 居全省第二, so the
    place need not be written there.

    >>> rank_scope("湖南", "衡阳2019年上半年进出口总额在湖南排第几?"), rank_scope("湖南", "湖南2023年进出口总额是多少?")
    (True, False)
    """
    return re.search(f"(在|居|位列|位居){re.escape(place)}(省|市)?(内|中)?(排|第|居|位)", simple) is not None
