"""Hidden places of HTML, Markdown and JSON → child artefacts with the fact `hidden`.

What a reader of the rendered page does not see but a model reading the source does:
HTML comments; elements hidden by the `hidden` attribute, `<template>`, inline CSS
(`display:none`, `visibility:hidden`, `opacity:0`, `font-size:0`, text coloured like its
background or transparent, off-screen positions) or by a class a `<style>` block of the page (or
a well-known utility class such as `d-none`) hides; hidden form inputs and `<meta>` contents;
long `alt` / `title` / `aria-label` attributes.  Markdown adds `[//]: # (…)` link-reference
comments and image alt texts, and its inline HTML is parsed after code spans and fences are
masked.  JSON files add `_comment`-style fields.  Inline `<script>` bodies become JavaScript
children (not hidden) so the code rules read them.

Each hidden piece becomes a child (`meta["place"]` names the place, e.g. "HTML comment") mapped
onto its characters in the file, so the note rules judge it for what it says; the hidden text
alone is never a finding.  Screen-reader text (`sr-only`, `visually-hidden`) is visible to the
people it is written for and is not treated as hidden; `aria-hidden` only hides from screen
readers.  Parsing uses the standard library's `html.parser`, never a regex across comments.
"""
from __future__ import annotations

import re

from ..model import Segment
from . import extractor

MAX_PIECES = 400  # hidden pieces with a child of their own per file; the rest share one child
MIN_ATTR_CHARS = 24  # shorter alt/title texts cannot hold a note worth reading
MAX_JSON_BYTES = 4 * 1024 * 1024

_SR_ONLY = frozenset({"sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
                      "screen-reader-only", "sr-only-focusable", "a11y-hidden", "assistive-text",
                      "u-visually-hidden", "element-invisible", "offscreen-for-screenreaders"})
_HIDDEN_CLASSES = frozenset({"d-none", "hidden", "hide", "is-hidden", "invisible", "display-none",
                             "u-hidden", "visually-none"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "keygen", "command", "basefont", "frame"})
_CLOSES_P = frozenset({"address", "article", "aside", "blockquote", "details", "div", "dl",
                       "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                       "h4", "h5", "h6", "header", "hr", "main", "menu", "nav", "ol", "p", "pre",
                       "section", "table", "ul"})
_SELF_CLOSING_SIBLINGS = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"},
                          "option": {"option"}, "tr": {"tr"}, "td": {"td", "th"}, "th": {"td", "th"}}
_ATTRS = ("alt", "title", "aria-label", "aria-description", "placeholder")
_JS_TYPES = ("", "text/javascript", "application/javascript", "module", "text/ecmascript",
             "application/ecmascript")

_DECL = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]+)")
_ZERO = re.compile(r"^\s*(?:0|0?\.0+|0+)(?:px|pt|em|rem|%|vh|vw|ex|ch)?\s*(?:!important)?\s*$")
_NEG_FAR = re.compile(r"^\s*-\s*(\d{3,})(?:\.\d+)?(?:px|pt|em|rem)?\s*(?:!important)?\s*$")
_WHITE = re.compile(r"^\s*(?:#fff(?:fff)?|white|rgba?\(\s*255\s*,\s*255\s*,\s*255\s*(?:,\s*1(?:\.0*)?\s*)?\)|hsla?\(\s*0\s*,\s*0%\s*,\s*100%\s*(?:,\s*1\s*)?\))\s*(?:!important)?\s*$", re.I)
_TRANSPARENT = re.compile(r"^\s*(?:transparent|rgba\([^)]*,\s*0(?:\.0+)?\s*\)|hsla\([^)]*,\s*0(?:\.0+)?\s*\)|#[0-9a-f]{6}00|#[0-9a-f]{3}0)\s*(?:!important)?\s*$", re.I)
_STYLE_RULE = re.compile(r"([^{}]{1,300})\{([^{}]{0,2000})\}")
_SIMPLE_SEL = re.compile(r"^\s*(?:[a-zA-Z0-9]*)?([.#])([A-Za-z_][\w-]*)\s*$")
_MD_REF_COMMENT = re.compile(
    r"^[ ]{0,3}\[[^\]\n]{0,80}\]:[ \t]*(?:#|<>|//)[ \t]*(?:\((?P<a>[^\n]*)\)|\"(?P<b>[^\"\n]*)\"|'(?P<c>[^'\n]*)')[ \t]*$",
    re.M)
