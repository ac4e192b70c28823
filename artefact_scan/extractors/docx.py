"""Word documents (DOCX, DOCM, DOTX) → the text a reader sees, and every layer a reader does not.

Read with the standard library only: `zipfile` with bounds (member count, declared and real
sizes, compression ratio) and `docmodel.parse_xml`, which refuses DTDs and entities.  Children,
each with one block per line and a label per line (`meta["line_labels"]`):

- visible text of the body, each header and footer, footnotes and endnotes (text boxes in
  reading order; a table row per line, its cells joined by tabs; tracked insertions included,
  deletions not);
- hidden text, one child per part and reason, with the fact `hidden`: runs formatted with
  `w:vanish`, `w:specVanish` or `w:webHidden` (directly or through a style), text coloured like
  its background (shading, highlight, styled tables and filled text boxes are backgrounds), text
  of at most 1 pt or squeezed to 5 %, alternate content that Word does not show, text boxes of
  hidden, empty or far off-page shapes, field codes, tracked deletions, building blocks,
  custom XML data;
- comments (fact `document-comment`) and document properties from `docProps/core.xml`,
  `app.xml`, `custom.xml` and the document variables (fact `document-properties`);
- embedded documents (`word/embeddings/`, alternative-format chunks) as children of their own
  kind, so a PDF inside a DOCX is read like a PDF.

Every child carries `docx` and either `digitally-signed` or `no-digital-signature` (whether the
package holds a linked OOXML signature part under `_xmlsignatures/` with a value, a certificate
and a reference to the main part).  Signature lines (VML `o:signatureline`), typed names in
handwriting fonts and pictures near signature wording are kept in `DocxModel` for
`detectors/doc_structure.py`.  A package that cannot be read is reported with the reason;
whatever could be read is still analysed.
"""
from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass, field

from ..docmodel import Lines, UnsafeXML, extract_document, local, parse_xml, shorten
from . import extractor
from ..lazyregex import lazy_re

MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 32 * 1024 * 1024  # one XML part, uncompressed
MAX_TOTAL_BYTES = 128 * 1024 * 1024  # all parts read from one package
MAX_RATIO = 200  # uncompressed / compressed, above this for a large member: a zip bomb
RATIO_FLOOR = 4 * 1024 * 1024  # members smaller than this are never called bombs
MAX_EMBEDDED = 16 * 1024 * 1024
MAX_STYLE_DEPTH = 16
MAX_NESTING = 64  # text boxes inside text boxes inside tables…
MAX_CUSTOM_LINES = 5000

SCRIPT_FONT = lazy_re(
    r"(?i)script|hand(?:writ)?|brush|cursive|signature|autograph|dancing|vibes|allura|pacifico|"
    r"sacramento|parisienne|edwardian|vivaldi|kunstler|mistral|freestyle|rage italic|"
    r"homemade apple|de haviland|muellerhoff|la doulaise|belle aurore|satisfy|yellowtail|"
    r"cedarville|zeyada|caveat|kalam|marck")


# A person's name as typed for a signature: two to four capitalised words.
NAME_SHAPE = lazy_re(r"(?:(?:Dr|Mr|Mrs|Ms|Hon)\.?\s+)?[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u00ff'.-]*"
                        r"(?:\s+[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u00ff'.-]*){1,3}")
SIGNATURE_CUE = lazy_re(r"(?i)\bsignature\b|\bsigned\b|\bby\s*:|/s/|\bsignatory\b|\bwitness(?:ed)?\b|\bsign(?:ed)?\s+(?:here|below)")


def signature_cue(paragraphs: dict[int, str], no: int, name: str) -> str:
    """Signature wording in the paragraph of a typed name or the two around it."""
    for k in (no, no - 1, no + 1, no - 2, no + 2):
        text = paragraphs.get(k, "").replace(name, " ")
        m = SIGNATURE_CUE.search(text)
        if m:
            return shorten(text.strip(), 60)
    return ""


@dataclass
class SignatureLine:
    id: str
    signer: str
    title: str
    email: str
    paragraph: int  # body paragraph (1-based) holding it, 0 when outside the body
    part: str
    script_font_text: str = ""  # text near the line set in a handwriting font


@dataclass
class SignaturePart:
    name: str
    has_value: bool  # a non-empty SignatureValue
    setup_ids: set[str] = field(default_factory=set)  # signature lines it signs
    problem: str = ""


@dataclass
class DocxModel:
    children: list[tuple] = field(default_factory=list)  # (label, Lines, facts, meta)
    embedded: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, data, label)
    signature_lines: list[SignatureLine] = field(default_factory=list)
    signatures: list[SignaturePart] = field(default_factory=list)
    body: Lines | None = None
    body_paragraphs: dict[int, str] = field(default_factory=dict)  # paragraph → visible text
    signature_rel_dangling: bool = False  # the package says it is signed but has no signature
    script_signatures: list[tuple[str, str, str]] = field(default_factory=list)  # (where, name, cue)
    image_signatures: list[tuple[str, str, str]] = field(default_factory=list)  # (where, picture, cue)

    @property
    def signed(self) -> bool:
        return any(s.has_value for s in self.signatures)


