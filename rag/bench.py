"""`rag bench`: measure indexing and retrieval on this machine and rewrite BENCHMARKS.md.

Indexing is timed as a user meets it: the `rag index` command in a fresh process (imports and
model load included), from scratch and again on unchanged input, with its peak memory. Retrieval
is timed warm, in process, per question of a question set (embedding the question + dense search
+ BM25 + fusion), and at 10k / 100k (/ 1M) chunks with benchscale.py. Answers are timed warm per
model, and cold as `rag ask` in a new process. Reports medians and p95 with the exact command;
a hand-written "## Notes" section at the end of the file is kept when it is rewritten.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tqdm import tqdm

from .benchscale import dense_at_size, embed_query_ms, retrieval_at_size, write_article_corpus
from .config import Settings, usable_cores
from .retrieval import Retriever
from .vectorindex import all_vectors


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
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    return {"chunks": chunks, "scratch_s": scratch, "unchanged_s": unchanged, "peak_mb": peak_mb}


def time_cold_ask(index_dir: str, question: str, runs: int) -> list[float]:
    """Wall time of `rag ask` in a new process, from start to the final answer (models already assembled)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(_rag_command() + ["ask", question, "--index", index_dir, "--json"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


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
    large = None
    if not quick:  # the 2,000-article corpus: about 3,000 chunks, minutes of embedding; one run
        from .cmrc import load_cmrc

        with tempfile.TemporaryDirectory() as corpus_dir:
            corpus = write_article_corpus(load_cmrc(settings.bench_dir), Path(corpus_dir) / "cmrc-articles.jsonl")
            large = time_index_runs([corpus], 1, settings.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        local = settings.replace(index_dir=Path(tmp))
        subprocess.run(_rag_command() + ["index", *map(str, sources), "--index", tmp, "--quiet",
                                         "--embedder", settings.embedder], check=True, capture_output=True)
        questions = [json.loads(line)["question"] for line in question_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        retrieval = time_retrieval(local, questions, 1 if quick else 3)
        retriever = Retriever.open(local)
        embed_ms = embed_query_ms(retriever, questions)
        sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
        centres = all_vectors(retriever.index.vectors)
        dense = [dense_at_size(centres, n, local) for n in tqdm(sizes, desc="dense search at size", unit="size")]
        scaled = [retrieval_at_size(retriever, n, questions, local) for n in tqdm(sizes[:2], desc="retrieval at size", unit="size")]
        answers = [time_answers(local, questions[:12], m) for m in (models or [settings.llm])]
        cold = time_cold_ask(tmp, questions[0], 1 if quick else 3)
    cmd = "rag bench" + (" --quick" if quick else "")
    med_scratch = statistics.median(index["scratch_s"])
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `{cmd}` (also `make bench`) on {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{usable_cores()} CPU cores ({_cpu_model()}), Python {platform.python_version()}, embedder `{settings.embedder}`. "
        "Figures are medians unless marked p95; rerun the command to refresh this file.",
        "",
        "## Indexing (`rag index`, a new process each run: imports and model load included)",
        "",
        "| corpus | chunks | from scratch, median | from scratch, p95 | unchanged re-run, median | chunks/s (from scratch) | peak memory | runs |",
        "|---|---|---|---|---|---|---|---|",
        f"| {', '.join(str(s) for s in sources)} | {index['chunks']} | {med_scratch:.2f} s | {p95(index['scratch_s']):.2f} s "
        f"| {statistics.median(index['unchanged_s']):.2f} s | {index['chunks'] / med_scratch:.1f} | {index['peak_mb']:.0f} MB | {runs} |",
        *([f"| 2,000 articles made from the CMRC 2018 passages (benchscale.write_article_corpus) | {large['chunks']} "
           f"| {large['scratch_s'][0]:.1f} s | — | {large['unchanged_s'][0]:.2f} s | {large['chunks'] / large['scratch_s'][0]:.1f} "
           f"| {large['peak_mb']:.0f} MB | 1 |"] if large else ["(`--quick` leaves out the 2,000-article corpus.)"]),
        "",
        "## Retrieval (warm, in process: embed the question + FAISS + BM25 + fusion)",
        "",
        "| question set | questions timed | median | p95 | of which embedding the question, median | p95 |",
        "|---|---|---|---|---|---|",
        f"| {question_file} | {len(retrieval)} | {statistics.median(retrieval) * 1000:.1f} ms | {p95(retrieval) * 1000:.1f} ms "
        f"| {statistics.median(embed_ms):.1f} ms | {p95(embed_ms):.1f} ms |",
        "",
        "## Retrieval at scale",
        "",
        "Synthetic vectors clustered around the seeds' chunk vectors (rag/benchscale.py); one query at a time, "
        f"{local.candidates} candidates. HNSW: M={local.hnsw_m}, efConstruction={local.hnsw_ef_construction}, "
        f"efSearch growing with the index (Settings.hnsw_ef_search, hnsw_ef_per_million); recall@10 against exact search over 200 queries. "
        f"`vector_index = auto` uses exact search up to {local.exact_search_max:,} chunks and HNSW above.",
        "",
        "| chunks | exact search, median | p95 | HNSW efSearch | HNSW search, median | p95 | HNSW recall@10 | HNSW build | bytes per chunk, exact / HNSW |",
        "|---|---|---|---|---|---|---|---|---|",
        *[f"| {d['n']:,} | {d['flat_p50']:.2f} ms | {d['flat_p95']:.2f} ms | {d['ef_search']} | {d['hnsw_p50']:.3f} ms | {d['hnsw_p95']:.3f} ms "
          f"| {d['recall10']:.3f} | {d['hnsw_build_s']:.1f} s | {d['flat_bytes']:.0f} / {d['hnsw_bytes']:.0f} |" for d in dense],
        "",
        "Whole retrieval (the real embedder, BM25 over that many chunks: the seeds' chunks repeated, fusion), per question of the set:",
        "",
        "| chunks | exact, median | p95 | auto (HNSW above the threshold), median | p95 |",
        "|---|---|---|---|---|",
        *[f"| {r['n']:,} | {r['flat']['p50']:.1f} ms | {r['flat']['p95']:.1f} ms | {r['auto']['p50']:.1f} ms | {r['auto']['p95']:.1f} ms |"
          for r in scaled],
        "",
        "## Cold start",
        "",
        "| command | runs | median | p95 |",
        "|---|---|---|---|",
        f"| `rag ask \"{questions[0]}\"` (new process: imports, index, embedder and model load, answer) | {len(cold)} "
        f"| {statistics.median(cold):.2f} s | {p95(cold):.2f} s |",
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
    out.write_text(text + kept_notes(out), encoding="utf-8")
    return text


def kept_notes(path: Path) -> str:
    """The hand-written "## Notes" section (to the end) of an existing BENCHMARKS.md, kept across reruns."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    at = old.find("\n## Notes")
    return old[at:] if at >= 0 else ""


def _cpu_model() -> str:
    """The processor's name: the machines of one kind differ between sessions, and so do their figures."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"