_MD_IMG_ALT = re.compile(r"!\[([^\]\n]{%d,500})\]\(" % MIN_ATTR_CHARS)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1)[\s\S]){0,2000}?\1")
_MANAGED = re.compile(
    r"^\s*(?:prettier-ignore(?:-start|-end)?|markdownlint-(?:disable|enable|capture|restore|configure-file)[\w-]*.*"
    r"|all-contributors[-\w:]*.*|(?:end\s*)?toc|/?toc|doctoc.*|(?:start|end|begin)[\s:_-].{0,60}|eslint-\w+.*"
    r"|textlint-\w+.*|vale\s+.*|lint\s.*|cspell:.*|spell-?checker:.*|more|readmore|truncate|break"
    r"|#?region\b.*|#?endregion\b.*|\[if\s[^\]]*\]>.*|<!\[endif\]|\s*)\s*$", re.I | re.S)


def _style_hides(style: str, inherited_bg: bool) -> str | None:
    """Why an inline style hides its element's text, or None."""
    decls = {k.lower(): v.strip().lower() for k, v in _DECL.findall(style)}
    if not decls:
        return None
    if decls.get("display", "").startswith("none"):
        return "display:none"
    if decls.get("visibility", "").startswith(("hidden", "collapse")):
        return "visibility:hidden"
    if "opacity" in decls and _ZERO.match(decls["opacity"]):
        return "opacity:0"
    if "font-size" in decls and _ZERO.match(decls["font-size"]):
        return "font-size:0"
    for k in ("left", "top", "text-indent", "margin-left", "right"):
        if k in decls and _NEG_FAR.match(decls[k]) and (k == "text-indent" or decls.get("position", "") in ("absolute", "fixed")):
            return f"off-screen ({k})"
    color = decls.get("color")
    if color is not None:
        if _TRANSPARENT.match(color):
            return "transparent text"
        bg = decls.get("background-color") or decls.get("background")
        if bg is not None and bg.split("!")[0].strip() == color.split("!")[0].strip():
            return "text coloured like its background"
        if bg is None and not inherited_bg and _WHITE.match(color):
            return "white text on the default background"
    if decls.get("clip-path", "").startswith("inset(100%") or decls.get("transform", "").startswith("scale(0)"):
        return "clipped to nothing"
    return None


class _Piece:
    __slots__ = ("place", "parts", "start")

    def __init__(self, place: str, start: int):
        self.place = place
        self.parts: list[tuple[str, int, int, bool]] = []  # text, parent start, parent end, exact
        self.start = start


def _page_hidden_selectors(text: str) -> tuple[set[str], set[str]]:
    """Classes and ids that a `<style>` block of the page hides (simple selectors only)."""
    classes, ids = set(), set()
    low = text.lower()
    i = low.find("<style")
    n = 0
    while i >= 0 and n < 50:
        j = low.find("</style", i)
        gt = low.find(">", i)
        block = text[gt + 1 if gt >= 0 else i:j if j > 0 else len(text)][:200000]
        for sel, body in _STYLE_RULE.findall(block):
            if _style_hides(body, True) is None:
                continue
            for one in sel.split(","):
                m = _SIMPLE_SEL.match(one)
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2).lower())
        n += 1
        i = low.find("<style", j if j > 0 else len(text))
    return classes, ids


