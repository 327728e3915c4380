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
    assert standalone("What about Yongzhou?", FIRST) == "What about Yongzhou?"  # another language: as asked
    # a Chinese follow-up of an English question: against its place, period and glossary words (hs08)
    assert standalone("永州呢?", "What was Hengyang's total in 2023?") == "永州2023年总额是多少?"
    assert standalone("同比增长了多少?", "How much did Hengyang invest abroad in 2023?") == "衡阳2023年对外投资同比增长了多少?"
    assert standalone("那2022年呢?", None) == "那2022年呢?"


def test_period_words_are_no_topic_and_acronyms_no_place():
    assert standalone("2021年前三季度呢?", "2019年上半年衡阳对非洲进出口贸易额是多少?") == \
        "2021年前三季度衡阳对非洲进出口贸易额是多少?"
    assert standalone("那进出口总额呢?", "衡阳2023年GDP是多少?") == "衡阳2023年进出口总额是多少?"
    assert standalone("那GDP呢?", FIRST) == "衡阳2023年GDP是多少?"


def test_a_chain_of_follow_ups_resolves_turn_by_turn():
    previous = None
    for turn, expected in (("衡阳2023年进出口总额是多少?", "衡阳2023年进出口总额是多少?"),
                           ("那2022年呢?", "衡阳2022年进出口总额是多少?"),
                           ("永州呢?", "永州2022年进出口总额是多少?")):
        previous = standalone(turn, previous)
        assert previous == expected


