"""Hidden places of HTML, Markdown and JSON → child artefacts with the fact `hidden`.

What a reader of the rendered page does not see but a model reading the source does:
HTML comments; elements hidden by the `hidden` attribute, `<template>`, inline CSS
(`display:none`, `visibility:hidden`, `opacity:0`, `font-size:0`, text coloured like its
background or transparent, off-screen positions) or by a class a `<style>` block of the page (or
a well-known utility class such as `d-none`) hides; hidden form inputs and `<meta>` contents;
long `alt` / `title` / `aria-label` attributes.  Markdown adds `[//]: # (…)` link-reference
comments and image alt texts, and its inline HTML is parsed after code spans and fences are
masked.  JSON files add `_comment`-style fields.  Inline `<script>` bodies become JavaScript
children (not hidden) so the code rules read them.  XML and SVG files get the same treatment
(comments, elements hidden by style or by SVG presentation attributes such as `opacity="0"`).

Each hidden piece becomes a child (`meta["place"]` names the place, e.g. "HTML comment") mapped
onto its characters in the file, so the note rules judge it for what it says; the hidden text
alone is never a finding.  Screen-reader text (`sr-only`, `visually-hidden`) is visible to the
people it is written for and is not treated as hidden; `aria-hidden` only hides from screen
readers.

Comments are found the way the HTML tokenizer finds them (outside script/style, from `<!--` to the
first `-->`), never with a regex across comments.  Hidden elements are found from their start
tags: only tags that carry a hiding marker (a `hidden` attribute, a style, a hiding class) are
examined, and the text of each is read with the standard library's `html.parser` from its start
tag to its end tag.  A large page therefore costs a few literal searches, not a full parse.
"""
from __future__ import annotations

import re

from ..model import Segment, lower_text
from ..lazyregex import lazy_re
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
_JS_TYPES = ("", "text/javascript", "application/javascript", "module", "text/ecmascript",
             "application/ecmascript")

_DECL = lazy_re(r"([a-zA-Z-]+)\s*:\s*([^;]+)")
_ZERO = lazy_re(r"^\s*(?:0|0?\.0+|0+)(?:px|pt|em|rem|%|vh|vw|ex|ch)?\s*(?:!important)?\s*$")
_NEG_FAR = lazy_re(r"^\s*-\s*(\d{3,})(?:\.\d+)?(?:px|pt|em|rem)?\s*(?:!important)?\s*$")
_WHITE = lazy_re(r"^\s*(?:#fff(?:fff)?|white|rgba?\(\s*255\s*,\s*255\s*,\s*255\s*(?:,\s*1(?:\.0*)?\s*)?\)|hsla?\(\s*0\s*,\s*0%\s*,\s*100%\s*(?:,\s*1\s*)?\))\s*(?:!important)?\s*$", re.I)
_TRANSPARENT = lazy_re(r"^\s*(?:transparent|rgba\([^)]*,\s*0(?:\.0+)?\s*\)|hsla\([^)]*,\s*0(?:\.0+)?\s*\)|#[0-9a-f]{6}00|#[0-9a-f]{3}0)\s*(?:!important)?\s*$", re.I)
_SIMPLE_SEL = lazy_re(r"^\s*(?:[a-zA-Z0-9]*)?([.#])([A-Za-z_][\w-]*)\s*$")
_MD_REF_COMMENT = lazy_re(
    r"^[ ]{0,3}\[[^\]\n]{0,80}\]:[ \t]*(?:#|<>|//)[ \t]*(?:\((?P<a>[^\n]*)\)|\"(?P<b>[^\"\n]*)\"|'(?P<c>[^'\n]*)')[ \t]*$",
    re.M)
