"""The second reading: when the model declines, it is asked once more to copy the answer out.

The small model answers "根据现有资料，无法回答这个问题。" for most questions it gets wrong on news it
was not tuned on, with the answering sentence in its prompt (RGB open corpus: 30 of 41 such
refusals; 杨利娟调任首席执行官 in the prompt of "海底捞的新任首席执行官是谁?"). Offered no refusal, it
copies the answer. So, when the gates found the question's topic in the passages and the model
declined (and no sentence could be quoted), the same passages are asked again with an
instruction that asks for the answer's words only and offers no refusal. What it copies is then
checked like any answer (verify.py), and kept only when it is the passages' own words:
- every word of it that the question lacks (in any case: iPhone) stands in one clause of a passage,
- beside the last word that names what is asked (导演 of "中国版的导演是谁": a clause naming the
  编剧 does not answer it) and ``MIN_SHARED_IN_CLAUSE`` of all those words (同比增长100.75% of
  实际使用外资 does not answer a question about 对外承包工程营业额), and
- that clause with the two on either side (a page names the winner, then the event), or its
  article's title, holds every word that names what is asked (男单, not 女单), the question's
  places, and fits its period (a season the question names, 2021-2022赛季, is the last one named
  up to the clause). Words that name what is asked are the question's topic words less its
  places, period, asking words, one-character words and the kind of answer asked for (城市 of
  哪个城市);
- a figure stands in a part of that clause between commas that holds a naming word;
- an answer to 第几次/第几届 is an ordinal of that unit (第六次), not a rank (第71位): verify_reply
  refuses that for any answer (gates.ordinal_not_given).
When such a clause is in a passage the answer does not cite (the model copies from [1] and cites
[3]), the citation is re-pointed there (fix ``citation_repointed``). Otherwise the refusal
stands. English questions are not read twice (their words are not the passages' words, so no
check could keep a copy).

The answer names the fix ``second_reading`` and keeps the first reply (the refusal) as the model's
own answer, so reports count it apart from the model's own accuracy. Builds the messages and
checks the reply; the pipeline calls the model.
"""

from __future__ import annotations

import dataclasses
import json
import re

from ..documents import Chunk, year_of
from ..llm.generators import Messages
from ..query import Query
from ..text.script import to_simplified
from ..text.sentences import MARKER, comma_parts, sentences
from ..text.words import tokenize
from .citations import REPOINTED
from .prompting import instructions, prompt_file
from .quoting import metric_terms, period_fits, span_fits
from .verify import Verdict, verify_reply

FIX = "second_reading"
# The share of the question's naming words (no place, period or asking word) that the clause holding
# the answer must hold; all of them must be in it, the clauses around it or the title. Tuned on the
# calibration part of the RGB open corpus and the calibration dialogues (eval/README.md).
MIN_SHARED_IN_CLAUSE = 0.5
# A word that asks (第几次, 多少钱): no passage writes it.
_ASKING = re.compile(r"[几幾哪]|多少|什么")
# The kind of thing asked for (哪个城市, 哪支球队, 什么奖项): the answer names one, the passage need not say the kind.
_ASKED_KIND = re.compile(r"(?:哪|什么)[个支家位些一项所座部款]?([\u4e00-\u9fff]{2,4})")
# Words an extracted answer may add that name nothing (答案：…, …是…).
_FILLER = frozenset({"答案", "答", "回答", "资料", "根据", "显示", "原文"})


def second_messages(first: Messages, script: str) -> Messages:
    """The first prompt with its instruction (which offers the refusal) replaced by one that asks
    for the answer's own words and a passage number."""
    extract = json.loads(prompt_file("second_reading.json"))[script]
    user = first[-1]["content"].replace(instructions(script)["instruction"], "").strip()
    return [*first[:-1], {"role": "user", "content": f"{user}\n\n{extract}"}]


def copied_answer(query: Query, reply: str, passages: list[Chunk]) -> Verdict | None:
    """The second reading's ``reply`` checked (verify.py) and kept (see above), citing the passage
    that holds it (its markers re-pointed there, fix ``citation_repointed``, when the model cited
    another); None when no passage holds it."""
    verdict = verify_reply(query, reply, passages)
    n = backing_passage(query, verdict, passages)
    if n is None:
        return None
    if n in {c.n for c in verdict.citations}:
        return verdict
    repointed = verify_reply(query, f"{MARKER.sub('', reply).rstrip()}[{n}]", passages)
    if not kept(query, repointed, passages):
        return None
    return dataclasses.replace(repointed, fixes=[*repointed.fixes, REPOINTED])


