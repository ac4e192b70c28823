"""A small JavaScript/TypeScript lexer for the behaviour detectors: comments blanked out, and
the spans of string and template literals.

`JsView(text).code` has the same length as the text, with every comment replaced by spaces
(newlines kept), so offsets and lines stay those of the file and a detector's pattern never
matches inside a comment.  Strings are kept (module names such as `'ssh2'` and command strings
such as `'npm publish'` are evidence) and their spans are listed so a detector can tell code
from literal text.  One regular-expression pass (comments and literals are found left to right,
so `'http://x'` is a string and not a comment); regular-expression literals are not modelled,
and a `//` inside one blanks the rest of its line, which only loses evidence.
"""
from __future__ import annotations

import bisect
import re
from ..lazyregex import lazy_re

_TOKEN = lazy_re(
    r"//[^\n]*|/\*[\s\S]*?(?:\*/|\Z)|'(?:\\[\s\S]|[^'\\\n])*'?|\"(?:\\[\s\S]|[^\"\\\n])*\"?|"
    r"`(?:\\[\s\S]|[^`\\])*`?")
_NOT_NL = lazy_re(r"[^\n]")


class JsView:
    def __init__(self, text: str):
        self.text = text
        parts: list[str] = []
        strings: list[tuple[int, int]] = []
        pos = 0
        for m in _TOKEN.finditer(text):
            s, e = m.span()
            if text.startswith("/", s):
                parts.append(text[pos:s])
                parts.append(_NOT_NL.sub(" ", m.group()))
                pos = e
            else:
                strings.append((s, e))
        parts.append(text[pos:])
        self.code = "".join(parts)
        self.strings = strings
        self._starts = [s for s, _e in strings]

    def in_string(self, offset: int) -> bool:
        return self.string_at(offset) is not None

    def string_at(self, offset: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.strings[i][0] <= offset < self.strings[i][1]:
            return self.strings[i]
        return None