class _Collector:
    """Walks the parser events and gathers hidden pieces with their offsets in the text."""

    def __init__(self, text: str, starts: list[int], hidden_classes: set[str], hidden_ids: set[str]):
        from html.parser import HTMLParser

        self.text = text
        self.starts = starts
        self.hidden_classes = hidden_classes | _HIDDEN_CLASSES
        self.hidden_ids = hidden_ids
        self.stack: list[tuple[str, str | None, bool]] = []  # tag, why hidden, has background
        self.pieces: list[_Piece] = []
        self.attrs = _Piece("attribute texts (alt, title, aria-label)", 0)
        self.scripts: list[tuple[int, int]] = []
        self.current: _Piece | None = None
        self.in_script: tuple[int, str] | None = None
        outer = self

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                outer.start(tag, attrs, self.getpos(), self.get_starttag_text() or "")

            def handle_startendtag(self, tag, attrs):
                outer.start(tag, attrs, self.getpos(), self.get_starttag_text() or "", void=True)

            def handle_endtag(self, tag):
                outer.end(tag, self.getpos())

            def handle_data(self, data):
                outer.data(data, self.getpos())

            def handle_entityref(self, name):
                outer.ref(f"&{name};", self.getpos())

            def handle_charref(self, name):
                outer.ref(f"&#{name};", self.getpos())

            def handle_comment(self, data):
                outer.comment(data, self.getpos())

        self.parser = P(convert_charrefs=False)

    def offset(self, pos: tuple[int, int]) -> int:
        line, col = pos
        return self.starts[min(line, len(self.starts)) - 1] + col

    def feed(self):
        self.parser.feed(self.text)
        self.parser.close()
        while self.stack:
            self._pop()

    # -- events ----------------------------------------------------------------------------
    def hidden_why(self) -> str | None:
        for _tag, why, _bg in reversed(self.stack):
            if why:
                return why
        return None

    def start(self, tag, attrs, pos, raw, void=False):
        at = self.offset(pos)
        amap = {}
        for k, v in attrs:
            amap.setdefault(k.lower(), v)
        self._attr_texts(tag, amap, at, raw)
        if tag == "script":
            typ = (amap.get("type") or "").strip().lower()
            if "src" not in amap and typ in _JS_TYPES and not void:
                self.in_script = (at + len(raw), tag)
        if void or tag in _VOID:
            return
        # implied end tags (enough of HTML's rules for nesting to stay sane)
        if tag in _CLOSES_P and self.stack and self.stack[-1][0] == "p":
            self._pop()
        sib = _SELF_CLOSING_SIBLINGS.get(tag)
        if sib and self.stack and self.stack[-1][0] in sib:
            self._pop()
        why = None
        classes = set((amap.get("class") or "").lower().split())
        style = amap.get("style") or ""
        inherited_bg = any(bg for _t, _w, bg in self.stack)
        has_bg = "background" in style.lower()
        if classes & _SR_ONLY:
            why = None
        elif "hidden" in amap and (amap.get("hidden") or "").lower() != "until-found":
            why = "hidden attribute"
        elif tag == "template":
            why = "<template>"
        elif style and (w := _style_hides(style, inherited_bg)):
            why = f"CSS {w}"
        elif classes & self.hidden_classes:
            why = f"class {sorted(classes & self.hidden_classes)[0]!r}"
        elif (amap.get("id") or "").lower() in self.hidden_ids:
            why = f"id {amap.get('id')!r} hidden by the page's style"
        if why and self.hidden_why() is None and self.current is None:
            self.current = _Piece(f"element hidden by {why}", at)
        self.stack.append((tag, why, has_bg))

    def end(self, tag, pos):
        if tag == "script" and self.in_script is not None:
            self.scripts.append((self.in_script[0], self.offset(pos)))
            self.in_script = None
        if not any(t == tag for t, _w, _b in self.stack):
            return
        while self.stack:
            t = self.stack[-1][0]
            self._pop()
            if t == tag:
                break

    def _pop(self):
        self.stack.pop()
        if self.current is not None and self.hidden_why() is None:
            if any(p[0].strip() for p in self.current.parts):
                self.pieces.append(self.current)
            self.current = None

    def data(self, data, pos):
        if self.in_script is not None:
            return
        if self.current is not None and self.stack and self.stack[-1][0] in ("style", "script"):
            return
        if self.current is not None:
            at = self.offset(pos)
            self.current.parts.append((data, at, at + len(data), True))

    def ref(self, raw, pos):
        if self.current is None or self.in_script is not None:
            return
        import html

        at = self.offset(pos)
        self.current.parts.append((html.unescape(raw), at, at + len(raw), False))

    def comment(self, data, pos):
        at = self.offset(pos) + 4
        body = data
        if _MANAGED.match(body):
            return
        p = _Piece("HTML comment", at)
        p.parts.append((body, at, at + len(body), True))
        self.pieces.append(p)

    def _attr_texts(self, tag, amap, at, raw):
        import html

        wanted = [("value", amap.get("value"))] if tag == "input" and (amap.get("type") or "").lower() == "hidden" else []
        if tag == "meta" and amap.get("content"):
            wanted.append(("content", amap.get("content")))
        wanted += [(a, amap.get(a)) for a in _ATTRS if amap.get(a)]
        for name, value in wanted:
            if not value or len(value) < MIN_ATTR_CHARS or " " not in value.strip():
                continue
            m = re.search(r"(?i)\b" + re.escape(name) + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", raw)
            if not m:
                continue
            g = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 3
            s, e = at + m.start(g), at + m.end(g)
            raw_value = m.group(g)
            self.attrs.parts.append((html.unescape(raw_value), s, e, html.unescape(raw_value) == raw_value))
            self.attrs.parts.append(("\n", e, e, False))


def _mask_code(text: str) -> str:
    """Markdown with code fences and code spans blanked (same length, newlines kept), so that
    HTML inside code is not taken for markup."""
    from .markdown import fences

    chars = None
    if "```" in text or "~~~" in text:
        chars = list(text)
        for _n, _lang, _indent, start, end, open_at in fences(text):
            for i in range(open_at, min(len(text), end + 4)):
                if chars[i] != "\n":
                    chars[i] = " "
    if "`" in text:
        if chars is None:
            chars = list(text)
        masked = "".join(chars)
        for m in _INLINE_CODE.finditer(masked):
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars) if chars is not None else text


