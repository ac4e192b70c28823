"""Cheap gates shared by the legal detectors, and the text view they read.

HTML is read through a view of the same length and lines with the markup blanked out (tags
become spaces), so that "Robert Miles<br>Notary Public" reads as a name before a title and
every offset still points into the file.

Each literal test is a full scan of the artefact's lower-cased text, so detectors that share a
literal ("hereby", "court") must not pay for it twice: the answers are memoised per artefact.
Legal markers are read in prose kinds only (text, Markdown, HTML, e-mail, and the text children
of documents and code fences marked as text); code and data files are not legal instruments.
"""
from __future__ import annotations

import re
from ..lazyregex import lazy_re
from ..model import lower_text

PROSE_KINDS = frozenset({"text", "markdown", "html", "eml"})


class View:
    """What the legal detectors read: the text (HTML with its markup blanked where a detector
    looks), lower-cased and split into lines on demand."""

    __slots__ = ("text", "_lower", "_starts", "_art", "html", "revealed")

    def __init__(self, text: str, art=None, html: bool = False):
        self.text, self._lower, self._starts, self._art = text, None, None, art
        self.html, self.revealed = html, []

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self._art.lower if self._art is not None else lower_text(self.text)
        return self._lower

    @property
    def starts(self) -> list[int]:
        if callable(self._starts):
            self._starts = self._starts()
        if self._starts is None:
            if self._art is not None:
                self._starts = self._art.index.starts
            else:
                from .blocks import line_starts

                self._starts = line_starts(self.text)
        return self._starts

    def reveal(self, raw: str, spans: list[tuple[int, int]], margin: int = 1500) -> None:
        """Blank the HTML markup in (and around) `spans`; markup elsewhere stays as written,
        since only these regions are read (a large page is not converted as a whole)."""
        todo: list[list[int]] = []
        for s, e in spans:
            s = raw.rfind("\n", 0, max(0, s - margin)) + 1
            e2 = raw.find("\n", min(len(raw), e + margin))
            e = len(raw) if e2 < 0 else e2
            if any(rs <= s and e <= re_ for rs, re_ in self.revealed):
                continue
            if todo and s <= todo[-1][1]:
                todo[-1][1] = max(todo[-1][1], e)
            else:
                todo.append([s, e])
        if not todo:
            return
        parts, pos = [], 0
        for s, e in todo:
            parts.append(self.text[pos:s])
            parts.append(html_text(raw[s:e]))
            pos = e
        parts.append(self.text[pos:])
        self.text = "".join(parts)
        self._lower = None
        merged = sorted(self.revealed + [(s, e) for s, e in todo])
        self.revealed = []
        for s, e in merged:
            if self.revealed and s <= self.revealed[-1][1]:
                self.revealed[-1] = (self.revealed[-1][0], max(self.revealed[-1][1], e))
            else:
                self.revealed.append((s, e))


_SCRIPT = lazy_re(r"(?is)<(script|style)\b.*?</\1\s*>")
# tags on one line; they become spaces, so the view keeps the file's lines exactly
_TAGS = lazy_re(r"(<[A-Za-z/!][^<>\n]{0,2000}>)")
_ENTITY = {"&nbsp;": " ", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&apos;": "'", "&lt;": "<",
           "&gt;": ">", "&sect;": "\u00a7", "&#160;": " "}
_EMPHASIS = lazy_re(r"(?<![*\w])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![*\w])|(?<![_\w])__(?=[^\s_])|(?<=[^\s_])__(?![_\w])")


def html_text(html: str) -> str:
    """HTML with its markup blanked, character for character and line for line (tags become
    spaces, common entities their character padded with spaces)."""
    low = html.lower()
    if "<script" in low or "<style" in low:
        html = _SCRIPT.sub(lambda m: "".join("\n" if c == "\n" else " " for c in m.group()), html)
    parts = _TAGS.split(html)  # text, tag, text, …
    parts[1::2] = [" " * len(t) for t in parts[1::2]]
    text = "".join(parts)
    if "&" in text:
        for ent, ch in _ENTITY.items():
            if ent in text:
                text = text.replace(ent, ch + " " * (len(ent) - 1))
    return text


