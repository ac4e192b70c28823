"""Make untrusted text safe to print: invisible and control characters become visible.

Every human-facing string a report prints (snippets, messages, decoded payloads, paths) passes
through `visible`.  Terminal escapes (ESC, C1 controls), bidi controls, zero-width and tag
characters, variation selectors, private-use and unassigned code points, odd whitespace and
"looks blank" letters are written as ⟨U+XXXX⟩; bytes that were not valid UTF-8 (kept as lone
surrogates by `textmap`) are written as ⟨0xNN⟩.  The character class is built from Unicode
properties in `charpolicy` (the same policy the hidden-message detectors use), never from raw
characters in this file.
"""
from __future__ import annotations

import regex

from .charpolicy import BLANK_LOOKING, ESCAPE_CLASS  # noqa: F401  (one policy for the project)

_INVISIBLE = regex.compile("(?V1)" + ESCAPE_CLASS)
_INVISIBLE_RUN = regex.compile("(?:" + _INVISIBLE.pattern + ")+", regex.V1)
_ASCII_CONTROL = regex.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f]")


def _show(m: regex.Match) -> str:
    cp = ord(m.group())
    if 0xDC80 <= cp <= 0xDCFF:  # a byte kept by surrogateescape
        return f"\u27e80x{cp - 0xDC00:02X}\u27e9"
    return f"\u27e8U+{cp:04X}\u27e9"


_RUN = 6  # this many invisible characters in a row are shown as one summary


def _compress(m: regex.Match) -> str:
    run = m.group()
    if len(run) < _RUN:
        return "".join(_show_cp(c) for c in run)
    return (f"\u27e8{len(run)} invisible: U+{ord(run[0]):04X} U+{ord(run[1]):04X} "
            f"\u2026 U+{ord(run[-1]):04X}\u27e9")


def _show_cp(ch: str) -> str:
    cp = ord(ch)
    if 0xDC80 <= cp <= 0xDCFF:
        return f"\u27e80x{cp - 0xDC00:02X}\u27e9"
    return f"\u27e8U+{cp:04X}\u27e9"


def visible(text: str | None, limit: int | None = None, compress: bool = False) -> str:
    """`text` with every invisible or control character shown as ⟨U+XXXX⟩; with `compress`, a
    long run of them is summarised as ⟨N invisible: U+… U+… … U+…⟩ (for code frames)."""
    if text is None:
        return ""
    if limit is not None and len(text) > limit:
        suffix = f"\u2026 [{len(text)} characters, first {limit} shown]"
        text = text[:limit]
    else:
        suffix = ""
    if text.isascii():
        out = _ASCII_CONTROL.sub(_show, text)
    elif compress:
        out = _INVISIBLE_RUN.sub(_compress, text)
    else:
        out = _INVISIBLE.sub(_show, text)
    return out + suffix


def one_line(text: str | None, limit: int | None = None) -> str:
    """Like `visible`, with newlines and tabs shown too, for single-line contexts."""
    out = visible(text, limit)
    return out.replace("\n", "\u27e8U+000A\u27e9").replace("\t", "\u27e8U+0009\u27e9")


def is_invisible(ch: str) -> bool:
    return bool(_INVISIBLE.match(ch))


def _json_escape(m: regex.Match) -> str:
    cp = ord(m.group())
    if cp > 0xFFFF:
        cp -= 0x10000
        return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"
    return f"\\u{cp:04x}"


def json_visible(dumped: str) -> str:
    """Serialised JSON with every invisible or control character inside its strings written as
    a `\\uXXXX` escape: it parses to the same data, and read as text (a terminal, a CI log, an
    editor) a bidi override cannot reorder a line, an escape sequence cannot reach the
    terminal and a zero-width character is seen.  JSON text outside strings is ASCII, so only
    string contents change."""
    if dumped.isascii():
        return dumped.replace("\x7f", "\\u007f")
    return _INVISIBLE.sub(_json_escape, dumped)
