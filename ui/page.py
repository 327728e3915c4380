"""The page's layout: chat, knowledge base and evaluation tabs, labelled in Chinese by default with
an English switch (labels.py). ``create_app`` builds the gr.Blocks without serving it (app.py
serves it); the widgets call app.Handlers, which does the work.
"""

from __future__ import annotations

from rag.config import Settings

from .app import ANSWER_CONCURRENCY, Handlers, installed_models
from .labels import DEFAULT, LANGUAGES, article_columns, text

EXAMPLES = ["衡阳2023年进出口总额是多少?", "衡陽2023年全市對外實際投資額是多少?",
            "What was Yongzhou's total import and export value in the first half of the year?"]
# The widgets the language switch re-labels, in this order, and the label key of each.
_LABELLED = ["heading", "chat_tab", "knowledge_tab", "evaluation_tab", "answers", "question", "ask", "clear",
             "settings", "top_k", "model", "show_passages", "add_articles", "add", "uploaded_article", "remove",
             "result", "question_set", "upload_set", "first_n", "run", "table", "language"]


def create_app(settings: Settings, handlers: Handlers | None = None, models: list[str] | None = None):
    """The page as a gr.Blocks (not launched), offering ``models`` (default: the installed ones)."""
    import gradio as gr

    h = handlers or Handlers(settings)
    models = models or installed_models() or [settings.llm]
    t = text  # the default language's labels; the switch replaces them
    w: dict[str, object] = {}  # the labelled widgets by key
    with gr.Blocks(title="rag-news: 新闻问答 · questions over Chinese news") as app:
        with gr.Row():
            w["heading"] = gr.Markdown(t("heading"))
            w["language"] = gr.Radio(list(LANGUAGES), value="中文", label=t("language"), elem_id="rag-lang", scale=0,
                                     min_width=220)
        with gr.Tab(t("chat_tab"), elem_id="rag-chat-tab") as w["chat_tab"]:
            with gr.Row():
                with gr.Column(scale=3):
                    # no toolbar over the messages: Gradio's copy/share buttons covered the newest question
                    w["answers"] = chat = gr.Chatbot(label=t("answers"), height=420, elem_id="rag-chat",
                                                     feedback_options=None, buttons=[])
                    w["question"] = question = gr.Textbox(label=t("question"), placeholder=EXAMPLES[0],
                                                          elem_id="rag-question")
                    with gr.Row():
                        w["ask"] = ask = gr.Button(t("ask"), variant="primary", elem_id="rag-ask")
                        w["clear"] = clear = gr.Button(t("clear"), elem_id="rag-clear")
                    gr.Examples(EXAMPLES, inputs=question, label="示例 / Examples")  # not re-labelled: both
                with gr.Column(scale=2):
                    passages = gr.HTML(elem_id="rag-passages")
            with gr.Accordion(t("settings"), open=False) as w["settings"]:
                w["top_k"] = k = gr.Slider(1, 10, value=settings.k, step=1, label=t("top_k"))
                w["model"] = model = gr.Dropdown(models, value=settings.llm if settings.llm in models else models[0],
                                                 label=t("model"))
                w["show_passages"] = show = gr.Checkbox(value=True, label=t("show_passages"))
        _knowledge_tab(gr, h, w)
        with gr.Tab(t("evaluation_tab"), elem_id="rag-eval-tab") as w["evaluation_tab"]:
            sets = h.question_sets()
            w["question_set"] = chosen = gr.Dropdown(sets, value=sets[0] if sets else None, label=t("question_set"))
            w["upload_set"] = own = gr.File(file_types=[".jsonl"], label=t("upload_set"))
            w["first_n"] = limit = gr.Number(value=10, precision=0, minimum=1, label=t("first_n"))
            w["run"] = run = gr.Button(t("run"), elem_id="rag-eval-run")
            report = gr.Markdown(elem_id="rag-eval-report")

        language = w["language"]
        inputs = [question, chat, k, model, show, language]
        outputs = [chat, passages]
        for trigger, api_name in ((ask.click, "ask"), (question.submit, "ask_enter")):
            trigger(h.respond, inputs, outputs, concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answers",
                    api_name=api_name).then(lambda: "", None, question)
        clear.click(lambda: ([], ""), None, outputs, queue=False)
        language.change(lambda choice: relabel(gr, LANGUAGES.get(choice, DEFAULT)), language,
                        [w[key] for key in _LABELLED], queue=False, api_name=False)

        def evaluate(chosen_set, uploaded, first_n, chosen_model, progress=gr.Progress(track_tqdm=True)):
            return h.evaluate(chosen_set, uploaded, first_n, chosen_model)

        run.click(evaluate, [chosen, own, limit, model], report, concurrency_limit=ANSWER_CONCURRENCY,
                  concurrency_id="answers")
    app.queue(default_concurrency_limit=1)
    return app


def relabel(gr, lang: str) -> list:
    """Updates giving every labelled widget (``_LABELLED``, in order) its words in ``lang``."""
    updates = []
    for key in _LABELLED:
        if key == "heading":
            updates.append(gr.update(value=text(key, lang)))
        elif key in ("ask", "clear", "add", "remove", "run"):
            updates.append(gr.update(value=text(key, lang)))  # a button's words are its value
        elif key == "table":
            updates.append(gr.update(headers=article_columns(lang)))
        else:
            updates.append(gr.update(label=text(key, lang)))
    return updates


def _knowledge_tab(gr, h: Handlers, w: dict) -> None:
    """The knowledge base tab: the article table, uploads and removals (indexed one job at a time)."""
    t = text
    with gr.Tab(t("knowledge_tab"), elem_id="rag-kb-tab") as w["knowledge_tab"]:
        w["table"] = table = gr.Dataframe(value=h.articles, headers=article_columns(), interactive=False,
                                          elem_id="rag-articles")
        w["add_articles"] = upload = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".jsonl"],
                                             label=t("add_articles"), elem_id="rag-upload")
        w["add"] = add = gr.Button(t("add"), elem_id="rag-add")
        with gr.Row():
            w["uploaded_article"] = removable = gr.Dropdown(choices=h.uploaded_ids(), label=t("uploaded_article"),
                                                            allow_custom_value=False)
            w["remove"] = remove = gr.Button(t("remove"), variant="stop")
        w["result"] = status = gr.Textbox(label=t("result"), interactive=False, lines=3, elem_id="rag-kb-status")

    def with_choices(result: tuple[str, list[list], list[str]]):
        message, rows, ids = result
        return message, rows, gr.Dropdown(choices=ids, value=None)

    def add_files_shown(files, progress=gr.Progress(track_tqdm=True)):  # the indexer's tqdm bar, on the page
        return with_choices(h.add(files))

    add.click(add_files_shown, upload, [status, table, removable], concurrency_limit=1, concurrency_id="index")
    remove.click(lambda doc_id: with_choices(h.remove(doc_id)), removable, [status, table, removable],
                 concurrency_limit=1, concurrency_id="index")
