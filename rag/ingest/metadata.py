"""Article metadata: title, publication date, outlet and author, read from what the page states.

``extract_metadata(raw, cleaned)`` looks at the raw page (the lines cleaning drops hold the date
and outlet) and the cleaned body (for the title). Nothing is guessed from the body's figures:
a page that states no date gets date "". ``read_sidecar`` loads an optional NAME.meta.json,
whose keys override what was extracted. Does not decode files or clean text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .cleaning import is_byline, remove_pinyin_glosses
from ..errors import SidecarError
from ..text.sentences import sentences

SIDECAR_SUFFIX = ".meta.json"
META_KEYS = ("title", "date", "source", "author", "url")
SIDECAR_KEYS = META_KEYS + ("note",)  # "note": free text for people (e.g. how a date was inferred)

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_LABEL = re.compile(r"(发布|發佈|發布|时间|時間|日期|发表|發表)")
_SOURCE = re.compile(r"(?:来源|來源|稿源|出处|出處)\s*[:：]\s*([^\s|｜:：,，]+)")
_AUTHOR = [re.compile(p) for p in (
    r"作者\s*[:：]\s*([^\s|｜:：,，]+)",
    r"[记記]者\s*([\u4e00-\u9fff]{2,4})(?:[\s)）]|$)",
    r"[（(]文\s*[/／]?\s*([\u4e00-\u9fff]{2,4})[)）]",
)]
_ISO_DATE = re.compile(r"^(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_TITLE_BAD_END = "。！？!?；;：:，,…"
_HEADER_LINES = 15  # date and outlet lines sit at the top of a page (or at its foot, for 来源)


def extract_metadata(raw: str, cleaned: str) -> dict[str, str]:
    """Return {title, date, source, author} as stated by the page ("" where it states none).

    >>> extract_metadata("当前位置:首页\\n标题在此\\n发布时间:2019-07-23 10:02 来源:衡阳全搜索网\\n正文。", "标题在此\\n正文。")
    {'title': '标题在此', 'date': '2019-07-23', 'source': '衡阳全搜索网', 'author': ''}
    """
    raw = remove_pinyin_glosses(raw)
    lines = [ln.strip() for ln in raw.replace("\r", "\n").split("\n") if ln.strip()]
    short = [ln for ln in lines if len(ln) <= 120]
    return {"title": _title(cleaned), "date": _date(lines[:_HEADER_LINES]),
            "source": _first_match([_SOURCE], short), "author": _first_match(_AUTHOR, lines[:_HEADER_LINES] + lines[-3:])}


def _title(cleaned: str) -> str:
    """The first short, unpunctuated line near the top; else the body's first sentence, cut."""
    lines = [ln for ln in cleaned.split("\n") if ln and not ln.startswith(("(", "（", "——"))]
    for line in lines[:3]:
        if 4 <= len(line) <= 60 and line[-1] not in _TITLE_BAD_END and not is_byline(line):
            return line
    first = sentences(lines[0])[0].strip() if lines else ""
    return first if len(first) <= 40 else first[:40] + "…"


def _date(header: list[str]) -> str:
    """A date on a labelled header line (发布时间/時間/日期), else on any short header line."""
    for want_label in (True, False):
        for line in header:
            if len(line) > 80 or (want_label and not _DATE_LABEL.search(line)):
                continue
            m = _DATE.search(line)
            if m:
                y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
                if 1 <= mo <= 12 and 1 <= d <= 31:
                    return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


def _first_match(patterns: list[re.Pattern], lines: list[str]) -> str:
    for pattern in patterns:
        for line in lines:
            m = pattern.search(line)
            if m:
                return m.group(1).strip("·•■ ")
    return ""


def sidecar_path(path: Path) -> Path:
    """seeds/001.txt -> seeds/001.meta.json"""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, str]:
    """Load the sidecar of ``path`` if there is one: {key: value} for the keys it sets."""
    meta_path = sidecar_path(path)
    if not meta_path.exists():
        return {}
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SidecarError(f"{meta_path.name}: not valid UTF-8 JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SidecarError(f"{meta_path.name}: expected a JSON object")
    unknown = sorted(set(data) - set(SIDECAR_KEYS))
    if unknown:
        raise SidecarError(f"{meta_path.name}: unknown key(s) {', '.join(unknown)}; known: {', '.join(SIDECAR_KEYS)}")
    meta = {k: str(data[k]).strip() for k in META_KEYS if k in data and data[k] is not None}
    check_date(meta.get("date", ""), meta_path.name)
    return meta


def check_date(date: str, where: str) -> None:
    """Dates are ISO, as precise as known: YYYY, YYYY-MM or YYYY-MM-DD (or empty)."""
    if date and not _ISO_DATE.match(date):
        raise SidecarError(f"{where}: date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
