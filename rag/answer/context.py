"""Which words of the retrieved passages the model reads: the sentences that matter, within a budget.

The model reads the prompt at ~100 tokens/s on 2 cores, so every sentence it reads costs the user
time before the first token. For a Chinese question each passage is cut into sentences, ranked by
the question's content words they hold (longer words weigh more) and the years it names; those
scoring under MIN_SHARE_OF_BEST of the best are dropped. The best sentence of each of the two best
articles goes in first, then the rest, best first, until the token budget is spent (a sentence
whose words an already chosen one holds, as one wire story printed by several outlets, is
skipped); a chosen sentence that does not name the question's year brings along the sentence
before it that does.
Sentences keep their passage's order, with "…" where some were left out, and passages none of
whose sentences were chosen are left out. A question with no Chinese content words (English)
cannot be matched word for word, so its passages go in whole, best first, while they fit. The
best sentence (or passage) always goes in, even over budget. Sentences written to steer the
assistant (injection.py) never go in. ``header_tokens(chunk,
first_of_its_article)`` prices a passage's heading, shorter for a second passage of one article.
Does not build the prompt (prompting.py does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..documents import Chunk, Hit, year_of
from ..query import Query
from ..text.injection import addresses_the_model
from ..text.script import to_simplified
from ..text.sentences import sentences

# Sentences scoring below this share of the best sentence's score are not shown.
MIN_SHARE_OF_BEST = 0.4

# A sentence is compared with those already shown by its letters, digits and CJK characters only.
_NOT_WORDS = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Excerpt:
    chunk: Chunk
    text: str    # the chosen sentences of chunk.text, in order, "…" marking a gap; or chunk.text whole
                 # (either way without the sentences that address the model)


def sentence_score(simple_sentence: str, terms: list[str], years: set[int], article_year: int | None = None) -> float:
    """Sum of the lengths of the question words it holds, +2 when it names a year of the question
    (or says 今年 in an article of that year)."""
    score = float(sum(len(t) for t in terms if t in simple_sentence))
    if not score:
        return 0.0
    named = any(str(y) in simple_sentence for y in years) or ("今年" in simple_sentence and article_year in years)
    return score + 2.0 * named


def select_context(query: Query, hits: list[Hit], budget_tokens: int, count_tokens: Callable[[str], int],
                   header_tokens: Callable[[Chunk, bool], int] = lambda chunk, first: 0,
                   whole_budget_tokens: int | None = None) -> list[Excerpt]:
    """The excerpts to show, in the hits' order; see the module docstring. ``whole_budget_tokens``
    (default ``budget_tokens``) is the budget when passages have to go in whole."""
    whole_budget_tokens = whole_budget_tokens or budget_tokens
    if not hits:
        return []
    split = [sentences(h.chunk.text) for h in hits]
    candidates = _ranked_sentences(query, hits, split) if query.terms else []
    chosen = _fill_budget(candidates, hits, split, budget_tokens, count_tokens, header_tokens)
    if not chosen:  # no sentence shares a word with the question (or none to match): whole passages
        return _whole_passages(hits, whole_budget_tokens, count_tokens, header_tokens)
    years = query.period.years
    if years:  # "全市对外实际投资额1701万美元" needs the sentence before it, which says 2023
        for i, kept in chosen.items():
            for j in list(kept):
                if not any(str(y) in split[i][j] for y in years):
                    before = [b for b in range(max(0, j - 2), j)
                              if any(str(y) in split[i][b] for y in years) and not addresses_the_model(split[i][b])]
                    kept.update(before[-1:])
    return [Excerpt(hits[i].chunk, _join(split[i], chosen[i])) for i in sorted(chosen)]


def _ranked_sentences(query: Query, hits: list[Hit], split: list[list[str]]) -> list[tuple[float, int, int]]:
    """(score, hit index, sentence index) of the sentences worth showing, in the order they are
    offered: the best sentence of each of the two best articles first, then the rest, best first."""
    candidates = []
    for i, parts in enumerate(split):
        for j, s in enumerate(parts):
            score = sentence_score(to_simplified(s), list(query.terms), query.period.years, year_of(hits[i].chunk.date))
            if score > 0 and not addresses_the_model(s):
                candidates.append((score - 0.01 * i, i, j))
    best = max((c[0] for c in candidates), default=0.0)
    # A sentence sharing only a place name with the question is noise next to one that shares its topic.
    candidates = sorted((c for c in candidates if c[0] >= MIN_SHARE_OF_BEST * best), key=lambda c: (-c[0], c[1], c[2]))
    # The best sentence of each of the two best articles goes first: a question may join two articles.
    leaders: dict[str, tuple[float, int, int]] = {}
    for c in candidates:
        leaders.setdefault(hits[c[1]].chunk.doc_id, c)
    first = sorted(leaders.values(), key=lambda c: (-c[0], c[1], c[2]))[:2]
    return first + [c for c in candidates if c not in first]


def _fill_budget(candidates: list[tuple[float, int, int]], hits: list[Hit], split: list[list[str]], budget_tokens: int,
                 count_tokens: Callable[[str], int], header_tokens: Callable[[Chunk, bool], int]) -> dict[int, set[int]]:
    """{hit index: sentence indexes} taken in the candidates' order while they fit (the first always),
    less those whose words are already shown within a chosen sentence."""
    chosen: dict[int, set[int]] = {}
    shown: list[str] = []
    used = 0
    for _, i, j in candidates:
        key = _NOT_WORDS.sub("", to_simplified(split[i][j]))
        if any(key in seen for seen in shown):
            continue  # one wire story printed by several outlets: the copy would only spend the budget
        cost = count_tokens(split[i][j])
        if i not in chosen:
            cost += header_tokens(hits[i].chunk, not any(hits[c].chunk.doc_id == hits[i].chunk.doc_id for c in chosen))
        if chosen and used + cost > budget_tokens:
            continue  # a shorter sentence may still fit
        chosen.setdefault(i, set()).add(j)
        shown.append(key)
        used += cost
    return chosen


def _join(parts: list[str], keep: set[int]) -> str:
    out, last = [], None
    for j in sorted(keep):
        if last is not None and j != last + 1 and any(p.strip() for p in parts[last + 1:j]):
            out.append("…")
        out.append(parts[j].strip())
        last = j
    return "".join(out)


def _whole_passages(hits: list[Hit], budget_tokens: int, count_tokens: Callable[[str], int],
                    header_tokens: Callable[[Chunk, bool], int]) -> list[Excerpt]:
    out: list[Excerpt] = []
    used = 0
    for hit in hits:
        text = "".join(s for s in sentences(hit.chunk.text) if not addresses_the_model(s)).strip()
        if not text:
            continue
        cost = count_tokens(text) + header_tokens(hit.chunk, all(e.chunk.doc_id != hit.chunk.doc_id for e in out))
        if out and used + cost > budget_tokens:
            continue
        out.append(Excerpt(hit.chunk, text))
        used += cost
    return out