# -- the package --------------------------------------------------------------------------
class Package:
    """A bounded view of the ZIP container."""

    def __init__(self, data: bytes, art, ctx):
        import zipfile

        self.art, self.ctx = art, ctx
        self.read_total = 0
        self.zf = zipfile.ZipFile(io.BytesIO(data))
        infos = self.zf.infolist()
        if len(infos) > MAX_MEMBERS:
            ctx.error(art, f"DOCX package has {len(infos)} members; only the first {MAX_MEMBERS} were considered")
            infos = infos[:MAX_MEMBERS]
        self.infos = {}
        for info in infos:
            name = info.filename.replace("\\", "/").lstrip("/")
            if name not in self.infos:  # the first of duplicate names, as Word reads it
                self.infos[name] = info
        self.lower = {n.lower(): n for n in self.infos}

    def names(self) -> list[str]:
        return list(self.infos)

    def find(self, name: str) -> str | None:
        return self.lower.get(name.lower().lstrip("/"))

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        real = self.find(name)
        if real is None:
            return None
        info = self.infos[real]
        if info.flag_bits & 0x1:
            self.ctx.error(self.art, f"DOCX member {shorten(real)} is encrypted; not analysed")
            return None
        if info.file_size > RATIO_FLOOR and info.compress_size and \
                info.file_size / max(1, info.compress_size) > MAX_RATIO:
            self.ctx.error(self.art, f"DOCX member {shorten(real)} expands {info.compress_size} bytes "
                                     f"to {info.file_size} (zip-bomb shaped); not analysed")
            return None
        if info.file_size > limit or self.read_total + info.file_size > MAX_TOTAL_BYTES:
            self.ctx.error(self.art, f"DOCX member {shorten(real)} is {info.file_size} bytes, over "
                                     f"the limit; not analysed")
            return None
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)  # the declared size may lie
        except Exception as e:  # zlib.error, BadZipFile, NotImplementedError, EOFError…
            self.ctx.error(self.art, f"DOCX member {shorten(real)} could not be read ({type(e).__name__}: {shorten(str(e), 80)})")
            return None
        if len(data) > limit:
            self.ctx.error(self.art, f"DOCX member {shorten(real)} is larger than it declares; not analysed")
            return None
        self.read_total += len(data)
        return data

    def xml(self, name: str):
        data = self.read(name)
        if data is None:
            return None
        try:
            return parse_xml(data)
        except UnsafeXML as e:
            self.ctx.error(self.art, f"DOCX part {shorten(name)}: {e}; its text was not analysed")
            return None


def _attr(el, name: str, default: str | None = None) -> str | None:
    """An attribute by local name, whatever its namespace prefix."""
    if el is None:
        return default
    for k, v in el.attrib.items():
        if k == name or k.endswith("}" + name):
            return v
    return default


def _child(el, name: str):
    if el is None:
        return None
    for c in el:
        if local(c.tag) == name:
            return c
    return None


_FALSE = {"0", "false", "off", "none"}
_THEME = {"background1": "FFFFFF", "light1": "FFFFFF", "bg1": "FFFFFF",
          "text1": "000000", "dark1": "000000", "tx1": "000000"}


def _on(el) -> bool | None:
    """A toggle property: present means on unless its val says otherwise."""
    if el is None:
        return None
    val = _attr(el, "val")
    return val is None or val.lower() not in _FALSE


# -- run properties and styles ------------------------------------------------------------
_PROPS = ("vanish", "specVanish", "webHidden", "color", "sz", "highlight", "shd", "font")
_HIGHLIGHT = {"white": "FFFFFF", "black": "000000", "yellow": "FFFF00", "green": "00FF00",
              "cyan": "00FFFF", "magenta": "FF00FF", "blue": "0000FF", "red": "FF0000",
              "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
              "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000",
              "darkGray": "808080", "lightGray": "C0C0C0"}


def run_props(rpr) -> dict:
    """The properties that decide visibility, read from a `w:rPr`."""
    out: dict = {}
    if rpr is None:
        return out
    for c in rpr:
        n = local(c.tag)
        if n in ("vanish", "specVanish", "webHidden"):
            out[n] = _on(c)
        elif n == "color":
            # a theme colour wins over the literal value (the default theme's light and dark 1)
            theme = (_attr(c, "themeColor") or "").lower()
            val = _THEME.get(theme) or (_attr(c, "val") or "").upper()
            if theme and theme not in _THEME:
                val = UNKNOWN if val != "AUTO" else val
            if val:
                out["color"] = val
        elif n in ("sz", "w"):  # font size in half-points; character scale in percent
            try:
                out[n] = int(float(_attr(c, "val") or ""))
            except ValueError:
                pass
        elif n == "highlight":
            val = _attr(c, "val") or ""
            out["highlight"] = None if val in ("none", "") else _HIGHLIGHT.get(val, "808080")
        elif n == "shd":
            fill = _fill(c)
            if fill:
                out["shd"] = fill
        elif n == "rFonts":
            font = _attr(c, "ascii") or _attr(c, "hAnsi") or _attr(c, "cs")
            if font:
                out["font"] = font
    return out


class Styles:
    """Effective run properties of paragraph and character styles (basedOn chains resolved)."""

    def __init__(self, root):
        self.too_deep = False  # set by any walk of this document that hit MAX_NESTING
        self.raw: dict[str, tuple[dict, str | None]] = {}
        self.defaults: dict = {}
        self.default_para: str | None = None
        self.cache: dict[str, dict] = {}
        if root is None:
            return
        for el in root:
            n = local(el.tag)
            if n == "docDefaults":
                rpr_def = _child(el, "rPrDefault")
                self.defaults = run_props(_child(rpr_def, "rPr"))
            elif n == "style":
                sid = _attr(el, "styleId")
                if not sid:
                    continue
                based = _attr(_child(el, "basedOn"), "val")
                own = run_props(_child(el, "rPr"))
                fill = _fill(_child(_child(el, "pPr"), "shd"))
                if fill:
                    own["pshd"] = fill  # paragraph shading of the style
                if _attr(el, "type") == "table" and any(
                        _fill(e) not in (None, "FFFFFF") for e in el.iter() if local(e.tag) == "shd"):
                    own["tshaded"] = True  # some cells of tables in this style are shaded
                self.raw[sid] = (own, based)
                if _attr(el, "type") == "paragraph" and _attr(el, "default") in ("1", "true", "on"):
                    self.default_para = sid

    def props(self, sid: str | None) -> dict:
        if not sid:
            return {}
        if sid in self.cache:
            return self.cache[sid]
        chain, cur, seen = [], sid, set()
        while cur and cur in self.raw and cur not in seen and len(chain) < MAX_STYLE_DEPTH:
            seen.add(cur)
            own, cur = self.raw[cur]
            chain.append(own)
        out: dict = {}
        for own in reversed(chain):
            out.update(own)
        self.cache[sid] = out
        return out


