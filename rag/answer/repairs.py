"""Repair before refusing: a figure the model wrote with another counter or currency than the
passage that holds its value is rewritten to the passage's words (fix ``unit_from_passage``).

The small model normalises units: 10个车站 for a passage's 共设10座车站, 1.85亿元 for 1.85亿美元.
Such an answer would be refused as holding a figure no passage states, although the value is
there. The repair changes only the counter (个 → 座) or the currency (元 → 美元), keeps the value
and its scale (亿, 万) as the model wrote them, and applies only when the prompt's passages hold
the value with exactly one other unit of the same kind and never with the model's: then the
rewritten answer is checked like any other (citations.py). Does not call the model.
"""

from __future__ import annotations

import re

from ..documents import Chunk
from ..query import Query
from ..text.numbers import holds, normalised, numbers

FIX = "unit_from_passage"
_COUNTERS = "个座家项列位名条辆艘所台件次只架场支款部届"
_CURRENCIES = ("美元", "欧元", "日元", "港元", "元")
_FIGURE = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)([万亿千百]*)({'|'.join(_CURRENCIES)}|[{_COUNTERS}])")


def unit_from_passage(answer: str, query: Query, passages: list[Chunk]) -> str:
    """``answer`` with each unbacked figure's counter or currency replaced by the one its value has
    in the passages, when that is unambiguous.

    >>> station = [Chunk("a#0", "a", 0, 30, "全长22.4千米，共设10座车站。")]
    >>> unit_from_passage("10个车站[1]", Query.parse("共有多少个车站?"), station)
    '10座车站[1]'
    >>> deal = [Chunk("b#0", "b", 0, 30, "总合同额1.85亿美元。")]
    >>> unit_from_passage("1.85亿元[1]", Query.parse("合同额多少?"), deal)
    '1.85亿美元[1]'
    >>> unit_from_passage("10个车站[1]", Query.parse("多少个?"), [Chunk("c#0", "c", 0, 30, "10座车站、10个出口")])
    '10个车站[1]'
    """
    text = normalised(answer)
    if len(text) != len(answer):
        return answer
    held = [figure for chunk in passages for figure in numbers(chunk.text)]
    written = [m for chunk in passages for m in _FIGURE.finditer(normalised(chunk.text))]
    for m in reversed(list(_FIGURE.finditer(text))):
        value, scale, unit = m.groups()
        if holds(held, _plain(value), scale + unit) or any(
                _plain(w.group(1)) == _plain(value) and w.group(2) == scale and w.group(3) == unit for w in written):
            continue  # the passages state it so
        others = {w.group(3) for w in written if _plain(w.group(1)) == _plain(value) and w.group(2) == scale
                  and w.group(3) != unit and _kind(w.group(3)) == _kind(unit)}
        if len(others) == 1:
            answer = answer[:m.start(3)] + others.pop() + answer[m.end(3):]
    return answer


def _plain(value: str) -> str:
    """22.80 → 22.8, 10 → 10: values compared without trailing decimal zeros."""
    return value.rstrip("0").rstrip(".") if "." in value else value


def _kind(unit: str) -> str:
    return "currency" if unit in _CURRENCIES else "counter"
