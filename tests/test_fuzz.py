"""Hostile documents through ingestion (hypothesis): nothing crashes, bad files are skipped with a reason.

Inputs: random bytes; Chinese news text in UTF-8, GB18030, Big5 and UTF-16 cut at a random byte;
huge single lines (20,000 to 100,000 characters); deeply nested, script-laden HTML; empty and
blank files; zero-width and control characters sprinkled into text; JSON Lines with arbitrary
values. Each is written under a supported suffix and read, cleaned, chunked and tokenised exactly
as `rag index` does. RAGTEST_FUZZ_EXAMPLES sets how many inputs the main property draws (10,000
by default; RELIABILITY.md has the figures).
A second property indexes batches of hostile files with one good article among them.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SEEDS, FakeEmbedder
from rag.indexing.chunking import chunk_document
from rag.text.words import tokenize
from rag.text.periods import passage_period
from rag.ingest.readers import SUPPORTED_SUFFIXES, read_file

pytestmark = pytest.mark.slow  # long runs
EXAMPLES = int(os.environ.get("RAGTEST_FUZZ_EXAMPLES", "10000"))
MAX_BYTES = 20_000_000
NEWS = [line for f in sorted(SEEDS.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()
        if len(line) > 20][:40]
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00\x07\x1b\x7f\u202e"

news_text = st.lists(st.sampled_from(NEWS), min_size=1, max_size=4).map("\n".join)
cut_encoded = st.tuples(news_text, st.sampled_from(["utf-8", "gb18030", "big5", "utf-16"]),
                        st.floats(0.05, 1.0)).map(lambda t: _encode(t[0], t[1])[:max(1, int(len(_encode(t[0], t[1])) * t[2]))])
# Lines of 20,000 to 100,000 characters: ingestion is linear in them, so longer ones (up to 400,000
# before) bought minutes of CI time and no new paths.
huge_line = st.tuples(st.text(min_size=1, max_size=8), st.integers(20_000, 100_000)).map(
    lambda t: (t[0] * (t[1] // len(t[0]) + 1))[:t[1]].replace("\n", " ").encode("utf-8", "surrogatepass"))
sprinkled = st.tuples(news_text, st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=200), st.randoms()).map(
    lambda t: _sprinkle(*t).encode("utf-8"))
tags = st.sampled_from(["div", "p", "span", "script", "style", "table", "td", "iframe", "noscript", "a", "svg", "b"])
html_tree = st.recursive(
    st.one_of(news_text, st.text(max_size=30), st.just("<script>alert(1)</script>"), st.just("&lt;&#x4e2d;&amp;&#99999999;")),
    lambda inner: st.tuples(tags, st.text(max_size=20), st.lists(inner, max_size=4), st.booleans()).map(
        lambda t: f"<{t[0]} data-x=\"{t[1]}\">{''.join(t[2])}" + (f"</{t[0]}>" if t[3] else "")),
    max_leaves=60)
deep_html = st.one_of(html_tree, st.integers(100, 5000).map(lambda n: "<div>" * n + "衡阳" + "</div>" * (n // 2)))
json_lines = st.lists(st.one_of(st.builds(json.dumps, st.dictionaries(st.sampled_from(["text", "title", "date", "id", "x"]),
                                                                         st.one_of(st.text(max_size=40), st.integers(), st.none(),
                                                                                   st.lists(st.integers(), max_size=3)))),
                                st.text(max_size=40)), max_size=6).map("\n".join)
hostile = st.one_of(
    st.binary(max_size=4096),
    cut_encoded,
    huge_line,
    sprinkled,
    deep_html.map(lambda s: s.encode("utf-8", "surrogatepass")),
    json_lines.map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b"   \n\t  ", b"\xef\xbb\xbf", b"\xff\xfe", b"\n" * 1000]),
    st.lists(st.binary(max_size=200), max_size=5).map(b"\x00".join),
    st.tuples(st.sampled_from(["[", "{\"a\":", "1", "<b>"]), st.integers(1_000, 50_000)).map(lambda t: (t[0] * t[1]).encode()),
)
fuzz_settings = settings(deadline=None, database=None, print_blob=True,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.filter_too_much, HealthCheck.large_base_example])


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _sprinkle(text: str, marks: list[str], rng) -> str:
    chars = list(text)
    for mark in marks:
        chars.insert(rng.randrange(len(chars) + 1), mark)
    return "".join(chars)


def ingest_like_the_indexer(path: Path) -> tuple[int, list[str]]:
    """(documents read, skip reasons); every document is cleaned, chunked and tokenised as rag index does."""
    result = read_file(path, MAX_BYTES)
    for doc in result.documents:
        assert doc.text.strip() and doc.doc_id
        for chunk in chunk_document(doc, 250, 50):
            text = chunk.search_text
            assert chunk.text.strip()
            tokenize(text)
            passage_period(text, doc.year)
    return len(result.documents), [s.reason for s in result.skipped]


def test_hostile_files_never_crash_ingestion():
    drawn = {"inputs": 0, "read": 0, "skipped": 0}

    @settings(fuzz_settings, max_examples=EXAMPLES)
    @given(data=hostile, suffix=st.sampled_from(SUPPORTED_SUFFIXES))
    def hostile_file(data: bytes, suffix: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"page{suffix}"
            path.write_bytes(data)
            documents, reasons = ingest_like_the_indexer(path)
        drawn["inputs"] += 1
        assert documents or reasons, "a file was neither read nor skipped"
        assert all(r and "\n" not in r for r in reasons)  # one line, never blank
        drawn["read" if documents else "skipped"] += 1

    hostile_file()
    assert drawn["inputs"] >= EXAMPLES * 0.9  # hypothesis stops early only when it has nothing new to draw
    print(f"\nfuzzed {drawn['inputs']} files: {drawn['read']} read, {drawn['skipped']} skipped with a reason")


@settings(fuzz_settings, max_examples=int(os.environ.get("RAGTEST_FUZZ_BATCHES", "25")))
@given(st.lists(st.tuples(hostile, st.sampled_from(SUPPORTED_SUFFIXES)), min_size=1, max_size=6))
def test_good_articles_are_indexed_beside_hostile_files(batch):
    from rag.config import Settings
    from rag.indexing.build import build_index
    from rag.indexing.store import load_index

    with tempfile.TemporaryDirectory() as folder:
        docs = Path(folder) / "docs"
        docs.mkdir()
        (docs / "good.txt").write_text("株洲外贸\n2023年株洲市进出口总额为512.3亿元，同比增长8.8%。", encoding="utf-8")
        for n, (data, suffix) in enumerate(batch):
            (docs / f"bad{n}{suffix}").write_bytes(data)
        s = Settings.load({"index_dir": Path(folder) / "index"}, environ={})
        report = build_index([docs], s, embedder=FakeEmbedder(), progress=False)
        index = load_index(s.index_dir)
    assert "good" in index.documents and "512.3亿元" in index.documents["good"].text
    skipped = {Path(x.path.split(".jsonl:")[0]).stem for x in report.skipped}  # "bad0.jsonl:3" is line 3
    for n, (_, suffix) in enumerate(batch):
        stem = f"bad{n}"
        indexed = any(d == stem or d.startswith(stem + "-") for d in report.added)
        assert indexed or stem in skipped, f"{stem}{suffix} was neither indexed nor skipped"
