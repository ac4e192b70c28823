"""The character policy: which code points can hide something, and when context explains them.

Built from Unicode properties of the `regex` module (its Unicode version is `UNICODE_VERSION`,
reported in every JSON and SARIF report), never from hand-typed raw characters:

* **carriers** render as nothing or as blank: Default_Ignorable_Code_Point (zero-width
  characters, joiners, bidi marks, variation selectors, the whole plane-14 range, Hangul
  fillers, soft hyphen…), Bidi_Control, Join_Control, Variation_Selector, every format
  character (Cf), and "looks blank" letters that no property flags (Braille blank U+2800,
  Mongolian vowel separator U+180E, Khmer inherent vowels U+17B4/U+17B5);
* **escaped** in reports: carriers plus controls (Cc), private use (Co), unassigned (Cn),
  noncharacters, lone surrogates and whitespace other than space, tab and newline (see
  `escape.visible`).  These render as a visible box or glyph, so they carry nothing unseen.

A carrier is judged in its context, not alone (`explained`).  Accepted: emoji ZWJ sequences,
keycaps and tag (subdivision flag) sequences, one presentation selector after an emoji base,
one standardized or ideographic variation selector after a base that has such sequences,
ZWNJ/ZWJ inside words of scripts that use them, bidi marks beside right-to-left text, Arabic
number signs before digits, soft hyphens inside words, a BOM at offset 0, Hangul conjoining
fillers inside jamo sequences, Mongolian selectors after Mongolian letters, blank Braille cells
inside Braille text.  Everything else is a carrier for the decoders to examine.

No emoji data file ships with Python, so emoji sequences are recognised from properties
(Extended_Pictographic, Emoji, Emoji_Modifier, Regional_Indicator) rather than matched against
the RGI lists: a ZWJ is accepted between two pictographs, VS16 once after an `Emoji` base
(after a digit, `#` or `*` only in a keycap).  The ZWJ test is UAX #29's grapheme-cluster rule
GB11 (pictograph, extenders, ZWJ, pictograph) applied around each candidate: the same answer
as segmenting into grapheme clusters with the `regex` module, without segmenting whole texts
to judge a few characters.  Ideographic variation sequences are accepted as one VS17-VS256
after a Han ideograph (the IVD registers thousands; no list ships here).
"""
from __future__ import annotations

import functools
from collections.abc import Iterator

import regex
from .lazyregex import lazy

# -- the Unicode version of the property data -------------------------------------------------


@functools.lru_cache(maxsize=1)
def unicode_version() -> str:
    """The Unicode version of the `regex` module's property tables (its package metadata says
    "supports Unicode X.Y.Z"); "unknown" when the metadata cannot be read."""
    desc = ""
    try:
        # the dist-info beside the module, read directly: importlib.metadata scans every
        # installed distribution, which costs a one-file scan a tenth of a second
        import pathlib

        meta = pathlib.Path(regex.__file__).parent.parent / f"regex-{regex.__version__}.dist-info" / "METADATA"
        desc = meta.read_text(encoding="utf-8", errors="replace")
    except (OSError, AttributeError):
        pass
    if "supports Unicode" not in desc:
        try:
            from importlib.metadata import metadata

            desc = metadata("regex").get_payload() or ""  # type: ignore[attr-defined]
        except Exception:  # pragma: no cover - metadata is part of every install
            desc = ""
    m = regex.search(r"supports Unicode ([0-9]+\.[0-9]+(?:\.[0-9]+)?)", desc)
    return m.group(1) if m else "unknown"


# -- character classes (regex syntax, escapes only) -------------------------------------------

# Letters and symbols that render blank although no property marks them ignorable.
BLANK_LOOKING = "\\u115F\\u1160\\u17B4\\u17B5\\u180E\\u2800\\u3164\\uFFA0"

