"""The shared language helpers (rag/text): the one sentence splitter and marker pattern, periods."""

from hypothesis import given, settings as hsettings, strategies as st

from rag.text.periods import period_phrases
from rag.text.sentences import markers, sentences, strip_markers


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("衡阳446.1亿元。！？!?.;； \n[]12“”」a")), max_size=80))
def test_sentences_give_the_text_back_whatever_it_holds(text):
    assert "".join(sentences(text)) == text == "".join(sentences(text, clauses=True))


def test_a_sentence_keeps_its_markers_and_a_decimal_point_ends_nothing():
    assert sentences("总额446.1亿元[1][2]。增长15.3%[3]") == ["总额446.1亿元[1][2]。", "增长15.3%[3]"]
    assert markers("a[2]b[1][2][100]") == [2, 1] and strip_markers("446.1亿元 [1]。") == "446.1亿元。"


def test_period_phrases_name_years_and_parts_in_order():
    assert period_phrases("2021年前三季度衡阳对非洲进出口额") == ["2021年", "前三季度"]
    assert period_phrases("今年上半年,我市") == ["上半年"] and period_phrases("进出口总额") == []
