"""The answer pipeline with a fake model: prompts, refusals without the model, scripts, output."""

import json

import pytest
from click.testing import CliRunner

from rag import generators
from rag.cli import main
from rag.errors import InputError
from rag.pipeline import Pipeline, key_terms
from rag.prompting import build_messages, is_refusal, passage_block, refusal_sentence
from rag.retrieval import Retriever

from conftest import FakeEmbedder, FakeGenerator


def pipeline(settings, reply="446.1亿元[1]", **changes):
    gen = FakeGenerator(reply)
    settings = settings.replace(**changes) if changes else settings
    return Pipeline(settings, Retriever.open(settings, FakeEmbedder()), gen, progress=False), gen


def test_prompt_numbers_passages_with_title_outlet_date_and_this_year(fake_index):
    p, _ = pipeline(fake_index)
    hits = p.retriever.search("衡阳2023年进出口总额是多少?")
    messages, used = build_messages("衡阳2023年进出口总额是多少?", hits, 10_000, len)
    system, user = messages[0]["content"], messages[1]["content"]
    assert "只使用资料里的信息" in system and "[1]" in system
    assert used == [h.chunk for h in hits]
    first = passage_block(1, used[0])
    assert user.index(first) < user.index("问题：衡阳2023年进出口总额是多少?")
    assert user.rstrip().endswith("问题：衡阳2023年进出口总额是多少?")
    assert "用简体中文" in user and refusal_sentence("衡阳?") in user
    dated = next(c for c in used if c.date == "2024")
    assert passage_block(3, dated).startswith("[3] 《《邁向開放高地》系列報道：衡陽》｜来源：國際在線湖南頻道｜日期：2024（文中“今年”指2024年）\n")


def test_budget_keeps_the_best_passages_that_fit(fake_index):
    p, _ = pipeline(fake_index)
    hits = p.retriever.search("衡阳2023年进出口总额是多少?")
    _, used = build_messages("q", hits, 1, len)
    assert used == [hits[0].chunk]  # the best passage always goes in
    sizes = [len(passage_block(i, h.chunk)) for i, h in enumerate(hits, 1)]
    _, used = build_messages("q", hits, sizes[0] + sizes[1], len)
    assert used[:2] == [hits[0].chunk, hits[1].chunk] and len(used) == 2


def test_answer_is_verified_cited_and_in_the_question_script(fake_index):
    p, gen = pipeline(fake_index, reply="2023年衡陽市進出口總額為446.1億元[1]。")
    answer = p.ask("衡阳2023年进出口总额是多少?")
    (c,) = answer.citations
    # Simplified question -> Simplified answer; the marker names the passage that holds the figure
    assert answer.answer == f"2023年衡阳市进出口总额为446.1亿元[{c.n}]。"
    assert not answer.refused and answer.verified and len(gen.calls) == 1
    assert c.doc_id == "001_a7d89014a7bd190e" and "446.1億元" in c.evidence and c.added == (c.n != 1)
    p, _ = pipeline(fake_index, reply="2023年衡阳市对外实际投资额1701万美元[1]。")
    answer = p.ask("衡陽2023年全市對外實際投資額是多少?")
    assert answer.answer == f"2023年衡陽市對外實際投資額1701萬美元[{answer.citations[0].n}]。" and answer.verified


@pytest.mark.parametrize("question,reason", [
    ("长沙2023年进出口总额是多少?", "no retrieved passage mentions 长沙"),
    ("衡阳2023年GDP是多少?", "no retrieved passage mentions GDP"),
    ("衡阳2023年常住人口是多少?", "no retrieved passage speaks of 常住"),
    ("衡阳2030年进出口总额是多少?", "no retrieved passage is about 2030"),
])
def test_refusal_without_asking_the_model(fake_index, question, reason):
    p, gen = pipeline(fake_index)
    answer = p.ask(question)
    assert answer.refused and answer.answer == "根据现有资料，无法回答这个问题。"
    assert answer.refusal_reason.startswith(reason) and gen.calls == [] and answer.citations == []


