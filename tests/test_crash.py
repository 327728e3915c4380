"""Crash safety of `rag index`: SIGKILL at every disk step and at random moments, two writers at once.

After each kill the index must load and be exactly the state before the run or the state after it
(same documents, chunk texts and vectors), and the next `rag index` must complete and leave no
leftovers. Kill points come two ways: tests/kill_driver.py kills the command just before each of
its disk steps (a first build and an incremental update: add, change and delete), and the real
`rag index` with the packaged embedder is SIGKILLed from outside at moments of its run chosen at
random and waited for (RAGTEST_KILLS of them, 12 by default; RELIABILITY.md gives the long run).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, wait_until
from rag.errors import IndexMissingError
from rag.indexing.store import load_index

DRIVER = ROOT / "tests" / "kill_driver.py"
RAG = Path(sys.executable).with_name("rag")


def state(index_dir: Path) -> str | None:
    """A digest of what the index holds (documents, chunk texts, vectors); None when there is none."""
    try:
        index = load_index(index_dir)
    except IndexMissingError:
        return None
    h = hashlib.sha256()
    for doc_id in sorted(index.documents):
        h.update(f"{doc_id}:{index.documents[doc_id].text_hash}\n".encode())
    for s in index.chunks:
        h.update(f"{s.chunk.doc_id}:{s.chunk.text}\n".encode())
    h.update(index.vectors.reconstruct_n(0, index.vectors.ntotal).tobytes())
    _let_go()
    return h.hexdigest()


def _let_go() -> None:
    """Free a Milvus Lite file this process opened, for the next `rag index` process."""
    from rag.indexing.milvus_store import release_all
    release_all()


def leftovers(index_dir: Path) -> list[str]:
    """Version folders, temporary files and Milvus collections other than the live ones."""
    live = (index_dir / "CURRENT").read_text().strip()
    stale = sorted(p.name for p in index_dir.iterdir() if p.name.startswith(("v-", ".tmp")) and p.name != live)
    if (index_dir / "milvus.db").exists():
        from rag.indexing.milvus_store import client, where_from_manifest

        manifest = load_index(index_dir).manifest
        where, collection = where_from_manifest(index_dir, manifest, None)
        stale += [name for name in client(where).list_collections() if name != collection]
        _let_go()
    return stale


def drive(kill_at: int, docs: Path, index_dir: Path, store: str = "faiss") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(DRIVER), str(kill_at), str(docs), "--index", str(index_dir),
                           "--embedder", "fake", "--store", store, "-q"], capture_output=True, text=True, timeout=120)


def change(docs: Path) -> None:
    """An incremental update's worth of changes: one article changed, one deleted, one added."""
    first = docs / "001_a7d89014a7bd190e.txt"
    first.write_text(first.read_text(encoding="utf-8") + "\n补充：2024年衡阳市进出口总额再创新高。\n", encoding="utf-8")
    (docs / "002_140e053e7e77dfad.txt").unlink()
    (docs / "002_140e053e7e77dfad.meta.json").unlink(missing_ok=True)
    (docs / "新增.txt").write_text("株洲外贸\n2023年株洲市进出口总额为512.3亿元，同比增长8.8%。\n", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("scenario, store", [("first build", "faiss"), ("incremental update", "faiss"),
                                             ("incremental update", "milvus")])
def test_a_kill_at_every_disk_step_leaves_the_old_or_the_new_index(tmp_path, scenario, store):
    """Milvus Lite keeps its collections in index/milvus.db, so copying the folder copies them."""
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    old_dir = tmp_path / "old"
    if scenario == "incremental update":
        assert drive(0, docs, old_dir, store).returncode == 0
        change(docs)
    old = state(old_dir) if old_dir.exists() else None

    reference = tmp_path / "reference"
    if old_dir.exists():
        shutil.copytree(old_dir, reference)
    done = drive(0, docs, reference, store)
    assert done.returncode == 0, done.stderr
    new = state(reference)
    steps = int(re.search(r"disk steps: (\d+)", done.stderr).group(1))
    assert new != old and steps >= 15
    kill_points = range(1, steps + 1)
    if store == "milvus":  # the folder's own steps are killed in the FAISS runs: here Milvus's and the commit
        kinds = dict(re.findall(r"step (\d+): (.+)", done.stderr))
        kill_points = [int(n) for n, kind in kinds.items() if kind.startswith(("Milvus", "replace"))]
        assert len(kill_points) >= 6

    seen = {"old": 0, "new": 0}
    for kill_at in kill_points:
        index_dir = tmp_path / f"kill-{kill_at}"
        if old_dir.exists():
            shutil.copytree(old_dir, index_dir)
        killed = drive(kill_at, docs, index_dir, store)
        assert killed.returncode == -signal.SIGKILL, (kill_at, killed.stderr)
        after = state(index_dir)
        assert after in (old, new), f"kill at step {kill_at} left an index that is neither: {killed.stderr}"
        seen["old" if after == old else "new"] += 1
        again = drive(-1, docs, index_dir, store)  # the next run completes
        assert again.returncode == 0, (kill_at, again.stderr)
        assert state(index_dir) == new and leftovers(index_dir) == []
        shutil.rmtree(index_dir)
    assert seen["old"] and seen["new"]  # kills landed on both sides of the commit point
    print(f"\n{scenario} ({store}): {len(kill_points)} kills, {seen['old']} left the old index, {seen['new']} the new one")


# The moments of a build that a kill can land in, as seen from outside: the lock taken, the progress
# bar started, N chunks embedded (a rebuild has ~70), the new version folder being written.
MOMENTS = {"rebuild": ("locked", "embedding", "embedded 16", "embedded 32", "embedded 48", "writing"),
           "update": ("locked", "embedding", "writing")}
_PROGRESS = re.compile(r"(\d+)/\d+ \[")


def reached(moment: str, process: subprocess.Popen, index_dir: Path, stderr: list[str]) -> bool:
    """Whether the running `rag index` has got to ``moment`` (see MOMENTS)."""
    printed = "".join(stderr)
    if moment == "locked":
        lock = index_dir / ".lock"
        return lock.exists() and lock.read_text(errors="replace").strip() == f"pid {process.pid}"
    if moment == "embedding":
        return "embedding" in printed
    if moment == "writing":
        return any(index_dir.glob(".tmp-v-*"))
    done = max((int(n) for n in _PROGRESS.findall(printed)), default=0)
    return done >= int(moment.split()[1])


@pytest.mark.slow
def test_the_real_command_killed_at_random_moments_loses_nothing(tmp_path):
    """`rag index` with the packaged embedder, SIGKILLed from outside at moments of builds and updates
    chosen at random, each kill sent once the build is seen to have reached its moment."""
    kills = int(os.environ.get("RAGTEST_KILLS", "12"))
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    index_dir = tmp_path / "index"
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir)}
    command = [str(RAG), "index", str(docs)]  # with its progress bar, which tells how far it got

    def add_article(n: int) -> None:
        (docs / f"extra-{n}.txt").write_text(f"第{n}号简讯\n2023年第{n}号开发区完成进出口总额{n + 10}亿元。\n", encoding="utf-8")

    subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)
    rng = random.Random(7)
    landed: dict[str, int] = {}
    for n in range(kills):
        # alternate: a rebuild from nothing (mostly embedding) and an update that adds one article
        kind = "update" if n % 2 == 0 else "rebuild"
        if kind == "update":
            add_article(n)
        moment = rng.choice(MOMENTS[kind])
        args = command + (["--rebuild"] if kind == "rebuild" else [])
        before = state(index_dir)
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stderr: list[str] = []
        reader = threading.Thread(target=lambda: stderr.extend(iter(lambda: process.stderr.read(64), "")), daemon=True)
        reader.start()
        wait_until(lambda: reached(moment, process, index_dir, stderr) or process.poll() is not None, 300,
                   f"`rag index` ({kind}) to reach {moment!r}", poll=0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        reader.join(timeout=10)
        after = state(index_dir)
        finished = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        assert finished.returncode == 0, finished.stderr
        complete = state(index_dir)
        assert after in (before, complete), f"kill {n} ({kind}, {moment}): the index is neither the old nor the new state"
        assert leftovers(index_dir) == []
        if process.returncode == -signal.SIGKILL:
            landed[moment] = landed.get(moment, 0) + 1
    assert sum(landed.values()) >= kills * 0.7, landed  # only "writing" can be missed: it lasts milliseconds
    print(f"\nreal rag index: {kills} kills sent, {sum(landed.values())} landed mid-run, by moment: {landed}")


@pytest.mark.slow
def test_two_index_commands_at_once_one_waits_its_turn_or_fails_clearly(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index")}
    runs = [subprocess.Popen([str(RAG), "index", str(docs), "-q"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(r.wait(timeout=300), r.stderr.read()) for r in runs]
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0 and codes[1] != 0, results
    loser = next(err for code, err in results if code)
    assert re.search(r"is being written by pid \d+; wait for it to finish", loser) and len(loser.strip().splitlines()) == 1
    assert len(load_index(tmp_path / "index").documents) == 5
