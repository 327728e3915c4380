"""The short answer (rag/answer/span.py): the words that only say the question back are cut, and the
cut is recorded; invented passages, so no rule depends on the seed articles."""

import pytest

from rag.answer.span import short_span
from rag.answer.verify import verify_reply
from rag.documents import Chunk
from rag.query import Query

PASSAGE = Chunk("a#0", "a", 0, 60, "上半年，甲市全市进出口总额37.25亿元，增长8%。", title="甲市外贸", date="2022")


def test_a_restated_question_is_cut_to_the_figure_and_recorded_with_the_models_own_reply():
    verdict = verify_reply(Query.parse("甲市上半年全市进出口总额是多少?"), "甲市上半年全市进出口总额是37.25亿元。[1]", [PASSAGE])
    assert verdict.answer == "37.25亿元[1]" and verdict.fixes == ["short_span"]
    assert verdict.citations[0].chunk_id == "a#0" and verdict.model_answer.startswith("甲市上半年")


def test_what_qualifies_the_answer_stays():
    q = Query.parse("甲市上半年全市进出口总额是多少?")
    assert short_span("甲市上半年全市进出口总额约37亿元[1]", q) == "约37亿元[1]"
    assert short_span("甲市2021年进出口总额30亿元[1]", q) == "甲市2021年进出口总额30亿元[1]"  # another year: kept
    assert short_span("37.25亿元，增长8%[1]", q) == "37.25亿元，增长8%[1]"


def test_traditional_answers_a_name_a_date_and_answers_left_alone():
    assert short_span("根據現有資料，甲市上半年全市進出口總額是37.25億元。[1]",
                      Query.parse("甲市上半年全市進出口總額是多少?")) == "37.25億元[1]"
    assert short_span("乙会议闭幕时间是3月10日。[2]", Query.parse("乙会议闭幕时间是哪天?")) == "3月10日[2]"
    assert short_span("丙公司的董事长是张三。[1]", Query.parse("丙公司的董事长是谁?")) == "张三[1]"
    for answer, question in (("因为成本下降。[1]", "甲市为什么增长?"),            # why: a sentence
                             ("106个[1]，总投资324亿元[2]", "签约多少个，总投资多少?"),  # two citations
                             ("The total was 446.1亿元[1].", "What was the total?")):
        assert short_span(answer, Query.parse(question)) == answer, answer


@pytest.mark.parametrize("sentence, question, reply, kept, plain_question, plain_reply", [
    ("签约的项目中已开工74个，开工率近70%。", "乙市签约项目的开工率是多少?", "70%[1]", "近70%[1]",
     "乙市已开工多少个?", "74个[1]"),
    # hx05#1's kind (calibration): between the number and its unit, 1300余名 answered as 1300名
    ("市县两级共派出联企干部1300余名,解决问题2221个。", "乙市市县两级共派出联企干部多少名?", "1300名[1]",
     "1300余名[1]", "乙市解决问题多少个?", "2221个[1]"),
])
def test_a_figure_keeps_the_qualifier_its_cited_sentence_gives_it(sentence, question, reply, kept,
                                                                  plain_question, plain_reply):
    passage = Chunk("q#0", "q", 0, 60, sentence, title="乙市", date="2022")
    verdict = verify_reply(Query.parse(question), reply, [passage])
    assert verdict.answer == kept and verdict.fixes == ["qualifier_from_evidence"] and verdict.verified
    plain = verify_reply(Query.parse(plain_question), plain_reply, [passage])
    assert plain.answer == plain_reply and plain.fixes == []


def test_a_bare_number_gets_the_unit_its_cited_sentence_writes_recorded_as_a_fix():
    passage = Chunk("d#0", "d", 0, 60, "甲地寺庙发生踩踏事件，目前已造成12人死亡、14人受伤。", title="甲地踩踏", date="2022")
    verdict = verify_reply(Query.parse("甲地寺庙踩踏事故死亡人数"), "12[1]", [passage])
    assert verdict.answer == "12人[1]" and verdict.fixes == ["unit_from_evidence"] and verdict.verified
    assert verdict.model_answer == "12[1]" and verdict.citations[0].chunk_id == "d#0"
    # a rank, and a number the sentence writes with two units, are left as they are
    ranked = verify_reply(Query.parse("甲地踩踏事故死亡人数排第几?"), "12[1]", [passage])
    assert "unit_from_evidence" not in ranked.fixes
    twice = Chunk("t#0", "t", 0, 60, "事故造成12人死亡，12辆车受损。", title="甲地事故", date="2022")
    assert verify_reply(Query.parse("甲地事故死亡人数"), "12[1]", [twice]).answer == "12[1]"


