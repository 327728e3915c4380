"""A question of several parts split into single questions, each then answered on its own.

The small model answers one figure well and two figures in one reply badly (it gives the first and
drops the second, or refuses), so a question that asks for two is asked twice. Decided on the
Simplified text with patterns, no model. Three shapes:
- two questions in one message, each with its own asking part:
  "益阳签约…项目多少个？2024衡商大会上衡阳签约引进项目多少个?" -> the two questions;
- two conjuncts of one kind joined by 和/与/及/以及 — periods (衡阳2023年全年和2019年上半年的
  进出口总额分别是多少?), two words of a kind (2022年考研和高考报名人数), and with 分别 also places
  (衡阳和永州…) or trade partners (对A和对B贸易额) — -> the question once for each conjunct, the rest
  of it shared: 衡阳2023年全年的进出口总额是多少?, 衡阳2019年上半年的…;
- 分别 with two whole subjects (衡阳2023年进出口总额和永州上半年全市进出口总额分别是多少?) -> each
  subject with the asking part; a second subject without its own place or period takes the first
  one's, as a follow-up would (followup.standalone).
Anything else is one question ([]). Parts are returned in the question's script. Does not retrieve.
"""

from __future__ import annotations

import re

from .followup import standalone
from .query import Query
from .text.periods import period_phrases
from .text.script import to_script
from .text.words import jieba, key_terms

MAX_PARTS = 4  # each part is a model call: a message of more questions is asked as it stands
_ASKS = re.compile(r"(?:是|有)?(?:多少|几|什么|谁|哪)")
_JOINS = re.compile(r"以及|和|与|及")
_WHOLE_YEAR = "全年"
_PARTNER_END = re.compile(r"对[\u4e00-\u9fff]{2,4}$")
_PARTNER_START = re.compile(r"^对?[\u4e00-\u9fff]{2,4}?(?=贸易|进出口|出口|进口|投资|合作)")


def split_question(query: Query) -> list[str]:
    """The single questions ``query`` asks, in its script; [] when it asks one.

    >>> split_question(Query.parse("衡阳2023年全年和2019年上半年的进出口总额分别是多少?"))
    ['衡阳2023年全年的进出口总额是多少?', '衡阳2019年上半年的进出口总额是多少?']
    >>> split_question(Query.parse("衡阳2023年进出口总额是多少?"))
    []
    """
    if query.script == "latin" or query.unusable:
        return []
    parts = _two_questions(query.simple) or _respectively(query.simple)
    if not 2 <= len(parts) <= MAX_PARTS:
        return []  # more parts than that are asked as one question: none is dropped unsaid
    return [to_script(part, query.script) for part in parts]


def _two_questions(simple: str) -> list[str]:
    """Questions written one after the other, each ending with a question mark and asking something."""
    pieces = [p.strip() for p in re.findall(r"[^?？]+[?？]", simple) if p.strip()]
    return pieces if len(pieces) >= 2 and all(_ASKS.search(p) for p in pieces) else []


def _respectively(simple: str) -> list[str]:
    """The parts of a question joined by 和/与/及: same-kind conjuncts, else (with 分别) whole subjects.
    Without 分别 only two periods or two parallel words are parts: two places or partners may be one
    figure between them (中国和美国的贸易额)."""
    both = "分别" in simple
    text = simple.replace("分别", "", 1)
    kinds = ((_periods, _places, _partners, _parallel, _parallel_phrase) if both
             else (_periods, _parallel, _parallel_phrase))
    for join in _JOINS.finditer(text):
        left, right = text[:join.start()], text[join.end():]
        for x, y in (kind(left, right) for kind in kinds):
            if x and y:
                prefix, suffix = left[:len(left) - len(x)], right[len(y):]
                if x.startswith("对") and not y.startswith("对"):
                    y = "对" + y  # 对东盟和欧盟: the second partner takes 对 too
                return [prefix + x + suffix, prefix + y + suffix]
        asking = _ASKS.search(right)
        if both and asking and _has_topic(left) and _has_topic(right[:asking.start()]):
            first = left + right[asking.start():]
            return [first, standalone(right, first)]
    return []


