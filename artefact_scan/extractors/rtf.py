"""RTF documents → the text a reader sees, the text the format hides, and the document info.

RTF is text, so an agent can write a "Word document" without any library; what Word shows is
not what the file says.  This reader walks the control words with a small group-state machine
(hidden `\\v`, colour `\\cf` against `\\highlight`/`\\cb`, size `\\fs`, `\\plain`, Unicode `\\u`
with its fallback, `\\'hh` bytes, fields, skipped destinations such as pictures and font
tables) and produces children whose every character maps back to its place in the file, so
findings land on the right line of the .rtf:

- the visible text (one paragraph per line);
- hidden text, one child per reason, with the fact `hidden`: `\\v` (hidden), text coloured like
  its background, text of 1 pt or less, field instructions;
- the `{\\info}` group (title, author, operator, company…) as document properties.

Every child carries `rtf` and `no-digital-signature` (RTF has no signature object).  A file the
reader cannot follow is reported, and its raw text is still given to the text rules.
"""
from __future__ import annotations

import re

from ..docmodel import declare
from ..lazyregex import lazy_re
from ..model import Segment
from . import extractor

declare("rtf")

MAX_DEPTH = 256
_TOKEN = lazy_re(r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([\r\n]+)|([^\\{}\r\n]+)",
                 re.S)
# Destinations whose text is never shown (their contents are skipped).
SKIP = {"fonttbl", "colortbl", "stylesheet", "pict", "object", "objdata", "listtable", "listoverridetable",
        "rsidtbl", "generator", "xmlnstbl", "themedata", "colorschememapping", "datastore",
        "latentstyles", "filetbl", "revtbl", "pgdsctbl", "bkmkstart", "bkmkend", "nonshppict",
        "shppict", "mmathPr", "wgrffmtfilter", "passwordhash", "fchars", "lchars", "blipuid"}
INFO = {"title": "title", "subject": "subject", "author": "author", "operator": "last-modified-by",
        "company": "company", "manager": "manager", "keywords": "keywords", "doccomm": "description",
        "category": "category", "comment": "comment", "hlinkbase": "hyperlink-base"}
BREAKS = {"par": "\n", "line": "\n", "sect": "\n", "page": "\n", "row": "\n", "tab": "\t",
          "cell": "\t", "emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022",
          "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c", "rdblquote": "\u201d",
          "emspace": " ", "enspace": " ", "qmspace": " "}
HIDDEN_LABELS = {"vanish": "\\v (hidden text)", "colour": "text coloured like its background",
                 "tiny": "font of 1 pt or less", "field-code": "field instructions",
                 "ignored": "destinations readers skip (\\*)"}


class _Out:
    """Text built character by character, remembering where each run came from."""

    def __init__(self):
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0
        self.last_end = -1

    def put(self, text: str, start: int, end: int, exact: bool) -> None:
        if not text:
            return
        if exact and self.segments and self.segments[-1].exact and start == self.last_end:
            pass  # continues the previous run
        else:
            self.segments.append(Segment(self.length, start, end, exact))
        self.parts.append(text)
        self.length += len(text)
        self.last_end = end if exact else -1

    @property
    def text(self) -> str:
        return "".join(self.parts)


class _State:
    __slots__ = ("hidden", "cf", "bg", "fs", "skip", "dest", "uc", "star")

    def __init__(self):
        self.hidden, self.cf, self.bg, self.fs, self.uc = False, 0, 0, 24, 1
        self.skip, self.dest, self.star = False, "", False

    def copy(self):
        s = _State()
        s.hidden, s.cf, s.bg, s.fs, s.uc = self.hidden, self.cf, self.bg, self.fs, self.uc
        s.skip, s.dest = self.skip, self.dest  # a group inside a destination stays in it
        return s


def _colours(text: str) -> list[tuple[int, int, int] | None]:
    """The colour table: index 0 is 'auto' (None)."""
    m = re.search(r"\{\\colortbl\s*(.*?)\}", text[:200000], re.S)
    if not m:
        return [None]
    entries = m.group(1).split(";")
    out: list[tuple[int, int, int] | None] = []
    for entry in entries[:-1] if len(entries) > 1 else entries:
        r = re.search(r"\\red(\d+)", entry)
        g = re.search(r"\\green(\d+)", entry)
        b = re.search(r"\\blue(\d+)", entry)
        out.append((int(r.group(1)), int(g.group(1)), int(b.group(1))) if r and g and b else None)
    return out or [None]


def _close(a, b) -> bool:
    return a is not None and b is not None and all(abs(x - y) <= 24 for x, y in zip(a, b))


