"""Function scopes: which function a signal sits in, for rules with `scope = "function"`.

Python functions come from `ast` (fast, and enough for spans); shell and JavaScript functions
from their header shapes and brace matching.  Text outside any function belongs to the module
scope.  A file that does not parse has only the module scope: the rule then judges the whole file,
which errs towards reporting.
"""
from __future__ import annotations

import ast
import bisect
import re
import warnings

from .model import Artefact

_SH_FUNC = re.compile(r"^[ \t]*(?:function[ \t]+)?([A-Za-z_:.][\w:.-]*)[ \t]*\(\)[ \t]*\{|^[ \t]*function[ \t]+([A-Za-z_][\w-]*)[ \t]*\{", re.M)
_JS_FUNC = re.compile(r"\bfunction\b[^({]*\([^)]*\)[^{;]*\{|=>\s*\{|\b[A-Za-z_$][\w$]*\s*\([^)\n]*\)\s*\{")


def _brace_end(text: str, open_at: int) -> int:
    depth = 0
    i = open_at
    n = len(text)
    quote = ""
    while i < n:
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == "\n" and quote in ("'", '"'):
            quote = ""
        i += 1
    return n


def _python(text: str) -> list[tuple[int, int, str]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError):
        return []
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    out = []

    def off(line: int, col: int) -> int:
        # ast columns are UTF-8 byte offsets; close enough for scoping on ASCII, clamp otherwise
        return min(starts[min(line, len(starts)) - 1] + col, len(text))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            end_line = getattr(node, "end_lineno", node.lineno) or node.lineno
            end_col = getattr(node, "end_col_offset", 0) or 0
            name = getattr(node, "name", "<lambda>")
            out.append((off(node.lineno, node.col_offset), off(end_line, end_col), name))
    return out


def function_spans(art: Artefact) -> list[tuple[int, int, str]]:
    cached = art.meta.get("_functions")
    if cached is not None:
        return cached
    text = art.text
    spans: list[tuple[int, int, str]] = []
    if art.kind == "python":
        spans = _python(text)
    elif art.kind in ("shell", "javascript"):
        pat = _SH_FUNC if art.kind == "shell" else _JS_FUNC
        for m in pat.finditer(text):
            brace = text.rfind("{", m.start(), m.end())
            if brace < 0:
                continue
            name = next((g for g in m.groups() if g), "<function>") if m.groups() else "<function>"
            spans.append((m.start(), _brace_end(text, brace), name))
    spans.sort()
    art.meta["_functions"] = spans
    return spans


def function_at(art: Artefact, offset: int) -> tuple[int, int, str]:
    """The innermost function span containing `offset`, or the module span."""
    spans = function_spans(art)
    best = (0, len(art.text), "<module>")
    i = bisect.bisect_right(spans, (offset, float("inf"), ""))
    for s in reversed(spans[:i]):
        if s[0] <= offset < s[1] and (s[1] - s[0]) < (best[1] - best[0]):
            best = s
    return best