def test_off_topic_question_below_the_relevance_threshold_is_not_sent(fake_index):
    p, gen = pipeline(fake_index, min_relevance=0.999, min_relevance_latin=0.999)
    answer = p.ask("What is the weather like?")
    assert answer.refused and answer.answer == "The articles do not contain the answer to this question."
    assert "similarity" in answer.refusal_reason and gen.calls == []


def test_model_refusal_and_made_up_figures_become_refusals(fake_index):
    p, gen = pipeline(fake_index, reply="根據現有資料，無法回答這個問題。")
    answer = p.ask("衡阳2023年进出口总额是多少?")
    assert answer.refused and answer.answer == "根据现有资料，无法回答这个问题。" and len(gen.calls) == 1
    p, _ = pipeline(fake_index, reply="衡阳2023年进出口总额为999.9亿元[1]。")
    answer = p.ask("衡阳2023年进出口总额是多少?")
    assert answer.refused and not answer.verified and answer.unverified == ["999.9亿元"]
    assert "999.9亿元" in answer.refusal_reason


def test_refusal_detection():
    assert is_refusal("根据现有资料无法回答这个问题", "根据现有资料，无法回答这个问题。")
    assert is_refusal("资料中没有提及该数据。", "根据现有资料，无法回答这个问题。")
    assert not is_refusal("根据现有资料，衡阳排第71位[1]。", "根据现有资料，无法回答这个问题。")
    assert key_terms("长沙2023年GDP是多少?") == ["长沙", "GDP"]


def test_stream_yields_passages_before_tokens(fake_index):
    p, _ = pipeline(fake_index)
    kinds = [e.kind for e in p.stream("衡阳2023年进出口总额是多少?")]
    assert kinds[0] == "retrieved" and kinds[-1] == "answer" and kinds.count("token") >= 3


def test_ask_command_json_and_errors(fake_index, monkeypatch):
    gen = FakeGenerator("446.1亿元[1]")
    monkeypatch.setitem(generators.GENERATORS, "fake", lambda arg, s: gen)
    monkeypatch.setenv("RAG_EMBEDDER", "fake")
    monkeypatch.setenv("RAG_MIN_RELEVANCE", "0")
    run = CliRunner()
    args = ["--index", str(fake_index.index_dir), "--llm", "fake:x"]
    out = run.invoke(main, ["ask", "衡阳2023年进出口总额是多少?", "--json", *args])
    data = json.loads(out.output)
    assert set(data) >= {"question", "answer", "refused", "verified", "citations", "retrieved", "timings", "model"}
    assert set(data["timings"]) == {"retrieve_s", "ttft_s", "total_s"} and data["model"] == "fake-llm"
    assert set(data["citations"][0]) >= {"n", "doc_id", "chunk_id", "title", "date", "source", "text", "evidence"}
    human = run.invoke(main, ["ask", "衡阳2023年进出口总额是多少?", *args])
    assert human.output.startswith("446.1亿元[1]\n") and "\nsources:\n[" in human.output
    assert "「數據顯示,2023年衡陽市進出口總額446.1億元,位列湖南省第3。」" in human.output and "verified:" in human.output
    for bad, message in (("   ", "the question is empty"), ("问" * 2001, "the limit is 2000")):
        result = run.invoke(main, ["ask", bad, *args])
        assert result.exit_code == 2 and result.output.startswith(f"error: {message}") or message in result.output
        assert result.output.count("\n") == 1


def test_unknown_model_is_one_clear_line(settings):
    with pytest.raises(generators.GeneratorError, match="unknown model 'nope'; known: qwen2.5-coder-1.5b"):
        generators.get_generator("nope", settings)
    with pytest.raises(InputError):
        Pipeline(settings.replace(), retriever=object(), generator=FakeGenerator()).ask("")
