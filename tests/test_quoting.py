"""The extractive fallback (rag/answer/quoting.py): a sentence is quoted only when it pins down
everything the question asks; on invented passages, so no rule depends on the seed articles."""

from rag.answer.quoting import quoted_answer
from rag.answer.verify import verify_reply
from rag.documents import Chunk
from rag.query import Query

PASSAGE = Chunk("doc#0", "doc", 0, 80, "数据显示,2022年甲市进出口总额37.25亿元,位列全省第5。上半年,甲市实际使用外资2086万美元。",
                title="甲市开放观察", date="2022-08-01", source="某报")
TRADITIONAL = Chunk("trad#0", "trad", 0, 40, "乙縣今年引進項目12個,其中4個已開工建設。", title="乙縣招商", date="2021")


def test_a_sentence_that_holds_the_metric_place_period_and_a_figure_is_quoted():
    assert quoted_answer(Query.parse("甲市2022年进出口总额在全省排第几?"), [PASSAGE]) == \
        "原文：「数据显示,2022年甲市进出口总额37.25亿元,位列全省第5。」[1]"
    assert quoted_answer(Query.parse("乙縣2021年引進項目中幾個已開工建設?"), [TRADITIONAL]) == \
        "原文：「乙縣今年引進項目12個,其中4個已開工建設。」[1]"   # 今年 read against the article's year


def test_nothing_is_quoted_for_another_year_place_metric_or_a_part_of_the_year():
    for question in ("甲市2021年进出口总额是多少?",      # another year
                     "丙市2022年进出口总额是多少?",      # another place (in neither sentence nor title)
                     "甲市2022年常住人口是多少?",        # another metric
                     "甲市2022年实际使用外资是多少?",    # full year asked, the sentence is about 上半年
                     "今天天气怎么样?"):
        assert quoted_answer(Query.parse(question), [PASSAGE]) is None, question


def test_a_figure_stated_for_another_year_is_neither_quoted_nor_shown():
    # the sentence names the asked year (立项) but states the figure for the next one (hd13 kind)
    passage = Chunk("y#0", "y", 0, 40, "戊公司从2022年6月立项,到2023年营业收入1.8亿元。", title="戊公司", date="2024")
    asked_2022 = Query.parse("戊公司2022年营业收入多少?")
    assert quoted_answer(asked_2022, [passage]) is None
    assert quoted_answer(Query.parse("戊公司2023年营业收入多少?"), [passage]) is not None
    verdict = verify_reply(asked_2022, "1.8亿元[1]", [passage])
    assert verdict.refused and "figures stated for 2023, not 2022" in verdict.refusal_reason


def test_a_clause_broken_by_a_line_break_is_quoted_whole_and_a_share_asked_in_words_is_found():
    broken = Chunk("b#0", "b", 0, 60, "己机场自2014年12月通航以来,从最初只开通1条航线发展到目前\n20多条航线、直达30多个城市。",
                   title="己市开放", date="2021")
    assert quoted_answer(Query.parse("己机场目前开通了多少条航线?"), [broken]) == \
        "原文：「己机场自2014年12月通航以来,从最初只开通1条航线发展到目前20多条航线、直达30多个城市。」[1]"
    share = Chunk("s#0", "s", 0, 40, "今年1-6月,庚市实际到位资金262亿元,完成年度任务的48.55%。", title="庚市", date="2019")
    assert quoted_answer(Query.parse("庚市上半年完成年度任务的百分之多少?"), [share]) == \
        "原文：「今年1-6月,庚市实际到位资金262亿元,完成年度任务的48.55%。」[1]"


