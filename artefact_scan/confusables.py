"""Letters of other scripts that look like Latin letters, and the skeleton that equates them.

UTS #39 defines the skeleton of a string as its NFD form with every character replaced by its
prototype from `confusables.txt`.  That file is large and not shipped with Python; the cases
that matter for Trojan Source and homoglyph steganography are few: Cyrillic, Greek, Armenian
and Cherokee letters whose glyph is the glyph of a basic Latin letter (entries of
`confusables.txt` whose prototype is one ASCII letter; Greek small letters other than omicron
are left out because they are distinct enough and common beside Latin in science), and
compatibility forms (full-width,
mathematical, circled letters) that NFKC folds to ASCII.  So the skeleton here is NFKC, then
the small table below; tests check that every entry differs from its Latin twin only in script.

Scripts come from the `regex` module's Script property (the same Unicode version as
`charpolicy`).
"""
from __future__ import annotations

import functools
import unicodedata

import regex
from .lazyregex import lazy

# look-alike -> Latin letter (written as escapes: this file shows what it matches)
LOOKALIKES: dict[str, str] = {
    # Cyrillic lower case
    "\u0430": "a", "\u0441": "c", "\u0501": "d", "\u0435": "e", "\u04bb": "h", "\u0456": "i",
    "\u0458": "j", "\u04cf": "l", "\u043e": "o", "\u0440": "p", "\u051b": "q", "\u0455": "s",
    "\u051d": "w", "\u0445": "x", "\u0443": "y", "\u0475": "v",
    # Cyrillic upper case
    "\u0410": "A", "\u0412": "B", "\u0421": "C", "\u0415": "E", "\u041d": "H", "\u0406": "I",
    "\u0408": "J", "\u041a": "K", "\u041c": "M", "\u041e": "O", "\u0420": "P", "\u0405": "S",
    "\u0422": "T", "\u0425": "X", "\u04ae": "Y", "\u0423": "Y", "\u0500": "D",
    "\u051c": "W", "\u050c": "G", "\u04c0": "I",
    # Greek lower case: only omicron is drawn exactly like its Latin twin; alpha, rho, nu…
    # are close but distinct, and science writes them beside Latin letters (ρ_air, νmax)
    "\u03bf": "o",
    # Greek upper case
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I",
    "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T",
    "\u03a5": "Y", "\u03a7": "X",
    # Armenian
    "\u0585": "o", "\u057d": "u", "\u0570": "h", "\u0578": "n", "\u0566": "q", "\u0581": "g",
    "\u0575": "j", "\u054f": "S", "\u0555": "O",
    # Cherokee
    "\u13a0": "D", "\u13a1": "R", "\u13a2": "T", "\u13a9": "Y", "\u13aa": "A", "\u13ab": "J",
    "\u13ac": "E", "\u13b3": "W", "\u13b7": "M", "\u13bb": "H", "\u13c0": "G", "\u13c3": "Z",
    "\u13cf": "b", "\u13d2": "R", "\u13da": "S", "\u13de": "L", "\u13df": "C", "\u13e2": "P",
    "\u13e6": "K",
}
# Latin letters that have a look-alike: the positions a homoglyph code can use
CAPABLE = frozenset(LOOKALIKES.values())

LOOKALIKE_CLASS = "[" + "".join(LOOKALIKES) + "]"
# compatibility letters that NFKC folds to ASCII (full-width, mathematical, enclosed)
COMPAT_CLASS = "[\uff21-\uff3a\uff41-\uff5a\U0001d400-\U0001d7ff\u24b6-\u24e9\U0001f130-\U0001f189]"

_SCRIPTS = ("Latin", "Cyrillic", "Greek", "Armenian", "Cherokee")
_SCRIPT_RE = {s: regex.compile(f"\\p{{Script={s}}}") for s in _SCRIPTS}


@functools.lru_cache(maxsize=4096)
def script(ch: str) -> str:
    """"Latin", "Cyrillic", "Greek", "Armenian", "Cherokee", "Common" (digits, _, punctuation)
    or "Other"."""
    if ch.isascii():
        return "Latin" if ch.isalpha() else "Common"
    for name, pat in _SCRIPT_RE.items():
        if pat.match(ch):
            return name
    return "Other" if ch.isalpha() else "Common"


def skeleton(s: str) -> str:
    """NFKC, then every look-alike replaced by its Latin letter."""
    return "".join(LOOKALIKES.get(c, c) for c in unicodedata.normalize("NFKC", s))


def mixed_lookalikes(token: str) -> list[str]:
    """The look-alike letters of a token that mixes them with Latin letters (the whole-token
    rule: a word written in one script is never reported here)."""
    scripts = {script(c) for c in token}
    if "Latin" not in scripts or not scripts & {"Cyrillic", "Greek", "Armenian", "Cherokee"}:
        return []
    return [c for c in token if c in LOOKALIKES]


_SHAPED = lazy(r"[A-Z]?[a-z]+|[A-Z]+")


def disguised_word(word: str) -> list[str]:
    """The look-alikes of a prose word that poses as a Latin word: it mixes them with at least
    as many basic Latin letters, has no other letters of their scripts (a Cyrillic word with a
    stray Latin letter is a typing slip, not a disguise), and its skeleton is shaped like a
    word (not a list of letters such as "yYaA")."""
    mixed = mixed_lookalikes(word)
    if not mixed or len(word) < 3:
        return []
    plain = sum(1 for c in word if c.isascii() and c.isalpha())
    others = [c for c in word if not c.isascii() and c.isalpha() and c not in LOOKALIKES
              and script(c) != "Latin"]
    if others or plain < len(mixed):
        return []
    return mixed if _SHAPED.fullmatch(skeleton(word)) else []


def describe(chars) -> str:
    """`а (U+0430 CYRILLIC SMALL LETTER A) for a` for the first few look-alikes."""
    out = []
    for c in list(dict.fromkeys(chars))[:3]:
        try:
            name = unicodedata.name(c)
        except ValueError:
            name = "?"
        out.append(f"U+{ord(c):04X} {name} for '{LOOKALIKES.get(c, unicodedata.normalize('NFKC', c))}'")
    return ", ".join(out)
