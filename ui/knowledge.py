"""The knowledge base as the page manages it: list the indexed articles, add uploads, remove uploads.

Uploaded files are copied into Settings.upload_dir under a cleaned name (no folders, no "..", so
nothing lands outside it) and that folder is indexed incrementally; articles indexed from other
folders (seeds/) are kept as they are. A file that cannot be used is explained and deleted from
the upload folder again; what was indexed before stays. Only uploaded articles can be removed
here: the others belong to folders the command line indexes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rag.config import Settings
from rag.errors import IndexMissingError, InputError
from rag.ingest.readers import SUPPORTED_SUFFIXES
from rag.indexing.store import read_manifest


@dataclass(frozen=True)
class Article:
    doc_id: str
    title: str
    date: str
    source: str
    chunks: int
    file: str
    uploaded: bool

    def row(self) -> list:
        return [self.doc_id, self.title, self.date, self.source, self.chunks, "upload" if self.uploaded else _shown(self.file)]


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (file name, why)

    def message(self) -> str:
        parts = []
        if self.added:
            parts.append(f"added {len(self.added)}: {', '.join(self.added)}")
        if self.updated:
            parts.append(f"updated {len(self.updated)}: {', '.join(self.updated)}")
        parts += [f"not added {name}: {why}" for name, why in self.rejected]
        return "\n".join(parts) or "nothing new: these files are already indexed"


def list_articles(settings: Settings) -> list[Article]:
    """The indexed articles, from the index manifest (the vectors are not loaded)."""
    try:
        _, manifest = read_manifest(Path(settings.index_dir))
    except IndexMissingError:
        return []
    upload_root = str(Path(settings.upload_dir).resolve())
    return [Article(doc_id, d.get("title", ""), d.get("date", ""), d.get("source", ""), d.get("n_chunks", 0),
                    d.get("file", ""), _under(d.get("file", ""), upload_root))
            for doc_id, d in sorted(manifest["documents"].items())]


def safe_name(name: str) -> str:
    """A file name that stays inside the upload folder: the last path part, unsafe characters replaced.

    >>> safe_name("../../etc/passwd.txt"), safe_name("C:\\\\x\\\\衡阳 新闻.html"), safe_name("..")
    ('passwd.txt', '衡阳_新闻.html', 'upload')
    """
    base = re.split(r"[\\\\/]", name)[-1]
    base = re.sub(r"[^\w.\-\u3000-\u9fff]", "_", base).lstrip(".")
    return base or "upload"


def add_files(paths: Iterable[Path], settings: Settings, progress: bool = False) -> AddReport:
    """Copy the uploaded files into the upload folder and index it; see the module docstring."""
    from rag.indexing.build import build_index

    upload_dir = Path(settings.upload_dir)
    upload_dir.mkdir(parents=True, exist_ok=True)
    report = AddReport()
    copied: dict[str, str] = {}   # stored path -> name as uploaded
    paths = list(map(Path, paths))
    if len(paths) > settings.max_upload_files:
        report.rejected += [(p.name, f"too many files in one upload ({len(paths)}; the limit is {settings.max_upload_files})")
                            for p in paths]
        return report
    stored = {f.name for f in upload_dir.iterdir() if f.is_file()}
    for path in paths:
        name = safe_name(path.name)
        if name not in stored and len(stored) >= settings.max_uploads:
            report.rejected.append((path.name, f"the upload folder is full ({settings.max_uploads} files); remove some first"))
            continue
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            report.rejected.append((path.name, f"unsupported file type; supported: {', '.join(SUPPORTED_SUFFIXES)}"))
            continue
        size = path.stat().st_size
        if size > settings.max_file_mb * 1e6:
            report.rejected.append((path.name, f"too large ({size / 1e6:.1f} MB; the limit is {settings.max_file_mb:g} MB)"))
            continue
        target = upload_dir / name
        shutil.copyfile(path, target)
        stored.add(name)
        copied[str(target.resolve())] = path.name
    if not copied:
        return report
    result = build_index([upload_dir], settings, progress=progress)
    report.added, report.updated = result.added, result.updated
    for skipped in result.skipped:
        line = re.search(r":(\d+)$", skipped.path)
        file = str(Path(skipped.path[:line.start()] if line else skipped.path).resolve())
        if file in copied:
            report.rejected.append((copied[file] + (f" line {line.group(1)}" if line else ""), skipped.reason))
            if not line:
                Path(file).unlink(missing_ok=True)  # not indexed at all: do not keep it to fail again
    return report


def remove_article(doc_id: str, settings: Settings) -> str:
    """Remove an uploaded article: delete its file and re-index the upload folder."""
    from rag.indexing.build import build_index

    article = next((a for a in list_articles(settings) if a.doc_id == doc_id), None)
    if article is None:
        raise InputError(f"no article '{doc_id}' in the index")
    if not article.uploaded:
        raise InputError(f"'{doc_id}' was indexed from {article.file}; delete it there and run rag index")
    Path(article.file).unlink(missing_ok=True)
    build_index([Path(settings.upload_dir)], settings, progress=False)
    return f"removed {doc_id}"


def _under(file: str, root: str) -> bool:
    return bool(file) and (file == root or file.startswith(root.rstrip("/") + "/"))


def _shown(file: str) -> str:
    """A file path relative to the working folder when it lies under it (seeds/001.txt)."""
    try:
        return str(Path(file).relative_to(Path.cwd()))
    except ValueError:
        return file
