"""How much a decoded candidate reads as text: the judge that picks among decodings.

Decoders of hidden channels try many interpretations (bit orders, alphabets, mappings, layers of
base64) and keep the one that reads best.  `score` returns 0..1 from cheap features: printable
share, letters and spaces, word shapes, and common words of English prose and of code (so an
encoded script scores as well as an encoded note).  Scripts without spaces (CJK) are judged on
letters.  It is a heuristic: thresholds live with the callers.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]{2,}")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
COMMON = frozenset("""
the be to of and a in that have i it for not on with he as you do at this but his by from they we
say her she or an will my one all would there their what so up out if about who get which go me
when make can like time no just him know take people into year your good some could them see
other than then now look only come its over think also back after use two how our work first well
way even new want because any these give day most us is are was were has had been am do does did
next run runs session instance model future self note notes plan continue copy keep tell user
users operator operators developers remember later read file files hidden secret please must
should don't do not never always here
import def return class from print self none true false function var let const require module
exports if else elif for while try except open write read os sys subprocess echo then fi done
http https www com org
""".split())


def score(text: str) -> float:
    """0..1: how much `text` reads as prose or code rather than noise."""
    if not text:
        return 0.0
    sample = text[:4000]
    n = len(sample)
    printable = sum(1 for c in sample if c.isprintable() or c in "\t\n\r") / n
    bad = sum(1 for c in sample if c == "\ufffd" or 0xD800 <= ord(c) <= 0xDFFF) / n
    printable = max(0.0, printable - bad)
    if printable < 0.85:
        return round(0.3 * printable, 3)
    letters = sum(1 for c in sample if c.isalpha()) / n
    spaces = (sample.count(" ") + sample.count("\n")) / n
    non_ascii_letters = sum(1 for c in sample if c.isalpha() and not c.isascii()) / n
    words = _WORD.findall(sample)
    ascii_letters = letters - non_ascii_letters
    if non_ascii_letters > 0.4 and (not words or non_ascii_letters >= 4 * ascii_letters):
        # a script without ASCII words (CJK, Cyrillic, Arabic…), a file name or two aside
        # ("status.json" in a Russian note): letters are the evidence
        return round(0.35 * printable + 0.45 * min(1.0, letters / 0.6) + 0.2 * min(1.0, spaces / 0.1), 3)
    nw = max(1, len(words))
    vowel_words = sum(1 for w in words if _VOWEL.search(w) and len(w) <= 20) / nw
    common = sum(1 for w in words if w.lower() in COMMON) / nw
    s = (0.25 * printable + 0.15 * min(1.0, letters / 0.55) + 0.15 * min(1.0, spaces / 0.12)
         + 0.10 * vowel_words + 0.35 * min(1.0, common / 0.2))
    if n >= 20 and spaces < 0.02:
        s *= 0.5  # one long token: an identifier, a hash, more encoding — not a message
    if n < 6:
        s *= n / 6
    return round(min(1.0, s), 3)


def reads_as_text(text: str, threshold: float = 0.6) -> bool:
    return score(text) >= threshold
