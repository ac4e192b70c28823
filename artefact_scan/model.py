"""The data that flows through a scan: artefacts, signals, findings and scan errors.

Path of the data: discovery yields files; `textmap` decodes their bytes into an `Artefact`;
extractors and detectors add child artefacts and emit `Signal`s; `conditions` turns signals into
`Finding`s following the rules; `reports` render findings.  Everything here is plain data so that
a per-file result can cross a process boundary.
"""
from __future__ import annotations

import bisect
from itertools import accumulate
from dataclasses import dataclass, field
from typing import Any

CATEGORIES = ("self-replication", "legal-forgery", "hidden-message")
SEVERITIES = ("note", "warning", "error")  # ascending
CONFIDENCES = ("low", "medium", "high")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass
class Segment:
    """Maps a run of a child artefact's text back onto its parent's text.

    Offsets `child_start`… map to `parent_start`…; when `exact` is false the whole run maps to
    `parent_start` (a decoded blob, a JSON string with escapes) and `parent_end` bounds it.
    """

    child_start: int
    parent_start: int
    parent_end: int
    exact: bool = True


class LineIndex:
    """Offset → (line, column) for one text; both 1-based, columns counted in code points."""

    __slots__ = ("starts", "length")

    def __init__(self, text: str):
        # split + accumulate run in C; a Python loop over str.find is several times slower
        self.starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1] if text else [0]
        self.length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Start and end offset (end excludes the newline) of a 1-based line."""
        i = max(1, min(line, len(self.starts))) - 1
        start = self.starts[i]
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else self.length
        return start, end

    @property
    def lines(self) -> int:
        return len(self.starts)


LOWER_CHUNK = 1 << 20


def lower_text(text: str) -> str:
    """`text.lower()` without its peak: for text beyond Latin-1, CPython lower-cases into a
    buffer of three 4-byte units per character (134 MB for an 8 MB page); a megabyte at a time,
    cut after a newline (so that a final sigma sees the same next character), the result is the
    same and the peak is the result's size."""
    if len(text) <= LOWER_CHUNK or text.isascii():
        return text.lower()
    parts = []
    i, n = 0, len(text)
    while i < n:
        j = text.find("\n", i + LOWER_CHUNK)
        j = n if j < 0 else j + 1
        parts.append(text[i:j].lower())
        i = j
    return "".join(parts)


@dataclass
class Artefact:
    """One piece of text to analyse.

    `path` is always the file on disk that contains it; `name` is the logical name used to guess
    the kind (an archive member's name, `block-3.py` for a fenced block); `origin` is the way in
    from the file (empty for the file itself).  `segments` map this text onto the parent's text;
    a top-level artefact has no parent and maps onto itself.
    """

    path: str
    name: str
    kind: str
    text: str
    origin: tuple[str, ...] = ()
    parent: Artefact | None = None
    segments: list[Segment] = field(default_factory=list)
    depth: int = 0
    facts: frozenset[str] = frozenset()  # e.g. {"decoded", "hidden", "code-block"}
    decoded_from: str | None = None  # channel name when this text was decoded from a carrier
    meta: dict[str, Any] = field(default_factory=dict)
    _index: LineIndex | None = field(default=None, repr=False)
    _lower: str | None = field(default=None, repr=False)
    _ascii: bool | None = field(default=None, repr=False)
    _literals: dict[str, bool] | None = field(default=None, repr=False)

    def has_literal(self, lit: str) -> bool:
        """Whether the lower-cased `lit` occurs in the lower-cased text; answered once per
        artefact, since many detectors' prefilters ask for the same words."""
        memo = self._literals
        if memo is None:
            memo = self._literals = {}
        hit = memo.get(lit)
        if hit is None:
            hit = memo[lit] = lit in self.lower
        return hit

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    @property
    def lower(self) -> str:
        """The text lower-cased once, for case-insensitive literal prefilters."""
        if self._lower is None:
            self._lower = lower_text(self.text)
        return self._lower

    @property
    def isascii(self) -> bool:
        if self._ascii is None:
            self._ascii = self.text.isascii()
        return self._ascii

    def root(self) -> Artefact:
        art = self
        while art.parent is not None:
            art = art.parent
        return art

    def to_parent(self, offset: int) -> tuple[int, int]:
        """Map an offset in this text to a (start, end) span in the parent's text."""
        segs = self.segments
        if not segs:
            return offset, offset
        keys = [s.child_start for s in segs]
        i = max(0, bisect.bisect_right(keys, offset) - 1)
        seg = segs[i]
        if seg.exact:
            pos = seg.parent_start + (offset - seg.child_start)
            pos = min(pos, seg.parent_end)
            return pos, pos
        return seg.parent_start, seg.parent_end

    def to_root(self, start: int, end: int) -> tuple[int, int, bool]:
        """Map a span of this text to a span of the root file's text; `exact` tells whether the
        span is the very characters (true) or the carrier they were decoded from (false)."""
        art, exact = self, True
        while art.parent is not None:
            s0, s1 = art.to_parent(start)
            e0, e1 = art.to_parent(max(start, end - 1)) if end > start else (s0, s1)
            if s0 != s1 or e0 != e1:
                exact = False
                start, end = s0, max(s1, e1)
            else:
                start, end = s0, e0 + (1 if end > start else 0)
            art = art.parent
        return start, end, exact


@dataclass
class Signal:
    """A named fact a detector found at a span of an artefact's text."""

    name: str
    start: int
    end: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Location:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class Related:
    """Another piece of evidence for a finding (a step of a chain, a corroborating marker)."""

    label: str
    location: Location
    origin: tuple[str, ...] = ()
    path: str | None = None  # another file (cross-file links); None: the finding's own file


@dataclass
class Finding:
    rule_id: str
    category: str
    severity: str
    confidence: str
    path: str
    location: Location
    message: str
    snippet: str
    decoded: str | None = None
    origin: tuple[str, ...] = ()
    fingerprint: str = ""
    related: list[Related] = field(default_factory=list)
    rule_name: str = ""
    title: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    suppressed: bool = False
    caret: tuple[int, int] = (0, 1)  # where the match sits in the (escaped) first snippet line
    snippet_line: int | None = None  # the snippet's first line number when not `location.line`
    # (inside a binary container the snippet is the member's line)
    excerpt: str | None = None  # the line of the embedded part that matched (a JSON string's
    # command, a cell's line), escaped, when it reads differently from the file's line

    def sort_key(self) -> tuple:
        loc = self.location
        return (self.path, loc.line, loc.column, self.rule_id, self.origin, self.message)


@dataclass
class ScanError:
    """A file, or part of one, that could not be fully analysed."""

    path: str
    message: str
    origin: tuple[str, ...] = ()

    def sort_key(self) -> tuple:
        return (self.path, self.origin, self.message)


@dataclass
class Link:
    """A reference from a persistence entry (a cron line, a unit's ExecStart, an rc line, a hook)
    to a program it starts, recorded during the file's scan and resolved across files later."""

    path: str  # the file holding the entry
    location: Location
    target: str  # the program as written in the entry
    mechanism: str  # cron, systemd, shell rc, git hook, …
    origin: tuple[str, ...] = ()
    snippet: str = ""  # the entry's line, escaped for display


@dataclass
class FileResult:
    """What scanning one file produced; a pure function of its bytes and the rules."""

    path: str
    size: int = 0
    scanned_bytes: int = 0
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    suppressed: int = 0
    undecodable: int = 0  # bytes that were not valid in the file's encoding (kept, shown as ⟨0xNN⟩)
    links: list[Link] = field(default_factory=list)  # persistence entries naming programs
