"""Rules that patch the model's reply, each recorded by name on the Answer that it changed.

The small model gets some answers right in substance and wrong in form; these rules repair the
form from what the question and the cited sentence say, never from the articles' figures. Each
returns the reply unchanged when it does not apply, so the pipeline records a fix only when the
text changed, and `rag eval` reports the model's own accuracy beside the patched one.
Rules: ``as_rank`` (a bare number answering 第几 is the rank), ``rank_from_evidence`` (a figure
answering 第几 gets the rank its cited sentence states), ``date_from_evidence`` (a date answering
"when" gets the month, year or day its cited sentence gives it: 10日 → 3月10日),
``qualifier_from_evidence`` (a figure keeps the 近, 约 or 超过 its cited sentence puts before it),
``unit_from_evidence`` (a bare number gets the unit its cited sentence writes: 12 → 12人),
``english_reading`` (an English question's answer gives each Chinese amount's and rank's English
reading: 446.1亿元 (44.61 billion yuan), 第71位 (71st)), ``english_sentence`` (a bare figure
answering "What was X?" becomes "X was 446.1亿元 (44.61 billion yuan)[1].", a rank in Chinese
prose "It ranked 71st (第71位)[1].");
``readings_after_quote`` gives the readings after a quoted passage sentence, whose words are left
as the article has them. Citation repairs are recorded by citations.py under their own names.
Does not call the model.
"""

from __future__ import annotations

import re

from ..query import Query
from ..text.asking import FIGURE, WHEN, asked_kind
from ..text.english_numbers import english_reading
from ..text.numbers import NUMBER, normalised, numbers, value_of
from ..text.sentences import MARKER, MARKER_TEXT, strip_markers

_BARE_NUMBER = re.compile(rf"^\s*(\d{{1,4}})\s*((?:{MARKER_TEXT})*)\s*[。.]?\s*$")
# A number with no unit (12, 4.5), then its markers: what unit_from_evidence completes.
_BARE_FIGURE = re.compile(rf"^\s*(\d+(?:\.\d+)?)\s*((?:{MARKER_TEXT})*)\s*[。.]?\s*$")
# A rank or ordinal as written (第3, 第六); gates.ordinal_not_given and quoting._ordinal_quote ask it
# with the unit asked (第六次).
RANK_STATED = re.compile(r"第[一二三四五六七八九十百\d]+")
_RANK_PHRASE = re.compile(r"(?:居|位列|位居|排名|排在|排|列)[^，。；,;！？]{0,8}?第[一二三四五六七八九十百\d]+[位名]?")
_BODY_AND_MARKERS = re.compile(rf"^(.*?)((?:{MARKER_TEXT})*)[。.]?\s*$", re.S)


def as_rank(answer: str, query: Query) -> str:
    """A bare number answering "第几(位)" is that rank: the small model tends to drop the 第.

    >>> as_rank("71[1]", Query.parse("衡阳在榜单中排第几位?")), as_rank("71[1]", Query.parse("有多少个?"))
    ('第71位[1]', '71[1]')
    """
    bare = _BARE_NUMBER.match(answer)
    if not (query.asks_rank and bare):
        return answer
    return f"第{bare.group(1)}{query.rank_unit}{bare.group(2)}"


def rank_from_evidence(answer: str, query: Query, evidence: list[str]) -> str:
    """An answer to "第几" that states no rank gets the rank its cited sentence states.

    The small model sometimes answers a rank question with the figure the rank is about
    (a sum for 居全省第几?); the sentence it cites states the rank (总量居全省第二), so that is added.

    >>> q = Query.parse("进出口总额居全省第几?")
    >>> rank_from_evidence("12.5亿元[2]", q, ["进出口总额12.5亿元,总量居全省第二。"])
    '12.5亿元，居全省第二[2]'
    >>> rank_from_evidence("第二[1]", q, ["总量居全省第二。"])
    '第二[1]'
    """
    if not query.asks_rank or RANK_STATED.search(strip_markers(answer)):
        return answer
    for sentence in evidence:
        found = _RANK_PHRASE.search(sentence)
        if found:
            body, markers = _BODY_AND_MARKERS.match(answer).groups()
            return f"{body.rstrip('。.，, ')}，{found.group(0)}{markers}"
    return answer


_DATE_PARTS = frozenset("年月日号时点")
# Words before a figure that make it true: 近70% is not 70%.
_QUALIFIER = re.compile(r"(近|约|超过|超|逾|不少于|不到|不足|将近|接近|大约)$")


