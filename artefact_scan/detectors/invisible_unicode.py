"""Invisible Unicode channels: find the carriers that context does not explain, decode them, and
check bidi controls (Trojan Source).

1. `charpolicy.unexplained` lists the invisible characters that no emoji sequence, script
   orthography, bidi context or other registered use explains.
2. They are grouped into runs (adjacent characters) and blocks (runs close together, e.g. one
   zero-width character after each word).  A block of several runs is first decoded as one
   code spread between the visible letters; otherwise each run is decoded alone.
3. The channel follows from the characters: tag characters (ASCII + 0xE0000), variation
   selectors (byte smuggling), plane-14 code points (base 4096), any other invisible symbols
   (zero-width binary / base-N codes, Sneaky Bits).  A decoding that reads as text
   (`plaintext.score`) becomes a signal with the payload in `decoded`, and a child artefact
   with the facts `decoded` and `hidden` that every rule scans again.
4. An undecodable run with a capacity of at least `PAYLOAD_BITS` bits is a probable encrypted
   or compressed payload; shorter leftovers are stray characters whose weight depends on where
   they sit (prose, a string or comment, a code token, an identifier).
5. Carriers written as escape sequences (JSON with ensure_ascii, string literals) are judged
   in the context of the characters they stand for, decoded the same way, and located at the
   escapes.
6. Bidi reordering controls: in code, unterminated embeddings/overrides/isolates in a line,
   string or comment, any override, or any control in a code token (Trojan Source); in prose,
   overrides and unterminated controls (balanced isolates, as Fluent writes them, are fine).

Signals (data keys in brackets, all usable as message placeholders):
  hm.tag-run            tag characters [decoded, count, capacity_bits, ranges, scheme]
  hm.vs-payload         variation-selector bytes [decoded, channel, scheme, count, …]
  hm.plane14-payload    plane-14 base-4096 payload [same]
  hm.zero-width-code    zero-width / invisible-operator / bidi-mark code [same, spread]
  hm.invisible-payload  undecodable run [family, count, capacity_bits, ranges, context]
  hm.invisible-chars    stray carriers [family, count, ranges, context: prose|string|comment|code]
  hm.invisible-identifier  carrier inside an identifier of code [identifier, ranges]
  hm.bidi-code          Trojan Source bidi in code [reason, ranges]
  hm.bidi-text          bidi override or unterminated control in prose [reason, ranges]
  hm.comment-line-break U+2028/U+2029 inside a JavaScript line comment: the rest of the
                        line runs as code while editors may show it as part of the comment
"""
from __future__ import annotations

import math
import re
import unicodedata

import regex

from .. import charpolicy as cp
from ..carrier_decoders import (ACCEPT, Decoding, decode_plane14, decode_symbols, decode_tags,
                                decode_variation_selectors, sneaky_bits_label)
from ..codelex import FENCE_EXT, artefact_language, literals
from ..escape import visible
from ..kinds import CODE_KINDS
from . import detector
from ..lazyregex import lazy, lazy_re

PAYLOAD_BITS = 48  # an undecodable run that could carry this much is reported as a payload
BLOCK_GAP = 400  # runs closer than this (characters) may be one code spread over the text
MAX_RUNS = 2000  # runs judged per artefact; beyond that they are counted in one signal
MAX_DECODES = 200  # decoder calls per artefact (each bounded in its own right)
MAX_BIDI_LINES = 1000  # lines with bidi controls reported per artefact
TABLE_CHARS = 100  # distinct non-ASCII characters that make a literal or line a character table
LONG_STRING = 120  # a string literal longer than this is text (a docstring), not a key or name
CHARDATA_CHARS, CHARDATA_SCRIPTS = 300, 12  # what makes a file character data (see _Where)

SIGNALS = ("hm.tag-run", "hm.vs-payload", "hm.plane14-payload", "hm.zero-width-code",
           "hm.invisible-payload", "hm.invisible-chars", "hm.invisible-identifier",
           "hm.bidi-code", "hm.bidi-text", "hm.comment-line-break")

