"""An English follow-up of an English question made standalone (followup.py does the Chinese ones).

Three shapes, read with patterns rather than a model so that they are instant and testable:
- another place or year: "What about Yongzhou?", "And in 2022?" -> the previous question with
  that place or year put in;
- a pronoun for the previous figure: "How much did it grow?" after "What was Yongzhou's total
  import and export value in the first half of the year?" -> "How much did Yongzhou's total
  import and export value in the first half of the year grow?";
- a pronoun whose antecedent the patterns cannot name ("How many of them ...?" after "How many
  projects did ... sign?"), or another figure of the same subject ("What about the growth
  rate?"): the previous question and the follow-up together, which retrieval and the model read
  as one question.
A question that names its own place and more than a place or year stands alone. A Chinese
follow-up of an English question is resolved by followup.py against ``chinese_question``: the
English question's place, period and trade words in Chinese. Does not retrieve.
"""

from __future__ import annotations

import re

from .text.english_terms import chinese_terms
from .text.periods import question_period
from .text.places import english_places, first_english_place

_WHAT_ABOUT = re.compile(r"^(?:and\s+)?(?:(?:what|how)\s+about\s+|and\s+)(?:in\s+|for\s+)?(?P<rest>.+?)\s*[?？.]?\s*$",
                         re.IGNORECASE)
_ABOUT = re.compile(r"^(?:and\s+)?(?:what|how)\s+about\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PRONOUN = re.compile(r"\b(?P<word>it|its|that figure|this figure|that|this)\b", re.IGNORECASE)
_PLURAL = re.compile(r"\b(they|them|their|these|those)\b", re.IGNORECASE)
# Chinese names of the parts of a year (text/periods.py's canonical parts).
_PARTS_CHINESE = {"H1": "上半年", "H2": "下半年", "Q1-3": "前三季度", "Q1": "一季度"}
# Glossary words that ask about a figure (its change, share or rank) rather than name it.
_ASKED_WORDS = frozenset({"增长", "增加", "下降", "占比", "第"})
# "What was <subject>?": the subject is what a pronoun in the next question stands for.
_SUBJECT = re.compile(r"^(?:what|how\s+much|how\s+large|how\s+big)\s+(?:was|were|is|are)\s+(?P<subject>.+?)\s*[?？.]?\s*$",
                      re.IGNORECASE)


def resolve_english(question: str, before: str) -> str | None:
    """The standalone form of an English follow-up, or None when it stands alone.

    >>> resolve_english("What about Yongzhou?", "What was Hengyang's total import and export value in 2023?")
    "What was Yongzhou's total import and export value in 2023?"
    >>> resolve_english("And in 2022?", "What was Hengyang's total import and export value in 2023?")
    "What was Hengyang's total import and export value in 2022?"
    >>> resolve_english("How much did it grow?", "What was Yongzhou's total import and export value?")
    "How much did Yongzhou's total import and export value grow?"
    """
    question = question.strip()
    short = _WHAT_ABOUT.match(question)
    resolved = _with_place_or_year(before, short["rest"]) if short else None
    if resolved:
        return resolved
    if short and _ABOUT.match(question) and not _PRONOUN.search(short["rest"]) and chinese_terms(short["rest"]):
        return f"{before.strip()} {question}"  # "What about the growth rate?": another figure, the same subject
    question = re.sub(r"^and\s+", "", question, flags=re.IGNORECASE)
    if _YEAR.fullmatch(question.rstrip("?？. ")):
        return _with_place_or_year(before, question.rstrip("?？. "))
    if english_places(question) and not _PRONOUN.search(question):
        return None  # names its own place: a new question
    subject = _SUBJECT.match(before.strip())
    pronoun = _PRONOUN.search(question)
    if subject and pronoun and not _PLURAL.search(question):
        word = pronoun["word"].lower()
        replaced = subject["subject"] + ("'s" if word == "its" else "")
        text = question[:pronoun.start()] + replaced + question[pronoun.end():]
        return text[0].upper() + text[1:]
    if pronoun or _PLURAL.search(question):
        return f"{before.strip()} {question}"  # an antecedent the patterns cannot name: ask both together
    return None


def _with_place_or_year(before: str, said: str) -> str | None:
    """``before`` with the place or year of ``said`` (what followed "What about") put in."""
    year = _YEAR.search(said)
    if year:
        old = _YEAR.search(before)
        return _YEAR.sub(year.group(), before, count=1) if old else f"{before.rstrip('?？. ')} in {year.group()}?"
    new_place = first_english_place(said)
    old_place = first_english_place(before)
    if new_place and old_place:
        return re.sub(rf"\b{re.escape(old_place)}\b", new_place, before, count=1, flags=re.IGNORECASE)
    return None


def chinese_question(question: str) -> str:
    """An English question as a Chinese one made of its places, period and glossary words
    (text/english_terms.py), for resolving a Chinese follow-up of it: the figure a follow-up's
    同比增长了多少? is about. Words the glossary lacks are lost, so this is no translation.

    >>> chinese_question("How much did Hengyang invest abroad in 2023?")
    '衡阳2023年对外投资是多少?'
    """
    period = question_period(question)
    words = [group[0] for group in chinese_terms(question) if group[0] not in _ASKED_WORDS]
    return ("".join(english_places(question)) + "".join(f"{year}年" for year in sorted(period.years))
            + "".join(_PARTS_CHINESE[part] for part in sorted(period.parts)) + "".join(words) + "是多少?")
