"""The external benchmarks: RGB's protocol and scoring, CMRC 2018's official scorer, both runners on
tiny stand-in data with a fake model."""

import json
import random

import pytest

from rag.eval.cmrc import run_cmrc
from rag.eval.report import cmrc_text
from rag.eval.metrics import cmrc_em, cmrc_f1, rgb_correct, rgb_labels
from rag.eval.rgb import negatives_for, run_rgb, select_passages
from rag.eval.runs import read_rows

from conftest import FakeGenerator


def test_rgb_scoring_follows_the_benchmark():
    assert rgb_labels("死亡人数为12 人", ["12人"]) == [1]
    assert rgb_labels("RCEP包括东盟、中国、日本", ["东盟", "中国", "韩国"]) == [1, 1, 0]
    assert rgb_labels("文档信息不足，因此我无法基于提供的文档回答该问题。", ["12人"]) == [-1]
    assert rgb_labels("Insufficient Information", ["x"]) == [-1]
    assert rgb_labels("时间是1月3日", [["1月3日", "一月三日"]]) == [1]
    # zh_fact's gold is mostly one string: one label, not one per character (7 and 0 are in 170)
    assert rgb_labels("军运会在湖北成都举行", "武汉") == [0] and rgb_labels("共有170个议席", "70") == [1]
    assert rgb_labels("新增就业161万人", "1361万") == [0]
    assert rgb_correct([1, 1]) and not rgb_correct([1, 0]) and not rgb_correct([-1])


def test_cmrc_em_and_f1_follow_the_official_scorer():
    refs = ["光荣和ω-force", "光荣和ω-force"]
    assert cmrc_em("光荣和ω-force", refs) == 1.0 and cmrc_em("光荣", refs) == 0.0
    assert cmrc_em("《战国无双3》", ["战国无双3"]) == 1.0          # official punctuation is removed
    assert cmrc_f1("光荣", refs) == pytest.approx(2 * (1.0 * 2 / 4) / (1.0 + 2 / 4))
    assert cmrc_f1("完全无关", refs) == 0.0
    assert cmrc_f1("1994年", ["1994年", "1994"]) == 1.0              # max over references


# --- RGB protocol -------------------------------------------------------------------------------

INSTANCE = {"id": 7, "query": "q", "answer": ["a"], "positive": [f"p{i}" for i in range(6)],
            "negative": [f"n{i}" for i in range(6)]}


@pytest.mark.parametrize("noise, negatives", [(0, 0), (0.2, 1), (0.4, 2), (0.6, 3), (0.8, 4), (1.0, 5)])
def test_rgb_passages_hold_ceil_5r_negatives_shuffled(noise, negatives):
    docs = select_passages(INSTANCE, "refine", noise, random.Random(1))
    assert len(docs) == 5 and negatives_for(noise) == negatives
    assert [k for k, _ in docs].count("negative") == negatives
    assert docs == select_passages(INSTANCE, "refine", noise, random.Random(1))  # seeded: reproducible


def test_rgb_integration_takes_one_positive_per_sub_question_first():
    inst = {**INSTANCE, "positive": [["a1", "a2", "a3"], ["b1", "b2"]]}
    docs = select_passages(inst, "int", 0.4, random.Random(0))
    texts = [t for _, t in docs]
    assert sum(t.startswith("a") for t in texts) >= 1 and sum(t.startswith("b") for t in texts) >= 1
    assert [k for k, _ in docs].count("negative") == 2


def test_rgb_fact_uses_the_altered_passages():
    inst = {**INSTANCE, "positive": ["p0", "p1"], "positive_wrong": ["w0", "w1"]}
    docs = select_passages(inst, "fact", 0.4, random.Random(0))
    assert sorted(t for k, t in docs if k == "wrong") == ["w0", "w1"] and len(docs) == 4


# --- the benchmark runners, on tiny stand-in data and a fake model -----------------------------

