"""The chat messages for one question, from the prompt files in rag/llm/prompts/.

The system prompt is fixed (so a model's prefix cache reuses it across questions); the user
message holds the numbered passages (the sentences of them that context.py chose), each headed
by title and date and, when the date is known, which year "今年" means in it, then the question,
then an instruction in the question's script naming the one refusal sentence. ``is_refusal``
recognises that sentence (or a refusal in other words) in a reply. Does not call the model.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Callable

from ..documents import Chunk, Hit, year_of
from ..llm.generators import Messages
from ..query import Query
from ..text.script import to_simplified
from .context import select_context


@functools.lru_cache(maxsize=None)
def prompt_file(name: str) -> str:
    return resources.files("rag.llm").joinpath("prompts", name).read_text(encoding="utf-8")


def instructions(script: str) -> dict[str, str]:
    """{"instruction", "refusal"} for 'simplified', 'traditional' or 'latin'."""
    entry = json.loads(prompt_file("instructions.json"))[script]
    return {"instruction": entry["instruction"].replace("{refusal}", entry["refusal"]), "refusal": entry["refusal"]}


def refusal_sentence(script: str) -> str:
    """The one sentence that says the articles do not answer, in ``script``."""
    return instructions(script)["refusal"]


def passage_block(n: int, chunk: Chunk, text: str | None = None, same_article_as: int | None = None) -> str:
    """'[n]《title》日期：2019-07-23（“今年”指2019年）' then ``text`` (default: the whole passage).

    A later passage of an article already shown is headed '[n]（与[m]同一篇）' instead. The outlet
    is left out: the model does not need it, and the citation shows it from the index.
    """
    if same_article_as is not None:
        header = f"[{n}]（与[{same_article_as}]同一篇）"
    else:
        header = f"[{n}]《{chunk.title}》" if chunk.title else f"[{n}]"
        if chunk.date:
            year = year_of(chunk.date)
            header += f"日期：{chunk.date}" + (f"（“今年”指{year}年）" if year else "")
    return header + "\n" + (chunk.text if text is None else text)


def build_messages(query: Query, hits: list[Hit], budget_tokens: int, count_tokens: Callable[[str], int],
                   whole_budget_tokens: int | None = None) -> tuple[Messages, list[Chunk]]:
    """(chat messages, the chunks numbered 1..n in the prompt); context.py picks what of them is shown."""
    excerpts = select_context(query, hits, budget_tokens, count_tokens,
                              lambda chunk, first: count_tokens(passage_block(1, chunk, "", None if first else 1)),
                              whole_budget_tokens)
    blocks: list[str] = []
    first_of: dict[str, int] = {}
    for n, e in enumerate(excerpts, start=1):
        blocks.append(passage_block(n, e.chunk, e.text, first_of.get(e.chunk.doc_id)))
        first_of.setdefault(e.chunk.doc_id, n)
    user = (prompt_file("user.txt").replace("{passages}", "\n\n".join(blocks))
            .replace("{question}", query.text)
            .replace("{instruction}", instructions(query.script)["instruction"]))
    return [{"role": "system", "content": prompt_file("system.txt").strip()},
            {"role": "user", "content": user.strip()}], [e.chunk for e in excerpts]


_REFUSAL_CUES = ("无法回答", "没有提及", "未提及", "没有相关", "没有提到", "未提到", "资料中没有", "资料里没有",
                 "do not contain", "does not contain", "not mentioned", "no information", "cannot answer", "not provided")


def is_refusal(answer: str, refusal: str) -> bool:
    """The model's answer is its refusal: the fixed sentence, or a refusal cue with no citation."""
    simple = to_simplified(answer).lower()
    core = re.sub(r"[\W_]+", "", to_simplified(refusal).lower())
    if core and core in re.sub(r"[\W_]+", "", simple):
        return True
    return "[" not in answer and any(cue in simple for cue in _REFUSAL_CUES)
