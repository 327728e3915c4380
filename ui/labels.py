"""The page's words in Chinese (the default: its readers read Chinese news) and in English.

``text(key, lang)`` gives one label; ``LANGUAGES`` maps the switch's choices to language codes.
The switch on the page (app.py) re-labels every widget; the HTML of answers and passages
(render.py) is written in the language chosen when the question was asked. Data only.
"""

from __future__ import annotations

LANGUAGES = {"中文": "zh", "English": "en"}
DEFAULT = "zh"

LABELS: dict[str, tuple[str, str]] = {  # key: (Chinese, English)
    "heading": ("## 新闻问答\n答案中的每个数字都与所引用的段落核对过。",
                "## Ask the news articles\nEvery figure in an answer is checked against the cited passage."),
    "language": ("界面语言 / Language", "Language / 界面语言"),
    "chat_tab": ("问答", "Chat"),
    "knowledge_tab": ("知识库", "Knowledge base"),
    "evaluation_tab": ("评测", "Evaluation"),
    "answers": ("回答", "Answers"),
    "question": ("问题", "Question"),
    "ask": ("提问", "Ask"),
    "clear": ("清空对话", "Clear chat"),
    "settings": ("设置", "Settings"),
    "top_k": ("检索段落数 (top-k)", "passages to retrieve (top-k)"),
    "model": ("模型", "model"),
    "show_passages": ("显示检索到的段落", "show the retrieved passages"),
    "add_articles": ("添加文章", "Add articles"),
    "add": ("加入知识库", "Add to the knowledge base"),
    "uploaded_article": ("已上传的文章", "uploaded article"),
    "remove": ("删除", "Remove"),
    "result": ("结果", "Result"),
    "question_set": ("问题集", "question set"),
    "upload_set": ("或上传问题集 (JSON Lines: id, question, answers, sources, answerable)",
                   "or upload one (JSON Lines: id, question, answers, sources, answerable)"),
    "first_n": ("题数 (前 N 题)", "questions (first N)"),
    "run": ("运行", "Run"),
    # the HTML of answers and passages (render.py)
    "sources": ("来源", "Sources"),
    "no_sources": ("没有来源：文章中没有这个问题的答案。", "No sources: the articles do not answer this question."),
    "no_citation": ("答案没有引用任何段落。", "The answer cites no passage."),
    "retrieved": ("检索到的段落", "Retrieved passages"),
    "no_passages": ("没有检索到段落（知识库是空的吗？）", "No passages retrieved (is the knowledge base empty?)."),
    "citation_added": ("引用为系统补充：此段落含有该数字", "citation added: this passage holds the figure"),
    "unverified": ("以下数字在任何段落中都找不到：{figures}，使用前请核实。",
                   "Not found in any passage: {figures} — check before use."),
    "similar": ("相似度 {percent}%", "{percent}% similar"),
    "keyword": ("关键词匹配", "keyword match"),
    "understood_as": ("理解为", "Understood as"),
    "checking": ("核对中", "checking"),
}


def text(key: str, lang: str = DEFAULT, **values: object) -> str:
    """The label ``key`` in ``lang`` ("zh" or "en"), with ``values`` filled in.

    >>> text("ask"), text("ask", "en"), text("similar", "en", percent=91)
    ('提问', 'Ask', '91% similar')
    """
    chinese, english = LABELS[key]
    return (english if lang == "en" else chinese).format(**values)


def article_columns(lang: str = DEFAULT) -> list[str]:
    """The knowledge base table's headers."""
    return (["doc_id", "title", "date", "outlet", "chunks", "from"] if lang == "en"
            else ["文章编号", "标题", "日期", "媒体", "段落数", "来源"])