# -- the walk -----------------------------------------------------------------------------
UNKNOWN = "?"  # a background the walk cannot tell (a theme colour, a styled table, a picture)


def _fill(shd) -> str | None:
    """The colour a `w:shd` paints, None when it paints nothing.  A solid pattern paints its
    pattern colour (`w:color`), other patterns a mix of both colours."""
    if shd is None:
        return None
    val = (_attr(shd, "val") or "clear").lower()
    fill = (_attr(shd, "fill") or "").upper()
    colour = (_attr(shd, "color") or "").upper()
    theme_fill = (_attr(shd, "themeFill") or "").lower()
    if theme_fill:  # a theme colour wins over the literal one
        fill = _THEME.get(theme_fill, UNKNOWN)
    theme_colour = (_attr(shd, "themeColor") or "").lower()
    if theme_colour:
        colour = _THEME.get(theme_colour, UNKNOWN)
    if val == "nil":
        return None
    if val == "solid":
        fill = colour if colour and colour != "AUTO" else "000000"
    elif val != "clear":
        return UNKNOWN
    if not fill or fill == "AUTO":
        return None
    return fill if re.fullmatch(r"[0-9A-F]{6}", fill) else UNKNOWN


_VML_COLOURS = {"white": "FFFFFF", "black": "000000"}


def _shape_fill(el) -> str | None:
    """The background a text box is drawn on: its shape's fill (hex), UNKNOWN, or None for
    no fill (the page shows through)."""
    for e in el.iter():
        n = local(e.tag)
        if n == "spPr":
            for c in e:
                cn = local(c.tag)
                if cn == "noFill":
                    return None
                if cn == "solidFill":
                    rgb = next((x for x in c if local(x.tag) == "srgbClr"), None)
                    val = (_attr(rgb, "val") or "").upper()
                    return val if re.fullmatch(r"[0-9A-F]{6}", val) else UNKNOWN
                if cn in ("gradFill", "pattFill", "blipFill", "grpFill"):
                    return UNKNOWN
        elif n == "fillRef" and _attr(e, "idx") not in (None, "0"):
            return UNKNOWN
        elif n in ("shape", "rect", "roundrect", "oval") and e.get("filled") is not None or \
                n in ("shape", "rect", "roundrect", "oval") and e.get("fillcolor") is not None:
            if (e.get("filled") or "").lower() in ("f", "false"):
                return None
            colour = (e.get("fillcolor") or "white").strip().lower()
            if colour.startswith("#") and re.fullmatch(r"#[0-9a-f]{6}", colour):
                return colour[1:].upper()
            return _VML_COLOURS.get(colour.split()[0] if colour else "white", UNKNOWN)
    return None


def _rgb(hexval: str | None) -> tuple[int, int, int] | None:
    if not hexval or not re.fullmatch(r"[0-9A-Fa-f]{6}", hexval):
        return None
    return int(hexval[0:2], 16), int(hexval[2:4], 16), int(hexval[4:6], 16)


def _close(a: str | None, b: str | None, tol: int = 24) -> bool:
    ra, rb = _rgb(a), _rgb(b)
    return ra is not None and rb is not None and all(abs(x - y) <= tol for x, y in zip(ra, rb))


HIDDEN_REASONS = {
    "vanish": "w:vanish (hidden font)",
    "specVanish": "w:specVanish (always hidden)",
    "webHidden": "w:webHidden (hidden in web view)",
    "colour": "text coloured like its background",
    "tiny": "font of 1 pt or less",
    "alternate": "alternate content Word does not show",
    "field-code": "field codes",
    "deleted": "tracked deletions",
    "glossary": "building blocks (glossary), not shown",
    "hidden-shape": "text box of a hidden shape",
    "zero-size-shape": "text box of a shape with no size",
    "squeezed-run": "characters scaled to 5 % or less (w:w)",
    "off-page-shape": "text box placed far off the page",
    "custom-xml": "custom XML data parts",
}


