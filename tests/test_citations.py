"""Citation parsing, evidence sentences and number verification."""

from rag.answer.citations import cite_and_verify as check, evidence_sentence
from rag.documents import Chunk
from rag.query import Query
from rag.text.numbers import holds, numbers
from rag.text.sentences import markers


def checked(answer, question, passages):
    return check(answer, Query.parse(question), passages)


def cite_and_verify(answer, question, passages):
    """(corrected answer, citations, unbacked numbers) of the real check."""
    result = checked(answer, question, passages)
    return result.answer, result.citations, result.unbacked


def backs(value, unit, text):
    return holds(numbers(text), value, unit)

TRAD = Chunk("001#1", "001", 0, 0, "在開放的浪潮下。數據顯示,2023年衡陽市進出口總額446.1億元,位列湖南省第3。全市對外實際投資額1,701萬美元,同比增長15.3%。",
             title="邁向開放高地", date="2024", source="國際在線")
SIMP = Chunk("000#0", "000", 0, 0, "今年上半年,我市完成进出口总额144.6亿元,总量居全省第二。", date="2019-07-23")


def test_numbers_normalise_script_width_and_separators():
    assert numbers("１，７０１萬美元、446.10億元、15.3％") == [("1701", "万美元"), ("446.1", "亿元"), ("15.3", "%")]
    assert backs("446.1", "亿元", TRAD.text) and backs("446.1", "亿", TRAD.text) and backs("1701", "", TRAD.text)
    assert not backs("446.1", "元", TRAD.text)  # a unit that changes the figure is not the same number
    assert not backs("46.1", "亿元", TRAD.text) and not backs("144.6", "亿元", TRAD.text)


def test_traditional_passage_backs_a_simplified_answer():
    answer, citations, unbacked = cite_and_verify("2023年衡阳市进出口总额为446.1亿元[1]", "衡阳2023年进出口总额是多少?", [TRAD])
    assert answer == "2023年衡阳市进出口总额为446.1亿元[1]" and unbacked == []
    (c,) = citations
    assert (c.n, c.doc_id, c.title, c.date, c.source, c.added) == (1, "001", "邁向開放高地", "2024", "國際在線", False)
    assert c.evidence == "數據顯示,2023年衡陽市進出口總額446.1億元,位列湖南省第3。"


def test_wrong_marker_is_corrected_and_missing_one_inserted():
    answer, citations, unbacked = cite_and_verify("144.6亿元[1]", "2019年上半年衡阳完成进出口总额多少?", [TRAD, SIMP])
    assert answer == "144.6亿元[2]" and [(c.n, c.added) for c in citations] == [(2, True)] and unbacked == []
    assert checked("144.6亿元[1]", "2019年上半年衡阳完成进出口总额多少?", [TRAD, SIMP]).fixes == ["citation_repointed"]
    answer, citations, _ = cite_and_verify("全市對外實際投資額1701萬美元。", "多少?", [SIMP, TRAD])
    assert answer == "全市對外實際投資額1701萬美元[2]。" and citations[0].evidence.startswith("全市對外實際投資額1,701萬美元")
    date = Chunk("000#2", "000", 0, 0, "7月22日,衡阳市政府签订战略合作协议。")
    assert checked("7月22日", "哪天签订的?", [TRAD, date]).answer == "7月22日[2]"  # never inside the date


def test_unbacked_numbers_are_reported_and_bad_markers_dropped():
    result = checked("衡阳常住人口104.8万人[1][9]。", "多少?", [TRAD])
    assert result.answer == "衡阳常住人口104.8万人[1]。" and result.unbacked == ["104.8万人"]
    assert result.fixes == ["marker_dropped"]
    assert numbers("第71位") == [("71", "位")] and markers("a[2]b[1][2]") == [2, 1]


def test_a_list_number_is_not_a_figure():
    result = checked("1. 1.85億美元[1]", "總合同額是多少?", [Chunk("001#9", "001", 0, 0, "簽訂總合同額1.85億美元輸變電項目。")])
    assert result.answer == "1. 1.85億美元[1]" and result.unbacked == [] and result.fixes == []
    assert checked("2.3%[1]", "增长多少?", [Chunk("a#0", "a", 0, 0, "增长2.3%。")]).unbacked == []
    assert checked("12.5亿元[1]", "多少?", [Chunk("a#0", "a", 0, 0, "总额12.5亿元。")]).claimed == 1


def test_the_evidence_is_the_clause_that_holds_the_figure():
    passage = "7月22日,衡阳市政府签订战略合作协议;6月29日,签约12个项目;今年上半年,我市完成进出口总额144.6亿元,总量居全省第二。"
    assert evidence_sentence(passage, "144.6亿元") == "今年上半年,我市完成进出口总额144.6亿元,总量居全省第二。"


