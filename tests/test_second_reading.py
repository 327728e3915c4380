"""The second reading (rag/answer/second_reading.py): asked again when the model declines, the
copied answer kept only when the passages hold it beside the question's words."""

from __future__ import annotations

from conftest import fake_pipeline
from rag.answer.prompting import instructions
from rag.answer.second_reading import FIX, copied_answer, kept, second_messages
from rag.answer.verify import verify_reply
from rag.documents import Chunk
from rag.query import Query

REFUSAL = "根据现有资料，无法回答这个问题。"
# Made-up news, so that no rule is written from the articles.
NEWS = Chunk("n#0", "n", 0, 0, "3月1日晚，某某集团发布公告。副总裁张三调任首席执行官，李四继续担任董事会主席。"
             "该集团去年营收120亿元。", title="某某集团人事调整", date="2023-03-02")
OTHER = Chunk("o#0", "o", 0, 0, "某某集团旗下电影由王五担任编剧，赵六担任摄影。", title="电影上映", date="2023-05-01")


def _kept(question: str, reply: str, passages=(NEWS, OTHER)) -> bool:
    query = Query.parse(question)
    return kept(query, verify_reply(query, reply, list(passages)), list(passages))


def test_a_copied_name_is_kept_when_its_clause_is_about_the_question():
    assert _kept("某某集团的首席执行官是谁?", "张三[1]")
    assert _kept("某某集团的首席执行官是谁?", "张三调任首席执行官。[1]")
    # a word of the question the passages lack (新任 for 调任) is not taken on trust
    assert not _kept("某某集团的新任首席执行官是谁?", "张三[1]")


def test_a_copy_is_refused_when_the_passages_do_not_hold_it_beside_the_question():
    assert not _kept("某某集团的新任首席执行官是谁?", "钱七[1]")               # in no passage
    assert not _kept("某某集团电影的导演是谁?", "王五[2]")                      # its clause names the 编剧
    assert not _kept("某某集团的新任首席执行官是谁?", "某某集团首席执行官[1]")  # the question said back
    assert not _kept("某某集团2021年营收是多少?", "120亿元[1]")                # another year (去年 of 2023)
    assert not _kept("某某集团的新任首席执行官是谁?", REFUSAL)
    assert not _kept("Who is the new CEO of the group?", "张三[1]")            # English: not read twice


def test_the_clause_must_name_the_figure_asked_about_and_the_window_every_naming_word():
    trade = Chunk("t#0", "t", 0, 0, "某某市对外承包工程营业额5亿元。实际使用外资3亿元，同比增长12.5%。",
                  title="某某市外经", date="2021-10-01")
    assert not _kept("某某市对外承包工程营业额同比增长多少?", "12.5%[1]", [trade])   # 实际使用外资's growth
    assert _kept("某某市实际使用外资同比增长多少?", "12.5%[1]", [trade])
    final = Chunk("f#0", "f", 0, 0, "某某杯女单决赛，张三对阵李四。张三获得女单冠军。", title="某某杯")
    assert not _kept("某某杯男单冠军是谁?", "张三[1]", [final])                          # 女单, not 男单
    assert _kept("某某杯女单冠军是谁?", "张三[1]", [final])


def test_a_copied_figure_stands_by_a_word_that_names_it():
    # the clause names the national average but gives a figure only for the customs (hs09#3 kind)
    customs = Chunk("c#0", "c", 0, 0, "今年上半年，某某市进口通关时间压减至3.03小时，均远优于全国平均水平。",
                    title="某某市开放", date="2021-10-01")
    assert not _kept("2021年上半年全国平均水平是多少?", "3.03小时[1]", [customs])
    assert _kept("2021年上半年某某市进口通关时间是多少?", "3.03小时[1]", [customs])


