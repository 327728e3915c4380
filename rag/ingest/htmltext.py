"""HTML page -> plain text lines plus the metadata its <head> states.

Uses the standard library's tolerant parser, so broken or deeply nested markup never raises.
Block elements become line breaks; script, style, navigation, forms and footers are dropped.
Does not remove in-text debris (cleaning.py does that on the returned text).
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form",
         "iframe", "select", "button", "head"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
          "section", "article", "blockquote", "pre", "figure", "figcaption", "dd", "dt", "hr", "title"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
_META_NAMES = {
    "title": ("og:title", "twitter:title", "articletitle"),
    "date": ("article:published_time", "pubdate", "publishdate", "publish_date", "pubdate", "date",
             "og:published_time", "firstpublishedtime"),
    "source": ("og:site_name", "contentsource", "source", "sitename"),
    "author": ("author", "article:author"),
    "url": ("og:url",),
}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip())
            return
        if tag in _VOID:
            if tag in _BLOCK and not self.skip_depth:
                self.parts.append("\n")
            return
        self._in.append(tag)
        if tag in _SKIP and tag != "head":
            self.skip_depth += 1
        elif tag in _BLOCK and not self.skip_depth:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self._in:
            return
        # Close everything opened after this tag too (tolerates unclosed inner tags).
        while self._in:
            open_tag = self._in.pop()
            if open_tag in _SKIP and open_tag != "head":
                self.skip_depth = max(0, self.skip_depth - 1)
            if open_tag == tag:
                break
        if tag in _BLOCK and not self.skip_depth:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if "title" in self._in and not self.title:
            self.title = data.strip()
            return
        if self.skip_depth or "head" in self._in:
            return
        if "h1" in self._in and not self.h1:
            self.h1 = data.strip()
        self.parts.append(data)


def html_to_text(source: str) -> tuple[str, dict[str, str]]:
    """Return (text with one block per line, {title, date, source, author, url} found in the markup).

    >>> html_to_text('<html><head><title>T</title><meta name="author" content="盧躍"></head>'
    ...              '<body><nav>首页</nav><h1>标题</h1><p>正文&amp;一。</p><script>x()</script></body></html>')
    ('标题\\n正文&一。', {'author': '盧躍', 'title': '标题'})
    """
    parser = _Extractor()
    try:
        parser.feed(source)
        parser.close()
    except (AssertionError, ValueError):  # pathological markup: keep what was parsed
        pass
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in html.unescape(text).split("\n")]
    meta: dict[str, str] = {}
    for key, names in _META_NAMES.items():
        for name in names:
            if parser.meta.get(name):
                meta[key] = parser.meta[name]
                break
    title = parser.h1 or meta.get("title") or parser.title
    if title:
        meta["title"] = title
    return "\n".join(line for line in lines if line), meta
