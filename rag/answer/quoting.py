"""The extractive fallback: when the model declines, the one passage sentence that plainly answers.

The small model sometimes says it found no answer although the prompt holds a sentence that
states it (衡阳 … 进出口总额 446.1亿元, 位列湖南省第3 for "…在全省排第几?"). Such a sentence is
offered as the answer, quoted and cited ("原文：「…」[1]"), and the Answer names the fix
``quoted_sentence``. Sentences are read clause by clause (a web page's run-on sentence joined by
； is not quoted whole; a clause the page broke with a line break is mended first, and so a heading
with no punctuation joins the sentence after it). A sentence qualifies only when everything the
question pins down is in it:
- every topic word of the question other than its places, period and rank words (进出口, 总额);
  for an English question, the Chinese words for its trade terms (text/english_terms.py), at
  least two of them;
- every place of the question, in the sentence or its article's title, but a place that only
  frames a rank (在湖南排第几: 居全省第二 answers it);
  (the words and places may also be in the one or two sentences before, then quoted too);
- the question's period: its years (今年 read against the article's date) and its part of the
  year; a question naming a year but no part is not answered by a sentence about a part (上半年);
- a figure: a rank (第3) for a rank question, else a number that is not a year or a date (6月,
  but 24年 is a figure when the question asks 多少年) or a figure the question itself gives, and
  not stated for another year than the question's (到2023年…1.8亿元); for a question asking when,
  a month or day (3月10日) instead. For a Chinese question the figure stands by a naming word of
  the question: in a part of the quoted clause between commas that holds one (a rank: there or
  after it), and may be written in words there (近千亿元, 三分之一).
  A clause that names the figure without giving it (…均远优于全国海关平均水平) or gives another
  figure after a sentence that names it (…货邮吞吐量1523.6吨。松木港…78.3万吨) answers nothing.
  A sentence stating a combined measure (进出口) does not answer a question about one half of it
  (出口; halves.py). A question asking who is never answered by a quote (text/asking.py): no
  check can tell that a sentence names the one asked for. A question asking which time (第几次入围?) is answered by the
  sentence stating that time of the same event (第六次入围), its passage naming the question's
  places and years up to it.
The first qualifying sentence in prompt order wins. ``matching_clause`` quotes, in the same way,
the list item a question asks about when the model's answer cites another one (fix
``quoted_matching_clause``). Does not call the model.
"""

from __future__ import annotations

import re

from ..documents import Chunk, Citation, year_of
from ..query import Query
from ..text.asking import WHEN, WHO, asked_kind, has_date
from ..text.english_terms import chinese_terms
from ..text.numbers import NUMBER, normalised, value_of
from ..text.periods import passage_period, period_phrases, year_before
from ..text.places import rank_scope
from ..text.script import to_script, to_simplified
from ..text.sentences import comma_parts, sentences
from ..text.words import tokenize
from .fixes import RANK_STATED
from .halves import combined_for_half

FIX = "quoted_sentence"
MATCHING_FIX = "quoted_matching_clause"
# Words that say how a rank is asked (在全省排第几), not what it is of.
_RANK_WORDS = frozenset({"全省", "全国", "全市", "省内", "排", "排名", "第几", "居", "位列", "位居", "排第"})
# Words that bound a period rather than name a figure (2018年以来, 截至8月底).
_PERIOD_WORDS = frozenset({"以来", "至今", "截至", "目前", "同期", "今年", "去年", "月底"})
# A span of years as a season or a plan writes it: 2021-2022, 2021—2022, 2021至2022.
_YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*[-—–~至到]\s*((?:19|20)\d{2})")
_RANK = ("第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十")
# Words that ask for a share rather than name the figure (完成年度任务的百分之多少?), or only say
# that something has happened (已经开工的有几个?).
_ASKING_WORDS = frozenset({"百分之", "百分比", "已经"})  # 已经开工的: a passage writes 已开工
_CLAUSE_ENDS = frozenset("。；;！？!?，,、：:」』”’）)…")
# A figure written in words: 三分之一, 近千亿元, 两百家.
_WORDED_FIGURE = re.compile(r"[一二三四五六七八九十]分之[一二三四五六七八九十]|[百千万]亿"
                            r"|[一二三四五六七八九十两][十百千万]+[万亿]?(元|美元|个|家|项|人|吨|倍)")
# 第几次入围?: the unit asked and the event it counts.
_ORDINAL_EVENT = re.compile(r"第[几幾]([次届])([\u4e00-\u9fff]*)")
_DATE_UNITS = frozenset("年月日号")  # 6月, 22日: a date, not a figure
_LEAD = {"simplified": "原文：", "traditional": "原文：", "latin": "The article says: "}