def test_the_figure_must_stand_by_a_word_that_names_it():
    # a sentence that names the asked figure without giving it, and a figure after a sentence that
    # names another one, answer nothing (hs09#3, hs04#3 kinds); a figure in words counts (近千亿元)
    passage = Chunk("n#0", "n", 0, 90, "今年上半年，辛市海关进口通关时间压减至3.03小时，均远优于全国平均水平。"
                    "辛机场2020年旅客吞吐量达86万人次，货邮吞吐量1523.6吨。壬港截至今年8月底，已累计完成吞吐量78.3万吨。"
                    "壬市商会会员年营业额近千亿元。", title="辛市开放", date="2021")
    assert quoted_answer(Query.parse("2021年上半年辛市海关全国平均水平是多少?"), [passage]) is None
    assert quoted_answer(Query.parse("辛机场2021年货邮是多少?"), [passage]) is None
    assert quoted_answer(Query.parse("辛机场2020年货邮是多少?"), [passage]) == \
        "原文：「辛机场2020年旅客吞吐量达86万人次，货邮吞吐量1523.6吨。」[1]"
    assert quoted_answer(Query.parse("壬市商会会员年营业额有多少?"), [passage]) == "原文：「壬市商会会员年营业额近千亿元。」[1]"


def test_a_model_refusal_becomes_the_quoted_sentence_recorded_as_a_fix():
    verdict = verify_reply(Query.parse("甲市2022年进出口总额在全省排第几?"), "根据现有资料，无法回答这个问题。", [PASSAGE])
    assert not verdict.refused and verdict.verified
    assert "第5" in verdict.answer and verdict.citations[0].chunk_id == "doc#0"
    assert verdict.fixes == ["quoted_sentence"] and verdict.model_answer.startswith("根据现有资料")
    refused = verify_reply(Query.parse("甲市2021年进出口总额是多少?"), "根据现有资料，无法回答这个问题。", [PASSAGE])
    assert refused.refused and refused.fixes == []


LIST = Chunk("list#0", "list", 0, 90, "前三季度，丁市对外贸易不断扩大，对东盟贸易额12.5亿元，增长8%；对欧盟9.4亿元，增长3.2%；"
             "对非洲进出口4.1亿元，增长20%。", title="丁市外贸", date="2021")


def test_an_answer_that_took_another_item_of_a_list_is_replaced_by_the_item_asked_about():
    question = Query.parse("2021年前三季度丁市对欧盟贸易额是多少?")
    verdict = verify_reply(question, "12.5亿元[1]", [LIST])   # the 东盟 item
    assert verdict.answer == "原文：「对欧盟9.4亿元，增长3.2%」[1]" and verdict.fixes == ["quoted_matching_clause"]
    assert verdict.verified and verdict.model_answer == "12.5亿元[1]"
    right = verify_reply(Query.parse("2021年前三季度丁市对东盟贸易额是多少?"), "12.5亿元[1]", [LIST])
    assert right.answer == "12.5亿元[1]" and right.fixes == []          # the right item is left alone


def test_a_question_asking_who_is_never_quoted_and_one_asking_when_needs_a_date():
    # a champion's season with a number in it names no champion; a tonnage is no launch date
    season = Chunk("c#0", "c", 0, 60, "2021赛季甲超还未开始，卫冕冠军就退出了，涉及12支球队。", title="甲超", date="2021")
    assert quoted_answer(Query.parse("2021赛季甲超冠军是谁?"), [season]) is None
    launch = Chunk("l#0", "l", 0, 60, "乙号核潜艇下水 从卫星图像上看，7000吨级的乙号尺寸要大得多。", title="乙号", date="2021")
    assert quoted_answer(Query.parse("乙号核潜艇下水的时间"), [launch]) is None
    dated = Chunk("d#0", "d", 0, 60, "乙号核潜艇已于11月23日下水，排水量7000吨。", title="乙号", date="2021")
    assert quoted_answer(Query.parse("乙号核潜艇下水的时间"), [dated]) == "原文：「乙号核潜艇已于11月23日下水，排水量7000吨。」[1]"


def test_a_day_answering_when_gets_the_month_its_cited_sentence_gives_recorded_as_a_fix():
    passage = Chunk("m#0", "m", 0, 60, "新华社北京3月10日电 丙会议10日上午在北京闭幕。", title="丙会议闭幕", date="2022")
    verdict = verify_reply(Query.parse("丙会议闭幕时间"), "10日上午[1]", [passage])
    assert verdict.answer == "3月10日上午[1]" and verdict.fixes == ["date_from_evidence"]
    assert verdict.citations[0].chunk_id == "m#0" and verdict.model_answer == "10日上午[1]"


