"""Collect Documents from files and folders; report what was skipped and why.

Folders are walked recursively in sorted order; hidden files and NAME.meta.json sidecars are not
articles. Exact duplicates (same cleaned text) and doc_id clashes (same file stem twice) are
skipped with the name of the document they repeat. Does not embed or store anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..documents import Document, IngestResult, Skipped
from .metadata import SIDECAR_SUFFIX
from .readers import read_file


def iter_files(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand folders into files; a path that does not exist is reported, not raised."""
    files: list[Path] = []
    missing: list[Skipped] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if f.is_file() and not any(part.startswith(".") for part in rel.parts) \
                        and not f.name.endswith(SIDECAR_SUFFIX):
                    files.append(f)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(Skipped(str(path), "no such file or folder"))
    return files, missing


def ingest(paths: Iterable[Path], max_bytes: int) -> IngestResult:
    """Read every article under ``paths``; duplicates and unreadable files end up in ``skipped``."""
    files, skipped = iter_files(paths)
    documents: list[Document] = []
    by_text: dict[str, str] = {}
    by_id: dict[str, str] = {}
    for path in files:
        result = read_file(path, max_bytes)
        skipped.extend(result.skipped)
        for doc in result.documents:
            if doc.text_hash in by_text:
                skipped.append(Skipped(doc.path, f"duplicate of {by_text[doc.text_hash]} (same text)"))
            elif doc.doc_id in by_id:
                skipped.append(Skipped(doc.path, f"doc_id '{doc.doc_id}' is already used by {by_id[doc.doc_id]}; rename the file"))
            else:
                by_text[doc.text_hash] = doc.doc_id
                by_id[doc.doc_id] = doc.path
                documents.append(doc)
    return IngestResult(documents, skipped)