def quoted_answer(query: Query, passages: list[Chunk]) -> str | None:
    """"原文：「sentence」[n]" for the first sentence of ``passages`` (numbered 1..n in the prompt)
    that answers ``query`` by the rules above; None when none does."""
    terms = chinese_terms(query.text) if query.script == "latin" else [(t,) for t in metric_terms(query)]
    if not terms or (query.script == "latin" and len(terms) < 2):
        # nothing says what figure is asked: any sentence would be a guess; nor does one English
        # term alone, which is too general (enterprise, 企业: any sentence about firms)
        return None
    ordinal = _ordinal_quote(query, passages)
    if ordinal is not None:
        return ordinal
    if asked_kind(query.simple) == WHO:
        # the checks below are for figures and dates; a name cannot be checked, and a sentence that
        # mentions the champion's season with some number in it names no champion
        return None
    for n, chunk in enumerate(passages, start=1):
        title = to_simplified(chunk.title)
        parts = _mended([s.strip() for s in sentences(chunk.text, clauses=True) if s.strip()])
        for at, sentence in enumerate(parts):
            # the clause alone, else with the one or two before it (其中…外商投资项目5个 after …衡商大会…)
            for window in dict.fromkeys("".join(parts[max(at - back, 0):at + 1]) for back in range(3)):
                if _answers(query, terms, to_simplified(window), to_simplified(sentence), title, year_of(chunk.date)) \
                        and combined_for_half(query, [sentence]) is None:  # 进出口 is no 出口
                    quoted = window if query.script == "latin" else to_script(window, query.script)
                    return f"{_LEAD[query.script]}「{quoted}」[{n}]"
    return None


def _ordinal_quote(query: Query, passages: list[Chunk]) -> str | None:
    """For a question asking which time something happened (…是第几次入围?): the first sentence
    that states that time of the same event (衡阳第六次入围), when its passage names the question's
    places and years up to it (the event's year often stands in the sentence before: 2020年…榜单
    出炉 … 这是…第六次入围)."""
    asked = _ORDINAL_EVENT.search(query.simple)
    event = asked.group(2)[:2] if asked else ""  # its first word, a verb of two characters (入围, 举办)
    if not event:
        return None
    stated = re.compile(RANK_STATED.pattern + asked.group(1) + re.escape(event))  # 第六次入围
    for n, chunk in enumerate(passages, start=1):
        simple, title = to_simplified(chunk.text), to_simplified(chunk.title)
        for sentence in sentences(chunk.text):
            said = to_simplified(sentence)
            if not stated.search(said):
                continue
            upto = simple[:simple.find(said) + len(said)]
            if all(place in upto or place in title for place in query.places) \
                    and period_fits(query, upto, year_of(chunk.date)):
                quoted = to_script(sentence.strip(), query.script)
                return f"{_LEAD[query.script]}「{quoted}」[{n}]"
    return None


def metric_terms(query: Query) -> list[str]:
    """The question's topic words that name the figure: no place, period, rank or asking words."""
    period = period_phrases(query.simple)
    return [t for t in query.topic if t not in query.places and t not in _RANK_WORDS and t not in _PERIOD_WORDS
            and t not in _ASKING_WORDS and not any(t in phrase for phrase in period)]


def _mended(parts: list[str]) -> list[str]:
    """Clauses with a line break of the page mended: a clause that ends with no punctuation runs on
    into the next (…发展到目前 | 20多条航线、直达30多个城市，…), so the two are one clause."""
    mended: list[str] = []
    for part in parts:
        if mended and mended[-1][-1] not in _CLAUSE_ENDS:
            mended[-1] += part
        else:
            mended.append(part)
    return mended


def matching_clause(query: Query, cited: list[Citation], passages: list[Chunk]) -> str | None:
    """When the clauses an answer cites (with the two before each) lack a distinguishing word of the question
    that one other clause of the passages holds with a figure: that clause, quoted and cited.

    The small model picks the wrong item of a list (对东盟贸易额37.8亿元；对欧盟23.6亿元；… asked
    about 欧盟; 62 “三类500强” projects asked about the 民营500强 among them). A word counts as
    distinguishing when it is a topic word or trade partner of the question, appears in at most
    three clauses of the passages and not in the cited ones; the clause must hold all such words,
    at least the rarest of them (the others may be in the two clauses before it, which name the
    list: 对东盟贸易额…；对欧盟23.6亿元), each as a word of the clause (收为 of the question's
    营收为 is no word of 分别营收为22.80亿元), a figure, and the question's period; and it must hold
    as many of the question's words as the cited clauses do (a clause with 往来 is no better answer
    to "…合作伙伴有往来?" than the cited one with 世界, 国家, 地区 and 合作伙伴). For a Chinese
    question the figure stands in a comma part with one of those words (…水路…占比63.6%, 同时, …铁路
    运输方式进出口也大幅增长 gives no figure for 铁路), and its passage names the question's places."""
    if "分别" in query.simple or len(query.period.years) > 1:
        return None  # a question of several parts: each part is its own item
    clauses = [(n, chunk, [c.strip() for c in sentences(chunk.text, clauses=True) if c.strip()])
               for n, chunk in enumerate(passages, start=1)]
    texts = [to_simplified(c) for _, _, parts in clauses for c in parts]
    cited = to_simplified(" ".join(_with_before(c.evidence, clauses[c.n - 1][2]) for c in cited))
    terms = metric_terms(query) + [p for p in query.places if f"对{p}" in query.simple]
    counts = {t: sum(t in text for text in texts) for t in terms if t not in cited and len(t) >= 2}
    missing = sorted((t for t, count in counts.items() if 1 <= count <= 3), key=counts.get)
    if not missing or not cited:
        return None
    for n, chunk, parts in clauses:
        if not _names_places(query, chunk):
            continue  # 菲律宾…GDP增长率达到6.4% is no item of a list about 中国
        for at, clause in enumerate(parts):
            simple = to_simplified(clause)
            context = to_simplified("".join(parts[max(at - 2, 0):at + 1]))
            if missing[0] in simple and all(t in context for t in missing) \
                    and set(missing) <= set(tokenize(context)) \
                    and sum(t in context for t in terms) >= sum(t in cited for t in terms) \
                    and period_fits(query, context, year_of(chunk.date)) \
                    and _has_figure(query, _by_words(query, simple, missing), context, year_of(chunk.date)):
                clause = clause.rstrip("；;，,")
                return f"{_LEAD[query.script]}「{clause if query.script == 'latin' else to_script(clause, query.script)}」[{n}]"
    return None


