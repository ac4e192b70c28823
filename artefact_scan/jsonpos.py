"""A JSON reader that keeps where every string came from.

`parse` returns ordinary Python values, except that strings are `PosStr`: a `str` that also
carries its JSON path and the segments mapping its characters back onto the raw JSON text
(escapes such as \\n or \\u200b map to the escape sequence that produced them).  Extractors use it
so that a finding in a notebook cell or a log record points at the line in the JSON file.
Depth is bounded; malformed JSON raises `ValueError` with the offset.
"""
from __future__ import annotations

import re

from .model import Segment

_WS = re.compile(r"[ \t\n\r]*")
_STR_BODY = re.compile(r'[^"\\\x00-\x1f]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
MAX_DEPTH = 200


class PosStr(str):
    """A JSON string value with its path and its map onto the raw text.

    `segments` (the map of each character back onto the raw JSON, escapes included) is built
    on first use: most strings of a large log are never looked at closely."""

    path: tuple
    start: int  # offset of the opening quote in the raw text
    end: int  # offset after the closing quote
    _text: str
    _segs: list[Segment] | None = None

    @property
    def segments(self) -> list[Segment]:
        if self._segs is None:
            if not self.escaped:
                self._segs = [Segment(0, self.start + 1, self.start + 1 + len(self), True)] if len(self) \
                    else [Segment(0, self.start + 1, self.start + 1, True)]
            else:
                self._segs = _scan_segments(self._text, self.start)
        return self._segs

    @segments.setter
    def segments(self, value: list[Segment]) -> None:
        self._segs = value

    @property
    def escaped(self) -> bool:
        """Whether the raw text differs from the value (it holds escape sequences)."""
        return self.end - self.start - 2 != len(self)


try:  # the C scanner of the standard library finds a string's value and end quickly
    from json.decoder import scanstring as _scanstring
except ImportError:  # pragma: no cover
    _scanstring = None


def _string(text: str, i: int, path: tuple) -> tuple[PosStr, int]:
    # text[i] == '"'
    if _scanstring is not None:
        try:
            value, end = _scanstring(text, i + 1, False)
        except ValueError as e:
            raise ValueError(f"bad string starting at offset {i}: {e}") from None
        out = PosStr(value)
        out.path, out.start, out.end, out._text = path, i, end, text
        return out, end
    segs, value, end = _scan(text, i)
    out = PosStr(value)
    out.path, out.start, out.end, out._text = path, i, end, text
    out._segs = segs
    return out, end


def _scan_segments(text: str, i: int) -> list[Segment]:
    return _scan(text, i)[0]


def _scan(text: str, i: int) -> tuple[list[Segment], str, int]:
    # text[i] == '"'
    start = i
    i += 1
    parts: list[str] = []
    segs: list[Segment] = []
    out_len = 0
    n = len(text)
    while True:
        m = _STR_BODY.match(text, i)
        chunk = m.group()
        if chunk:
            segs.append(Segment(out_len, i, i + len(chunk), True))
            parts.append(chunk)
            out_len += len(chunk)
            i = m.end()
        if i >= n:
            raise ValueError(f"unterminated string starting at offset {start}")
        c = text[i]
        if c == '"':
            i += 1
            break
        if c == "\\":
            if i + 1 >= n:
                raise ValueError(f"bad escape at offset {i}")
            e = text[i + 1]
            if e in _ESCAPES:
                ch, width = _ESCAPES[e], 2
            elif e == "u":
                hexd = text[i + 2:i + 6]
                if len(hexd) != 4 or not all(h in "0123456789abcdefABCDEF" for h in hexd):
                    raise ValueError(f"bad \\u escape at offset {i}")
                cp = int(hexd, 16)
                width = 6
                if 0xD800 <= cp <= 0xDBFF and text[i + 6:i + 8] == "\\u":
                    lo_hex = text[i + 8:i + 12]
                    try:
                        lo = int(lo_hex, 16)
                    except ValueError:
                        lo = 0
                    if 0xDC00 <= lo <= 0xDFFF:
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                        width = 12
                ch = chr(cp)
            else:
                raise ValueError(f"bad escape \\{e} at offset {i}")
            segs.append(Segment(out_len, i, i + width, False))
            parts.append(ch)
            out_len += len(ch)
            i += width
            continue
        # a raw control character inside a string: invalid JSON, but keep it (lenient)
        segs.append(Segment(out_len, i, i + 1, True))
        parts.append(c)
        out_len += 1
        i += 1
    return segs or [Segment(0, start + 1, start + 1, True)], "".join(parts), i


def _value(text: str, i: int, path: tuple, depth: int):
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels at offset {i}")
    i = _WS.match(text, i).end()
    if i >= len(text):
        raise ValueError("unexpected end of JSON")
    c = text[i]
    if c == '"':
        return _string(text, i, path)
    if c == "{":
        obj: dict = {}
        i = _WS.match(text, i + 1).end()
        if text.startswith("}", i):
            return obj, i + 1
        while True:
            i = _WS.match(text, i).end()
            if not text.startswith('"', i):
                raise ValueError(f"expected a key at offset {i}")
            key, i = _string(text, i, path)
            i = _WS.match(text, i).end()
            if not text.startswith(":", i):
                raise ValueError(f"expected ':' at offset {i}")
            val, i = _value(text, i + 1, path + (str(key),), depth + 1)
            obj[str(key)] = val
            i = _WS.match(text, i).end()
            if text.startswith(",", i):
                i += 1
                continue
            if text.startswith("}", i):
                return obj, i + 1
            raise ValueError(f"expected ',' or '}}' at offset {i}")
    if c == "[":
        arr: list = []
        i = _WS.match(text, i + 1).end()
        if text.startswith("]", i):
            return arr, i + 1
        while True:
            val, i = _value(text, i, path + (len(arr),), depth + 1)
            arr.append(val)
            i = _WS.match(text, i).end()
            if text.startswith(",", i):
                i += 1
                continue
            if text.startswith("]", i):
                return arr, i + 1
            raise ValueError(f"expected ',' or ']' at offset {i}")
    for word, val in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, i):
            return val, i + len(word)
    m = _NUMBER.match(text, i)
    if m:
        s = m.group()
        return (float(s) if any(ch in s for ch in ".eE") else int(s)), m.end()
    raise ValueError(f"unexpected character at offset {i}")


