"""A follow-up question turned into a standalone one, from the question before it in the conversation.

Decided on the parsed questions (query.py), without asking a model, so it is instant and testable.
A question is read as [context: its place, period, organisation][metric][the asking part], e.g.
衡阳2023年 | 进出口总额 | 是多少?, and a follow-up replaces the parts it names:
- a question that names its own place and topic stands alone, even right after another topic
  (益阳签约了多少个亿元以上项目?): a topic switch inherits no place, figure or year. A place that is
  a trade partner (对非洲…, 与广东…签订) or the scope of a rank (在湖南省排第几) is not the
  question's own place;
- one that only names another period or place (那2022年呢? 上半年呢? 永州呢?) is the previous
  question with that period or place put in: 衡阳2022年进出口总额是多少?;
- one about the previous figure (它/其/这…, 为什么, 同比增长多少?, 增幅是多少?, 居全省第几?) is
  the previous question's subject with this question after it: 衡阳2023年进出口总额同比增长多少?;
- another trade partner (对欧盟呢?) replaces the previous one: 衡阳对欧盟贸易额是多少?;
- a group of a kind with a word of the previous subject (民营500强呢? after …三类500强项目投资总额)
  replaces that word; an amount (总投资额是多少?) after a count is the amount of the things counted:
  2024衡商大会上「三类500强」企业项目总投资额是多少? (question_parts.py);
- another metric (货邮吞吐量呢? 签约了多少个项目?) keeps the previous context and replaces the
  metric: 南岳机场2020年货邮吞吐量是多少?; its own period replaces the previous one.
The standalone question is written in the follow-up's script. English follow-ups of an English
question are resolved by followup_english.py; a Chinese follow-up of an English question is
resolved against that question's places, period and trade words in Chinese
(``followup_english.chinese_question``); an English follow-up of a Chinese question is answered as
asked. Does not retrieve.
"""

from __future__ import annotations

import re

import jieba.posseg

from .errors import InputError
from .followup_english import chinese_question, resolve_english
from .query import Query
from .question_parts import (ASKS_COUNT, amount_for_amount, amount_of_counted, asking_for, asking_part,
                             count_among_counted, count_of_amounted, ends_asking, sibling_question, subject_part)
from .text.periods import period_phrases
from .text.script import to_script

# Words that carry no topic in a follow-up: the filler of "那…呢?" and period words.
_FILLER = frozenset({"那", "那么", "呢", "又", "还有", "上半年", "下半年", "前三季度", "一季度", "第一季度", "全年"})
# Words that point back at the previous question's figure: pronouns, why/how, and what is asked
# about a figure (its change, share or rank), e.g. 同比增长多少? 增幅是多少? 居全省第几? 占园区企业总数的多少?
_REFERS_BACK = re.compile(r"^(那么|那)?(它|其|该|此|这|那个|这个|为什么|为何|怎么|如何)")
_ABOUT_FIGURE = re.compile(r"^(同比|比上年|较上年|比去年|较去年|与上年相比)?(增长|增加|增幅|增速|涨幅|下降|减少|降幅"
                           r"|占|比重|排(在)?第|排名|居全|居第|位列|位居|在[\u4e00-\u9fff]{0,4}(排|居|位))")
