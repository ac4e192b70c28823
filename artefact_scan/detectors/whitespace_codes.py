"""Whitespace codes: messages in trailing whitespace and in the choice of space characters.

Trailing whitespace (ASCII text included, behind a cheap prefilter: a line must end in a tab,
or in a space followed by more lines that do):
* SNOW (stegsnow): after a first trailing tab, each run of 0-7 spaces closed by a tab (or the
  end of the line) carries 3 bits, least significant first; bits form bytes, MSB first.  The
  compressed and encrypted forms cannot be read; their structure is reported as a payload.
* plain binary: the trailing characters of all lines in order, space and tab as the two
  digits (every assignment, bit order and framing the symbol decoder knows);
* one bit per line: the last trailing character (space = 0, tab = 1, or the reverse).
Markdown hard breaks (two spaces), diff context lines, TSV columns and Makefile recipes never
decode to text, so they are not reported: only a reading that scores as text is a code.

Space variants (non-ASCII text): the spaces between words, in order, where some are U+00A0,
U+2000-U+200A, U+202F, U+205F or U+3000 instead of U+0020 (UniSpaCh-style), decoded with the
symbol decoder.  Variants that typography explains (French spacing before ; : ! ? and inside
« », digit grouping, a number and its unit, the ideographic space in CJK text) do not count
towards the evidence; a reading must also score as text.

Signals: `hm.whitespace-code` [decoded, channel, scheme, count, capacity_bits, lines],
`hm.space-variant-code` [same], `hm.invisible-payload` (SNOW structure that does not decode).
"""
from __future__ import annotations

import re

from .. import charpolicy
from ..carrier_decoders import ACCEPT, Decoding, decode_symbols, score
from . import detector
from ..lazyregex import lazy_re

MIN_LINES = 3  # lines with trailing whitespace needed before a code is sought
MAX_LINES = 200000
SPACE_VARIANTS = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_VARIANT = lazy_re("[" + SPACE_VARIANTS + "]")
_SLOT = lazy_re("[ " + SPACE_VARIANTS + "]")
_TYPO_BEFORE = set(";:!?\u00bb%\u20ac\u203a)]\u2014\u2013")
_TYPO_AFTER = set("\u00ab\u2039([\u2014\u2013")


def _wants(art) -> bool:
    # printable strings of a binary file have arbitrary whitespace: not a text anyone wrote
    return art.kind != "strings" and (_has_trailing(art.text) or _has_variants(art))


def _has_trailing(text: str) -> bool:
    # every code here needs a tab somewhere; most files have none, and that test is cheapest
    return "\t" in text and ("\t\n" in text or "\t\r\n" in text or " \n" in text)


_GATE: list = []


def _has_variants(art) -> bool:
    if art.isascii:
        return False
    if not _GATE:
        _GATE.append(charpolicy.utf8_gate([ord(c) for c in SPACE_VARIANTS]))
    return charpolicy.contains_any(art.text, _GATE[0])


@detector("whitespace-codes", ("hm.whitespace-code", "hm.space-variant-code", "hm.invisible-payload"),
          prefilter=_wants)
def detect_whitespace_codes(art, ctx):
    text = art.text
    if _has_trailing(text):
        _trailing(art, ctx)
    if _has_variants(art):
        _variants(art, ctx)


# -- trailing whitespace -------------------------------------------------------------------------


