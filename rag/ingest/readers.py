"""Read one file into Documents: .txt, .md, .html/.htm and .jsonl (one article per line).

Each reader decodes, cleans and attaches metadata (page-stated, then overridden by a
NAME.meta.json sidecar). A file that cannot be used yields a Skipped record with a one-line
reason instead of raising, so one bad file never stops a batch. Does not walk folders or
detect duplicates (ingest.py does).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .cleaning import clean_text
from ..errors import DecodeError, SidecarError
from .decoding import decode_bytes
from ..documents import Document, IngestResult, Skipped
from .htmltext import html_to_text
from .metadata import META_KEYS, check_date, extract_metadata, read_sidecar

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
_LOOSE_DATE = re.compile(r"((?:19|20)\d{2})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?)?")


def read_file(path: Path, max_bytes: int) -> IngestResult:
    """Read ``path`` into zero or more Documents, or a Skipped reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return _skip(path, f"unsupported file type '{suffix or path.name}'; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _skip(path, f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        return _skip(path, f"unreadable ({exc.strerror or exc})")
    if not data.strip():
        return _skip(path, "empty file")
    try:
        text, _encoding = decode_bytes(data)
        sidecar = read_sidecar(path)
    except (DecodeError, SidecarError) as exc:
        return _skip(path, str(exc))
    if suffix == ".jsonl":
        return _read_jsonl(path, text, sidecar)
    if suffix in (".html", ".htm"):
        body, page_meta = html_to_text(text)
        page_meta["date"] = normalise_date(page_meta.get("date", ""))
        return _one(path, path.stem, body, {**page_meta, **sidecar})
    if suffix == ".md":
        text = re.sub(r"(?m)^\s{0,3}#{1,6}\s+", "", text)  # headings become plain lines
    return _one(path, path.stem, text, sidecar)


def _one(path: Path, doc_id: str, raw: str, given: dict[str, str], where: str | None = None) -> IngestResult:
    """Clean ``raw`` and build one Document; ``given`` metadata wins over what the text states.

    ``where`` names the place in a multi-article file (path:line) for a skip reason.
    """
    cleaned = clean_text(raw)
    if not cleaned.strip():
        return IngestResult([], [Skipped(where or str(path), "no article text left after removing page debris")])
    stated = extract_metadata(raw, cleaned)
    meta = {k: (given.get(k) or stated.get(k) or "") for k in META_KEYS}
    return IngestResult([Document(doc_id=doc_id, text=cleaned, path=str(path), **meta)], [])


def _read_jsonl(path: Path, text: str, sidecar: dict[str, str]) -> IngestResult:
    """One article per line: {"text": ..., "title"?, "date"?, "source"?, "url"?, "author"?, "id"?}."""
    result = IngestResult()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            result.skipped.append(Skipped(where, f"not valid JSON ({exc.msg})"))
            continue
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number, or [[[[… nested too deep
            result.skipped.append(Skipped(where, f"not usable JSON ({type(exc).__name__}: {str(exc)[:80]})"))
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            result.skipped.append(Skipped(where, 'expected an object with a non-empty "text" string'))
            continue
        given = {k: str(row[k]).strip() for k in META_KEYS if row.get(k) not in (None, "")}
        given["date"] = normalise_date(given.get("date", ""))
        given_id = row.get("id")
        usable_id = isinstance(given_id, (str, int)) and not isinstance(given_id, bool) and 0 < len(str(given_id)) <= 80 \
            and not re.search(r"[\\/\s]", str(given_id))
        doc_id = f"{path.stem}-{given_id if usable_id else lineno}"
        part = _one(path, doc_id, row["text"], {**sidecar, **given}, where)
        result.documents.extend(part.documents)
        result.skipped.extend(part.skipped)
    if not result.documents and not result.skipped:
        result.skipped.append(Skipped(str(path), "no articles in the file"))
    return result


def normalise_date(value: str) -> str:
    """Loose date text -> ISO as precise as given; "" when no year is found.

    >>> normalise_date("2019年7月23日 10:02"), normalise_date("2024-04-03T08:00:00+08:00"), normalise_date("2024")
    ('2019-07-23', '2024-04-03', '2024')
    """
    m = _LOOSE_DATE.search(value or "")
    if not m:
        return ""
    y, mo, d = m.group(1), m.group(2), m.group(3)
    out = y
    if mo and 1 <= int(mo) <= 12:
        out += f"-{int(mo):02d}"
        if d and 1 <= int(d) <= 31:
            out += f"-{int(d):02d}"
    check_date(out, "date")
    return out


def _skip(path: Path, reason: str) -> IngestResult:
    return IngestResult([], [Skipped(str(path), reason)])