def _names_places(query: Query, chunk: Chunk) -> bool:
    """The passage (its text or its article's title) names every place of the question but one
    that only frames a rank."""
    text = to_simplified(f"{chunk.title} {chunk.text}")
    return all(place in text for place in query.places if not rank_scope(place, query.simple))


def _by_words(query: Query, clause: str, words: list[str]) -> str:
    """For a Chinese question, the comma parts of ``clause`` where its figure may stand: those
    holding one of ``words`` (for a rank, from the first of them on); the clause for an English one."""
    if query.script == "latin":
        return clause
    pieces = comma_parts(clause)
    named = [at for at, piece in enumerate(pieces) if any(word in piece for word in words)]
    if not named:
        return ""
    return "，".join(pieces[named[0]:] if query.asks_rank else [pieces[at] for at in named])


def _with_before(evidence: str, parts: list[str]) -> str:
    """The evidence clause with the two clauses before it in its passage (which may name its subject)."""
    at = next((i for i, part in enumerate(parts) if evidence.strip() in part or part in evidence), None)
    return evidence if at is None else "".join(parts[max(at - 2, 0):at + 1])


def _answers(query: Query, terms: list[tuple[str, ...]], simple: str, last: str, title: str,
             pub_year: int | None) -> bool:
    """Whether the (Simplified) text ``simple``, ending with the sentence ``last``, answers ``query``
    (``terms``: groups of alternative words, one of each must be there); the figure must be in ``last``."""
    if not all(any(term in simple for term in group) for group in terms):
        return False
    if not all(place in simple or place in title for place in query.places if not rank_scope(place, query.simple)):
        return False
    if asked_kind(query.simple) == WHEN:
        return period_fits(query, simple, pub_year) and has_date(last)
    if query.script != "latin":  # the figure by a naming word: the comma parts that hold one
        last = _by_words(query, last, [term for group in terms for term in group])
        if not query.asks_rank and _WORDED_FIGURE.search(last):
            return period_fits(query, simple, pub_year)
    return period_fits(query, simple, pub_year) and _has_figure(query, last, simple, pub_year)


def period_fits(query: Query, simple: str, pub_year: int | None) -> bool:
    """The text is about the question's years and part of a year (a part is no answer for a whole
    year), and the span of years it names last is the question's (span_fits)."""
    have = passage_period(simple, pub_year)
    want = query.period
    if want.years and not want.years & have.years:
        return False
    if not span_fits(query, simple):
        return False
    return not ((want.parts and not want.parts & have.parts) or (want.years and not want.parts and have.parts))


def span_fits(query: Query, simple: str) -> bool:
    """When the question names a span of years (2021-2022赛季), the last span the text names is
    that one, if it names any (…2020-2021赛季…总决赛落下帷幕，广东宏远队夺得总冠军 is no answer)."""
    spans = set(_YEAR_SPAN.findall(query.simple))
    found = _YEAR_SPAN.findall(simple)
    return not spans or not found or found[-1] in spans


def _has_figure(query: Query, last: str, context: str, pub_year: int | None) -> bool:
    """``last`` states a rank (for a rank question) or a number that is not a year or a given figure."""
    if query.asks_rank:
        return any(rank in last for rank in _RANK) or any(f"第{d}" in last for d in "0123456789")
    given = {value for value, _ in query.given} | {str(y) for y in passage_period(context, pub_year).years}
    text = normalised(last)
    # a figure stated for another year than the question's is no answer (到2023年营业收入1.8亿元 for 2022)
    years_asked = re.search(r"(多少|几)年", query.simple) is not None  # 判多少年?: 24年 is the answer, no date
    return any(value_of(m) not in given
               and (text[m.end():m.end() + 1] not in _DATE_UNITS
                    or (years_asked and text[m.end()] == "年" and len(value_of(m)) < 4))
               and (not query.period.years or year_before(text, m.start()) in (None, *query.period.years))
               for m in NUMBER.finditer(text))
