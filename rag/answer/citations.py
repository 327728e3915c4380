"""Citations: each [n] of the answer becomes a Citation with its evidence sentence; numbers are checked.

A number in the answer is backed when the same value (text/numbers.py: script, width and
separators normalised) appears in a cited passage with an agreeing unit. Numbers the question
itself states count as given. A number that no cited passage backs but another passage of the
prompt does gets that passage's marker (the citation is marked ``added``); one that no passage
backs is ``unbacked``. An answer left with no marker at all (a name, a date in words) is cited to
the passage sharing the most of its own words, also marked ``added``. Every such repair is named
in ``fixes``. Does not call the model, and does not decide whether to refuse (verify.py does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..documents import Chunk, Citation
from ..query import Query
from ..text.english_numbers import ENGLISH_AMOUNT, english_amounts, scaled
from ..text.numbers import Figure, holds, numbers
from ..text.script import to_simplified
from ..text.sentences import MARKER, MARKER_TEXT, markers, sentences


# The repair that moves a marker to the passage that backs the claim (second_reading.py records it too).
REPOINTED = "citation_repointed"
# A list number at the start of a line ("1. ", "2、", "(3)") numbers the answer's points; it is no figure.
_LIST_MARKER = re.compile(r"(?m)^\s*(?:\d{1,2}[.、)）]|[(（]\d{1,2}[)）])(?=\s*\D)")


def evidence_sentence(passage: str, claim: str, given: tuple[Figure, ...] = ()) -> str:
    """The sentence of ``passage`` that holds the most of the claim's own numbers (those not
    ``given`` by the question, Query.given: 106个, not the 1月至6月 it repeats), then the most of all
    its numbers, else the one sharing the most character pairs with the claim."""
    parts = [s.strip() for s in sentences(passage, clauses=True) if s.strip()] or [passage]
    claimed = numbers(claim)
    own = [figure for figure in claimed if figure not in given]
    claim_pairs = _bigrams(claim)

    def score(sentence: str) -> tuple[int, int, int]:
        figures = numbers(sentence)
        return (sum(holds(figures, v, u) for v, u in own), sum(holds(figures, v, u) for v, u in claimed),
                len(claim_pairs & _bigrams(sentence)))

    return max(parts, key=score)


def _bigrams(text: str) -> set[str]:
    text = to_simplified(re.sub(r"\s+", "", MARKER.sub("", text)))
    return {text[i:i + 2] for i in range(len(text) - 1)}


def claims_by_marker(answer: str) -> dict[int, str]:
    """For each [n], the answer sentences that carry it (the claim that passage should back)."""
    claims: dict[int, str] = {}
    for sentence in sentences(answer, clauses=True) or [answer]:
        for n in markers(sentence):
            claims[n] = claims.get(n, "") + sentence
    return claims


@dataclass(frozen=True)
class CheckedAnswer:
    answer: str                 # the answer with its [n] markers corrected
    citations: list[Citation]
    unbacked: list[str]         # claimed numbers that no passage backs
    claimed: int                # numbers the answer claims (those the question does not state)
    fixes: list[str] = field(default_factory=list)  # citation repairs made, by name


def cite_and_verify(answer: str, query: Query, passages: list[Chunk]) -> CheckedAnswer:
    """Check every number of ``answer`` against the passages numbered 1..n in the prompt.

    Per sentence: a number its own [n] backs is fine; one that another passage backs gets that
    passage's marker, replacing markers of the sentence that back none of its numbers
    ("citation_repointed"), or added at the end of the sentence ("citation_inserted": not after the
    number, which would split 7月22日). Markers out of range are dropped ("marker_dropped"). A list
    number at the start of a line ("1. ") is not a figure. An English amount (44.61 billion yuan)
    is backed by a passage figure of the same value (446.1亿元), so a wrong conversion is unbacked.
    """
    read = [numbers(p.text) for p in passages]  # each passage read once, as written and by value
    held = _Held(read, [[scaled(figure) for figure in figures] for figures in read])
    added: set[int] = set()
    fixes: list[str] = []
    unbacked: list[str] = []
    claimed_total = 0
    out = []
    for sentence in sentences(answer, clauses=True) or [answer]:
        kept = MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= len(passages) else "", sentence)
        if kept != sentence:
            fixes.append("marker_dropped")
        sentence = kept
        claimed = _claims(sentence, query)
        claimed_total += len(claimed)
        for claim in claimed:
            own = markers(sentence)
            if any(held.backs(n, claim) for n in own):
                continue
            backer = next((n for n in range(1, len(passages) + 1) if held.backs(n, claim)), None)
            if backer is None:
                unbacked.append(claim[0] + claim[1])
                continue
            sentence, how = _cite(sentence, own, claimed, held, backer)
            fixes.append(how)
            added.add(backer)
        out.append(sentence)
    fixed = re.sub(rf"({MARKER_TEXT})(\1)+", r"\1", "".join(out)) if out else answer  # [2][2] -> [2]
    if not markers(fixed):  # a name or a date the model did not cite: the passage that holds its words
        backer = _cite_by_words(fixed, query.text, passages)
        if backer is not None:
            fixed = _append_marker(fixed, f"[{backer}]")
            added.add(backer)
            fixes.append("citation_for_words")
    claims = claims_by_marker(fixed)
    model_cited = set(markers(answer))
    citations = [_citation(n, passages[n - 1], claims.get(n, fixed), query.given,
                           added=n in added and n not in model_cited) for n in sorted(markers(fixed))]
    return CheckedAnswer(fixed, citations, unbacked, claimed_total, list(dict.fromkeys(fixes)))


def figure_citations(checked: CheckedAnswer, query: Query) -> list[Citation]:
    """The citations of the answer's sentences that claim a figure: the passages that must be about
    the question's place and period (a bare "根据资料[1]" after "…74个[3]" vouches for nothing).
    All citations when no sentence claims a figure (a name, a date in words)."""
    claims = claims_by_marker(checked.answer)
    backing = [c for c in checked.citations if _claims(claims.get(c.n, ""), query)]
    return backing or checked.citations


Claim = tuple[str, str, bool]  # (value, unit, read from English words: compared by value)


@dataclass(frozen=True)
class _Held:
    """The passages' figures as written (446.1, 亿元) and by value (44610000000, 元)."""
    written: list[list[Figure]]
    by_value: list[list[Figure]]

    def backs(self, n: int, claim: Claim) -> bool:
        value, unit, english = claim
        return holds((self.by_value if english else self.written)[n - 1], value, unit)


