"""Questions of several parts (rag/multipart.py) and their joined answers (rag/answer/joining.py)."""

import pytest

from rag.answer.joining import joined_answer
from rag.documents import Answer, Chunk, Citation, Hit
from rag.multipart import split_question
from rag.query import Query


@pytest.mark.parametrize("question, parts", [
    # two periods of one figure (t01, t03 of the calibration set, on invented places)
    ("甲市2023年全年和2019年上半年的进出口总额分别是多少?",
     ["甲市2023年全年的进出口总额是多少?", "甲市2019年上半年的进出口总额是多少?"]),
    ("甲市2019年上半年和2021年前三季度对非洲进出口额分别是多少?",
     ["甲市2019年上半年对非洲进出口额是多少?", "甲市2021年前三季度对非洲进出口额是多少?"]),
    # two places, two partners (the second takes 对)
    ("衡阳和永州2023年进出口总额分别是多少?", ["衡阳2023年进出口总额是多少?", "永州2023年进出口总额是多少?"]),
    ("2021年前三季度甲市对东盟和欧盟贸易额分别是多少?",
     ["2021年前三季度甲市对东盟贸易额是多少?", "2021年前三季度甲市对欧盟贸易额是多少?"]),
    # two whole subjects (t02, t05); two questions in one message (t04)
    ("衡阳2023年进出口总额和永州上半年全市进出口总额分别是多少?",
     ["衡阳2023年进出口总额是多少?", "永州上半年全市进出口总额是多少?"]),
    ("益阳签约项目多少个？衡阳签约引进项目多少个?", ["益阳签约项目多少个?", "衡阳签约引进项目多少个?"]),
    # the script is kept
    ("衡陽2023年全年和2019年上半年的進出口總額分別是多少?",
     ["衡陽2023年全年的進出口總額是多少?", "衡陽2019年上半年的進出口總額是多少?"]),
])
def test_a_question_of_two_parts_is_split_into_single_questions(question, parts):
    assert split_question(Query.parse(question)) == parts


@pytest.mark.parametrize("question", [
    "衡阳2023年进出口总额是多少?",
    "衡阳已与多少个“一带一路”沿线重点国家和地区达成合作?",   # 和 inside a name, no 分别
    "2019年1至6月衡阳对外承包工程和劳务合作营业额同比增长多少?",
    "What were Hengyang's and Yongzhou's totals?",             # English: asked as one
    "甲有多少个?乙有多少个?丙有多少个?丁有多少个?戊有多少个?",  # more than 4 parts: asked as it stands
])
def test_a_question_of_one_part_is_not_split(question):
    assert split_question(Query.parse(question)) == []


def _answer(text, citations, refused=False, reason=None):
    return Answer("q", text, refused, not refused, citations, [], {}, "fake-llm", reason, model_answer=text)


def _citation(n, chunk_id, evidence):
    return Citation(n, chunk_id.split("#")[0], chunk_id, "标题", "2024", "某报", evidence, evidence)


def test_parts_are_joined_a_line_each_with_citations_renumbered_and_a_missing_part_said():
    first = _answer("446.1亿元[1]", [_citation(1, "a#1", "总额446.1亿元")])
    second = _answer("144.6亿元[2]", [_citation(2, "b#3", "总额144.6亿元")])
    again = _answer("446.1亿元[1]", [_citation(1, "a#1", "总额446.1亿元")])      # the same passage: one number
    missing = _answer("根据现有资料，无法回答这个问题。", [], refused=True, reason="the model found no answer")
    joined = joined_answer("甲?", [("甲2023年总额是多少?", first), ("甲2019年总额是多少?", second),
                                  ("乙2023年总额是多少?", again), ("甲2022年总额是多少?", missing)],
                           "simplified", {"total_s": 1.0})
    assert joined.answer.split("\n") == ["甲2023年总额：446.1亿元[1]", "甲2019年总额：144.6亿元[2]",
                                         "乙2023年总额：446.1亿元[1]", "甲2022年总额：资料中没有这部分的答案"]
    assert [(c.n, c.chunk_id) for c in joined.citations] == [(1, "a#1"), (2, "b#3")]
    assert not joined.refused and joined.verified
    assert joined.refusal_reason == "甲2022年总额: the model found no answer"
    all_missing = joined_answer("甲?", [("甲2022年总额是多少?", missing)] * 2, "simplified", {})
    assert all_missing.refused and all_missing.answer == "根据现有资料，无法回答这个问题。"


def test_a_two_part_question_goes_through_the_single_path_once_per_part(fake_index):
    from tests.test_pipeline import pipeline

    p, gen = pipeline(fake_index)
    answer = p.ask("衡阳和永州2023年进出口总额分别是多少?")
    assert len(gen.calls) == 2  # one prompt per part, each with its own question
    assert "衡阳2023年进出口总额是多少?" in gen.calls[0][-1]["content"]
    assert "永州2023年进出口总额是多少?" in gen.calls[1][-1]["content"]
    assert answer.standalone == "衡阳2023年进出口总额是多少? / 永州2023年进出口总额是多少?"
    assert isinstance(answer.retrieved[0], Hit) and isinstance(answer.retrieved[0].chunk, Chunk)