_REORDER = lazy("[\\u202A-\\u202E\\u2066-\\u2069]")
_IDENT_CHAR = lazy("[\\w$]")
_ADDRESS = lazy(r"(?i)(?:[a-z][a-z0-9+.-]*://|^www\.|^[^@\s]+@[^@\s]+\.[a-z]{2,}$)")


def _is_tag(c: int) -> bool:
    return 0xE0000 <= c <= 0xE007F


def _is_vs(c: int) -> bool:
    return 0xFE00 <= c <= 0xFE0F or 0xE0100 <= c <= 0xE01EF


def _is_p14(c: int) -> bool:
    return 0xE0000 <= c <= 0xE0FFF or c == 0x1D17A


def _only_tags(chars: str) -> str:
    """The tag characters of `chars`, in order (a translation, not a list of millions)."""
    drop = {ord(c): None for c in set(chars) if not _is_tag(ord(c))}
    return chars.translate(drop) if drop else chars


def _decode(chars: str) -> tuple[str, Decoding | None]:
    """(signal name, best decoding) for a sequence of carrier characters.  Questions about
    every character are asked of the distinct ones: a run can be millions long."""
    distinct = {ord(c) for c in set(chars)}
    n = len(chars)
    tags = sum(chars.count(chr(c)) for c in distinct if _is_tag(c))
    if tags >= 2 and tags >= 0.5 * n:
        # tag text, perhaps with zero-width separators or selectors mixed in to break it up
        return "hm.tag-run", decode_tags(_only_tags(chars))
    if all(_is_vs(c) for c in distinct):
        return "hm.vs-payload", decode_variation_selectors(chars)
    if all(_is_p14(c) for c in distinct):
        cands = [d for d in (decode_plane14(chars),) if d is not None]
        if all(_is_tag(c) or _is_vs(c) for c in distinct):
            cands.append(decode_variation_selectors(chars))
        best = max(cands, key=lambda d: d.score) if cands else None
        if best is not None and best.channel == "variation selectors":
            return "hm.vs-payload", best
        return "hm.plane14-payload", best
    fams = {cp.family(c) for c in distinct}
    channel = fams.pop() if len(fams) == 1 else "zero-width"
    dec = decode_symbols(chars, channel)
    return "hm.zero-width-code", sneaky_bits_label(dec) if dec else None


def _tag_text(name: str, dec: Decoding) -> bool:
    """Tag characters are reported with whatever they spell once they spell two characters:
    nothing but a flag uses them, so even unreadable tag text is hidden text."""
    return name == "hm.tag-run" and len(dec.text.strip()) >= 2


def _capacity(chars: str) -> int:
    distinct = {ord(c) for c in set(chars)}
    n = len(chars)
    if all(_is_p14(c) for c in distinct):
        return 12 * n if any(not (_is_tag(c) or _is_vs(c)) for c in distinct) else 8 * n
    if all(_is_vs(c) for c in distinct):
        return 8 * n
    k = len(distinct)
    return int(n * math.log2(k)) if k > 1 else 0