def test_which_time_is_not_answered_by_a_rank():
    ranks = Chunk("r#0", "r", 0, 0, "某某市以综合得分70分入围百强城市榜单，位列第71位，这是该市第六次入围。", title="榜单")
    question = "某某市这是第几次入围百强城市榜单?"
    rank_only = Chunk("k#0", "k", 0, 0, "某某市以综合得分70分入围百强城市榜单，位列第71位。", title="榜单")
    assert not _kept(question, "第71位[1]", [rank_only])
    # with the sentence that states which time in the passages, that sentence is shown, not the rank
    assert verify_reply(Query.parse(question), "第71位[1]", [ranks]).answer == f"原文：「{ranks.text}」[1]"
    assert _kept(question, "第六次[1]", [ranks])


def test_the_kind_asked_for_is_no_word_the_clause_must_hold():
    city = Chunk("c#0", "c", 0, 0, "某某集团的第一家旗舰店开在孟买。", title="开店")
    assert _kept("某某集团的第一家旗舰店在哪个城市?", "孟买[1]", [city])


def test_a_copy_cited_to_another_passage_is_cited_to_the_one_that_holds_it():
    final = Chunk("f#0", "f", 0, 0, "某某杯女单决赛，张三对阵李四。张三获得女单冠军。", title="某某杯")
    notice = Chunk("k#0", "k", 0, 0, "某某杯女单比赛将于下月开赛。", title="某某杯")
    query = Query.parse("某某杯女单冠军是谁?")
    verdict = copied_answer(query, "张三[2]", [notice, final])
    assert verdict.answer == "张三[2]" and verdict.fixes == []                # cited right: as it was
    verdict = copied_answer(query, "张三[1]", [notice, final])
    assert verdict.answer == "张三[2]" and verdict.fixes == ["citation_repointed"]
    assert verdict.citations[0].chunk_id == "f#0" and "张三" in verdict.citations[0].evidence
    assert copied_answer(query, "王五[1]", [notice, final]) is None          # in no passage


def test_a_latin_name_is_found_whatever_its_case():
    launch = Chunk("l#0", "l", 0, 0, "某某公司春季发布会推出新款手机Lumo Pro。", title="发布会", date="2022-03-09")
    assert _kept("某某公司春季发布会推出的手机是什么?", "Lumo Pro[1]", [launch])
    assert not _kept("某某公司春季发布会推出的手机是什么?", "Nova Pro[1]", [launch])


def test_the_second_prompt_offers_no_refusal():
    query = Query.parse("某某集团的新任首席执行官是谁?")
    first = [{"role": "system", "content": "规则"},
             {"role": "user", "content": "资料：…\n问题：…\n" + instructions("simplified")["instruction"]}]
    second = second_messages(first, query.script)
    assert second[0] == first[0] and REFUSAL not in second[-1]["content"] and "编号" in second[-1]["content"]
    assert instructions("simplified")["instruction"] not in second[-1]["content"]


def test_the_pipeline_reads_again_and_records_the_fix(fake_index):
    p, gen = fake_pipeline(fake_index, REFUSAL, "李守来[1]")
    answer = p.ask("谁下定决心把产业转移到蓝山?")   # a name: no sentence is quoted for a question asking who
    assert len(gen.calls) == 2 and not answer.refused and answer.answer.startswith("李守来")
    assert answer.fixes == [FIX] and answer.model_answer == REFUSAL
    assert "李守来" in answer.citations[0].evidence and answer.citations[0].doc_id.startswith("003")
    p, gen = fake_pipeline(fake_index, REFUSAL, "张三[1]")       # copied from nowhere: the refusal stands
    answer = p.ask("谁下定决心把产业转移到蓝山?")
    assert len(gen.calls) == 2 and answer.refused and answer.fixes == [] and answer.answer == REFUSAL
    p, gen = fake_pipeline(fake_index, REFUSAL, "李守来[1]", second_reading=False)
    answer = p.ask("谁下定决心把产业转移到蓝山?")
    assert len(gen.calls) == 1 and answer.refused