def _emit(art, ctx, pieces: list[_Piece], attrs: _Piece | None):
    kind = "text"
    extra = []
    pieces = sorted(pieces, key=lambda p: p.start)
    for n, p in enumerate(pieces):
        if n >= MAX_PIECES:
            extra.append(p)
            continue
        _child(art, ctx, p, kind)
    if extra:
        merged = _Piece(f"{len(extra)} more hidden places", extra[0].start)
        for p in extra:
            merged.parts.extend(p.parts)
            merged.parts.append(("\n", p.parts[-1][2], p.parts[-1][2], False))
        _child(art, ctx, merged, kind)
    if attrs is not None and attrs.parts:
        _child(art, ctx, attrs, kind)


def _child(art, ctx, piece: _Piece, kind: str):
    texts, segs, out = [], [], 0
    for t, s, e, exact in piece.parts:
        if not t:
            continue
        if exact and len(t) == e - s:
            t = art.text[s:e]  # the file's own characters (Markdown was parsed with code masked)
        segs.append(Segment(out, s, e, exact and len(t) == e - s))
        texts.append(t)
        out += len(t)
    text = "".join(texts)
    if not text.strip():
        return
    line, col = art.index.position(piece.parts[0][1]) if piece.parts else (1, 1)
    ctx.child(art, text, label=f"{piece.place} at {line}:{col}", kind=kind,
              name=art.name + ".hidden.txt", segments=segs, facts={"hidden"},
              meta={"place": piece.place})


def _scripts(art, ctx, spans):
    for s, e in spans[:200]:
        body = art.text[s:e]
        if not body.strip():
            continue
        line = art.index.position(s)[0]
        ctx.child(art, body, label=f"script at line {line}", kind="javascript",
                  name=art.name + f".script-{line}.js", segments=[Segment(0, s, e, True)])


