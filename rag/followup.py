"""A follow-up question turned into a standalone one, from the question before it in the conversation.

Decided on the parsed questions (query.py), without asking a model, so it is instant and testable:
- a question that names its own place and topic stands alone, even right after another topic
  (益阳签约了多少个亿元以上项目?): a topic switch inherits no place, figure or year;
- one that only names another period or place (那2022年呢? 上半年呢? 永州呢?) is the previous
  question with that period or place put in: 衡阳2022年进出口总额是多少?;
- one that refers back (它, 其, 该, 这, 为什么, 如何 …) is about the previous question's place,
  period and figure: 它在全省排第几? -> 衡阳2023年进出口总额在全省排第几?;
- one with a topic but no place (签约了多少个项目?) takes the previous question's place, and its
  period unless it names one.
The standalone question is written in the follow-up's script. A question with no Chinese is
resolved only when it stands alone (English follow-ups are answered as asked). Does not retrieve.
"""

from __future__ import annotations

import re

from .errors import InputError
from .query import Query
from .text.periods import period_phrases
from .text.script import to_script

# Words that carry no topic in a follow-up: the filler of "那…呢?" and period words.
_FILLER = frozenset({"那", "那么", "呢", "又", "还有", "上半年", "下半年", "前三季度", "一季度", "第一季度", "全年"})
# Words that point back at the previous question's figure.
_REFERS_BACK = re.compile(r"^(那么|那)?(它|其|该|此|这|那个|这个|为什么|为何|怎么|如何)")
_LEADING = re.compile(r"^(那么|那|而|还有|另外)?(它的|它|其)?")
# Where the asking part of a question starts (是多少, 排第几 …): what comes before it is the subject.
_ASKING = re.compile(r"是多少|有多少|多少|是几|第几|排第|排名|居全|位列|是什么|是谁|是哪|哪|什么时候|怎么|如何|为什么|吗|呢|[?？]")


def standalone(question: str, previous: str | None, max_chars: int = 2000) -> str:
    """``question`` as a question that needs no conversation to be understood.

    >>> standalone("那2022年呢?", "衡阳2023年进出口总额是多少?")
    '衡阳2022年进出口总额是多少?'
    >>> standalone("永州呢?", "衡阳2023年进出口总额是多少?")
    '永州2023年进出口总额是多少?'
    >>> standalone("它在全省排第几?", "衡阳2023年进出口总额是多少?")
    '衡阳2023年进出口总额在全省排第几?'
    >>> standalone("益阳签约了多少个亿元以上项目?", "衡阳2023年进出口总额是多少?")
    '益阳签约了多少个亿元以上项目?'
    """
    query = Query.parse(question, max_chars)
    resolved = resolve(query, Query.parse(previous, max_chars)) if previous else None
    return resolved or query.text or query.asked


def last_standalone(turns: list[str], max_chars: int = 2000) -> str | None:
    """The standalone question of the last of a conversation's questions, resolved turn by turn from
    the first; a turn that is no question (refused as input when asked) is passed over.

    >>> last_standalone(["衡阳2023年进出口总额是多少?", "？！", "那2022年呢?"])
    '衡阳2022年进出口总额是多少?'
    """
    previous = None
    for turn in turns:
        try:
            previous = standalone(turn, previous, max_chars)
        except InputError:
            continue
    return previous


def resolve(query: Query, before: Query) -> str | None:
    """The standalone question for ``query`` asked after ``before``, in ``query``'s script; None
    when ``query`` stands alone (or is not Chinese, or ``before`` is not)."""
    if query.unusable or query.script == "latin" or before.script == "latin" or not before.text:
        return None
    resolved = _resolve(query, before)
    return None if resolved is None else to_script(resolved, query.script)


def _resolve(query: Query, before: Query) -> str | None:
    """The standalone text in Simplified, or None when ``query`` stands alone."""
    period = period_phrases(query.simple)
    topic = [t for t in query.topic if t not in query.places and t not in _FILLER
             and not any(t in phrase for phrase in period)]  # 三季度 of 前三季度 is no topic
    if query.places and topic and not _REFERS_BACK.match(query.simple):
        return None  # its own place and topic: a new question, whatever came before
    if not topic:  # only a new period and/or place: the previous question with them put in
        if not period and not query.places:
            return None
        return _with_place(_with_period(before.simple, period), before.places, list(query.places))
    if _REFERS_BACK.match(query.simple):  # about the previous figure: its subject, then this question
        return _subject(before.simple) + _LEADING.sub("", query.simple)
    # a new topic without a place: the previous place (and period, unless this one names its own)
    places = "".join(p for p in before.places if not p.isascii())  # places, not acronyms (GDP)
    return places + ("" if period else "".join(period_phrases(before.simple))) + _LEADING.sub("", query.simple)


def _with_period(text: str, phrases: list[str]) -> str:
    """``text`` with its period words replaced by ``phrases`` (a year replaces a year, a part a part)."""
    for new in phrases:
        old = period_phrases(text)
        same_kind = [p for p in old if p[:4].isdigit() == new[:4].isdigit()]
        if same_kind:
            text = text.replace(same_kind[0], new, 1)
        elif old:  # a part of a year after the year (2023年 + 上半年), a year before a part
            at = text.find(old[0])
            at = at + len(old[0]) if old[0][:4].isdigit() else at
            text = text[:at] + new + text[at:]
        else:
            text = new + text
    return text


def _with_place(text: str, old_places: tuple[str, ...], new_places: list[str]) -> str:
    if not new_places:
        return text
    if old_places and old_places[0] in text:
        return text.replace(old_places[0], new_places[0], 1)
    return new_places[0] + text


def _subject(simple: str) -> str:
    """What a question asks about: its words before the asking part. ``_subject("衡阳2023年进出口总额是多少?")``
    is ``"衡阳2023年进出口总额"``."""
    found = _ASKING.search(simple)
    return simple[:found.start()] if found else simple
