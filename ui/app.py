"""The Gradio page: chat with streamed, cited answers (follow-ups resolved); knowledge base; evaluation.

``create_app`` builds the gr.Blocks; ``launch`` serves it with the /v1 API (api.py); ``serve`` is
`rag serve`. ``Handlers`` does the page's work, plain Python that tests call with a fake pipeline.
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

EXAMPLES = ["衡阳2023年进出口总额是多少?", "衡陽2023年全市對外實際投資額是多少?",
            "What was Yongzhou's total import and export value in the first half of the year?"]
ARTICLE_COLUMNS = ["doc_id", "title", "date", "outlet", "chunks", "from"]
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

    def respond(self, question: str, history: list, k: int, model: str,
                show_passages: bool) -> Iterator[tuple[list, str]]:
        """Stream one chat turn: (chat history, retrieved passages html) after each event. The final
        answer carries its sources under it, so every answer in the history keeps its own."""
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
                    passages = render.passages_html(event.data) if show_passages else ""
                    yield chat(render.streaming_html("")), passages
                elif event.kind == "token":
                    text += event.data
                    yield chat(render.streaming_html(text)), passages
                elif event.kind == "answer":
                    yield chat(render.standalone_html(event.data) + render.answer_html(event.data, turn)
                               + render.sources_html(event.data, turn)), passages
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


def create_app(settings: Settings, handlers: Handlers | None = None, models: list[str] | None = None):
    """The page as a gr.Blocks (not launched), offering ``models`` (default: the installed ones)."""
    import gradio as gr

    h = handlers or Handlers(settings)
    models = models or installed_models() or [settings.llm]
    with gr.Blocks(title="rag-news: questions over Chinese news") as app:
        gr.Markdown("## Ask the news articles\nEvery figure in an answer is checked against the cited passage.")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Answers", height=420, elem_id="rag-chat", feedback_options=None)
                    question = gr.Textbox(label="Question", placeholder=EXAMPLES[0], elem_id="rag-question")
                    with gr.Row():
                        ask = gr.Button("Ask", variant="primary", elem_id="rag-ask")
                        clear = gr.Button("Clear chat", elem_id="rag-clear")
                    gr.Examples(EXAMPLES, inputs=question)
                with gr.Column(scale=2):
                    passages = gr.HTML(label="Retrieved passages", elem_id="rag-passages")
            with gr.Accordion("Settings", open=False):
                k = gr.Slider(1, 10, value=settings.k, step=1, label="passages to retrieve (top-k)")
                model = gr.Dropdown(models, value=settings.llm if settings.llm in models else models[0], label="model")
                show = gr.Checkbox(value=True, label="show the retrieved passages")
        _knowledge_tab(gr, h)
        with gr.Tab("Evaluation"):
            sets = h.question_sets()
            chosen = gr.Dropdown(sets, value=sets[0] if sets else None, label="question set")
            own = gr.File(file_types=[".jsonl"], label="or upload one (JSON Lines: id, question, answers, sources, answerable)")
            limit = gr.Number(value=10, precision=0, minimum=1, label="questions (first N)")
            run = gr.Button("Run", elem_id="rag-eval-run")
            report = gr.Markdown(elem_id="rag-eval-report")

        inputs = [question, chat, k, model, show]
        outputs = [chat, passages]
        for trigger, api_name in ((ask.click, "ask"), (question.submit, "ask_enter")):
            trigger(h.respond, inputs, outputs, concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answers",
                    api_name=api_name).then(lambda: "", None, question)
        clear.click(lambda: ([], ""), None, outputs, queue=False)

        def evaluate(chosen_set, uploaded, first_n, chosen_model, progress=gr.Progress(track_tqdm=True)):
            return h.evaluate(chosen_set, uploaded, first_n, chosen_model)

        run.click(evaluate, [chosen, own, limit, model], report, concurrency_limit=ANSWER_CONCURRENCY,
                  concurrency_id="answers")
    app.queue(default_concurrency_limit=1)
    return app


def _knowledge_tab(gr, h: Handlers) -> None:
    """The Knowledge base tab: the article table, uploads and removals (indexed one job at a time)."""
    with gr.Tab("Knowledge base"):
        table = gr.Dataframe(value=h.articles, headers=ARTICLE_COLUMNS, interactive=False, elem_id="rag-articles")
        upload = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".jsonl"],
                         label="Add articles", elem_id="rag-upload")
        add = gr.Button("Add to the knowledge base", elem_id="rag-add")
        with gr.Row():
            removable = gr.Dropdown(choices=h.uploaded_ids(), label="uploaded article", allow_custom_value=False)
            remove = gr.Button("Remove", variant="stop")
        status = gr.Textbox(label="Result", interactive=False, lines=3, elem_id="rag-kb-status")

    def with_choices(result: tuple[str, list[list], list[str]]):
        message, rows, ids = result
        return message, rows, gr.Dropdown(choices=ids, value=None)

    def add_files_shown(files, progress=gr.Progress(track_tqdm=True)):  # the indexer's tqdm bar, on the page
        return with_choices(h.add(files))

    add.click(add_files_shown, upload, [status, table, removable], concurrency_limit=1, concurrency_id="index")
    remove.click(lambda doc_id: with_choices(h.remove(doc_id)), removable, [status, table, removable],
                 concurrency_limit=1, concurrency_id="index")


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
