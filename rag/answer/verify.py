"""The model's reply -> what the user is shown: the checked answer with its citations, or the refusal.

In order: the reply in the question's script; the model's own refusal recognised; the rank fix
(fixes.py); citations checked and repaired (citations.py); the rank stated by the cited sentence;
then the answer is refused when every figure it claims is in no passage, or when the passages it
cites contradict the question's place or years (gates.cited_mismatch). Every rule that changed
the reply is listed in ``fixes``. Does not call the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..documents import Chunk, Citation
from ..query import Query
from ..text.script import to_script
from .citations import cite_and_verify
from .fixes import as_rank, rank_from_evidence
from .gates import cited_mismatch
from .prompting import is_refusal, refusal_sentence


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
        return Verdict(refusal, True, True, [], own, "the model found no answer in the passages")
    fixes: list[str] = []
    text = _fix(as_rank, own, fixes, query)
    checked = cite_and_verify(text, query, passages)
    fixes += checked.fixes
    evidence = [to_script(c.evidence, query.script) for c in checked.citations]
    text = _fix(rank_from_evidence, checked.answer, fixes, query, evidence)
    if checked.unbacked and len(checked.unbacked) == checked.claimed:  # every figure made up: no guess shown
        return Verdict(refusal, True, False, [], own, f"the model's answer ({text}) has figures found in no passage",
                       checked.unbacked, fixes)
    mismatch = cited_mismatch(query, [passages[c.n - 1] for c in checked.citations])
    if mismatch:
        return Verdict(refusal, True, False, [], own, f"the model's answer ({text}) cites {mismatch}", [], fixes)
    return Verdict(text, False, not checked.unbacked, checked.citations, own, None, checked.unbacked, fixes)


def _fix(rule: Callable[..., str], text: str, fixes: list[str], *args) -> str:
    """Apply ``rule`` and record its name when it changed the text."""
    fixed = rule(text, *args)
    if fixed != text:
        fixes.append(rule.__name__)
    return fixed
