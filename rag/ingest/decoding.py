"""Turn a file's bytes into text: detect UTF-8 / UTF-16 / GB18030 / Big5, refuse binaries.

GB18030 and Big5 both accept most double-byte sequences, so a Big5 file usually "decodes" as
GB18030 into nonsense. We decode with each candidate and keep the one whose Chinese characters
are most often *common* ones: GB2312 level-1 (the 3,755 most frequent Simplified characters)
or Big5 level-1 (the 5,401 most frequent Traditional ones). Nonsense decodings score low.
Does not clean or interpret the text.
"""

from __future__ import annotations

import codecs
import unicodedata

from ..errors import DecodeError

_SNIFF = 8192


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name).

    >>> decode_bytes("衡陽市進出口總額446.1億元".encode("big5"))
    ('衡陽市進出口總額446.1億元', 'big5')
    """
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:].decode("utf-8", errors="strict"), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise DecodeError("invalid UTF-16 despite its byte-order mark") from None
    if b"\x00" in data[:_SNIFF]:
        raise DecodeError("binary file (contains NUL bytes)")
    try:
        return _checked(_decode_cut(data, "utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = _decode_cut(data, encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_common_ratio(text), encoding, text))
    if not candidates:
        raise DecodeError("cannot decode as UTF-8, GB18030 or Big5")
    score, encoding, text = max(candidates)
    if score < 0.5:
        raise DecodeError(f"undecodable: best guess {encoding} gives mostly rare characters")
    return _checked(text, encoding)


def _decode_cut(data: bytes, encoding: str) -> str:
    """Decode, forgiving a character cut in half at the very end (a truncated download).

    >>> _decode_cut("衡阳".encode("utf-8")[:-1], "utf-8")
    '衡'
    """
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3 or exc.end < len(data):
            raise
        return data[:exc.start].decode(encoding)


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Refuse text that is mostly control characters (a binary that happened to decode)."""
    sample = text[:_SNIFF]
    if sample:
        controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
        if controls / len(sample) > 0.05:
            raise DecodeError("binary file (control characters)")
    return text, encoding


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_common(ch: str) -> bool:
    """True for GB2312 level-1 or Big5 level-1 characters (the frequent ones)."""
    try:
        gb = ch.encode("gb2312")
        if 0xB0 <= gb[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        b5 = ch.encode("big5")
        return 0xA440 <= int.from_bytes(b5[:2], "big") <= 0xC67E
    except UnicodeEncodeError:
        return False


def _is_odd(ch: str) -> bool:
    """Non-Chinese, non-ASCII characters that rarely occur in Chinese news (kana, box drawing, PUA...)."""
    o = ord(ch)
    return o > 0xFF and not (_is_cjk(ch) or 0x2000 <= o <= 0x206F or 0x3000 <= o <= 0x303F
                             or 0xFF00 <= o <= 0xFFEF or 0x2150 <= o <= 0x218F)


def _common_ratio(text: str) -> float:
    """Share of common characters among the Chinese and odd ones; 1.0-ish for plain ASCII text."""
    sample = text[:20000]
    cjk = [ch for ch in sample if _is_cjk(ch)]
    odd = sum(1 for ch in sample if _is_odd(ch))
    if not cjk and not odd:
        # No Chinese at all: fine if it is mostly printable, otherwise nonsense.
        printable = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t")
        return printable / max(1, len(sample))
    return sum(1 for ch in cjk if _is_common(ch)) / (len(cjk) + odd)