@pytest.mark.parametrize("question, answer, short", [
    # the question said back after the span goes too (CMRC 2018's kind, calibration part)
    ("丁某是谁的妻子?", "丁某是李四的妻子。[1]", "李四[1]"),
    ("戊专辑在哪一年发行?", "戊专辑2008年发行。[1]", "2008年[1]"),
    ("男性的脱发问题可以由什么药物处理?", "非那雄胺可以处理男性脱发问题。[1]", "非那雄胺[1]"),
    ("甲湾电车厂在哪里?", "甲湾电车厂位于乙城甲湾丙街。[1]", "乙城甲湾丙街[1]"),   # no figure: 甲湾 is the answer's own
    ("乙平台的运营商是谁?", "甲传媒有限公司。根据资料。[1]", "甲传媒有限公司[1]"),
    # a figure keeps its unit; what it counts goes only when the question says something of it
    ("甲站现有多少趟列车停车办客?", "甲站现有18趟列车停车办客。[1]", "18趟[1]"),
    ("甲市引进了多少个重大投资项目?", "甲市引进了15个重大投资项目。[1]", "15个重大投资项目[1]"),
    ("甲队在哪个组?", "E组[1]", "E组[1]"),
    ("己歌手属于哪个唱片公司?", "青空唱片[1]", "青空唱片[1]"),                   # the name's own noun
    # one place or name asked: the first clause that names it; a description first is kept whole
    ("丙墓在哪里?", "河北省曲阳县，墓中发现大量壁画。[1]", "河北省曲阳县[1]"),
    ("丁刊年度人物是谁?", "花样滑冰运动员，冬奥会金牌得主张三[2]", "花样滑冰运动员，冬奥会金牌得主张三[2]"),
    ("中国丁刊年度人物是谁?", "中国花样滑冰运动员，冬奥会金牌得主张三[2]", "花样滑冰运动员，冬奥会金牌得主张三[2]"),
    # a number is the question's only whole (2 of 2月 is not 2023's), and a year is no figure asked
    ("2023年甲公开赛在哪举行?", "2023年甲公开赛于2023年2月4日在乙市举行。[1]", "2月4日在乙市[1]"),
    ("谁赢得了2022年甲国总统选举?", "张三赢得了2022年甲国总统选举。[2]",  # whole, not 张三赢得了2022年
     "张三赢得了2022年甲国总统选举。[2]"),
    # why: the sentence stays, less the question said back up to 是因为; its own subject stays
    ("戊某为什么被取消成绩?", "戊某被取消成绩是因为他干扰了相邻赛道。[1]", "因为他干扰了相邻赛道[1]"),
    ("电车公司为什么加设车厂?", "电车数量增加，车厂已不敷应用。[1]", "电车数量增加，车厂已不敷应用。[1]"),
    # the question's predicate said back after a name goes, and so do the marks inside its words
    ("第一个使用甲语法的是什么语言?", "XYZ是第一个使用甲语法的语言。[1]", "XYZ[1]"),
    ("什么动物大量捕食了甲岛的鸟类?", "褐树蛇大量捕食了甲岛的鸟类。[1]", "褐树蛇[1]"),
    ("哪个球队是第一个使用甲·乙条款的球队?", "丙城凯尔特人是第一个使用甲·乙条款的球队。[1]", "丙城凯尔特人[1]"),
    ("谁出版了以甲为主题的《乙丙话》?", "张三出版了以甲为主题的《乙丙话》。[1]", "张三[1]"),
    # ... but the kind asked for stays with the name (哪个王朝, 什么公司), and no title is cut open
    ("丁某是哪个王朝的建立者?", "甲国丁某王朝建立者[1]", "甲国丁某王朝[1]"),
    ("甲卫星由什么公司制造?", "乙国宇航公司制造[1]", "乙国宇航公司[1]"),
    ("《甲书》是什么书的缩编本?", "《乙文集》[1]", "《乙文集》[1]"),
    ("《甲书》是什么书的缩编本?", "《乙文集》的缩编本[1]", "《乙文集》[1]"),
    ("作者对甲的描写使用了什么手法?", "拟人化的手法[1]", "拟人化[1]"),     # the kind after 的: said back
    # 为什么 after a verb that takes 为 asks a name, not a reason; a closing 资料编号 goes
    ("甲亚科的属重新被归类为什么科?", "甲亚科的属重新被归类为乙龙亚科。[1]", "乙龙亚科[1]"),
    ("甲醇钠的化学式是什么?", "CH3ONa，资料编号[1]", "CH3ONa[1]"),
    # ... but a span does not end on a verb, and 为了 is no link glued to a name
    ("乙队的重要赞助商是谁?", "甲公司于2007年11月成为乙队的重要赞助商。[1]", "甲公司于2007年11月成为乙队的重要赞助商。[1]"),
    ("新修订的甲法何时开始施行?", "2023年1月1日起施行。[2]", "2023年1月1日起施行。[2]"),  # 起: a verb
    ("甲写这本小说的目的是什么?", "甲写这本小说的目的是为了创作一部作品。[1]", "为了创作一部作品[1]"),
    # a figure's counted noun is no kind to keep nor a predicate to cut
    ("甲市与多少个国家和地区有往来?", "160多个国家和地区有往来[1]", "160多个国家和地区有往来[1]"),
])
def test_the_span_without_the_question_said_around_it(question, answer, short):
    assert short_span(answer, Query.parse(question)) == short


def test_a_cut_around_a_name_is_recorded_and_the_citation_kept():
    passage = Chunk("w#0", "w", 0, 60, "皇后丁氏是李四的妻子，出身名门。", title="丁氏", date="2020")
    verdict = verify_reply(Query.parse("皇后丁氏是谁的妻子?"), "皇后丁氏是李四的妻子。[1]", [passage])
    assert verdict.answer == "李四[1]" and "short_span" in verdict.fixes and verdict.citations[0].chunk_id == "w#0"
    assert verdict.model_answer == "皇后丁氏是李四的妻子。[1]"
