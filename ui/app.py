"""What the Gradio page does, and serving it: ``Handlers`` is the page's work (chat turns with
follow-ups resolved, knowledge base, evaluation), plain Python that tests call with a fake
pipeline; page.py lays the page out (``create_app``); ``launch`` serves it with the /v1 API
(api.py); ``serve`` is `rag serve`.
One model serves every user, so answers queue one at a time; a waiting user sees their place.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Callable, Iterator

from rag.config import Settings
from rag.errors import RagError
from rag.followup import last_standalone
from rag.llm.models import MODELS
from rag.indexing.store import current_version

from . import render
from .api import add_api
from .knowledge import add_files, list_articles, remove_article
from .labels import DEFAULT, LANGUAGES

# One CPU model: answers run one at a time, others wait in the queue and see their position.
ANSWER_CONCURRENCY = 1


def installed_models() -> list[str]:
    """The packaged models whose parts are installed (others would fail to load)."""
    from rag.llm.models import part_files

    names = []
    for name, model in MODELS.items():
        try:
            part_files(model)
            names.append(name)
        except RagError:
            continue
    return names


class Handlers:
    """What the page does, independent of Gradio widgets. ``make_pipeline(settings)`` builds a Pipeline."""

    def __init__(self, settings: Settings, make_pipeline: Callable | None = None) -> None:
        self.settings = settings
        self._make = make_pipeline or _real_pipeline
        self._pipelines: dict[str, object] = {}
        self._lock = threading.Lock()

    def pipeline(self, model: str | None):
        """The pipeline for ``model``, over the index as it is on disk now: a `rag index` run beside
        the page is picked up at the next question (one small file read to notice it)."""
        model = model or self.settings.llm
        live = current_version(Path(self.settings.index_dir))
        with self._lock:
            current = self._pipelines.get(model)
            if current is not None and live is not None and current.retriever.index.path != live:
                self._pipelines = {m: p.reopen() for m, p in self._pipelines.items()}
            if model not in self._pipelines:
                self._pipelines[model] = self._make(self.settings.replace(llm=model))
            return self._pipelines[model]

    def reload_index(self) -> None:
        """After the knowledge base changed: every pipeline re-opens the index, keeping its loaded
        model (a pipeline that cannot re-open is dropped, and the next question says why)."""
        with self._lock:
            for model, pipeline in list(self._pipelines.items()):
                try:
                    self._pipelines[model] = pipeline.reopen()
                except RagError:
                    del self._pipelines[model]

    def respond(self, question: str, history: list, k: int, model: str, show_passages: bool,
                language: str | None = None) -> Iterator[tuple[list, str]]:
        """Stream one chat turn: (chat history, retrieved passages html) after each event. The final
        answer carries its sources under it, so every answer in the history keeps its own. Fixed
        words are in ``language`` (a choice of labels.LANGUAGES; Chinese when not given)."""
        lang = LANGUAGES.get(language or "", DEFAULT)
        past = list(history or [])
        turn = sum(1 for m in past if m.get("role") == "user") + 1
        asked = {"role": "user", "content": question}

        def chat(content: str) -> list:  # a new list each time: what was yielded is never changed later
            return past + [asked, {"role": "assistant", "content": content}]

        try:
            passages, text = "", ""
            previous = self.previous_standalone(past)
            for event in self.pipeline(model).stream(question, int(k) if k else None, previous):
                if event.kind == "retrieved":
                    passages = render.passages_html(event.data, lang) if show_passages else ""
                    yield chat(render.streaming_html("", lang)), passages
                elif event.kind == "token":
                    text += event.data
                    yield chat(render.streaming_html(text, lang)), passages
                elif event.kind == "answer":
                    yield chat(render.standalone_html(event.data, lang) + render.answer_html(event.data, turn, lang)
                               + render.sources_html(event.data, turn, lang)), passages
        except RagError as exc:  # an empty or too-long question, a missing index: one line, nothing lost
            yield chat(f'<div class="rag-refusal">⚠ {render.html.escape(str(exc))}</div>'), ""

    def previous_standalone(self, history: list) -> str | None:
        """The standalone question of the chat's last user turn (the chat keeps the questions as typed)."""
        turns = [_text_of(m.get("content")) for m in history if m.get("role") == "user"]
        return last_standalone([t for t in turns if t], self.settings.max_question_chars)

    def articles(self) -> list[list]:
        return self.listing()[0]

    def uploaded_ids(self) -> list[str]:
        return self.listing()[1]

    def listing(self) -> tuple[list[list], list[str]]:
        """(the article table's rows, the doc_ids of uploaded articles), from one read of the index."""
        articles = list_articles(self.settings)
        return [a.row() for a in articles], [a.doc_id for a in articles if a.uploaded]

    def add(self, files: list | None) -> tuple[str, list[list], list[str]]:
        if not files:
            return ("choose one or more .txt .md .html .htm .jsonl files first", *self.listing())
        paths = [_path_of(f) for f in files]
        try:
            report = add_files(paths, self.settings, progress=True)
        except RagError as exc:
            return (f"error: {exc}", *self.listing())
        if report.added or report.updated:
            self.reload_index()
        return (report.message(), *self.listing())

    def remove(self, doc_id: str | None) -> tuple[str, list[list], list[str]]:
        if not doc_id:
            return ("choose an uploaded article to remove", *self.listing())
        try:
            message = remove_article(doc_id, self.settings)
            self.reload_index()
        except RagError as exc:
            message = f"error: {exc}"
        return (message, *self.listing())

    def question_sets(self) -> list[str]:
        folder = Path(self.settings.question_dir)
        return sorted(str(p) for p in folder.glob("*.jsonl")) if folder.is_dir() else []

    def evaluate(self, chosen: str | None, uploaded, limit: int, model: str) -> str:
        """Run a question set through the pipeline (the `rag eval` runner); the report as Markdown."""
        import tempfile

        from rag.eval.report import eval_text
        from rag.eval.evaluation import run_eval

        path = _path_of(uploaded) if uploaded else (Path(chosen) if chosen else None)
        if path is None:
            return "choose a question set or upload one (JSON Lines, see eval/README.md)"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "predictions.jsonl"
            try:
                summary = run_eval(self.settings.replace(llm=model or self.settings.llm), path, out,
                                   int(limit) if limit else None, fresh=True, progress=True,
                                   pipeline=self.pipeline(model))
            except RagError as exc:
                return f"error: {exc}"
            return eval_text(summary, Path(path.name + " (predictions not kept)"))