def _outside(runs: list[tuple[int, int]], skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `runs` outside the spans `skip`."""
    out: list[tuple[int, int]] = []
    for s, e in runs:
        parts = [(s, e)]
        for a, b in skip:
            if b <= s or a >= e:
                continue
            parts = [piece for p0, p1 in parts
                     for piece in ((p0, min(p1, a)), (max(p0, b), p1)) if piece[0] < piece[1]]
        out.extend(parts)
    return out


# Kinds where a line is a unit (a statement, a record, a JSON string): a code spread between
# words stays within one line there, while prose spreads it over a paragraph.
LINE_KINDS = frozenset({"python", "shell", "javascript", "json", "jsonl", "notebook", "yaml", "toml",
                        "ini", "csv", "crontab", "systemd", "pth"})


def _blocks(runs: list[tuple[int, int]], text: str, kind: str = "text") -> list[list[tuple[int, int]]]:
    stop = "\n" if kind in LINE_KINDS else "\n\n"
    blocks: list[list[tuple[int, int]]] = []
    for r in runs:
        if blocks and r[0] - blocks[-1][-1][1] <= BLOCK_GAP and stop not in text[blocks[-1][-1][1]:r[0]]:
            blocks[-1].append(r)
        else:
            blocks.append([r])
    return blocks


class _Where:
    """Where an offset sits: prose, or a string / comment / code token / identifier of code."""

    def __init__(self, art):
        self.text = art.text
        self.lang = artefact_language(art)
        self.code = self.lang is not None
        self.lits = literals(art.text, self.lang) if self.code else None
        self._tables: dict[tuple[int, int], bool] = {}
        self._chardata: bool | None = None

    @property
    def chardata(self) -> bool:
        """A file of character data (a Unicode or IDNA conformance test, a font's coverage
        list): hundreds of distinct characters from many scripts.  Stray carriers there are
        test cases, and codes are accepted only when they read clearly."""
        if self._chardata is None:
            wide = {c for c in self.text[:2000000] if ord(c) > 127} if not self.text.isascii() else set()
            self._chardata = len(wide) >= CHARDATA_CHARS and len({_bucket(c) for c in wide}) >= CHARDATA_SCRIPTS
        return self._chardata

    def context(self, i: int) -> str:
        if self.chardata:
            return "character-table"
        if not self.code:
            ls, le = self._line(i)
            if self._table(ls, le):
                return "character-table"
            return "address" if self._address(i) else "prose"
        span = self.lits.at(i) if self.lits else None
        if span is None:
            return "code"
        if self._table(span.start, span.end):
            return "character-table"
        if self._address(i):
            return "address"
        if span.what == "string" and span.end - span.start > LONG_STRING:
            return "long-string"  # a docstring or message: read as prose, not compared
        return span.what

    def _address(self, i: int) -> bool:
        """Inside a URL, e-mail address or domain: an invisible character there makes a
        different address that looks the same."""
        text = self.text
        a = i
        while a > 0 and not text[a - 1].isspace() and text[a - 1] not in "\"'<>()[]`" and i - a < 300:
            a -= 1
        b = i
        while b < len(text) and not text[b].isspace() and text[b] not in "\"'<>()[]`" and b - i < 300:
            b += 1
        token = text[a:b]
        return _ADDRESS.search(token) is not None

    def _line(self, i: int) -> tuple[int, int]:
        s = self.text.rfind("\n", 0, i) + 1
        e = self.text.find("\n", i)
        return s, len(self.text) if e < 0 else e

    def _table(self, s: int, e: int) -> bool:
        """A literal or line listing many distinct non-ASCII characters is a character table
        (a regex class of identifier characters, a test of every code point): a stray
        carrier there is an entry of the table, not a hidden mark."""
        key = (s, e)
        if key not in self._tables:
            chunk = self.text[s:min(e, s + 50000)]
            self._tables[key] = not chunk.isascii() and _is_table(chunk)
        return self._tables[key]

    def identifier(self, s: int, e: int) -> tuple[int, int] | None:
        """The identifier around the carriers at s..e, when they sit in or form one."""
        text = self.text
        before = s > 0 and _IDENT_CHAR.match(text[s - 1]) is not None
        after = e < len(text) and _IDENT_CHAR.match(text[e]) is not None
        letters_inside = any(_IDENT_CHAR.match(c) for c in text[s:e])
        if not (before or after or letters_inside):
            return None
        a, b = s, e
        while a > 0 and (_IDENT_CHAR.match(text[a - 1]) or cp.is_carrier(text[a - 1])) and s - a < 200:
            a -= 1
        while b < len(text) and (_IDENT_CHAR.match(text[b]) or cp.is_carrier(text[b])) and b - e < 200:
            b += 1
        token = text[a:b]
        if not any(c.isalpha() or c == "_" for c in token if not cp.is_carrier(c)) and not letters_inside:
            return None
        if token[:1].isdigit():
            return None
        return a, b


def _bucket(c: str) -> str:
    try:
        return unicodedata.name(c).split(" ", 1)[0]
    except ValueError:
        return "?"


def _is_table(chunk: str) -> bool:
    """Many distinct non-ASCII characters, or a good share of them in code-point order
    ("¡¢£¤¥…", a code page's character map): a table of characters, not text."""
    wide = [c for c in chunk if ord(c) > 127]
    distinct = len(set(wide))
    if distinct >= TABLE_CHARS:
        return True
    if distinct < 24:
        return False
    steps = sum(1 for a, b in zip(chunk, chunk[1:]) if ord(a) > 127 and ord(b) == ord(a) + 1)
    return steps >= 0.25 * len(wide)


def _fence_spans(art) -> list[tuple[int, int]]:
    """Code fences of a Markdown document whose language is code: their children report."""
    if art.kind != "markdown" or ("```" not in art.text and "~~~" not in art.text):
        return []
    from ..extractors.markdown import fences
    from ..kinds import LANGUAGES

    return [(s, e) for _n, lang, _i, s, e, _o in fences(art.text)
            if LANGUAGES.get(lang) in CODE_KINDS or lang in FENCE_EXT]


def _wants(art) -> bool:
    return not art.isascii or "\\u" in art.text or "\\U" in art.text or _has_refs(art)


def _has_refs(art) -> bool:
    """Character references (`&#8203;`, `&zwnj;`) render as the characters in HTML and
    Markdown; in source code they are visible text."""
    text = art.text
    return "&" in text and artefact_language(art) is None and (
        "&#" in text or _named_ref_pattern().search(text) is not None)


@detector("invisible-unicode", SIGNALS, prefilter=_wants)
def detect_invisible(art, ctx):
    text = art.text
    # JSON strings are unescaped into parts of their own by the json-strings extractor, whose
    # raw characters are judged there; elsewhere (YAML, TOML, Markdown, code) escapes are read here
    if ("\\u" in text or "\\U" in text) and art.kind not in _UNESCAPED_BY_EXTRACTOR:
        _escaped(art, ctx)
    if _has_refs(art):
        _escaped(art, ctx, refs=True)
    if art.isascii:
        return
    if artefact_language(art) == "javascript" and ("\u2028" in text or "\u2029" in text):
        _line_separators(art, ctx)
    if not cp.has_carrier(text):
        return
    skip = _fence_spans(art)
    runs: list[tuple[int, int]] = []
    total = 0
    for run in cp.unexplained_runs(text):
        for part in (_outside([run], skip) if skip else (run,)):
            total += 1
            if total <= MAX_RUNS:  # the rest are counted, not kept: a file can hold millions
                runs.append(part)
    where = None
    if runs:
        where = _Where(art)
        if total > MAX_RUNS:
            ctx.error(art, f"{total} runs of invisible characters; only the first {MAX_RUNS} judged")
        _carriers(art, ctx, runs, where)
    if _REORDER.search(text):
        _bidi(art, ctx, where or _Where(art), skip)


def _carriers(art, ctx, runs: list[tuple[int, int]], where: _Where) -> None:
    text = art.text
    budget = [MAX_DECODES]
    identifiers: list[tuple[int, int, tuple[int, int]]] = []
    if where.code:
        rest = []
        for s, e in runs:
            ctx_kind = where.context(s)
            ident = where.identifier(s, e) if ctx_kind == "code" else None
            if ident is not None:
                identifiers.append((s, e, ident))
                if e - s >= 8:
                    # a long run inside a name is also a payload: decode it as well
                    rest.append((s, e))
            else:
                rest.append((s, e))
        runs = rest
        _identifiers(art, ctx, identifiers)
    strays: list[tuple[int, int]] = []
    for block in _blocks(runs, text, art.kind):
        if len(block) > 1 and budget[0] > 0 and not where.chardata:
            chars = "".join(text[s:e] for s, e in block)
            budget[0] -= 1
            name, dec = _decode(chars)
            if dec is not None and (dec.score >= ACCEPT or _tag_text(name, dec)):
                _payload(art, ctx, name, dec, block[0][0], block[-1][1], chars, spread=len(block))
                continue
        for s, e in block:
            if not _run(art, ctx, s, e, where, budget):
                strays.append((s, e))
    _strays(art, ctx, strays, where)


def _run(art, ctx, s: int, e: int, where: _Where, budget: list[int]) -> bool:
    """Decode or report one run; False when it is a short stray left for `_strays`."""
    text = art.text
    chars = text[s:e]
    cap = _capacity(chars)
    if len(chars) >= 2 and budget[0] > 0:
        budget[0] -= 1
        name, dec = _decode(chars)
        need = ACCEPT + 0.15 if where.chardata else ACCEPT
        if dec is not None and (dec.score >= need or _tag_text(name, dec)):
            _payload(art, ctx, name, dec, s, e, chars)
            return True
    if cap < PAYLOAD_BITS:
        return False
    ctx.signal(art, "hm.invisible-payload", s, e, family=cp.family_name(chars),
               count=len(chars), capacity_bits=cap, ranges=cp.ranges_of(chars),
               context=where.context(s))
    return True


_PLACES = {"string": "a string literal", "code": "the code itself, outside strings and comments",
           "address": "a URL or address, which it turns into a different one that looks the same",
           "comment": "a comment", "long-string": "a long string", "prose": "text"}


def _strays(art, ctx, strays: list[tuple[int, int]], where: _Where) -> None:
    """Short leftover runs: one signal per line and context, listing what they are made of."""
    groups: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for s, e in strays:
        key = (art.index.position(s)[0], where.context(s))
        groups.setdefault(key, []).append((s, e))
    for (_line, context), runs in groups.items():
        chars = "".join(art.text[s:e] for s, e in runs)
        ctx.signal(art, "hm.invisible-chars", runs[0][0], runs[-1][1],
                   family=cp.family_name(chars), count=len(chars),
                   ranges=cp.ranges_of(chars), context=context, runs=len(runs),
                   where=_PLACES.get(context, context))


def _payload(art, ctx, name: str, dec: Decoding, s: int, e: int, chars: str, spread: int = 0,
             escaped: bool = False) -> None:
    line, col = art.index.position(s)
    where = f"spread over {spread} places from {line}:{col}" if spread else f"at {line}:{col}"
    if escaped:
        where = "written as escape sequences or character references, " + where
    chain = f"{dec.channel} ({dec.scheme}) {where}"
    if name == "hm.tag-run":
        chars = _only_tags(chars)  # what the message counts
    ctx.signal(art, name, s, e, decoded=dec.text, channel=dec.channel, scheme=dec.scheme,
               count=len(chars), capacity_bits=dec.capacity_bits, ranges=cp.ranges_of(chars),
               score=dec.score, spread=spread, chain=chain)
    if dec.text.strip():
        ctx.child(art, dec.text, label=chain, name=art.name + ".hidden", span=(s, e),
                  decoded_from=dec.channel, facts={"hidden"})


def _identifiers(art, ctx, found) -> None:
    seen = set()
    for s, e, (a, b) in found:
        if (a, b) in seen:
            continue
        seen.add((a, b))
        chars = "".join(c for c in art.text[a:b] if cp.is_carrier(c))
        ctx.signal(art, "hm.invisible-identifier", s, e, identifier=visible(art.text[a:b][:200], compress=True),
                   ranges=cp.ranges_of(chars), count=len(chars), family=cp.family_name(chars))


# -- bidi ---------------------------------------------------------------------------------------


def _unterminated(text: str, s: int, e: int) -> list[int]:
    """Offsets of the reordering controls in text[s:e] that nothing in that span terminates."""
    stack: list[tuple[str, int]] = []
    for m in _REORDER.finditer(text, s, e):
        c = ord(m.group())
        if c in cp.EMBEDDINGS or c in cp.OVERRIDES:
            stack.append(("e", m.start()))
        elif c in cp.ISOLATES:
            stack.append(("i", m.start()))
        elif c == cp.POP_FORMATTING:
            if stack and stack[-1][0] == "e":
                stack.pop()
        elif c == cp.POP_ISOLATE:
            # a PDI closes the nearest isolate and every embedding opened after it
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == "i":
                    del stack[k:]
                    break
    return [p for _k, p in stack]


def _bidi(art, ctx, where: _Where, skip) -> None:
    text = art.text
    by_line: dict[int, list[int]] = {}
    for m in _REORDER.finditer(text):
        if skip and any(s <= m.start() < e for s, e in skip):
            continue
        by_line.setdefault(art.index.position(m.start())[0], []).append(m.start())
    if len(by_line) > MAX_BIDI_LINES:
        ctx.error(art, f"bidi controls on {len(by_line)} lines; only the first {MAX_BIDI_LINES} reported")
    for line, offs in list(by_line.items())[:MAX_BIDI_LINES]:
        ls, le = art.index.line_span(line)
        chars = "".join(text[o] for o in offs)
        reasons = []
        open_in_line = _unterminated(text, ls, le + 1)
        if open_in_line:
            reasons.append("not terminated on its line, so it reorders the text after it")
        overrides = [o for o in offs if ord(text[o]) in cp.OVERRIDES]
        if where.code:
            spans = {where.lits.at(o) for o in offs} if where.lits else {None}
            in_token = [o for o in offs if where.context(o) == "code"]
            for sp in spans:
                if sp is not None and _unterminated(text, sp.start, min(sp.end, le + 1)) and not open_in_line:
                    reasons.append(f"not terminated inside its {sp.what}")
            if in_token:
                reasons.append("outside any string or comment, in the code itself")
            if overrides:
                reasons.append("an override (LRO/RLO) makes the source display differently from how it runs")
            if reasons:
                first = min(open_in_line + in_token + overrides) if (open_in_line or in_token or overrides) else offs[0]
                ctx.signal(art, "hm.bidi-code", first, first + 1, reason="; ".join(dict.fromkeys(reasons)),
                           ranges=cp.ranges_of(chars), count=len(offs),
                           context=where.context(first), logical=_logical(text[ls:le]))
        elif not where.chardata:  # conformance test data lists bidi controls on purpose
            if overrides:
                reasons.append("an override (LRO/RLO) reverses the text a reader sees")
            if reasons:
                first = min(open_in_line + overrides)
                ctx.signal(art, "hm.bidi-text", first, first + 1, reason="; ".join(reasons),
                           ranges=cp.ranges_of(chars), count=len(offs), logical=_logical(text[ls:le]))


def _logical(line: str) -> str:
    """The line in logical (stored) order with the controls named, as a reviewer should read it."""
    return _REORDER.sub(lambda m: f"[U+{ord(m.group()):04X}]", line.strip())[:300]


def _line_separators(art, ctx) -> None:
    """JavaScript ends a `//` comment at U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR,
    which many editors and diff views do not show as a line break."""
    text = art.text
    lits = literals(text, "javascript")
    for m in regex.finditer("[\u2028\u2029]", text):
        span = lits.at(m.start()) if lits else None
        if span is None or span.what != "comment" or not text.startswith("//", span.start):
            continue
        rest = text[m.end():text.find("\n", m.end()) if "\n" in text[m.end():] else len(text)]
        if rest.strip():
            ctx.signal(art, "hm.comment-line-break", m.start(), m.end(),
                       ranges=f"U+{ord(m.group()):04X}", code=rest.strip()[:120])


# -- carriers written as escapes ------------------------------------------------------------------

# \uXXXX (JSON, JavaScript, Python, Java, C#), \UXXXXXXXX (Python, C), \u{X…} (JavaScript, Rust,
# Swift): JSON written with ensure_ascii turns every invisible character into one of these.
_UNESCAPED_BY_EXTRACTOR = frozenset({"json", "jsonl"})
_ESC1 = r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|u\{[0-9A-Fa-f]{1,6}\})"
# a literal backslash first: a fast scan.  The repetition is possessive: a plain `*` keeps a
# backtracking entry per escape, ~150 MB for a 4 MB run of them
_ESCAPES = lazy_re(_ESC1 + "(?:" + _ESC1 + ")*+")
_ONE_ESCAPE = lazy_re(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\u\{([0-9A-Fa-f]{1,6})\}")
MAX_ESCAPE_RUNS = 5000
MAX_ESCAPED_CHARS = 1 << 16  # characters of one run of escapes judged (what the decoders read)


def _unescape(run: str) -> tuple[str, list[int]]:
    """The characters a run of escapes stands for (surrogate pairs joined), and where each
    character's escape starts in the run; at most `MAX_ESCAPED_CHARS` of them."""
    out: list[str] = []
    starts: list[int] = []
    pending = None
    for m in _ONE_ESCAPE.finditer(run):
        if len(out) >= MAX_ESCAPED_CHARS and pending is None:
            break
        cp_ = int(m.group(1) or m.group(2) or m.group(3), 16)
        if pending is not None and 0xDC00 <= cp_ <= 0xDFFF:
            out[-1] = chr(0x10000 + ((pending - 0xD800) << 10) + (cp_ - 0xDC00))
            pending = None
            continue
        pending = cp_ if 0xD800 <= cp_ <= 0xDBFF else None
        out.append(chr(cp_) if cp_ < 0x110000 else "\ufffd")
        starts.append(m.start())
    return "".join(out), starts


def _named_carrier_refs() -> dict[str, str]:
    from html.entities import html5

    return {name: value for name, value in html5.items()
            if name.endswith(";") and any(cp.is_carrier(c) for c in value)}


_NAMED: list = []


def _named_ref_pattern() -> re.Pattern:
    if not _NAMED:  # built on first use: most scans never meet a character reference
        names = sorted(_named_carrier_refs(), key=len, reverse=True)
        _NAMED.append(re.compile("&(?:" + "|".join(re.escape(n) for n in names) + ")"))
    return _NAMED[0]
_REF1 = r"&(?:#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});"
_REFS = lazy_re(_REF1 + "(?:" + _REF1 + ")*+")  # possessive, as `_ESCAPES`
_ONE_REF = lazy_re(r"&(?:#[xX]([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));")


def _unrefer(run: str) -> tuple[str, list[int]]:
    """The characters a run of HTML character references stands for, and where each starts."""
    from html.entities import html5

    out: list[str] = []
    starts: list[int] = []
    for m in _ONE_REF.finditer(run):
        if len(out) >= MAX_ESCAPED_CHARS:
            break
        if m.group(3) is not None:
            value = html5.get(m.group(3) + ";", "\ufffd")
        else:
            v = int(m.group(1), 16) if m.group(1) else int(m.group(2))
            value = chr(v) if v < 0x110000 and not 0xD800 <= v <= 0xDFFF else "\ufffd"
        for c in value:
            out.append(c)
            starts.append(m.start())
    return "".join(out), starts


def _escaped_backslash(text: str, i: int) -> bool:
    j = i
    while j > 0 and text[j - 1] == "\\":
        j -= 1
    return (i - j) % 2 == 1


def _in_range(text: str, s: int, e: int) -> bool:
    """Part of a character range ("[\\u0020-\\u202D]", a pattern in a schema), not text."""
    return (s > 0 and text[s - 1] == "-") or (e < len(text) and text[e] == "-")


def _escaped(art, ctx, refs: bool = False) -> None:
    """Invisible characters written as escape sequences (or, with `refs`, as HTML character
    references): judged like raw ones (an escaped emoji ZWJ sequence or Persian ZWNJ is
    fine), decoded, and located at their escapes."""
    text = art.text
    n = 0
    in_code = artefact_language(art) is not None
    pattern, unescape = (_REFS, _unrefer) if refs else (_ESCAPES, _unescape)
    spread: list[tuple[int, int, str]] = []  # (start, end, carriers) of runs with few carriers
    for m in pattern.finditer(text):
        if not refs and _escaped_backslash(text, m.start()):
            continue  # "\\\\u200b" is a backslash and the letters u200b, not an escape
        n += 1
        if n > MAX_ESCAPE_RUNS:
            ctx.error(art, f"more than {MAX_ESCAPE_RUNS} runs of escape sequences; the rest not judged")
            break
        run = m.group()
        if refs and "#" not in run and _named_ref_pattern().search(run) is None:
            continue  # only named references to visible characters (&amp; &lt; &eacute;)
        chars, starts = unescape(run)
        if len(chars) >= MAX_ESCAPED_CHARS:
            line, col = art.index.position(m.start())
            ctx.error(art, f"a run of {len(run)} characters of escape sequences at {line}:{col}; "
                           f"only the first {MAX_ESCAPED_CHARS} characters it stands for were judged")
        if not cp.has_carrier(chars):
            continue
        if not in_code and any(ord(c) in cp.OVERRIDES for c in chars) and not _in_range(text, m.start(), m.end()):
            o = next(i for i, c in enumerate(chars) if ord(c) in cp.OVERRIDES)
            ctx.signal(art, "hm.bidi-text", m.start() + starts[o], m.start() + starts[o] + 1,
                       reason="an override (LRO/RLO) written as an escape reverses the text where it is shown",
                       ranges=cp.ranges_of(c for c in chars if ord(c) in cp.REORDERING),
                       count=sum(1 for c in chars if ord(c) in cp.REORDERING))
        # judge them in the context of the characters around them, as a reader of the data
        # sees them (a flag written as a raw U+1F3F4 and escaped tags is still a flag)
        before = text[m.start() - 1] if m.start() > 0 and not text[m.start() - 1].isspace() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        pos = [i - len(before) for i in cp.unexplained(before + chars + after)
               if len(before) <= i < len(before) + len(chars)]
        pos = [i for i in pos if ord(chars[i]) not in cp.REORDERING]
        if not pos:
            continue
        carriers = "".join(chars[i] for i in pos)
        s = m.start() + starts[pos[0]]
        e = m.end()
        if len(carriers) >= 2:
            name, dec = _decode(carriers)
            # in source code only readable text counts: escapes there are visible to a reader
            if dec is not None and (dec.score >= ACCEPT or (_tag_text(name, dec) and not in_code)):
                _payload(art, ctx, name, dec, s, e, carriers, escaped=True)
                continue
        spread.append((s, e, carriers))
    if len(spread) > 1:
        # one escaped carrier per word, as JSON writes a spread code
        carriers = "".join(c for _s, _e, c in spread)
        name, dec = _decode(carriers)
        if dec is not None and (dec.score >= ACCEPT or (_tag_text(name, dec) and not in_code)):
            _payload(art, ctx, name, dec, spread[0][0], spread[-1][1], carriers, spread=len(spread), escaped=True)
            return
    if in_code:
        # in source code an escape is visible to its reader ("\\u200b" names the character):
        # only a decodable code is worth a finding there; in data it becomes invisible text
        return
    where = _Where(art) if spread else None
    for s, e, carriers in spread:
        cap = _capacity(carriers)
        sig = "hm.invisible-payload" if cap >= PAYLOAD_BITS else "hm.invisible-chars"
        context = where.context(s)
        data = dict(family=cp.family_name(carriers), count=len(carriers), ranges=cp.ranges_of(carriers),
                    context=context, where=_PLACES.get(context, context) + ", written as an escape sequence")
        if sig == "hm.invisible-payload":
            data["capacity_bits"] = cap
        ctx.signal(art, sig, s, e, **data)
