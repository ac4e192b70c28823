"""Where the string literals and comments of a piece of code are, without parsing it.

Trojan Source checks need to know whether a character sits in a string, a comment or a code
token.  A full parser is too slow for a question asked only of the few files that hold bidi or
invisible characters, and it fails on the broken code agents leave behind, so this is a small
lexer for Python, JavaScript/TypeScript and shell: quotes (with prefixes, triple quotes,
template literals, ANSI-C `$'…'`), escapes, line and block comments, JavaScript regex literals
by the usual "after an operator" rule.  It is linear in the text and never fails: an
unterminated literal runs to the end of its line (single-quoted) or of the text (triple-quoted,
block comment), as an editor would colour it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_PY_START = re.compile(r"""#|(?<![\w])[rRbBuUfFtT]{0,2}(?:'''|\"\"\"|'|")""")
_JS_START = re.compile(r"""//|/\*|['"`/]""")
_SH_START = re.compile(r"""(?:(?<=[\s;|&(])|^)#|\$'|['"]""", re.M)
_JS_REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    what: str  # "string" | "comment"


class Literals:
    """The literal and comment spans of a text, with lookup by offset."""

    def __init__(self, spans: list[Span]):
        self.spans = spans
        self._starts = [s.start for s in spans]

    def at(self, offset: int) -> Span | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and self.spans[i].start <= offset < self.spans[i].end:
            return self.spans[i]
        return None


def _line_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def _close_quote(text: str, i: int, quote: str, escapes: bool, multiline: bool) -> int:
    """Offset just after the quote that closes a literal whose body starts at `i`."""
    n = len(text)
    while i < n:
        c = text[i]
        if escapes and c == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        if c == "\n" and not multiline:
            return i
        i += 1
    return n


def _python(text: str) -> list[Span]:
    spans, i = [], 0
    while True:
        m = _PY_START.search(text, i)
        if not m:
            return spans
        s, tok = m.start(), m.group()
        if tok == "#":
            e = _line_end(text, s)
            spans.append(Span(s, e, "comment"))
        else:
            quote = tok.lstrip("rRbBuUfFtT")
            # a backslash keeps a quote from closing even a raw string
            e = _close_quote(text, m.end(), quote, True, len(quote) == 3)
            spans.append(Span(s, e, "string"))
        i = max(e, s + 1)


def _prev_significant(text: str, i: int) -> str:
    j = i - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    return text[j] if j >= 0 else ""


def _javascript(text: str) -> list[Span]:
    spans, i = [], 0
    while True:
        m = _JS_START.search(text, i)
        if not m:
            return spans
        s, tok = m.start(), m.group()
        if tok == "//":
            e = _line_end(text, s)
            spans.append(Span(s, e, "comment"))
        elif tok == "/*":
            j = text.find("*/", s + 2)
            e = len(text) if j < 0 else j + 2
            spans.append(Span(s, e, "comment"))
        elif tok == "/":
            if _prev_significant(text, s) in _JS_REGEX_BEFORE:
                e, j, cls = s + 1, s + 1, False
                while j < len(text) and text[j] != "\n":
                    c = text[j]
                    if c == "\\":
                        j += 2
                        continue
                    if c == "[":
                        cls = True
                    elif c == "]":
                        cls = False
                    elif c == "/" and not cls:
                        e = j + 1
                        break
                    j += 1
                else:
                    e = s + 1
                if e > s + 1:
                    spans.append(Span(s, e, "string"))
            else:
                e = s + 1
        else:
            e = _close_quote(text, s + 1, tok, True, tok == "`")
            spans.append(Span(s, e, "string"))
        i = max(e, s + 1)


def _shell(text: str) -> list[Span]:
    spans, i = [], 0
    while True:
        m = _SH_START.search(text, i)
        if not m:
            return spans
        s, tok = m.start(), m.group()
        if tok == "#":
            e = _line_end(text, s)
            spans.append(Span(s, e, "comment"))
        elif tok == "$'":
            e = _close_quote(text, m.end(), "'", True, True)
            spans.append(Span(s, e, "string"))
        elif tok == "'":
            e = _close_quote(text, s + 1, "'", False, True)
            spans.append(Span(s, e, "string"))
        else:
            e = _close_quote(text, s + 1, '"', True, True)
            spans.append(Span(s, e, "string"))
        i = max(e, s + 1)


_LEXERS = {"python": _python, "javascript": _javascript, "shell": _shell}


def literals(text: str, kind: str) -> Literals | None:
    """The string and comment spans of `text` for a code kind, or None for other kinds."""
    fn = _LEXERS.get(kind)
    return Literals(fn(text)) if fn else None
