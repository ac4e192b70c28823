"""Marker families with slots: group nearby anchors into blocks and measure how filled they are.

A family (notarial certificate, apostille, clerk stamp, court order…) finds its anchor phrases,
groups the ones within a few lines into one block, and extracts the slots it expects (signer,
date, notary, commission expiry, judge, case number…).  A slot is *filled* with a real value or
*empty* (a blank, a placeholder such as `____`, `[NAME]`, `{{date}}`, `XX/XX/XXXX`).  The block's
fill ratio separates a blank form (quiet) from an executed instrument (reported).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..escape import one_line
from .text import DateValue


@dataclass
class Slot:
    name: str  # "notary", "act-date", "expiry"…
    start: int
    end: int
    value: str
    filled: bool
    date: DateValue | None = None
    strong: bool = True  # counts towards "filled specifics" (a venue or a seal does not)


@dataclass
class Block:
    family: str
    start: int  # offsets of the block in the artefact's text
    end: int
    anchor: tuple[int, int]  # where the finding points
    slots: list[Slot] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def add(self, slot: Slot | None) -> Slot | None:
        if slot is not None and not any(s.name == slot.name and s.filled for s in self.slots):
            if slot.filled:
                # a filled value replaces an empty one of the same slot
                self.slots = [s for s in self.slots if s.name != slot.name]
            elif any(s.name == slot.name for s in self.slots):
                return slot
            self.slots.append(slot)
        return slot

    def get(self, name: str) -> Slot | None:
        for s in self.slots:
            if s.name == name:
                return s
        return None

    def filled(self, name: str) -> Slot | None:
        s = self.get(name)
        return s if s is not None and s.filled else None

    @property
    def n_filled(self) -> int:
        return sum(1 for s in self.slots if s.filled and s.strong)

    @property
    def n_empty(self) -> int:
        return sum(1 for s in self.slots if not s.filled)

    @property
    def fill(self) -> float:
        total = sum(1 for s in self.slots if s.strong or not s.filled)
        return (self.n_filled / total) if total else 0.0

    # slots that identify the act come first in a message, which has room for about 150 characters
    PRIORITY = ("signer", "declarant", "notary", "judge", "clerk", "certifier", "official", "attorney",
                "act-date", "date", "filed", "executed", "signed-by", "number", "commission-expiry",
                "commission-number", "case", "envelope-id", "id", "identifier", "bar-number")

    def describe(self, budget: int = 150) -> str:
        filled = [s for s in self.slots if s.filled]
        filled.sort(key=lambda s: (not s.strong, self.PRIORITY.index(s.name) if s.name in self.PRIORITY else 99))
        parts, used = [], 0
        for s in filled:
            value = " ".join(s.value.split())  # a value wrapped over lines is one value
            part = f"{s.name.replace('-', ' ')}: {one_line(value, 40)}"
            if parts and used + len(part) + 2 > budget:
                break
            parts.append(part)
            used += len(part) + 2
        return "; ".join(parts)

    def data(self) -> dict:
        d = {"family": self.family, "slots": self.describe(), "filled": self.n_filled,
             "empty": self.n_empty, "fill": round(self.fill, 2),
             "slot_names": [s.name for s in self.slots if s.filled]}
        d.update(self.extra)
        return d


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts (split and accumulate run in C)."""
    from itertools import accumulate

    return [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1] if text else [0]


class Lines:
    """Line arithmetic over one text (0-based line numbers); the line index is built on first
    use, from `starts` (a callable or a list) when given."""

    def __init__(self, text: str, starts=None):
        import bisect

        self.text = text
        self._starts = starts
        self._bisect = bisect.bisect_right

    @property
    def starts(self) -> list[int]:
        if not isinstance(self._starts, list):
            self._starts = self._starts() if callable(self._starts) else line_starts(self.text)
        return self._starts

    def line(self, offset: int) -> int:
        return self._bisect(self.starts, offset) - 1

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Offsets from the start of line `first` to the end of line `last` (clamped)."""
        starts = self.starts
        n = len(starts)
        first = max(0, min(first, n - 1))
        last = max(first, min(last, n - 1))
        end = starts[last + 1] - 1 if last + 1 < n else len(self.text)
        return starts[first], end

    def bounds(self, line: int) -> tuple[int, int]:
        return self.span(line, line)


def lines_up(text: str, pos: int, n: int) -> int:
    """Start offset of the line `n` lines above the line holding `pos` (no index needed)."""
    s = text.rfind("\n", 0, pos) + 1
    for _ in range(max(0, n)):
        if s == 0:
            break
        s = text.rfind("\n", 0, s - 1) + 1
    return s


def lines_down(text: str, pos: int, n: int) -> int:
    """End offset (before the newline) of the line `n` lines below the line holding `pos`."""
    size = len(text)
    e = text.find("\n", pos)
    e = size if e < 0 else e
    for _ in range(max(0, n)):
        if e >= size:
            break
        e2 = text.find("\n", e + 1)
        e = size if e2 < 0 else e2
    return e


def cluster_text(text: str, spans: list[tuple[int, int]], gap: int) -> list[list[tuple[int, int]]]:
    """Group spans whose lines are at most `gap` lines apart, counting newlines between them."""
    groups: list[list[tuple[int, int]]] = []
    last_end = 0
    for sp in sorted(spans):
        if groups and text.count("\n", last_end, max(last_end, sp[0])) <= gap:
            groups[-1].append(sp)
        else:
            groups.append([sp])
        last_end = max(last_end, sp[1])
    return groups
