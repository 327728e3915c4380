"""The one sentence splitter and the one citation-marker pattern of the project.

A sentence runs to 。！？!? (or a run of them), or to a full stop that ends an English sentence
(a "." followed by a space or the end: not the point of 446.1), then takes the closing quote and
the [n] markers that follow it; a line break is a piece of its own. Concatenated, the pieces give
the text back, so a caller can drop or mark sentences and rebuild the rest. 分号 (；) does not end
a sentence: news lists clauses with it, and a clause alone loses the year it is about.
"""

from __future__ import annotations

import re

MARKER_TEXT = r"\[\d{1,2}\]"                      # [1] .. [99]: the one shape, composed into the others
MARKER = re.compile(r"\[(\d{1,2})\]")              # the same, with the number as a group
_MARKER_WITH_SPACE = re.compile(rf"\s*{MARKER_TEXT}")
_SENTENCE = re.compile(rf"(?:[^。！？!?.\n]|\.(?=\S))+(?:[。！？!?]+|\.+)?[”」』\"']?(?:\s*{MARKER_TEXT})*[ \t]*"
                       r"|\n|[。！？!?.]+")


def sentences(text: str) -> list[str]:
    """Sentences with their closing punctuation and markers; ``"".join(sentences(t)) == t``.

    >>> sentences("数据显示,总额446.1億元[1]。全市投资1701萬美元!\\n下一段. Next one.")
    ['数据显示,总额446.1億元[1]。', '全市投资1701萬美元!', '\\n', '下一段. ', 'Next one.']
    """
    return _SENTENCE.findall(text)


def markers(text: str) -> list[int]:
    """[n] markers in order of first appearance. ``markers("a[2]b[1][2]") == [2, 1]``"""
    seen: list[int] = []
    for m in MARKER.finditer(text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def strip_markers(text: str) -> str:
    """The text without its citation markers. ``strip_markers("光荣和ω-force [1]。") == "光荣和ω-force。"``"""
    return _MARKER_WITH_SPACE.sub("", text)
