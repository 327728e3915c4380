"""The web page's handlers and rendering, with a fake model; the knowledge-base operations on a real index."""

import pytest

from rag.documents import Answer, Chunk, Citation, Hit
from rag.query import Query
from rag.indexing.build import build_index
from rag.answer.retrieval import Retriever
from rag.ui import render
from rag.ui.app import Handlers
from rag.ui.page import create_app
from rag.ui.knowledge import add_files, list_articles, remove_article, safe_name

from conftest import SEEDS, FakeEmbedder, fake_pipelines


def handlers(settings, reply="446.1亿元[1]"):
    factory, gen = fake_pipelines(reply)
    return Handlers(settings, factory), gen


def test_a_turn_shows_passages_first_then_streams_then_cites(fake_index):
    h, _ = handlers(fake_index)
    steps = list(h.respond("衡阳2023年进出口总额是多少?", [], 5, fake_index.llm, True))
    history, passages = steps[0]
    assert history[-1]["role"] == "assistant" and "rag-sources" not in history[-1]["content"]
    assert 'class="rag-passages"' in passages  # before the model's first token
    assert any("446.1" in s[0][-1]["content"] and "▌" in s[0][-1]["content"] for s in steps[1:-1])  # streaming
    history, _ = steps[-1]
    assert [m["role"] for m in history] == ["user", "assistant"]
    answer = history[-1]["content"]
    assert 'href="#rag-src-1-' in answer and "446.1亿元" in answer
    sources = answer[answer.index('class="rag-sources"'):]  # under the answer
    assert "<mark" in sources and "446.1億元" in sources and "國際在線湖南頻道" in sources and "2024" in sources
    assert 'id="rag-src-1-' in sources
    # the second turn's anchors do not clash with the first's, and the first keeps its sources
    history, _ = list(h.respond("衡阳2023年进出口总额是多少?", history, 5, fake_index.llm, False))[-1]
    assert 'href="#rag-src-2-' in history[-1]["content"] and len(history) == 4
    assert 'id="rag-src-1-' in history[1]["content"]


def test_a_follow_up_on_the_page_is_answered_as_the_standalone_question_it_shows(fake_index):
    h, gen = handlers(fake_index)
    history, _ = list(h.respond("衡阳2023年进出口总额是多少?", [], 5, fake_index.llm, True))[-1]
    assert "理解为" not in history[-1]["content"]
    history, passages = list(h.respond("那2022年呢?", history, 5, fake_index.llm, True))[-1]
    assert [m["content"] for m in history if m["role"] == "user"] == ["衡阳2023年进出口总额是多少?", "那2022年呢?"]
    assert "理解为：衡阳2022年进出口总额是多少?" in history[-1]["content"]
    assert "衡阳2022年进出口总额是多少?" in gen.calls[-1][1]["content"]
    # as the page hands history back (Gradio 6: content as a list of parts), the follow-up still resolves
    parts = [{**m, "content": [{"type": "text", "text": m["content"]}]} for m in history[:2]]
    again, _ = list(h.respond("那2022年呢?", parts, 5, fake_index.llm, True))[-1]
    assert "理解为：衡阳2022年进出口总额是多少?" in again[-1]["content"]
    # passages read as title, outlet, date and a relevance; the ids are on hover only
    assert "相似度" in passages and "《邁向開放高地》系列報道：衡陽" in passages and "《《" not in passages
    assert "score 0." not in passages.split('title="')[0]
    # the same turn with the page switched to English
    history, passages = list(h.respond("那2022年呢?", history[:2], 5, fake_index.llm, True, "English"))[-1]
    assert "Understood as：衡阳2022年进出口总额是多少?" in history[-1]["content"] and "% similar" in passages


def test_a_refusal_looks_different_and_bad_input_is_one_line(fake_index):
    h, gen = handlers(fake_index)
    history, _ = list(h.respond("长沙2023年进出口总额是多少?", [], 5, fake_index.llm, True))[-1]
    assert 'class="rag-refusal"' in history[-1]["content"] and "长沙" in history[-1]["content"]
    assert "没有来源" in history[-1]["content"] and gen.calls == []
    history, passages = list(h.respond("   ", [], 5, fake_index.llm, True))[-1]
    assert "the question is empty" in history[-1]["content"] and passages == ""


def test_article_text_is_escaped_everywhere():
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    chunk = Chunk("x#0", "x", 0, len(evil), evil, "<b>title</b>", "2024", "outlet")
    html = render.passages_html([Hit(chunk, 1.0, 1)])
    cite = Citation(1, "x", "x#0", chunk.title, "2024", "outlet", evil, "<script>alert(1)</script>")
    answer = Answer("q", "<script>x</script>[1]", False, True, [cite], [], {}, "m")
    for text in (html, render.sources_html(answer, 1), render.answer_html(answer, 1)):
        assert "<script>" not in text and "<img" not in text and "&lt;script&gt;" in text


def test_the_page_builds_without_serving_and_its_words_switch_language(fake_index):
    import gradio as gr

    from rag.ui.labels import LABELS
    from rag.ui.page import _LABELLED, relabel

    h, _ = handlers(fake_index)
    app = create_app(fake_index, h)
    assert app.title.startswith("rag-news")
    labels = [c.label for c in app.blocks.values() if getattr(c, "label", None)]
    assert "问题" in labels and "回答" in labels and "知识库" in labels and "Question" not in labels
    english = dict(zip(_LABELLED, relabel(gr, "en")))
    assert english["question"]["label"] == "Question" and english["ask"]["value"] == "Ask"
    assert english["knowledge_tab"]["label"] == "Knowledge base" and english["table"]["headers"][1] == "title"
    assert set(_LABELLED) <= set(LABELS) | {"table"}


