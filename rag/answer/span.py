"""The short answer: the span that answers, without the question said back (fix ``short_span``).

The small model often restates the question before the figure ("永州上半年全市进出口总额是196.79亿
元。[1]" for "永州上半年全市进出口总额是多少?"), after a date ("2020年10月15日，中欧班列“衡阳号”
首发。") or around a name ("皇后某氏是孙亮的妻子。" for "皇后某氏是谁的妻子?"). The user asked for
the figure, name or date, so the words that only repeat the question are cut:
- clauses made only of the question's words are dropped, and so is a closing 根据资料 or 资料编号;
- in the first clause left, the leading words that are the question's own go (with a link after
  them: 是, 为, 达, 位于, 将在); a word the question does not have stops the cut, so what qualifies
  the answer stays (近, 约, 超过). When the rest holds a number and the words the question says
  before what it asks come again after the new word, nothing is cut (another year or place:
  2019年上半年衡阳进出口总额144.6亿元 answering a question about 2023 is kept whole, and the gates
  then see it);
- at the end, the question's words go too (2008年发行 for 在哪一年发行?, 非那雄胺可以处理脱发 for
  脱发可以由什么药物处理?), but not a figure's unit nor what it counts (15个重大投资项目, E组;
  only a question asking a figure loses what it says of it: 18趟 of 18趟列车停车办客), nor when the
  cut would start with a noun (青空唱片 for 哪个唱片公司?: the name's own) unless it says a verb of
  the question's and no figure is asked (褐树蛇大量杀害了关岛的鸟类 → 褐树蛇), nor leave the span
  ending on a verb; a predicate said back after a name goes (BCPL是第一个使用括弧语言的语言 →
  BCPL), the kind asked for stays with the name (琉球国舜天王朝建立者 for 哪个王朝的建立者? →
  琉球国舜天王朝), the marks inside the question's words (《》, ·) are its words too, and a title
  is never cut open (《文苑英华》);
- a question asking for one name, place or time (谁, 哪里, 何时; not 哪些, 多少, 和) keeps only the
  first clause left when that clause names something the question does not (河北省曲阳县，墓中
  发现… → 河北省曲阳县), unless that clause only dates what follows;
- a question asking why or how keeps its sentence: only the question said back up to 是 or 因为
  is cut (戴某被取消成绩是因为… → 因为…); 为什么 after a verb that takes 为 (被归类为什么科?)
  asks a name, not a reason.
Yes-or-no questions, English questions, and answers citing more than one place (markers inside
the text) are left as they are. Does not call the model.
"""

from __future__ import annotations

import re

from ..query import Query
from ..text.numbers import NUMBER, normalised
from ..text.script import to_simplified
from ..text.sentences import MARKER_TEXT
from ..text.words import jieba

FIX = "short_span"
# Questions whose answer is a sentence, not a span: only the question said back before it is cut.
# 为什么 after a verb that takes 为 asks a name (被称为什么?, 归类为什么科?, 册封为什么官职?).
_ASKS_SENTENCE = re.compile(r"(?<![称类封改作成译分定列视选名误])为什么|为何|如何|怎么|怎样|原因|哪些措施|什么意义")
# How a reason or a means starts after the question said back: 是因为, 由于, 通过.
_REASON = re.compile(r"(是)?(因为|由于|因|通过|为了)?")
# Questions answered yes or no: the answer is left whole.
_ASKS_YES_NO = re.compile(r"吗|是否")
# Words between the restated question and the answer that carry nothing: 是196.79亿元, 达446.1亿元.
_LINKS = frozenset({"是", "为", "了", "的", "在", "与", "和", "有", "共", "达", "达到", "共计", "合计", "位于", "将",
                    "于", "由", "：", ":"})
