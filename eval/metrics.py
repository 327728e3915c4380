"""Scoring functions shared by the evaluation runners: answer matching, sources, ranks, percentiles.

Three families, each as its own benchmark defines it:
- our question sets: every gold answer element must appear in the answer after normalisation
  (script, full/half width, spaces, thousands separators); a list element is a set of alternatives;
- RGB (Chen et al. 2024): the same rule on the raw reply, lower-cased with spaces removed and no
  script conversion, as the benchmark's own evaluator does;
- CMRC 2018: the official scorer's exact match and character-level F1 after punctuation removal,
  the maximum over the reference answers.
Pure functions; no model, no files.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Iterable, Sequence

from rag.text.script import to_simplified
from rag.text.sentences import strip_markers

Gold = Sequence["str | Sequence[str]"]

_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def normalise_answer(text: str) -> str:
    """Simplified script, NFKC width, lower case, no spaces, no citation markers or thousands separators.

    >>> normalise_answer("1,701 萬美元[2]")
    '1701万美元'
    """
    text = unicodedata.normalize("NFKC", to_simplified(text)).lower()
    text = strip_markers(text)
    text = re.sub(r"\s+", "", text)
    return _THOUSANDS.sub("", text)


def answer_labels(reply: str, gold: Gold, normalise=normalise_answer) -> list[bool]:
    """One label per gold element: does the reply contain it (any of its alternatives, for a list)?

    >>> answer_labels("衡陽446.1億元[1]", ["446.1亿元", ["第3", "第三"]])
    [True, False]
    """
    text = normalise(reply)
    labels = []
    for element in gold:
        options = [element] if isinstance(element, str) else list(element)
        labels.append(any(normalise(option) in text for option in options if normalise(option)))
    return labels


def answer_correct(reply: str, gold: Gold) -> bool:
    """Every gold element is in the reply (and there is at least one)."""
    labels = answer_labels(reply, gold)
    return bool(labels) and all(labels)


def names_source(doc_id: str, sources: Iterable[str]) -> bool:
    """A doc_id names a gold source when it equals one or starts with it (sources may be prefixes)."""
    return any(doc_id == s or doc_id.startswith(s) for s in sources)


def first_rank(doc_ids: Sequence[str], sources: Sequence[str]) -> int | None:
    """1-based rank of the first doc_id that names a gold source, None when none does."""
    for rank, doc_id in enumerate(doc_ids, start=1):
        if names_source(doc_id, sources):
            return rank
    return None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (q in 0..100) by linear interpolation between the closest ranks (numpy's
    default, "type 7"); p50 is the median (the mean of the middle two for an even count). The one
    definition behind every p50 and p95 of eval/RESULTS.md and BENCHMARKS.md. None for no values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95)
    (2.5, 3.85)
    """
    if not values:
        return None
    ordered = sorted(values)
    at = (len(ordered) - 1) * q / 100
    low = math.floor(at)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (at - low), 12)


# --- RGB ---------------------------------------------------------------------------------------

RGB_REJECTION = ("信息不足", "insufficient information")
RGB_FACT_ERROR = ("事实性错误", "factual errors")


def rgb_normalise(text: str) -> str:
    return text.lower().replace(" ", "")


def rgb_says(reply: str, cues: Sequence[str]) -> bool:
    """The reply holds one of the cues, spaces removed (Chinese) or not (English)."""
    return any(cue in rgb_normalise(reply) or cue in reply.lower() for cue in cues)


def rgb_labels(reply: str, gold: "Gold | str") -> list[int]:
    """The benchmark's labels: [-1] for a rejection, else 1/0 per gold element. A gold that is one
    string (most of zh_fact) is one element, as in the benchmark's checkanswer, not one per character.

    >>> rgb_labels("死亡人数为12人。", ["12人"]), rgb_labels("文档信息不足，因此我无法回答。", ["12人"])
    ([1], [-1])
    >>> rgb_labels("2018年中国城镇新增就业161万人。", "1361万")
    [0]
    """
    text = rgb_normalise(reply)
    if rgb_says(reply, RGB_REJECTION):
        return [-1]
    if isinstance(gold, str):
        gold = [gold]
    return [int(b) for b in answer_labels(text, gold, normalise=rgb_normalise)]


def rgb_correct(labels: Sequence[int]) -> bool:
    """The benchmark's accuracy rule: no 0 label and at least one 1."""
    return 0 not in labels and 1 in labels


# --- CMRC 2018 ---------------------------------------------------------------------------------

# The official scorer's punctuation list (cmrc2018_evaluate.py), nothing more: ASCII "." "," "?" stay.
_CMRC_PUNCT = set("-:_*^/\\~`+=，。：？！“”；’《》·、「」（）－～『』")
_LATIN_TOKEN = re.compile(r"\w+|[^\w\s]")  # stands in for nltk.word_tokenize on non-Chinese runs


def cmrc_segments(text: str) -> list[str]:
    """The official mixed segmentation, punctuation removed: one token per Chinese character, word
    tokens for the runs between them.

    >>> cmrc_segments("光荣和ω-force")
    ['光', '荣', '和', 'ωforce']
    """
    out: list[str] = []
    run = ""
    for ch in text.lower().strip():
        if ch in _CMRC_PUNCT:
            continue
        if "\u4e00" <= ch <= "\u9fa5":
            out.extend(_LATIN_TOKEN.findall(run))
            run = ""
            out.append(ch)
        else:
            run += ch
    out.extend(_LATIN_TOKEN.findall(run))
    return out


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common contiguous run of tokens (the official find_lcs)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def cmrc_em(prediction: str, references: Sequence[str]) -> float:
    """1.0 when the prediction equals a reference once the official punctuation is removed.

    >>> cmrc_em("光荣和ω-force。", ["光荣和ω-force"])
    1.0
    """
    def strip(text: str) -> str:
        return "".join(ch for ch in text.lower().strip() if ch not in _CMRC_PUNCT)

    return float(any(strip(prediction) == strip(r) for r in references))


def cmrc_f1(prediction: str, references: Sequence[str]) -> float:
    """Token F1 over the longest common run, the maximum over the references (official scorer).

    >>> round(cmrc_f1("由光荣和ω-force开发", ["光荣和ω-force"]), 3)
    0.727
    """
    pred = cmrc_segments(prediction)
    best = 0.0
    for reference in references:
        ref = cmrc_segments(reference)
        common = _lcs(ref, pred)
        if common:
            precision, recall = common / len(pred), common / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best
