"""The answers to the parts of a multi-part question (multipart.py) joined into one Answer.

Each part was answered through the whole single path (its own retrieval, gates, prompt and
verification); here the parts become one reply, a line per part headed by what it asks
("衡阳2023年全年的进出口总额：446.1亿元[1]"), with the citations renumbered across parts (a passage
cited by two parts keeps one number). A part the articles cannot answer says so on its line while
the others are answered; the whole is a refusal only when every part is. Does not call the model.
"""

from __future__ import annotations

from dataclasses import replace

from ..documents import Answer, Citation, Hit
from ..question_parts import subject_of
from ..text.sentences import MARKER
from .prompting import refusal_sentence

_MISSING = {"simplified": "资料中没有这部分的答案", "traditional": "資料中沒有這部分的答案",
            "latin": "the articles do not give this part"}


def joined_answer(question: str, parts: list[tuple[str, Answer]], script: str, timings: dict) -> Answer:
    """One Answer for ``question`` from ``parts``: (the part's question, its Answer) in order."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, str], int] = {}
    lines, reasons, own = [], [], []
    for asked, answer in parts:
        label = subject_of(asked)
        own.append(f"{label}：{answer.model_answer or ''}")
        if answer.refused:
            lines.append(f"{label}：{_MISSING[script]}")
            reasons.append(f"{label}: {answer.refusal_reason}")
            continue
        renumber: dict[int, int] = {}
        for c in answer.citations:
            key = (c.chunk_id, c.evidence)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(replace(c, n=numbers[key]))
            renumber[c.n] = numbers[key]
        text = MARKER.sub(lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", answer.answer)
        lines.append(f"{label}：{text}")
    answered = [a for _, a in parts if not a.refused]
    first = parts[0][1]
    return Answer(
        question=question,
        answer="\n".join(lines) if answered else refusal_sentence(script),
        refused=not answered,
        verified=all(a.verified for a in answered),
        citations=citations,
        retrieved=_union([a.retrieved for _, a in parts]),
        timings=timings,
        model=first.model,
        refusal_reason="; ".join(reasons) or None,
        unverified=[u for a in answered for u in a.unverified],
        prompt_tokens=sum(a.prompt_tokens or 0 for _, a in parts) or None,
        model_answer="\n".join(own),
        fixes=list(dict.fromkeys(f for _, a in parts for f in a.fixes)),
        standalone=" / ".join(asked for asked, _ in parts))


def _union(hit_lists: list[list[Hit]]) -> list[Hit]:
    """The parts' retrieved passages, each once, in the order first retrieved."""
    seen: dict[str, Hit] = {}
    for hits in hit_lists:
        for hit in hits:
            seen.setdefault(hit.chunk.chunk_id, hit)
    return list(seen.values())

