"""English answers: the article's figure kept with its English reading, and English amounts
checked by value (rag/text/english_numbers.py, answer/fixes.py, answer/citations.py)."""

import pytest

from rag.answer.verify import verify_reply
from rag.documents import Chunk
from rag.query import Query
from rag.text.english_numbers import english_amounts, english_reading, scaled

PASSAGE = Chunk("a#0", "a", 0, 60, "數據顯示,2023年甲市進出口總額446.1億元。全市對外實際投資額1701萬美元,同比增長15.3%。",
                title="甲市", date="2024")
ENGLISH = Query.parse("What was the total import and export value in 2023?")


@pytest.mark.parametrize("figure, reading", [
    (("446.1", "亿元"), "44.61 billion yuan"),
    (("1701", "万美元"), "17.01 million US dollars"),
    (("3000", "万元"), "30 million yuan"),
    (("1523.6", "吨"), None),          # no scale word: read as written
    (("15.3", "%"), None),
    (("28", "个"), None),
])
def test_english_readings(figure, reading):
    assert english_reading(figure) == reading


def test_english_amounts_are_read_by_value_like_the_chinese_ones():
    same = scaled(("446.1", "亿元"))
    assert english_amounts("44.61 billion yuan") == [same]
    assert english_amounts("44,610 million yuan") == [same]
    assert english_amounts("17.01 million US dollars") == [scaled(("1701", "万美元"))]


def test_an_english_answer_gets_the_reading_and_it_is_recorded():
    verdict = verify_reply(ENGLISH, "446.1億元[1]", [PASSAGE])
    assert verdict.answer == "The total import and export value in 2023 was 446.1億元 (44.61 billion yuan)[1]."
    assert verdict.verified and verdict.model_answer == "446.1億元[1]"
    assert verdict.fixes == ["english_reading_added", "english_sentence"]
    chinese = verify_reply(Query.parse("甲市2023年进出口总额是多少?"), "446.1亿元[1]", [PASSAGE])
    assert chinese.answer == "446.1亿元[1]" and chinese.fixes == []


def test_a_wrong_conversion_is_caught_like_a_wrong_figure():
    right = verify_reply(ENGLISH, "It was 44.61 billion yuan [1].", [PASSAGE])
    assert right.verified and not right.refused
    wrong = verify_reply(ENGLISH, "446.1亿元 (4.461 billion yuan) [1]", [PASSAGE])
    assert not wrong.verified and wrong.unverified == ["4461000000元"]
    made_up = verify_reply(ENGLISH, "It was 4.461 billion yuan [1].", [PASSAGE])
    assert "4.461" not in made_up.answer  # the made-up reading is never shown: the passage is quoted instead
    assert made_up.fixes == ["quoted_sentence"] and made_up.model_answer == "It was 4.461 billion yuan [1]."
    assert made_up.answer == "The article says: 「數據顯示,2023年甲市進出口總額446.1億元。」[1] (446.1亿元 = 44.61 billion yuan)"


def test_an_english_question_the_model_declines_gets_the_quoted_sentence_with_its_reading():
    passage = Chunk("o#0", "o", 0, 40, "2023年甲市對外實際投資額1701萬美元,同比增長15.3%。", title="甲市", date="2024")
    question = Query.parse("What was Jia's actual outbound investment in 2023?")
    refused = "The articles do not contain the answer to this question."
    verdict = verify_reply(question, refused, [passage])
    assert verdict.fixes == ["quoted_sentence"] and verdict.verified and verdict.citations[0].doc_id == "o"
    assert "1701萬美元" in verdict.answer and "(1701万美元 = 17.01 million US dollars)" in verdict.answer
    other_topic = verify_reply(Query.parse("How many freight trains ran in 2023?"), refused, [passage])
    assert other_topic.refused  # no sentence holds the question's terms (班列): nothing is quoted


def test_a_rank_gets_its_english_ordinal():
    passage = Chunk("r#0", "r", 0, 30, "2023年甲市进出口总额位列全省第3。", title="甲市", date="2024")
    verdict = verify_reply(Query.parse("Which place did it take in the province in 2023?"), "第3[1]", [passage])
    assert verdict.answer == "It ranked 3rd (第3)[1]." and verdict.verified


def test_a_sentence_about_trade_in_general_is_not_quoted_for_the_import_and_export_value():
    from rag.answer.quoting import quoted_answer

    other = Chunk("g#0", "g", 0, 60, "甲市与6个国家实现外贸“倍增”。今年1至6月,甲市对外承包工程营业额38222万美元,增速居全省前列。",
                  title="甲市开放", date="2019")
    right = Chunk("g#1", "g", 60, 90, "今年上半年,甲市完成进出口总额144.6亿元,总量居全省第二。", title="甲市开放", date="2019")
    question = Query.parse("What was the total import and export value in the first half of 2019?")
    assert quoted_answer(question, [other]) is None  # 外贸 is trade in general (hy11 of the held-out set)
    assert "144.6亿元" in quoted_answer(question, [other, right])


def test_one_general_english_term_is_not_enough_to_quote_a_sentence():
    from rag.answer.quoting import quoted_answer

    firms = Chunk("f#0", "f", 0, 40, "甲市重点瞄准三类500强企业及上市公司。", title="甲市招商", date="2022")
    # "enterprise" is the question's one glossary term: a sentence about firms is no answer (h40)
    assert quoted_answer(Query.parse("What was the enterprise satisfaction rate in Jia?"), [firms]) is None
