"""Remove web-page debris and inline pinyin glosses from article text.

What goes: navigation lines (进入老年模式, 当前位置 > ...), share/QR prompts (扫一扫在手机打开当前页),
page-info lines (发布时间 / 来源 / 浏览量 / 字体), bylines, copyright and ICP lines, and everything from
a "related reading" heading (相关阅读, 延伸閱讀, 熱點新聞 ...) or a tag line (标签: ...) to the end,
which is where pages put unrelated headlines. Pinyin glosses inside words go (時(shí)間 -> 時間);
real parentheses stay (剛果(金), 衡阳（国际）眼镜小镇, (資料圖片)). Photo captions stay.

Patterns are matched on the Simplified form of each line, so one list serves both scripts; the
returned text keeps the original script. Metadata (date, outlet, author) is read by metadata.py
from the raw text before these lines are dropped.
"""

from __future__ import annotations

import re

from ..text.script import to_simplified

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS_TONED = re.compile(rf"(?<=[\u3400-\u9fff?？])[(（]([a-zü{_TONED}]{{1,7}})[)）]")
_SYLLABLE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|iao|ian|uan|üan|ai|ei|ao|ou|an|en|in|un|er|ia|ie|iu|ua|uo|ui|ve|üe|a|o|e|i|u|v|ü)$"
)
_GLOSS_PLAIN = re.compile(r"(?<=[\u3400-\u9fff?？])[(（]([a-zü]{1,6})[)）]")
# A gloss whose character and opening parenthesis were both lost to a "?" (益陽日?qǐng)?bào)消息):
# the "?" stays as the placeholder of the lost character, the gloss goes.
_GLOSS_ORPHAN = re.compile(rf"([?？])[a-zü{_TONED}]{{1,7}}[)）]")

# Lines dropped wherever they occur (matched on the Simplified, NFKC form). Each rule names the kind
# of page it exists for; the seed article showing it is in brackets.
_DEBRIS = [re.compile(p) for p in (
    # Chinese government portals' accessibility toggles, first line of the page [000, a city portal].
    r"进入老年模式|退出老年模式|无障碍浏览|无障碍阅读",
    # Breadcrumbs of portal and CMS pages: "当前位置:首页 > 解读回应 > ..." [000].
    r"^(当前位置|您的位置|你的位置|所在位置)",
    r"^首页\s*[>»›]",
    # Share and print widgets of news and portal pages: QR codes, share-to, print, close [000].
    r"扫一扫|手机打开当前页|手机扫码|分享到[:：]?|打印本页|关闭窗口|收藏本页",
    # Font-size switchers ("字体:【大 中 小】") under portal headlines [000].
    r"^【?字[体号][:：]?\s*(【?[大中小]】?\s*)*$|【字[体号]",
    # View counters of portals and aggregators [000].
    r"浏览量|浏览次数|阅读量|阅读数[:：]|点击数[:：]",
    # Page-info lines above or below the body: date, author, outlet, editor; metadata.py reads
    # them from the raw page before they go [000 发布时间/来源, 004 作者/時間 and 來源].
    r"^(发布时间|发布日期|发表时间|时间|日期|作者|来源|稿源|责任编辑|责编|编辑)[:：]",
    # Copyright, disclaimer and ICP-licence footers of Chinese sites [004, an industry news portal].
    r"版权所有|版权声明|版权及免责声明|免责声明|ICP备|ICP证|公网安备|copyright|©",
    # Previous/next-article links under the body of CMS pages (none in the seeds; common on portals).
    r"^(上一篇|下一篇)[:：]",
)]

# A line like this ends the article: it and everything after it are page furniture. Portals and
# aggregators list unrelated headlines under such headings [000 相关阅读; 004 延伸閱讀, 熱點視頻].
_TAIL_HEADINGS = re.compile(
    r"^(相关阅读|相关新闻|相关链接|相关文章|延伸阅读|推荐阅读|热点新闻|热点视频|热点舆情|热点推荐|热门推荐|"
    r"热门文章|更多新闻|猜你喜欢|为你推荐|精彩推荐)[:：]?$"
)
# News sites' tag lines, after which their feed of other stories follows [003, 红网: 标签: 产业发展].
_TAG_LINE = re.compile(r"^(标签|关键词|关键字|tags?)[:：]", re.IGNORECASE)

# Bylines: short lines naming reporters, without sentence punctuation [002 ■文/本报记者, 003 红网时刻新闻记者].
_BYLINE = re.compile(r"(记者|通讯员|特约撰稿|■\s*文\s*/)")
_SENTENCE_END = "。！？!?；;…"


def remove_pinyin_glosses(text: str) -> str:
    """Drop pinyin glosses written after characters; keep every other parenthesis.

    Toned glosses (時(shí)間) always go; untoned ones (的(de)) only on pages that carry at
    least three toned glosses, so English abbreviations in parentheses are safe elsewhere. Pages run
    through a pinyin-annotating converter carry them inside every other word [004, 红网 via 中国产业经济信息网].

    >>> remove_pinyin_glosses("時(shí)間:2013 報(bào)道 剛果(金) 衡阳（国际）眼镜 (資料圖片)")
    '時間:2013 報道 剛果(金) 衡阳（国际）眼镜 (資料圖片)'
    >>> remove_pinyin_glosses("據(jù)益陽日?qǐng)?bào)消息")
    '據益陽日??消息'
    """
    toned = len(_GLOSS_TONED.findall(text))
    text = _GLOSS_TONED.sub("", text)
    text = _GLOSS_ORPHAN.sub(lambda m: m.group(1) if any(c in _TONED for c in m.group(0)) else m.group(0), text)
    if toned >= 3:
        text = _GLOSS_PLAIN.sub(lambda m: "" if _SYLLABLE.match(m.group(1)) else m.group(0), text)
    return text


def is_debris(line: str) -> bool:
    """True for a line that is page furniture rather than article text (given stripped)."""
    simple = to_simplified(line)
    if any(p.search(simple) for p in _DEBRIS):
        return len(simple) <= 120  # a long line that merely mentions 来源 is body text
    return is_byline(simple)


def is_byline(line: str) -> bool:
    """A short reporter line such as 红网时刻新闻记者 李兵 通讯员 张光升 综合报道."""
    simple = to_simplified(line)
    return (len(simple) <= 40 and bool(_BYLINE.search(simple))
            and not any(ch in simple for ch in _SENTENCE_END + "，,"))


def clean_text(raw: str) -> str:
    """Return the article body: glosses removed, debris lines and trailers dropped, lines stripped.

    Paragraphs are joined with single newlines. The result is what chunks point into.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text)  # zero-width characters
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    text = remove_pinyin_glosses(text)
    kept: list[str] = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        if not line:
            continue
        simple = to_simplified(line)
        if _TAIL_HEADINGS.match(simple) or _TAG_LINE.match(simple):
            break
        if is_debris(line):
            continue
        kept.append(line)
    return "\n".join(_drop_trailing_teasers(kept))


def _drop_trailing_teasers(lines: list[str]) -> list[str]:
    """Drop a run of two or more cut-off teaser lines at the very end of the page.

    News feeds list unrelated headlines with truncated summaries after the article [003, 红网: five
    长沙 teasers after its tag line]; such lines are long and stop mid-sentence. A single unfinished last line is left alone (it may be a caption).
    """
    end = len(lines)
    while end > 0 and _looks_cut_off(lines[end - 1]):
        end -= 1
    return lines[:end] if len(lines) - end >= 2 else lines


def _looks_cut_off(line: str) -> bool:
    return len(line) >= 30 and line[-1] not in _SENTENCE_END + "”」』）)\"'"