@pytest.mark.parametrize("previous, follow_up, expected", [
    # the change, share or rank of the previous figure: its subject, then the follow-up (d13, d17, d28, d32)
    ("衡陽2023年全市對外實際投資額是多少?", "同比增長多少?", "衡陽2023年全市對外實際投資額同比增長多少?"),
    ("2021年前三季度衡阳实际使用外资多少?", "增长多少?", "2021年前三季度衡阳实际使用外资增长多少?"),
    ("2019年上半年衡阳进出口总额是多少?", "居全省第几?", "2019年上半年衡阳进出口总额居全省第几?"),
    # a share of the previous figure, even when its subject names no known place (hy05)
    ("甲高新区马达制造及配套企业有多少家?", "占园区企业总数的多少?", "甲高新区马达制造及配套企业占园区企业总数的多少?"),
    # another metric: the previous place, period and organisation, then the new metric (d12, d26, d32)
    ("南岳机场2020年旅客吞吐量是多少?", "货邮吞吐量呢?", "南岳机场2020年货邮吞吐量是多少?"),
    ("万魔声学（湖南）公司从注册到投产用了多少天?", "累计实现产值多少?", "万魔声学(湖南)公司累计实现产值多少?"),
    ("2021年前三季度衡阳实际使用外资增长多少?", "对外承包工程营业额呢?", "2021年前三季度衡阳对外承包工程营业额多少?"),
    # a rank asked of the previous figure is not carried over to a new metric (d03)
    ("2019年上半年衡阳进出口总额居全省第几?", "那对非洲进出口贸易额呢?", "2019年上半年衡阳对非洲进出口贸易额是多少?"),
    # another trade partner replaces the previous one (d05); a partner or a rank's scope is no own place (d13)
    ("2021年前三季度衡阳对东盟贸易额是多少?", "对欧盟呢?", "2021年前三季度衡阳对欧盟贸易额是多少?"),
    ("衡陽2023年全市對外實際投資額是多少?", "進出口總額在湖南省排第幾?", "衡陽2023年全市進出口總額在湖南省排第幾?"),
    # 其中 of an amount asks about its items, not a part of the amount; 其中 stays (d10, hd17)
    ("2024衡商大会上衡阳总投资额是多少?", "其中外商投资项目多少个?", "2024衡商大会上衡阳其中外商投资项目多少个?"),
    ("2021中国民营企业500强峰会上衡阳签约金额多少?", "其中500强项目几个?", "2021中国民营企业500强峰会上衡阳其中500强项目几个?"),
    # the thing a context is about, when a verb follows it, stays with the context (hd05, hd06)
    ("截至2021年8月底松木港累计完成港口吞吐量多少?", "其中集装箱完成多少标箱?", "截至2021年8月底松木港其中集装箱完成多少标箱?"),
    # the amount of the things a question counted: its whole subject with them (hd06, hv06, d10)
    ("衡阳中欧（中亚）班列累计开行多少列?", "货值多少?", "衡阳中欧(中亚)班列累计开行货值是多少?"),
    ("2024衡商大會上「三類500強」企業項目有幾個?", "總投資額是多少?", "2024衡商大會上「三類500強」企業項目總投資額是多少?"),
    ("2024衡商大会上衡阳签约引进多少个项目?", "总投资额是多少?", "2024衡商大会上衡阳签约引进项目总投资额是多少?"),
    # a group of the same kind as one of the previous subject replaces it (hv03), a kind too (d12)
    ("2018年至今衡阳引进的三类500强项目投资总额是多少?", "民营500强呢?", "2018年至今衡阳引进的民营500强项目投资总额是多少?"),
    # …but two names that only share 项目 or 投资 are not of a kind, and no action is carried (hz04)
    ("2013年益阳签约引进投资1亿元以上项目中几个已开工建设?", "意向投资总额呢?", "2013年益阳意向投资总额是多少?"),
    # a place the question's own place deals with (与广东) is no place of a follow-up (hv10)
    ("衡阳与广东相关港口签订合作协议后外贸企业整体货物通关时间压缩了多少?", "2023年以水路运输方式进出口的占比呢?",
     "衡阳2023年以水路运输方式进出口的占比多少?"),
    ("瑞达电源2023年营业收入多少?", "净利润呢?", "瑞达电源2023年净利润多少?"),  # a last word read as a verb is the metric
    # the same action at another point, the same unit asked (hx04); a kind of place is no place (hx14)
    ("永州社会投资建设项目总审批时限压缩至多少个工作日?", "压缩前是多少个工作日?",
     "永州社会投资建设项目总审批时限压缩前是多少个工作日?"),
    ("南岳机场目前开通了多少条航线?", "直达多少个城市?", "南岳机场直达多少个城市?"),
    ("衡阳成功申报省级对外投资合作重点培育项目几个?", "培育了几家公司为对外投资企业?", "衡阳培育了几家公司为对外投资企业?"),
    ("永州1月至6月签约“湘商回归”项目多少个?", "其中已开工多少个?", "永州1月至6月签约“湘商回归”项目中已开工多少个?"),
    # a count that names nothing counts among the things counted before (hs07, hs02, d07)
    ("益阳2013年签了多少个投资上亿元的项目?", "已经开工的有几个?", "益阳2013年签了投资上亿元的项目中已经开工的有几个?"),
    ("永州1月至6月签约“湘商回归”项目中已开工多少个?", "已投产多少个?", "永州1月至6月签约“湘商回归”项目中已投产多少个?"),
    ("几个?", "已经开工的有几个?", "已经开工的有几个?"),  # nothing counted before: as asked
    # the previous question's unit goes only to a thing of its kind (hs04, hs02, hs12; hy09)
    ("南岳机场2020年的旅客吞吐量有多少人次?", "货邮呢?", "南岳机场2020年货邮是多少?"),
    ("永州上半年开工了几个?", "开工率呢?", "永州上半年开工率是多少?"),
    ("衡陽2023年「湘商回歸」到位了多少資金?", "新增註冊企業呢?", "衡陽2023年新增註冊企業是多少?"),
    ("2021年上半年衡阳海关出口整体通关时间压减到多少小时?", "进口呢?", "2021年上半年衡阳海关进口多少小时?"),
    # a rank of the previous figure, and the ordinal of the event it came from (hs11)
    ("衡阳2020年入围中国外贸百强城市的综合得分是多少?", "排在第几位?", "衡阳2020年入围中国外贸百强城市的综合得分排在第几位?"),
    ("衡阳2020年入围中国外贸百强城市的综合得分排在第几位?", "这是第几次入围?", "衡阳2020年入围中国外贸百强城市是第几次入围?"),
    ("衡阳2020年中国外贸百强城市综合得分多少?", "这是第几次入围?", "衡阳2020年中国是第几次入围?"),  # no 的: its context (hw08)
    # 其中 after a count that ends with 共 (hy14); an amount after another amount replaces it (ht02)
    ("2019年洽谈周上衡阳签约的三类“500强”项目共多少个?", "其中包含哪些企业集团?",
     "2019年洽谈周上衡阳签约的三类“500强”项目中包含哪些企业集团?"),
    ("永州湘商回归项目累计到位资金多少?", "总投资呢?", "永州湘商回归项目总投资是多少?"),
    # a count of the things whose amount was asked (hv03)
    ("2018年至今衡阳引进的民营500强项目投资总额是多少?", "其中有多少个项目?", "2018年至今衡阳引进的民营500强项目有多少个?"),
    # a place jieba cuts across two words (9月22日|益阳) is the context's place (hn09); places listed
    # after a partner are partners, and 五大洲 is no place (ht04)
    ("至9月22日益阳全市共签约引进投资1亿元以上项目多少个?", "意向投资总额有多少?", "至9月22日益阳全市意向投资总额有多少?"),
    ("前三季度衡阳对马来西亚、南非、加拿大等几个国家实现外贸倍增?", "与世界五大洲多少个国家和地区的合作伙伴有合作?",
     "前三季度衡阳与世界五大洲多少个国家和地区的合作伙伴有合作?"),
    # another place with a part of a year but no year: that place's part, not the old year's (hv13)
    ("2023年衡阳新增注册企业是多少?", "永州上半年呢?", "上半年永州新增注册企业是多少?"),
    ("2023年衡阳新增注册企业是多少?", "永州呢?", "2023年永州新增注册企业是多少?"),
])
def test_change_rank_metric_and_partner_follow_ups(previous, follow_up, expected):
    assert standalone(follow_up, previous) == expected


@pytest.mark.parametrize("previous, follow_up, expected", [
    ("What was Hengyang's total import and export value in 2023?", "What about Yongzhou?",
     "What was Yongzhou's total import and export value in 2023?"),
    ("What was Hengyang's total import and export value in 2023?", "And in 2022?",
     "What was Hengyang's total import and export value in 2022?"),
    ("What was Yongzhou's total import and export value in the first half of the year?", "And how much did it grow?",
     "How much did Yongzhou's total import and export value in the first half of the year grow?"),
    ("How many projects did Yiyang sign?", "How many of them have started?",
     "How many projects did Yiyang sign? How many of them have started?"),  # no nameable antecedent: both
    ("How much did Yongzhou import and export in the first half of the year?", "What about the growth rate?",
     "How much did Yongzhou import and export in the first half of the year? What about the growth rate?"),  # hn07
    ("What was Hengyang's total import and export value in 2023?", "What about the weather?", None),
    ("What was Hengyang's total import and export value in 2023?", "What was Changsha's GDP in 2023?", None),
])
def test_english_follow_ups(previous, follow_up, expected):
    assert standalone(follow_up, previous) == (expected or follow_up)
