"""Per-file analysis context: where detectors and extractors put what they find.

One `Context` lives for the scan of one file on disk.  Detectors call `signal` for facts and
`child` for embedded or decoded text that must be analysed again; both are bounded here (depth,
bytes, count) so that a hostile file cannot make the scan unbounded.  Anything that could not be
analysed goes through `error` and ends in the report's `errors`, never silently.
"""
from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex

from .model import Artefact, Link, Location, ScanError, Segment, Signal


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 16 * 1024 * 1024
    max_depth: int = 6  # nesting of child artefacts (fence → base64 → tag run …)
    max_child_bytes: int = 64 * 1024 * 1024  # total text of all child artefacts of one file
    max_children: int = 20000
    regex_timeout: float = 2.0  # seconds per pattern per artefact
    file_timeout: float = 60.0  # seconds per file, all analysis included
    max_dir_depth: int = 64
    max_signals: int = 100000
    max_parsed_parts: int = 1000  # embedded parts per file (of each language) that get a syntax
    # tree and data flow (Python) or a parsed behaviour model (shell, JavaScript)


# Object addresses that a parser's exception text can carry (`<… at 0x7f…>`, pypdf's
# `IndirectObject(4, 0, 1405…)`): they differ from run to run, so a report would too.
_ADDRESS = regex.compile(r"\b0x[0-9a-fA-F]{8,}\b|(?<=, )\d{12,}(?=\))")


# Facts a child keeps from its parent: being hidden, decoded or quoted stays true of every part.
INHERITED_FACTS = frozenset({"hidden", "decoded", "quoted", "memory-file"})


class Deadline(BaseException):
    """Raised inside a file's analysis when its time budget is spent.  A BaseException, like
    KeyboardInterrupt, so that a parser's broad `except Exception` (pypdf has several) cannot
    swallow the time limit and run on unbounded."""


class _Made:
    """Children with the same parent, kind and text, by the span they were made from."""

    __slots__ = ("starts", "items", "longest")
    SCAN = 256  # spans looked at per question; past that a duplicate is analysed twice, not slowly

    def __init__(self):
        self.starts: list[int] = []
        self.items: list[tuple[int, int, Artefact]] = []
        self.longest = 0

    def add(self, s0: int, s1: int, art: Artefact) -> None:
        i = bisect_right(self.starts, s0)
        self.starts.insert(i, s0)
        self.items.insert(i, (s0, s1, art))
        self.longest = max(self.longest, s1 - s0)

    def overlapping(self, w0: int, w1: int) -> Artefact | None:
        i = bisect_right(self.starts, w1)  # every span starting at or before w1, nearest first
        floor = w0 - self.longest  # a span starting before this ends before w0
        for k in range(i - 1, max(-1, i - 1 - self.SCAN), -1):
            s0, s1, art = self.items[k]
            if s0 < floor:
                break
            if w0 <= s1:
                return art
        return None


