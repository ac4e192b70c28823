"""Cheap gates shared by the legal detectors, and the text view they read.

HTML is read through a view of the same length with the markup blanked out (tags become
spaces, block-level tags a line break), so that "Robert Miles<br>Notary Public" reads as two
lines and every offset still points into the file.

Each literal test is a full scan of the artefact's lower-cased text, so detectors that share a
literal ("hereby", "court") must not pay for it twice: the answers are memoised per artefact.
Legal markers are read in prose kinds only (text, Markdown, HTML, e-mail, and the text children
of documents and code fences marked as text); code and data files are not legal instruments.
"""
from __future__ import annotations

import re

PROSE_KINDS = frozenset({"text", "markdown", "html", "eml"})


class View:
    __slots__ = ("text", "lower", "starts")

    def __init__(self, text: str, lower: str, starts: list[int]):
        self.text, self.lower, self.starts = text, lower, starts


_BLOCK_TAG = re.compile(r"(?i)<(?:br|/?p|/?div|/?tr|/?li|/?h[1-6]|/?table|/?blockquote|/?pre|hr)\b[^>]{0,500}>")
_TAG = re.compile(r"<[A-Za-z/!][^<>]{0,2000}>")
_SCRIPT = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")
_ENTITY = {"&nbsp;": " ", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&apos;": "'", "&lt;": "<",
           "&gt;": ">", "&sect;": "\u00a7", "&#160;": " "}
_EMPHASIS = re.compile(r"(?<![*\w])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![*\w])|(?<![_\w])__(?=[^\s_])|(?<=[^\s_])__(?![_\w])")
_ENT = re.compile("|".join(map(re.escape, _ENTITY)))


def _blank(m, first: str = " ") -> str:
    g = m.group()
    return first + "".join("\n" if c == "\n" else " " for c in g[1:])


def view(art) -> View:
    """The text the legal detectors read (memoised per artefact)."""
    v = art.meta.get("_lf_view")
    if v is None:
        if art.kind == "html" and "<" in art.text:
            t = _SCRIPT.sub(_blank, art.text)
            t = _BLOCK_TAG.sub(lambda m: _blank(m, "\n"), t)
            t = _TAG.sub(_blank, t)
            t = _ENT.sub(lambda m: _ENTITY[m.group()] + " " * (len(m.group()) - 1), t)
            from .blocks import line_starts

            v = View(t, t.lower(), line_starts(t))
        elif art.kind == "markdown" and ("*" in art.text or "__" in art.text):
            # emphasis markers around words read as nothing ("**SWORN TO** before me");
            # runs of three or more underscores stay: they are blanks
            t = _EMPHASIS.sub(lambda m: " " * len(m.group()), art.text)
            v = View(t, t.lower(), art.index.starts)
        else:
            v = View(art.text, art.lower, art.index.starts)
        art.meta["_lf_view"] = v
    return v


def has(art, *literals: str) -> bool:
    """Whether any of the lower-case `literals` occurs in the artefact (memoised)."""
    memo = art.meta.get("_lf_literals")
    if memo is None:
        memo = art.meta["_lf_literals"] = {}
    low = None
    for lit in literals:
        hit = memo.get(lit)
        if hit is None:
            if low is None:
                low = view(art).lower
            hit = memo[lit] = lit in low
        if hit:
            return True
    return False


def has_exact(art, *literals: str) -> bool:
    """Like `has`, case-sensitive, on the text as written."""
    memo = art.meta.get("_lf_exact")
    if memo is None:
        memo = art.meta["_lf_exact"] = {}
    for lit in literals:
        hit = memo.get(lit)
        if hit is None:
            hit = memo[lit] = lit in view(art).text
        if hit:
            return True
    return False


def near(art, anchor: str, others: tuple[str, ...], before: int = 160, after: int = 40,
         limit: int = 2000) -> bool:
    """Whether one of `others` occurs within a window around some occurrence of `anchor`
    (all lower-case); bounded in the number of occurrences inspected."""
    if not has(art, anchor):
        return False
    low = view(art).lower
    pos = low.find(anchor)
    n = 0
    while pos >= 0 and n < limit:
        win = low[max(0, pos - before):pos + len(anchor) + after]
        if any(o in win for o in others):
            return True
        pos = low.find(anchor, pos + 1)
        n += 1
    return False


def windows(art, literals: tuple[str, ...], before: int, after: int,
            limit: int = 5000) -> list[tuple[int, int]]:
    """Merged spans of whole lines around each occurrence of the lower-case `literals`: the only
    places a family's patterns need to run (bounded in occurrences)."""
    v = view(art)
    low, text = v.lower, v.text
    hits = []
    for lit in literals:
        if not has(art, lit):
            continue
        pos = low.find(lit)
        n = 0
        while pos >= 0:
            if n >= limit:
                return [(0, len(text))]  # too many to window: read everything rather than miss
            hits.append(pos)
            pos = low.find(lit, pos + 1)
            n += 1
    hits.sort()
    out: list[list[int]] = []
    for pos in hits:
        s = text.rfind("\n", 0, max(0, pos - before)) + 1
        e = text.find("\n", min(len(text), pos + after))
        e = len(text) if e < 0 else e
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


_AI_WORD = re.compile(r"AI\b")


def ai_context(art) -> bool:
    """Whether the artefact is about AI: a model's name, "AI" as a word, or AI vocabulary."""
    if has_exact(art, "LLM", "GPT", "Claude", "Gemini", "A.I."):
        return True
    text = view(art).text
    for n, m in enumerate(_AI_WORD.finditer(text)):
        i = m.start()
        if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
            return True
        if n > 10000:
            break
    return has(art, "artificial intelligence", "language model", "chatbot", "model weights",
               "neural network", "machine learning", "retrain", "fine-tun", "checkpoint", "system prompt")
