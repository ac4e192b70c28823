"""Bytes → text: BOM-aware decoding that never loses a byte.

UTF-8/16/32 byte-order marks select the codec and are dropped (a BOM at offset 0 is not a
hidden character).  Without a BOM the bytes are read as UTF-8; bytes that are not valid UTF-8 are
kept as lone surrogates (`surrogateescape`) so every offset still maps to the file and reports
can show them as ⟨0xNN⟩.  Python files with a PEP 263 coding cookie are decoded with it.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_SURROGATE = re.compile("[\udc80-\udcff]")


@dataclass
class Decoded:
    text: str
    encoding: str
    bom: bool
    undecodable: int  # bytes that were not valid in the encoding, kept as surrogates


def decode(data: bytes, python: bool = False) -> Decoded:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            if enc == "utf-8":
                text = body.decode("utf-8", "surrogateescape")
            else:
                text = body.decode(enc, "replace")
            return Decoded(text, enc, True, _count_bad(text, enc))
    enc = "utf-8"
    if python:
        for line in data.split(b"\n", 2)[:2]:
            m = _COOKIE.match(line)
            if m:
                name = m.group(1).decode("ascii", "replace")
                try:
                    enc = codecs.lookup(name).name
                except LookupError:
                    enc = "utf-8"
                break
    if enc in ("utf-8", "utf_8"):
        text = data.decode("utf-8", "surrogateescape")
        return Decoded(text, "utf-8", False, _count_bad(text, "utf-8"))
    try:
        return Decoded(data.decode(enc), enc, False, 0)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", "surrogateescape")
        return Decoded(text, "utf-8", False, _count_bad(text, "utf-8"))


def _count_bad(text: str, enc: str) -> int:
    if text.isascii():
        return 0
    if enc == "utf-8":
        return len(_SURROGATE.findall(text))
    return text.count("\ufffd")


def looks_binary(head: bytes) -> bool:
    """NUL bytes in the first block mean binary, unless a UTF-16/32 BOM explains them."""
    if b"\x00" not in head:
        return False
    return not any(head.startswith(bom) for bom, enc in _BOMS if enc != "utf-8")


_PRINTABLE_RUN = re.compile(rb"[\x09\x20-\x7e]{8,}|(?:[\x09\x20-\x7e]\x00){8,}")


def printable_strings(data: bytes, limit: int) -> tuple[str, list[tuple[int, int]]]:
    """Runs of printable ASCII (and UTF-16LE) in binary data, like `strings`, as one text.

    Returns the text (one run per line) and, per line, (byte offset, byte length) in the data.
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    total = 0
    for m in _PRINTABLE_RUN.finditer(data):
        chunk = m.group()
        if b"\x00" in chunk:
            chunk = chunk[::2]
        s = chunk.decode("ascii", "replace")
        out.append(s)
        spans.append((m.start(), m.end() - m.start()))
        total += len(s) + 1
        if total > limit:
            break
    return "\n".join(out), spans