def _trailing_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of the trailing space/tab run of every line that has one."""
    out = []
    pos = 0
    n = len(text)
    count = 0
    while pos <= n and count < MAX_LINES:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        e = end - 1 if end > pos and text[end - 1] == "\r" else end
        s = e
        while s > pos and text[s - 1] in " \t":
            s -= 1
        if s < e:
            out.append((s, e))
        count += 1
        if nl < 0:
            break
        pos = nl + 1
    return out


def _snow(text: str, runs: list[tuple[int, int]]) -> tuple[bytes, int, int] | None:
    """SNOW's reading: (bytes, bits, groups) or None when no run starts with the marker tab."""
    bits: list[int] = []
    started = False
    groups = 0
    for s, e in runs:
        ws = text[s:e]
        if not started:
            if ws[0] != "\t":
                continue
            started = True
            ws = ws[1:]
        spc = 0
        for ch in ws + ("" if ws.endswith("\t") else "\x00"):
            if ch == " ":
                spc += 1
                continue
            if ch == "\x00" and spc == 0:
                break
            if spc > 7:
                return None  # not SNOW: it never writes more than 7 spaces in a group
            bits += [spc & 1, (spc >> 1) & 1, (spc >> 2) & 1]
            groups += 1
            spc = 0
    if not started or groups < 4:
        return None
    data = bytearray()
    for i in range(0, len(bits) - 7, 8):
        v = 0
        for b in bits[i:i + 8]:
            v = v << 1 | b
        data.append(v)
    return bytes(data), len(bits), groups


def _snow_shaped(text: str, runs: list[tuple[int, int]]) -> bool:
    """SNOW writes long trailing runs (it pads towards the line length) whose tab-separated
    groups hold 0-7 spaces, mostly several; tab-separated columns and editor leftovers are
    short runs of tabs with the odd space."""
    # lines that are only whitespace are indentation an editor left, not SNOW's padding
    runs = [(s, e) for s, e in runs if s > 0 and text[s - 1] != "\n"]
    groups = [len(g) for s, e in runs for g in text[s:e].split("\t")[1:]]
    long_runs = sum(1 for s, e in runs if e - s >= 6)
    if not groups or long_runs < 4:
        return False
    with_spaces = sum(1 for g in groups if g) / len(groups)
    return with_spaces >= 0.5 and sum(groups) / len(groups) >= 1.5


def _trailing(art, ctx) -> None:
    text = art.text
    runs = _trailing_runs(text)
    if len(runs) < MIN_LINES:
        return
    mixed = [r for r in runs if "\t" in text[r[0]:r[1]] and " " in text[r[0]:r[1]]]
    cands: list[tuple[Decoding, list[tuple[int, int]]]] = []
    snow = _snow(text, runs)
    if snow is not None:
        data, nbits, groups = snow
        t = data.rstrip(b"\x00").decode("utf-8", "replace")
        cands.append((Decoding(t, "SNOW trailing whitespace", "spaces before each tab = 3 bits, "
                               "after a first marker tab", score(t), nbits), runs))
    chars = "".join(text[s:e] for s, e in runs)
    if " " in chars and "\t" in chars and len(chars) >= 16:
        dec = decode_symbols(chars, "trailing space/tab", bytes_only=True)
        if dec is not None:
            dec.scheme = dec.scheme.replace("U+0020", "space").replace("U+0009", "tab")
            cands.append((dec, runs))
    lasts = "".join(text[e - 1] for _s, e in runs)
    if " " in lasts and "\t" in lasts and len(lasts) >= 16:
        dec = decode_symbols(lasts, "one trailing character per line,", bytes_only=True)
        if dec is not None:
            dec.scheme = dec.scheme.replace("U+0020", "space").replace("U+0009", "tab")
            cands.append((dec, runs))
    good = [c for c in cands if c[0].score >= ACCEPT and c[0].text.strip()]
    if good:
        dec, used = max(good, key=lambda c: c[0].score)
        s, e = used[0][0], used[-1][1]
        line, _col = art.index.position(s)
        end_line, _ = art.index.position(e)
        chain = f"{dec.channel} ({dec.scheme}) on lines {line}-{end_line}"
        ctx.signal(art, "hm.whitespace-code", s, e, decoded=dec.text, channel=dec.channel,
                   scheme=dec.scheme, count=len(used), lines=len(used),
                   capacity_bits=dec.capacity_bits, chain=chain)
        ctx.child(art, dec.text, label=chain, name=art.name + ".hidden", span=(s, e),
                  decoded_from=dec.channel, facts={"hidden"})
        return
    if snow is not None and len(mixed) >= 4 and snow[2] >= 16 and _snow_shaped(text, runs):
        # SNOW's shape (a marker tab, tab-separated groups of at most 7 spaces on many lines)
        # without a readable message: compressed or encrypted with a password
        s, e = mixed[0][0], mixed[-1][1]
        ctx.signal(art, "hm.invisible-payload", s, e, family="trailing spaces and tabs in SNOW's layout",
                   count=sum(b - a for a, b in runs), capacity_bits=snow[1],
                   ranges="U+0009, U+0020", context="trailing whitespace")