class PartWalker:
    """Walks one story (body, header, footnotes…) into visible lines and hidden lines."""

    def __init__(self, styles: Styles, page_bg: str | None, label_prefix: str = "paragraph"):
        self.styles = styles
        self.page_bg = page_bg or "FFFFFF"
        self.visible = Lines()
        self.hidden: dict[str, Lines] = {}
        self.paragraph_no = 0
        self.prefix = label_prefix
        self.signature_paragraphs: list[tuple[int, object]] = []  # (paragraph, o:signatureline)
        self.paragraph_text: dict[int, str] = {}
        self.script_runs: dict[int, str] = {}
        self.pictures: dict[int, str] = {}  # paragraph → name of a picture in it

    # visibility of one run
    def reason(self, rprops: dict, para_bg: str | None, cell_bg: str | None) -> str | None:
        for key in ("vanish", "specVanish", "webHidden"):
            if rprops.get(key):
                return key
        sz = rprops.get("sz")
        if sz is not None and sz <= 2:
            return "tiny"
        scale = rprops.get("w")
        if scale is not None and scale <= 5:
            return "squeezed-run"
        color = rprops.get("color")
        if color and color != "AUTO":
            bg = rprops.get("shd") or rprops.get("highlight") or para_bg or cell_bg or self.page_bg
            if _close(color, bg):
                return "colour"
        return None

    def hide(self, reason: str, text: str, label: str) -> None:
        self.hidden.setdefault(reason, Lines()).add(text, label)

    def block(self, el, cell_bg: str | None = None, depth: int = 0, label: str | None = None) -> None:
        """Paragraphs and tables of a block container, in reading order."""
        if depth > MAX_NESTING:
            self.styles.too_deep = True
            return
        for c in el:
            n = local(c.tag)
            if n == "p":
                self.paragraph(c, cell_bg, depth, label)
            elif n == "tbl":
                self.table(c, cell_bg, depth + 1, label)
            elif n in ("sdt",):
                content = _child(c, "sdtContent")
                if content is not None:
                    self.block(content, cell_bg, depth + 1, label)
            elif n in ("customXml", "sdtContent", "ins", "moveTo"):
                self.block(c, cell_bg, depth + 1, label)
            elif n == "AlternateContent":
                self.alternate(c, lambda e: self.block(e, cell_bg, depth + 1, label), label or "")

    def table(self, tbl, cell_bg: str | None, depth: int, label: str | None) -> None:
        """A table, one line per row: the cells' text joined by tabs, so that a signature
        block laid out as a table ("By:" | "Jane Roe") reads as it looks."""
        if depth > MAX_NESTING:
            self.styles.too_deep = True
            return
        for tr in tbl:
            n = local(tr.tag)
            if n in ("sdt", "customXml"):
                inner = _child(tr, "sdtContent") if n == "sdt" else tr
                if inner is not None:
                    self.table(inner, cell_bg, depth + 1, label)
                continue
            if n != "tr":
                continue
            start = len(self.visible.lines)
            cells: list[int] = []
            tbl_pr = _child(tbl, "tblPr")
            styled = self.styles.props(_attr(_child(tbl_pr, "tblStyle"), "val")).get("tshaded")
            row_bg = _fill(_child(tbl_pr, "shd")) or (UNKNOWN if styled else cell_bg)
            for tc in tr:
                tn = local(tc.tag)
                if tn in ("sdt", "customXml"):
                    tc = _child(tc, "sdtContent") if tn == "sdt" else tc
                    tc = _child(tc, "tc") if tc is not None and _child(tc, "tc") is not None else tc
                    if tc is None:
                        continue
                elif tn != "tc":
                    continue
                cells.append(len(self.visible.lines))
                bg = _fill(_child(_child(tc, "tcPr"), "shd")) or row_bg
                self.block(tc, bg, depth + 1, label)
            lines, labels = self.visible.lines, self.visible.labels
            if len(lines) - start < 2:
                continue
            bounds = cells[1:] + [len(lines)]
            texts = [" ".join(x.strip() for x in lines[a:b] if x.strip()) for a, b in zip(cells, bounds)]
            row = "\t".join(t for t in texts if t)
            first, last = labels[start].split(", line")[0], labels[-1].split(", line")[0]
            del lines[start:], labels[start:]
            a, b = first.rsplit(" ", 1), last.rsplit(" ", 1)
            if first == last:
                where = f"{first} (table row)"
            elif a[0] == b[0] and a[1].isdigit() and b[1].isdigit():
                where = f"{a[0]}s {a[1]}-{b[1]} (table row)"
            else:
                where = f"{first} to {last} (table row)"
            self.visible.add(row, where)

    def alternate(self, el, walk, where: str) -> None:
        """mc:AlternateContent: the first Choice is what Word shows; a Fallback that says
        something else is content no reader sees."""
        choice = next((c for c in el if local(c.tag) == "Choice"), None)
        fallback = next((c for c in el if local(c.tag) == "Fallback"), None)
        shown = choice if choice is not None else fallback
        if shown is not None:
            walk(shown)
        if choice is not None and fallback is not None:
            a, b = _plain(choice), _plain(fallback)
            if b.strip() and " ".join(a.split()) != " ".join(b.split()):
                self.hide("alternate", b, where or "alternate content")

    def paragraph(self, p, cell_bg: str | None, depth: int, label: str | None) -> None:
        self.paragraph_no += 1
        no = self.paragraph_no
        where = label or f"{self.prefix} {no}"
        ppr = _child(p, "pPr")
        pstyle = _attr(_child(ppr, "pStyle"), "val") or self.styles.default_para
        base = dict(self.styles.defaults)
        base.update(self.styles.props(pstyle))
        para_bg = _fill(_child(ppr, "shd")) or base.pop("pshd", None)
        vis: list[str] = []
        hid: dict[str, list[str]] = {}
        last_hidden: dict[str, int] = {}
        fields: list[str] = []  # states of open complex fields: "instr" or "result"
        codes: list[str] = []
        deleted: list[str] = []
        boxes: list = []

        def put(reason: str | None, text: str) -> None:
            if reason is None:
                vis.append(text)
                return
            buf = hid.setdefault(reason, [])
            if buf and last_hidden.get(reason) != len(vis):
                buf.append(" ")  # visible text came between two hidden runs
            buf.append(text)
            last_hidden[reason] = len(vis)

        def run(r, mode: str) -> None:
            rpr = _child(r, "rPr")
            props = dict(base)
            rstyle = _attr(_child(rpr, "rStyle"), "val")
            if rstyle:
                props.update(self.styles.props(rstyle))
            props.update(run_props(rpr))
            reason = self.reason(props, para_bg, cell_bg)
            font = props.get("font")
            for c in r:
                n = local(c.tag)
                if n == "rPr":
                    continue
                if n == "fldChar":
                    kind = _attr(c, "fldCharType")
                    if kind == "begin":
                        fields.append("instr")
                    elif kind == "separate" and fields:
                        fields[-1] = "result"
                    elif kind == "end" and fields:
                        fields.pop()
                        codes.append(" ")
                    continue
                if n == "instrText" or (fields and fields[-1] == "instr" and n in ("t", "delText")):
                    codes.append(c.text or "")
                    continue
                text = None
                if n in ("t", "delText"):
                    text = c.text or ""
                elif n in ("tab", "ptab"):
                    text = "\t"
                elif n in ("br", "cr"):
                    text = "\n"
                elif n == "noBreakHyphen":
                    text = "-"
                elif n == "sym":
                    continue
                elif n in ("drawing", "pict", "object"):
                    self.graphic(c, boxes, no)
                    continue
                elif n == "AlternateContent":
                    self.alternate(c, lambda e: self.graphic(e, boxes, no), where)
                    continue
                if text is None:
                    continue
                if mode == "deleted" or n == "delText":
                    deleted.append(text)
                    continue
                put(reason, text)
                if reason is None and font and SCRIPT_FONT.search(font) and text.strip():
                    self.script_runs[no] = (self.script_runs.get(no, "") + text)[:200]

        def inline(el, mode: str, d: int) -> None:
            if d > MAX_NESTING:
                self.styles.too_deep = True
                return
            for c in el:
                n = local(c.tag)
                if n == "r":
                    run(c, mode)
                elif n in ("del", "moveFrom"):
                    inline(c, "deleted", d + 1)
                elif n in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple",
                           "bdo", "dir"):
                    if n == "fldSimple":
                        codes.append((_attr(c, "instr") or "") + " ")
                    inline(c, mode, d + 1)
                elif n == "sdt":
                    content = _child(c, "sdtContent")
                    if content is not None:
                        inline(content, mode, d + 1)
                elif n == "AlternateContent":
                    self.alternate(c, lambda e: inline(e, mode, d + 1), where)
                elif n in ("oMath", "oMathPara"):
                    vis.append(_plain(c))

        inline(p, "normal", depth)
        text = "".join(vis)
        self.visible.add(text, where)
        if text.strip():
            self.paragraph_text[no] = text
        for reason, parts in hid.items():
            self.hide(reason, "".join(parts), where)
        if codes and "".join(codes).strip():
            self.hide("field-code", " ".join("".join(codes).split()), where)
        if deleted and "".join(deleted).strip():
            self.hide("deleted", "".join(deleted), where)
        for sig in p.iter():
            if local(sig.tag) == "signatureline":
                self.signature_paragraphs.append((no, sig))
        for box, why, bg in boxes:
            if why is None:
                self.block(box, bg, depth + 1, f"text box in {where}")
                continue
            inner = PartWalker(self.styles, self.page_bg)
            inner.block(box, bg, depth + 1, f"text box in {where}")
            for line, lab in zip(inner.visible.lines, inner.visible.labels):
                self.hide(why, line, lab)
            for reason, hl in inner.hidden.items():
                for line, lab in zip(hl.lines, hl.labels):
                    self.hide(reason, line, lab)

    def graphic(self, el, boxes: list, no: int) -> None:
        """Text boxes inside drawings and VML shapes, read after their paragraph; a box in a
        hidden shape (`wp:docPr hidden`, VML `visibility:hidden`) or one placed far off the
        page is hidden text."""
        why = _shape_hidden(el)
        bg = _shape_fill(el)
        if why is None:
            picture = _picture(el)
            if picture is not None:
                self.pictures.setdefault(no, picture)
        stack = [(el, 0)]
        while stack:
            cur, d = stack.pop()
            if d > MAX_NESTING:
                self.styles.too_deep = True
                continue
            for c in cur:
                n = local(c.tag)
                if n == "txbxContent":
                    boxes.append((c, why, bg))
                elif n == "Fallback":
                    continue  # the Choice holds the same box; alternate() compares them
                else:
                    stack.append((c, d + 1))