def test_a_word_fragment_of_the_question_does_not_replace_a_right_answer():
    # jieba reads 营收为 in the question as 营 | 收为; 收为 is in another clause's 分别营收为, not a word of it
    first = Chunk("f#0", "f", 0, 60, "报告显示，2022年上半年汤臣倍健实现营收42.21亿元，同比基本持平。", title="半年报", date="2022")
    other = Chunk("o#0", "o", 0, 60, "2022年上半年，一季度、二季度分别营收为22.80亿元和19.41亿元。", title="财报", date="2022")
    verdict = verify_reply(Query.parse("汤臣倍健2022年上半年的营收为多少？"), "42.21亿元[1]", [first, other])
    assert verdict.answer == "42.21亿元[1]" and "quoted_matching_clause" not in verdict.fixes


def test_a_clause_matching_fewer_of_the_questions_words_does_not_replace_the_cited_one():
    # hy03: the cited clause has 世界/国家/地区/合作伙伴, another has only 往来 (and a figure of 2023)
    cited = Chunk("c#0", "c", 0, 80, "数字背后，是来自世界五大洲160多个国家和地区合作伙伴对甲市的认可。", title="甲市开放", date="2021")
    other = Chunk("x#0", "x", 0, 80, "据统计，2023年，甲市与全球176个国家和地区实现贸易往来。", title="甲市外贸", date="2024")
    verdict = verify_reply(Query.parse("甲市与世界五大洲多少个国家和地区的合作伙伴有往来?"), "160多个[1]", [cited, other])
    assert "160多个" in verdict.answer and "quoted_matching_clause" not in verdict.fixes


def test_a_question_asking_when_needs_no_passage_with_the_word_time():
    # 时间 asks for a date: the gate's topic words and the quote's metric words leave it out
    assert "时间" not in Query.parse("2022年甲峰会的时间?").topic
    assert "时间" in Query.parse("甲市通关时间压缩了多少?").topic
    dated = Chunk("g#0", "g", 0, 60, "2022年甲峰会于11月15日至16日在乙地举行。", title="甲峰会", date="2022")
    assert quoted_answer(Query.parse("2022年甲峰会的时间?"), [dated]) == "原文：「2022年甲峰会于11月15日至16日在乙地举行。」[1]"


def test_which_time_answered_with_a_rank_is_refused_or_replaced_by_the_sentence_stating_it():
    # the small model answers 第几次入围? with the list's rank (hy10#1, hs11#3 kind): no figure
    # of the passage makes a rank the answer to which time; the sentence that states the time of
    # the same event is quoted instead (hs11#3, hw08#2), when its passage is about the year asked
    ranks = Chunk("r#0", "r", 0, 0, "2020年某某市以综合得分70分入围百强城市榜单，位列第71位。", title="榜单")
    question = Query.parse("某某市这是第几次入围百强城市榜单?")
    rank = verify_reply(question, "第71位[1]", [ranks])
    assert rank.refused and rank.refusal_reason == "the model's answer (第71位[1]) gives no ordinal of 次 for 第几次"
    times = Chunk("t#0", "t", 0, 0, ranks.text + "这是该市第六次入围。", title="榜单", date="2020")
    which = verify_reply(question, "第六次[1]", [times])
    assert not which.refused and which.answer == "第六次[1]" and which.citations[0].chunk_id == "t#0"
    quoted = verify_reply(question, "第71位[1]", [times])
    assert quoted.answer == "原文：「这是该市第六次入围。」[1]" and quoted.fixes == ["quoted_sentence"]
    assert verify_reply(Query.parse("某某市2021年是第几次入围?"), "第71位[1]", [times]).refused  # another year


