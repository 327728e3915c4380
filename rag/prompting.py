"""Build the chat messages for one question from the prompt files in rag/prompts/.

The system prompt is fixed (so a model's prefix cache reuses it across questions); the user
message holds the numbered passages, each headed by title, outlet and date and, when the date is
known, which year "今年" means in it, then the question, then an instruction in the question's
script naming the one refusal sentence. Passages are added best first while they fit the token
budget; the first always goes in. Does not call the model.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Callable

from .documents import Chunk, Hit, year_of
from .script import detect_script, to_simplified


@functools.lru_cache(maxsize=None)
def prompt_file(name: str) -> str:
    return resources.files("rag").joinpath("prompts", name).read_text(encoding="utf-8")


def instructions(script: str) -> dict[str, str]:
    """{"instruction", "refusal"} for 'simplified', 'traditional' or 'latin'."""
    entry = json.loads(prompt_file("instructions.json"))[script]
    return {"instruction": entry["instruction"].replace("{refusal}", entry["refusal"]), "refusal": entry["refusal"]}


def refusal_sentence(question: str) -> str:
    return instructions(detect_script(question))["refusal"]


def passage_block(n: int, chunk: Chunk) -> str:
    """'[n] 《title》｜来源：outlet｜日期：date（文中“今年”指2019年）' then the passage text."""
    header = [f"[{n}] 《{chunk.title}》" if chunk.title else f"[{n}]"]
    if chunk.source:
        header.append(f"来源：{chunk.source}")
    if chunk.date:
        year = year_of(chunk.date)
        header.append(f"日期：{chunk.date}" + (f"（文中“今年”指{year}年）" if year else ""))
    return "｜".join(header) + "\n" + chunk.text


def build_messages(question: str, hits: list[Hit], budget_tokens: int,
                   count_tokens: Callable[[str], int]) -> tuple[list[dict[str, str]], list[Chunk]]:
    """(chat messages, the chunks numbered 1..n in the prompt)."""
    chunks: list[Chunk] = []
    blocks: list[str] = []
    used = 0
    for hit in hits:
        block = passage_block(len(chunks) + 1, hit.chunk)
        cost = count_tokens(block)
        if chunks and used + cost > budget_tokens:
            continue  # a shorter, lower-ranked passage may still fit
        chunks.append(hit.chunk)
        blocks.append(block)
        used += cost
    user = (prompt_file("user.txt").replace("{passages}", "\n\n".join(blocks))
            .replace("{question}", question)
            .replace("{instruction}", instructions(detect_script(question))["instruction"]))
    return [{"role": "system", "content": prompt_file("system.txt").strip()},
            {"role": "user", "content": user.strip()}], chunks


_REFUSAL_CUES = ("无法回答", "没有提及", "未提及", "没有相关", "没有提到", "未提到", "资料中没有", "资料里没有",
                 "do not contain", "does not contain", "not mentioned", "no information", "cannot answer", "not provided")


def is_refusal(answer: str, refusal: str) -> bool:
    """The model's answer is its refusal: the fixed sentence, or a refusal cue with no citation."""
    simple = to_simplified(answer).lower()
    core = re.sub(r"[\W_]+", "", to_simplified(refusal).lower())
    if core and core in re.sub(r"[\W_]+", "", simple):
        return True
    return "[" not in answer and any(cue in simple for cue in _REFUSAL_CUES)