def kept(query: Query, verdict: Verdict, passages: list[Chunk]) -> bool:
    """Whether the checked answer to the second reading is the passages' own words (see above)."""
    return backing_passage(query, verdict, passages) in {c.n for c in verdict.citations}


def backing_passage(query: Query, verdict: Verdict, passages: list[Chunk]) -> int | None:
    """The passage (1-based) whose clause holds the checked answer beside the question's words (see
    above): a cited one first, else another of the prompt (the small model copies 王发 from [1] and
    cites [3]); None when none does."""
    if verdict.refused or not verdict.citations or query.script == "latin":
        return None
    added = _added_words(query, verdict.answer)
    if not added:  # the question said back: it names nothing
        return None
    asked = {m.group(1) for m in _ASKED_KIND.finditer(query.simple)}
    # 版, 棒: pieces, not names; 第几次: asks; 城市 of 哪个城市: what kind of answer is asked, not what it is about;
    # in the question's order, so the last is the word the answer is (导演 of 中国版的导演是谁)
    wanted = sorted((word for word in metric_terms(query) if len(word) > 1 and not _ASKING.search(word)
                     and not any(word in a for a in asked)), key=query.simple.find)
    cited = [c.n for c in verdict.citations]
    for n in [*cited, *(n for n in range(1, len(passages) + 1) if n not in cited)]:
        chunk = passages[n - 1]
        title = to_simplified(chunk.title)
        clauses = [to_simplified(c) for c in sentences(chunk.text, clauses=True) if c.strip()]
        for at, clause in enumerate(clauses):
            window = "".join(clauses[max(at - 2, 0):at + 3])
            upto = "".join(clauses[max(at - 2, 0):at + 1])
            # lower case: so are the answer's words (iPhone SE → iphone, se)
            if all(word in clause.lower() for word in added) and _in_clause(wanted, clause) \
                    and _by_a_naming_word(added, wanted, clause) \
                    and _about(query, window, upto, title, wanted, year_of(chunk.date)):
                return n
    return None


def _in_clause(wanted: list[str], clause: str) -> bool:
    """The clause holding the answer holds the last naming word and MIN_SHARED_IN_CLAUSE of them all
    (同比增长100.75% of 实际使用外资 does not answer 对外承包工程营业额同比增长多少)."""
    return not wanted or (wanted[-1] in clause and sum(word in clause for word in wanted)
                          >= MIN_SHARED_IN_CLAUSE * len(wanted))


def _by_a_naming_word(added: list[str], wanted: list[str], clause: str) -> bool:
    """For a figure: a part of the clause between commas holds it and a naming word, so that it
    stands by what it names (…进口通关时间压减至3.03小时，均远优于全国海关平均水平 gives no figure
    for the national average), as a quoted figure does (quoting.py). A name need not: news names
    the winner and the title in different parts (山东泰山队…，提前夺得…冠军)."""
    if not wanted or not any(re.search(r"\d", word) for word in added):
        return True
    return any(any(word in piece.lower() for word in added) and any(word in piece for word in wanted)
               for piece in comma_parts(clause))


def _added_words(query: Query, answer: str) -> list[str]:
    """The answer's words that the question lacks: what it claims (one-character words are left out:
    去了, 是 join a claim rather than make one)."""
    text = to_simplified(MARKER.sub("", answer))
    return [w for w in dict.fromkeys(tokenize(re.sub(r"[^\w.%]+", " ", text)))
            if len(w) > 1 and w not in _FILLER and w not in query.simple and not _inside_another(w, text, query)]


def _inside_another(word: str, text: str, query: Query) -> bool:
    """jieba's search mode also yields the pieces of a longer word (进出, 出口 of 进出口); a piece of a
    word the question has is no word of its own."""
    return any(word in term and term in text for term in query.terms if term != word)


def _about(query: Query, window: str, upto: str, title: str, wanted: list[str], pub_year: int | None) -> bool:
    """The clause's neighbourhood ``window`` is about the question: its places, its period and
    every naming word (each in the window or the title); the span of years named last up to the
    clause (``upto``) is the question's (a page names the season, then its champion)."""
    if not all(place in window or place in title for place in query.places):
        return False
    if not (period_fits(query, window, pub_year) and span_fits(query, upto)):
        return False
    return all(word in window or word in title for word in wanted)
