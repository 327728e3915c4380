"""Follow-up questions made standalone from the question before them (rag/followup.py)."""

import pytest

from rag.followup import standalone

FIRST = "衡阳2023年进出口总额是多少?"


@pytest.mark.parametrize("follow_up, expected", [
    ("那2022年呢?", "衡阳2022年进出口总额是多少?"),             # another year
    ("2019年上半年呢？", "衡阳2019年上半年进出口总额是多少?"),    # another year and part of it
    ("上半年呢?", "衡阳2023年上半年进出口总额是多少?"),           # a part of the same year
    ("永州呢?", "永州2023年进出口总额是多少?"),                  # another place, same metric and period
    ("那衡阳呢", "衡阳2023年进出口总额是多少?"),                 # the same place again
    ("它在全省排第几?", "衡阳2023年进出口总额在全省排第几?"),      # the rank of the same figure
    ("为什么增长这么快?", "衡阳2023年进出口总额为什么增长这么快?"),  # about the same place and figure
    ("签约了多少个项目?", "衡阳2023年签约了多少个项目?"),          # a new topic, same place and year
    ("2022年的进出口总额是多少?", "衡阳2022年的进出口总额是多少?"),  # names its year: only the place is taken
])
def test_follow_ups_take_what_they_leave_out_from_the_question_before(follow_up, expected):
    assert standalone(follow_up, FIRST) == expected


@pytest.mark.parametrize("question", [
    "益阳签约了多少个亿元以上项目?",             # a topic switch inherits no place, metric or year
    "永州上半年全市进出口总额是多少?",
    "衡阳2023年进出口总额是多少?",
])
def test_a_question_that_stands_on_its_own_is_not_changed(question):
    assert standalone(question, FIRST) == question


def test_scripts_and_languages():
    assert standalone("那2022年呢？", "衡陽2023年進出口總額是多少?") == "衡阳2022年进出口总额是多少?"  # the follow-up's script
    assert standalone("衡陽呢？", FIRST) == "衡陽2023年進出口總額是多少?"
    assert standalone("What about Yongzhou?", FIRST) == "What about Yongzhou?"  # English: answered as asked
    assert standalone("永州呢?", "What was Hengyang's total in 2023?") == "永州呢?"
    assert standalone("那2022年呢?", None) == "那2022年呢?"


def test_period_words_are_no_topic_and_acronyms_no_place():
    assert standalone("2021年前三季度呢?", "2019年上半年衡阳对非洲进出口贸易额是多少?") == \
        "2021年前三季度衡阳对非洲进出口贸易额是多少?"
    assert standalone("那进出口总额呢?", "衡阳2023年GDP是多少?") == "衡阳2023年进出口总额呢?"


def test_a_chain_of_follow_ups_resolves_turn_by_turn():
    previous = None
    for turn, expected in (("衡阳2023年进出口总额是多少?", "衡阳2023年进出口总额是多少?"),
                           ("那2022年呢?", "衡阳2022年进出口总额是多少?"),
                           ("永州呢?", "永州2022年进出口总额是多少?")):
        previous = standalone(turn, previous)
        assert previous == expected