def qualifier_from_evidence(answer: str, query: Query, evidence: list[str]) -> str:
    """A figure the cited sentence qualifies (近70%, 约40%, 超过1200亿元) keeps its qualifier in the answer.

    >>> qualifier_from_evidence("70%[1]", Query.parse("开工率是多少?"), ["已开工74个，开工率近70%；"])
    '近70%[1]'
    >>> qualifier_from_evidence("近70%[1]", Query.parse("开工率是多少?"), ["开工率近70%"])
    '近70%[1]'
    >>> qualifier_from_evidence("1月17日[1]", Query.parse("春运首日是哪天?"), ["还有不到1个月，春运首日（1月17日）"])
    '1月17日[1]'
    >>> qualifier_from_evidence("1300名[1]", Query.parse("派出干部多少名?"), ["共派出联企干部1300余名,"])
    '1300余名[1]'
    """
    text = normalised(answer)
    if len(text) != len(answer):
        return answer
    text = MARKER.sub(lambda marker: " " * len(marker.group(0)), text)  # [1] holds no figure
    evidence = [normalised(sentence) for sentence in evidence]
    for m in reversed(list(NUMBER.finditer(text))):
        after = text[m.end():m.end() + 1]
        if _QUALIFIER.search(text[:m.start()]) or after in _DATE_PARTS:
            continue  # qualified already, or a date (1月17日), which 不到1个月 does not qualify
        # the same figure: a word that follows it (个 of 1个月) must follow it in the sentence too
        figure = m.group(0).strip() + (after if re.match(r"[\u4e00-\u9fff]", after) else "")
        for sentence in evidence:
            at = sentence.find(figure)
            qualifier = _QUALIFIER.search(sentence[:at]) if at > 0 else None
            if qualifier and not re.match(r"[\d.]", sentence[at - 1:at]):
                answer = answer[:m.start()] + qualifier.group(0) + answer[m.start():]
                break
            # 1300余名, 30多个: the qualifier stands between the number and its unit
            digits = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
            unit = (m.group(3) or "").strip() or after
            inner = re.search(rf"(?<![\d.]){re.escape(digits)}([余多])(?={re.escape(unit)})", sentence) \
                if re.match(r"[\u4e00-\u9fff]", unit) and unit[0] not in _DATE_PARTS else None
            if inner:
                at = m.start() + len(digits)
                answer = answer[:at] + inner.group(1) + answer[at:]
                break
    return answer


def unit_from_evidence(answer: str, query: Query, evidence: list[str]) -> str:
    """A bare number answering how many or how much gets the unit its cited sentence writes after
    it, when that sentence writes the number with one unit only: the small model drops it.

    >>> unit_from_evidence("12[2]", Query.parse("踩踏事故死亡人数"), ["目前已造成12人死亡、14人受伤。"])
    '12人[2]'
    >>> unit_from_evidence("4.5[1]", Query.parse("一季度增长率"), ["同比增长4.5%，超出预期的4%"])
    '4.5%[1]'
    >>> unit_from_evidence("12[1]", Query.parse("死亡人数"), ["12人死亡，12辆车受损"])
    '12[1]'
    """
    bare = _BARE_FIGURE.match(answer)
    if not bare or query.asks_rank or query.script == "latin" or asked_kind(query.simple) != FIGURE:
        return answer  # an English answer is given its words by english_sentence
    units = {unit for sentence in evidence for value, unit in numbers(sentence) if value == bare.group(1)}
    if len(units) != 1 or "" in units:
        return answer  # no unit (a date, a bare count), or two: which one is not known
    return f"{bare.group(1)}{units.pop()}{bare.group(2)}"


# A date as a span: 2021年11月23日, 3月10日, 10日, 2021年3月.
_DATE_SPAN = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}[日号]|(?:\d{4}年)?\d{1,2}月")


def date_from_evidence(answer: str, query: Query, evidence: list[str]) -> str:
    """A date answering "when" that leaves out the month or year, or the day, that its cited sentence
    states gets them.

    The small model copies the day (10日上午) of "3月10日", or the month (2022年12月) of
    2022年12月9日; a day alone is no date to the reader, a month is less than the article says.

    >>> q = Query.parse("全国政协会议闭幕时间")
    >>> date_from_evidence("10日上午[1]", q, ["新华社北京3月10日电 会议10日上午闭幕"])
    '3月10日上午[1]'
    >>> date_from_evidence("2022年12月[1]", q, ["2022年12月9日，首架交付"])
    '2022年12月9日[1]'
    >>> date_from_evidence("3月10日[1]", q, ["新华社北京3月10日电"]), date_from_evidence("10日[1]", Query.parse("多少?"), ["3月10日"])
    ('3月10日[1]', '10日[1]')
    """
    if asked_kind(query.simple) != WHEN:
        return answer
    for found in _DATE_SPAN.finditer(answer):
        day = found.group(0)
        longer = [m.group(0) for text in evidence for m in _DATE_SPAN.finditer(normalised(text))
                  if (m.group(0).endswith(day) or m.group(0).startswith(day)) and len(m.group(0)) > len(day)]
        if len(set(longer)) == 1:  # two dates that would complete it (12月9日, 12月31日): left as it is
            return answer[:found.start()] + longer[0] + answer[found.end():]
    return answer


