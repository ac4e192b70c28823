"""Decoders for invisible-character channels: carrier symbols in, the hidden text out.

Each decoder takes the carrier characters of one run (or of one paragraph, for codes spread
between visible letters) and returns the best `Decoding` it can find, ranked by
`plaintext.score`, or None.  They are pure functions of their input, bounded in the symbols
they read and the interpretations they try, and never execute anything.

Channels:
* tag characters U+E0000-U+E007F: ASCII + 0xE0000;
* variation selectors: Butler's byte mapping (U+FE00+b for b < 16, U+E0100+b-16 otherwise),
  garak's (U+E0100 + ASCII code), and two VS1-VS16 per byte (high/low nibble, either order);
* plane-14 base-4096 (invisicode): 3 bytes → 2 code points of 12 bits, low half first,
  leftover bytes as single code points, U+1D17A padding marker;
* symbol codes (zero-width characters, invisible operators, bidi marks…): a search over the
  symbol → digit assignment, digit order, group width (byte, 7-bit ASCII, UTF-16 unit),
  frame and separator symbols, including Sneaky Bits (U+2062=0, U+2064=1) and garak's
  unpadded variant with U+200B for spaces.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import unicodedata

from . import plaintext
from .lazyregex import lazy_re


def _script_bucket(c: str) -> str:
    try:
        word = unicodedata.name(c).split(" ", 1)[0]
    except ValueError:
        return "?"
    return "CJK" if word in ("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "IDEOGRAPHIC") else word


_VOWELS = frozenset("aeiouyAEIOUY")


def _prose_shape(sample: str) -> float:
    """0.8 for ASCII text shaped like prose in a Latin-script language (word lengths, spaces,
    vowel share), whatever its vocabulary; 0 otherwise.  The common-word feature of
    `plaintext.score` misses messages made of rarer words ("reset going going")."""
    words = sample.split()
    letters = [c for c in sample if c.isalpha()]
    if len(words) < 2 or len(letters) < 8:
        return 0.0
    alpha_words = sum(1 for w in words if w.strip(".,;:!?'\"()-").isalpha() and len(w) <= 14)
    vowels = sum(1 for c in letters if c in _VOWELS) / len(letters)
    spaces = sample.count(" ") / len(sample)
    lower = sum(1 for c in letters if c.islower()) / len(letters)
    if alpha_words >= 0.8 * len(words) and 0.25 <= vowels <= 0.6 and 0.05 <= spaces <= 0.3:
        return 0.8 if lower >= 0.6 else 0.6
    return 0.0


_WORD_TOKEN = lazy_re(r"[^\W\d_]+")
_SHAPED = lazy_re(r"[A-Z]?[a-z]+|[A-Z]+|[^\W\d_]*[^\W\d_A-Za-z][^\W\d_]*")


def _word_shapes(sample: str) -> float:
    """1.0 when the words look like words (lower case, Capitalised, UPPER, or any non-Latin
    spelling); down to 0.4 when most are random mixes of cases ("MsUg") as noise reads."""
    toks = [t for t in _WORD_TOKEN.findall(sample) if len(t) >= 3]
    if not toks:
        return 1.0
    shaped = sum(1 for t in toks if _SHAPED.fullmatch(t) or _camel(t)) / len(toks)
    return 1.0 if shaped >= 0.7 else 0.4 + 0.6 * shaped / 0.7


def _camel(t: str) -> bool:
    """camelCase / PascalCase identifiers from decoded code: humps of Capital + lower."""
    return re.fullmatch(r"[a-z]{2,}(?:[A-Z][a-z]{2,})+|(?:[A-Z][a-z]{2,}){2,}", t) is not None


def score(text: str) -> float:
    """`plaintext.score`, made stricter for decoders, which try thousands of readings and so
    meet plausible-looking noise: a reading needs three visible characters; its non-Latin
    letters must mostly belong to one script and not switch script inside a word (random
    16-bit values look like a mix of CJK, Hangul and Yi, real text does not); accented Latin
    letters without plain ones are bytes misread as Latin-1, not a language."""
    core = text.strip()
    if len(core) < 3:
        return 0.0
    s = plaintext.score(text)
    sample = core[:600]
    n = len(sample)
    controls = sum(1 for c in sample if not c.isprintable() and c not in "\t\n\r")
    if controls:
        s *= max(0.0, 1 - 5 * controls / n)
    wordlike = sum(1 for c in sample if c.isalpha() or c.isspace()) / n
    if wordlike < 0.6:
        s *= wordlike / 0.6
    s *= _word_shapes(sample)
    if sample.isascii():
        return round(max(s, _prose_shape(sample)) if s >= 0.4 else s, 3)
    letters = [c for c in sample if c.isalpha() and not c.isascii()]
    if letters:
        buckets: dict[str, int] = {}
        latin_ext = 0
        for c in letters:
            b = _script_bucket(c)
            if b == "LATIN":
                latin_ext += 1
            else:
                buckets[b] = buckets.get(b, 0) + 1
        if buckets:
            coherence = max(buckets.values()) / sum(buckets.values())
            if coherence < 0.85:
                s *= coherence * coherence
            if buckets.get("CJK", 0) > len(letters) / 2:
                # a fifth of all 16-bit values are Han ideographs: such a reading is weaker
                # evidence than readable words
                s *= 0.85
        plain = sum(1 for c in sample if c.isascii() and c.isalpha())
        if latin_ext > max(3, plain):
            s *= 0.4
    switches, seen, prev = 0, 0, ""
    for c in sample:
        if c.isspace() or not (c.isalpha() or unicodedata.category(c).startswith("M")):
            prev = ""
            continue
        b = "LATIN" if c.isascii() else _script_bucket(c)
        if b == "COMBINING":
            continue
        seen += 1
        if prev and b != prev:
            switches += 1
        prev = b
    if seen and switches / seen > 0.15:
        s *= max(0.0, 1 - 2 * switches / seen)
    if len(core) < 6:
        s *= len(core) / 6
    return round(s, 3)


MAX_SYMBOLS = 1 << 16  # symbols of one run that are decoded; the rest is counted, not read
PREFIX_GROUPS = 40  # groups decoded to rank an interpretation before decoding it whole
ACCEPT = 0.55  # plaintext score from which a decoding is reported as the hidden text
MAX_CANDIDATES = 4000  # interpretations tried per run


@dataclass
class Decoding:
    text: str
    channel: str  # family of the carrier: "tag characters", "zero-width binary", …
    scheme: str  # how the symbols were read, for the origin label
    score: float
    capacity_bits: int

    @property
    def accepted(self) -> bool:
        return self.score >= ACCEPT and bool(self.text.strip())


def _u(cp: int) -> str:
    return f"U+{cp:04X}"


def _bytes_text(data: bytes) -> str:
    return data.rstrip(b"\x00").decode("utf-8", "replace")


# -- tags ---------------------------------------------------------------------------------------


def decode_tags(run: str) -> Decoding:
    out = []
    for ch in run[:MAX_SYMBOLS]:
        cp = ord(ch) - 0xE0000
        if 0x20 <= cp <= 0x7E or cp in (0x09, 0x0A, 0x0D):
            out.append(chr(cp))
    text = "".join(out)
    return Decoding(text, "tag characters", "code point - 0xE0000 as ASCII", score(text), 7 * len(run))


# -- variation selectors ------------------------------------------------------------------------


def _vs_index(cp: int) -> int:
    return cp - 0xFE00 if cp <= 0xFE0F else cp - 0xE0100 + 16


def decode_variation_selectors(run: str) -> Decoding | None:
    cps = [ord(c) for c in run[:MAX_SYMBOLS]]
    if not cps:
        return None
    if cps[0] == 0xFE0F and len(cps) > 2:
        # an emoji's own presentation selector in front of the smuggled bytes
        rest = decode_variation_selectors(run[1:])
        whole = decode_variation_selectors_exact(run)
        return max((d for d in (rest, whole) if d is not None), key=lambda d: d.score)
    return decode_variation_selectors_exact(run)


def decode_variation_selectors_exact(run: str) -> Decoding | None:
    cps = [ord(c) for c in run[:MAX_SYMBOLS]]
    if not cps:
        return None
    cands: list[Decoding] = []
    cap = 8 * len(run)
    data = bytes(_vs_index(cp) for cp in cps)
    t = _bytes_text(data)
    cands.append(Decoding(t, "variation selectors", "one byte per selector (U+FE00+b for b<16, "
                          "U+E0100+b-16 otherwise), UTF-8", score(t), cap))
    sup = [cp for cp in cps if cp >= 0xE0100]
    if len(sup) >= len(cps) - 1:  # garak: ASCII code above U+E0100 (a leading VS16 allowed)
        t = "".join(chr(cp - 0xE0100) for cp in sup)
        cands.append(Decoding(t, "variation selectors", "U+E0100 + character code", score(t), cap))
    basic = [cp - 0xFE00 for cp in cps if cp <= 0xFE0F]
    if len(basic) == len(cps) and len(basic) >= 2:
        for hi_first in (True, False):
            pairs = zip(basic[0::2], basic[1::2])
            data = bytes((a << 4 | b) if hi_first else (b << 4 | a) for a, b in pairs)
            t = _bytes_text(data)
            cands.append(Decoding(t, "variation selectors",
                                  f"two selectors per byte ({'high' if hi_first else 'low'} nibble first), UTF-8",
                                  score(t), 4 * len(run)))
        cands[-1].capacity_bits = cands[-2].capacity_bits = 4 * len(run)
    return max(cands, key=lambda d: d.score)


# -- plane 14, base 4096 ------------------------------------------------------------------------

PADDING = 0x1D17A


def decode_plane14(run: str) -> Decoding | None:
    cps = [ord(c) for c in run[:MAX_SYMBOLS]]
    while cps and not (0xE0000 <= cps[-1] <= 0xE0FFF):
        cps.pop()
    if not cps or any(not (0xE0000 <= cp <= 0xE0FFF) and cp != PADDING for cp in cps):
        return None
    tail = b""
    if len(cps) % 2:
        if len(cps) >= 3 and cps[-2] == PADDING:
            tail = bytes([(cps[-3] - 0xE0000) & 0xFF, (cps[-1] - 0xE0000) & 0xFF])
            cps = cps[:-3]
        else:
            tail = bytes([(cps[-1] - 0xE0000) & 0xFF])
            cps = cps[:-1]
    if any(cp == PADDING for cp in cps):
        return None
    out = bytearray()
    for lo, hi in zip(cps[0::2], cps[1::2]):
        v = (lo - 0xE0000) | ((hi - 0xE0000) << 12)
        out += bytes((v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF))
    t = _bytes_text(bytes(out) + tail)
    return Decoding(t, "plane-14 base-4096", "two code points per 3 bytes, 12 bits each, low half "
                    "first (invisicode)", score(t), 12 * len(run))


# -- symbol codes (zero-width binary and base-N) ------------------------------------------------


def _values(digits: list[int], k: int, width: int, msb: bool, limit: int | None = None) -> list[int]:
    out = []
    n = len(digits) - width + 1
    for g in range(0, n, width):
        chunk = digits[g:g + width]
        if not msb:
            chunk = chunk[::-1]
        v = 0
        for d in chunk:
            v = v * k + d
        out.append(v)
        if limit is not None and len(out) >= limit:
            break
    return out


def _as_text(values: list[int], unit: str) -> str | None:
    if unit == "byte":
        if any(v > 255 for v in values):
            return None
        return _bytes_text(bytes(values))
    if unit == "ascii":
        return "".join(chr(v) for v in values).rstrip("\x00")
    if unit == "utf16":
        if any(v > 0xFFFF for v in values):
            return None
        pairs = sum(1 for v in values if 0x20 <= v >> 8 <= 0x7E and 0x20 <= v & 0xFF <= 0x7E)
        if values and pairs >= 0.8 * len(values):
            # two ASCII bytes per unit: the byte reading of the same bits is the message, and
            # this one only turns its letter pairs into CJK-looking characters
            return None
        data = b"".join(v.to_bytes(2, "big") for v in values)
        return data.decode("utf-16-be", "replace").rstrip("\x00")
    if unit == "codepoint":
        if any(v >= 0x110000 for v in values):
            return None
        return "".join(chr(v) for v in values if not 0xD800 <= v <= 0xDFFF)
    return None


def _widths(k: int) -> list[tuple[int, str]]:
    out = [(math.ceil(math.log(256, k) - 1e-9), "byte")]
    if k == 2:
        out.append((7, "ascii"))
    out.append((math.ceil(math.log(65536, k) - 1e-9), "utf16"))
    return out


def _assignments(alphabet: list) -> list[tuple]:
    """Symbol orders to try (position = digit value); `None` marks a digit value no symbol of
    the run uses."""
    k = len(alphabet)
    if k <= 5:
        return list(dict.fromkeys(itertools.permutations(alphabet)))
    real = [a for a in alphabet if a is not None]
    by_cp = sorted(real)
    return [tuple(alphabet), tuple(by_cp) + (None,) * (k - len(real)), tuple(by_cp[::-1]) + (None,) * (k - len(real))]


def _sneaky_word(bits: str) -> str:
    """Split one word of concatenated unpadded 6- and 7-bit character codes (each starting with
    a 1 bit) into characters, preferring letters; the parse is a small dynamic programme."""
    n = len(bits)
    best: list[tuple[float, str] | None] = [None] * (n + 1)
    best[0] = (0.0, "")
    for i in range(n):
        if best[i] is None or bits[i] != "1":
            continue
        for w in (7, 6):
            if i + w > n:
                continue
            c = chr(int(bits[i:i + w], 2))
            gain = 1.0 if c.islower() else 0.9 if c in ".,:;!?'\"-()" else 0.7 if c.isupper() \
                else 0.4 if c.isdigit() else 0.2 if c.isprintable() else -1.0
            cand = (best[i][0] + gain, best[i][1] + c)
            if best[i + w] is None or cand[0] > best[i + w][0]:
                best[i + w] = cand
    return best[n][1] if best[n] is not None else ""


def _word_values(words: list[str], digit: dict[str, int], k: int) -> list[int]:
    vals = []
    for w in words:
        v = 0
        for c in w:
            v = v * k + digit[c]
        vals.append(v)
    return vals


def _render(seq: str, spec: tuple, limit: int | None) -> str | None:
    """Decode `seq` (or its first `limit` groups) following one interpretation `spec`."""
    kind = spec[0]
    if kind == "fixed":
        _, frame, body, assign, width, unit, msb = spec
        digit = {ch: d for d, ch in enumerate(assign) if ch is not None}
        digits = [digit[c] for c in (body if limit is None else body[:limit * width])]
        return _as_text(_values(digits, len(assign), width, msb), unit)
    _, sep, assign = spec
    digit = {ch: d for d, ch in enumerate(assign)}
    parts = seq.split(sep)
    if limit is not None:
        parts = parts[:limit]
    if kind == "sep":
        return _as_text(_word_values([p for p in parts if p], digit, len(assign)), "codepoint")
    # garak's Sneaky Bits: unpadded binary character codes, the separator stands for a space
    return " ".join(_sneaky_word("".join(str(digit[c]) for c in p)) for p in parts)


def _scheme(spec: tuple) -> tuple[str, int]:
    kind = spec[0]
    if kind == "fixed":
        _, frame, _body, assign, width, unit, msb = spec
        k = len(assign)
        names = ", ".join(f"{_u(ord(c))}={d}" for d, c in enumerate(assign) if c is not None)
        what = {"byte": f"{width}-digit groups as bytes, UTF-8", "ascii": "7-bit ASCII",
                "utf16": f"{width}-digit groups as UTF-16 units"}[unit]
        if k == 2:
            what = what.replace("-digit", "-bit")
        order = ("MSB first" if k == 2 else "most significant digit first") if msb else \
            ("LSB first" if k == 2 else "least significant digit first")
        return f"{names}, {order}, {what}" + (f", {frame}" if frame else ""), k
    _, sep, assign = spec
    names = ", ".join(f"{_u(ord(c))}={d}" for d, c in enumerate(assign))
    if kind == "sep":
        return f"{names}, one character code between {_u(ord(sep))} separators", len(assign)
    return f"{names}, unpadded character codes, {_u(ord(sep))} for a space", len(assign)


def decode_symbols(symbols: str, channel: str = "zero-width", bytes_only: bool = False) -> Decoding | None:
    """The best reading of a run of invisible symbols as a code, or None when it has one symbol,
    too many kinds of symbol to be a code we know, or too few symbols.  `bytes_only` keeps to
    byte and 7-bit readings: for channels whose symbols also occur by accident (whitespace,
    look-alike letters), where every known tool writes bytes and 16-bit readings of noise too
    often look like CJK text."""
    seq = symbols[:MAX_SYMBOLS]
    alphabet = list(dict.fromkeys(seq))
    k_all = len(alphabet)
    if k_all < 2 or k_all > 9 or len(seq) < 6:
        return None
    cap = int(len(symbols) * math.log2(k_all))
    specs: list[tuple] = []
    framings: list[tuple[str, str]] = [("", seq)]
    first, last = seq[0], seq[-1]
    if first == last and seq.count(first) == 2:
        framings.append((f"framed by {_u(ord(first))}", seq[1:-1]))
    else:
        if seq.count(first) == 1:
            framings.append((f"after a flag {_u(ord(first))}", seq[1:]))
        if seq.count(last) == 1:
            framings.append((f"before an end mark {_u(ord(last))}", seq[:-1]))
    for frame, body in framings:
        alpha = list(dict.fromkeys(body))
        if len(alpha) < 2:
            continue
        # a short message may never use one digit of its base: try one more digit value too
        for k in (len(alpha), len(alpha) + 1) if 3 <= len(alpha) <= 4 else (len(alpha),):
            padded = alpha + [None] * (k - len(alpha))
            for assign in _assignments(padded):
                for width, unit in _widths(k):
                    if bytes_only and unit == "utf16":
                        continue
                    if len(body) >= width:
                        specs.append(("fixed", frame, body, assign, width, unit, True))
                        specs.append(("fixed", frame, body, assign, width, unit, False))
    if 3 <= k_all <= 6 and not bytes_only:
        for sep in alphabet:
            if sum(1 for p in seq.split(sep) if p) < 2:
                continue
            alpha = [a for a in alphabet if a != sep]
            for assign in _assignments(alpha)[:24]:
                specs.append(("sep", sep, assign))
                if len(alpha) == 2:
                    specs.append(("space", sep, assign))
    ranked: list[tuple[float, int, tuple]] = []
    for n, spec in enumerate(specs[:MAX_CANDIDATES]):
        text = _render(seq, spec, PREFIX_GROUPS)
        if text:
            ranked.append((score(text) - _complexity(spec, text), -n, spec))
    if not ranked:
        return None
    ranked.sort(reverse=True)
    shortlist = ranked[:3] + [r for r in ranked if _byte_oriented(r[2])][:2]
    finals: list[tuple[bool, Decoding, tuple]] = []
    for _s, _n, spec in dict.fromkeys((r[0], r[1], r[2]) for r in shortlist):
        text = _render(seq, spec, None) or ""
        scheme, k = _scheme(spec)
        finals.append((_byte_oriented(spec), Decoding(text, _channel_name(channel, k), scheme, score(text), cap), spec))
    best = max(finals, key=lambda t: t[1].score - _complexity(t[2], t[1].text))[1]
    bytewise = [d for b, d, _spec in finals if b]
    if bytewise:
        # Occam: byte-oriented codes are the common case, and 16-bit readings of the same bits
        # turn letter pairs into CJK-looking text; a wider reading must clearly read better
        b = max(bytewise, key=lambda d: d.score)
        if b.score >= ACCEPT and best.score < b.score + 0.25:
            return b
    return best


def _complexity(spec: tuple, text: str) -> float:
    """A small prior against unusual readings: with thousands tried, noise sometimes reads a
    little better than the simple reading of a short message.  Tripled when the reading is
    mostly non-Latin letters, which is what 16-bit noise looks like to a text scorer."""
    if spec[0] != "fixed":
        c = 0.05
    else:
        _, frame, _body, assign, _width, unit, msb = spec
        c = (0.0 if msb else 0.04) + (0.08 if None in assign else 0.0) + (0.03 if frame else 0.0) \
            + (0.04 if unit == "utf16" else 0.0)
    letters = [ch for ch in text[:200] if ch.isalpha()]
    if letters and sum(1 for ch in letters if not ch.isascii()) > len(letters) / 2:
        c *= 3
    return c


def _byte_oriented(spec: tuple) -> bool:
    return spec[0] == "fixed" and spec[5] in ("byte", "ascii")


def _channel_name(channel: str, k: int) -> str:
    base = "binary" if k == 2 else f"base-{k}"
    return f"{channel} {base}"


def sneaky_bits_label(dec: Decoding) -> Decoding:
    """Name the Sneaky Bits variant when the reading used U+2062=0 and U+2064=1."""
    if "U+2062=0" in dec.scheme and "U+2064=1" in dec.scheme:
        dec.channel = "Sneaky Bits binary"
    return dec
