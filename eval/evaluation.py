"""`rag eval QUESTIONS`: every question through exactly the pipeline of `rag ask`, then scored.

Each answer is written as the `rag ask --json` object plus ``id``, one flushed line per question
(runs.py), so a stopped run resumes where it stopped. ``summarise`` scores a prediction file
against its question set:
- answer accuracy: answerable questions answered (not refused) with every gold element in the answer;
  reported twice: the model's own reply (``model_answer``, before any rule of answer/fixes.py or
  citation repair), and the answer shown after the fixes and checks (``answer``);
- fixes: how many answers each rule changed;
- citation accuracy: of those answered, the share whose citations all name a gold source (and
  that have at least one);
- refusal accuracy: unanswerable questions refused; false refusals: answerable ones refused;
- retrieval hit@1 / hit@5 / MRR: rank of the first retrieved passage from a gold source;
- latency p50 / p95 of the whole answer, and the time to first token when the model was asked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rag.config import Settings
from .metrics import answer_labels, first_rank, names_source, percentile
from .questions import Question, load_questions
from rag.query import check_question
from .runs import PredictionWriter, pending


def run_eval(settings: Settings, path: Path, out: Path, limit: int | None = None, fresh: bool = False,
             progress: bool = True, pipeline=None) -> dict:
    """Answer the questions of ``path`` not yet in ``out``; return the summary over all of them."""
    from tqdm import tqdm

    from rag.pipeline import Pipeline

    questions = load_questions(path)[:limit]
    for q in questions:  # a bad question stops the run before it starts, like a bad line
        check_question(q.question, settings.max_question_chars)
    pipeline = pipeline or Pipeline(settings, progress=progress)
    with PredictionWriter(out, fresh) as writer:
        todo = list(pending(questions, writer.done, key=lambda q: q.id))
        if progress and writer.done:
            print(f"resuming {out}: {len(questions) - len(todo)} of {len(questions)} questions already answered "
                  "(--fresh starts over)", file=sys.stderr)
        for q in tqdm(todo, desc=f"eval {Path(path).stem}", unit="q", disable=not progress, file=sys.stderr,
                      dynamic_ncols=True):
            answer = pipeline.ask(q.question, previous=_previous_standalone(q, writer.rows))
            writer.write({"id": q.id, **answer.to_dict()})
        rows = list(writer.rows)
    return summarise(questions, rows, Path(path).stem)


def _previous_standalone(q: Question, rows: list[dict]) -> str | None:
    """For a follow-up turn, the question its dialogue's turn before was answered as (from the rows
    written so far, so a resumed run continues the conversation)."""
    if not q.follow_up:
        return None
    before = next((r for r in reversed(rows) if r["id"] == f"{q.dialogue}#{q.turn - 1}"), None)
    return before.get("standalone") or before["question"] if before else None


def _why(q: Question, row: dict, answer_ok: bool, citation_ok: bool) -> str | None:
    """Why a question failed, or None when it passed."""
    if not q.answerable:
        return None if row["refused"] else "answered a question the articles cannot answer"
    if row["refused"]:
        return "refused a question the articles answer"
    if not answer_ok:
        missing = [str(a) for a, ok in zip(q.answers, answer_labels(row["answer"], q.answers)) if not ok]
        return f"answer lacks {', '.join(missing)}"
    if not citation_ok:
        cited = [c["doc_id"] for c in row["citations"]]
        return f"cites {', '.join(cited) or 'nothing'}, not only gold sources"
    return None


def summarise(questions: list[Question], rows: list[dict], name: str) -> dict:
    """The report's figures for the questions that have a prediction row (see the module docstring)."""
    by_id = {str(r["id"]): r for r in rows}
    scored = [(q, by_id[q.id]) for q in questions if q.id in by_id]
    answerable = [(q, r) for q, r in scored if q.answerable]
    unanswerable = [(q, r) for q, r in scored if not q.answerable]
    answered = [(q, r) for q, r in answerable if not r["refused"]]

    answer_ok = {q.id: not r["refused"] and all(answer_labels(r["answer"], q.answers)) for q, r in answerable}
    own_ok = {q.id: bool(r.get("model_answer")) and all(answer_labels(r["model_answer"], q.answers))
              for q, r in answerable}
    fixes: dict[str, int] = {}
    for _, r in scored:
        for rule in r.get("fixes") or []:
            fixes[rule] = fixes.get(rule, 0) + 1
    citation_ok = {q.id: bool(r["citations"]) and all(names_source(c["doc_id"], q.sources) for c in r["citations"])
                   for q, r in answered}
    ranks = [first_rank([h["doc_id"] for h in r["retrieved"]], q.sources) for q, r in answerable]
    all5 = [all(any(names_source(h["doc_id"], [s]) for h in r["retrieved"][:5]) for s in q.sources)
            for q, r in answerable]
    totals = [r["timings"]["total_s"] for _, r in scored if r["timings"].get("total_s") is not None]
    ttfts = [r["timings"]["ttft_s"] for _, r in scored
             if r.get("prompt_tokens") is not None and r["timings"].get("ttft_s") is not None]

    def share(k: int, n: int) -> float | None:
        return k / n if n else None

    failures = []
    for q, r in scored:
        why = _why(q, r, answer_ok.get(q.id, False), citation_ok.get(q.id, False))
        if why:
            failures.append({"id": q.id, "question": q.question, "why": why, "answer": r["answer"],
                             "refusal_reason": r.get("refusal_reason") if r["refused"] else None,
                             "gold": " + ".join(a if isinstance(a, str) else "/".join(a) for a in q.answers) or "—",
                             "sources": q.sources, "retrieved": [h["doc_id"] for h in r["retrieved"]]})
    n_ans = len(answerable)
    turns = {kind: _turn_scores([(q, r) for q, r in scored if q.follow_up == (kind == "follow-ups")],
                                answer_ok) for kind in ("first turns", "follow-ups")}
    return {
        "name": name, "questions": len(scored), "of": len(questions), "answerable": n_ans,
        "unanswerable": len(unanswerable), "answered": len(answered),
        "models": sorted({r["model"] for _, r in scored if r.get("prompt_tokens") is not None}),
        "answer_correct": sum(answer_ok.values()), "answer_accuracy": share(sum(answer_ok.values()), n_ans),
        "own_correct": sum(own_ok.values()), "own_accuracy": share(sum(own_ok.values()), n_ans), "fixes": fixes,
        "citation_correct": sum(citation_ok.values()),
        "citation_accuracy": share(sum(citation_ok.values()), len(answered)),
        "refused_correctly": sum(r["refused"] for _, r in unanswerable),
        "refusal_accuracy": share(sum(r["refused"] for _, r in unanswerable), len(unanswerable)),
        "false_refusals": n_ans - len(answered),
        "hit1": share(sum(rank == 1 for rank in ranks), n_ans),
        "hit5": share(sum(rank is not None and rank <= 5 for rank in ranks), n_ans),
        "mrr": (sum(1 / rank for rank in ranks if rank) / n_ans) if n_ans else None,
        "all_sources5": share(sum(all5), n_ans),
        "p50_s": percentile(totals, 50), "p95_s": percentile(totals, 95), "ttft_p50_s": percentile(ttfts, 50),
        "failures": failures, "turns": turns if any(q.dialogue for q, _ in scored) else None,
    }


def _turn_scores(pairs: list[tuple[Question, dict]], answer_ok: dict[str, bool]) -> dict:
    """Answer and refusal accuracy over some of the questions (a dialogue's first turns, its follow-ups)."""
    answerable = [q for q, _ in pairs if q.answerable]
    unanswerable = [r for q, r in pairs if not q.answerable]
    right = sum(answer_ok[q.id] for q in answerable)
    refused = sum(r["refused"] for r in unanswerable)
    return {"answerable": len(answerable), "answer_correct": right,
            "answer_accuracy": right / len(answerable) if answerable else None,
            "unanswerable": len(unanswerable), "refused_correctly": refused,
            "refusal_accuracy": refused / len(unanswerable) if unanswerable else None}