_VML_OFF = lazy_re(r"(?i)(?:margin-left|margin-top|left|top)\s*:\s*-\s*(\d+(?:\.\d+)?)\s*(pt|in|cm|mm|px)?")
_VML_SIZE = lazy_re(r"(?:^|;)(?:width|height):(-?\d+(?:\.\d+)?)(pt|in|cm|mm|px)?")
_UNIT_PT = {"pt": 1.0, "in": 72.0, "cm": 28.35, "mm": 2.835, "px": 0.75, None: 0.75}
OFF_PAGE_PT = 1500.0  # about 21 inches: no page is that large


def _picture(el) -> str | None:
    """The name of a picture a drawing or VML shape shows ('' when unnamed); None when it
    shows none, or when it is a signature-line object (judged on its own)."""
    found, name = False, ""
    for e in el.iter():
        n = local(e.tag)
        if n == "signatureline":
            return None
        if n in ("blip", "imagedata"):
            found = True
        elif n == "docPr":
            name = _attr(e, "descr") or _attr(e, "title") or _attr(e, "name") or name
        elif n == "shape" and not name:
            name = _attr(e, "alt") or _attr(e, "title") or ""
    return shorten(name, 40) if found else None


def _shape_hidden(el) -> str | None:
    for e in el.iter():
        n = local(e.tag)
        if n == "docPr" and (_attr(e, "hidden") or "").lower() in ("1", "true"):
            return "hidden-shape"
        if n == "extent":
            try:
                if min(int(_attr(e, "cx") or 1), int(_attr(e, "cy") or 1)) < 12700:  # under 1 pt
                    return "zero-size-shape"
            except ValueError:
                pass
        if n == "posOffset":
            try:
                if abs(int((e.text or "0").strip())) / 12700.0 > OFF_PAGE_PT:
                    return "off-page-shape"
            except ValueError:
                pass
        style = e.get("style")
        if style:
            low = style.lower().replace(" ", "")
            if "visibility:hidden" in low or "display:none" in low:
                return "hidden-shape"
            sizes = [float(v) * _UNIT_PT.get(u or None, 0.75) for v, u in _VML_SIZE.findall(low)]
            if sizes and min(sizes) < 1.0:
                return "zero-size-shape"
            for m in _VML_OFF.finditer(style):
                if float(m.group(1)) * _UNIT_PT.get((m.group(2) or "").lower() or None, 0.75) > OFF_PAGE_PT:
                    return "off-page-shape"
    return None