def _path_of(upload) -> Path:
    """Gradio hands uploads over as paths (or, in older versions, objects with a ``name``)."""
    return Path(upload) if isinstance(upload, (str, Path)) else Path(upload.name)


def _text_of(content) -> str:
    """A chat message's text: Gradio 6 hands history back with content as a list of parts.

    >>> _text_of("衡阳?"), _text_of([{"type": "text", "text": "那2022年呢?"}]), _text_of(None)
    ('衡阳?', '那2022年呢?', '')
    """
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _real_pipeline(settings: Settings):
    from rag.pipeline import Pipeline

    return Pipeline(settings, progress=False)


def launch(settings: Settings, host: str, port: int, share: bool = False, auth: tuple[str, str] | None = None,
           handlers: Handlers | None = None):
    """Build the page, serve it in the background with the OpenAI-compatible API (api.py) on the
    same host and port, and return (the gr.Blocks, its local URL). Gradio's start-up chatter is
    swallowed; the caller says what matters. Without Settings.api_key, a password-protected page
    keeps its API closed rather than open (401), so --auth never leaves a way around it."""
    import contextlib
    import io

    h = handlers or Handlers(settings)
    models = installed_models() or [settings.llm]  # looked up once, for the page and the API
    from .page import create_app

    app = create_app(settings, h, models)
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
        server, local_url, _ = app.launch(server_name=host, server_port=port, share=share, auth=auth, css=render.CSS,
                                          show_error=True, footer_links=[], quiet=True, prevent_thread_lock=True)
    key = settings.api_key or (secrets.token_urlsafe(32) if auth else None)  # unguessable: closed
    add_api(server, h, models, key)
    return app, local_url


def serve(settings: Settings, host: str, port: int, share: bool, auth: tuple[str, str] | None,
          say: Callable[[str], None] = print) -> None:
    """Launch the page and block until interrupted. Gradio's own start-up chatter (several lines
    when no public link can be made) is replaced by one line each: where it serves, and the link."""
    app, local_url = launch(settings, host, port, share, auth)
    say(f"serving on {local_url}" + (" (password protected)" if auth else "") + "; Ctrl-C stops")
    if share:
        say(f"public link: {app.share_url}" if app.share_url else
            "no public link could be made (Gradio's share servers cannot be reached from here); "
            "the page is served locally only")
    api = "needs the API key" if settings.api_key else ("closed: set --api-key" if auth else "open, no key")
    say(f"OpenAI-compatible API at {local_url.rstrip('/')}/v1 ({api})")
    try:
        app.block_thread()
    finally:
        app.close()
