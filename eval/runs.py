"""Prediction files: JSON Lines written one flushed line per question, so a run can stop any time.

An evaluation run appends a line as soon as a question is answered; run again with the same file
and the ids already in it are skipped. A last line cut short by a kill is dropped before appending
(it would otherwise glue onto the next one). Knows nothing about what the lines hold beyond ``id``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

from rag.errors import InputError


def read_rows(path: Path) -> list[dict]:
    """Every complete row of a prediction file; [] when there is none. A torn last line is ignored."""
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    lines = path.read_text(encoding="utf-8").split("\n")
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            if lineno == len(lines):  # the line a kill cut short
                continue
            raise InputError(f"{path}:{lineno}: not a prediction line (invalid JSON); "
                             "move the file away or pass another --out") from None
        if not isinstance(row, dict) or "id" not in row:
            raise InputError(f"{path}:{lineno}: a prediction line needs an \"id\"; move the file away or pass another --out")
        rows.append(row)
    return rows


class PredictionWriter:
    """Appends rows to a prediction file; ``done`` holds the ids already written (resume)."""

    def __init__(self, path: Path, fresh: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fresh and self.path.exists():
            self.path.unlink()
        self.rows = read_rows(self.path)
        self.done = {str(r["id"]) for r in self.rows}
        self._drop_torn_tail()
        self._file = self.path.open("a", encoding="utf-8")

    def _drop_torn_tail(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with self.path.open("r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)

    def write(self, row: dict) -> None:
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.rows.append(row)
        self.done.add(str(row["id"]))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "PredictionWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def pending(items: list, done: set[str], key=lambda item: str(item["id"])) -> Iterator:
    """The items whose id is not yet written."""
    return (item for item in items if key(item) not in done)