def _plain(el) -> str:
    """All w:t text under an element, paragraphs separated by newlines."""
    out = []
    for c in el.iter():
        n = local(c.tag)
        if n == "t" and c.text:
            out.append(c.text)
        elif n == "p":
            out.append("\n")
        elif n == "tab":
            out.append("\t")
    return "".join(out).strip()


# -- the package as a model ---------------------------------------------------------------
_REL_SIG = "digital-signature"


def _rels(pkg: Package, part: str) -> list[tuple[str, str, str]]:
    """(type, target part name, target mode) of a part's relationships."""
    d, b = posixpath.split(part)
    root = pkg.xml(posixpath.join(d, "_rels", b + ".rels"))
    if root is None:
        return []
    out = []
    for rel in root:
        if local(rel.tag) != "Relationship":
            continue
        typ = rel.get("Type", "")
        target = rel.get("Target", "")
        mode = rel.get("TargetMode", "")
        if mode != "External":
            target = posixpath.normpath(posixpath.join(d, target)) if not target.startswith("/") else target[1:]
        out.append((typ, target, mode))
    return out


def load(art, ctx) -> DocxModel | None:
    """Parse the package once per artefact (the structure detector and the extractor share it)."""
    if "_docx" in art.meta:
        return art.meta["_docx"]
    model = None
    try:
        model = _load(art, ctx)
    except Exception as e:  # BadZipFile, LargeZipFile, struct.error, ValueError…
        ctx.error(art, f"DOCX could not be read ({type(e).__name__}: {shorten(str(e), 100)}); "
                       "its text was not analysed")
    art.meta["_docx"] = model
    return model


def _load(art, ctx) -> DocxModel:
    data = art.meta.get("bytes") or b""
    pkg = Package(data, art, ctx)
    model = DocxModel()
    names = pkg.names()
    package_rels = _rels(pkg, "")
    main = next((t for typ, t, _m in package_rels if typ.endswith("/officeDocument")), None)
    if main is None or pkg.find(main) is None:
        main = pkg.find("word/document.xml")
    if main is None:
        ctx.error(art, "DOCX package has no main document part (word/document.xml); body text not analysed")
    main_dir = posixpath.dirname(main) if main else "word"
    styles = Styles(pkg.xml(posixpath.join(main_dir, "styles.xml")) if pkg.find(posixpath.join(main_dir, "styles.xml")) else None)
    doc_rels = _rels(pkg, main) if main else []

    # signature parts: package relationship of the digital-signature origin, then its parts
    sig_names = [n for n in names if n.lower().startswith("_xmlsignatures/") and n.lower().endswith(".xml")]
    origin_declared = any(_REL_SIG in typ for typ, _t, _m in package_rels)
    for n in sig_names:
        model.signatures.append(_signature_part(pkg, n, origin_declared, main))
    if origin_declared and not sig_names:
        model.signature_rel_dangling = True
    signed = model.signed
    sig_fact = "digitally-signed" if signed else "no-digital-signature"
    base_facts = {"docx", sig_fact}

    # body
    page_bg = None
    if main:
        root = pkg.xml(main)
        if root is not None:
            body = _child(root, "body")
            bg = _child(root, "background")
            color = (_attr(bg, "color") or "").upper()
            page_bg = color if color and color != "AUTO" else None
            walker = PartWalker(styles, page_bg)
            if body is not None:
                walker.block(body)
            model.body = walker.visible
            model.body_paragraphs = walker.paragraph_text
            _stories(model, walker, main, base_facts)
            for no, sig in walker.signature_paragraphs:
                model.signature_lines.append(_signature_line(sig, no, main, walker))
            for no, name in walker.script_runs.items():
                cue = signature_cue(walker.paragraph_text, no, name)
                if cue and NAME_SHAPE.fullmatch(name.strip()):
                    model.script_signatures.append((f"paragraph {no}", name.strip(), cue))
            for no, name in walker.pictures.items():
                cue = signature_cue(walker.paragraph_text, no, "\x00")
                if cue:
                    model.image_signatures.append((f"paragraph {no}", name, cue))
    # headers, footers, notes, comments: by relationship, else by name
    targets = {t: typ for typ, t, mode in doc_rels if mode != "External"}
    if not targets:
        targets = {n: "" for n in names if n.startswith(main_dir + "/")}
    seen = set()
    for target in sorted(targets, key=_part_order):
        typ = targets[target]
        base = posixpath.basename(target).lower()
        real = pkg.find(target)
        if real is None or real in seen:
            continue
        seen.add(real)
        kind = _story_kind(typ, base)
        if kind is None:
            if typ.endswith("/aFChunk") or typ.endswith("/package") or typ.endswith("/oleObject") \
                    or "/embeddings/" in "/" + real:
                blob = pkg.read(real, MAX_EMBEDDED)
                if blob:
                    model.embedded.append((real, blob, f"embedded {real}"))
            continue
        root = pkg.xml(real)
        if root is None:
            continue
        if kind == "comments":
            _comments(model, root, real, styles, page_bg, base_facts)
        elif kind in ("footnotes", "endnotes"):
            _notes(model, root, real, kind, styles, page_bg, base_facts)
        else:
            walker = PartWalker(styles, page_bg)
            walker.block(root)
            _stories(model, walker, real, base_facts)
            for no, sig in walker.signature_paragraphs:
                model.signature_lines.append(_signature_line(sig, 0, real, walker))
    # embedded objects that no relationship named
    for n in names:
        if n.lower().startswith(main_dir.lower() + "/embeddings/") and n not in seen:
            blob = pkg.read(n, MAX_EMBEDDED)
            if blob:
                model.embedded.append((n, blob, f"embedded {n}"))
    # building blocks
    gloss = pkg.find(posixpath.join(main_dir, "glossary/document.xml"))
    if gloss:
        root = pkg.xml(gloss)
        if root is not None:
            walker = PartWalker(styles, page_bg, "building block paragraph")
            walker.block(root)
            walker.hidden.setdefault("glossary", Lines())
            for line, label in zip(walker.visible.lines, walker.visible.labels):
                walker.hidden["glossary"].add(line, label)
            walker.visible = Lines()
            _stories(model, walker, gloss, base_facts)
    _properties(model, pkg, base_facts)
    _custom_xml(model, pkg, names, base_facts)
    if styles.too_deep:
        ctx.error(art, f"DOCX content nested deeper than {MAX_NESTING} levels (tables, text boxes, "
                       "controls); the deeper content was not analysed")
    return model


