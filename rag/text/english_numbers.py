"""Chinese amounts read in English, and English amounts read back, so both can be checked.

446.1亿元 is 44.61 billion yuan and 1701万美元 17.01 million US dollars: an English answer keeps
the article's figure and gives this reading (answer/fixes.py), and any English amount in an
answer ("44.61 billion yuan", "44,610 million yuan") is checked against the passages' figures
by value (answer/citations.py), so a wrong conversion is caught like a wrong figure. Amounts are
compared as (exact decimal value, base unit) pairs; ``scaled`` puts a Chinese figure in that form.
Does not translate words.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .numbers import Figure

_CHINESE_SCALE = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "千": Decimal(10) ** 3, "百": Decimal(100)}
_ENGLISH_SCALE = {"thousand": Decimal(10) ** 3, "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9,
                  "trillion": Decimal(10) ** 12}
# Base units: the Chinese unit without its scale -> its English name (singular, plural).
_UNIT_NAMES = {"元": ("yuan", "yuan"), "美元": ("US dollar", "US dollars"), "欧元": ("euro", "euros"),
               "日元": ("yen", "yen"), "人次": ("passenger trip", "passenger trips"), "吨": ("tonne", "tonnes"),
               "人": ("person", "people")}
_ENGLISH_UNITS = {name.lower(): unit for unit, names in _UNIT_NAMES.items() for name in names} | {
    "dollars": "美元", "dollar": "美元", "usd": "美元", "rmb": "元", "renminbi": "元", "cny": "元"}
ENGLISH_AMOUNT = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(thousand|million|billion|trillion)"
    r"(?:\s+(" + "|".join(sorted(map(re.escape, _ENGLISH_UNITS), key=len, reverse=True)) + r"))?\b",
    re.IGNORECASE)


def scaled(figure: Figure) -> Figure:
    """A figure as (exact value, base unit): ('446.1', '亿元') -> ('44610000000', '元')."""
    value, unit = figure
    factor = Decimal(1)
    while unit and unit[0] in _CHINESE_SCALE:
        factor *= _CHINESE_SCALE[unit[0]]
        unit = unit[1:]
    return _plain(Decimal(value) * factor), unit.removesuffix("人民币")


def english_amounts(text: str) -> list[Figure]:
    """The English amounts of ``text`` as (exact value, base unit) pairs, the unit Chinese ("元").

    >>> english_amounts("44.61 billion yuan, or 44,610 million yuan; 17.01 million US dollars")
    [('44610000000', '元'), ('44610000000', '元'), ('17010000', '美元')]
    """
    found = []
    for m in ENGLISH_AMOUNT.finditer(text):
        value = Decimal(m.group(1).replace(",", "") + (f".{m.group(2)}" if m.group(2) else ""))
        unit = _ENGLISH_UNITS.get((m.group(4) or "").lower(), "")
        found.append((_plain(value * _ENGLISH_SCALE[m.group(3).lower()]), unit))
    return found


def english_reading(figure: Figure) -> str | None:
    """How an English reader says a Chinese amount; None when it needs no reading (15.3%, 28个).

    >>> english_reading(("446.1", "亿元")), english_reading(("1701", "万美元")), english_reading(("86", "万人次"))
    ('44.61 billion yuan', '17.01 million US dollars', '860 thousand passenger trips')
    """
    value, unit = scaled(figure)
    if unit not in _UNIT_NAMES or not figure[1] or figure[1][0] not in _CHINESE_SCALE:
        return None
    amount = Decimal(value)
    for word, factor in sorted(_ENGLISH_SCALE.items(), key=lambda item: item[1], reverse=True):
        if amount >= factor:
            return f"{_plain(amount / factor)} {word} {_UNIT_NAMES[unit][1]}"
    return f"{_plain(amount)} {_UNIT_NAMES[unit][amount != 1]}"


def _plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 4.4610E+10 -> '44610000000', 44.610 -> '44.61'."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