_MD_IMG_ALT = lazy_re(r"!\[([^\]\n]{%d,500})\]\(" % MIN_ATTR_CHARS)
_INLINE_CODE = lazy_re(r"(`+)(?:(?!\1)[\s\S]){0,2000}?\1")
_TOK = r"(?:\s+[\w./@:{}\[\],\"'-]+){0,6}"  # rule names, ids and options, never a sentence
_MANAGED = lazy_re(
    r"^\s*(?:prettier-ignore(?:-start|-end)?"
    r"|markdownlint-(?:disable|enable|capture|restore|configure-file|disable-next-line|disable-line"
    r"|disable-file|enable-file)" + _TOK +
    r"|all-contributors-(?:list|badge):(?:start|end)(?:\s+-\s+do\s+not\s+remove\s+or\s+modify\s+this\s+section)?"
    r"|(?:end\s*)?toc|/toc|toc(?:stop|start)?"
    r"|(?:start|end)\s+doctoc\s+generated\s+toc\s+please\s+keep\s+comment\s+here\s+to\s+allow\s+auto\s+update"
    r"|don't\s+edit\s+this\s+section,\s+instead\s+re-run\s+doctoc\s+to\s+update"
    r"|(?:start|end|begin)[\s:_-]+[\w./:-]+(?:\s+[\w./:-]+){0,2}"
    r"|(?:eslint|textlint)-\w+(?:-\w+)*" + _TOK + r"|vale\s+[\w.-]+(?:\s*=\s*\w+)?" + r"|(?:cspell|spell-?checker):\w+" + _TOK +
    r"|more|readmore|truncate|break|#?region" + _TOK + r"|#?endregion" + _TOK + r")\s*$", re.I)


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
        if bg is not None and (bg.split("!")[0].split() or [""])[0] == color.split("!")[0].strip():
            return "text coloured like its background"
        if bg is None and not inherited_bg and _WHITE.match(color):
            return "white text on the default background"
    if decls.get("clip-path", "").startswith("inset(100%") or decls.get("transform", "").startswith("scale(0)"):
        return "clipped to nothing"
    if decls.get("overflow", "").startswith(("hidden", "clip")) and any(
            k in decls and _ZERO.match(decls[k]) for k in ("height", "max-height", "width", "max-width")):
        return "collapsed to zero size"
    return None


class _Piece:
    __slots__ = ("place", "parts", "start")

    def __init__(self, place: str, start: int):
        self.place = place
        self.parts: list[tuple[str, int, int, bool]] = []  # text, parent start, parent end, exact
        self.start = start


def _style_rules(block: str):
    """(selector, declarations) of the flat rules of a style sheet, found brace by brace (linear
    in the block, whatever it holds); nested blocks such as @media are read by their inner rules."""
    i = block.find("{")
    count = 0
    while i >= 0 and count < 5000:
        count += 1
        j = block.find("}", i)
        if j < 0:
            return
        k = block.find("{", i + 1, j)
        if k >= 0:
            i = k  # an at-rule or nesting: the inner rule is the one to read
            continue
        sel_start = max(block.rfind("}", max(0, i - 300), i), block.rfind("{", max(0, i - 300), i)) + 1
        if sel_start == 0 and i > 300:
            sel_start = i - 300
        yield block[sel_start:i], block[i + 1:j][:2000]
        i = block.find("{", j)


def _page_hidden_selectors(text: str, low: bytes | None = None) -> tuple[set[str], set[str]]:
    """Classes and ids that a `<style>` block of the page hides (simple selectors only); `low` is
    `_bytes(text.lower())` when the caller has it already."""
    classes, ids = set(), set()
    if low is None:
        low = _bytes(lower_text(text))
    i = low.find(b"<style")
    n = 0
    while i >= 0 and n < 50:
        j = low.find(b"</style", i)
        gt = low.find(b">", i)
        block = text[gt + 1 if gt >= 0 else i:j if j > 0 else len(text)][:200000]
        for sel, body in _style_rules(block):
            if _style_hides(body, True) is None:
                continue
            for one in sel.split(","):
                m = _SIMPLE_SEL.match(one)
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2).lower())
        n += 1
        i = low.find(b"<style", j if j > 0 else len(text))
    return classes, ids