def _html_pieces(art, ctx, text: str):
    from ..model import LineIndex

    classes, ids = _page_hidden_selectors(text) if "<style" in text.lower() else (set(), set())
    col = _Collector(text, LineIndex(text).starts, classes, ids)
    try:
        col.feed()
    except (AssertionError, ValueError, RecursionError) as e:  # html.parser is lenient; be safe
        ctx.error(art, f"HTML could not be fully parsed ({type(e).__name__}); hidden places after the error not analysed")
    return col


def _worth_parsing(low: str) -> bool:
    return "<" in low and any(k in low for k in ("<!--", "style", "hidden", "<template", "alt=", "title=",
                                                  "aria-", "<script", "<meta", "class=", "placeholder"))


@extractor("html-hidden", kinds={"html"})
def extract_html(art, ctx):
    if not art.text or not _worth_parsing(art.lower):
        return
    col = _html_pieces(art, ctx, art.text)
    if "code-block" not in art.facts:  # HTML shown as code in a fence hides nothing
        _emit(art, ctx, col.pieces, col.attrs)
    _scripts(art, ctx, col.scripts)


@extractor("markdown-hidden", kinds={"markdown"})
def extract_markdown(art, ctx):
    text = art.text
    if not text or "code-block" in art.facts:
        return
    low = art.lower
    pieces: list[_Piece] = []
    attrs = _Piece("attribute texts (alt, title, aria-label)", 0)
    masked = None
    if _worth_parsing(low):
        masked = _mask_code(text)
        col = _html_pieces(art, ctx, masked)
        pieces.extend(col.pieces)
        attrs = col.attrs
    if "]:" in text:
        masked = masked if masked is not None else _mask_code(text)
        for m in _MD_REF_COMMENT.finditer(masked):
            g = "a" if m.group("a") is not None else "b" if m.group("b") is not None else "c"
            s, e = m.span(g)
            if e > s:
                p = _Piece("Markdown link-reference comment", s)
                p.parts.append((text[s:e], s, e, True))
                pieces.append(p)
    if "![" in text:
        masked = masked if masked is not None else _mask_code(text)
        for m in _MD_IMG_ALT.finditer(masked):
            if " " in m.group(1).strip():
                s, e = m.span(1)
                attrs.parts.append((text[s:e], s, e, True))
                attrs.parts.append(("\n", e, e, False))
    pieces.sort(key=lambda p: p.start)
    _emit(art, ctx, pieces, attrs)


_JSON_COMMENT_KEYS = frozenset({"_comment", "__comment", "//", "$comment", "comment_", "_note",
                                "__note", "_notes", "#", "_readme", "__doc__"})


@extractor("json-comments", kinds={"json"})
def extract_json_comments(art, ctx):
    """`"_comment"`-style fields: ignored by the program that reads the file, read by models."""
    text = art.text
    if not text or len(text) > MAX_JSON_BYTES or not any(f'"{k}"' in text for k in _JSON_COMMENT_KEYS):
        return
    from .. import jsonpos

    try:
        doc = jsonpos.parse(text)
    except (ValueError, RecursionError):
        return  # not JSON after all (JSON5, a fragment): the text-level rules still read it
    pieces: list[_Piece] = []
    stack = [doc]
    seen = 0
    while stack and seen < 100000:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            for k, v in node.items():
                if str(k).lower() in _JSON_COMMENT_KEYS:
                    for s in (v if isinstance(v, list) else [v]):
                        if isinstance(s, jsonpos.PosStr) and s.strip():
                            p = _Piece(f'JSON "{k}" field', s.start)
                            segs = s.segments or [Segment(0, s.start, s.end, False)]
                            for i, seg in enumerate(segs):
                                end = segs[i + 1].child_start if i + 1 < len(segs) else len(s)
                                p.parts.append((str(s)[seg.child_start:end], seg.parent_start,
                                                seg.parent_end, seg.exact))
                            pieces.append(p)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(x for x in node if isinstance(x, (dict, list)))
    pieces.sort(key=lambda p: p.start)
    _emit(art, ctx, pieces, None)
