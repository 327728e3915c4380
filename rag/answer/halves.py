"""A figure of a combined measure given for one of its halves: 进出口总额 446.1亿元 is no answer to
"出口总额是多少?", whose figure the articles may not state at all.

The combined words are general economic vocabulary (进出口 = 进口 + 出口, 收支 = 收入 + 支出), not
drawn from any article. A question asks a half when it names the half and not the combined word
(an English one through its glossary terms, text/english_terms.py: "exports" -> 出口); the answer
is refused (verify.py, which first offers a quoted sentence that states the half) when every
cited evidence sentence names the combined word and never the half on its own. Does not call the
model.
"""

from __future__ import annotations

from ..query import Query
from ..text.english_terms import chinese_terms
from ..text.script import to_simplified

COMBINED: dict[str, tuple[str, ...]] = {"进出口": ("进口", "出口"), "收支": ("收入", "支出")}


def combined_for_half(query: Query, evidence: list[str]) -> str | None:
    """What the cited ``evidence`` sentences state instead of the half the question asks, or None.

    >>> combined_for_half(Query.parse("衡阳2023年出口总额是多少?"), ["2023年衡陽市進出口總額446.1億元"])
    'sentences about 进出口, not 出口'
    >>> combined_for_half(Query.parse("衡阳2023年进出口总额是多少?"), ["2023年衡陽市進出口總額446.1億元"])
    >>> combined_for_half(Query.parse("衡阳出口多少?"), ["进出口总额446.1亿元，其中出口300亿元"])
    """
    asked = _asked_words(query)
    sentences = [to_simplified(sentence) for sentence in evidence]
    for whole, halves in COMBINED.items():
        for half in halves:
            if half in asked.replace(whole, "") and whole not in asked and sentences \
                    and all(whole in s and half not in s.replace(whole, "") for s in sentences):
                return f"sentences about {whole}, not {half}"
    return None


def _asked_words(query: Query) -> str:
    """The question's words in Chinese: its Simplified text, or an English one's glossary terms."""
    if query.script != "latin":
        return query.simple
    return " ".join(group[0] for group in chinese_terms(query.simple))