def _periods(left: str, right: str) -> tuple[str, str]:
    """The period words that end ``left`` and start ``right`` (2023年全年 | 2019年上半年), or ''."""
    return _period_run(left, period_phrases(left), at_end=True), _period_run(right, period_phrases(right), at_end=False)


def _places(left: str, right: str) -> tuple[str, str]:
    """The place that ends ``left`` and the one that starts ``right`` (衡阳 | 永州), or ''."""
    before, after = key_terms(left), key_terms(right)
    x = before[-1] if before and left.endswith(before[-1]) and not before[-1].isascii() else ""
    y = after[0] if after and right.startswith(after[0]) and not after[0].isascii() else ""
    return x, y


def _partners(left: str, right: str) -> tuple[str, str]:
    """The trade partner that ends ``left`` and the one that starts ``right`` (对东盟 | 对欧盟), or ''."""
    x, y = _PARTNER_END.search(left), _PARTNER_START.match(right)
    return (x.group(0), y.group(0)) if x and y else ("", "")


def _parallel(left: str, right: str) -> tuple[str, str]:
    """The word that ends ``left`` and the one (or two, 冬|残奥会) that start ``right`` when they are two
    of a kind, sharing a character (男单 | 女单, 女子 | 男子, 考研 | 高考, 冬奥会 | 冬残奥会), or ''."""
    before, after = jieba().lcut(left), jieba().lcut(right)
    if not before or not after:
        return "", ""
    x = before[-1]
    for y in (after[0], "".join(after[:2])) if len(after[0]) == 1 else (after[0],):
        if 2 <= len(y) <= len(x) + 2 and len(x) >= 2 and x != y and set(x) & set(y) and _is_word(x) and _is_word(y):
            # two actions (牵头引进和跟进洽谈…项目多少个?) describe one set of things, and two places
            # may be the two ends of one figure (中国和美国的贸易额): _places decides those, with 分别
            one = (_verb(x) and _verb(y)) or x in key_terms(left) or y in key_terms(right)
            return ("", "") if one else (x, y)
    return "", ""


def _verb(word: str) -> bool:
    return [tag.flag for tag in jieba().posseg.cut(word)] == ["v"]


def _parallel_phrase(left: str, right: str) -> tuple[str, str]:
    """Two phrases of a kind whose first words are the same or end alike (最佳电视剧 | 最佳电视动画,
    女子双人10米跳台 | 男子双人10米跳台冠军): the phrase of ``left`` from that word on, and ``right`` up to
    its asking part; or ''."""
    before, after = jieba().lcut(left), jieba().lcut(right)
    asking = _ASKS.search(right)
    if len(before) < 2 or not after or not asking or not _is_word(after[0]) or len(after[0]) < 2:
        return "", ""
    first = after[0]
    for at in range(len(before) - 2, max(len(before) - 7, -1), -1):
        word = before[at]
        if word == first or (len(word) == len(first) and word[-1] == first[-1] and _is_word(word)):
            return "".join(before[at:]), right[:asking.start()]
    return "", ""


def _is_word(text: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff]+", text))


def _period_run(text: str, phrases: list[str], at_end: bool) -> str:
    """The longest run of ``phrases`` (and 全年) that ``text`` ends with (``at_end``) or starts with;
    '' when there is none or it is 全年 alone."""
    run, rest = "", text
    while True:
        found = next((p for p in [*phrases, _WHOLE_YEAR] if (rest.endswith(p) if at_end else rest.startswith(p))), None)
        if not found:
            return run if run and run != _WHOLE_YEAR else ""
        run, rest = (found + run, rest[:-len(found)]) if at_end else (run + found, rest[len(found):])


def _has_topic(text: str) -> bool:
    """Whether ``text`` names a figure: some word besides its places and periods (two characters)."""
    for phrase in [*period_phrases(text), *key_terms(text)]:
        text = text.replace(phrase, "")
    return len(re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", text)) >= 2
