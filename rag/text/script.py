"""Script normalisation (OpenCC) and script detection.

Keyword indexing and embedding use a Simplified, NFKC-normalised form of every text so that a
Simplified question finds a Traditional passage and back; the original text is what is stored,
shown and cited. Does not segment words (words.py does).
"""

from __future__ import annotations

import functools
import unicodedata

NORMALISER_ID = "opencc-t2s+nfkc"  # recorded in the index manifest


@functools.lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional -> Simplified (OpenCC t2s), then NFKC (full-width digits and letters -> ASCII).

    >>> to_simplified("衡陽市進出口總額４４６.１億元")
    '衡阳市进出口总额446.1亿元'
    """
    return unicodedata.normalize("NFKC", _converter("t2s.json").convert(text))


def detect_script(text: str) -> str:
    """'traditional', 'simplified' or 'latin' (no Chinese), judged by which conversion changes the text.

    >>> detect_script("衡陽2023年全市對外實際投資額是多少?"), detect_script("衡阳进出口"), detect_script("What?")
    ('traditional', 'simplified', 'latin')
    """
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"]
    if not han:
        return "latin"
    han_text = "".join(han)
    simplified = _converter("t2s.json").convert(han_text)
    traditional = _converter("s2t.json").convert(han_text)
    changed_by_t2s = sum(a != b for a, b in zip(han_text, simplified))
    changed_by_s2t = sum(a != b for a, b in zip(han_text, traditional))
    return "traditional" if changed_by_t2s > changed_by_s2t else "simplified"


def to_script(text: str, script: str) -> str:
    """Convert ``text`` to the script of a question ('traditional' or 'simplified'); Latin-script
    questions leave it as it is. Pure OpenCC, so punctuation and width are kept."""
    if script == "traditional":
        return _converter("s2t.json").convert(text)
    if script == "simplified":
        return _converter("t2s.json").convert(text)
    return text
