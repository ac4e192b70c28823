"""Parsing Python text for the flow analysis, without executing anything.

`parse` returns an `ast.Module` or the reason it could not be parsed.  IPython syntax in
notebook cells and Markdown fences (`!cmd`, `%magic`, `%%cell`, `x = !cmd`, `obj?`) is masked
line by line before parsing, so a cell with magics still gets the flow analysis; the masked
lines keep their line numbers.  `Offsets` maps ast positions (1-based lines, UTF-8 byte
columns) to offsets in the text.
"""
from __future__ import annotations

import ast
import re
import warnings

_MAGIC_LINE = re.compile(r"^([ \t]*)(?:!|%%?|\?\??)(?=\S)[^\n]*$", re.M)
_MAGIC_ASSIGN = re.compile(r"^([ \t]*[A-Za-z_][\w.,\s]*=[ \t]*)(?:!|%)[^\n]*$", re.M)
_HELP_SUFFIX = re.compile(r"^([ \t]*[A-Za-z_][\w.]*)\?\??[ \t]*$", re.M)


def mask_magics(text: str) -> str:
    """Replace IPython-only lines with Python of the same line count."""
    text = _MAGIC_ASSIGN.sub(lambda m: m.group(1) + "None", text)
    text = _MAGIC_LINE.sub(lambda m: m.group(1) + "pass", text)
    return _HELP_SUFFIX.sub(lambda m: m.group(1), text)


def has_magics(text: str) -> bool:
    return bool(_MAGIC_LINE.search(text) or _MAGIC_ASSIGN.search(text))


def parse(text: str, allow_magics: bool = True) -> tuple[ast.Module | None, str | None]:
    """The module, or None and a one-line reason."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text), None
        except SyntaxError as e:
            first = e
        except (ValueError, RecursionError, MemoryError) as e:
            return None, f"{type(e).__name__}: {str(e)[:120]}"
        if allow_magics and has_magics(text):
            try:
                return ast.parse(mask_magics(text)), None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
    msg = first.msg if isinstance(first, SyntaxError) else str(first)
    return None, f"line {getattr(first, 'lineno', '?')}: {msg}"


class Offsets:
    """ast (line, byte column) → offset in the text."""

    __slots__ = ("text", "starts", "_ascii")

    def __init__(self, text: str, starts: list[int]):
        self.text = text
        self.starts = starts
        self._ascii: dict[int, bool] = {}

    def offset(self, line: int, col: int) -> int:
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        if col <= 0:
            return start
        ok = self._ascii.get(line)
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        if ok is None:
            ok = self._ascii[line] = self.text[start:end].isascii()
        if ok:
            return min(start + col, end)
        raw = self.text[start:end].encode("utf-8", "surrogatepass")
        return start + len(raw[:col].decode("utf-8", "ignore"))

    def span(self, node) -> tuple[int, int]:
        s = self.offset(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))
        el = getattr(node, "end_lineno", None)
        e = self.offset(el, getattr(node, "end_col_offset", 0)) if el is not None else s + 1
        # a multi-line node is shown by its first line (the rest is in the snippet)
        nl = self.text.find("\n", s, e)
        if nl != -1:
            e = nl
        return s, max(e, s + 1)