def _custom_xml(model: DocxModel, pkg: Package, names: list[str], facts: set) -> None:
    """Custom XML data parts (customXml/item1.xml…): data stores no reader sees; content
    controls may show some of it, so the text is kept as a hidden layer of its own."""
    lines = Lines()
    for n in sorted(names):
        low = n.lower()
        if not (low.startswith("customxml/item") and low.endswith(".xml")) or "props" in low:
            continue
        root = pkg.xml(n)
        if root is None:
            continue
        for el in root.iter():
            text = (el.text or "").strip()
            if text:
                lines.add(text, f"{n} {shorten(local(el.tag), 40)}")
            if len(lines) > MAX_CUSTOM_LINES:
                pkg.ctx.error(pkg.art, f"custom XML data has over {MAX_CUSTOM_LINES} values; the rest was not analysed")
                break
    if lines:
        model.children.append(("custom XML data (customXml)", lines, set(facts) | {"hidden"},
                               {"role": "custom-xml", "hidden_reason": "custom-xml",
                                "hidden_label": HIDDEN_REASONS["custom-xml"]}))


def _part_order(name: str) -> tuple:
    b = posixpath.basename(name).lower()
    order = ("header", "footer", "footnotes", "endnotes", "comments")
    for i, o in enumerate(order):
        if b.startswith(o):
            return (i, name)
    return (len(order), name)


def _story_kind(typ: str, base: str) -> str | None:
    """header, footer, footnotes, endnotes or comments, from the relationship type (or, for a
    package without relationships, the part's name)."""
    t = typ.rsplit("/", 1)[-1].lower()
    for k in ("header", "footer", "footnotes", "endnotes", "comments"):
        if t == k or (not typ and base.startswith(k) and base.endswith(".xml")):
            return k
    return None


def _stories(model: DocxModel, walker: PartWalker, part: str, facts: set) -> None:
    role = _role(part)
    if walker.visible:
        model.children.append((f"{part} ({role} text)", walker.visible, set(facts), {"role": role}))
    for reason, lines in walker.hidden.items():
        model.children.append((f"{part} hidden text: {HIDDEN_REASONS[reason]}", lines,
                               set(facts) | {"hidden"}, {"role": role, "hidden_reason": reason,
                                                         "hidden_label": HIDDEN_REASONS[reason]}))


def _role(part: str) -> str:
    b = posixpath.basename(part).lower()
    if b == "document.xml":
        return "glossary" if "glossary" in part.lower() else "body"
    for k in ("header", "footer", "footnotes", "endnotes", "comments"):
        if b.startswith(k):
            return k
    return "part"


def _comments(model, root, part, styles, page_bg, facts) -> None:
    lines = Lines()
    hidden = PartWalker(styles, page_bg)
    for c in root:
        if local(c.tag) != "comment":
            continue
        cid = _attr(c, "id") or "?"
        who = _attr(c, "author") or "unknown author"
        when = _attr(c, "date") or ""
        w = PartWalker(styles, page_bg)
        w.block(c)
        label = f"comment {cid} by {shorten(who, 40)}" + (f" ({when[:10]})" if when else "")
        for line in w.visible.lines:
            lines.add(line, label)
        for reason, hl in w.hidden.items():
            for line in hl.lines:
                hidden.hide(reason, line, label)
    if lines:
        model.children.append((f"{part} (comments)", lines, set(facts) | {"document-comment"},
                               {"role": "comments"}))
    _stories(model, hidden, part, set(facts) | {"document-comment"})