# What a question asks: the words before it, restated after a new word, mean another period or
# place; the words after it (多少公里, 谁的妻子) are what an answer repeats around the span.
_ASKED = re.compile(r"多少|几|什么|啥|谁|哪|何")
# Words after the span that only join it to the restated tail: 孙亮的妻子, 拟人化的手法.
_TAIL_LINKS = frozenset({"的", "了", "之", "所", "地"})
# Words that join list items: a cut that would end the span on one has taken an item.
_JOINS = frozenset({"和", "与", "及", "或", "、", "，", ",", "以及", "或者"})
# Words that start a predicate said back after the span (BCPL是第一个使用…的语言): not a unit;
# before the span, jieba may glue 是 or 为 to its first word (归类 | 为玛君龙).
_PREDICATE_LINKS = frozenset({"是", "为", "成为"})
# Measure words between what a question asks and the kind it asks for (哪个王朝, 哪一种); not 的:
# 谁的妻子 asks a person, not a wife.
_MEASURES = frozenset({"个", "种", "一", "位", "家", "部", "条", "类"})
# Opening and closing marks a cut may not separate.
_PAIRED = (("《", "》"), ("「", "」"), ("“", "”"), ("（", "）"), ("(", ")"))
_CLOSING = frozenset(closing for _, closing in _PAIRED)
# Marks inside a title or a name that a restated tail may hold.
_NAME_MARKS = frozenset({"《", "》", "「", "」", "“", "”", "·"})
# Opening quotes and brackets: they belong to what follows them.
_OPENING = frozenset("“‘「『《（(【")
# Words that belong to the figure after them.
_BOUND = frozenset({"第", "近", "约", "超", "超过", "逾", "共"})
_LEAD = re.compile(r"^(根据(现有)?资料[，,]?|据资料[，,]?|\d\.\s+)")
# A clause that only names the source: 神州天地体育传媒有限公司。根据资料。 CHONa，资料编号
_SOURCE_NOTE = re.compile(r"^((根据|据)(现有)?资料|资料编号)[，,；;。.]?$")
# Questions asking for one name, place or time, whose span is the first clause that says something
# new; the clauses after it tell more than was asked (前锋，亦可担任左翼 for 司职什么位置?).
_ASKS_ONE = re.compile(r"谁|哪(?!些)|何时|何地|什么时候|叫什么|什么名字")
_ASKS_MANY = re.compile(r"多少|几|哪些|哪[两二三四五六七八九十]|分别|各|和|与|及")
# Questions asking a date, and those asking a figure or a date.
_ASKS_TIME = re.compile(r"何时|什么时候|哪一?年|哪天|哪一天|哪月")
_ASKS_FIGURE = re.compile(rf"多少|几|{_ASKS_TIME.pattern}")
# A clause that only dates what follows (7月13日，马赛出席了…): the span is after it.
_DATE_ONLY = re.compile(r"^[^，,。]{0,6}?(年|月|日)(（[^）]*）|\([^)]*\))?[，,]?$")
# jieba's tags of names, places, organisations, other proper nouns, numbers, times and Latin words.
_NAMED = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz", "m", "t", "eng", "j"})
_CLAUSE = re.compile(r"[^，,；;。]+[，,；;。]?")
_BODY_AND_MARKERS = re.compile(rf"^(.*?)\s*((?:{MARKER_TEXT})+)[。.]?\s*$", re.S)


def short_span(answer: str, query: Query) -> str:
    """``answer`` with the words that only repeat ``query`` cut (see the module docstring).

    >>> q = Query.parse("永州上半年全市进出口总额是多少?")
    >>> short_span("永州上半年全市进出口总额是196.79亿元。[1]", q)
    '196.79亿元[1]'
    >>> short_span("2020年10月15日，中欧班列“衡阳号”首发。[2]", Query.parse("中欧班列“衡阳号”是哪天首发的?"))
    '2020年10月15日[2]'
    >>> short_span("144.6亿元，居全省第二[2]", Query.parse("2019年上半年衡阳进出口总额居全省第几?"))
    '144.6亿元，居全省第二[2]'
    >>> short_span("第71位[1]", Query.parse("2020年衡阳排第几位?"))
    '第71位[1]'
    >>> short_span("2019年上半年衡阳进出口总额144.6亿元[1]", Query.parse("衡阳2023年进出口总额是多少?"))
    '2019年上半年衡阳进出口总额144.6亿元[1]'
    """
    if query.script == "latin" or _ASKS_YES_NO.search(query.simple):
        return answer
    sentence = bool(_ASKS_SENTENCE.search(query.simple))
    found = _BODY_AND_MARKERS.match(answer.strip())
    if not found or re.search(MARKER_TEXT, found.group(1)):
        return answer
    whole, markers = found.group(1).strip(), found.group(2)
    simple = to_simplified(whole)
    if len(simple) != len(whole):  # the script conversion changed lengths: positions would not map
        return answer
    lead = _LEAD.match(simple)
    body, simple = (whole[lead.end():], simple[lead.end():]) if lead else (whole, simple)
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(simple)]
    kept = [(start, end) for start, end in clauses
            if _new_words(simple[start:end], query.simple) and not _SOURCE_NOTE.match(simple[start:end])]
    if not kept:
        return answer
    first = simple[kept[0][0]:kept[0][1]]
    if not sentence and _ASKS_ONE.search(query.simple) and not _ASKS_MANY.search(query.simple) \
            and (_ASKS_TIME.search(query.simple) or not _DATE_ONLY.match(first)) \
            and _names_something(first, query.simple):
        kept = kept[:1]
    cut = _restated_prefix(first, query.simple)
    if sentence:  # a reason's own subject stays (电车数量增加…): cut only up to 是 or 因为
        reason = _REASON.match(first[cut:])
        cut = cut + len(reason.group(1) or "") if cut and (first[:cut].endswith(tuple(_LINKS))
                                                           or reason.group(2)) else 0
    start = kept[0][0] + cut
    spans = [(start, kept[0][1])] + kept[1:]
    short = "".join(body[a:b] for a, b in spans).strip().rstrip("，,；;。. ")
    if not sentence:  # the end of a reason is its own
        short = short[:len(short) - _restated_suffix(to_simplified(short), query.simple)]
    if not short or short == whole.rstrip("，,；;。. "):
        return answer
    return short + markers