# An event's ordinal asked of the previous figure (这是第几次入围?): the event's, not the figure's.
_EVENT_ORDINAL = re.compile(r"^(这|此|这次|这一次)?是?(?=第几[次届])")
_LEADING = re.compile(r"^(那么|那|而|还有|另外)?(它的|它|其)?")
# A year as a question writes it (2023年), dropped when another place's part of a year is asked.
_YEAR_WORD = re.compile(r"(?<!\d)(?:19|20)\d\d年")
# Adverbs of a count that end a subject (…项目共 of …项目共多少个?): nothing to say before 中 or 同比.
_TALLY_END = re.compile(r"(共|一共|总共|共计|合计)$")
# A trade partner, as in 对非洲进出口贸易额, 对欧盟23.6亿元: the place after 对 before the trade words.
_PARTNER = re.compile(r"对(?P<partner>[\u4e00-\u9fff]{2,6}?)(?=进出口|贸易|出口|进口|投资|合作|订单|呢|的|[?？]|$)")
# Words that make the place after them a partner of the question's own place (衡阳与广东…签订).
_PARTNER_WORDS = ("对", "与", "同")
# A place listed after a partner (对马来西亚、南非、加拿大等): a partner too.
_PARTNER_LIST = r"[对与同][\u4e00-\u9fff]{{2,8}}(、[\u4e00-\u9fff]{{2,8}})*、{}"
# A place as the scope of a rank or share (在湖南省排第几, 居全省): not the place the question is about.
_SCOPE = r"(在|居|位列|位居|占)(全)?{}(省|市)?(内|中)?(排|第|居|位|的)?"
# What may follow a context's last place or period and still belong to it: 南岳机场, 2018年以来.
_CONTEXT_TAIL = re.compile(r"^[）)]?(以来|至今|以后|底|机场|公司|集团|港|班列|海关|园区|大会上|峰会上|全市|全省|市|县|区)*")


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
    when ``query`` stands alone (or the two are not in the same language)."""
    if query.unusable or not before.text:
        return None
    if query.script == "latin" and before.script == "latin":
        return resolve_english(query.text, before.text)
    if query.script == "latin":
        return None  # an English follow-up of a Chinese question is answered as asked
    if before.script == "latin":  # 同比增长了多少? after "How much did Hengyang invest abroad in 2023?"
        before = Query.parse(chinese_question(before.text))
    resolved = _resolve(query, before)
    return None if resolved is None else to_script(resolved, query.script)


def _resolve(query: Query, before: Query) -> str | None:
    """The standalone text in Simplified, or None when ``query`` stands alone."""
    period = period_phrases(query.simple)
    own = _own_places(query)
    topic = [t for t in query.topic if t not in own and t not in _FILLER
             and not any(t in phrase for phrase in period)]  # 三季度 of 前三季度 is no topic
    topic += [p for p in query.places if p.isascii()]  # an acronym names a figure (那GDP呢?)
    rest = _LEADING.sub("", query.simple)
    if own and topic and not _REFERS_BACK.match(query.simple):
        return None  # its own place and topic: a new question, whatever came before
    if not topic:  # only a new period and/or place: the previous question with them put in
        if not period and not own:
            return None
        text = before.simple
        if own and period and not any(p[:4].isdigit() for p in period) and _own_places(before) != own:
            # 永州上半年呢? after 衡阳2023年…: another place's part of a year, not of the old place's year
            text = _YEAR_WORD.sub("", text)
        return _with_place(_with_period(text, period), before.places, own)
    subject = subject_part(before.simple)
    repeated = _repeated_verb(rest, before.simple)
    if repeated is not None:  # 压缩前是多少个工作日? after …总审批时限压缩至多少个工作日?
        return before.simple[:repeated] + rest
    if _REFERS_BACK.match(query.simple) or _ABOUT_FIGURE.match(rest):  # about the previous figure
        counted = count_of_amounted(query.simple, before.simple)
        if counted is not None:  # 其中有多少个项目? after …民营500强项目投资总额是多少?: those projects
            return counted
        if query.simple.startswith("其中") and not ASKS_COUNT.search(before.simple):
            # 其中 of an amount: its items. 其中 stays: without it the small model gives the total
            # (15个 for "…峰会上衡阳500强项目几个?", 8个 for "…峰会上衡阳其中500强项目几个?")
            return _context(before, period) + "其" + rest
        ordinal = _EVENT_ORDINAL.match(rest)
        if ordinal:  # 衡阳2020年入围中国外贸百强城市 | 的综合得分: the event before 的, else the context
            event = subject[:subject.rfind("的")] if "的" in subject else _context(before, period)
            return event + "是" + rest[ordinal.end():]
        return _TALLY_END.sub("", subject) + rest
    partner = _PARTNER.match(rest)
    if partner and _PARTNER.search(subject) and ends_asking(rest[partner.end():]):
        old = _PARTNER.search(subject)  # 对欧盟呢? after 对东盟贸易额: the same figure for the new partner
        return subject[:old.start("partner")] + partner["partner"] + subject[old.end("partner"):] + asking_part(before.simple)
    sibling = sibling_question(rest, before.simple)
    if sibling is not None:  # 民营500强呢? after …三类500强项目投资总额是多少?: that group's figure
        return sibling
    amount = amount_of_counted(rest, before.simple) or amount_for_amount(rest, before.simple)
    if amount is not None:  # 总投资额是多少? after …项目有几个? or after …项目累计到位资金多少?
        return amount
    among = count_among_counted(rest, before.simple)
    if among is not None:  # 已经开工的有几个? after …签了多少个…项目?
        return among
    if rest.rstrip("?？").endswith("呢"):  # 货邮吞吐量呢? -> 货邮吞吐量是多少?
        name = rest.rstrip("?？")[:-1]
        rest = name + asking_for(name, before.simple)
    return _context(before, period) + rest  # another metric: the previous place and period


# What a question asks for after 多少/几 (个工作日?): two questions with the same ask the same kind of figure.
_ASKED_UNIT = re.compile(r"(?:多少|几)([^?？]*)")


def _repeated_verb(rest: str, before: str) -> int | None:
    """Where in the previous question the follow-up's first word stands, when that word is a verb
    of two characters or more that the previous question has after its start and both ask for the
    same unit: the follow-up asks about the same subject at another point of that action (压缩前是
    多少个工作日? of …压缩至多少个工作日?). None otherwise."""
    words = list(jieba.posseg.cut(rest))
    if not words or not words[0].flag.startswith("v") or len(words[0].word) < 2:
        return None
    units = [_ASKED_UNIT.search(text) for text in (rest, before)]
    if not all(units) or units[0].group(1) != units[1].group(1):
        return None
    at = before.find(words[0].word)
    return at if at > 0 else None


def _own_places(query: Query) -> list[str]:
    """The places the question is about: not a trade partner (对非洲, 与广东…签订, 对马来西亚、南非),
    a rank's scope (在湖南省排) or an acronym."""
    return [p for p in query.places if not p.isascii()  # an acronym (GDP) is a figure, not a place
            and not any(f"{word}{p}" in query.simple for word in _PARTNER_WORDS)
            and not re.search(_PARTNER_LIST.format(re.escape(p)), query.simple)
            and not re.search(_SCOPE.format(re.escape(p)), query.simple)]