def test_the_evidence_holds_the_answers_figure_not_the_period_the_question_repeats():
    # s53's kind: the model repeats 1月至6月 of the question; the evidence is the clause with 106个
    passage = "1月至6月,甲市新注册企业91个,排名全省第一;签约项目106个,总投资324亿元。"
    claim = "甲市1月至6月签约项目106个。[1]"
    given = Query.parse("甲市1月至6月签约项目多少个?").given
    assert evidence_sentence(passage, claim, given) == "签约项目106个,总投资324亿元。"
    assert evidence_sentence(passage, claim) == "1月至6月,甲市新注册企业91个,排名全省第一;"  # without the question


def test_evidence_falls_back_to_word_overlap():
    assert evidence_sentence(TRAD.text, "衡阳进出口总额位列湖南第几") == "數據顯示,2023年衡陽市進出口總額446.1億元,位列湖南省第3。"


def test_an_answer_without_figures_or_markers_is_cited_to_the_passage_holding_its_words():
    passages = [Chunk("001#3", "001", 0, 20, "衡陽市商務局黨組書記、局長于德輝表示。", "t", "2024"),
                Chunk("000#1", "000", 0, 20, "衡阳市商务局组织培训。", "t", "2019")]
    result = checked("衡阳市商务局局长是于德辉。", "衡阳市商务局局长是谁?", passages)
    assert result.answer == "衡阳市商务局局长是于德辉[1]。"
    (c,) = result.citations
    assert c.doc_id == "001" and c.added and "于德輝" in c.evidence and result.fixes == ["citation_for_words"]
    # nothing of its own to match: left uncited rather than cited at random
    assert checked("衡阳市商务局。", "衡阳市商务局局长是谁?", passages).citations == []


def test_an_answer_for_another_bound_than_the_question_sets_is_refused_and_not_quoted():
    from rag.answer.verify import verify_reply

    passage = Chunk("003#5", "003", 0, 0, "去年10月31日,永州现场签约投资1亿元以上的工业项目38个,其中投资5亿元以上的工业项目18个。",
                    title="永州推动湘商回归", date="2022")
    other = verify_reply(Query.parse("永州投资10亿元以上的工业项目多少个?"), "18个[1]", [passage])
    assert other.refused and "no bound of 10亿元以上" in other.refusal_reason and other.citations == []
    declined = verify_reply(Query.parse("永州投资10亿元以上的工业项目多少个?"), "无法回答", [passage])
    assert declined.refused  # the sentence names 永州 and 工业项目, but not the bound: no quote
    same = verify_reply(Query.parse("永州投资5亿元以上的工业项目多少个?"), "18个[1]", [passage])
    assert not same.refused and same.answer.startswith("18个") and same.citations[0].doc_id == "003"


def test_a_combined_measure_is_no_answer_for_one_half_and_is_not_quoted_for_it():
    """u21, u22, hu01 of the calibration set: 进出口总额 given for 出口 or 进口 (invented passage)."""
    from rag.answer.verify import verify_reply

    passage = Chunk("e#0", "e", 0, 0, "上半年,甲市全市进出口总额196.79亿元,增幅56.3%。", title="甲市外贸", date="2022")
    half = verify_reply(Query.parse("甲市上半年全市出口总额是多少?"), "196.79亿元[1]", [passage])
    assert half.refused and "进出口, not 出口" in half.refusal_reason and half.citations == []
    declined = verify_reply(Query.parse("甲市上半年全市进口总额是多少?"), "根据现有资料，无法回答这个问题。", [passage])
    assert declined.refused and declined.fixes == []  # the 进出口 sentence is not quoted for 进口
    english = verify_reply(Query.parse("What was Jiashi's export value in the first half of the year?"),
                           "196.79亿元[1]", [passage])
    assert english.refused and "进出口, not 出口" in english.refusal_reason
    whole = verify_reply(Query.parse("甲市上半年全市进出口总额是多少?"), "196.79亿元[1]", [passage])
    assert not whole.refused and whole.answer.startswith("196.79亿元") and whole.citations[0].doc_id == "e"
    both = Chunk("f#0", "f", 0, 0, "上半年,甲市进出口总额196.79亿元,其中出口120.5亿元。", title="甲市外贸", date="2022")
    stated = verify_reply(Query.parse("甲市上半年出口总额是多少?"), "120.5亿元[1]", [both])
    assert not stated.refused and stated.answer.startswith("120.5亿元")
