"""Repair before refusing (rag/answer/repairs.py): a figure written with another counter or currency
than its passage is rewritten to the passage's, checked, and recorded; invented passages."""

from rag.answer.verify import verify_reply
from rag.documents import Chunk
from rag.query import Query

LINE = Chunk("l#0", "l", 0, 60, "甲线一期全长22.4千米，共设10座车站，于2021年底运营。", title="甲线", date="2022")
DEAL = Chunk("d#0", "d", 0, 60, "乙公司与丙国签订的输变电项目总合同额1.85亿美元。", title="乙公司", date="2024")


def test_a_counter_the_passage_writes_otherwise_is_repaired_and_recorded():
    verdict = verify_reply(Query.parse("甲线一期共有多少个车站?"), "10个车站[1]", [LINE])
    assert not verdict.refused and verdict.verified and verdict.answer.startswith("10座车站")
    assert "unit_from_passage" in verdict.fixes and verdict.model_answer == "10个车站[1]"
    assert verdict.citations[0].chunk_id == "l#0"


def test_a_currency_is_repaired_but_a_value_no_passage_holds_is_not():
    verdict = verify_reply(Query.parse("乙公司输变电项目总合同额是多少?"), "1.85亿元[1]", [DEAL])
    assert verdict.answer == "1.85亿美元[1]" and verdict.verified and "unit_from_passage" in verdict.fixes
    wrong = verify_reply(Query.parse("乙公司输变电项目总合同额是多少?"), "2.5亿元[1]", [DEAL])
    # not repaired: the model's figure is not shown; the sentence that answers is quoted instead
    assert "2.5" not in wrong.answer and wrong.fixes == ["quoted_sentence"]