CARRIER_CLASS = (
    "[\\p{Default_Ignorable_Code_Point}\\p{Bidi_Control}\\p{Join_Control}\\p{Variation_Selector}"
    "\\p{Cf}\\U000E0000-\\U000E0FFF" + BLANK_LOOKING + "]"
)
# What reports escape: carriers, controls, private use, unassigned, surrogates, odd whitespace.
ESCAPE_CLASS = (
    "[[\\p{Cc}\\p{Co}\\p{Cn}\\p{Cs}\\p{Zl}\\p{Zp}\\p{White_Space}"
    "\\p{Default_Ignorable_Code_Point}\\p{Bidi_Control}\\p{Variation_Selector}\\p{Cf}"
    "\\p{Noncharacter_Code_Point}\\U000E0000-\\U000E0FFF" + BLANK_LOOKING + "]--[\\t\\n ]]"
)
CARRIER = lazy(CARRIER_CLASS, regex.V1)

# Bidi embeddings, overrides and isolates (reordering controls) and their terminators.
EMBEDDINGS = frozenset((0x202A, 0x202B))  # LRE, RLE
OVERRIDES = frozenset((0x202D, 0x202E))  # LRO, RLO
POP_FORMATTING = 0x202C  # PDF
ISOLATES = frozenset((0x2066, 0x2067, 0x2068))  # LRI, RLI, FSI
POP_ISOLATE = 0x2069  # PDI
REORDERING = frozenset((0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069))
BIDI_MARKS = frozenset((0x200E, 0x200F, 0x061C))  # LRM, RLM, ALM

ZWJ, ZWNJ, ZWSP, WJ, BOM = 0x200D, 0x200C, 0x200B, 0x2060, 0xFEFF
VS15, VS16 = 0xFE0E, 0xFE0F
KEYCAP = "\u20e3"
BLACK_FLAG = "\U0001F3F4"
CANCEL_TAG = 0xE007F

_EXTPICT = lazy("\\p{Extended_Pictographic}")
_EMOJI = lazy("\\p{Emoji}")
_EMOJI_MOD = lazy("\\p{Emoji_Modifier}")
_LETTER = lazy("\\p{L}")
_LETTER_OR_MARK = lazy("[\\p{L}\\p{M}]")
_MARK = lazy("\\p{M}")
_DIGIT = lazy("\\p{Nd}")
_HAN = lazy("[\\p{Ideographic}\\p{scx=Han}]")
# strong right-to-left characters, not counting the marks themselves (RLM is Bidi_Class=R)
_RTL = lazy("(?V1)[[\\p{Bidi_Class=R}\\p{Bidi_Class=AL}]--\\p{Cf}]")
# Scripts whose orthography uses ZWNJ/ZWJ inside words: joining scripts (cursive shaping) and
# Brahmic scripts (conjuncts, half forms, chillu, yansaya/rakaransaya).
_JOINER_SCRIPT = lazy(
    "(?V1)[[\\p{L}\\p{M}]&&[\\p{scx=Arabic}\\p{scx=Syriac}\\p{scx=Nko}\\p{scx=Mongolian}"
    "\\p{scx=Manichaean}\\p{scx=Psalter_Pahlavi}\\p{scx=Adlam}\\p{scx=Hanifi_Rohingya}"
    "\\p{scx=Sogdian}\\p{scx=Old_Uyghur}\\p{scx=Mandaic}\\p{scx=Phags_Pa}\\p{scx=Chorasmian}"
    "\\p{scx=Devanagari}\\p{scx=Bengali}\\p{scx=Gurmukhi}\\p{scx=Gujarati}\\p{scx=Oriya}"
    "\\p{scx=Tamil}\\p{scx=Telugu}\\p{scx=Kannada}\\p{scx=Malayalam}\\p{scx=Sinhala}"
    "\\p{scx=Tibetan}\\p{scx=Myanmar}\\p{scx=Khmer}\\p{scx=Balinese}\\p{scx=Javanese}"
    "\\p{scx=Sundanese}\\p{scx=Tirhuta}\\p{scx=Grantha}\\p{scx=Sharada}\\p{scx=Takri}"
    "\\p{scx=Kaithi}\\p{scx=Newa}\\p{scx=Modi}\\p{scx=Syloti_Nagri}\\p{scx=Limbu}"
    "\\p{scx=Chakma}\\p{scx=Brahmi}\\p{scx=Kharoshthi}\\p{scx=Lepcha}\\p{scx=Tai_Tham}"
    "\\p{scx=Hebrew}]]"
)
# Scripts written without spaces, where U+200B marks word boundaries for line breaking.
_NO_SPACE_SCRIPT = lazy(
    "[\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}\\p{scx=Tibetan}\\p{scx=Han}"
    "\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Javanese}\\p{scx=Balinese}]"
)
# Bases that have standardized variation sequences with VS1-VS14 (StandardizedVariants.txt):
# maths operators, Han ideographs (CJK compatibility sequences), and the scripts listed there.
_STD_VARIANT_BASE = lazy(
    "[\\p{Sm}\\p{scx=Han}\\p{scx=Myanmar}\\p{scx=Phags_Pa}\\p{scx=Manichaean}"
    "\\p{scx=Egyptian_Hieroglyphs}\\p{scx=Mongolian}0\\u2018\\u2019\\u201C\\u201D]"
)
_MONGOLIAN = lazy("\\p{scx=Mongolian}")
_KHMER = lazy("\\p{scx=Khmer}")
_SYRIAC = lazy("\\p{scx=Syriac}")
_ARABIC = lazy("\\p{scx=Arabic}")
_HIERO = lazy("[\\p{scx=Egyptian_Hieroglyphs}]")
_DUPLOYAN = lazy("\\p{scx=Duployan}")
_TAG_FLAG_BODY = lazy("[\\U000E0030-\\U000E0039\\U000E0061-\\U000E007A]{2,6}\\U000E007F")