def _names_something(clause: str, question: str) -> bool:
    """Whether the clause holds a name, a place, a number or a time the question does not (not only
    a description such as 中国花样滑冰运动员, after which the name may come)."""
    return any((w.flag in _NAMED or any(ch.isdigit() for ch in w.word)) and not _in_question(w.word, question)
               for w in jieba().posseg.lcut(clause))


def _words(text: str) -> list[str]:
    return [w for w in jieba().lcut(text) if w.strip()]


def _in_question(word: str, question: str) -> bool:
    """The word is the question's (衡阳市 for a question saying 衡阳), a link, or punctuation. A
    number is the question's only as a whole number (2 is not the question's 2023)."""
    if any(ch.isdigit() for ch in word):
        return re.search(rf"(?<!\d){re.escape(word)}(?!\d)", question) is not None
    return _question_has(word, question) or word in _LINKS or not any(ch.isalnum() for ch in word)


def _question_has(word: str, question: str) -> bool:
    """The question holds the word, or the word less an administrative suffix (衡阳市 for 衡阳)."""
    return word in question or len(word) > 2 and word.rstrip("省市县区") in question


def _new_words(clause: str, question: str) -> bool:
    """Whether the clause says something the question does not: a word not in it."""
    return any(not _in_question(w, question) for w in _words(clause))


def _restated_prefix(clause: str, question: str) -> int:
    """How many leading characters of ``clause`` are the question's own words (and links); 0 when
    the rest holds a number and more of the words the question says before what it asks follow
    the first new one (2021年进出口总额30亿元: the restatement is interleaved with what differs from
    the question, so nothing is cut)."""
    cut: list[str] = []
    for word in jieba().lcut(clause):
        if not _in_question(word, question):
            break
        cut.append(word)
    while cut and (cut[-1] in _BOUND or cut[-1][-1] in _OPENING):  # 第 of 第71位 belongs to the rank,
        cut.pop()                                                      # “ to the name it opens
    length = sum(map(len, cut))
    glued = (_words(clause[length:]) or [""])[0]
    if length and glued[:1] in _PREDICATE_LINKS and len(glued) > 1 and jieba().get_FREQ(glued) is None:
        length += 1  # jieba glued the link to the name after it (归类 | 为玛君龙 | 亚科), not 为了
    rest = normalised(clause[length:])
    if not any(ch.isdigit() for ch in rest):  # no other year or figure: the words are the answer's own
        return length
    rest = NUMBER.sub(" ", rest)
    before_asked = question[:m.start()] if (m := _ASKED.search(question)) else question
    words = _words(rest)
    if any(len(w) >= 2 and w in before_asked for w in words if any(ch.isalnum() for ch in w)):
        return 0
    return length


