"""Markdown text of evaluation summaries: what `rag eval` prints and writes with --report.

Formatting only; the figures come from evaluation.summarise, rgb.summarise_rgb and cmrc.summarise_cmrc.
p50 and p95 are metrics.percentile's (linear interpolation).
"""

from __future__ import annotations

from pathlib import Path


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def secs(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def rgb_text(s: dict, out: Path) -> str:
    lines = [f"# RGB zh_{s['task']}, noise {s['noise']:g}: {s['questions']} questions",
             "", f"- model: {', '.join(s['models']) or 'n/a'}",
             f"- accuracy: {pct(s['accuracy'])}" + (" (at noise 1 only a rejection is right)" if s["noise"] >= 1 else ""),
             f"- rejection rate (reply contains 信息不足): {pct(s['rejection_rate'])}"]
    if s["task"] == "fact":
        lines += [f"- error detection rate (reply says 事实性错误): {pct(s['error_detection_rate'])}",
                  f"- error correction rate (of those, right answer): {pct(s['error_correction_rate'])}"]
    lines += [f"- median time per question: {secs(s['median_total_s'])}", f"- predictions: {out}"]
    return "\n".join(lines)


def rgb_open_text(s: dict, out: Path) -> str:
    lines = [f"# RGB zh_{s.get('task', 'refine')}, open corpus (all passages pooled in one index): "
             f"{s['all']['questions']} questions",
             "", f"- model: {', '.join(s['models']) or 'n/a'}; index: {s['index']}", "",
             "| part | questions | right | refused (by the gates) | a positive passage in the top 5 | p50 |",
             "|---|---|---|---|---|---|"]
    for name in ("all", "calibration", "heldout"):
        p = s[name]
        n = p["questions"]
        lines.append(f"| {name} | {n} | {pct(p['correct'] / n if n else None)} ({p['correct']}) | "
                     f"{p['refused']} ({p['refused_by_gates']}) | {p['gold_top5']} | {secs(p['p50_s'])} |")
    lines += ["", f"- predictions: {out}"]
    return "\n".join(lines)


def cmrc_text(s: dict, out: Path) -> str:
    lines = [f"# CMRC 2018 dev, end to end: {s['questions']} questions ({s['which']})", "",
             f"- model: {', '.join(s['models']) or 'n/a'}; index: {s['index']}",
             f"- EM: {100 * s['em']:.1f}   F1: {100 * s['f1']:.1f}" if s["questions"] else "- EM / F1: n/a",
             *(f"  - {name} ({p['questions']}): EM {100 * p['em']:.1f}   F1 {100 * p['f1']:.1f}"
               for name, p in s.get("parts", {}).items() if p["questions"]),
             f"- retrieval hit@1: {pct(s['hit1'])}   hit@5: {pct(s['hit5'])}",
             f"- refused: {pct(s['refused'])}",
             f"- latency p50 / p95: {secs(s['p50_s'])} / {secs(s['p95_s'])}",
             f"- predictions: {out}"]
    return "\n".join(lines)


def eval_text(s: dict, out: Path) -> str:
    done = f"{s['questions']} questions" if s["questions"] == s["of"] else f"{s['questions']} of {s['of']} questions"
    lines = [f"# {s['name']}: {done} ({s['answerable']} answerable, {s['unanswerable']} unanswerable)", "",
             f"- model: {', '.join(s['models']) or 'n/a'}",
             "", "| metric | value |", "|---|---|",
             f"| answer accuracy (answerable), model's own reply | {pct(s['own_accuracy'])} ({s['own_correct']}/{s['answerable']}) |",
             f"| answer accuracy (answerable), after fixes and checks | {pct(s['answer_accuracy'])} ({s['answer_correct']}/{s['answerable']}) |",
             f"| citation accuracy (answered) | {pct(s['citation_accuracy'])} ({s['citation_correct']}/{s['answered']}) |",
             f"| refusal accuracy (unanswerable) | {pct(s['refusal_accuracy'])} ({s['refused_correctly']}/{s['unanswerable']}) |",
             f"| false refusals (answerable refused) | {s['false_refusals']} |",
             f"| retrieval hit@1 / hit@5 / MRR | {pct(s['hit1'])} / {pct(s['hit5'])} / "
             + ("n/a" if s["mrr"] is None else f"{s['mrr']:.3f}") + " |",
             f"| all gold sources in top 5 | {pct(s['all_sources5'])} |",
             f"| latency p50 / p95 | {secs(s['p50_s'])} / {secs(s['p95_s'])} |",
             f"| time to first token p50 | {secs(s['ttft_p50_s'])} |",
             f"| answers changed by a fix | {', '.join(f'{k} {v}' for k, v in sorted(s['fixes'].items())) or 'none'} |",
             *_turn_rows(s),
             "", f"predictions: {out}"]
    if s["failures"]:
        lines += ["", f"## Failing questions ({len(s['failures'])})", ""]
        for f in s["failures"]:
            lines.append(f"- **{f['id']}** {f['question']} — {f['why']}")
            lines.append(f"  - answer: {f['answer']}")
            if f.get("refusal_reason"):
                lines.append(f"  - refusal reason: {f['refusal_reason']}")
            lines.append(f"  - gold: {f['gold']} from {', '.join(f['sources']) or '—'}; "
                         f"retrieved: {', '.join(f['retrieved']) or '—'}")
    return "\n".join(lines)


def _turn_rows(s: dict) -> list[str]:
    """Rows for a set with dialogues: first turns and follow-ups scored apart."""
    if not s.get("turns"):
        return []
    rows = []
    for kind, t in s["turns"].items():
        rows.append(f"| {kind}: answers / refusals | {pct(t['answer_accuracy'])} ({t['answer_correct']}/{t['answerable']})"
                    f" / {pct(t['refusal_accuracy'])} ({t['refused_correctly']}/{t['unanswerable']}) |")
    return rows
