"""Chunk offsets point into the cleaned original; passages carry title and date."""

from hypothesis import given, settings as hsettings, strategies as st

from rag.indexing.chunking import chunk_document
from rag.documents import Document
from rag.ingest import ingest

from conftest import SEEDS


def test_seed_chunks_round_trip_to_the_original_text():
    docs = ingest([SEEDS], 10**7).documents
    assert len(docs) == 5
    for doc in docs:
        chunks = chunk_document(doc, 300, 60)
        assert chunks and all(doc.text[c.start:c.end] == c.text for c in chunks)
        assert all(len(c.text) <= 300 for c in chunks)
        assert [c.chunk_id for c in chunks] == [f"{doc.doc_id}#{i}" for i in range(len(chunks))]
        # together the chunks cover every sentence of the document
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())


def test_chunks_end_on_sentence_boundaries():
    doc = Document("d", "。".join(f"第{i}句话讲的是衡阳的外贸数据" for i in range(60)) + "。")
    chunks = chunk_document(doc, 100, 20)
    assert len(chunks) > 5
    assert all(c.text.endswith("。") for c in chunks)


def test_passage_text_starts_with_title_and_date_in_simplified():
    doc = Document("d", "數據顯示,2023年衡陽市進出口總額446.1億元。", title="邁向開放高地", date="2024")
    (chunk,) = chunk_document(doc, 300, 60)
    assert chunk.search_text == "迈向开放高地 2024\n数据显示,2023年衡阳市进出口总额446.1亿元。"


@hsettings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("衡阳市进出口总额亿元。！？；\n ,a1")), min_size=1, max_size=800),
       st.integers(20, 120))
def test_offsets_round_trip_on_any_text(text, size):
    doc = Document("d", text)
    for c in chunk_document(doc, size, size // 5):
        assert doc.text[c.start:c.end] == c.text


def test_a_chunk_that_starts_where_the_one_before_started_keeps_its_offsets():
    doc = Document("d", " 111 1111111111111111")  # the splitter returns '111', then '111 1111111111111111'
    chunks = chunk_document(doc, 20, 4)
    assert [(c.start, c.text) for c in chunks] == [(1, "111"), (1, "111 1111111111111111")]
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
