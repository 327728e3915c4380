"""Citations: parse [n] markers, pick each cited passage's evidence sentence, verify numbers.

A number in the answer is backed when the same value (after script and format normalisation:
446.1亿 = 446.1億, 1,701 = 1701, full-width digits) appears in a cited passage, with a compatible
unit when the answer gives one (亿 matches 亿元, 元 does not match 亿元). Numbers the question
itself contains count as given. A number that no cited passage backs but another retrieved
passage does gets a citation added (marked ``added``); one that no passage backs makes the answer
unverified. An answer left with no marker at all (a name, a date in words) is cited to the passage
sharing the most of its own words, also marked ``added``. Does not call the model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .documents import Chunk, Citation
from .script import to_simplified

_MARKER = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.(\d+))?(\s*[%％]|[万亿千百]*[美欧日]?(?:人次|[元个项家列位吨人倍])(?:人民币)?|[万亿]*)?")
# A sentence with its end punctuation and any [n] markers the model put after it.
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?(?:\s*\[\d{1,2}\])*\s*")


def markers(answer: str) -> list[int]:
    """[n] markers in order of first appearance. ``markers("a[2]b[1][2]") == [2, 1]``"""
    seen: list[int] = []
    for m in _MARKER.finditer(answer):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def numbers(text: str) -> list[tuple[str, str]]:
    """(value, unit) pairs of the Arabic numbers in ``text``, citation markers excluded.

    >>> numbers("2023年衡陽市進出口總額446.1億元[1]，對外投資1,701萬美元，增長15.3%。")
    [('2023', ''), ('446.1', '亿元'), ('1701', '万美元'), ('15.3', '%')]
    """
    text = to_simplified(_MARKER.sub(" ", unicodedata.normalize("NFKC", text)))
    return [(_value(m), (m.group(3) or "").strip().replace("％", "%")) for m in _NUMBER.finditer(text)]


def _value(match: re.Match) -> str:
    """The normalised value of a _NUMBER match: no thousands separators, no trailing decimal zeros."""
    whole = re.sub(r"[,，]", "", match.group(1))
    fraction = (match.group(2) or "").rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _units_agree(answer_unit: str, passage_unit: str) -> bool:
    return not answer_unit or passage_unit.startswith(answer_unit) or answer_unit.startswith(passage_unit) and passage_unit != ""


def backs(value: str, unit: str, text: str) -> bool:
    """True when ``text`` holds the number ``value`` with a unit compatible with ``unit``."""
    return any(v == value and _units_agree(unit, u) for v, u in numbers(text))


def evidence_sentence(passage: str, claim: str) -> str:
    """The sentence of ``passage`` that holds the most of the claim's numbers, else the one sharing
    the most character pairs with the claim."""
    sentences = [s.strip() for s in _SENTENCE.findall(passage) if s.strip()] or [passage]
    claim_numbers = numbers(claim)
    claim_pairs = _bigrams(claim)

    def score(sentence: str) -> tuple[int, int]:
        held = sum(1 for v, u in claim_numbers if backs(v, u, sentence))
        return held, len(claim_pairs & _bigrams(sentence))

    return max(sentences, key=score)


def _bigrams(text: str) -> set[str]:
    text = to_simplified(re.sub(r"\s+", "", _MARKER.sub("", text)))
    return {text[i:i + 2] for i in range(len(text) - 1)}


def claims_by_marker(answer: str) -> dict[int, str]:
    """For each [n], the answer sentences that carry it (the claim that passage should back)."""
    claims: dict[int, str] = {}
    for sentence in _SENTENCE.findall(answer) or [answer]:
        for n in markers(sentence):
            claims[n] = claims.get(n, "") + sentence
    return claims


@dataclass(frozen=True)
class CheckedAnswer:
    answer: str                 # the answer with its [n] markers corrected
    citations: list[Citation]
    unbacked: list[str]         # claimed numbers that no passage backs
    claimed: int                # numbers the answer claims (those not already in the question)


def cite_and_verify(answer: str, question: str, passages: list[Chunk]) -> CheckedAnswer:
    """Check every number of ``answer`` against the passages numbered 1..n in the prompt.

    Per sentence: a
    number its own [n] backs is fine; one that another passage backs gets that passage's marker,
    replacing markers of the sentence that back none of its numbers, or inserted after the
    number; such citations are marked ``added``. Markers out of range are dropped.
    """
    added: set[int] = set()
    unbacked: list[str] = []
    claimed_total = 0
    sentences = []
    for sentence in _SENTENCE.findall(answer) or [answer]:
        sentence = _MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= len(passages) else "", sentence)
        claimed = [(v, u) for v, u in numbers(sentence) if not backs(v, u, question)]
        claimed_total += len(claimed)
        own = markers(sentence)
        for value, unit in claimed:
            if any(backs(value, unit, passages[n - 1].text) for n in own):
                continue
            backer = next((n for n in range(1, len(passages) + 1) if backs(value, unit, passages[n - 1].text)), None)
            if backer is None:
                unbacked.append(value + unit)
                continue
            useless = [n for n in own if not any(backs(v, u, passages[n - 1].text) for v, u in claimed)]
            if useless:
                sentence = _MARKER.sub(lambda m: f"[{backer}]" if int(m.group(1)) in useless else m.group(0), sentence)
            else:
                sentence = _insert_after_number(sentence, value, f"[{backer}]")
            added.add(backer)
            own = markers(sentence)
        sentences.append(sentence)
    fixed = re.sub(r"(\[\d+\])(\1)+", r"\1", "".join(sentences)) if sentences else answer
    if not markers(fixed):  # a name or a date the model did not cite: the passage that holds its words
        backer = _cite_by_words(fixed, question, passages)
        if backer is not None:
            fixed = _append_marker(fixed, f"[{backer}]")
            added.add(backer)
    claims = claims_by_marker(fixed)
    model_cited = set(markers(answer))
    citations = [_citation(n, passages[n - 1], claims.get(n, fixed), added=n in added and n not in model_cited)
                 for n in sorted(markers(fixed))]
    return CheckedAnswer(fixed, citations, unbacked, claimed_total)


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


def _insert_after_number(sentence: str, value: str, marker: str) -> str:
    """Put ``marker`` after the first occurrence of ``value`` and its unit in ``sentence``."""
    for m in _NUMBER.finditer(to_simplified(unicodedata.normalize("NFKC", sentence))):
        if _value(m) == value:
            return sentence[:m.end()] + marker + sentence[m.end():]
    return sentence + marker


def _citation(n: int, chunk: Chunk, claim: str, added: bool = False) -> Citation:
    return Citation(n=n, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.title, date=chunk.date,
                    source=chunk.source, text=chunk.text, evidence=evidence_sentence(chunk.text, claim), added=added)
