"""The one sentence splitter and the one citation-marker pattern of the project.

A sentence runs to 。！？!? (or a run of them), or to a full stop that ends an English sentence
(a "." followed by a space or the end: not the point of 446.1), then takes the closing quote and
the [n] markers that follow it; a line break is a piece of its own. Concatenated, the pieces give
the text back, so a caller can drop or mark sentences and rebuild the rest. 分号 (；) does not end
a sentence for the prompt (news lists clauses with it, and a clause alone loses the year it is
about); citations ask for clauses, where it does.
"""

from __future__ import annotations

import re

MARKER_TEXT = r"\[\d{1,2}\]"                      # [1] .. [99]: the one shape, composed into the others
MARKER = re.compile(r"\[(\d{1,2})\]")              # the same, with the number as a group
_MARKER_WITH_SPACE = re.compile(rf"\s*{MARKER_TEXT}")


def _splitter(ends: str) -> re.Pattern:
    """Pieces that run to one of ``ends`` (or an English full stop), with closing quote and markers."""
    return re.compile(rf"(?:[^{ends}.\n]|\.(?=\S))+(?:[{ends}]+|\.+)?[”」』\"']?(?:\s*{MARKER_TEXT})*[ \t]*"
                      rf"|\n|[{ends}.]+")


_SENTENCE = _splitter("。！？!?")
_CLAUSE = _splitter("。！？!?；;")


def sentences(text: str, clauses: bool = False) -> list[str]:
    """Sentences with their closing punctuation and markers; ``"".join(sentences(t)) == t``.
    ``clauses``: a ；/; ends a piece too, for citations, whose evidence is the clause holding a
    figure (a page that runs a paragraph of events together with semicolons is one sentence).

    >>> sentences("数据显示,总额446.1億元[1]。全市投资1701萬美元!\\n下一段. Next one.")
    ['数据显示,总额446.1億元[1]。', '全市投资1701萬美元!', '\\n', '下一段. ', 'Next one.']
    >>> sentences("7月22日,签订协议;今年上半年,总额144.6亿元。", clauses=True)
    ['7月22日,签订协议;', '今年上半年,总额144.6亿元。']
    """
    return (_CLAUSE if clauses else _SENTENCE).findall(text)


# What ends a part of a clause: a comma, a semicolon or a colon.
_COMMA_PART_END = re.compile(r"[，,；;：:]")


def comma_parts(clause: str) -> list[str]:
    """The parts of a clause between its commas, semicolons and colons, without them: where a figure
    stands beside the words that name it (answer/quoting.py, answer/second_reading.py).

    >>> comma_parts("今年上半年，进口通关时间压减至3.03小时，均远优于全国平均水平。")
    ['今年上半年', '进口通关时间压减至3.03小时', '均远优于全国平均水平。']
    """
    return _COMMA_PART_END.split(clause)


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