def test_a_citation_that_backs_no_figure_vouches_for_no_period():
    # "…74个[2]。根据资料[1]。": the 74 comes from another year's article; the bare [1] of the
    # asked year's article does not make it an answer (hs07#3 kind)
    asked = Chunk("a#0", "a", 0, 0, "甲市今年签约项目28个,其中6个已开工建设。", title="甲市招商", date="2013")
    other = Chunk("b#0", "b", 0, 0, "今年上半年甲市签约的106个项目中,已开工74个。", title="甲市回归", date="2022")
    question = Query.parse("甲市2013年签约的项目中已经开工的有几个?")
    wrong = verify_reply(question, "甲市2013年签约的项目中已经开工的有74个[2]。根据资料[1]。", [asked, other])
    # not shown; the sentence of the year asked is quoted instead (已经 is no word a passage must hold: 已开工)
    assert wrong.answer == f"原文：「{asked.text}」[1]" and wrong.fixes == ["quoted_sentence"]
    silent = Chunk("s#0", "s", 0, 0, "甲市今年签约项目成效显著。", title="甲市招商", date="2013")  # nothing to quote
    refused = verify_reply(question, "甲市2013年签约的项目中已经开工的有74个[2]。根据资料[1]。", [silent, other])
    assert refused.refused and refused.refusal_reason.endswith("cites passages about 2022, not 2013")
    right = verify_reply(question, "6个[1]", [asked, other])
    assert not right.refused and right.answer == "6个[1]" and right.citations[0].doc_id == "a"


def test_a_count_answers_no_amount():
    # 72个 for 意向投资总额有多少? (hn09#3 kind): the clause that states the amount is quoted instead
    listed = Chunk("c#0", "c", 0, 0, "目前甲市已引进项目72个,意向投资总额超过1200亿元。", title="甲市招商", date="2013")
    question = Query.parse("甲市意向投资总额有多少?")
    verdict = verify_reply(question, "72个[1]", [listed])
    assert verdict.answer == "原文：「目前甲市已引进项目72个,意向投资总额超过1200亿元。」[1]" and verdict.fixes == ["quoted_sentence"]
    assert verify_reply(question, "超过1200亿元[1]", [listed]).answer == "超过1200亿元[1]"
    assert verify_reply(Query.parse("甲市已引进项目多少个?"), "72个[1]", [listed]).answer == "72个[1]"


def test_a_number_of_years_answers_a_question_asking_how_many_years():
    # 有期徒刑24年 is a duration, not a date, when the question asks 多少年 (RGB zh_refine 147 kind)
    verdict = Chunk("v#0", "v", 0, 0, "甲案发生于2022年6月10日。甲案主犯被判处有期徒刑24年。", title="甲案宣判", date="2022")
    assert quoted_answer(Query.parse("甲案主犯被判多少年?"), [verdict]) == "原文：「甲案主犯被判处有期徒刑24年。」[1]"
    dated = Chunk("d#0", "d", 0, 0, "甲案主犯于2022年被判处有期徒刑。", title="甲案宣判", date="2022")
    assert quoted_answer(Query.parse("甲案主犯被判多少年?"), [dated]) is None   # a year is no number of years
    assert quoted_answer(Query.parse("甲案主犯被判处有期徒刑了吗?"), [verdict]) is None


def test_a_list_item_of_another_place_does_not_replace_the_answer():
    # the growth of 泰国 in a passage about 泰国 and its neighbours is no item of a list about 日本
    ours = Chunk("a#0", "a", 0, 60, "日本2023年一季度国内生产总值（GDP）同比增长4.5%。", title="一季度数据", date="2023")
    theirs = Chunk("b#0", "b", 0, 80, "泰国是2023年第一季度六国经济增长最快的国家，GDP增长率达到6.4%。", title="六国经济", date="2023")
    verdict = verify_reply(Query.parse("2023一季度日本GDP增长率"), "4.5%[1]", [ours, theirs])
    assert verdict.answer == "4.5%[1]" and verdict.fixes == []
    assert verdict.citations[0].chunk_id == "a#0"


def test_a_season_asked_about_is_no_other_season_of_the_passage():
    from rag.answer.quoting import period_fits, span_fits
    question = Query.parse("甲联赛2021-2022赛季总冠军")
    assert not span_fits(question, "2020-2021赛季甲联赛总决赛落下帷幕，乙队夺得总冠军")
    assert span_fits(question, "丙队夺得2021—2022赛季甲联赛总冠军")            # another dash, same span
    assert span_fits(question, "丙队夺得甲联赛总冠军")                          # no span named
    assert not period_fits(question, "2020-2021赛季甲联赛总决赛落下帷幕", None)
    assert span_fits(Query.parse("甲联赛2022年总冠军"), "2020-2021赛季")       # the question names no span
