"""Run `rag index` in this process and SIGKILL it just before its N-th disk step (tests/test_crash.py).

    python tests/kill_driver.py N rag-index-arguments...

A disk step is every call that changes the index folder: mkdir, the FAISS file, each JSON Lines
file (plus a step half-way through it, so a kill can leave a torn file), each small text file,
each fsync, rename and replace, and each removal of an old version; with --store milvus also
every call that changes Milvus (collection created, rows inserted, flushed, alias moved, dropped). N = 0 kills nothing and
prints "disk steps: <count>" and each step's kind at exit, so the test learns the kill points. The
embedder is the tests' fake one ("--embedder fake"): kill points are about writing, not embedding.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fakes import FakeEmbedder  # noqa: E402
from rag.indexing import embedders, store  # noqa: E402

KILL_AT = -1  # set from the command line
steps = 0
labels: list[str] = []


def step(what: str) -> None:
    global steps
    steps += 1
    labels.append(what.split(" ")[0] if not what.startswith("Milvus") else " ".join(what.split(" ")[:2]))
    if steps == KILL_AT:
        sys.stderr.write(f"killing at disk step {steps}: {what}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def before(what: str, function):
    def wrapped(*args, **kwargs):
        step(f"{what} {args[0] if args else ''}")
        return function(*args, **kwargs)
    return wrapped


def torn_write_jsonl(path, rows) -> None:
    """store._write_jsonl with a kill point half-way through the file."""
    step(f"open {path}")
    rows = list(rows)
    with open(path, "w", encoding="utf-8") as f:
        for i, row in enumerate(rows):
            if i == len(rows) // 2:
                f.flush()
                step(f"half-way through {path}")
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def patch() -> None:
    import faiss

    store._write_jsonl = torn_write_jsonl
    store._fsync_file = before("fsync", store._fsync_file)
    store._fsync_dir = before("fsync dir", store._fsync_dir)
    faiss.write_index = before("write FAISS", faiss.write_index)
    os.rename = before("rename", os.rename)
    os.replace = before("replace", os.replace)
    shutil.rmtree = before("remove", shutil.rmtree)
    pathlib.Path.mkdir = before("mkdir", pathlib.Path.mkdir)
    pathlib.Path.write_text = before("write", pathlib.Path.write_text)
    try:  # the Milvus store's writes (rag index --store milvus): each call that changes Milvus
        from pymilvus import MilvusClient
    except ImportError:
        return
    for name in ("create_collection", "insert", "flush", "drop_collection", "create_alias", "alter_alias"):
        setattr(MilvusClient, name, before(f"Milvus {name}", getattr(MilvusClient, name)))


if __name__ == "__main__":
    KILL_AT = int(sys.argv[1])
    embedders.EMBEDDERS["fake"] = FakeEmbedder
    patch()
    from rag.cli import main

    sys.argv = ["rag", "index", *sys.argv[2:]]
    try:
        main()
    finally:
        if KILL_AT == 0:
            sys.stderr.write(f"disk steps: {steps}\n")
            sys.stderr.write("".join(f"step {i}: {label}\n" for i, label in enumerate(labels, start=1)))