def parse(text: str, start: int = 0, path: tuple = ()):
    """Parse one JSON document from `text[start:]`; trailing data is an error."""
    val, i = _value(text, start, path, 0)
    i = _WS.match(text, i).end()
    if i != len(text):
        raise ValueError(f"extra data at offset {i}")
    return val


def parse_prefix(text: str, start: int, end: int, path: tuple = ()):
    """Parse one JSON value that occupies `text[start:end]` (a JSONL record).

    The record is parsed on its own (copying the prefix up to `end` for every record made a
    JSONL file quadratic), then its strings' positions are moved onto `text`."""
    sub = text[start:end]
    val, i = _value(sub, 0, path, 0)
    i = _WS.match(sub, i).end()
    if i != len(sub):
        raise ValueError(f"extra data at offset {start + i}")
    if start:
        for s in iter_strings(val):
            s.start += start
            s.end += start
            s._text = text
            if s._segs is not None:
                for seg in s._segs:
                    seg.parent_start += start
                    seg.parent_end += start
    return val


def iter_strings(value):
    """Every string (`PosStr`) inside a parsed value, keys excluded, in document order."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, PosStr):
            yield v
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list):
            stack.extend(reversed(v))


def join(parts: list[PosStr]) -> tuple[str, list[Segment]]:
    """Concatenate strings (notebook source lines) keeping each one's map onto the raw text."""
    segs: list[Segment] = []
    out = []
    n = 0
    for p in parts:
        for s in p.segments:
            segs.append(Segment(n + s.child_start, s.parent_start, s.parent_end, s.exact))
        out.append(str(p))
        n += len(p)
    return "".join(out), segs


def path_text(path: tuple) -> str:
    out = "$"
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out