def test_rgb_runner_scores_and_resumes(tmp_path, settings):
    (tmp_path / "rgb").mkdir()
    rows = [{**INSTANCE, "id": i, "query": f"q{i}", "answer": ["12人"]} for i in range(3)]
    (tmp_path / "rgb" / "zh_refine.json").write_text("".join(json.dumps(r) + "\n" for r in rows))
    s = settings.replace(bench_dir=tmp_path)
    out = tmp_path / "rgb.jsonl"
    gen = FakeGenerator("死亡人数为12人。")
    summary = run_rgb(s, "refine", 0.4, out, limit=2, progress=False, generator=gen)
    assert summary["questions"] == 2 and summary["accuracy"] == 1.0 and len(gen.calls) == 2
    system, user = gen.calls[0][0]["content"], gen.calls[0][1]["content"]
    assert system.startswith("你是一个准确和可靠的人工智能助手") and user.startswith("文档：\n") and user.endswith("问题：\nq0")
    gen.reply = "文档信息不足，因此我无法基于提供的文档回答该问题。"
    summary = run_rgb(s, "refine", 0.4, out, progress=False, generator=gen)  # only q2 is new
    assert len(gen.calls) == 3 and summary["questions"] == 3
    assert summary["accuracy"] == pytest.approx(2 / 3) and summary["rejection_rate"] == pytest.approx(1 / 3)


def test_cmrc_runner_indexes_the_passages_and_scores_spans(tmp_path, settings):
    data = {"version": "v1.0", "data": [
        {"id": "DEV_0", "title": "战国无双3", "paragraphs": [{"id": "DEV_0", "context": "《战国无双3》是由光荣和ω-force开发的战国无双系列的正统第三续作。本作以三大故事为主轴。",
                                                          "qas": [{"id": "DEV_0_QUERY_0", "question": "《战国无双3》是由哪两个公司合作开发的？",
                                                                   "answers": [{"text": "光荣和ω-force", "answer_start": 11}]}]}]},
        {"id": "DEV_1", "title": "天气", "paragraphs": [{"id": "DEV_1", "context": "今天天气晴朗，气温二十度。",
                                                       "qas": [{"id": "DEV_1_QUERY_0", "question": "今天气温多少度？",
                                                                "answers": [{"text": "二十度", "answer_start": 9}]}]}]}]}
    (tmp_path / "cmrc2018").mkdir()
    (tmp_path / "cmrc2018" / "cmrc2018_dev.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    s = settings.replace(bench_dir=tmp_path, model_cache=tmp_path / "cache" / "models", min_relevance=0.0,
                         min_term_coverage=0.0)  # the fake embedder is not calibrated; gates are tested elsewhere
    out = tmp_path / "cmrc.jsonl"
    summary = run_cmrc(s, out, progress=False, generator=FakeGenerator("光荣和ω-force[1]"))
    first, second = read_rows(out)
    assert first["gold_passage"] == "cmrc2018-dev-DEV_0" and first["em"] == 1.0 and first["f1"] == 1.0
    assert second["em"] == 0.0
    assert summary["questions"] == 2 and summary["em"] == 0.5 and summary["hit5"] == 1.0
    assert first["part"] == "calibration" and second["part"] == "heldout"  # even / odd positions
    assert summary["parts"]["calibration"] == {"questions": 1, "em": 1.0, "f1": 1.0}
    assert summary["parts"]["heldout"]["em"] == 0.0 and "calibration (1): EM 100.0" in cmrc_text(summary, out)
    assert (tmp_path / "cache" / "bench" / "cmrc2018" / "index").is_dir()


def test_at_noise_1_only_a_rejection_counts_as_right():
    from rag.eval.rgb import summarise_rgb

    rows = [{"id": 1, "labels": [-1], "timings": {"total_s": 1.0}}, {"id": 2, "labels": [1], "timings": {"total_s": 1.0}}]
    assert summarise_rgb(rows, "refine", 1.0)["accuracy"] == 0.5 == summarise_rgb(rows, "refine", 1.0)["rejection_rate"]
    assert summarise_rgb(rows, "refine", 0.4)["accuracy"] == 0.5


