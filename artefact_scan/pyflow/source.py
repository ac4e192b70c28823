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
from ..lazyregex import lazy_re

_MAGIC_LINE = lazy_re(r"^([ \t]*)(?:!|%%?|\?\??)(?=\S)[^\n]*$", re.M)
_MAGIC_ASSIGN = lazy_re(r"^([ \t]*[A-Za-z_][\w.,\s]*=[ \t]*)(?:!|%)[^\n]*$", re.M)
_HELP_SUFFIX = lazy_re(r"^([ \t]*[A-Za-z_][\w.]*)\?\??[ \t]*$", re.M)


def mask_magics(text: str) -> str:
    """Replace IPython-only lines with Python of the same line count."""
    text = _MAGIC_ASSIGN.sub(lambda m: m.group(1) + "None", text)
    text = _MAGIC_LINE.sub(lambda m: m.group(1) + "pass", text)
    return _HELP_SUFFIX.sub(lambda m: m.group(1), text)


def has_magics(text: str) -> bool:
    return bool(_MAGIC_LINE.search(text) or _MAGIC_ASSIGN.search(text))


_PROMPT = lazy_re(r"^(?:>>>|\.\.\.)(?: |$)", re.M)


def from_session(text: str) -> tuple[str, frozenset[int]] | None:
    """An interactive session (`>>> code`, `... more`, output lines) as Python: prompts removed,
    output lines blanked, line numbers kept; returns the code and the lines whose columns moved
    left by four."""
    if ">>> " not in text:
        return None
    out, moved = [], set()
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith((">>> ", "... ")):
            out.append(line[4:])
            moved.add(i)
        elif line in (">>>", "..."):
            out.append("")
        else:
            out.append("")
    return "\n".join(out), frozenset(moved)


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
    """ast (line, byte column) → offset in the text (`moved`: lines parsed without a 4-character
    session prompt)."""

    __slots__ = ("text", "starts", "_ascii", "moved")

    def __init__(self, text: str, starts: list[int], moved: frozenset[int] = frozenset()):
        self.text = text
        self.starts = starts
        self._ascii: dict[int, bool] = {}
        self.moved = moved

    def offset(self, line: int, col: int) -> int:
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        if line in self.moved:
            col += 4
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


_BLOCK_HEAD = lazy_re(r"(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)")


_ASSIGNED = lazy_re(r"^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)", re.M)
_NAME_CALL = lazy_re(r"([A-Za-z_]\w*)\s*\(")


def _blocks(lines: list[str], lo: int, hi: int, indent: str) -> list[list]:
    """Split lines[lo:hi] into blocks starting at lines indented exactly by `indent`:
    [start, end, def/class name or None]; decorators belong to the block they decorate."""
    n = len(indent)
    raw = []
    start = lo
    for i in range(lo + 1, hi):
        line = lines[i]
        if line.startswith(indent) and line[n:n + 1] not in ("", " ", "\t", "#", ")", "]", "}") \
                and not lines[i - 1].endswith("\\"):
            raw.append((start, i))
            start = i
    raw.append((start, hi))
    out: list[list] = []
    pending = None
    for b0, b1 in raw:
        head = lines[b0][n:]
        if head.startswith("@"):
            pending = pending if pending is not None else b0
            continue
        m = _BLOCK_HEAD.match(head)
        out.append([pending if pending is not None else b0, b1, m.group(2) if m else None,
                    m.group(1) if m else None])
        pending = None
    return out


def relevant_slice(text: str, words: tuple[str, ...], min_size: int = 20000) -> str | None:
    """The text with `def`/`class` blocks that cannot matter blanked out (line numbers kept).

    Top-level blocks, and the methods of kept classes, are the units.  Seeds are the units that
    hold one of `words` (what creates provenance labels) or a module-level name assigned from
    one; the units they call and the units that call them are kept too (two rounds); every
    statement that is not a definition is kept.  A dropped method becomes `pass`.  Returns None
    when the text is small or nothing would be dropped; the caller parses the full text if the
    slice does not parse (a block boundary guessed inside a multi-line string)."""
    if len(text) < min_size:
        return None
    lines = text.split("\n")
    top = _blocks(lines, 0, len(lines), "")
    if sum(1 for b in top if b[2]) < 2:
        return None
    units: list[list] = []   # [start, end, name, level, parent index]
    for b in top:
        units.append([b[0], b[1], b[2], 0, None])
        if b[3] == "class" and b[1] - b[0] > 40:
            # the members' indentation: the first indented code line after the header
            indent = None
            for k in range(b[0] + 1, b[1]):
                ln = lines[k]
                stripped = ln.lstrip(" \t")
                if stripped and not stripped.startswith("#") and ln != stripped:
                    indent = ln[: len(ln) - len(stripped)]
                    break
            if indent:
                parent = len(units) - 1
                for m in _blocks(lines, b[0] + 1, b[1], indent):
                    if m[2] is not None:
                        units.append([m[0], m[1], m[2], 1, parent])
    members_of: dict[int, list[int]] = {}
    for i, u in enumerate(units):
        if u[4] is not None:
            members_of.setdefault(u[4], []).append(i)
    segs: list[str] = []
    for i, u in enumerate(units):
        if i in members_of:
            # a class with members: its own text is the header and class-level statements
            covered = set()
            for m in members_of[i]:
                covered.update(range(units[m][0], units[m][1]))
            segs.append("\n".join(lines[k] for k in range(u[0], u[1]) if k not in covered))
        else:
            segs.append("\n".join(lines[u[0]:u[1]]))
    lows = [seg.lower() for seg in segs]
    names = set()
    for i, u in enumerate(units):
        if u[2] is None and any(w in lows[i] for w in words):
            names.update(_ASSIGNED.findall(segs[i]))
    names = {n for n in names if len(n) > 2}
    defs = [i for i, u in enumerate(units) if u[2] is not None]
    keep = {i for i, u in enumerate(units) if u[2] is None}
    seeds = {i for i in defs if any(w in lows[i] for w in words) or any(n in segs[i] for n in names)}
    keep |= seeds
    by_name: dict[str, list[int]] = {}
    for i in defs:
        by_name.setdefault(units[i][2], []).append(i)
    frontier = set(seeds)
    for _round in range(2):
        new = set()
        for i in frontier:
            for c in set(_NAME_CALL.findall(segs[i])):
                for j in by_name.get(c, ()):
                    if j not in keep:
                        new.add(j)
            name = units[i][2]
            if name and i not in members_of:
                call = name + "("
                new.update(j for j in defs if j not in keep and j not in members_of and call in segs[j])
        keep |= new
        frontier = new
    # a kept member keeps its class header; a kept class (by its own statements or as a callee)
    # keeps __init__ and the members it calls
    for i in list(keep):
        p = units[i][4]
        if p is not None:
            keep.add(p)
    for cls in members_of:
        if cls in keep:
            for m in members_of[cls]:
                if units[m][2] in ("__init__", "__new__", "__call__", "run"):
                    keep.add(m)
    if len(keep) == len(units):
        return None
    out = list(lines)
    for i, u in enumerate(units):
        if i in keep:
            continue
        if u[3] == 0 and i in members_of:
            pass  # a dropped class: blank it whole below
        if u[4] is not None and u[4] in keep:
            head = lines[u[0]]
            indent = head[: len(head) - len(head.lstrip(" \t"))]
            out[u[0]] = indent + "pass"
            for k in range(u[0] + 1, u[1]):
                out[k] = ""
        elif u[4] is None:
            for k in range(u[0], u[1]):
                out[k] = ""
    return "\n".join(out)
