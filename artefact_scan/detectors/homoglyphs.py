"""Homoglyphs: identifiers and words that mix Latin letters with look-alikes of other scripts.

In code (Python, JavaScript, shell; files and fenced blocks), outside strings and comments:
* an identifier that mixes Latin letters with Cyrillic, Greek, Armenian or Cherokee
  look-alikes (the whole-token rule of VS Code and UTS #39: a name written entirely in one
  script is fine);
* an identifier written in compatibility letters (full-width, mathematical) that NFKC folds to
  another name: Python treats `ｅｖａｌ` as `eval`, so a text search for the name misses it;
* an identifier made only of look-alikes whose skeleton is another identifier of the file
  (`раth` next to `path`), or that looks Latin in a file that uses the other script nowhere
  else (rustc's mixed-script-confusables rule: a Russian code base is not reported).

In prose: words mixing Latin letters with look-alikes (the tell of homoglyph substitution),
one signal per line; and, where a paragraph has at least eight substitutions, the
substitutions read as bits over the letters that have a look-alike (0 = Latin, 1 = swapped),
decoded like any other code.

Signals: `hm.homoglyph-identifier` [identifier, reason, skeleton], `hm.homoglyph-word`
[words, count, chars], `hm.homoglyph-code` [decoded, channel, scheme, count].
"""
from __future__ import annotations

import re
import unicodedata

from .. import charpolicy
from .. import confusables as cf
from ..carrier_decoders import ACCEPT, decode_symbols
from ..codelex import artefact_language, literals
from . import detector
from ..lazyregex import lazy_re

_CANDIDATE = lazy_re(cf.LOOKALIKE_CLASS + "|" + cf.COMPAT_CLASS)
_LOOKALIKE = lazy_re(cf.LOOKALIKE_CLASS)
_IDENT = lazy_re(r"[^\W\d]\w*")
_WORD_CHAR = lazy_re(r"[^\W\d_]")
_IDENT_CHAR = lazy_re(r"\w")
_NON_ASCII = lazy_re(r"[^\x00-\x7f]")


def _gate():
    if not _GATE:
        cps = [ord(c) for c in cf.LOOKALIKES]
        cps += list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)) + list(range(0x1D400, 0x1D800))
        cps += list(range(0x24B6, 0x24EA)) + list(range(0x1F130, 0x1F18A))
        _GATE.append(charpolicy.utf8_gate(cps))
    return _GATE[0]


_GATE: list = []


def _tokens(text: str, start_pattern: re.Pattern, char: re.Pattern, lo: int = 0, hi: int | None = None):
    """The tokens (maximal runs of `char`) that contain a match of `start_pattern`, found from
    those matches outward: cheaper than tokenising a long text to find a few."""
    last = -1
    hi = len(text) if hi is None else hi
    for m in start_pattern.finditer(text, lo, hi):
        a, b = m.start(), m.end()
        if a < last:
            continue  # inside the token just yielded
        while a > 0 and char.match(text, a - 1):
            a -= 1
        while b < len(text) and char.match(text, b):
            b += 1
        last = b
        yield a, b
MIN_SWAPS = 8  # substituted letters in a paragraph before a homoglyph code is sought
MAX_IDENTIFIER_SIGNALS = 1000


@detector("homoglyphs", ("hm.homoglyph-identifier", "hm.homoglyph-word", "hm.homoglyph-code"),
          non_ascii=True, prefilter=lambda art: charpolicy.contains_any(art.text, _gate()))
def detect_homoglyphs(art, ctx):
    lexed: list = []

    def lits():
        # lexing code is the costly part, and only needed once something looks suspicious
        if not lexed:
            lexed.append(literals(art.text, lang))
        return lexed[0]

    lang = artefact_language(art)
    if lang is not None:
        _identifiers(art, ctx, lits)
        # words in strings and comments of code are prose (a look-alike URL, a comment)
        _prose(art, ctx, inside=lits)
    else:
        _prose(art, ctx)


def _identifiers(art, ctx, lits) -> None:
    text = art.text
    idents: dict[str, list[int]] = {}
    for a, b in _tokens(text, _CANDIDATE, _IDENT_CHAR):
        m = _IDENT.match(text, a, b)
        if m is not None and m.end() == b:
            idents.setdefault(m.group(), []).append(a)
    found: list[tuple[str, str, str, list[int]]] = []
    own_scripts = None
    for name, offs in idents.items():
        reason = skel = None
        mixed = cf.mixed_lookalikes(name)
        folded = unicodedata.normalize("NFKC", name)
        sk = cf.skeleton(name)
        if mixed:
            reason = f"mixes Latin letters with look-alikes: {cf.describe(mixed)}"
            skel = sk
        elif folded != name and folded.isascii():
            reason = f"is written in compatibility letters that normalise to '{folded}'"
            skel = folded
        elif sk.isascii() and sk != name:
            scripts = {cf.script(c) for c in name if c.isalpha()}
            if own_scripts is None:
                own_scripts = _own_scripts(text, lits())
            if re.search(r"(?<!\w)" + re.escape(sk) + r"(?!\w)", text):
                reason = f"is made of look-alikes and reads as '{sk}', another name in this file"
            elif not scripts & own_scripts:
                reason = f"is made of look-alikes and reads as '{sk}' in a file that does not use {'/'.join(sorted(scripts))} otherwise"
            skel = sk
        if reason:
            found.append((name, reason, skel, offs))
    if not found:
        return
    reported = 0
    for name, reason, skel, offs in found:
        offs = [o for o in offs if lits() is None or lits().at(o) is None]
        if not offs:
            continue
        if reported >= MAX_IDENTIFIER_SIGNALS:
            ctx.error(art, f"more than {MAX_IDENTIFIER_SIGNALS} homoglyph identifiers; the rest not reported one by one")
            break
        reported += len(offs[:20])
        for off in offs[:20]:
            ctx.signal(art, "hm.homoglyph-identifier", off, off + len(name), identifier=name,
                       reason=reason, skeleton=skel)


