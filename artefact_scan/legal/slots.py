"""Slot readers shared by the marker families: a name, a date or an identifier right after a
label or a phrase, classified as filled or empty."""
from __future__ import annotations

import datetime as _dt
import os

import regex

from .blocks import Slot
from .text import BLANK_DATE_RE, PLACEHOLDER_RE, find_dates, find_name, is_placeholder, name_in
from ..lazyregex import lazy

_LEAD = " \t:,;-\u2013\u2014*_>|"


def today() -> _dt.date:
    """The scan date; `ARTEFACT_SCAN_TODAY=YYYY-MM-DD` (set by the invoking side) pins it, so
    that reports of the same tree can be reproduced."""
    pinned = os.environ.get("ARTEFACT_SCAN_TODAY", "")
    if pinned:
        try:
            return _dt.date.fromisoformat(pinned)
        except ValueError:
            pass
    return _dt.date.today()


def _skip(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \t:,;-\u2013\u2014*>|":
        pos += 1
    return pos


def _line_end(text: str, pos: int, end: int) -> int:
    nl = text.find("\n", pos, end)
    return end if nl < 0 else nl


def blank_at(text: str, pos: int, end: int) -> regex.Match | None:
    """A placeholder or blank date starting right at `pos` (after separators)."""
    p = _skip(text, pos, end)
    seg = text[p:min(end, p + 80)]
    m = PLACEHOLDER_RE.match(seg) or BLANK_DATE_RE.match(seg)
    if m and m.start() == 0:
        return m
    return None


def name_slot(name: str, text: str, pos: int, end: int, *, reach: int = 3, strong: bool = True,
              same_line: bool = True) -> Slot | None:
    """A personal name starting within `reach` characters after `pos` (separators skipped),
    or an empty slot when a blank stands there."""
    p = _skip(text, pos, end)
    stop = _line_end(text, p, end) if same_line else end
    stop = min(stop, p + 90)
    if p >= stop:
        return None
    m = blank_at(text, p, stop)
    if m:
        return Slot(name, p, p + m.end(), m.group(), False, strong=strong)
    found = find_name(text[p:stop])
    if found and found[0] <= reach:
        return Slot(name, p + found[0], p + found[1], found[2], True, strong=strong)
    return None


def name_before(name: str, text: str, pos: int, start: int, *, strong: bool = True) -> Slot | None:
    """A name ending right before `pos` on the same line ("Robert Miles, Notary Public")."""
    ls = text.rfind("\n", start, pos) + 1
    ls = max(ls, start)
    seg = text[ls:pos].rstrip(" \t,;-")
    if not seg.strip():
        return None
    if is_placeholder(seg.strip()[-12:]) and PLACEHOLDER_RE.search(seg):
        m = list(PLACEHOLDER_RE.finditer(seg))[-1]
        if len(seg) - m.end() <= 3:
            return Slot(name, ls + m.start(), ls + m.end(), m.group(), False, strong=strong)
    # the last name-like run that ends the segment
    best = None
    for m in regex.finditer(r"(?:/s/[ \t]*)?(\p{Lu}[\p{L}'\u2019.-]*(?:[ \t]+\p{Lu}[\p{L}'\u2019.-]*){1,4})$", seg):
        best = m
    if best:
        nm = name_in(best.group(1))
        if nm:
            i = seg.rfind(nm)
            return Slot(name, ls + i, ls + i + len(nm), nm, True, strong=strong)
    return None


def name_on_line_above(name: str, text: str, pos: int, start: int, *, strong: bool = True,
                       max_len: int = 60) -> Slot | None:
    """A signature line above a title line: the previous non-blank line holds only a name
    (optionally `/s/ Name`) or only a blank."""
    ls = text.rfind("\n", start, pos) + 1
    if ls <= start:
        return None
    # walk up over at most one empty line
    e = ls - 1
    for _ in range(2):
        s = text.rfind("\n", start, e) + 1
        s = max(s, start)
        line = text[s:e]
        if line.strip():
            stripped = line.strip(" \t>*|")
            if len(stripped) > max_len:
                return None
            if is_placeholder(stripped.replace("/s/", "").replace("By:", "")):
                return Slot(name, s, e, stripped, False, strong=strong)
            core = regex.sub(r"^(?:By:?[ \t]*)?(?:/s/[ \t]*)?", "", stripped).strip()
            nm = name_in(core)
            if nm and len(nm) >= len(core) - 6:
                i = text.find(nm, s, e)
                return Slot(name, i, i + len(nm), nm, True, strong=strong)
            return None
        if s <= start:
            return None
        e = s - 1
    return None


def date_slot(name: str, text: str, pos: int, end: int, *, reach: int = 200,
              strong: bool = True) -> Slot | None:
    """The first date (or blank date) within `reach` characters after `pos`."""
    stop = min(end, pos + reach)
    seg_blank = BLANK_DATE_RE.search(text, pos, stop)
    dates = find_dates(text, pos, stop)
    d = dates[0] if dates else None
    if d and (seg_blank is None or d.start < seg_blank.start()):
        return Slot(name, d.start, d.end, d.text, True, date=d, strong=strong)
    if seg_blank:
        return Slot(name, seg_blank.start(), seg_blank.end(), seg_blank.group(), False, strong=strong)
    return None


_COLUMN_GAP = lazy(r"[ \t]{3,}|\t")


def value_slot(name: str, text: str, pos: int, end: int, *, need_digit: bool = False,
               capital: bool = False, strong: bool = True, follow: bool = False,
               token: bool = False) -> Slot | None:
    """The rest of the line after a label (up to a column gap), filled when it is not a blank
    (and, when asked, holds a digit or starts with a capital letter).  `follow`: an empty rest
    reads the next line; `token`: only the first word (an identifier)."""
    p = _skip(text, pos, end)
    le = _line_end(text, p, end)
    if p >= le and follow and le < end:
        p = _skip(text, le + 1, end)
        le = _line_end(text, p, end)
    gap = _COLUMN_GAP.search(text, p, le)
    if gap and gap.start() > p:
        le = gap.start()
    if token and not blank_at(text, p, le):
        t = regex.match(r"[^\s,;]+", text[p:le])
        if t:
            le = p + t.end()
    val = text[p:le].rstrip(" \t\r")
    if not val:
        return Slot(name, p, p, "", False, strong=strong)
    if is_placeholder(val) or blank_at(text, p, le):
        return Slot(name, p, le, val, False, strong=strong)
    if need_digit and not any(c.isdigit() for c in val[:40]):
        return None
    if capital and not val[:1].isupper() and not val[:1].isdigit():
        return None
    return Slot(name, p, p + len(val), val[:80], True, strong=strong)