def _restated_suffix(span: str, question: str) -> int:
    """How many trailing characters of ``span`` only say the question back (发行 of 2008年发行 for
    在哪一年发行?). 0 when nothing new would be left, when the cut holds no word of the question's
    own, when it would leave a list item's join (大莱龙铁路和), a title cut open (《文苑英华) or the
    span ending on a verb (…成为 | 球队的…, …起 | 施行: jieba tags 起 a verb), and when it would
    start with a noun (青空唱片) but for a question asking no figure whose cut holds a verb
    (褐树蛇 | 大量杀害了关岛的鸟类). The kind asked for stays with the span when joined to it
    (琉球国舜天王朝 | 建立者, but 拟人化 | 的手法); a cut starting with 是 or 为 is the question's
    predicate and goes whole (BCPL | 是第一个使用…的语言). Otherwise, after a number or a Latin
    letter the word right after it (its unit) stays, and the rest goes only when the question asks
    a figure or a date and the rest holds a verb, i.e. says what the question says of it (18趟 of
    18趟列车停车办客); a noun phrase is what is counted (15个重大投资项目, 35个工作日, E组)."""
    tagged = jieba().posseg.lcut(span)
    words = [w.word for w in tagged]
    cut = 0
    while cut < len(words) and _repeats(words[-1 - cut], question):
        cut += 1
    # the kind asked for stays when it is joined to the span, not said in a predicate after it:
    # 琉球国舜天王朝 | 建立者 for 哪个王朝的建立者?, but BCPL | 是…的语言 for …是什么语言?
    asks_figure = _ASKS_FIGURE.search(question) is not None
    kind = None if asks_figure else _asked_category(question)  # 多少个国家: what is counted
    for at, w in enumerate(tagged[len(words) - cut:]):
        if w.flag == "v" or w.word in _PREDICATE_LINKS or w.word in _TAIL_LINKS:
            break  # 拟人化 | 的手法: a kind after 的 is said back
        if w.word == kind:
            cut -= at + 1
            break
    if cut == len(words) or not any(w not in _TAIL_LINKS and any(ch.isalnum() for ch in w)
                                    for w in words[len(words) - cut:]):
        return 0
    while cut and words[len(words) - cut] in _CLOSING:  # 《文苑英华》 | 的缩编本: the mark stays
        cut -= 1
    kept = "".join(words[:len(words) - cut])
    if cut == 0 or any(kept.count(opening) > kept.count(closing) for opening, closing in _PAIRED):
        return 0  # a title is not cut open
    last = words[-1 - cut]
    if last in _JOINS:  # 大莱龙铁路和 | 龙烟铁路: a list item the question's name holds
        return 0
    tail = tagged[len(words) - cut:]
    if tagged[len(words) - cut - 1].flag == "v":
        return 0  # the span would end on a verb: 索尼公司于2007年11月成为 | 球队的…, X是 | 至NET奇兵的…
    if tail[0].word in _PREDICATE_LINKS:  # BCPL | 是第一个使用括弧语言的语言: the question's predicate
        return sum(len(w) for w in words[len(words) - cut:])
    if last[-1].isascii() and last[-1].isalnum():  # a figure's unit stays: 2008 | 年 发行, 18 | 趟 列车 停车办客
        if not asks_figure or not any(w.flag == "v" for w in tail[1:]):
            return 0  # 15个 | 重大投资项目, E | 组: what is counted; 武某赢得了2022年 | 选举: no figure asked
        cut -= 1
    elif tail[0].flag.startswith("n") and (asks_figure or not any(w.flag == "v" for w in tail)):
        return 0  # 青空 | 唱片: a noun phrase may be the name's own, 160多个 | 国家和地区…有往来 what is counted
    return sum(len(w) for w in words[len(words) - cut:])


def _asked_category(question: str) -> str | None:
    """The noun right after what the question asks, less a measure word: 王朝 of 哪个王朝, 公司 of
    什么公司 (the answer's own last word: 琉球国舜天王朝, 法国宇航公司)."""
    asked = _ASKED.search(question)
    if asked is None:
        return None
    words = [w for w in jieba().posseg.lcut(question[asked.end():]) if w.word not in _MEASURES]
    return words[0].word if words and words[0].flag.startswith("n") else None


def _repeats(word: str, question: str) -> bool:
    """A word of the question's, or a word that joins it on, or a mark inside the question's words
    (《香港潮语话斋》, 拉里·伯德); not a sign after a figure (20% keeps its %)."""
    if word in _TAIL_LINKS:
        return True
    if any(ch.isdigit() for ch in word):  # 3 of 第3 is no restatement of 2023
        return False
    if not any(ch.isalnum() for ch in word):
        return word in _NAME_MARKS and word in question
    return _question_has(word, question)
