"""Where the string literals and comments of a piece of code are, without parsing it.

Trojan Source checks need to know whether a character sits in a string, a comment or a code
token.  A full parser is too slow for a question asked only of the few files that hold bidi or
invisible characters, and it fails on the broken code agents leave behind, so this is a small
lexer for Python, JavaScript/TypeScript and shell: quotes (with prefixes, triple quotes,
template literals, ANSI-C `$'…'`, here-documents), escapes, line and block comments, JavaScript regex literals
by the usual "after an operator" rule.  It is linear in the text and never fails: an
unterminated literal runs to the end of its line (single-quoted) or of the text (triple-quoted,
block comment), as an editor would colour it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from .lazyregex import lazy_re

_PY_START = lazy_re(r"""[#'"]""")
_PY_PREFIX = frozenset("rRbBuUfFtT")
_JS_START = lazy_re(r"""//|/\*|['"`/]""")
_SH_START = lazy_re(r"""(?:(?<=[\s;|&(])|^)#|\$'|['"]|(?<!<)<<-?[ \t]*(?:'([A-Za-z_]\w*)'|"([A-Za-z_]\w*)"|\\?([A-Za-z_]\w*))""", re.M)
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


_CLOSERS: dict[tuple[str, bool, bool], re.Pattern] = {}


def _close_quote(text: str, i: int, quote: str, escapes: bool, multiline: bool) -> int:
    """Offset just after the quote that closes a literal whose body starts at `i` (the end of
    the line for an unterminated single-line literal, of the text for a multi-line one)."""
    key = (quote, escapes, multiline)
    pat = _CLOSERS.get(key)
    if pat is None:
        alts = ([r"\\."] if escapes else []) + [re.escape(quote)] + ([] if multiline else ["\n"])
        pat = _CLOSERS[key] = re.compile("|".join(alts), re.S)
    while True:
        m = pat.search(text, i)
        if m is None:
            return len(text)
        tok = m.group()
        if tok == "\n":
            return m.start()
        if escapes and tok[0] == "\\" and tok != quote:
            i = m.end()
            continue
        return m.end()


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
            quote = tok * 3 if text.startswith(tok * 3, s) else tok
            # a string prefix (r, b, f, rb…) belongs to the literal
            p = s
            while p > 0 and s - p < 2 and text[p - 1] in _PY_PREFIX:
                p -= 1
            if p < s and p > 0 and (text[p - 1].isalnum() or text[p - 1] == "_"):
                p = s  # the letters end a name (`xr"…"` is not a prefix)
            s = p
            # a backslash keeps a quote from closing even a raw string
            e = _close_quote(text, m.start() + len(quote), quote, True, len(quote) == 3)
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
        if tok.startswith("<<"):
            # a here-document: its body, up to the line holding only the delimiter, is data
            word = m.group(1) or m.group(2) or m.group(3)
            body = _line_end(text, m.end()) + 1
            end = re.compile(r"^[ \t]*" + re.escape(word) + r"[ \t]*$", re.M).search(text, body)
            e = end.end() if end else len(text)
            if body < e:
                spans.append(Span(body, e, "string"))
            i = max(e, m.end())
            continue
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

# Source files of other languages that the scanner reads as text: C, C++, C#, Java, Go, Rust,
# Swift, Kotlin, Scala, PHP, Solidity, Dart, Zig share the C comment and quote syntax closely
# enough for Trojan Source checks (the Trojan Source paper's proofs of concept cover most).
C_LIKE = frozenset({".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx", ".cs", ".java",
                    ".go", ".rs", ".swift", ".kt", ".kts", ".scala", ".php", ".sol", ".dart",
                    ".zig", ".m", ".mm", ".groovy", ".gradle"})
PY_LIKE = frozenset({".rb", ".pl", ".pm", ".r", ".nim", ".cr"})  # '#' comments, quotes


def language(kind: str, name: str) -> str | None:
    """The lexer for an artefact: its own code kind, or one that fits a source file read as
    text by its extension; None for prose."""
    if kind in _LEXERS:
        return kind
    if kind != "text":
        return None
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot >= 0 else ""
    if ext in C_LIKE:
        return "javascript"
    if ext in PY_LIKE:
        return "shell"
    return None


_FENCE_LANG = lazy_re(r"\(([\w+#.-]+)\)$")
FENCE_EXT = {"c": ".c", "h": ".h", "cpp": ".cpp", "c++": ".cpp", "cxx": ".cpp", "cs": ".cs",
              "csharp": ".cs", "c#": ".cs", "java": ".java", "go": ".go", "golang": ".go",
              "rust": ".rs", "rs": ".rs", "swift": ".swift", "kotlin": ".kt", "kt": ".kt",
              "scala": ".scala", "php": ".php", "solidity": ".sol", "sol": ".sol", "dart": ".dart",
              "zig": ".zig", "ruby": ".rb", "rb": ".rb", "perl": ".pl", "r": ".r", "groovy": ".groovy",
              "objc": ".m", "objective-c": ".m"}


def artefact_language(art) -> str | None:
    """`language` for an artefact, also for a Markdown code block of a language the scanner
    has no kind for (its origin label ends with the fence's language, "(rust)")."""
    lang = language(art.kind, art.name)
    if lang is None and art.kind == "text" and art.origin:
        m = _FENCE_LANG.search(art.origin[-1])
        if m and m.group(1).lower() in FENCE_EXT:
            lang = language("text", "x" + FENCE_EXT[m.group(1).lower()])
    return lang


def literals(text: str, kind: str) -> Literals | None:
    """The string and comment spans of `text` for a code kind (or `language` result), or None
    for other kinds."""
    fn = _LEXERS.get(kind)
    return Literals(fn(text)) if fn else None