def _claims(sentence: str, query: Query) -> list[Claim]:
    """The figures a sentence of the answer claims: its Chinese/Arabic figures (not those the
    question states, not list numbers) and its English amounts by value."""
    chinese = numbers(_LIST_MARKER.sub(" ", ENGLISH_AMOUNT.sub(" ", sentence)))
    return ([(v, u, False) for v, u in chinese if not holds(list(query.given), v, u)]
            + [(v, u, True) for v, u in english_amounts(sentence)])


def _cite(sentence: str, own: list[int], claimed: list[Claim], held: _Held, backer: int) -> tuple[str, str]:
    """``sentence`` citing passage ``backer`` for one of its claims, and the name of the repair."""
    useless = [n for n in own if not any(held.backs(n, claim) for claim in claimed)]
    if useless:
        return MARKER.sub(lambda m: f"[{backer}]" if int(m.group(1)) in useless else m.group(0), sentence), \
            REPOINTED
    return _append_marker(sentence, f"[{backer}]"), "citation_inserted"


def _cite_by_words(answer: str, question: str, passages: list[Chunk]) -> int | None:
    """The passage (1-based) sharing the most Chinese character pairs of the answer that the question
    does not already hold (the answer's own words: 于德辉 in 局长是于德辉), or None.

    >>> _cite_by_words("局长是于德辉。", "局长是谁?", [Chunk("a#0", "a", 0, 4, "天气晴朗"), Chunk("b#0", "b", 0, 9, "局長于德輝表示")])
    2
    """
    own = {pair for pair in _bigrams(answer) - _bigrams(question) if all("\u4e00" <= ch <= "\u9fff" for ch in pair)}
    scores = [len(own & _bigrams(p.text)) for p in passages]
    if not scores or max(scores) == 0:
        return None
    return scores.index(max(scores)) + 1


def _append_marker(answer: str, marker: str) -> str:
    """``marker`` at the end of the answer, before its closing punctuation."""
    body = answer.rstrip()
    end = len(body)
    while end and body[end - 1] in "。！？.!?":
        end -= 1
    return body[:end] + marker + body[end:]


def _citation(n: int, chunk: Chunk, claim: str, given: tuple[Figure, ...],
              added: bool = False) -> Citation:
    return Citation(n=n, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.title, date=chunk.date,
                    source=chunk.source, text=chunk.text, evidence=evidence_sentence(chunk.text, claim, given),
                    added=added)
