"""A question read as its subject and its asking part (衡阳2023年进出口总额 | 是多少?).

For the follow-up resolver (followup.py) and the labels of joined answers (answer/joining.py): what
a question asks about, what it asks, what it counts, and whether a follow-up's name is of a kind
with a word of the question before (民营500强 and 三类500强). Simplified text in, Simplified out,
except ``subject_of``. Reads words only; no model.
"""

from __future__ import annotations

import re

import jieba.posseg

from .text.script import detect_script, to_script, to_simplified

# Where the asking part of a question starts (是多少, 排第几 …): what comes before it is the subject.
_ASKING = re.compile(r"是多少|有多少|多少|是几|第几|有几|几[个家项列名位次]|排第|排名|居全|位列|是什么|是谁|是哪|哪"
                     r"|什么时候|怎么|如何|为什么|吗|呢|[?？]")
# An asking part that asks only an amount or a count (是多少?, 多少个工作日?), not an action (几个已开工建设?).
_AMOUNT_ASKED = re.compile(r"(是|有)?(多少|几)[^?？，,]{0,4}[?？]?")
ASKS_COUNT = re.compile(r"多少(个|家|项|列|名)|几(个|家|项|列|名)")
# An amount of things counted before (总投资额是多少? after …项目有几个?): theirs, not the event's or the place's.
_AMOUNT_WORDS = r"(总投资额|投资总额|总投资|投资额|投资规模|签约金额|合同额|金额|到位资金|货值|产值)"
_AMOUNT = re.compile(_AMOUNT_WORDS + r"(是多少|多少|呢)?[?？]?$")
# The amount a subject ends with, with the words that qualify it (…项目累计到位资金).
_AMOUNT_END = re.compile(r"(累计|实际|合计|总计|共)?" + _AMOUNT_WORDS + "$")
# A count of things named after the counter (其中有多少个项目?).
_COUNT_OF = re.compile(r"^(?:其中)?(?:有|共有)?(?:多少|几)([个家项列名])([\u4e00-\u9fff]+?)[?？]?$")
# The thing counted after 多少个/几个, as in 签约引进多少个项目?
_COUNTED = re.compile(r"(?:多少|几)[个家项列名]([\u4e00-\u9fff]*)[?？]?$")
# An asked unit that is a counter (几个?, 多少家?): what a count of other things may share.
_COUNTERS = frozenset("个家项列名")
# The longest follow-up (with its 呢) read as naming something of a kind with a word of the question before.
_SIBLING_MAX = 10


def subject_of(question: str) -> str:
    """What a question asks about, in its own script: ``subject_of("衡陽2023年進出口總額是多少?")`` is
    ``"衡陽2023年進出口總額"``."""
    return to_script(subject_part(to_simplified(question)), detect_script(question))


def subject_part(simple: str) -> str:
    """What a question asks about: its words before the asking part. ``subject_part("衡阳2023年进出口总额是多少?")``
    is ``"衡阳2023年进出口总额"``."""
    found = _ASKING.search(simple)
    return simple[:found.start()] if found else simple


def asking_part(simple: str) -> str:
    """The asking part of a question when it asks an amount or a count (是多少?, 多少个工作日?), else
    是多少?: for a follow-up that names another metric and only says 呢. A rank, a name or an action
    asked of another figure (几个已开工建设?) is not carried over."""
    asking = simple[len(subject_part(simple)):]
    return asking if _AMOUNT_ASKED.fullmatch(asking) else "是多少?"


def asking_for(name: str, before: str) -> str:
    """The asking part for a follow-up that names another figure and says 呢 (``name``: 货邮吞吐量):
    the previous question's (``asking_part``) when it asks a bare amount (是多少?) or when ``name``
    is a thing of the kind the previous question asked about, its last character in that question
    (直井 after …水平井是多少米?, 外商投资项目 after …多少个项目?); else 是多少?, since the unit (人次,
    资金, 个) was the previous figure's own: 货邮呢? after …旅客吞吐量有多少人次? asks tonnes, and
    开工率呢? after …开工了几个? a rate.

    >>> asking_for("直井", "衡钢最深水平井是多少米?"), asking_for("开工率", "永州上半年开工了几个?")
    ('是多少米?', '是多少?')
    >>> asking_for("外商投资项目", "2024衡商大会上衡阳签约引进了多少个项目?")
    '多少个?'
    """
    asking = asking_part(before)
    amount = re.match(r"(是|有)?(多少|几)", asking)
    unit = asking[amount.end():].rstrip("?？") if amount else ""
    if not unit:
        return asking
    if not name or name[-1] not in before:
        return "是多少?"
    return asking[:amount.end()] + unit[0] + "?" if unit[0] in _COUNTERS else asking  # 多少个?, not 多少个项目?