# --- knowledge base -------------------------------------------------------------------------------

@pytest.fixture
def kb(settings, tmp_path):
    s = settings.replace(upload_dir=tmp_path / "uploads")
    build_index([SEEDS], s, embedder=FakeEmbedder(), progress=False)
    return s


def test_upload_indexes_good_files_and_explains_the_rest(kb, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "长沙新闻.txt").write_text("长沙2023年进出口总额为1000亿元。\n长沙外贸发展迅速。", encoding="utf-8")
    (incoming / "photo.txt").write_bytes(bytes(range(256)) * 8)
    (incoming / "report.pdf").write_bytes(b"%PDF-1.4")
    report = add_files(sorted(incoming.iterdir()), kb)
    assert report.added == ["长沙新闻"]
    reasons = dict(report.rejected)
    assert "unsupported file type" in reasons["report.pdf"] and "photo.txt" in reasons
    assert sorted(p.name for p in kb.upload_dir.iterdir()) == ["长沙新闻.txt"]  # the rejected are not kept
    articles = {a.doc_id: a for a in list_articles(kb)}
    assert articles["长沙新闻"].uploaded and not articles["001_a7d89014a7bd190e"].uploaded
    assert len(articles) == 6  # the seeds are all still there
    assert "1000亿元" in Retriever.open(kb, FakeEmbedder()).search(Query.parse("长沙2023年进出口总额"))[0].chunk.text


def test_remove_takes_out_an_upload_only(kb, tmp_path):
    (tmp_path / "a.txt").write_text("株洲上半年进出口总额88亿元。", encoding="utf-8")
    add_files([tmp_path / "a.txt"], kb)
    assert remove_article("a", kb) == "removed a"
    assert "a" not in {a.doc_id for a in list_articles(kb)} and len(list_articles(kb)) == 5
    with pytest.raises(Exception, match="indexed from .*seeds"):
        remove_article("000_62280806a8835b66", kb)


def test_an_index_rebuilt_beside_the_page_is_used_at_the_next_question(kb, tmp_path):
    h, gen = handlers(kb)
    list(h.respond("衡阳2023年进出口总额是多少?", [], 5, kb.llm, True))
    before = h.pipeline(kb.llm)
    extra = tmp_path / "cli"
    extra.mkdir()
    (extra / "湘潭.txt").write_text("湘潭外贸\n2023年湘潭市进出口总额为555.5亿元。", encoding="utf-8")
    build_index([SEEDS, kb.upload_dir, extra], kb, embedder=FakeEmbedder(), progress=False)  # as `rag index` would
    after = h.pipeline(kb.llm)
    assert after is not before and after.generator is gen  # the index re-opened, the model kept
    assert "555.5亿元" in after.retriever.search(Query.parse("湘潭2023年进出口总额"))[0].chunk.text


def test_upload_names_never_leave_the_upload_folder(kb, tmp_path):
    assert safe_name("../../x.txt") == "x.txt" and safe_name("..\\..\\y.md") == "y.md"
    evil = tmp_path / "evil.txt"
    evil.write_text("湘潭2023年进出口总额为77亿元。", encoding="utf-8")
    h = Handlers(kb, lambda s: None)
    message, rows, ids = h.add([evil])
    assert "added 1" in message and ids == ["evil"] and any(r[0] == "evil" for r in rows)
    assert (kb.upload_dir / "evil.txt").is_file() and not (tmp_path.parent / "evil.txt").exists()


def test_uploads_are_limited_in_number_per_upload_and_in_the_folder(kb, tmp_path):
    files = []
    for n in range(3):
        files.append(tmp_path / f"n{n}.txt")
        files[-1].write_text(f"湘潭{n}号园区2023年进出口总额为{n + 1}亿元。", encoding="utf-8")
    report = add_files(files, kb.replace(max_upload_files=2))
    assert not report.added and all("too many files in one upload (3; the limit is 2)" in why for _, why in report.rejected)
    assert not kb.upload_dir.exists() or not any(kb.upload_dir.iterdir())
    report = add_files(files, kb.replace(max_uploads=2))
    assert report.added == ["n0", "n1"] and dict(report.rejected)["n2.txt"].startswith("the upload folder is full (2 files)")
    assert add_files(files[:1], kb.replace(max_uploads=2)).message() == "nothing new: these files are already indexed"


def test_the_evaluation_tab_runs_a_set_and_lists_failures(fake_index, tmp_path):
    import json

    qset = tmp_path / "two.jsonl"
    qset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "a", "question": "衡阳2023年进出口总额是多少?", "answers": ["446.1亿元"], "sources": ["001"], "answerable": True},
        {"id": "b", "question": "长沙2023年进出口总额是多少?", "answers": [], "sources": [], "answerable": False}]),
        encoding="utf-8")
    h, _ = handlers(fake_index)
    report = h.evaluate(None, str(qset), 10, fake_index.llm)
    assert "answer accuracy (answerable), after fixes and checks | 100.0 % (1/1)" in report and "refusal accuracy" in report
    wrong = tmp_path / "wrong.jsonl"  # the model's 446.1 is backed, but it is not what is asked
    wrong.write_text(json.dumps({"id": "c", "question": "衡阳2023年进出口总额的主要市场是哪里?", "answers": ["东盟"],
                                 "sources": ["001"], "answerable": True}, ensure_ascii=False) + "\n", encoding="utf-8")
    h, _ = handlers(fake_index, reply="446.1亿元[1]")
    report = h.evaluate(str(wrong), None, 1, fake_index.llm)
    assert "1 of 2 questions" not in report and "## Failing questions (1)" in report
    (tmp_path / "bad.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    assert h.evaluate(None, str(tmp_path / "bad.jsonl"), 5, fake_index.llm).startswith("error: ")
