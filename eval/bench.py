"""`rag bench`: measure indexing and retrieval on this machine and rewrite BENCHMARKS.md.

Indexing is timed as a user meets it: the `rag index` command in a fresh process (imports and
model load included), from scratch and again on unchanged input, with its peak memory. Retrieval
is timed warm, in process, per question of a question set (embedding the question + dense search
+ BM25 + fusion), and at 10k / 100k (/ 1M) chunks with benchscale.py. Answers are timed warm per
model, and cold as `rag ask` in a new process. Reports medians and p95 with the exact command;
a hand-written "## Notes" section at the end of the file is kept when it is rewritten. The page
itself is written by benchpage.py.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


from tqdm import tqdm

from .benchpage import benchmarks_page
from .benchscale import dense_at_size, embed_query_ms, retrieval_at_size, write_article_corpus
from rag.config import Settings
from rag.answer.retrieval import Retriever
from rag.query import Query
from rag.indexing.vectorindex import all_vectors


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
        retriever.search(Query.parse(q))
    times = []
    for _ in range(repeats):
        for q in questions:
            started = time.perf_counter()
            retriever.search(Query.parse(q))
            times.append(time.perf_counter() - started)
    return times


def time_follow_ups(dialogues: Path) -> list[float]:
    """Milliseconds to make each follow-up turn of a dialogue set standalone (rag/followup.py),
    warm, in process: the cost a follow-up adds before retrieval."""
    from rag.followup import standalone

    from .questions import load_questions

    turns = load_questions(dialogues)
    standalone(turns[0].question, None)  # jieba and OpenCC loaded before timing
    times, previous = [], None
    for q in turns:
        started = time.perf_counter()
        taken = standalone(q.question, previous if q.follow_up else None)
        if q.follow_up:
            times.append((time.perf_counter() - started) * 1000)
        previous = taken
    return times


def time_answers(settings: Settings, questions: list[str], model: str) -> dict:
    """Warm answer timings: one process, one warm-up question first, then each question once."""
    from rag.pipeline import Pipeline

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
        follow_ups = time_follow_ups(question_file.parent / "dialogues.jsonl")
    text = benchmarks_page(dict(sources=sources, question_file=question_file, quick=quick, runs=runs, index=index,
                                large=large, retrieval=retrieval, embed_ms=embed_ms, dense=dense, scaled=scaled,
                                answers=answers, cold=cold, questions=questions, settings=local,
                                follow_ups=follow_ups))
    out.write_text(text + kept_notes(out), encoding="utf-8")
    return text


def kept_notes(path: Path) -> str:
    """The hand-written "## Notes" section (to the end) of an existing BENCHMARKS.md, kept across reruns."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    at = old.find("\n## Notes")
    return old[at:] if at >= 0 else ""
