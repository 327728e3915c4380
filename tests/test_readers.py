"""Reading files: encodings, formats, sidecars, and the one-line reasons for skipped files."""

import json

import pytest

from rag.ingest.decoding import DecodeError, decode_bytes
from rag.ingest import ingest
from rag.ingest.readers import read_file

ARTICLE_SIMPLIFIED = "衡阳市进出口总额增长\n发布时间:2023-05-06 来源:衡阳日报\n今年一季度，衡阳市进出口总额达到一百亿元，同比增长百分之十。"
ARTICLE_TRADITIONAL = "衡陽市進出口總額增長\n發布時間:2023-05-06 來源:衡陽日報\n今年一季度，衡陽市進出口總額達到一百億元，同比增長百分之十。"
LIMIT = 10**7


@pytest.mark.parametrize("encoding,text", [("gb18030", ARTICLE_SIMPLIFIED), ("big5", ARTICLE_TRADITIONAL),
                                           ("utf-8", ARTICLE_TRADITIONAL), ("utf-8-sig", ARTICLE_SIMPLIFIED),
                                           ("utf-16", ARTICLE_SIMPLIFIED)])
def test_encodings_are_detected(tmp_path, encoding, text):
    path = tmp_path / f"a-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    result = read_file(path, LIMIT)
    assert result.skipped == []
    (doc,) = result.documents
    assert doc.text.endswith(text.splitlines()[-1])
    assert (doc.date, doc.title) == ("2023-05-06", text.splitlines()[0])
    assert doc.source in ("衡阳日报", "衡陽日報")


def test_binary_and_undecodable_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "noise.txt").write_bytes(bytes([0x81, 0x20]) * 500)
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "good.txt").write_text(ARTICLE_SIMPLIFIED, encoding="utf-8")
    result = ingest([tmp_path], LIMIT)
    assert [d.doc_id for d in result.documents] == ["good"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in result.skipped}
    assert reasons["image.txt"].startswith("binary file")
    assert reasons["noise.txt"].startswith("cannot decode") or reasons["noise.txt"].startswith("undecodable")
    assert reasons["empty.txt"] == "empty file"
    assert all("\n" not in r for r in reasons.values())


def test_decode_rejects_control_character_soup():
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 100)


def test_html_page(tmp_path):
    page = """<html><head><title>站点 - 标题</title><meta property="og:site_name" content="湖南日报">
    <meta name="pubdate" content="2023-05-06 08:00"><script>alert(1)</script></head>
    <body><nav>首页 新闻 财经</nav><h1>衡阳外贸创新高</h1><div class="info">字体:大 中 小</div>
    <p>今年一季度，衡阳市进出口总额达到<b>一百亿元</b>。</p><p>扫一扫在手机打开当前页</p>
    <footer>版权所有 湖南日报 湘ICP备123号</footer></body></html>"""
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    (doc,) = read_file(tmp_path / "p.html", LIMIT).documents
    assert doc.text == "衡阳外贸创新高\n今年一季度，衡阳市进出口总额达到一百亿元。"
    assert (doc.title, doc.date, doc.source) == ("衡阳外贸创新高", "2023-05-06", "湖南日报")


def test_jsonl_one_article_per_line_and_bad_lines_reported(tmp_path):
    rows = [json.dumps({"title": "甲", "date": "2021年3月5日", "source": "红网", "url": "http://x/1", "text": "第一篇文章的正文内容。"}, ensure_ascii=False),
            "{not json",
            json.dumps({"title": "乙"}, ensure_ascii=False),
            json.dumps({"id": "b7", "text": "第二篇文章的正文内容。"}, ensure_ascii=False)]
    (tmp_path / "feed.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = read_file(tmp_path / "feed.jsonl", LIMIT)
    assert [(d.doc_id, d.title, d.date, d.source, d.url) for d in result.documents] == [
        ("feed-1", "甲", "2021-03-05", "红网", "http://x/1"), ("feed-b7", "第二篇文章的正文内容。", "", "", "")]
    assert [s.path.rsplit("/", 1)[-1] for s in result.skipped] == ["feed.jsonl:2", "feed.jsonl:3"]
    assert result.skipped[0].reason.startswith("not valid JSON")


def test_jsonl_lines_that_break_the_json_parser_are_skipped(tmp_path):
    # found by tests/test_fuzz.py: json.loads raises ValueError / RecursionError, not JSONDecodeError
    rows = ["1" * 20_000, "[" * 100_000, json.dumps({"id": "../x y", "text": "第三篇文章的正文内容。"}, ensure_ascii=False)]
    (tmp_path / "feed.jsonl").write_text("\n".join(rows), encoding="utf-8")
    result = read_file(tmp_path / "feed.jsonl", LIMIT)
    assert [d.doc_id for d in result.documents] == ["feed-3"]  # an id with a path in it is not used
    assert [s.reason.split(" (")[0] for s in result.skipped] == ["not usable JSON", "not usable JSON"]


def test_markdown_heading_becomes_title(tmp_path):
    (tmp_path / "n.md").write_text("# 永州外贸\n\n上半年，全市进出口总额196.79亿元。\n", encoding="utf-8")
    (doc,) = read_file(tmp_path / "n.md", LIMIT).documents
    assert doc.title == "永州外贸" and doc.text == "永州外贸\n上半年，全市进出口总额196.79亿元。"


def test_sidecar_overrides_and_bad_sidecar_skips(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE_SIMPLIFIED, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"title": "新标题", "date": "2023-05", "note": "why"}', encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE_SIMPLIFIED + "另一篇。", encoding="utf-8")
    (tmp_path / "b.meta.json").write_text('{"titel": "typo"}', encoding="utf-8")
    result = ingest([tmp_path], LIMIT)
    (doc,) = result.documents
    assert (doc.doc_id, doc.title, doc.date, doc.source) == ("a", "新标题", "2023-05", "衡阳日报")
    (skip,) = result.skipped
    assert skip.path.endswith("b.txt") and "unknown key(s) titel" in skip.reason


def test_duplicates_unsupported_large_and_missing(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE_SIMPLIFIED, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(ARTICLE_SIMPLIFIED, encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "big.txt").write_text("大" * 2000, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE_SIMPLIFIED + "x", encoding="utf-8")
    result = ingest([tmp_path, tmp_path / "nope"], 5000)
    assert [d.doc_id for d in result.documents] == ["a"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in result.skipped}
    assert reasons["copy.txt"] == "duplicate of a (same text)"
    assert reasons["scan.pdf"].startswith("unsupported file type '.pdf'")
    assert reasons["big.txt"].startswith("too large")
    assert reasons["nope"] == "no such file or folder"
