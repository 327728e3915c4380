"""Build the chat messages for one question from the prompt files in rag/prompts/.

The system prompt is fixed (so a model's prefix cache reuses it across questions); the user
message holds the numbered passages (the sentences of them that context.py chose), each headed
by title and date and, when the date is known, which year "今年" means in it, then the question,
then an instruction in the question's script naming the one refusal sentence. Does not call the model.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Callable

from .context import select_context
from .documents import Chunk, Hit, year_of
from .script import detect_script, to_simplified


@functools.lru_cache(maxsize=None)
def prompt_file(name: str) -> str:
    return resources.files("rag").joinpath("prompts", name).read_text(encoding="utf-8")


def instructions(script: str) -> dict[str, str]:
    """{"instruction", "refusal"} for 'simplified', 'traditional' or 'latin'."""
    entry = json.loads(prompt_file("instructions.json"))[script]
    return {"instruction": entry["instruction"].replace("{refusal}", entry["refusal"]), "refusal": entry["refusal"]}


_ASKS_RANK = re.compile(r"第[几幾]([位名])?")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*((?:\[\d{1,2}\])*)\s*[。.]?\s*$")


def as_rank(answer: str, question: str) -> str:
    """A bare number answering "第几(位)" is that rank: the small model tends to drop the 第.

    >>> as_rank("71[1]", "衡阳在榜单中排第几位?"), as_rank("71[1]", "有多少个?")
    ('第71位[1]', '71[1]')
    """
    asked, bare = _ASKS_RANK.search(question), _BARE_NUMBER.match(answer)
    if not (asked and bare):
        return answer
    return f"第{bare.group(1)}{asked.group(1) or ''}{bare.group(2)}"


_RANK_STATED = re.compile(r"第[一二三四五六七八九十百\d]+")
_RANK_PHRASE = re.compile(r"(?:居|位列|位居|排名|排在|排|列)[^，。；,;！？]{0,8}?第[一二三四五六七八九十百\d]+[位名]?")


def rank_from_evidence(answer: str, question: str, evidence: list[str]) -> str:
    """An answer to "第几" that states no rank gets the rank its cited sentence states.

    The small model sometimes answers a rank question with the figure the rank is about
    (144.6亿元 for 居全省第几?); the sentence it cites says 居全省第二, so that is added.

    >>> rank_from_evidence("144.6亿元[2]", "衡阳进出口总额居全省第几?", ["进出口总额144.6亿元,总量居全省第二。"])
    '144.6亿元，居全省第二[2]'
    >>> rank_from_evidence("第二[1]", "居全省第几?", ["总量居全省第二。"])
    '第二[1]'
    """
    if not _ASKS_RANK.search(question) or _RANK_STATED.search(re.sub(r"\[\d{1,2}\]", "", answer)):
        return answer
    for sentence in evidence:
        found = _RANK_PHRASE.search(sentence)
        if found:
            body, markers = re.match(r"^(.*?)((?:\[\d{1,2}\])*)[。.]?\s*$", answer, re.S).groups()
            return f"{body.rstrip('。.，, ')}，{found.group(0)}{markers}"
    return answer


def refusal_sentence(question: str) -> str:
    return instructions(detect_script(question))["refusal"]


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


def build_messages(question: str, hits: list[Hit], budget_tokens: int, count_tokens: Callable[[str], int],
                   whole_budget_tokens: int | None = None) -> tuple[list[dict[str, str]], list[Chunk]]:
    """(chat messages, the chunks numbered 1..n in the prompt); context.py picks what of them is shown."""
    excerpts = select_context(question, hits, budget_tokens, count_tokens,
                              lambda chunk, first: count_tokens(passage_block(1, chunk, "", None if first else 1)),
                              whole_budget_tokens)
    script = detect_script(question)
    blocks: list[str] = []
    first_of: dict[str, int] = {}
    for n, e in enumerate(excerpts, start=1):
        blocks.append(passage_block(n, e.chunk, e.text, first_of.get(e.chunk.doc_id)))
        first_of.setdefault(e.chunk.doc_id, n)
    user = (prompt_file("user.txt").replace("{passages}", "\n\n".join(blocks))
            .replace("{question}", question)
            .replace("{instruction}", instructions(script)["instruction"]))
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