def _notes(model, root, part, kind, styles, page_bg, facts) -> None:
    walker = PartWalker(styles, page_bg)
    noun = kind[:-1]  # footnote / endnote
    for note in root:
        if local(note.tag) not in ("footnote", "endnote"):
            continue
        if _attr(note, "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        nid = _attr(note, "id") or "?"
        walker.block(note, label=f"{noun} {nid}")
    _stories(model, walker, part, facts)


def _signature_line(sig, paragraph: int, part: str, walker: PartWalker) -> SignatureLine:
    def a(name):
        return (_attr(sig, name) or "").strip()

    script = ""
    for no in range(paragraph - 2, paragraph + 3):
        if no in walker.script_runs:
            script = walker.script_runs[no]
            break
    return SignatureLine(id=a("id").strip("{}").upper(), signer=a("suggestedsigner"),
                         title=a("suggestedsigner2"), email=a("suggestedsigneremail"),
                         paragraph=paragraph, part=part, script_font_text=script)


def _b64(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(re.sub(r"\s+", "", text), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _signature_part(pkg: Package, name: str, linked: bool, main: str | None) -> SignaturePart:
    root = pkg.xml(name)
    part = SignaturePart(name, False)
    if root is None:
        part.problem = "the signature part cannot be read"
        return part
    value = None
    digests = 0
    uris: list[str] = []
    certificate = b""
    for el in root.iter():
        n = local(el.tag)
        if n == "SignatureValue":
            value = (el.text or "").strip()
        elif n == "DigestValue" and (el.text or "").strip():
            digests += 1
        elif n == "Reference":
            uris.append((el.get("URI") or "").split("?")[0].lstrip("/").lower())
        elif n == "X509Certificate" and not certificate:
            certificate = _b64((el.text or "").strip())
        elif n == "SetupID" and el.text:
            part.setup_ids.add(el.text.strip().strip("{}").upper())
    signature = _b64(value or "")
    if not value:
        part.problem = "it has no signature value"
    elif len(signature) < 64 or not signature.strip(b"\x00"):
        part.problem = "its signature value is not a plausible signature (too short, not base64 or all zero)"
    elif not digests:
        part.problem = "it signs nothing (no reference with a digest value)"
    elif len(certificate) < 300 or certificate[:2] != b"\x30\x82":
        part.problem = "it carries no signer certificate (no X509Certificate in DER)"
    elif main and main.lower() not in uris:
        part.problem = f"it does not sign the document's text (no reference to /{main})"
    elif not linked:
        part.problem = "the package does not link it (no digital-signature origin relationship), so Word never sees it"
    else:
        part.has_value = True
    return part


# -- properties ---------------------------------------------------------------------------
CORE_NAMES = {
    "creator": "author", "lastModifiedBy": "last-modified-by", "title": "title",
    "subject": "subject", "keywords": "keywords", "description": "description",
    "category": "category", "contentStatus": "content-status", "created": "created",
    "modified": "modified", "lastPrinted": "last-printed", "revision": "revision",
    "identifier": "identifier", "language": "language", "version": "version",
}
APP_NAMES = {
    "Application": "creator-tool", "AppVersion": "creator-tool-version", "Company": "company",
    "Manager": "manager", "Template": "template", "HyperlinkBase": "hyperlink-base",
    "TotalTime": "editing-minutes",
}


def _simple_properties(pkg: Package, lines: Lines, part: str, names: dict, known_only: bool) -> None:
    """One line per filled element of a flat properties part (core.xml, app.xml), named by
    `names`; with `known_only`, elements `names` does not list are left out."""
    found = pkg.find(part)
    root = pkg.xml(found) if found else None
    if root is None:
        return
    for el in root:
        n = local(el.tag)
        text = (el.text or "").strip()
        if text and (n in names or not known_only):
            lines.add(f"{names.get(n, n)}: {text}", f"{found} {n}")


def _properties(model: DocxModel, pkg: Package, facts: set) -> None:
    lines = Lines()
    _simple_properties(pkg, lines, "docProps/core.xml", CORE_NAMES, known_only=False)
    _simple_properties(pkg, lines, "docProps/app.xml", APP_NAMES, known_only=True)
    custom = pkg.find("docProps/custom.xml")
    if custom:
        root = pkg.xml(custom)
        if root is not None:
            for prop in root:
                pname = _attr(prop, "name") or "?"
                val = " ".join((c.text or "").strip() for c in prop if (c.text or "").strip())
                if val:
                    lines.add(f"custom {pname}: {val}", f"{custom} property {shorten(pname, 40)}")
    settings = pkg.find("word/settings.xml")
    if settings:
        root = pkg.xml(settings)
        if root is not None:
            for el in root.iter():
                if local(el.tag) == "docVar":
                    name, val = _attr(el, "name") or "?", (_attr(el, "val") or "").strip()
                    if val:
                        lines.add(f"document variable {name}: {val}", f"{settings} docVar {shorten(name, 40)}")
    if lines:
        # not rendered anywhere in the document: a layer a reader does not see
        model.children.append(("document properties (docProps)", lines,
                               set(facts) | {"document-properties", "hidden"},
                               {"role": "properties", "hidden_reason": "properties",
                                "hidden_label": "document properties"}))


# -- the extractor ------------------------------------------------------------------------
@extractor("docx", kinds={"docx"}, binary=True)
def extract_docx(art, ctx):
    def as_pdf(art, ctx):
        from .pdf import extract_pdf

        return extract_pdf(art, ctx)

    yield from extract_document(art, ctx, what="DOCX", load=load, unparsed=lambda m: m.body is None,
                                other_kind="pdf", other_extract=as_pdf,
                                other_note="named like a DOCX but is a PDF; read as a PDF")