def _context(before: Query, period: list[str]) -> str:
    """The previous question's context: its subject up to the end of its last place or period (with
    what belongs to it, 南岳机场, 2018年以来, and the thing it is about when a verb follows: 松木港 of
    截至2021年8月底松木港累计完成…, 班列 of 衡阳中欧(中亚)班列累计开行), without its period when
    the follow-up names one."""
    subject = subject_part(before.simple)
    ends = [m.end() for phrase in period_phrases(subject) for m in re.finditer(re.escape(phrase), subject)]
    ends += [m.end() for place in _own_places(before) for m in re.finditer(re.escape(place), subject)]
    if not ends:
        return "".join(p for p in before.places if not p.isascii())  # places, not acronyms (GDP)
    end = max(ends)
    end += _CONTEXT_TAIL.match(subject[end:]).end()
    context = subject[:end + _thing_before_verb(subject[end:])]
    for phrase in (period_phrases(context) if period else []):
        context = context.replace(phrase, "", 1)
    return context


# Parts of speech (jieba) of the words that may name what a context is about: nouns, names,
# numbers and times (8月底), abbreviations (港); brackets as in 中欧(中亚). Such a run is a thing
# only with a name or abbreviation in it (松木港), not a kind of goods (机电产品占…).
_THING_TAGS = ("n", "j", "t", "m")
_NAME_TAGS = ("nr", "ns", "nt", "nz", "j")
_BRACKETS = frozenset("()（）")
# Nouns that qualify a figure rather than name a thing (实际使用外资).
_QUALIFIERS = frozenset({"实际", "全市", "全省", "全县", "全年", "累计", "合计", "总计", "同比", "年度"})


def _thing_before_verb(rest: str) -> int:
    """How many characters at the start of ``rest`` (a subject after its place or period) name the
    thing the question is about: a run of nouns holding a name, followed by a verb that is followed
    by more words (松木港 in 8月底松木港累计完成港口吞吐量). Nouns with no verb after them are the
    metric itself (旅客吞吐量 of 南岳机场2020年旅客吞吐量), and so is a last word read as a verb
    (营业收入): 0 for both."""
    words = list(jieba.posseg.cut(rest))
    length, named = 0, False
    for at, word in enumerate(words):
        if word.flag.startswith("v") and word.flag != "vn":
            return length if named and at < len(words) - 1 else 0
        if word.word in _QUALIFIERS or not (word.flag.startswith(_THING_TAGS) or word.word in _BRACKETS
                                            or word.word.isdigit()):
            return 0
        named = named or word.flag.startswith(_NAME_TAGS)
        length += len(word.word)
    return 0


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
