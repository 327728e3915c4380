"""The model's reply -> what the user is shown: the checked answer with its citations, or the refusal.

In order: the reply in the question's script; the model's own refusal recognised; the rank fix
and, for an English question, the English readings (fixes.py); a counter or currency the
passages state otherwise repaired (10个 → 10座, repairs.py); citations checked and repaired
(citations.py); the rank, the whole date, a figure's qualifier (近70%) and a bare number's unit
(12 → 12人) that the cited sentence states; the words that only say the question back cut
(span.py); an English question's short answer as an English sentence; then the answer is
refused when every figure it claims is in no passage, or when what it cites for its figures
contradicts the question's place or years, gives a part of a year for a whole one, states the
figure for another year or for a combined measure where one half is asked (进出口 for 出口,
halves.py), or when it gives no ordinal (第六次) for 第几次, or a count (72个) for an
amount (gates.py). Before any of these refusals is shown, a passage sentence that plainly answers
the question is quoted instead; an answer that took another item of a list is replaced by the
item asked about, quoted (quoting.py). Every rule that changed the reply is listed in ``fixes``.
Does not call the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..documents import Chunk, Citation
from ..query import Query
from ..text.script import to_script
from .citations import cite_and_verify, figure_citations
from .fixes import (as_rank, date_from_evidence, english_reading_added, english_sentence, qualifier_from_evidence,
                    rank_from_evidence, readings_after_quote, unit_from_evidence)
from .gates import (bound_not_cited, cited_mismatch, count_for_amount, figures_of_other_years, ordinal_not_given,
                    other_year_evidence, part_for_whole)
from .halves import combined_for_half
from .prompting import is_refusal, refusal_sentence
from .quoting import FIX as QUOTED, MATCHING_FIX, matching_clause, quoted_answer
from .repairs import unit_from_passage
from .span import short_span


MODEL_DECLINED = "the model found no answer in the passages"  # the refusal reason of the model's own refusal


@dataclass(frozen=True)
class Verdict:
    answer: str                     # what is shown: the checked answer, or the refusal sentence
    refused: bool
    verified: bool                  # every claimed figure is backed by a cited passage
    citations: list[Citation]
    model_answer: str               # the model's own reply, in the question's script
    refusal_reason: str | None = None
    unverified: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)


def verify_reply(query: Query, reply: str, passages: list[Chunk]) -> Verdict:
    """Check the model's ``reply`` to ``query``, whose prompt numbered ``passages`` 1..n."""
    own = to_script(reply.strip(), query.script)
    refusal = refusal_sentence(query.script)
    if not own or is_refusal(own, refusal):
        return _quote_or_refuse(query, passages, Verdict(refusal, True, True, [], own,
                                                         MODEL_DECLINED))
    fixes: list[str] = []
    text = _fix(english_reading_added, _fix(as_rank, own, fixes, query), fixes, query)
    text = _fix(unit_from_passage, text, fixes, query, passages)
    checked = cite_and_verify(text, query, passages)
    fixes += checked.fixes
    evidence = [to_script(c.evidence, query.script) for c in checked.citations]
    text = _fix(rank_from_evidence, checked.answer, fixes, query, evidence)
    text = _fix(date_from_evidence, text, fixes, query, evidence)
    text = _fix(qualifier_from_evidence, text, fixes, query, evidence)
    text = _fix(unit_from_evidence, text, fixes, query, evidence)
    text = _fix(short_span, text, fixes, query)
    text = _fix(english_sentence, text, fixes, query)  # after the checks: its words are the question's
    if checked.unbacked and len(checked.unbacked) == checked.claimed:  # every figure made up: no guess shown
        return _quote_or_refuse(query, passages, Verdict(
            refusal, True, False, [], own, f"the model's answer ({text}) has figures found in no passage",
            checked.unbacked, fixes))
    wrong_kind = ordinal_not_given(query, text) or count_for_amount(query, text)
    if wrong_kind:  # 第71位 for 第几次入围?, 72个 for 意向投资总额有多少?
        return _quote_or_refuse(query, passages, Verdict(
            refusal, True, False, [], own, f"the model's answer ({text}) gives {wrong_kind}", [], fixes))
    backing = figure_citations(checked, query)  # the passages its figures come from
    cited_evidence = [c.evidence for c in backing]
    cited = [passages[c.n - 1] for c in backing]
    mismatch = (cited_mismatch(query, cited) or bound_not_cited(query, [c.text for c in cited])
                or part_for_whole(query, cited_evidence) or other_year_evidence(query, cited_evidence)
                or figures_of_other_years(query, text, cited_evidence) or combined_for_half(query, cited_evidence))
    if mismatch:
        return _quote_or_refuse(query, passages, Verdict(
            refusal, True, False, [], own, f"the model's answer ({text}) cites {mismatch}", [], fixes))
    # the answer took another item of a list of figures: the item asked about, quoted (a name or
    # a date is no item of such a list: 阿根廷队与法国队 is not replaced by a clause naming 阿根廷)
    other = matching_clause(query, checked.citations, passages) if checked.claimed else None
    if other is not None:
        quoted = cite_and_verify(other, query, passages)
        if not quoted.unbacked and quoted.citations:
            return Verdict(other, False, True, quoted.citations, own, None, [], [MATCHING_FIX])
    return Verdict(text, False, not checked.unbacked, checked.citations, own, None, checked.unbacked, fixes)


def _quote_or_refuse(query: Query, passages: list[Chunk], refusal: Verdict) -> Verdict:
    """The quoted sentence that answers the question (quoting.py), checked like an answer; else ``refusal``."""
    quoted = quoted_answer(query, passages)
    if quoted is None:
        return refusal
    quoted = readings_after_quote(quoted, query)
    checked = cite_and_verify(quoted, query, passages)  # the quote is shown as the passage has it
    if checked.unbacked or not checked.citations \
            or bound_not_cited(query, [passages[c.n - 1].text for c in checked.citations]):
        return refusal
    return Verdict(quoted, False, True, checked.citations, refusal.model_answer, None, [],
                   [QUOTED])  # the fixes of a reply that is not shown do not count


def _fix(rule: Callable[..., str], text: str, fixes: list[str], *args) -> str:
    """Apply ``rule`` and record its name when it changed the text."""
    fixed = rule(text, *args)
    if fixed != text:
        fixes.append(rule.__name__)
    return fixed