def _own_scripts(text: str, lits) -> set[str]:
    """The scripts the file writes names in with letters that are not look-alikes."""
    out = set()
    for a, b in _tokens(text, _NON_ASCII, _IDENT_CHAR):
        if lits is not None and lits.at(a) is not None:
            continue
        out |= {cf.script(c) for c in text[a:b] if c.isalpha() and not c.isascii() and c not in cf.LOOKALIKES}
    return out


def _prose(art, ctx, inside=None) -> None:
    """Mixed words of prose; in code (`inside` gives its literals) only those in strings and
    comments."""
    text = art.text
    by_line: dict[int, list[tuple[int, str, list[str]]]] = {}
    for a, b in _tokens(text, _LOOKALIKE, _WORD_CHAR):
        w = text[a:b]
        if _misdecoded(text, a, b):
            continue
        mixed = cf.disguised_word(w)
        if mixed:
            if inside is not None and (inside() is None or inside().at(a) is None):
                continue
            by_line.setdefault(art.index.position(a)[0], []).append((a, w, mixed))
    if not by_line:
        return
    decoded_spans = _decode_paragraphs(art, ctx, by_line)
    for _line, items in by_line.items():
        s = items[0][0]
        if any(a <= s < b for a, b in decoded_spans):
            continue
        e = items[-1][0] + len(items[-1][1])
        chars = [c for _o, _w, mixed in items for c in mixed]
        ctx.signal(art, "hm.homoglyph-word", s, e, words=", ".join(w for _o, w, _m in items[:5]),
                   count=len(items), chars=cf.describe(chars))


def _misdecoded(text: str, a: int, b: int) -> bool:
    """Next to bytes that were not valid UTF-8: a legacy encoding read as UTF-8 produces stray
    Cyrillic and Greek letters, not a disguise."""
    return any(0xDC80 <= ord(c) <= 0xDCFF for c in text[max(0, a - 2):a] + text[b:b + 2])


def _decode_paragraphs(art, ctx, by_line) -> list[tuple[int, int]]:
    """Read the substitutions of each paragraph with enough of them as a binary code."""
    text = art.text
    spans = []
    offsets = sorted(o for items in by_line.values() for o, _w, _m in items)
    done_until = -1
    budget = 20  # paragraphs decoded per artefact
    for o in offsets:
        if o < done_until or budget <= 0:
            continue
        budget -= 1
        p0 = text.rfind("\n\n", 0, o) + 1
        p1 = text.find("\n\n", o)
        p1 = len(text) if p1 < 0 else p1
        done_until = p1
        bits, swaps, first, first_bit, line_starts = [], 0, None, 0, [0]
        for i in range(p0, p1):
            c = text[i]
            if c in cf.LOOKALIKES:
                bits.append("1")
                swaps += 1
                first = i if first is None else first
                first_bit = len(bits) - 1 if swaps == 1 else first_bit
            elif c in cf.CAPABLE:
                bits.append("0")
            elif c == "\n" and len(line_starts) < 8:
                line_starts.append(len(bits))
        if swaps < MIN_SWAPS:
            continue
        # where the code starts: the paragraph, one of its first lines, or a few letters
        # before the first swap (a byte's first bit is often 0)
        best = None
        for start in dict.fromkeys(line_starts + [max(0, first_bit - j) for j in range(8)]):
            dec = decode_symbols("".join(bits[start:]), "homoglyph", bytes_only=True)
            if dec is not None and (best is None or dec.score > best.score):
                best = dec
        dec = best
        if dec is None or dec.score < ACCEPT or not dec.text.strip():
            continue
        dec.scheme = "each letter that has a look-alike is a bit: 1 when swapped for it, " + \
            dec.scheme.replace("U+0030", "Latin").replace("U+0031", "look-alike")
        line, col = art.index.position(p0)
        chain = f"{dec.channel} ({dec.scheme}) in the paragraph at {line}:{col}"
        ctx.signal(art, "hm.homoglyph-code", first, p1, decoded=dec.text, channel=dec.channel,
                   scheme=dec.scheme, count=swaps, capacity_bits=dec.capacity_bits, chain=chain)
        ctx.child(art, dec.text, label=chain, name=art.name + ".hidden", span=(first, p1),
                  decoded_from=dec.channel, facts={"hidden"})
        spans.append((p0, p1))
    return spans
