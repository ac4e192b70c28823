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
5. Bidi reordering controls: in code, unterminated embeddings/overrides/isolates in a line,
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
import unicodedata

import regex

from .. import charpolicy as cp
from ..carrier_decoders import (ACCEPT, Decoding, decode_plane14, decode_symbols, decode_tags,
                                decode_variation_selectors, sneaky_bits_label)
from ..codelex import FENCE_EXT, artefact_language, literals
from ..escape import visible
from ..kinds import CODE_KINDS
from . import detector
from ..lazyregex import lazy

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


def _is_tag(c: int) -> bool:
    return 0xE0000 <= c <= 0xE007F


def _is_vs(c: int) -> bool:
    return 0xFE00 <= c <= 0xFE0F or 0xE0100 <= c <= 0xE01EF


def _is_p14(c: int) -> bool:
    return 0xE0000 <= c <= 0xE0FFF or c == 0x1D17A


def _decode(chars: str) -> tuple[str, Decoding | None]:
    """(signal name, best decoding) for a sequence of carrier characters."""
    cps = [ord(c) for c in chars]
    n = len(cps)
    tags = sum(1 for c in cps if _is_tag(c))
    if tags and tags >= 0.9 * n and all(_is_tag(c) or _is_vs(c) for c in cps):
        return "hm.tag-run", decode_tags("".join(c for c in chars if _is_tag(ord(c))))
    if all(_is_vs(c) for c in cps):
        return "hm.vs-payload", decode_variation_selectors(chars)
    if all(_is_p14(c) for c in cps):
        cands = [d for d in (decode_plane14(chars),) if d is not None]
        if all(_is_tag(c) or _is_vs(c) for c in cps):
            cands.append(decode_variation_selectors(chars))
        best = max(cands, key=lambda d: d.score) if cands else None
        if best is not None and best.channel == "variation selectors":
            return "hm.vs-payload", best
        return "hm.plane14-payload", best
    fams = {cp.family(c) for c in cps}
    channel = fams.pop() if len(fams) == 1 else "zero-width"
    dec = decode_symbols(chars, channel)
    return "hm.zero-width-code", sneaky_bits_label(dec) if dec else None


def _tag_text(name: str, dec: Decoding) -> bool:
    """Tag characters are reported with whatever they spell once they spell two characters:
    nothing but a flag uses them, so even unreadable tag text is hidden text."""
    return name == "hm.tag-run" and len(dec.text.strip()) >= 2


def _capacity(chars: str) -> int:
    cps = [ord(c) for c in chars]
    if all(_is_p14(c) for c in cps):
        return 12 * len(cps) if any(not (_is_tag(c) or _is_vs(c)) for c in cps) else 8 * len(cps)
    if all(_is_vs(c) for c in cps):
        return 8 * len(cps)
    k = len(set(cps))
    return int(len(cps) * math.log2(k)) if k > 1 else 0


def _runs(pos: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for p in pos:
        if runs and runs[-1][1] == p:
            runs[-1] = (runs[-1][0], p + 1)
        else:
            runs.append((p, p + 1))
    return runs


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
            return "character-table" if self._table(ls, le) else "prose"
        span = self.lits.at(i) if self.lits else None
        if span is None:
            return "code"
        if self._table(span.start, span.end):
            return "character-table"
        if span.what == "string" and span.end - span.start > LONG_STRING:
            return "long-string"  # a docstring or message: read as prose, not compared
        return span.what

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


@detector("invisible-unicode", SIGNALS, non_ascii=True)
def detect_invisible(art, ctx):
    text = art.text
    if artefact_language(art) == "javascript" and ("\u2028" in text or "\u2029" in text):
        _line_separators(art, ctx)
    if not cp.has_carrier(text):
        return
    pos = cp.unexplained(text)
    skip = _fence_spans(art)
    if skip and pos:
        pos = [p for p in pos if not any(s <= p < e for s, e in skip)]
    where = None
    if pos:
        where = _Where(art)
        _carriers(art, ctx, pos, where)
    if _REORDER.search(text):
        _bidi(art, ctx, where or _Where(art), skip)


def _carriers(art, ctx, pos: list[int], where: _Where) -> None:
    text = art.text
    runs = _runs(pos)
    if len(runs) > MAX_RUNS:
        ctx.error(art, f"{len(runs)} runs of invisible characters; only the first {MAX_RUNS} judged")
        runs = runs[:MAX_RUNS]
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
                   ranges=cp.ranges_of(chars), context=context, runs=len(runs))


def _payload(art, ctx, name: str, dec: Decoding, s: int, e: int, chars: str, spread: int = 0) -> None:
    line, col = art.index.position(s)
    where = f"spread over {spread} places from {line}:{col}" if spread else f"at {line}:{col}"
    chain = f"{dec.channel} ({dec.scheme}) {where}"
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