_TAG = lazy_re(r"<([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = lazy_re(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
# Where a hiding start tag can be found: its style attribute, its hidden attribute or class, a
# template; SVG presentation attributes only in XML.  Each marker is one pass over the text.
_HIDING_MARKERS = ("style=", "hidden", "<template", "d-none", "hide", "invisible", "<font")
_SVG_MARKERS = ("opacity=", "display=", "visibility=", "font-size=")
MAX_OCCURRENCES = 5000  # occurrences of one marker examined per file
MAX_TAG = 4000  # characters of one start tag


class _Stop(Exception):
    pass


def _raw_spans(low: bytes) -> list[tuple[int, int, str, int]]:
    """Raw-text elements (script, style): (content start, content end, tag, tag start).  Their
    content is not markup: a `<!--` inside a script is not a comment."""
    out = []
    for tag in ("script", "style"):
        open_, close = b"<" + tag.encode(), b"</" + tag.encode()
        i = low.find(open_)
        while i >= 0 and len(out) < MAX_OCCURRENCES:
            after = low[i + 1 + len(tag):i + 2 + len(tag)]
            if after and after not in b" \t\n\r\f/>":
                i = low.find(open_, i + 1)
                continue
            gt = low.find(b">", i)
            if gt < 0:
                break
            end = low.find(close, gt)
            e = len(low) if end < 0 else end
            out.append((gt + 1, e, tag, i))
            i = low.find(open_, e)
    out.sort()
    return out


def _inside(spans, pos: int) -> bool:
    import bisect

    k = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _managed(content: str) -> bool:
    """A tool's marker (prettier-ignore, markdownlint-disable MD013, TOC, region): one short line.
    A marker followed by more text is not a marker: text hidden after one is still read."""
    body = content.strip()
    return len(body) <= 120 and "\n" not in body and bool(_MANAGED.match(body))


def _comments(text: str, raw, label: str = "HTML comment") -> list[_Piece]:
    """HTML comments as the HTML tokenizer reads them: `<!--` up to the first `-->` (or `--!>`),
    `<!-->` and `<!--->` empty, an unclosed comment running to the end; not inside script/style."""
    out = []
    i = text.find("<!--")
    n = len(text)
    while i >= 0 and len(out) < 20000:
        if raw and _inside(raw, i):
            i = text.find("<!--", i + 4)
            continue
        body = i + 4
        if text.startswith(">", body) or text.startswith("->", body):
            i = text.find("<!--", body)
            continue
        j = text.find("-->", body)
        k = text.find("--!>", body, j if j >= 0 else n)
        if k >= 0:
            end, close = k, k + 4
        elif j >= 0:
            end, close = j, j + 3
        else:
            end, close = n, n
        content = text[body:end]
        if content.strip() and not _managed(content):
            p = _Piece(label, body)
            p.parts.append((content, body, end, True))
            out.append(p)
        i = text.find("<!--", close)
    return out


def _start_tag(text: str, low: bytes, pos: int):
    """The start tag containing `pos`, as (start, end, name, attributes), or None."""
    lo = max(0, pos - MAX_TAG)
    lt = low.rfind(b"<", lo, pos + 1)
    if lt < 0 or low.rfind(b">", lt, pos) >= 0:
        return None
    m = _TAG.match(text, lt, min(len(text), lt + MAX_TAG))
    if m is None or m.end() <= pos:
        return None
    attrs = {}
    for a in _ATTR.finditer(m.group(2)):
        val = a.group(2) if a.group(2) is not None else a.group(3) if a.group(3) is not None else a.group(4)
        attrs.setdefault(a.group(1).lower(), val if val is not None else "")
    return lt, m.end(), m.group(1).lower(), attrs


def _why_hidden(tag: str, attrs: dict, hidden_classes: set[str], hidden_ids: set[str]) -> str | None:
    classes = set((attrs.get("class") or "").lower().split())
    if classes & _SR_ONLY:
        return None
    if "hidden" in attrs and (attrs.get("hidden") or "").lower() != "until-found":
        return "hidden attribute"
    if tag == "template":
        return "<template>"
    style = attrs.get("style") or ""
    if style:
        import html

        why = _style_hides(html.unescape(style), False)
        if why:
            return f"CSS {why}"
    if tag == "font" and attrs.get("color") and _WHITE.match(attrs["color"]):
        return "<font color> white text on the default background"
    # SVG presentation attributes say the same as CSS properties
    presentation = "; ".join(f"{k}: {attrs[k]}" for k in ("display", "visibility", "opacity", "font-size", "fill-opacity")
                             if attrs.get(k))
    if presentation:
        if (attrs.get("fill-opacity") or "").strip() in ("0", "0.0") and not attrs.get("stroke"):
            return "fill-opacity 0"
        why = _style_hides(presentation, True)
        if why:
            return f"attribute {why}"
    hit = classes & (hidden_classes | _HIDDEN_CLASSES)
    if hit:
        return f"class {sorted(hit)[0]!r}"
    if (attrs.get("id") or "").lower() in hidden_ids:
        return f"id {attrs.get('id')!r} hidden by the page's style"
    return None


def _element_text(text: str, start: int, place: str, starts: list[int],
                  limit: int = 200000) -> tuple[_Piece, int]:
    """The text inside the element whose start tag begins at `start`, read with html.parser up to
    its end tag (or an end HTML implies); returns the piece and the element's end offset.
    `starts` are the line starts of `text` (the parser counts lines from the region's start)."""
    import bisect
    from html.parser import HTMLParser

    region = text[start:start + limit]
    first = bisect.bisect_right(starts, start) - 1
    piece = _Piece(place, start)
    stack: list[str] = []
    state = {"end": start + len(region), "raw": 0}

    def off(pos):
        line, col = pos
        if line == 1:
            return start + col
        return starts[min(first + line - 1, len(starts) - 1)] + col

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if stack:
                root = stack[0]
                if (root == "p" and tag in _CLOSES_P) or tag in _SELF_CLOSING_SIBLINGS.get(root, ()) and len(stack) == 1:
                    state["end"] = off(self.getpos())
                    raise _Stop
            if tag in _VOID:
                return
            if tag in ("script", "style"):
                state["raw"] += 1
            stack.append(tag)

        def handle_endtag(self, tag):
            if tag not in stack:
                return
            while stack:
                t = stack.pop()
                if t in ("script", "style"):
                    state["raw"] -= 1
                if t == tag:
                    break
            if not stack:
                state["end"] = off(self.getpos())
                raise _Stop

        def handle_data(self, data):
            if stack and not state["raw"]:
                at = off(self.getpos())
                piece.parts.append((data, at, at + len(data), True))

        def _ref(self, raw):
            if stack and not state["raw"]:
                import html

                at = off(self.getpos())
                piece.parts.append((html.unescape(raw), at, at + len(raw), False))

        def handle_entityref(self, name):
            self._ref(f"&{name};")

        def handle_charref(self, name):
            self._ref(f"&#{name};")

    parser = P(convert_charrefs=False)
    try:
        parser.feed(region)
        parser.close()
    except _Stop:
        pass
    except (AssertionError, ValueError, RecursionError):
        pass  # html.parser is lenient; what was read so far is kept
    return piece, state["end"]


def _hidden_elements(text: str, low: bytes, raw, hidden_classes: set[str], hidden_ids: set[str],
                     svg: bool = False) -> list[_Piece]:
    markers = list(_HIDING_MARKERS) + sorted(hidden_classes)[:50] + sorted(hidden_ids)[:50]
    if svg:
        markers += _SVG_MARKERS
    tags: dict[int, tuple] = {}
    for mk in markers:
        mkb = _bytes(mk)
        i = low.find(mkb)
        seen = 0
        while i >= 0 and seen < MAX_OCCURRENCES:
            seen += 1
            if not (raw and _inside(raw, i)):
                t = _start_tag(text, low, i) if mk != "<template" else _start_tag(text, low, i + 1)
                if t is not None and t[0] not in tags:
                    tags[t[0]] = t
            i = low.find(mkb, i + len(mkb))
    out = []
    done_until = -1
    starts = None
    for lt in sorted(tags):
        if lt < done_until:
            continue  # inside a hidden element already read
        _s, _e, name, attrs = tags[lt]
        why = _why_hidden(name, attrs, hidden_classes, hidden_ids)
        if why is None or name in _VOID:
            continue
        if starts is None:
            from ..model import LineIndex

            starts = LineIndex(text).starts
        piece, end = _element_text(text, lt, f"element hidden by {why}", starts)
        done_until = end
        if any(p[0].strip() for p in piece.parts):
            out.append(piece)
    return out


def _attribute_texts(text: str, low: bytes, raw) -> _Piece:
    """Long alt/title/aria-label/placeholder texts, `<meta>` contents and hidden input values."""
    piece = _Piece("attribute texts (alt, title, aria-label)", 0)
    seen_tags = set()
    for name in ("alt", "title", "aria-label", "aria-description", "placeholder", "content", "value"):
        needle = (name + "=").encode()
        i = low.find(needle)
        count = 0
        while i >= 0 and count < MAX_OCCURRENCES:
            count += 1
            if i > 0 and low[i - 1:i] in (b" ", b"\t", b"\n", b"\r", b'"', b"'") and not (raw and _inside(raw, i)):
                t = _start_tag(text, low, i)
                if t is not None and (t[0], name) not in seen_tags:
                    seen_tags.add((t[0], name))
                    _add_attr(piece, text, t, name)
            i = low.find(needle, i + len(needle))
    piece.parts.sort(key=lambda p: p[1])
    out = _Piece(piece.place, piece.parts[0][1] if piece.parts else 0)
    for part in piece.parts:
        out.parts.append(part)
        out.parts.append(("\n", part[2], part[2], False))
    return out


def _add_attr(piece: _Piece, text: str, tag, name: str) -> None:
    import html

    lt, gt, tname, attrs = tag
    value = attrs.get(name)
    if not value or len(value) < MIN_ATTR_CHARS or " " not in value.strip():
        return
    if name == "content" and tname != "meta":
        return
    if name == "value" and not (tname == "input" and (attrs.get("type") or "").lower() == "hidden"):
        return
    m = re.search(r"(?i)(?<![\w-])" + re.escape(name) + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", text[lt:gt])
    if not m:
        return
    g = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 3
    s, e = lt + m.start(g), lt + m.end(g)
    raw_value = m.group(g)
    clear = html.unescape(raw_value)
    piece.parts.append((clear, s, e, clear == raw_value))


def _scripts_of(text: str, raw) -> list[tuple[int, int]]:
    out = []
    for c0, c1, tag, t0 in raw:
        if tag != "script":
            continue
        m = _TAG.match(text, t0, min(len(text), t0 + MAX_TAG))
        attrs = {}
        if m:
            for a in _ATTR.finditer(m.group(2)):
                attrs.setdefault(a.group(1).lower(), a.group(2) or a.group(3) or a.group(4) or "")
        if "src" in attrs or (attrs.get("type") or "").strip().lower() not in _JS_TYPES:
            continue
        out.append((c0, c1))
    return out


def _bytes(s: str) -> bytes:
    """One byte per character (offsets unchanged): byte searches run at memory speed also on
    text that holds a few non-Latin-1 characters, where a str search slows to a wide width."""
    return s.encode("latin-1", "replace")


def _pieces(art, ctx, text: str, low_text: str, attributes: bool = True):
    """Every hidden place of an HTML text (or Markdown with code masked)."""
    low = _bytes(low_text)
    raw = _raw_spans(low) if (b"<script" in low or b"<style" in low) else []
    classes, ids = (_page_hidden_selectors(text, low) if b"<style" in low else (set(), set()))
    label = "HTML comment" if art.kind != "xml" else (
        "SVG comment" if art.name.lower().endswith((".svg", ".svgz")) else "XML comment")
    pieces = _comments(text, raw, label) if "<!--" in text else []
    if "<" in text:
        pieces += _hidden_elements(text, low, raw, classes, ids, svg=art.kind == "xml")
    attrs = _attribute_texts(text, low, raw) if attributes and "=" in text else None
    return pieces, attrs, raw


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


@extractor("html-hidden", kinds={"html", "xml"})
def extract_html(art, ctx):
    text = art.text
    if not text or "<" not in text:
        return
    pieces, attrs, raw = _pieces(art, ctx, text, art.lower)
    if "code-block" not in art.facts:  # HTML shown as code in a fence hides nothing
        _emit(art, ctx, pieces, attrs)
    _scripts(art, ctx, _scripts_of(text, raw))


@extractor("markdown-hidden", kinds={"markdown"})
def extract_markdown(art, ctx):
    text = art.text
    if not text or "code-block" in art.facts:
        return
    pieces: list[_Piece] = []
    attrs = _Piece("attribute texts (alt, title, aria-label)", 0)
    masked = None
    if "<" in text:
        masked = _mask_code(text)
        pieces, attrs_html, _raw = _pieces(art, ctx, masked, masked.lower())
        if attrs_html is not None:
            attrs = attrs_html
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