def count_among_counted(rest: str, before: str) -> str | None:
    """For a follow-up that counts and names nothing (已经开工的有几个? 投产了多少个?) after a
    question that counted things: the count among those things, which the follow-up's words alone
    would lose.

    >>> count_among_counted("已经开工的有几个?", "益阳2013年签了多少个投资上亿元的项目?")
    '益阳2013年签了投资上亿元的项目中已经开工的有几个?'
    >>> count_among_counted("外商投资项目有几个?", "2024衡商大会上衡阳签约引进了多少个项目?")
    """
    mine = _COUNTED.search(rest)
    if mine is None or mine.group(1) or not ASKS_COUNT.search(before):
        return None  # no count, or a count of things it names (几个外商投资项目?)
    if not _verb_phrase(subject_part(rest)):
        return None  # names what it counts before the count (外商投资项目有几个?)
    counted = _COUNTED.search(before)
    noun = counted.group(1) if counted else ""
    subject = subject_part(before)
    among = re.fullmatch(r"(.+)中([^中]+)", subject)
    if not noun and among and _verb_phrase(among.group(2)):
        subject = among.group(1)  # 已投产多少个? after …项目中已开工多少个?: among the same things
    if not subject + noun:
        return None  # the previous question named nothing to count among (几个?)
    return subject + noun + "中" + rest


def _verb_phrase(text: str) -> bool:
    """Whether ``text`` ends as a clause that names no thing: with 的, 了 or a verb (已经开工的, 开工了)."""
    words = list(jieba.posseg.cut(text))
    return bool(words) and (text[-1] in "的了" or words[-1].flag.startswith("v"))


def ends_asking(text: str) -> bool:
    """Whether ``text`` is nothing but the end of a question (呢?, ?)."""
    return not text.rstrip("?？") or text.rstrip("?？") == "呢"


def amount_of_counted(rest: str, before: str) -> str | None:
    """For a follow-up that asks an amount (总投资额是多少?, 货值呢?) after a question that counted
    things: the amount of those things, the previous subject kept whole with what it counted.

    >>> amount_of_counted("总投资额呢?", "2024衡商大会上衡阳签约引进多少个项目?")
    '2024衡商大会上衡阳签约引进项目总投资额是多少?'
    >>> amount_of_counted("总投资额呢?", "2024衡商大会上衡阳签约引进项目的增速是多少?")
    """
    amount = _AMOUNT.match(rest)
    if amount is None or not ASKS_COUNT.search(before):
        return None
    counted = _COUNTED.search(before)
    return subject_part(before) + (counted.group(1) if counted else "") + amount.group(1) + "是多少?"


def amount_for_amount(rest: str, before: str) -> str | None:
    """For a follow-up that asks an amount (总投资呢?) after a question whose subject ends with
    another amount (…湘商回归项目累计到位资金): the new amount of the same things, which the
    context alone (place, period) would lose.

    >>> amount_for_amount("总投资呢?", "永州湘商回归项目累计到位资金多少?")
    '永州湘商回归项目总投资是多少?'
    >>> amount_for_amount("总投资呢?", "永州湘商回归项目总投资是多少?")
    """
    amount = _AMOUNT.match(rest)
    things, old = _things_and_amount(before)
    if amount is None or old is None or old == amount.group(1):
        return None
    return things + amount.group(1) + "是多少?"


def count_of_amounted(question: str, before: str) -> str | None:
    """For a follow-up that counts things (其中有多少个项目?) after a question about their amount
    (…民营500强项目投资总额是多少?): the count of those things, the previous subject kept up to them.

    >>> count_of_amounted("其中有多少个项目?", "2018年至今衡阳引进的民营500强项目投资总额是多少?")
    '2018年至今衡阳引进的民营500强项目有多少个?'
    >>> count_of_amounted("其中有多少个企业?", "2018年至今衡阳引进的民营500强项目投资总额是多少?")
    """
    count = _COUNT_OF.match(question)
    things, amount = _things_and_amount(before)
    if count is None or amount is None or not things.endswith(count.group(2)):
        return None
    return things + "有多少" + count.group(1) + "?"


def _things_and_amount(question: str) -> tuple[str, str | None]:
    """A question's subject split before the amount it ends with (…湘商回归项目 | 累计到位资金 gives
    ("…湘商回归项目", "到位资金")); the whole subject and None when it ends with none."""
    subject = subject_part(question)
    amount = _AMOUNT_END.search(subject)
    return (subject[:amount.start()], amount.group(2)) if amount else (subject, None)


def sibling_question(rest: str, before: str) -> str | None:
    """For a follow-up that only names something short and says 呢 (民营500强呢?, 货邮吞吐量呢?): the
    previous question with the word of its subject that ends like that name (三类500强, 旅客吞吐量)
    replaced by it: a group or kind of the same sort. The shared ending is three characters or holds
    a digit (项目 or 投资 alone is too common to make two names of a kind). None when there is none.

    >>> sibling_question("民营500强呢?", "2018年至今衡阳引进的三类500强项目投资总额是多少?")
    '2018年至今衡阳引进的民营500强项目投资总额是多少?'
    >>> sibling_question("外商投资项目呢?", "2024衡商大会上衡阳签约引进项目多少个?")
    """
    name = rest.rstrip("?？")
    if not name.endswith("呢") or not 3 <= len(name) <= _SIBLING_MAX:
        return None
    name = name[:-1]
    subject = subject_part(before)
    for size in range(len(name) - 1, 1, -1):  # the longest shared ending first
        ending = name[-size:]
        at = subject.find(ending)
        if at <= 0 or (size < 3 and not re.search(r"\d", ending)):
            continue
        words = [w.word for w in jieba.posseg.cut(subject[:at])]
        head = words[-1] if words else ""
        if head == name[:-size] or re.search(r"\d", head) or len(head) > 4:
            return None
        return subject[:at - len(head)] + name + subject[at + size:] + asking_part(before)
    return None
