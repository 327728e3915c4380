"""Arabic numbers with their units, read the same way from answers, passages and questions.

446.1亿 = 446.1億, 1,701 = 1701, full-width digits = ASCII: ``numbers`` normalises script and
width, so comparing (value, unit) pairs compares figures. A unit agrees with another when one
starts with the other (亿 with 亿元; 元 does not match 亿元). Does not decide what a number backs
(answer/citations.py does).
"""

from __future__ import annotations

import re
import unicodedata

from .script import to_simplified
from .sentences import MARKER

NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.(\d+))?"
                    r"(\s*[%％]|[万亿千百]*[美欧日]?(?:人次|[元个项家列位吨人倍])(?:人民币)?|[万亿]*)?")

Figure = tuple[str, str]  # (value without separators or trailing decimal zeros, unit)


def normalised(text: str) -> str:
    """What numbers are read from: Simplified script, NFKC width."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def numbers(text: str) -> list[Figure]:
    """(value, unit) pairs of the Arabic numbers in ``text``, citation markers excluded.

    >>> numbers("2023年衡陽市進出口總額446.1億元[1]，對外投資1,701萬美元，增長15.3%。")
    [('2023', ''), ('446.1', '亿元'), ('1701', '万美元'), ('15.3', '%')]
    """
    return [(value_of(m), (m.group(3) or "").strip().replace("％", "%"))
            for m in NUMBER.finditer(normalised(MARKER.sub(" ", text)))]


def value_of(match: re.Match) -> str:
    """The normalised value of a NUMBER match: no thousands separators, no trailing decimal zeros."""
    whole = re.sub(r"[,，]", "", match.group(1))
    fraction = (match.group(2) or "").rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def units_agree(answer_unit: str, passage_unit: str) -> bool:
    """An answer's unit agrees with a passage's when either starts with the other; no unit agrees with any."""
    return not answer_unit or passage_unit.startswith(answer_unit) or (
        answer_unit.startswith(passage_unit) and passage_unit != "")


def holds(figures: list[Figure], value: str, unit: str) -> bool:
    """True when ``figures`` (from ``numbers``) hold ``value`` with a unit agreeing with ``unit``."""
    return any(v == value and units_agree(unit, u) for v, u in figures)