def test_two_words_or_phrases_of_a_kind_are_two_parts_even_without_fen_bie():
    assert split_question(Query.parse("2022年考研和高考报名人数分别是多少?")) == \
        ["2022年考研报名人数是多少?", "2022年高考报名人数是多少?"]
    assert split_question(Query.parse("甲赛事男单和女单冠军是谁?")) == ["甲赛事男单冠军是谁?", "甲赛事女单冠军是谁?"]
    assert split_question(Query.parse("2022年乙奖最佳电视剧和最佳电视动画分别是什么?")) == \
        ["2022年乙奖最佳电视剧是什么?", "2022年乙奖最佳电视动画是什么?"]
    assert split_question(Query.parse("2021年和2022年全国棉花产量")) == ["2021年全国棉花产量", "2022年全国棉花产量"]


def test_joined_actions_and_places_without_fen_bie_are_one_figure():
    assert split_question(Query.parse("市级领导牵头引进和跟进洽谈1亿元以上投资项目多少个?")) == []
    assert split_question(Query.parse("2023年中国和美国的贸易额是多少?")) == []  # between the two: one figure


@pytest.mark.parametrize("question, parts", [
    # two subjects that open the question and share the rest, without 分别 (RGB zh_int calibration)
    ("成都大运会和杭州亚运会开幕时间", ["成都大运会开幕时间", "杭州亚运会开幕时间"]),
    ("谷歌和百度推出的类ChatGPT是什么？", ["谷歌推出的类ChatGPT是什么?", "百度推出的类ChatGPT是什么?"]),
    ("第七届香港立法会议员宣誓仪式及首次会议的时间",
     ["第七届香港立法会议员宣誓仪式的时间", "第七届香港立法会议员首次会议的时间"]),
    ("上海和北京2023年新任市长是谁？", ["上海2023年新任市长是谁?", "北京2023年新任市长是谁?"]),
    # two words of one subject that end the question
    ("安倍晋三的国葬时间和地点？", ["安倍晋三的国葬时间?", "安倍晋三的国葬地点?"]),
    ("2023年五一旅游人次和收入是多少？", ["2023年五一旅游人次是多少?", "2023年五一旅游收入是多少?"]),
    # what follows the shared word belongs to both phrases
    ("2023年全国跳水冠军赛女子双人10米跳台和男子双人10米跳台冠军分别是谁？",
     ["2023年全国跳水冠军赛女子双人10米跳台冠军是谁?", "2023年全国跳水冠军赛男子双人10米跳台冠军是谁?"]),
    # two questions after a comma; a later one that leans on the first is completed from it
    ("永州1月至6月签约项目多少个，总投资多少?", ["永州1月至6月签约项目多少个", "永州1月至6月签约项目总投资是多少?"]),
    ("邓伦逃税多少钱，被罚了多少钱", ["邓伦逃税多少钱", "邓伦逃税被罚了多少钱"]),
    ("《李茂扮太子》是什么类型的电影？它的导演是谁？", ["《李茂扮太子》是什么类型的电影?", "《李茂扮太子》导演是谁?"]),
    # the men's and the women's event, as news names each (zh_int calibration 78)
    ("2023年甲市公开赛男女单打冠军是谁", ["2023年甲市公开赛男子单打冠军是谁", "2023年甲市公开赛女子单打冠军是谁"]),
    ("2023年甲市公开赛男女单冠军", ["2023年甲市公开赛男单冠军", "2023年甲市公开赛女单冠军"]),
])
def test_subjects_facets_and_questions_after_a_comma_are_parts(question, parts):
    assert split_question(Query.parse(question)) == parts


@pytest.mark.parametrize("question", [
    "衡阳推动特变电工衡变公司与尼日利亚签订的输变电项目总合同额是多少?",  # 与: a partner, not a part
    "江华高新区马达制造及配套企业有多少家?",          # one group of firms
    "2023年度中央机关及其直属机构招考计划招录多少人",   # 其: the same body
    "有多少个国家和地区参加了甲运动会?",               # one set, the thing asked for
    "世界杯决赛阿根廷和法国的比分是多少?",             # a figure between the two
    "北京和上海之间的距离是多少?",
    "甲市公开赛男女混双冠军是谁?",                     # one event
    "甲市男女比例是多少?",
    "第一位获得诺贝尔和平奖的甲国人是谁?",             # 和 inside a word (CMRC 2018, calibration)
])
def test_joined_words_that_make_one_subject_are_not_split(question):
    assert split_question(Query.parse(question)) == []