def english_reading_added(answer: str, query: Query) -> str:
    """An English question's answer with the English reading after each Chinese amount that has one
    (the figure and unit of the article are kept; the reading is checked like any figure).

    >>> english_reading_added("446.1亿元[1]", Query.parse("What was Hengyang's total in 2023?"))
    '446.1亿元 (44.61 billion yuan)[1]'
    >>> english_reading_added("446.1亿元 (44.61 billion yuan)[1]", Query.parse("What was it?"))
    '446.1亿元 (44.61 billion yuan)[1]'
    >>> english_reading_added("位列第71位[1]", Query.parse("Which place did it take?"))
    '位列第71位 (71st)[1]'
    """
    text = normalised(answer)
    if query.script != "latin" or len(text) != len(answer):
        return answer
    readings = [(m.end(), english_reading((value_of(m), (m.group(3) or "").strip()))) for m in NUMBER.finditer(text)]
    readings += [(m.end(), _ordinal(m.group(1))) for m in _RANK_WRITTEN.finditer(text)]
    out, at = [], 0
    for end, reading in sorted((e, r) for e, r in readings if r):
        if text[end:].lstrip().startswith("(") or end < at:
            continue
        out += [answer[at:end], f" ({reading})"]
        at = end
    return "".join(out) + answer[at:]


_RANK_WRITTEN = re.compile(r"第([一二三四五六七八九十]|\d{1,4})[位名]?")
_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def _ordinal(rank: str) -> str:
    """The English ordinal of a rank written 第3 or 第三.

    >>> _ordinal("3"), _ordinal("十"), _ordinal("71"), _ordinal("12")
    ('3rd', '10th', '71st', '12th')
    """
    n = _CHINESE_DIGITS.get(rank) or int(rank)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def readings_after_quote(quoted: str, query: Query) -> str:
    """A quoted passage sentence answering an English question, followed by the English reading of
    each Chinese amount in it (the quote itself is not changed).

    >>> readings_after_quote("The article says: 「對外實際投資額1701萬美元」[1]", Query.parse("How much?"))
    'The article says: 「對外實際投資額1701萬美元」[1] (1701万美元 = 17.01 million US dollars)'
    """
    if query.script != "latin":
        return quoted
    text = normalised(quoted)
    readings = []
    for m in NUMBER.finditer(text):
        unit = (m.group(3) or "").strip()
        reading = english_reading((value_of(m), unit))
        if reading and f"{m.group(0).strip()} = {reading}" not in readings:
            readings.append(f"{m.group(0).strip()} = {reading}")
    return quoted + (f" ({'; '.join(readings)})" if readings else "")


# "What was <subject>?": the subject and verb an English answer sentence is made of.
_WHAT_WAS = re.compile(r"^\s*what\s+(was|were|is|are)\s+(.+?)\s*[?？.]?\s*$", re.IGNORECASE)
_ASKS_PLACE = re.compile(r"\b(which|what)\s+(place|position|rank)\b|\brank(ed)?\b", re.IGNORECASE)
_READING = re.compile(r"\s*\([^()]*\)")


def english_sentence(answer: str, query: Query) -> str:
    """An English question's short answer as an English sentence, the article's figure kept.

    >>> english_sentence("446.1亿元 (44.61 billion yuan)[1]", Query.parse("What was Hengyang's total in 2023?"))
    "Hengyang's total in 2023 was 446.1亿元 (44.61 billion yuan)[1]."
    >>> english_sentence("衡阳入围，位列第71位 (71st)[1]。", Query.parse("Which place did Hengyang take?"))
    'It ranked 71st (第71位)[1].'
    >>> english_sentence("682家[1]", Query.parse("How many firms came?"))
    '682家[1]'
    """
    if query.script != "latin" or not re.search(r"[\u4e00-\u9fff]", answer):
        return answer
    body, markers = _BODY_AND_MARKERS.match(answer).groups()
    rest = _READING.sub("", _RANK_WRITTEN.sub("", NUMBER.sub("", normalised(body))))
    bare = not re.search(r"[\w\u4e00-\u9fff]", rest)
    what = _WHAT_WAS.match(query.text)
    if bare and what and markers:
        subject = what.group(2)
        return f"{subject[0].upper()}{subject[1:]} {what.group(1).lower()} {body.strip()}{markers}."
    rank = _RANK_WRITTEN.search(normalised(body))
    if rank and _ASKS_PLACE.search(query.text) and markers:
        return f"It ranked {_ordinal(rank.group(1))} ({rank.group(0)}){markers}."
    return answer
