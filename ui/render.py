"""HTML for the chat page: answers with linked [n] markers, the sources panel, the retrieved passages.

Every piece of article or model text is HTML-escaped before markup is added, so a page that
contains markup or script is shown as text and never runs in the browser. Pure functions of
the library's records (Answer, Citation, Hit); no Gradio here. Fixed words come from labels.py
in the page's language (``lang``, Chinese by default).
"""

from __future__ import annotations

import html

from rag.documents import Answer, Citation, Hit
from rag.text.sentences import MARKER

from .labels import DEFAULT, text


def anchor(turn: int, n: int) -> str:
    """The element id of source [n] of chat turn ``turn`` (ids stay unique down the conversation)."""
    return f"rag-src-{turn}-{n}"


def answer_html(answer: Answer, turn: int, lang: str = DEFAULT) -> str:
    """The answer as the chat shows it: markers link to their source; a refusal looks like one."""
    if answer.refused:
        reason = f'<div class="rag-reason">{html.escape(answer.refusal_reason or "")}</div>' if answer.refusal_reason else ""
        return f'<div class="rag-refusal">⚠ {html.escape(answer.answer)}{reason}</div>'
    text = MARKER.sub(lambda m: f'<a class="rag-cite" href="#{anchor(turn, int(m.group(1)))}">[{m.group(1)}]</a>',
                       html.escape(answer.answer))
    note = "" if answer.verified else (
        f'<div class="rag-warning">{html.escape(text("unverified", lang, figures=", ".join(answer.unverified)))}</div>')
    return f'<div class="rag-answer">{text}</div>{note}'


def streaming_html(partial: str, lang: str = DEFAULT) -> str:
    """The answer while it streams: plain escaped text, greyed and marked as being checked, since
    its figures are verified only when it is complete (and may then be withdrawn)."""
    return (f'<div class="rag-provisional">{html.escape(partial)} ▌</div>'
            f'<div class="rag-checking">{text("checking", lang)}…</div>')


def highlighted(passage: str, evidence: str) -> str:
    """The passage, escaped, with the evidence sentence marked (when it occurs in the passage)."""
    at = passage.find(evidence) if evidence else -1
    if at < 0:
        return html.escape(passage)
    return (html.escape(passage[:at]) + '<mark class="rag-evidence">' + html.escape(evidence) + "</mark>"
            + html.escape(passage[at + len(evidence):]))


def meta_line(title: str, source: str, date: str) -> str:
    """'《title》 · outlet · date'; a title that already carries 《》 (a series name) is shown as it is.

    >>> meta_line("《邁向開放高地》系列報道：衡陽", "國際在線", "2024"), meta_line("衡阳开放", "", "2021")
    ('《邁向開放高地》系列報道：衡陽 · 國際在線 · 2024', '《衡阳开放》 · 2021')
    """
    shown = title if "《" in title or "》" in title else (f"《{title}》" if title else "")
    return " · ".join(html.escape(p) for p in (shown, source, date) if p)


def standalone_html(answer: Answer, lang: str = DEFAULT) -> str:
    """"理解为：…" above the answer when a follow-up was answered as a standalone question."""
    if not answer.standalone or answer.standalone == answer.question:
        return ""
    return f'<div class="rag-standalone">{text("understood_as", lang)}：{html.escape(answer.standalone)}</div>'


def relevance(hit: Hit, lang: str = DEFAULT) -> str:
    """A reader's relevance: the passage's similarity to the question as a percentage (the fused
    rank score means nothing to a reader); the keyword match when dense search did not find it."""
    if hit.dense_score is not None:
        return text("similar", lang, percent=f"{max(0.0, hit.dense_score) * 100:.0f}")
    return text("keyword", lang)


def citation_html(c: Citation, turn: int, lang: str = DEFAULT) -> str:
    added = f' <span class="rag-added">{text("citation_added", lang)}</span>' if c.added else ""
    return (f'<div class="rag-source" id="{anchor(turn, c.n)}">'
            f'<div class="rag-source-head"><b>[{c.n}]</b> {meta_line(c.title, c.source, c.date)} '
            f'<code>{html.escape(c.doc_id)}</code>{added}</div>'
            f'<blockquote>{highlighted(c.text, c.evidence)}</blockquote></div>')


def sources_html(answer: Answer | None, turn: int, lang: str = DEFAULT) -> str:
    """The sources under an answer: every cited article with its passage, evidence marked."""
    if answer is None:
        return ""
    if answer.refused:
        return f'<div class="rag-sources rag-none">{text("no_sources", lang)}</div>'
    if not answer.citations:
        return f'<div class="rag-sources rag-none">{text("no_citation", lang)}</div>'
    return (f'<details class="rag-sources" open><summary>{text("sources", lang)}</summary>'
            + "".join(citation_html(c, turn, lang) for c in answer.citations) + "</details>")


def passages_html(hits: list[Hit], lang: str = DEFAULT) -> str:
    """The retrieved passages, best first, shown as soon as retrieval finishes."""
    if not hits:
        return f'<div class="rag-passages rag-none">{text("no_passages", lang)}</div>'
    rows = []
    for h in hits:
        c = h.chunk
        rows.append(f'<details class="rag-passage" title="{html.escape(c.chunk_id)} · fused score {h.score:.3f}">'
                    f"<summary>{h.rank}. {meta_line(c.title, c.source, c.date)} "
                    f'<span class="rag-relevance">{relevance(h, lang)}</span></summary>'
                    f"<div>{html.escape(c.text)}</div></details>")
    return f'<div class="rag-passages"><h4>{text("retrieved", lang)}</h4>' + "".join(rows) + "</div>"


CSS = """
.rag-refusal { color: #8a5a00; background: #fff6e0; border-left: 4px solid #e0a000; padding: 6px 10px; }
.rag-reason { font-size: 0.85em; color: #6b5a30; margin-top: 4px; }
.rag-warning { color: #a00; font-size: 0.9em; margin-top: 4px; }
.rag-source { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.rag-source blockquote { margin: 6px 0 0 0; white-space: pre-wrap; }
.rag-evidence { background: #fff1a8; padding: 0 2px; }
.rag-added { font-size: 0.8em; color: #666; }
.rag-none { color: #666; font-style: italic; }
.rag-standalone { font-size: 0.85em; color: #555; margin-bottom: 4px; }
.rag-relevance { font-size: 0.85em; color: #666; margin-left: 6px; }
.rag-provisional { color: #777; }
/* a multi-part answer is a line per part */
.rag-answer, .rag-provisional { white-space: pre-line; }
.rag-checking { font-size: 0.8em; color: #999; font-style: italic; }
/* the chat's own toolbar floats over the top right of the newest message: none is shown */
#rag-chat .message-buttons, #rag-chat .icon-button-wrapper.top-panel { display: none; }
"""