def view(art) -> View:
    """The text the legal detectors read (memoised per artefact).  Built only by detectors
    whose cheap gates passed: gates read the text as written."""
    v = art.meta.get("_lf_view")
    if v is None:
        if art.kind == "html" and "<" in art.text:
            v = View(art.text, html=True)  # markup blanked region by region (`windows`)
            v._starts = lambda: art.index.starts  # blanking keeps every line where it is
        elif art.kind == "markdown" and ("*" in art.text or "__" in art.text):
            # emphasis markers around words read as nothing ("**SWORN TO** before me");
            # runs of three or more underscores stay: they are blanks
            t = _EMPHASIS.sub(lambda m: " " * len(m.group()), art.text)
            v = View(t)
            v._starts = lambda: art.index.starts  # same lines
        else:
            v = View(art.text, art)
        art.meta["_lf_view"] = v
    return v


# literal -> the other literals asked for so far that occur inside it: one of those known to be
# absent makes it absent without a scan ("by the court" when "court" is absent)
_INSIDE: dict[str, tuple[str, ...]] = {}


def _inside(lit: str) -> tuple[str, ...]:
    subs = _INSIDE.get(lit)
    if subs is None:
        subs = tuple(k for k in _INSIDE if k in lit)
        for k, v in _INSIDE.items():
            if lit in k:
                _INSIDE[k] = v + (lit,)
        _INSIDE[lit] = subs
    return subs


def has(art, *literals: str) -> bool:
    """Whether any of the lower-case `literals` occurs in the artefact (memoised)."""
    memo = art.meta.get("_lf_literals")
    if memo is None:
        memo = art.meta["_lf_literals"] = {}
    for lit in literals:
        hit = memo.get(lit)
        if hit is None:
            # a literal that contains one known to be absent is absent ("by the court", "court")
            for k in _inside(lit):
                if memo.get(k) is False:
                    hit = False
                    break
            else:
                hit = lit in art.lower
            memo[lit] = hit
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
            hit = memo[lit] = lit in art.text
        if hit:
            return True
    return False


def word_exact(art, *words: str) -> bool:
    """Whether one of `words` occurs as a whole word, case-sensitive ("DEA", not "IDEA")."""
    text = art.text
    for w in words:
        if not has_exact(art, w):
            continue
        for n, m in enumerate(re.finditer(re.escape(w) + r"\b", text)):
            i = m.start()
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
                return True
            if n > 10000:
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
    low, text = art.lower, art.text
    hits = []
    for lit in literals:
        if not has(art, lit):
            continue
        pos = low.find(lit)
        n = 0
        while pos >= 0:
            if n >= limit:
                spans = [(0, len(text))]  # too many to window: read everything rather than miss
                v = view(art)
                if v.html:
                    v.reveal(text, spans)
                return spans
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
    spans = [(s, e) for s, e in out]
    v = view(art)
    if v.html and spans:
        v.reveal(art.text, spans)
    return spans


_AI_WORD = lazy_re(r"AI\b")


def ai_context(art) -> bool:
    """Whether the artefact is about AI: a model's name, "AI" as a word, or AI vocabulary."""
    # "GPT" alone is also a partition table; the model names carry a dash or "Chat"
    if has_exact(art, "LLM", "GPT-", "ChatGPT", "Claude", "Gemini", "A.I.", "OpenAI", "Anthropic"):
        return True
    text = art.text
    for n, m in enumerate(_AI_WORD.finditer(text)):
        i = m.start()
        if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
            return True
        if n > 10000:
            break
    return has(art, "artificial intelligence", "language model", "chatbot", "weights", "retrain")