# -- carrier families (for messages: what kind of character a run is made of) ----------------

FAMILY_NAMES = {
    "tag": "tag characters",
    "variation-selector": "variation selectors",
    "plane-14": "plane-14 ignorable code points",
    "zero-width": "zero-width characters",
    "invisible-operator": "invisible operators",
    "bidi-mark": "bidi marks",
    "bidi-control": "bidi controls",
    "soft-hyphen": "soft hyphens",
    "grapheme-joiner": "combining grapheme joiners",
    "prepended": "prepended number signs",
    "blank-letter": "blank-looking letters",
    "mongolian": "Mongolian selectors",
    "format": "format characters",
    "noncharacter": "noncharacters",
    "reserved-ignorable": "reserved ignorable code points",
}


def family_name(chars) -> str:
    """What a run of carriers is made of, in words: "zero-width characters", "variation
    selectors and zero-width characters"."""
    fams = sorted({family(ord(c)) for c in set(chars)})
    names = [FAMILY_NAMES.get(f, f) for f in fams] or ["format characters"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def family(cp: int) -> str:
    if 0xE0000 <= cp <= 0xE007F:
        return "tag"
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return "variation-selector"
    if 0xE0080 <= cp <= 0xE0FFF:
        return "plane-14"
    if cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        return "zero-width"
    if 0x2061 <= cp <= 0x2064:
        return "invisible-operator"
    if cp in BIDI_MARKS:
        return "bidi-mark"
    if cp in REORDERING:
        return "bidi-control"
    if cp == 0x00AD:
        return "soft-hyphen"
    if cp == 0x034F:
        return "grapheme-joiner"
    if cp in (0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x17B4, 0x17B5):
        return "blank-letter"
    if 0x180B <= cp <= 0x180F:
        return "mongolian"
    if (cp & 0xFFFE) == 0xFFFE or 0xFDD0 <= cp <= 0xFDEF:
        return "noncharacter"
    if cp == 0x2065 or 0xFFF0 <= cp <= 0xFFF8:
        return "reserved-ignorable"
    return "format"


_BLOCKS = ((0xE0000, 0xE007F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0xE0000, 0xE0FFF))


def ranges_of(chars) -> str:
    """`U+200B, U+200C`-style list of the code points in `chars`; when there are many, the
    blocks they come from (`U+E0000-U+E007F`)."""
    cps = sorted({ord(c) for c in set(chars)})
    if len(cps) > 4:
        blocks = []
        for c in cps:
            blk = next(((lo, hi) for lo, hi in _BLOCKS if lo <= c <= hi), None)
            if blk is None:
                break
            if blk not in blocks:
                blocks.append(blk)
        else:
            return ", ".join(f"U+{lo:04X}-U+{hi:04X}" for lo, hi in blocks)
    out, i = [], 0
    while i < len(cps) and len(out) < 8:
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append(f"U+{cps[i]:04X}" if i == j else f"U+{cps[i]:04X}-U+{cps[j]:04X}")
        i = j + 1
    if i < len(cps):
        out.append("\u2026")
    return ", ".join(out)


# -- context judgment --------------------------------------------------------------------------


def _is(pat: regex.Pattern, text: str, i: int) -> bool:
    return 0 <= i < len(text) and pat.match(text, i) is not None


def _emoji_element_end_before(text: str, i: int) -> bool:
    """Whether the text just before `i` ends an emoji element: a pictograph, optionally with
    VS16, a skin-tone modifier or a tag sequence after it."""
    j = i - 1
    while j >= 0 and (ord(text[j]) == VS16 or _is(_EMOJI_MOD, text, j)
                      or 0xE0020 <= ord(text[j]) <= 0xE007F):
        j -= 1
        if i - j > 10:
            return False
    return _is(_EXTPICT, text, j) or (j < i - 1 and ord(text[j]) == VS16)


def _in_flag_tag_sequence(text: str, i: int) -> bool:
    """Tag character at `i` inside U+1F3F4 + 2-6 tags [0-9a-z] + CANCEL TAG."""
    j = i
    while j > 0 and 0xE0000 <= ord(text[j - 1]) <= 0xE007F and i - j < 8:
        j -= 1
    if j == 0 or text[j - 1] != BLACK_FLAG:
        return False
    return _TAG_FLAG_BODY.match(text, j) is not None and \
        i < _TAG_FLAG_BODY.match(text, j).end()


def _joiner_in_word(text: str, i: int) -> bool:
    """ZWNJ/ZWJ after a letter or mark of a script whose orthography uses joiners, and before
    another letter or mark of such a script (or at the end of the word: chillu, half forms)."""
    j = i - 1
    if j >= 0 and ord(text[j]) == ZWJ and ord(text[i]) == ZWNJ:
        j -= 1  # ZWJ + ZWNJ: an old-style Malayalam chillu followed by a non-joining break
    if not _is(_JOINER_SCRIPT, text, j):
        return False
    if i + 1 >= len(text):
        return True
    nxt = text[i + 1]
    if ord(nxt) == ZWNJ and ord(text[i]) == ZWJ and i + 2 < len(text) and _is(_JOINER_SCRIPT, text, i + 2):
        return True
    return _JOINER_SCRIPT.match(nxt) is not None or not (_LETTER_OR_MARK.match(nxt) or ord(nxt) in (ZWJ, ZWNJ))


def _rtl_near(text: str, i: int, reach: int = 200) -> bool:
    """A strong right-to-left letter on the same line, within `reach` characters."""
    lo = max(0, i - reach, text.rfind("\n", 0, i) + 1)
    nl = text.find("\n", i)
    hi = min(len(text), i + reach + 1, nl if nl >= 0 else len(text))
    return _RTL.search(text, lo, hi) is not None


def _is_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x180B <= cp <= 0x180F


def _single_selector(text: str, i: int) -> bool:
    """The selector at `i` is the only one after its base: no selector right before or after
    it (no registered sequence has two, a smuggled byte string has many)."""
    if i == 0 or _is_selector(ord(text[i - 1])):
        return False
    return i + 1 >= len(text) or not _is_selector(ord(text[i + 1]))


_SURROGATES: list = [None, False]  # the last text asked about, and whether it holds any


def _near_undecodable(text: str, i: int) -> bool:
    """Next to bytes that were not valid UTF-8 (kept as lone surrogates): a legacy encoding
    read as UTF-8 turns byte pairs into stray soft hyphens and joiners, not hidden marks."""
    if _SURROGATES[0] is not text:  # asked once per carrier: millions of times in a crafted file
        _SURROGATES[0], _SURROGATES[1] = text, _LONE_BYTE.search(text) is not None
    if not _SURROGATES[1]:
        return False
    return any(0xDC80 <= ord(c) <= 0xDCFF for c in text[max(0, i - 2):i + 3])


_LONE_BYTE = regex.compile("[\udc80-\udcff]")


def explained(text: str, i: int) -> bool:
    """Whether the carrier at `text[i]` is explained by its context (see module docstring)."""
    cp = ord(text[i])
    n = len(text)
    if _near_undecodable(text, i) and not _is_carrier_at(text, i - 1) and not _is_carrier_at(text, i + 1):
        return True  # a single one; a run next to a broken byte is still judged
    if cp == BOM:
        # at the start of the text, or of a line where files were concatenated
        return i == 0 or (text[i - 1] == "\n" and not _is_carrier_at(text, i + 1))
    if cp == ZWJ:
        if _emoji_element_end_before(text, i) and _is(_EXTPICT, text, i + 1):
            return True
        return _joiner_in_word(text, i)
    if cp == ZWNJ:
        return _joiner_in_word(text, i)
    if cp == ZWSP:
        # a line-break opportunity between words of a script written without spaces
        return _is(_NO_SPACE_SCRIPT, text, i - 1) and _is(_NO_SPACE_SCRIPT, text, i + 1)
    if cp in (VS15, VS16):
        lone = not (i > 0 and _is_selector(ord(text[i - 1]))) and not (i + 1 < n and _is_selector(ord(text[i + 1])))
        if lone and any(not c.isascii() and _EMOJI.match(c) for c in text[max(0, i - 3):i + 4] if c != text[i]):
            return True  # a presentation selector that slipped beside its emoji: one bit at most
        if not _single_selector(text, i):
            return False
        base = text[i - 1]
        if base in "0123456789#*":
            return i + 1 < n and text[i + 1] == KEYCAP
        return _EMOJI.match(base) is not None
    if 0xFE00 <= cp <= 0xFE0D:
        return _single_selector(text, i) and _STD_VARIANT_BASE.match(text[i - 1]) is not None
    if 0xE0100 <= cp <= 0xE01EF:
        return _single_selector(text, i) and _HAN.match(text[i - 1]) is not None
    if 0xE0000 <= cp <= 0xE007F:
        return _in_flag_tag_sequence(text, i)
    if cp in BIDI_MARKS:
        return _rtl_near(text, i)
    if 0x0600 <= cp <= 0x0605 or cp in (0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD):
        return _is(_DIGIT, text, i + 1)
    if cp == 0x06DD:
        return _is(_DIGIT, text, i + 1) or _is(_ARABIC, text, i - 1)
    if cp == 0x070F:
        return _is(_SYRIAC, text, i - 1) or _is(_SYRIAC, text, i + 1)
    if cp == 0x00AD:
        return (_is(_LETTER, text, i - 1) and _is(_LETTER, text, i + 1))
    if cp == 0x034F:  # the grapheme joiner sits before combining marks to order them
        return _is(_MARK, text, i + 1)
    if cp == 0x115F:  # Hangul choseong filler before a medial vowel
        return i + 1 < n and (0x1160 <= ord(text[i + 1]) <= 0x11A7 or 0xD7B0 <= ord(text[i + 1]) <= 0xD7C6)
    if cp == 0x1160:  # Hangul jungseong filler after a leading consonant
        return i > 0 and (0x1100 <= ord(text[i - 1]) <= 0x115F or 0xA960 <= ord(text[i - 1]) <= 0xA97C)
    if cp in (0x17B4, 0x17B5):
        return _is(_KHMER, text, i - 1)
    if 0x180B <= cp <= 0x180F and cp != 0x180E:
        return _single_selector(text, i) and _is(_MONGOLIAN, text, i - 1)
    if cp == 0x180E:
        return _is(_MONGOLIAN, text, i - 1) and _is(_MONGOLIAN, text, i + 1)
    if cp == 0x2800:
        lo, hi = max(0, i - 80), min(n, i + 81)
        return any(0x2801 <= ord(c) <= 0x28FF for c in text[lo:hi])
    if 0x13430 <= cp <= 0x1345F:
        return _is(_HIERO, text, i - 1) or _is(_HIERO, text, i + 1)
    if 0x1BCA0 <= cp <= 0x1BCA3:
        return _is(_DUPLOYAN, text, i - 1) or _is(_DUPLOYAN, text, i + 1)
    if 0x1D173 <= cp <= 0x1D17A:
        return (i > 0 and 0x1D100 <= ord(text[i - 1]) <= 0x1D1FF and ord(text[i - 1]) != 0x1D17A) or \
            (i + 1 < n and 0x1D100 <= ord(text[i + 1]) <= 0x1D172)
    return False


# Planes that hold carriers in the pinned data (0, 1 and 14; tests/test_hidden_unicode.py checks
# this against the whole code space), enumerated once to build a fast `re` class.
CARRIER_PLANES = ((0x0000, 0x1FFFF), (0xE0000, 0xE0FFF))


@functools.lru_cache(maxsize=1)
def carrier_codepoints() -> tuple[int, ...]:
    """Every carrier code point.  Enumerating the planes costs ~0.1 s, too much for a
    one-file pre-commit scan, so `unicode_tables.py` keeps the result, generated from the same
    properties (`python -m artefact_scan.charpolicy`); it is used only when it was generated
    from the Unicode version the installed `regex` has (a test checks the two agree)."""
    try:
        from . import unicode_tables

        if unicode_tables.UNICODE_VERSION == unicode_version():
            return tuple(c for lo, hi in unicode_tables.CARRIER_RANGES for c in range(lo, hi + 1))
    except ImportError:  # pragma: no cover - the table ships with the package
        pass
    return enumerate_carriers()


def enumerate_carriers() -> tuple[int, ...]:
    chars = "".join(chr(c) for lo, hi in CARRIER_PLANES for c in range(lo, hi + 1)
                    if not 0xD800 <= c <= 0xDFFF)
    return tuple(ord(m.group()) for m in CARRIER.finditer(chars))


def _ranges(cps) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for c in sorted(cps):
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def generate_tables() -> str:
    """The source of `unicode_tables.py` for the installed `regex` module's Unicode data."""
    rows = ",\n".join(f"    (0x{lo:05X}, 0x{hi:05X})" for lo, hi in _ranges(enumerate_carriers()))
    return ('"""Generated by `python -m artefact_scan.charpolicy` from the Unicode properties in\n'
            '`charpolicy.CARRIER_CLASS`; do not edit.  The carrier code points as ranges."""\n\n'
            f'UNICODE_VERSION = "{unicode_version()}"\n\n'
            f"CARRIER_RANGES = (\n{rows},\n)\n")


def _class_of(cps) -> str:
    out, i, cps = [], 0, sorted(cps)
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = cps[i], cps[j]
        esc = (lambda c: f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}")
        out.append(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}")
        i = j + 1
    return "[" + "".join(out) + "]"


@functools.lru_cache(maxsize=1)
def fast_carrier_run():
    """The carrier class as a `re` pattern of code-point ranges: the `regex` module checks
    Unicode properties character by character, several times slower on long non-ASCII text."""
    import re

    return re.compile(_class_of(carrier_codepoints()) + "+")


_ASCII_BYTES = bytes(range(128))


@functools.lru_cache(maxsize=1)
def _utf8_gate():
    return utf8_gate(carrier_codepoints())


def utf8_gate(cps):
    """A bytes pattern matching the UTF-8 form of any of the code points `cps`, grouped by
    their leading bytes; search it with `contains_any`."""
    import re

    groups: dict[bytes, list[int]] = {}
    for c in cps:
        b = chr(c).encode("utf-8")
        groups.setdefault(b[:-1], []).append(b[-1])
    alts = []
    for prefix, lasts in groups.items():
        lasts.sort()
        parts, i = [], 0
        while i < len(lasts):
            j = i
            while j + 1 < len(lasts) and lasts[j + 1] == lasts[j] + 1:
                j += 1
            lo, hi = re.escape(bytes([lasts[i]])), re.escape(bytes([lasts[j]]))
            parts.append(lo if i == j else lo + b"-" + hi)
            i = j + 1
        alts.append(re.escape(prefix) + b"[" + b"".join(parts) + b"]")
    return _Gate(re.compile(b"|".join(alts)), frozenset(cps))


class _Gate:
    __slots__ = ("pattern", "chars")

    def __init__(self, pattern, cps):
        self.pattern = pattern
        self.chars = frozenset(chr(c) for c in cps)

    def search(self, data: bytes):
        return self.pattern.search(data)


SHORT = 256  # texts up to this length are checked character by character


def contains_any(text: str, gate) -> bool:
    """Whether `text` holds a code point of `gate` (from `utf8_gate`), at near memory speed:
    the UTF-8 bytes without their ASCII bytes (multi-byte sequences stay whole) are few, and
    only they are searched.  Python's `re` and `regex` scan long non-ASCII text far slower;
    a short text (an extracted string) is cheaper to check as a set."""
    if text.isascii():
        return False
    if len(text) <= SHORT:
        return not gate.chars.isdisjoint(text)
    return gate.pattern.search(_non_ascii_bytes(text)) is not None


_LAST: list = [None, b""]  # the last text and its non-ASCII bytes: several gates ask in a row


def _non_ascii_bytes(text: str) -> bytes:
    if _LAST[0] is not text:
        _LAST[0], _LAST[1] = text, text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return _LAST[1]


def has_carrier(text: str) -> bool:
    return contains_any(text, _utf8_gate())


def unexplained(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the carriers in `text[start:end]` that context does not explain; bidi
    reordering controls are left to the bidi checks (they reorder text, they carry no bits)."""
    if not has_carrier(text):
        return []
    out = []
    for m in fast_carrier_run().finditer(text, start, len(text) if end is None else end):
        for i in range(m.start(), m.end()):
            cp = ord(text[i])
            if cp in REORDERING:
                continue
            if not explained(text, i):
                out.append(i)
    return out


def unexplained_runs(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """`unexplained` as (start, end) runs of adjacent offsets, one at a time: a file of
    millions of zero-width characters is one pair here, not a list of millions of offsets."""
    if not has_carrier(text):
        return
    s = e = -1
    for m in fast_carrier_run().finditer(text, start, len(text) if end is None else end):
        for i in range(m.start(), m.end()):
            if ord(text[i]) in REORDERING or explained(text, i):
                continue
            if i == e:
                e = i + 1
                continue
            if e >= 0:
                yield s, e
            s, e = i, i + 1
    if e >= 0:
        yield s, e


def is_carrier(ch: str) -> bool:
    return CARRIER.match(ch) is not None


def _is_carrier_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and CARRIER.match(text, i) is not None


if __name__ == "__main__":  # regenerate the table: python -m artefact_scan.charpolicy
    import pathlib

    pathlib.Path(__file__).with_name("unicode_tables.py").write_text(generate_tables(), encoding="utf-8")