def test_summaries_score_stored_replies_again():
    from rag.eval.rgb import summarise_rgb

    # written with the old per-character labels of a one-string gold: 1, 3, 6, 1, 万 all appear
    row = {"id": 1, "answer": "1361万", "prediction": "2018年新增就业161万人，其中3万人。", "labels": [1, 1, 1, 1, 1],
           "fact_flag": False, "timings": {"total_s": 1.0}}
    assert summarise_rgb([row], "fact", 0.0)["accuracy"] == 0.0
    flagged = {**row, "prediction": "提供文档的文档存在事实性错误。正确答案是1361万。"}
    summary = summarise_rgb([flagged], "fact", 0.0)
    assert summary["accuracy"] == 1.0 and summary["error_detection_rate"] == 1.0 == summary["error_correction_rate"]


def test_rgb_open_pools_every_passage_once_and_asks_through_the_product_path(tmp_path, settings):
    from rag.eval.rgb_open import run_rgb_open

    shared = "今年年初，印控克什米尔地区的寺庙发生踩踏事件，造成至少12人死亡、14人受伤。"
    rows = [{"id": 0, "query": "寺庙踩踏事故死亡人数是多少?", "answer": ["12人"], "positive": [shared],
             "negative": ["某市今年上半年进出口总额为100亿元。", shared]},
            {"id": 1, "query": "寺庙踩踏事故受伤人数是多少?", "answer": ["14人"], "positive": [shared],
             "negative": ["某县今年共有居民五万人。"]}]
    (tmp_path / "rgb").mkdir()
    (tmp_path / "rgb" / "zh_refine.json").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                                     encoding="utf-8")
    s = settings.replace(bench_dir=tmp_path, model_cache=tmp_path / "cache" / "models", min_relevance=0.0,
                         min_term_coverage=0.0)  # the fake embedder is not calibrated; gates are tested elsewhere
    out = tmp_path / "open.jsonl"
    gen = FakeGenerator("至少12人死亡[1]")
    summary = run_rgb_open(s, out, progress=False, generator=gen)
    corpus = tmp_path / "cache" / "bench" / "rgb-open" / "rgb-zh_refine-pool.jsonl"
    assert len(corpus.read_text(encoding="utf-8").splitlines()) == 3  # the shared passage once
    assert len(gen.calls) == 2 and "寺庙踩踏事故死亡人数是多少?" in gen.calls[0][-1]["content"]  # the product's prompt
    first, second = read_rows(out)
    assert (first["part"], second["part"]) == ("calibration", "heldout")
    assert first["labels"] == [1] and second["labels"] == [0] and first["citations"][0]["evidence"].startswith("今年年初")
    assert summary["all"]["correct"] == 1 and summary["calibration"]["correct"] == 1 == summary["all"]["gold_top5"] - 1


def test_rgb_open_int_pools_nested_positives_and_asks_each_part_of_a_two_part_question(tmp_path, settings):
    from rag.eval.rgb_open import run_rgb_open

    rows = [{"id": 0, "query": "2021年甲市和乙市的进出口总额分别是多少?", "answer": ["12亿元", "14亿元"],
             "positive": [["2021年甲市进出口总额12亿元。"], ["2021年乙市进出口总额14亿元。"]],
             "negative": ["丙县今年共有居民五万人。"]}]
    (tmp_path / "rgb").mkdir()
    (tmp_path / "rgb" / "zh_int.json").write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    s = settings.replace(bench_dir=tmp_path, model_cache=tmp_path / "cache" / "models", min_relevance=0.0,
                         min_term_coverage=0.0)
    gen = FakeGenerator("12亿元[1]")
    summary = run_rgb_open(s, tmp_path / "int.jsonl", progress=False, generator=gen, task="int")
    corpus = tmp_path / "cache" / "bench" / "rgb-open-int" / "rgb-zh_int-pool.jsonl"
    assert len(corpus.read_text(encoding="utf-8").splitlines()) == 3
    assert len(gen.calls) == 2  # one per part, through rag/multipart.py
    (row,) = read_rows(tmp_path / "int.jsonl")
    assert len(row["positives"]) == 2 and row["labels"][0] == 1 and summary["task"] == "int"
