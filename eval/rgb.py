"""RGB (Chen et al., AAAI-24, arXiv:2309.01431): the generator and prompt alone, on given passages.

Follows the benchmark's own code (github.com/chen700564/RGB, evalue.py): 5 passages per question,
ceil(5 x noise) of them negatives and the rest positives (integration: one positive per
sub-question first), shuffled; its Chinese system prompt and instruction; its scoring (every
answer element a substring of the reply, lower-cased, spaces removed; "信息不足" is a rejection;
"事实性错误" flags a detected factual error). One difference: the shuffle is seeded per question
with its task, noise and id, where the original reseeds the global generator with 2333 before every
question; both repeat from run to run, but the passage orders differ. The data is read from
``Settings.bench_dir``/rgb and never copied (CC BY-NC-SA 4.0).
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from pathlib import Path

from rag.config import Settings
from rag.errors import InputError
from rag.llm.generators import get_generator
from .metrics import RGB_FACT_ERROR, rgb_correct, rgb_labels, rgb_says
from .runs import PredictionWriter, pending

TASKS = {"refine": "zh_refine.json", "int": "zh_int.json", "fact": "zh_fact.json"}
PASSAGES = 5
# config/instruction.yaml, "zh", verbatim.
SYSTEM = ("你是一个准确和可靠的人工智能助手，能够借助外部文档回答问题，请注意外部文档可能存在噪声事实性错误。"
          "如果文档中的信息包含了正确答案，你将进行准确的回答。如果文档中的信息不包含答案，你将生成"
          "“文档信息不足，因此我无法基于提供的文档回答该问题。”。如果部分文档中存在与事实不一致的错误，"
          "请先生成“提供文档的文档存在事实性错误。”，并生成正确答案。")
INSTRUCTION = "文档：\n{DOCS} \n\n问题：\n{QUERY}"


def load_rgb(bench_dir: Path, task: str) -> list[dict]:
    """The benchmark's questions for ``task`` (refine, int or fact), in file order."""
    if task not in TASKS:
        raise InputError(f"unknown RGB task '{task}'; known: {', '.join(TASKS)}")
    path = Path(bench_dir) / "rgb" / TASKS[task]
    if not path.is_file():
        raise InputError(f"RGB data not found at {path}; pass --data to the folder holding rgb/ and cmrc2018/")
    rows = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
    return rows


def negatives_for(noise: float) -> int:
    """ceil(5 x noise), computed without float surprises (5 x 0.6 is not exactly 3)."""
    return math.ceil(round(PASSAGES * noise, 6))


def select_passages(instance: dict, task: str, noise: float, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) for the 5 passages of one question, shuffled; kind is positive/negative/wrong."""
    neg = negatives_for(noise)
    pos = PASSAGES - neg
    negatives = instance["negative"]
    if task == "int":
        groups = [list(g) for g in instance["positive"]]
        for g in groups:
            rng.shuffle(g)
        docs = [("positive", g[0]) for g in groups if g]
        for i in range(1, max((len(g) for g in groups), default=0)):
            if len(docs) >= pos:
                break
            for g in groups:
                if len(g) > i and len(docs) < pos:
                    docs.append(("positive", g[i]))
        docs += [("negative", t) for t in negatives[:max(0, PASSAGES - len(docs))]]
    elif task == "fact":
        chosen = rng.sample(range(len(instance["positive"])), min(len(instance["positive"]), pos))
        docs = [("wrong", instance["positive_wrong"][i]) for i in chosen] + [("negative", t) for t in negatives[:neg]]
    else:
        if noise >= 1:
            neg, pos = PASSAGES, 0
        elif neg > len(negatives):
            neg, pos = len(negatives), PASSAGES - len(negatives)
        elif pos > len(instance["positive"]):
            pos, neg = len(instance["positive"]), PASSAGES - len(instance["positive"])
        docs = [("positive", t) for t in instance["positive"][:pos]] + [("negative", t) for t in negatives[:neg]]
    rng.shuffle(docs)
    return docs


def rgb_messages(query: str, docs: list[str]) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": INSTRUCTION.format(DOCS="\n".join(docs), QUERY=query)}]


def run_rgb(settings: Settings, task: str, noise: float, out: Path, limit: int | None = None,
            fresh: bool = False, progress: bool = True, generator=None) -> dict:
    """Answer the questions not yet in ``out``, one line each; return the summary of the questions
    asked for. ``generator`` replaces the model named by Settings.llm (tests pass a fake one)."""
    from tqdm import tqdm

    if not 0 <= noise <= 1:
        raise InputError(f"--noise must be between 0 and 1, got {noise}")
    rows = load_rgb(settings.bench_dir, task)[:limit]
    generator = generator or get_generator(settings.llm, settings, progress)
    with PredictionWriter(out, fresh) as writer:
        todo = list(pending(rows, writer.done))
        for instance in tqdm(todo, desc=f"RGB {task} noise {noise}", unit="q", disable=not progress,
                             file=sys.stderr, dynamic_ncols=True):
            rng = random.Random(f"rgb-{task}-{noise}-{instance['id']}")
            docs = select_passages(instance, task, noise, rng)
            started = time.perf_counter()
            ttft, pieces = None, []
            for piece in generator.stream(rgb_messages(instance["query"], [t for _, t in docs]),
                                          settings.max_answer_tokens):
                ttft = ttft if ttft is not None else time.perf_counter() - started
                pieces.append(piece)
            reply = "".join(pieces).strip()
            labels = rgb_labels(reply, instance["answer"])
            writer.write({"id": instance["id"], "task": task, "noise": noise, "query": instance["query"],
                          "answer": instance["answer"], "passages": [kind for kind, _ in docs],
                          "prediction": reply, "labels": labels,
                          "fact_flag": rgb_says(reply, RGB_FACT_ERROR),
                          "model": generator.id,
                          "timings": {"ttft_s": round(ttft or 0.0, 3), "total_s": round(time.perf_counter() - started, 3)}})
        return summarise_rgb(writer.rows[:], task, noise, [str(r["id"]) for r in rows])


def summarise_rgb(rows: list[dict], task: str, noise: float, ids: list[str] | None = None) -> dict:
    """The benchmark's figures over the rows whose id is in ``ids`` (all when None). Rows that keep
    their reply are scored again from it, so a prediction file written before a scoring fix counts
    by the current rules."""
    if ids is not None:
        wanted = set(ids)
        rows = [r for r in rows if str(r["id"]) in wanted]
    rows = [{**r, "labels": rgb_labels(r["prediction"], r["answer"]),
             "fact_flag": rgb_says(r["prediction"], RGB_FACT_ERROR)}
            if "prediction" in r and "answer" in r else r for r in rows]
    n = len(rows)
    rejected = sum(r["labels"] == [-1] for r in rows)
    # The benchmark's rule: at noise 1 no passage holds the answer, and only a rejection is right.
    correct = rejected if noise >= 1 else sum(rgb_correct(r["labels"]) for r in rows)
    flagged = [r for r in rows if r.get("fact_flag")]
    summary = {"benchmark": "rgb", "task": task, "noise": noise, "questions": n,
               "accuracy": correct / n if n else None, "rejection_rate": rejected / n if n else None,
               "models": sorted({r.get("model", "") for r in rows}),
               "median_total_s": sorted(r["timings"]["total_s"] for r in rows)[n // 2] if n else None}
    if task == "fact":
        summary["error_detection_rate"] = len(flagged) / n if n else None
        summary["error_correction_rate"] = (sum(0 not in r["labels"] for r in flagged) / len(flagged)) if flagged else None
    return summary
