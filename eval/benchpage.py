"""The Markdown of BENCHMARKS.md from the measurements of bench.run_bench. Formatting only.

Figures are medians (p50) and p95 by metrics.percentile (linear interpolation).
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

from rag.config import usable_cores

from .metrics import percentile


def _median(values) -> float:
    return percentile(list(values), 50)


def p95(values) -> float:
    return percentile(list(values), 95)


def benchmarks_page(m: dict) -> str:
    """The page's text; ``m`` holds what run_bench measured (see its keys there)."""
    sections = (_head, _indexing, _retrieval, _follow_ups, _scale, _cold_start, _answers)
    return "\n".join(line for section in sections for line in section(m)) + "\n"


def _head(m: dict) -> list[str]:
    cmd = "rag bench" + (" --quick" if m["quick"] else "")
    settings = m["settings"]
    return [
        "# Benchmarks",
        "",
        f"Measured by `{cmd}` (also `make bench`) on {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{usable_cores()} CPU cores ({_cpu_model()}), Python {platform.python_version()}, embedder `{settings.embedder}`. "
        "Figures are medians unless marked p95; rerun the command to refresh this file.",
        "",
    ]


def _indexing(m: dict) -> list[str]:
    sources, runs, index, large = m["sources"], m["runs"], m["index"], m["large"]
    med_scratch = _median(index["scratch_s"])
    return [
        "## Indexing (`rag index`, a new process each run: imports and model load included)",
        "",
        "| corpus | chunks | from scratch, median | from scratch, p95 | unchanged re-run, median | chunks/s (from scratch) | peak memory | runs |",
        "|---|---|---|---|---|---|---|---|",
        f"| {', '.join(str(s) for s in sources)} | {index['chunks']} | {med_scratch:.2f} s | {p95(index['scratch_s']):.2f} s "
        f"| {_median(index['unchanged_s']):.2f} s | {index['chunks'] / med_scratch:.1f} | {index['peak_mb']:.0f} MB | {runs} |",
        *([f"| 2,000 articles made from the CMRC 2018 passages (benchscale.write_article_corpus) | {large['chunks']} "
           f"| {large['scratch_s'][0]:.1f} s | — | {large['unchanged_s'][0]:.2f} s | {large['chunks'] / large['scratch_s'][0]:.1f} "
           f"| {large['peak_mb']:.0f} MB | 1 |"] if large else ["(`--quick` leaves out the 2,000-article corpus.)"]),
        "",
    ]


def _retrieval(m: dict) -> list[str]:
    question_file, retrieval, embed_ms = m["question_file"], m["retrieval"], m["embed_ms"]
    return [
        "## Retrieval (warm, in process: embed the question + FAISS + BM25 + fusion)",
        "",
        "| question set | questions timed | median | p95 | of which embedding the question, median | p95 |",
        "|---|---|---|---|---|---|",
        f"| {question_file} | {len(retrieval)} | {_median(retrieval) * 1000:.1f} ms | {p95(retrieval) * 1000:.1f} ms "
        f"| {_median(embed_ms):.1f} ms | {p95(embed_ms):.1f} ms |",
        "",
    ]


def _follow_ups(m: dict) -> list[str]:
    times = m["follow_ups"]
    return [
        "## Follow-up questions made standalone (warm, in process, before retrieval)",
        "",
        "| dialogue set | follow-ups timed | median | p95 |",
        "|---|---|---|---|",
        f"| {m['question_file'].parent / 'dialogues.jsonl'} | {len(times)} | {_median(times):.2f} ms | {p95(times):.2f} ms |",
        "",
    ]


def _scale(m: dict) -> list[str]:
    local, dense, scaled = m["settings"], m["dense"], m["scaled"]
    return [
        "## Retrieval at scale",
        "",
        "Synthetic vectors clustered around the seeds' chunk vectors (eval/benchscale.py); one query at a time, "
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
    ]


def _cold_start(m: dict) -> list[str]:
    questions, cold = m["questions"], m["cold"]
    return [
        "## Cold start",
        "",
        "| command | runs | median | p95 |",
        "|---|---|---|---|",
        f"| `rag ask \"{questions[0]}\"` (new process: imports, index, embedder and model load, answer) | {len(cold)} "
        f"| {_median(cold):.2f} s | {p95(cold):.2f} s |",
        "",
    ]


def _answers(m: dict) -> list[str]:
    lines = [
        "## Answers (warm: one process, after a first question; the first 12 questions of the set)",
        "",
        "Time to first token and total time run from the question's arrival (retrieval included). "
        "Questions refused before the model is asked are not timed here.",
        "",
        "| model | answers timed | retrieval | prompt tokens | time to first token, median | p95 | full answer, median | p95 | decode tokens/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in m["answers"]:
        r = run["rows"]
        med = lambda key: _median(x[key] for x in r if x[key] is not None)  # noqa: E731
        lines.append(f"| {run['model']} | {len(r)} | {med('retrieve') * 1000:.0f} ms | {med('prompt'):.0f} "
                     f"| {med('ttft'):.2f} s | {p95([x['ttft'] for x in r]):.2f} s | {med('total'):.2f} s "
                     f"| {p95([x['total'] for x in r]):.2f} s | {med('tps'):.1f} |")
    return lines + [""]


def _cpu_model() -> str:
    """The processor's name: the machines of one kind differ between sessions, and so do their figures."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"

