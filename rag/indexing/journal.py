"""The embedding journal: vectors already computed by a build that did not finish, so the next run
of `rag index` resumes instead of embedding them again (Ctrl-C, a crash, a killed process).

One append-only file per embedder under ``<index>/.journal/``: records of (SHA-1 of the chunk's
search_text, its float32 vector). A build appends each embedded batch and flushes it; a record
torn by a kill mid-write is dropped on reading (the file is cut to whole records). A finished
build deletes the journal: the vectors then live in the index. Keyed by text, not by chunk id,
so a chunk whose text is unchanged is found again whatever its position. Does not embed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

FOLDER = ".journal"


class Journal:
    """Vectors of one embedder (id, dim) kept for the index folder ``index_dir``."""

    def __init__(self, index_dir: Path, embedder_id: str, dim: int) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_id)[:80]
        self.path = Path(index_dir) / FOLDER / f"{safe}-{hashlib.sha1(embedder_id.encode()).hexdigest()[:8]}-{dim}.bin"
        self.dtype = np.dtype([("key", "S20"), ("vector", "<f4", (dim,))])

    def load(self) -> dict[bytes, np.ndarray]:
        """The vectors kept so far, by key; torn last record dropped."""
        if not self.path.exists():
            return {}
        raw = self.path.read_bytes()
        whole = len(raw) - len(raw) % self.dtype.itemsize
        records = np.frombuffer(raw[:whole], dtype=self.dtype)
        return {bytes(r["key"]): np.array(r["vector"]) for r in records}

    def append(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep these vectors, durably enough for a resume (flushed to the OS, not fsynced)."""
        records = np.empty(len(texts), dtype=self.dtype)
        records["key"] = [key(t) for t in texts]
        records["vector"] = vectors
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as f:
            if f.tell() % self.dtype.itemsize:  # a torn record at the end: cut it before appending
                f.truncate(f.tell() - f.tell() % self.dtype.itemsize)
            f.write(records.tobytes())
            f.flush()

    def clear(self) -> None:
        if self.path.exists():
            self.path.unlink()
        try:
            self.path.parent.rmdir()
        except OSError:
            pass  # another embedder's journal is still there


def clear_journals(index_dir: Path) -> None:
    """Remove every journal of the index folder (an index that is up to date needs none)."""
    import shutil

    folder = Path(index_dir) / FOLDER
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)


def key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()
