"""Split a Document into overlapping Chunks on Chinese sentence boundaries.

Uses langchain-text-splitters' recursive splitter with paragraph, sentence (。！？；…) and clause
separators kept at the end of each piece. Every chunk records its character offsets into the
cleaned original; its ``search_text`` (documents.Chunk) is what is embedded, keyword-indexed and
matched against questions: title and date first (so a passage carries its context, e.g. which year
"今年" is), then the chunk, all in Simplified script. Does not embed.
"""

from __future__ import annotations

from ..documents import Chunk, Document
from ..errors import RagError

SEPARATORS = ["\n", "。", "！", "？", "；", "…", "!", "?", ";", "，", ",", " ", ""]


def chunk_document(doc: Document, size: int, overlap: int) -> list[Chunk]:
    """Chunks of at most ``size`` characters, consecutive ones sharing up to ``overlap``.

    >>> d = Document("d", "第一句。第二句很长很长。\\n第三句。")
    >>> [(c.chunk_id, c.start, c.end, c.text) for c in chunk_document(d, 8, 2)]
    [('d#0', 0, 4, '第一句。'), ('d#1', 4, 12, '第二句很长很长。'), ('d#2', 13, 17, '第三句。')]
    """
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS, keep_separator="end", chunk_size=size, chunk_overlap=overlap,
        strip_whitespace=True)
    chunks: list[Chunk] = []
    cursor = 0
    for piece in splitter.split_text(doc.text):
        start = doc.text.find(piece, cursor)
        if start < 0:  # a chunk may begin where the one before began, and contain it (hypothesis found one)
            start = doc.text.find(piece, max(0, cursor - 1))
        if start < 0:  # the splitter only ever returns substrings; fail loudly if that changes
            raise RagError(f"chunking lost track of the text of {doc.doc_id} near offset {cursor}")
        chunk = Chunk(chunk_id=f"{doc.doc_id}#{len(chunks)}", doc_id=doc.doc_id, start=start,
                      end=start + len(piece), text=piece, title=doc.title, date=doc.date, source=doc.source)
        chunks.append(chunk)
        cursor = start + 1
    return chunks