class Context:
    def __init__(self, root_path: str, limits: Limits):
        self.path = root_path
        self.limits = limits
        self.signals: dict[int, list[Signal]] = {}
        self.errors: list[ScanError] = []
        self.children_bytes = 0
        self.children = 0
        self.signal_count = 0
        self.started = time.monotonic()
        self._error_keys: set[tuple] = set()
        self.pending: list[Artefact] = []  # children made but not analysed yet
        # children by (parent, kind, text) with their spans: two detectors decoding the same
        # payload at the same place (the hidden-message blob decoder and the obfuscated-exec
        # rule) make one child, analysed once; the same payload written elsewhere is its own.
        # Kept sorted by start, so that thousands of identical parts (one fence 20,000 times)
        # cost linear time, not quadratic
        self._made: dict[tuple[int, str, str], _Made] = {}
        self._pending_ids: set[int] = set()
        self.links: list[Link] = []  # persistence entries naming programs, for `linking`
        self._quota: dict[str, int] = {}
        # spans of the artefact a focus-aware detector needs to read (None: all of it); set by
        # the engine around one detector's run, see Engine.focus
        self.focus: list[tuple[int, int]] | None = None

    def quota(self, art: Artefact, what: str, limit: int, message: str) -> bool:
        """Whether one more embedded part of this file may have the expensive analysis `what`
        (the file itself always may); past `limit` parts, `message` goes into `errors` once."""
        if art.parent is None:
            return True
        key = f"_quota:{what}"
        if key in art.meta:  # asked again for the same part by another detector
            return art.meta[key]
        n = self._quota.get(what, 0) + 1
        self._quota[what] = n
        ok = art.meta[key] = n <= limit
        if not ok and n == limit + 1:
            self.error(None, message)
        return ok

    # -- evidence ---------------------------------------------------------------------------
    def signal(self, art: Artefact, name: str, start: int, end: int, **data) -> None:
        if self.signal_count >= self.limits.max_signals:
            if self.signal_count == self.limits.max_signals:
                self.error(art, f"more than {self.limits.max_signals} signals; later ones dropped")
                self.signal_count += 1
            return
        self.signal_count += 1
        self.signals.setdefault(id(art), []).append(Signal(name, start, end, data))

    def signals_of(self, art: Artefact) -> list[Signal]:
        return self.signals.get(id(art), [])

    def link(self, art: Artefact, start: int, end: int, target: str, mechanism: str) -> None:
        """Record that the text at `start:end` of `art` starts the program `target` unattended
        (a cron line, a unit's ExecStart…); `linking` resolves it against the other scanned files."""
        if len(self.links) >= 1000:
            return
        root = art.root()
        s, e, _exact = art.to_root(start, end)
        if root.text:
            line, col = root.index.position(s)
            end_line, end_col = root.index.position(max(s, e))
        else:
            line, col, end_line, end_col = 1, 1, 1, 1
        snippet = ""
        if end_line != line:
            end_line, end_col = line, col + 1
        if root.text:
            from .escape import visible

            ls, le = root.index.line_span(line)
            snippet = visible(root.text[ls:le][:300], compress=True)
        self.links.append(Link(self.path, Location(line, col, end_line, max(end_col, col + 1)),
                               target[:300], mechanism, art.origin, snippet))

    def error(self, art: Artefact | None, message: str) -> None:
        origin = art.origin if art is not None else ()
        message = _ADDRESS.sub("\u2026", message)
        key = (origin, message)
        if key in self._error_keys:
            return
        self._error_keys.add(key)
        self.errors.append(ScanError(self.path, message, origin))

    # -- child artefacts --------------------------------------------------------------------
    def child(
        self,
        parent: Artefact,
        text: str,
        *,
        label: str,
        kind: str | None = None,
        name: str | None = None,
        span: tuple[int, int] | None = None,
        segments: list[Segment] | None = None,
        facts: Iterable[str] = (),
        decoded_from: str | None = None,
        meta: dict | None = None,
    ) -> Artefact | None:
        """Make a child artefact of `parent`, or record why not (bounds) and return None.

        Give `segments` for text that maps character by character onto the parent (a code
        fence), or `span` for text decoded from a carrier (the whole child maps to the span).
        With both, `span` names the place the child stands for (its segments may also reach
        elsewhere, as a recipe's do into the variables it reads), so that the same text made at
        two places stays two children.
        """
        from .kinds import kind_of

        kind = kind or kind_of(name or parent.name, text[:512])
        key = (id(parent), kind, text)
        if span is not None:
            where = span
        elif segments:
            where = (segments[0].parent_start, segments[-1].parent_end)
        else:
            where = (0, len(parent.text))
        made = self._made[key].overlapping(where[0], where[1]) if text and key in self._made else None
        if made is not None:
            if id(made) in self._pending_ids:  # not analysed yet: it carries both makers' facts
                made.facts = made.facts | frozenset(facts)
            return made
        depth = parent.depth + 1
        if depth > self.limits.max_depth:
            self.error(parent, f"{label}: nested deeper than {self.limits.max_depth} levels, not analysed")
            return None
        if self.children >= self.limits.max_children:
            self.error(parent, f"more than {self.limits.max_children} embedded parts; the rest not analysed")
            return None
        if self.children_bytes + len(text) > self.limits.max_child_bytes:
            self.error(parent, f"{label}: embedded content over {self.limits.max_child_bytes} bytes in total, not analysed")
            return None
        self.children += 1
        self.children_bytes += len(text)
        if segments is None:
            s0, s1 = span if span is not None else (0, len(parent.text))
            segments = [Segment(0, s0, s1, exact=False)]
        inherited = {f for f in parent.facts if f in INHERITED_FACTS}
        child_name = name or parent.name
        if name and name != parent.name:
            from .detectors.facts import path_facts

            inherited |= path_facts(name)
        art = Artefact(
            path=parent.path,
            name=child_name,
            kind=kind,
            text=text,
            origin=parent.origin + (label,),
            parent=parent,
            segments=segments,
            depth=depth,
            facts=frozenset(inherited | set(facts) | ({"decoded"} if decoded_from else set())),
            decoded_from=decoded_from,
            meta=meta or {},
        )
        self.pending.append(art)
        self._pending_ids.add(id(art))
        if text:
            self._made.setdefault(key, _Made()).add(where[0], where[1], art)
        return art

    def take_pending(self) -> list[Artefact]:
        """The children made since the last call, to be analysed next."""
        out, self.pending = self.pending, []
        self._pending_ids.clear()
        return out

    def child_bytes(
        self,
        parent: Artefact,
        data: bytes,
        *,
        name: str,
        label: str,
        span: tuple[int, int] | None = None,
        facts: Iterable[str] = (),
        decoded_from: str | None = None,
        meta: dict | None = None,
    ) -> Artefact | None:
        """A child made from bytes (an archive member, a decompressed blob, an attachment):
        text is decoded like a file (BOMs, undecodable bytes kept); a container format becomes
        a child whose extractor reads `meta["bytes"]`; other binary data is analysed through
        its printable strings."""
        from .kinds import CONTAINER_KINDS, kind_from_content, kind_from_magic, kind_from_name
        from .textmap import decode, looks_binary, printable_strings

        head = data[:4096]
        magic = kind_from_magic(head)
        by_name = kind_from_name(name)
        meta = dict(meta or {})
        if magic is not None or looks_binary(head):
            kind = by_name if by_name in CONTAINER_KINDS else (magic or "binary")
            from .extractors import for_kind

            if for_kind(kind):
                meta["bytes"] = data
                return self.child(parent, "", label=label, kind=kind, name=name, span=span,
                                  facts=facts, decoded_from=decoded_from, meta=meta)
            text, _spans = printable_strings(data, self.limits.max_child_bytes // 4)
            if kind in CONTAINER_KINDS:
                self.error(parent, f"{label}: {kind} data is not unpacked by this version; only printable strings analysed")
            if not text:
                return None
            return self.child(parent, text, label=label + " (printable strings)", kind="strings",
                              name=name, span=span, facts=facts, decoded_from=decoded_from, meta=meta)
        dec = decode(data, python=(by_name == "python"))
        meta.update(encoding=dec.encoding, undecodable=dec.undecodable)
        return self.child(parent, dec.text, label=label, kind=by_name or kind_from_content(dec.text[:1024]),
                          name=name, span=span, facts=facts, decoded_from=decoded_from, meta=meta)

    # -- safe matching ----------------------------------------------------------------------
    def finditer(self, pattern: regex.Pattern, art: Artefact, text: str | None = None,
                 what: str = "") -> Iterator[regex.Match]:
        """`pattern.finditer` over the artefact with the regex time budget; a timeout is an error."""
        try:
            yield from pattern.finditer(art.text if text is None else text,
                                        timeout=self.limits.regex_timeout)
        except TimeoutError:
            self.error(art, f"pattern {what or pattern.pattern[:40]!r} timed out after "
                            f"{self.limits.regex_timeout:g} s; later matches not checked")