def read(text: str):
    """(visible, hidden by reason, info lines) of an RTF document, each an `_Out`."""
    colours = _colours(text)
    visible = _Out()
    hidden: dict[str, _Out] = {}
    info: list[tuple[str, str, int, int]] = []  # (key, value, start, end)
    stack: list[_State] = []
    st = _State()
    skip_chars = 0  # fallback characters to skip after \uN
    high = 0  # a pending high surrogate of a \u pair
    info_val: list[str] = []
    info_start = 0
    for m in _TOKEN.finditer(text):
        word, num, hexb, sym, brace, eol, chars = m.groups()
        a, b = m.span()
        if brace == "{":
            if len(stack) >= MAX_DEPTH:
                raise ValueError(f"groups nested deeper than {MAX_DEPTH}")
            stack.append(st)
            st = st.copy()
            continue
        if brace == "}":
            if st.dest in INFO and (not stack or stack[-1].dest != st.dest):
                info.append((INFO[st.dest], "".join(info_val).strip(), info_start, b))
                info_val = []
            st = stack.pop() if stack else _State()
            continue
        if eol is not None:
            continue  # line ends in RTF source mean nothing
        out_text, exact = None, False
        if word is not None:
            if skip_chars:
                skip_chars = 0
            star, st.star = st.star, False
            if word in SKIP:
                st.skip = True
                continue
            if word == "info":
                st.dest = "info"
                continue
            if word in INFO and st.dest == "info":
                st.dest, info_val, info_start = word, [], a
                continue
            if word == "fldinst":
                st.dest = "fldinst"
                continue
            if star:
                st.dest = "ignored"  # a destination readers skip when they do not know it
                continue
            if word == "v":
                st.hidden = num != "0"
            elif word == "plain":
                st.hidden, st.cf, st.bg, st.fs = False, 0, 0, 24
            elif word == "cf":
                st.cf = int(num or 0)
            elif word in ("highlight", "cb", "chcbpat"):
                st.bg = int(num or 0)
            elif word == "fs":
                st.fs = int(num or 24)
            elif word == "uc":
                st.uc = max(0, min(int(num or 1), 8))
            elif word == "u":
                cp = int(num or 0)
                if cp < 0:
                    cp += 65536
                skip_chars = st.uc
                if 0xD800 <= cp <= 0xDBFF:  # characters past U+FFFF come as surrogate pairs
                    high = cp
                    continue
                if 0xDC00 <= cp <= 0xDFFF and high:
                    cp = 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00)
                high = 0
                out_text = chr(cp) if 0 < cp < 0x110000 and (cp >= 32 or cp in (9, 10)) else ""
            elif word in BREAKS:
                out_text = BREAKS[word]
            else:
                continue
        elif hexb is not None:
            if skip_chars:
                skip_chars -= 1
                continue
            byte = int(hexb, 16)
            if byte < 32 and byte not in (9, 10):
                continue  # a control byte is no text
            out_text = bytes([byte]).decode("cp1252", "replace")
        elif sym is not None:
            if sym == "*":
                st.star = True
                continue
            out_text = {"~": "\u00a0", "-": "", "_": "-", "\\": "\\", "{": "{", "}": "}"}.get(sym)
            if out_text is None:
                continue
        elif chars is not None:
            if skip_chars:
                drop = min(skip_chars, len(chars))
                skip_chars -= drop
                chars = chars[drop:]
                a += drop
            out_text, exact = chars, True
        if not out_text or st.skip or st.dest == "info":
            continue
        if st.dest in INFO:
            info_val.append(out_text)
            continue
        reason = None
        if st.dest == "fldinst":
            reason = "field-code"
        elif st.dest == "ignored":
            reason = "ignored"
        elif st.hidden:
            reason = "vanish"
        elif st.fs <= 2:
            reason = "tiny"
        elif st.cf:
            fg = colours[st.cf] if st.cf < len(colours) else None
            bg = colours[st.bg] if 0 < st.bg < len(colours) else (255, 255, 255)
            if _close(fg, bg):
                reason = "colour"
        target = visible if reason is None else hidden.setdefault(reason, _Out())
        target.put(out_text, a, a + len(out_text) if exact else b, exact)
    return visible, hidden, info


def _child(ctx, art, out: _Out, label: str, facts, meta=None):
    text = out.text
    if not text.strip():
        return None
    return ctx.child(art, text, label=label, kind="text", name=art.name + ".txt",
                     segments=out.segments, facts=facts, meta=meta or {})


@extractor("rtf", kinds={"rtf"})
def extract_rtf(art, ctx):
    facts = {"rtf", "no-digital-signature"}
    try:
        visible, hidden, info = read(art.text)
    except (ValueError, IndexError, RecursionError) as e:
        ctx.error(art, f"RTF could not be followed ({e}); its raw text is analysed instead")
        child = ctx.child(art, art.text, label="raw RTF text", kind="text", name=art.name + ".txt",
                          segments=[Segment(0, 0, len(art.text), True)], facts=facts)
        if child is not None:
            yield child
        return
    child = _child(ctx, art, visible, "RTF text", facts)
    if child is not None:
        yield child
    for reason, out in hidden.items():
        child = _child(ctx, art, out, f"RTF hidden text: {HIDDEN_LABELS[reason]}", facts | {"hidden"},
                       {"hidden_reason": "vanish" if reason == "vanish" else reason,
                        "hidden_label": HIDDEN_LABELS[reason]})
        if child is not None:
            yield child
    if info:
        props = _Out()
        for key, value, start, end in info:
            if value:
                props.put(f"{key}: {value}\n", start, end, False)
        child = _child(ctx, art, props, "document properties (RTF info)",
                       facts | {"document-properties", "hidden"},
                       {"hidden_reason": "properties", "hidden_label": "document properties"})
        if child is not None:
            yield child
