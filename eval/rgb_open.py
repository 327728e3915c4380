"""RGB zh_refine or zh_int as an open corpus: the product's own path on news it was not tuned on.

Where `rag eval --bench rgb` hands the model five given passages with the benchmark's prompt,
`--open` pools every passage of every question of the task (positives and negatives, each text
once) into one index per task built by the product's indexer in the user cache, and asks each
question through the same Pipeline as `rag ask`: retrieval, gates, context selection, the
product's prompt, verification, and for zh_int's questions of two parts (2021年香港和澳门的GDP增长率)
the multi-part path (rag/multipart.py), each part answered on its own and the parts joined.
The reply (citation markers removed; a refusal counts as no answer) is scored by the benchmark's
rule (metrics.rgb_labels), and the retrieval by the rank of the first passage that is one of the
question's positives. The questions in even positions of the file are the **calibration** part and
those in odd positions the **held-out** part: a rule tuned on this benchmark is tuned on the first
only, and both are reported (eval/README.md). The data is read in place and never copied into the
repo (CC BY-NC-SA 4.0).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from rag.config import Settings
from .metrics import first_rank, percentile, rgb_correct, rgb_labels, strip_markers
from .rgb import load_rgb
from .runs import PredictionWriter, pending

PARTS = ("calibration", "heldout")
TASKS = ("refine", "int")


def corpus_stem(task: str) -> str:
    return f"rgb-zh_{task}-pool"


def _texts(passages: list) -> list[str]:
    """The passage texts of a row's list; zh_int nests one list per part of the answer."""
    flat = [t for p in passages for t in (p if isinstance(p, list) else [p])]
    return [t for t in flat if isinstance(t, str) and t.strip()]


def passage_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def write_corpus(rows: list[dict], folder: Path, task: str = "refine") -> Path:
    """Every positive and negative passage once, as a JSON Lines file of articles; rewritten only if changed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{corpus_stem(task)}.jsonl"
    seen: dict[str, None] = {}
    for row in rows:
        for text in _texts(row["positive"]) + _texts(row["negative"]):
            seen.setdefault(text, None)
    content = "".join(json.dumps({"id": passage_id(t), "text": t}, ensure_ascii=False) + "\n" for t in seen)
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
    return path


def open_settings(settings: Settings, task: str = "refine") -> Settings:
    """The same settings with the index in the benchmark's cache folder (one per task)."""
    folder = "rgb-open" if task == "refine" else f"rgb-open-{task}"
    return settings.replace(index_dir=Path(settings.model_cache).parent / "bench" / folder / "index")


def questions_of(rows: list[dict], task: str = "refine") -> list[dict]:
    """{id, query, answer, positives (doc_ids in the pooled index), part} in file order."""
    return [{"id": str(row["id"]), "query": row["query"], "answer": row["answer"], "part": PARTS[at % 2],
             "positives": [f"{corpus_stem(task)}-{passage_id(t)}" for t in _texts(row["positive"])]}
            for at, row in enumerate(rows)]


def run_rgb_open(settings: Settings, out: Path, limit: int | None = None, fresh: bool = False,
                 progress: bool = True, generator=None, task: str = "refine") -> dict:
    """Index the pool (once), answer the questions not yet in ``out``, return the summary.
    ``generator`` replaces the model named by Settings.llm (tests pass a fake one)."""
    from tqdm import tqdm

    from rag.indexing.build import build_index
    from rag.pipeline import Pipeline

    rows = load_rgb(settings.bench_dir, task)
    settings = open_settings(settings, task)
    report = build_index([write_corpus(rows, Path(settings.index_dir).parent, task)], settings, progress=progress)
    for skipped in report.skipped:
        print(skipped, file=sys.stderr)
    questions = questions_of(rows, task)[:limit]
    pipeline = Pipeline(settings, generator=generator, progress=progress)
    with PredictionWriter(out, fresh) as writer:
        for q in tqdm(list(pending(questions, writer.done)), desc=f"RGB zh_{task}, open corpus", unit="q",
                      disable=not progress, file=sys.stderr, dynamic_ncols=True):
            answer = pipeline.ask(q["query"])
            reply = "" if answer.refused else strip_markers(answer.answer).strip()
            writer.write({"id": q["id"], "part": q["part"], "query": q["query"], "gold": q["answer"],
                          "positives": q["positives"], **answer.to_dict(),
                          "labels": rgb_labels(reply, q["answer"])})
        rows_written = list(writer.rows)
    return summarise_rgb_open(rows_written, [q["id"] for q in questions], str(settings.index_dir), task)


def summarise_rgb_open(rows: list[dict], ids: list[str], index: str, task: str = "refine") -> dict:
    """Accuracy, refusals, gold-in-top-5 and latency, for all questions asked and per part."""
    wanted = set(ids)
    rows = [r for r in rows if r["id"] in wanted]
    summary = {"benchmark": "rgb-open", "task": task, "index": index,
               "models": sorted({r["model"] for r in rows if r.get("prompt_tokens") is not None})}
    for name, part in (("all", rows), *((p, [r for r in rows if r["part"] == p]) for p in PARTS)):
        n = len(part)
        ranks = [first_rank([h["doc_id"] for h in r["retrieved"]], r["positives"]) for r in part]
        summary[name] = {
            "questions": n,
            "correct": sum(rgb_correct(r["labels"]) for r in part),
            "refused": sum(r["refused"] for r in part),
            "refused_by_gates": sum(r["refused"] and r.get("prompt_tokens") is None for r in part),
            "gold_top5": sum(k is not None and k <= 5 for k in ranks),
            "p50_s": percentile([r["timings"]["total_s"] for r in part], 50)}
    return summary