# -- space variants ------------------------------------------------------------------------------


def _typographic(text: str, i: int) -> bool:
    """Whether the variant space at `i` is explained by typography."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if nxt in _TYPO_BEFORE or prev in _TYPO_AFTER:
        return True
    if prev.isdigit() and (nxt.isdigit() or nxt.isalpha() or nxt in "\u00b0\u00b5\u2103\u2126"):
        return True  # 1 234 567, 10 km, 5 µs, 20 °C
    if ch == "\u3000" or ord(prev or " ") >= 0x2E80 or ord(nxt or " ") >= 0x2E80:
        return True  # ideographic space, CJK context
    if ch == "\u00a0" and (len(prev) and i >= 2 and not text[i - 2].isalnum()) and prev.isalpha():
        return True  # after a one-letter word (Czech, Polish, French "à")
    if ch == "\u00a0" and nxt in "-\u2014\u2013&\u00a9\u00ae":
        return True
    if prev in "\u00a7\u00b6#\u2116" or nxt in "\u00a7":
        return True  # § 12, No 5
    return False


def _variants(art, ctx) -> None:
    text = art.text
    budget = 20
    pos = 0
    while pos < len(text) and budget > 0:
        # one paragraph at a time: each may carry its own code
        nxt = text.find("\n\n", pos)
        end = len(text) if nxt < 0 else nxt
        if _VARIANT.search(text, pos, end):
            budget -= 1
            _paragraph(art, ctx, pos, end)
        pos = end + 2


def _paragraph(art, ctx, p0: int, p1: int) -> None:
    text = art.text
    slots = [m.start() for m in _SLOT.finditer(text, p0, p1)][:65536]
    variants = [i for i in slots if text[i] != " "]
    unexplained = [i for i in variants if not _typographic(text, i)]
    if len(unexplained) < 8 or len(unexplained) < 0.5 * len(variants):
        return
    inside = sum(1 for i in slots if unexplained[0] <= i <= unexplained[-1])
    if len(unexplained) < 0.15 * inside:
        return  # a code sets about every third gap; a few stray no-break spaces are not one
    # the code covers the spaces from its start to its last variant (and the zero bits after
    # it); it starts at the paragraph's first space or a few spaces before the first variant
    last = unexplained[-1]
    k0 = slots.index(variants[0])
    tail = [i for i in slots if i > last][:64]
    cands = []
    for start in dict.fromkeys([0] + [max(0, k0 - j) for j in range(8)]):
        pos = [i for i in slots[start:] if i <= last] + tail
        dec = decode_symbols("".join(text[i] for i in pos), "space-variant", bytes_only=True)
        if dec is not None:
            cands.append((dec, pos))
    good = [c for c in cands if c[0].score >= ACCEPT and c[0].text.strip()]
    if not good:
        return
    dec, pos = max(good, key=lambda c: c[0].score)
    dec.scheme = dec.scheme.replace("U+0020", "space")
    s, e = pos[0], pos[-1] + 1
    line, col = art.index.position(s)
    chain = f"{dec.channel} ({dec.scheme}) from {line}:{col}"
    ctx.signal(art, "hm.space-variant-code", s, e, decoded=dec.text, channel=dec.channel,
               scheme=dec.scheme, count=len(unexplained), capacity_bits=dec.capacity_bits,
               chain=chain)
    ctx.child(art, dec.text, label=chain, name=art.name + ".hidden", span=(s, e),
              decoded_from=dec.channel, facts={"hidden"})
