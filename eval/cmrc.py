"""CMRC 2018 dev as end-to-end RAG: all 848 passages as one corpus, retrieve, answer, score.

The passages are written once as a JSON Lines corpus in the user cache (never into the repo; the
data is CC BY-SA 4.0) and indexed there with the product's own indexer, settings and embedder.
Questions run in file order (DEV_0_QUERY_0, ...) through the same Pipeline as `rag ask`; the
answer, less its citation markers, is scored with the official EM and F1 (metrics.py), and the
retrieved passages with hit@1 / hit@5 of the question's own passage. As in rgb_open.py, the
questions in even positions of the file are the **calibration** part and those in odd positions
the **held-out** part: a rule tuned on CMRC (span.py's cuts were) is tuned on the first only, and
EM / F1 are reported for both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.config import Settings
from rag.errors import InputError
from .metrics import cmrc_em, cmrc_f1, first_rank, percentile, strip_markers
from .runs import PredictionWriter, pending

CORPUS_STEM = "cmrc2018-dev"
PARTS = ("calibration", "heldout")


def load_cmrc(bench_dir: Path) -> dict:
    path = Path(bench_dir) / "cmrc2018" / "cmrc2018_dev.json"
    if not path.is_file():
        raise InputError(f"CMRC 2018 data not found at {path}; pass --data to the folder holding rgb/ and cmrc2018/")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON ({exc.msg})") from None


def questions_of(data: dict) -> list[dict]:
    """{id, question, answers, passage, part} in file order; ``passage`` is the doc_id the indexer
    gives it, ``part`` calibration (even positions) or heldout (odd)."""
    questions = [{"id": qa["id"], "question": qa["question"], "answers": [a["text"] for a in qa["answers"]],
                  "passage": f"{CORPUS_STEM}-{p['id']}"}
                 for article in data["data"] for p in article["paragraphs"] for qa in p["qas"]]
    return [{**q, "part": PARTS[i % 2]} for i, q in enumerate(questions)]


def write_corpus(data: dict, folder: Path) -> Path:
    """The passages as one JSON Lines file of articles (title = the Wikipedia page), rewritten only if changed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{CORPUS_STEM}.jsonl"
    text = "".join(json.dumps({"id": p["id"], "title": a["title"], "text": p["context"]}, ensure_ascii=False) + "\n"
                   for a in data["data"] for p in a["paragraphs"])
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def cmrc_settings(settings: Settings) -> Settings:
    """The same settings with the index in the benchmark's cache folder."""
    return settings.replace(index_dir=Path(settings.model_cache).parent / "bench" / "cmrc2018" / "index")


def run_cmrc(settings: Settings, out: Path, limit: int | None = None, fresh: bool = False,
             progress: bool = True, generator=None) -> dict:
    """Index the corpus (once), answer the questions not yet in ``out``, return the summary.
    ``generator`` replaces the model named by Settings.llm (tests pass a fake one)."""
    from tqdm import tqdm

    from rag.indexing.build import build_index
    from rag.pipeline import Pipeline

    data = load_cmrc(settings.bench_dir)
    settings = cmrc_settings(settings)
    corpus = write_corpus(data, Path(settings.index_dir).parent)
    report = build_index([corpus], settings, progress=progress)
    for skipped in report.skipped:
        print(skipped, file=sys.stderr)
    questions = questions_of(data)[:limit]
    pipeline = Pipeline(settings, generator=generator, progress=progress)
    with PredictionWriter(out, fresh) as writer:
        todo = list(pending(questions, writer.done))
        for q in tqdm(todo, desc="CMRC 2018 dev", unit="q", disable=not progress, file=sys.stderr, dynamic_ncols=True):
            answer = pipeline.ask(q["question"])
            span = "" if answer.refused else strip_markers(answer.answer).strip()
            writer.write({"id": q["id"], "part": q["part"], **answer.to_dict(), "gold": q["answers"],
                          "gold_passage": q["passage"],
                          "em": cmrc_em(span, q["answers"]), "f1": cmrc_f1(span, q["answers"])})
        rows = list(writer.rows)
    return summarise_cmrc(rows, {q["id"]: q["part"] for q in questions}, str(settings.index_dir))


def summarise_cmrc(rows: list[dict], parts: dict[str, str], index: str) -> dict:
    """The figures over the rows of the questions in ``parts`` (id -> part), and EM / F1 per part."""
    rows = [r for r in rows if r["id"] in parts]
    n = len(rows)
    by_part = {name: [r for r in rows if parts[r["id"]] == name] for name in PARTS}
    ranks = [first_rank([h["doc_id"] for h in r["retrieved"]], [r["gold_passage"]]) for r in rows]
    totals = [r["timings"]["total_s"] for r in rows]
    return {"benchmark": "cmrc2018", "questions": n, "index": index,
            "which": f"the first {n} of the dev set in file order" if n else "none yet",
            "models": sorted({r["model"] for r in rows if r.get("prompt_tokens") is not None}),
            "em": sum(r["em"] for r in rows) / n if n else 0.0, "f1": sum(r["f1"] for r in rows) / n if n else 0.0,
            "hit1": sum(k == 1 for k in ranks) / n if n else None,
            "hit5": sum(k is not None and k <= 5 for k in ranks) / n if n else None,
            "refused": sum(r["refused"] for r in rows) / n if n else None,
            "p50_s": percentile(totals, 50), "p95_s": percentile(totals, 95),
            "parts": {name: {"questions": len(part), "em": sum(r["em"] for r in part) / len(part) if part else 0.0,
                             "f1": sum(r["f1"] for r in part) / len(part) if part else 0.0}
                      for name, part in by_part.items()}}
