"""What `rag ask` and `rag chat` print: the streamed answer, the question a follow-up was taken as,
the sources block, and the chat loop with its commands. Terminal output only; the answers come
from the Pipeline.
"""

from __future__ import annotations

import shutil
import unicodedata

import click

from .documents import Answer
from .errors import RagError
from .followup import standalone

CHAT_HELP = "Ask about the articles; a follow-up (那2022年呢? 永州呢?) continues the question before it.\n" \
            "/sources: the last answer's sources   /clear: start over   /quit or Ctrl-D: end"


def stream_answer(pipeline, question: str, previous: str | None = None) -> Answer:
    """Print the checked answer (or the refusal) and return it. On a terminal the model's words are
    shown dimmed as they stream, as provisional, and replaced by the checked answer once its
    figures are verified, so a figure that checking withdraws never stays on screen; piped output
    gets the checked answer only."""
    live = click.get_text_stream("stdout").isatty()
    answer, streamed = None, []
    for event in pipeline.stream(question, None, previous):
        if event.kind == "token":
            streamed.append(event.data)
            if live:
                click.echo(click.style(event.data, dim=True), nl=False, color=True)
        elif event.kind == "answer":
            answer = event.data
    if live and streamed:
        click.echo(_erase("".join(streamed)), nl=False, color=True)
    click.echo(answer.answer)
    return answer


def _erase(shown: str) -> str:
    """The terminal codes that take the cursor back to where ``shown`` began and clear from there."""
    columns = max(shutil.get_terminal_size().columns, 1)
    rows = sum(max(1, -(-_width(line) // columns)) for line in shown.split("\n"))
    return "\r" + (f"\x1b[{rows - 1}A" if rows > 1 else "") + "\x1b[J"


def _width(text: str) -> int:
    """Terminal columns ``text`` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def chat_loop(pipeline, read=input) -> None:
    """Questions from ``read`` until /quit or end of input; each answered with the one before as context."""
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    click.echo(CHAT_HELP)
    previous: str | None = None
    last: Answer | None = None
    while True:
        try:
            line = read("? ").strip()
        except EOFError:
            click.echo()
            return
        except KeyboardInterrupt:
            click.echo()
            continue
        if line in ("/quit", "/exit"):
            return
        if line == "/clear":
            previous, last = None, None
            click.echo("(conversation cleared)")
        elif line == "/sources":
            if last:
                print_sources(last)
            else:
                click.echo("(no answer yet)")
        elif line.startswith("/"):
            click.echo(f"(unknown command {line}; {CHAT_HELP.splitlines()[1]})")
        elif line:
            try:
                taken = standalone(line, previous, pipeline.settings.max_question_chars)
                if taken != line:
                    click.echo(f"理解为：{taken}" if not taken.isascii() else f"Understood as: {taken}")
                last = stream_answer(pipeline, line, previous)
                previous = last.standalone
            except RagError as exc:  # a bad question is one line; the conversation goes on
                click.echo(f"error: {exc}", err=True)


def print_sources(answer) -> None:
    """The sources block under a streamed answer: each citation's article and evidence sentence."""
    if answer.refused:
        click.echo(f"(no answer: {answer.refusal_reason})")
        return
    click.echo("sources:")
    for c in answer.citations:
        meta = " · ".join(p for p in (c.title, c.source, c.date) if p)
        note = "  (citation added: this passage holds the figure)" if c.added else ""
        click.echo(f"[{c.n}] {meta} — {c.doc_id}{note}")
        click.echo(f"    「{c.evidence}」")
    if answer.verified:
        click.echo("verified: every figure in the answer appears in its cited passage.")
    else:
        click.echo(f"warning: not found in any passage: {', '.join(answer.unverified)}; check before use.")
