"""`rag bench`: measure indexing and retrieval on this machine and rewrite BENCHMARKS.md.

Indexing is timed as a user meets it: the `rag index` command in a fresh process (imports and
model load included), from scratch and again on unchanged input. Retrieval is timed warm, in
process, per question of a question set (embedding the question + dense search + BM25 + fusion).
Reports medians and p95 with the exact command. Does not time answer generation.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .config import Settings
from .retrieval import Retriever


def _rag_command() -> list[str]:
    exe = Path(sys.executable).with_name("rag")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "rag.cli"]


def time_index_runs(sources: list[Path], runs: int, embedder: str) -> dict:
    """Wall time of `rag index` from scratch and unchanged, each in a new process, ``runs`` times."""
    scratch, unchanged, chunks = [], [], 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = _rag_command() + ["index", *map(str, sources), "--index", tmp, "--json", "--embedder", embedder]
            for bucket in (scratch, unchanged):
                started = time.perf_counter()
                out = subprocess.run(cmd, capture_output=True, text=True, check=True)
                bucket.append(time.perf_counter() - started)
                report = json.loads(out.stdout)
                chunks = max(chunks, report["embedded_chunks"])
    return {"chunks": chunks, "scratch_s": scratch, "unchanged_s": unchanged}


def time_retrieval(settings: Settings, questions: list[str], repeats: int) -> list[float]:
    """Per-question warm retrieval latency in seconds (first pass discarded as warm-up)."""
    retriever = Retriever.open(settings)
    for q in questions:
        retriever.search(q)
    times = []
    for _ in range(repeats):
        for q in questions:
            started = time.perf_counter()
            retriever.search(q)
            times.append(time.perf_counter() - started)
    return times


def time_answers(settings: Settings, questions: list[str], model: str) -> dict:
    """Warm answer timings: one process, one warm-up question first, then each question once."""
    from .pipeline import Pipeline

    pipeline = Pipeline(settings.replace(llm=model), progress=False)
    pipeline.ask(questions[0])  # loads the model and fills its prefix cache
    rows = []
    for q in questions:
        a = pipeline.ask(q)
        if a.prompt_tokens is not None:  # refused before the model was asked: nothing to time
            tokens = max(1, pipeline.generator.count_tokens(a.answer))
            decode = (a.timings["total_s"] - a.timings["ttft_s"]) if a.timings["ttft_s"] else None
            rows.append({"retrieve": a.timings["retrieve_s"], "ttft": a.timings["ttft_s"], "total": a.timings["total_s"],
                         "prompt": a.prompt_tokens, "tps": tokens / decode if decode else None})
    return {"model": pipeline.generator.id, "rows": rows}


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def run_bench(settings: Settings, sources: list[Path], question_file: Path, out: Path, quick: bool,
              models: list[str] | None = None) -> str:
    """Run the measurements, write ``out`` (Markdown) and return its text."""
    runs = 3 if quick else 5
    index = time_index_runs(sources, runs, settings.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        local = settings.replace(index_dir=Path(tmp))
        subprocess.run(_rag_command() + ["index", *map(str, sources), "--index", tmp, "--quiet",
                                         "--embedder", settings.embedder], check=True, capture_output=True)
        questions = [json.loads(line)["question"] for line in question_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        retrieval = time_retrieval(local, questions, 1 if quick else 3)
        answers = [time_answers(local, questions[:12], m) for m in (models or [settings.llm])]
    cmd = "rag bench" + (" --quick" if quick else "")
    med_scratch = statistics.median(index["scratch_s"])
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `{cmd}` (also `make bench`) on {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{_cpu_count()} CPU cores, Python {platform.python_version()}, embedder `{settings.embedder}`. "
        "Figures are medians unless marked p95; rerun the command to refresh this file.",
        "",
        "## Indexing (`rag index`, a new process each run: imports and model load included)",
        "",
        "| corpus | chunks | from scratch, median | from scratch, p95 | unchanged re-run, median | chunks/s (from scratch) | runs |",
        "|---|---|---|---|---|---|---|",
        f"| {', '.join(str(s) for s in sources)} | {index['chunks']} | {med_scratch:.2f} s | {p95(index['scratch_s']):.2f} s "
        f"| {statistics.median(index['unchanged_s']):.2f} s | {index['chunks'] / med_scratch:.1f} | {runs} |",
        "",
        "## Retrieval (warm, in process: embed the question + FAISS + BM25 + fusion)",
        "",
        "| question set | questions timed | median | p95 |",
        "|---|---|---|---|",
        f"| {question_file} | {len(retrieval)} | {statistics.median(retrieval) * 1000:.1f} ms | {p95(retrieval) * 1000:.1f} ms |",
        "",
        "## Answers (warm: one process, after a first question; the first 12 questions of the set)",
        "",
        "Time to first token and total time run from the question's arrival (retrieval included). "
        "Questions refused before the model is asked are not timed here.",
        "",
        "| model | answers timed | retrieval | prompt tokens | time to first token, median | p95 | full answer, median | p95 | decode tokens/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in answers:
        r = run["rows"]
        med = lambda key: statistics.median(x[key] for x in r if x[key] is not None)  # noqa: E731
        lines.append(f"| {run['model']} | {len(r)} | {med('retrieve') * 1000:.0f} ms | {med('prompt'):.0f} "
                     f"| {med('ttft'):.2f} s | {p95([x['ttft'] for x in r]):.2f} s | {med('total'):.2f} s "
                     f"| {p95([x['total'] for x in r]):.2f} s | {med('tps'):.1f} |")
    lines.append("")
    text = "\n".join(lines)
    out.write_text(text, encoding="utf-8")
    return text


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)
