"""PDF files → the text a reader sees, the text a reader does not, and the objects that make a
PDF look signed, stamped or authored by someone.

Parsing uses `pypdf` (pure Python, maintained; imported only when a PDF is met) with bounds on
pages, annotations, fields, attachments and time; every pypdf exception means "not fully
analysed" and is reported.  Children, one block per line with a label per line
(`meta["line_labels"]`):

- per page, the visible text layer ("page 3 text");
- per page and reason, text drawn so that no one sees it, with the fact `hidden`: render mode
  3 or 7 (`Tr`), fill alpha 0, text in the colour of what lies under it (white on white), a
  Type 3 font whose glyphs draw nothing, a font under 1 pt or of size 0, horizontal scaling
  near 0 (`Tz`), text outside the page box or its clipping path, text covered by a shape
  painted later, optional content that is off; also inside form XObjects.  Invisible text over
  a page image is what OCR tools write: it gets the fact `ocr-layer` instead of counting as
  concealment;
- per page, annotations (stamps, notes, free text, signature-widget appearances; fact
  `document-annotation`; hidden ones, by flag, size or place, also `hidden`);
- form-field values (`form-field`), bookmarks, document-level JavaScript (kind `javascript`),
  document properties from the Info dictionary, XMP and signature values
  (`document-properties`, `hidden`), embedded files (as children of their own kind).

Every child carries `pdf` and `digitally-signed` or `no-digital-signature`: whether any
signature field holds a `/Sig` (or `/DocTimeStamp`) value whose `/ByteRange` and `/Contents`
look like a real signature (CMS signedData, the file covered around it).  For signed files the
signed revision is read again to see whether a later update changed the pages.  A page with no
text layer is reported as not checked.

How hidden text is told apart from visible text: the page's content stream is walked here with
a small graphics-state machine (q/Q, cm, Tr, colours, gs, Tf, Tz, text matrices, paths, clips,
marked content), first to learn what is painted where, then to mark the text.  Before each
text-showing operator whose visibility differs from the previous one, a flush (an identity
`cm`) and a marker operator naming the reason are inserted, so that pypdf's own text extraction
(fonts, encodings, spacing) delivers each run of equal visibility separately to our visitor.
"""
from __future__ import annotations

import io
import logging
import math
import re
import time
import warnings
from dataclasses import dataclass, field

from ..docmodel import Lines, UnsafeXML, extract_document, local, parse_xml, shorten
from . import extractor
from .docx import NAME_SHAPE, SCRIPT_FONT, SIGNATURE_CUE, signature_cue
from ..lazyregex import lazy_re

MAX_PAGES = 400
PDF_SHARE = 0.75  # of the file's time budget (`file-timeout`) that reading pages may use
MAX_EMBEDDED = 16 * 1024 * 1024
MAX_ANNOTS = 500  # per page
MAX_FIELDS = 5000  # form fields, Info entries
MAX_ATTACHMENTS = 200
MAX_XMP = 8 * 1024 * 1024
MAX_OPS = 400_000  # content-stream operators per page walked for visibility
MARKER = b"ASCANVIS"

HIDDEN_REASONS = {
    "render-invisible": "render mode 3 (invisible text)",
    "render-clip": "render mode 7 (clip only, not painted)",
    "transparent": "fill alpha 0 (fully transparent)",
    "white": "white text on a white page",
    "tiny": "font under 1 pt",
    "squeezed": "horizontal scaling near 0 (Tz)",
    "off-page": "outside the page",
    "optional-off": "optional content layer that is off",
    "covered": "covered by a shape painted over it",
    "same-colour": "text painted in the colour of what lies under it",
    "blank-font": "a Type 3 font whose glyphs draw nothing",
    "clipped": "outside the clipping path (never painted)",
    "ocr": "invisible text over a page image (an OCR layer)",
    "hidden-annotation": "annotation hidden by its flags, size or place",
    "properties": "document properties",
}


@dataclass
class Stamp:
    page: int
    subtype: str
    name: str
    text: str  # /Contents and appearance text
    hidden: bool = False
    image: bool = False  # its appearance draws a picture


@dataclass
class SigField:
    name: str
    page: int
    has_value: bool
    problem: str = ""  # why a present value does not look like a signature
    appearance: str = ""
    covers: int = 0  # bytes of the file the signature covers (end of its /ByteRange)


@dataclass
class PdfModel:
    children: list[tuple] = field(default_factory=list)  # (label, Lines, facts, meta)
    embedded: list[tuple[str, bytes, str]] = field(default_factory=list)
    stamps: list[Stamp] = field(default_factory=list)
    sig_fields: list[SigField] = field(default_factory=list)
    pages: int = 0
    changed_after_signing: list[str] = field(default_factory=list)
    signature_info: list[tuple[str, str]] = field(default_factory=list)  # (line, label) of /Sig values
    ink_pages: list[int] = field(default_factory=list)  # pages with hand-drawn (Ink) annotations
    page_cues: dict[int, str] = field(default_factory=dict)  # page → signature wording on it
    notes: list[str] = field(default_factory=list)  # limits reached, for `errors`
    script_signatures: list[tuple[str, str, str]] = field(default_factory=list)  # (where, name, cue)

    @property
    def signed(self) -> bool:
        return any(s.has_value and not s.problem for s in self.sig_fields)


def _quiet():
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)


# -- graphics state -----------------------------------------------------------------------
def _mul(a, b):
    """Matrix product a×b of PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


_ID = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def _nums(operands, n):
    out = []
    for o in operands[:n]:
        try:
            out.append(float(o))
        except (TypeError, ValueError):
            return None
    return out if len(out) == n else None


_PAGE_WHITE = (1.0, 1.0, 1.0)
_PAINTS = lazy_re(rb"(?<![A-Za-z])(?:f\*?|F|B\*?|b\*?|S|s|Do|BI|sh|Tj|TJ)(?![A-Za-z])")
MAX_PAINTED = 4000  # painted areas remembered per page (the latest ones)


def _to_rgb(fill) -> tuple | None:
    """A fill colour as RGB in 0..1, or None when it cannot be told (patterns, odd spaces)."""
    if not fill:
        return None
    if len(fill) == 1:
        return (fill[0],) * 3
    if len(fill) == 3:
        return tuple(fill)
    if len(fill) == 4:
        c, m, y, k = fill
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


@dataclass
class GState:
    """The parts of the graphics state that decide whether text can be seen."""

    ctm: list = field(default_factory=lambda: list(_ID))
    tr: int = 0
    fill: tuple | None = (0.0,)
    tz: float = 100.0
    size: float | None = None  # None until a Tf sets it
    alpha: float = 1.0
    leading: float = 0.0
    clip: tuple | None = None  # bounding box of the clipping path, page space
    blank_font: bool = False  # the current font draws nothing (a Type 3 font of empty glyphs)

    def copy(self) -> GState:
        return GState(list(self.ctm), self.tr, self.fill, self.tz, self.size, self.alpha, self.leading,
                      self.clip, self.blank_font)


class Visibility:
    """Walks a page's operators (and the form XObjects it draws) and tells, for each
    text-showing operator, why no one would see it (or None).

    The operators are rewritten with a flush point (an identity `cm`) and a marker operator
    carrying the reason before each change of visibility; form XObjects are rewritten once, in
    the state of their first use, and put back in their resource dictionary so that pypdf's
    extraction reads the marked version."""

    SHOW = (b"Tj", b"TJ", b"'", b'"')
    MAX_FORM_DEPTH = 8

    def __init__(self, page, reader, box, done_forms: set):
        res = page.get("/Resources")
        try:
            self.resources = res.get_object() if res is not None else None
        except Exception:
            self.resources = None
        self.reader = reader
        self.off_ocgs = _off_ocgs(reader)
        self.box = box
        # what was painted, in order: (box, colour as RGB or None when unknown: images, shadings)
        self.painted: list[tuple[tuple, tuple | None]] = []
        self.images = 0
        self.has_text_ops = False
        self.ops_seen = 0
        self.done_forms = done_forms  # id() of forms already rewritten (shared resources)
        self.collecting = False
        self.blank_fonts: dict[int, bool] = {}
        self.fills: list[tuple[int, tuple]] = []  # (operator index, box) of filled shapes
        self.page_images: list[tuple] = []  # boxes of images covering a good part of the page
        x0, y0, x1, y1 = box if box is not None else (0, 0, 612, 792)
        self.page_area = max(1.0, (x1 - x0) * (y1 - y0))

    @staticmethod
    def _resource(resources, kind: str, name):
        try:
            d = resources.get(kind) if resources is not None else None
            d = d.get_object() if d is not None else None
            obj = d.get(name) if d is not None else None
            return obj.get_object() if obj is not None else None
        except Exception:
            return None

    def page_ops(self, ops: list) -> list:
        # first pass: where the page paints filled shapes, so that text painted over later
        # ("covered") is known when the second pass marks the text
        self.collecting = True
        self.rewrite(ops, self.resources, GState(), 0)
        self.collecting = False
        self.painted, self.images, self.ops_seen, self.has_text_ops = [], 0, 0, False
        return self.rewrite(ops, self.resources, GState(), 0)

    def covered(self, i: int, x: float, y: float, w: float, h: float) -> bool:
        """Whether a filled shape painted after operator `i` hides the text at (x, y)."""
        pts = ((x + 0.5, y + 0.3 * h), (x + max(w, 1.0) - 0.5, y + 0.3 * h))
        for j, (a0, b0, a1, b1) in self.fills:
            if j > i and all(a0 <= px <= a1 and b0 <= py <= b1 for px, py in pts):
                return True
        return False

    def _marker(self, key):
        from pypdf.generic import NameObject, NumberObject

        one, zero = NumberObject(1), NumberObject(0)
        # an identity cm makes pypdf hand over the text so far: a flush point
        return [([one, zero, zero, one, zero, zero], b"cm"),
                ([NameObject("/" + (key or "visible"))], MARKER)]

    def rewrite(self, ops: list, resources, g: GState, depth: int) -> list:
        out: list = []
        tm = list(_ID)
        tlm = list(_ID)
        stack: list[GState] = []
        marked: list[bool] = []  # per open marked-content sequence: hidden by optional content
        path: list[tuple[float, float, float, float]] = []
        last: object = object()
        for i, (operands, op) in enumerate(ops):
            self.ops_seen += 1
            if self.ops_seen > MAX_OPS:
                out.extend(ops[i:])  # kept for the text, not checked for visibility
                break
            if op == b"q":
                stack.append(g.copy())
            elif op == b"Q":
                if stack:
                    g = stack.pop()
            elif op == b"cm":
                m = _nums(operands, 6)
                if m:
                    g.ctm = _mul(m, g.ctm)
            elif op == b"BT":
                tm, tlm = list(_ID), list(_ID)
            elif op in (b"Td", b"TD"):
                m = _nums(operands, 2)
                if m:
                    tlm = _mul([1, 0, 0, 1, m[0], m[1]], tlm)
                    tm = list(tlm)
                    if op == b"TD":
                        g.leading = -m[1]
            elif op == b"Tm":
                m = _nums(operands, 6)
                if m:
                    tm, tlm = list(m), list(m)
            elif op in (b"T*", b"'", b'"'):
                tlm = _mul([1, 0, 0, 1, 0, -g.leading], tlm)
                tm = list(tlm)
            elif op == b"TL":
                m = _nums(operands, 1)
                if m:
                    g.leading = m[0]
            elif op == b"Tf":
                m = _nums(operands[1:], 1)
                if m:
                    g.size = m[0]
                if operands:
                    g.blank_font = self._blank_font(self._resource(resources, "/Font", operands[0]))
            elif op == b"Tr":
                m = _nums(operands, 1)
                if m:
                    g.tr = int(m[0])
            elif op == b"Tz":
                m = _nums(operands, 1)
                if m:
                    g.tz = m[0]
            elif op in (b"g", b"rg", b"k"):
                m = _nums(operands, {b"g": 1, b"rg": 3, b"k": 4}[op])
                if m:
                    g.fill = tuple(m)
            elif op in (b"sc", b"scn"):
                nums = []
                for o in operands:
                    try:
                        nums.append(float(o))
                    except (TypeError, ValueError):
                        nums = []
                        break
                g.fill = tuple(nums) if nums else None
            elif op == b"cs":
                g.fill = (0.0,) if operands and str(operands[0]) in ("/DeviceGray", "/DeviceRGB", "/DeviceCMYK") else None
            elif op == b"gs" and operands:
                gs = self._resource(resources, "/ExtGState", operands[0])
                if gs is not None:
                    try:
                        if "/ca" in gs:
                            g.alpha = float(gs["/ca"])
                    except (TypeError, ValueError):
                        pass
            elif op == b"re":
                m = _nums(operands, 4)
                if m:
                    path.append(_bbox_rect(m, g.ctm))
            elif op in (b"m", b"l", b"c", b"v", b"y"):
                # a drawn outline (a rounded banner, a badge): its bounding box, page space
                nums = _nums(operands, len(operands))
                if nums and len(nums) % 2 == 0:
                    xs = [nums[k] * g.ctm[0] + nums[k + 1] * g.ctm[2] + g.ctm[4] for k in range(0, len(nums), 2)]
                    ys = [nums[k] * g.ctm[1] + nums[k + 1] * g.ctm[3] + g.ctm[5] for k in range(0, len(nums), 2)]
                    if op == b"m" or not path or path[-1][4:] != ("open",):
                        path.append((min(xs), min(ys), max(xs), max(ys), "open"))
                    else:
                        a = path[-1]
                        path[-1] = (min(a[0], *xs), min(a[1], *ys), max(a[2], *xs), max(a[3], *ys), "open")
            elif op in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
                path = [p[:4] for p in path]
                if path and g.alpha > 0.5:
                    colour = _to_rgb(g.fill)
                    self.painted.extend((bx, colour) for bx in path[:50])
                    del self.painted[:-MAX_PAINTED]
                if self.collecting and depth == 0 and g.alpha > 0.5:
                    for bx in path[:50]:
                        if (bx[2] - bx[0]) * (bx[3] - bx[1]) < 0.9 * self.page_area:
                            self.fills.append((i, bx))
                path = []
            elif op in (b"W", b"W*"):
                if path:
                    g.clip = (min(p[0] for p in path), min(p[1] for p in path),
                              max(p[2] for p in path), max(p[3] for p in path))
            elif op in (b"n", b"S", b"s"):
                path = []
            elif op == b"sh":
                # a smooth shading paints the clipping area (gradient banners behind titles)
                self.painted.append((g.clip or self.box or (0, 0, 1e6, 1e6), None))
            elif op in (b"BDC", b"BMC"):
                marked.append(op == b"BDC" and self._oc_hidden(operands, resources))
            elif op == b"EMC":
                if marked:
                    marked.pop()
            elif op == b"Do" and operands:
                self._do(operands[0], resources, g, depth, any(marked), i if depth == 0 else -1)
                last = object()  # the form's markers changed the visitor's state
            elif op == b"INLINE IMAGE":
                self._image(g, i if depth == 0 else -1)
            if op in self.SHOW and not self.collecting:
                self.has_text_ops = True
                key = self.reason(g.tr, g.fill, g.tz, g.size, g.alpha, tm, g.ctm, any(marked), g.clip,
                                  g.blank_font)
                if key is None and depth == 0 and self.fills:
                    full = _mul(tm, g.ctm)
                    size = abs(g.size or 0.0)
                    h = size * math.hypot(full[2], full[3])
                    w = size * math.hypot(full[0], full[1]) * (g.tz / 100.0) * 0.5 * _shown_len(op, operands)
                    if self.covered(i, full[4], full[5], w, h):
                        key = "covered"
                if key != last:
                    out.extend(self._marker(key))
                    last = key
            out.append((operands, op))
        return out

    def _blank_font(self, font) -> bool:
        """A Type 3 font whose glyph procedures paint nothing: its text is invisible."""
        if font is None or str(font.get("/Subtype")) != "/Type3":
            return False
        key = id(font)
        if key not in self.blank_fonts:
            blank = False
            try:
                procs = font.get("/CharProcs").get_object()
                datas = [v.get_object().get_data() for v in list(procs.values())[:256]]
                # d0/d1 set the width; anything else (a path, an image) paints
                blank = bool(datas) and all(not _PAINTS.search(d) for d in datas)
            except Exception:
                blank = False
            self.blank_fonts[key] = blank
        return self.blank_fonts[key]

    def _image(self, g: GState, at: int = -1) -> None:
        """An image: its area has a colour no one can tell; a big one may be a scanned page;
        one painted over text (`at`: its operator index on the page) covers that text."""
        box = _bbox_rect([0, 0, 1, 1], g.ctm)
        self.images += 1
        self.painted.append((box, None))
        if self.collecting:
            area = (box[2] - box[0]) * (box[3] - box[1])
            if area >= 0.25 * self.page_area:
                self.page_images.append(box)
            if at >= 0 and g.alpha > 0.5 and area < 0.9 * self.page_area:
                self.fills.append((at, box))

    def _oc_hidden(self, operands, resources) -> bool:
        """Whether a `/OC … BDC` sequence belongs to an optional-content group that is off."""
        if len(operands) < 2 or str(operands[0]) != "/OC":
            return False
        props = operands[1]
        if str(props) == "/_hidden":  # our mark for a form drawn inside a hidden layer
            return True
        try:
            props = props.get_object() if hasattr(props, "get") else self._resource(resources, "/Properties", props)
            ref = getattr(props, "indirect_reference", None)
            return ref is not None and (ref.idnum, ref.generation) in self.off_ocgs
        except Exception:
            return False

    def _do(self, name, resources, g: GState, depth: int, oc_hidden: bool, at: int = -1) -> None:
        """An XObject: an image darkens its area; a form is rewritten in the current state."""
        from pypdf.generic import ContentStream, NameObject

        try:
            xd = resources.get("/XObject") if resources is not None else None
            xd = xd.get_object() if xd is not None else None
            xo = xd.get(name).get_object() if xd is not None and xd.get(name) is not None else None
        except Exception:
            return
        if xo is None:
            return
        sub = str(xo.get("/Subtype"))
        if sub == "/Image":
            self._image(g, at)
            return
        if sub != "/Form" or depth >= self.MAX_FORM_DEPTH:
            return
        if id(xo) in self.done_forms and not self.collecting:
            return
        try:
            inner = g.copy()
            m = _nums(list(xo.get("/Matrix", [])), 6)
            if m:
                inner.ctm = _mul(m, inner.ctm)
            form_res = xo.get("/Resources")
            form_res = form_res.get_object() if form_res is not None else resources
            cs = xo if isinstance(xo, ContentStream) else ContentStream(xo, self.reader)
            ops = cs.operations
            if self.collecting:  # only looking for page images drawn through forms
                self.rewrite(ops, form_res, inner, depth + 1)
                return
            if oc_hidden:
                ops = [([NameObject("/OC"), NameObject("/_hidden")], b"BDC")] + list(ops) + [([], b"EMC")]
            cs.operations = self.rewrite(ops, form_res, inner, depth + 1)
            for k, v in xo.items():
                if k not in ("/Length", "/Filter", "/DecodeParms"):
                    cs[NameObject(k)] = v
            self.done_forms.add(id(cs))
            self.done_forms.add(id(xo))
            xd[NameObject(str(name))] = cs
        except Exception:
            return

    def reason(self, tr, fill, tz, size, alpha, tm, ctm, oc_hidden, clip=None,
               blank_font=False) -> str | None:
        if oc_hidden:
            return "optional-off"
        if blank_font:
            return "blank-font"
        if tr in (3, 7):
            full = _mul(tm, ctm)
            x, y = full[4], full[5]
            if any(a[0] - 2 <= x <= a[2] + 2 and a[1] - 2 <= y <= a[3] + 2 for a in self.page_images):
                return "ocr"  # invisible text over a scanned page image: an OCR layer
            return "render-invisible" if tr == 3 else "render-clip"
        if alpha <= 0.01 and tr in (0, 4):
            return "transparent"
        full = _mul(tm, ctm)
        known = size is not None  # a font size of 0 is set on purpose: nothing is drawn
        height = abs(size or 0.0) * math.hypot(full[2], full[3])
        width = abs(size or 0.0) * math.hypot(full[0], full[1]) * (tz / 100.0)
        if known and height < 1.0:
            return "tiny"
        if abs(tz) < 5 or (known and width < 0.5):
            return "squeezed"
        x, y = full[4], full[5]
        if self.box is not None:
            x0, y0, x1, y1 = self.box
            margin = max(2.0, height)
            if x > x1 + margin or y > y1 + margin or y < y0 - margin or x < x0 - 10 * margin:
                return "off-page"
        if clip is not None:
            cx0, cy0, cx1, cy1 = clip
            margin = max(2.0, height)
            if x > cx1 + margin or y > cy1 + margin or y < cy0 - margin or x < cx0 - 10 * margin:
                return "clipped"
        if tr in (0, 4):
            colour = _to_rgb(fill)
            if colour is not None:
                # the colour under the middle of the first glyph; rules and underlines thinner
                # than half the text do not count as its background
                px, py, min_h = x + 0.25 * height, y + 0.35 * height, 0.5 * height
                under = next((c for a, c in reversed(self.painted)
                              if a[0] <= px <= a[2] and a[1] <= py <= a[3] and a[3] - a[1] >= min_h),
                             _PAGE_WHITE)
                if under is not None and max(abs(p - q) for p, q in zip(colour, under)) <= 0.08:
                    return "white" if min(under) >= 0.92 else "same-colour"
        return None


def _shown_len(op: bytes, operands) -> int:
    """How many glyphs a text-showing operator paints, about."""
    try:
        if op == b"TJ":
            return sum(len(x) for x in operands[0] if isinstance(x, (str, bytes)))
        return len(operands[-1]) if operands else 0
    except Exception:
        return 0


def _bbox_rect(r, ctm):
    x, y, w, h = r
    pts = [(x, y), (x + w, y), (x, y + h), (x + w, y + h)]
    xs, ys = [], []
    for px, py in pts:
        xs.append(px * ctm[0] + py * ctm[2] + ctm[4])
        ys.append(px * ctm[1] + py * ctm[3] + ctm[5])
    return min(xs), min(ys), max(xs), max(ys)


def _off_ocgs(reader) -> set:
    try:
        ocp = reader.trailer["/Root"].get_object().get("/OCProperties")
        if ocp is None:
            return set()
        d = ocp.get_object().get("/D")
        off = d.get_object().get("/OFF") if d is not None else None
        out = set()
        for ref in (off.get_object() if off is not None else [])[:1000]:
            if hasattr(ref, "idnum"):
                out.add((ref.idnum, ref.generation))
        return out
    except Exception:
        return set()


# -- pages --------------------------------------------------------------------------------
def _page_box(page):
    try:
        box = page.cropbox if "/CropBox" in page else page.mediabox
        return float(box.left), float(box.bottom), float(box.right), float(box.top)
    except Exception:
        return None


# Typographic ligatures that PDF text layers keep (U+FB00-FB06), spelled out so that words
# like "certified" or "notarial certificate" read as written.
_LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}
# Glyph codes below 32 come out raw when a font has no Unicode map.  In TeX's OT1 fonts, the
# usual source, 11-15 are the ff/fi/fl/ffi/ffl ligatures; the other control codes are glyphs
# without text and are dropped, so that no control character reaches the text rules.
_LIGATURES.update({0x0B: "ff", 0x0C: "fi", 0x0D: "fl", 0x0E: "ffi", 0x0F: "ffl"})
_LIGATURES.update({c: None for c in range(32) if c not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F)})


def _page_cue(text: str, name: str) -> str:
    """Signature wording on the lines around a typed name."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if name in line:
            return signature_cue({k: v for k, v in enumerate(lines)}, i, name)
    return ""


def _page_text(page, reader, art, ctx, no: int, done_forms: set,
               script_signatures: list, cues: dict) -> tuple[Lines, dict[str, Lines], bool, bool]:
    """Visible lines, hidden lines per reason, whether the page draws images, whether it
    has text operators at all."""
    from pypdf.generic import NameObject

    vis = Visibility(page, reader, _page_box(page), done_forms)
    contents = page.get_contents()
    if contents is None:
        return Lines(), {}, False, False
    ops = vis.page_ops(contents.operations)
    if vis.ops_seen > MAX_OPS:
        ctx.error(art, f"page {no}: more than {MAX_OPS} drawing operators; the rest was not checked for hidden text")
    contents.operations = ops
    page[NameObject("/Contents")] = contents
    current: list = [None]
    chunks: list[tuple[str | None, str]] = []
    script: list[str] = []  # visible text set in a handwriting font

    def before(op, operands, cm, tm):
        if op == MARKER and operands:
            key = str(operands[0]).lstrip("/")
            current[0] = None if key == "visible" else key

    def text(t, cm, tm, font, size):
        if t:
            chunks.append((current[0], t))
            if current[0] is None and t.strip() and font is not None:
                try:
                    base = str(font.get("/BaseFont", ""))
                except Exception:
                    base = ""
                if base and SCRIPT_FONT.search(base.split("+")[-1]):
                    script.append(t.strip())

    try:
        full = page.extract_text(visitor_operand_before=before, visitor_text=text)
    finally:
        # the parsed operators of a dense page are large: let them go with the page
        del page[NameObject("/Contents")]
    hidden_keys = {k for k, _t in chunks if k is not None}
    if not hidden_keys:
        visible_text = full
        hidden: dict[str, str] = {}
    else:
        visible_text = "".join(t for k, t in chunks if k is None)
        hidden = {}
        prev = None
        for k, t in chunks:
            if k is not None:
                so_far = hidden.get(k, "")
                if so_far and prev != k and not so_far.endswith("\n"):
                    so_far += "\n"  # text of another visibility came between: a new line
                hidden[k] = so_far + t
            prev = k
    visible_text = visible_text.translate(_LIGATURES)
    hidden = {k: t.translate(_LIGATURES) for k, t in hidden.items()}
    label = f"page {no}"
    lines = Lines()
    for i, line in enumerate(visible_text.split("\n"), 1):
        lines.add(line, f"{label} line {i}")
    hidden_lines: dict[str, Lines] = {}
    for k, t in hidden.items():
        hl = hidden_lines.setdefault(k, Lines())
        for i, line in enumerate(t.split("\n"), 1):
            hl.add(line, f"{label} hidden line {i}")
    for name in script:
        cue = _page_cue(visible_text, name)
        if cue and NAME_SHAPE.fullmatch(name):
            script_signatures.append((f"page {no}", name, cue))
    m = SIGNATURE_CUE.search(visible_text)
    if m:
        ls = visible_text.rfind("\n", 0, m.start()) + 1
        le = visible_text.find("\n", m.end())
        cues[no] = shorten(visible_text[ls:le if le >= 0 else len(visible_text)], 60)
    return lines, hidden_lines, vis.images > 0, vis.has_text_ops


# -- annotations, fields, signatures ------------------------------------------------------
def _s(obj, key, default=""):
    try:
        v = obj.get(key)
        if v is None:
            return default
        v = v.get_object()
        return str(v)
    except Exception:
        return default


def _appearance_image(annot, depth: int = 0) -> bool:
    """Whether an annotation's normal appearance draws an image (directly or in a form)."""
    try:
        n = annot.get("/AP").get_object().get("/N").get_object()
        return _draws_image(n, 0)
    except Exception:
        return False


def _draws_image(form, depth: int) -> bool:
    if depth > 4:
        return False
    try:
        res = form.get("/Resources")
        xo = res.get_object().get("/XObject") if res is not None else None
        for v in (xo.get_object().values() if xo is not None else []):
            v = v.get_object()
            if str(v.get("/Subtype")) == "/Image" or (str(v.get("/Subtype")) == "/Form" and _draws_image(v, depth + 1)):
                return True
        return b"BI" in form.get_data()[:100000] and b" ID" in form.get_data()[:100000]
    except Exception:
        return False


def _appearance_text(annot, reader) -> str:
    """Text drawn by an annotation's normal appearance stream."""
    from pypdf import PageObject
    from pypdf.generic import NameObject

    try:
        ap = annot.get("/AP")
        if ap is None:
            return ""
        n = ap.get_object().get("/N")
        if n is None:
            return ""
        n = n.get_object()
        if not hasattr(n, "get_data"):  # a dictionary of states: take the first
            states = [v.get_object() for v in n.values()][:1]
            if not states or not hasattr(states[0], "get_data"):
                return ""
            n = states[0]
        page = PageObject(pdf=reader)
        res = n.get("/Resources")
        if res is not None:
            page[NameObject("/Resources")] = res.get_object()
        page[NameObject("/Contents")] = n
        return " ".join(page.extract_text().split())
    except Exception:
        return ""


def _covers(v) -> int:
    try:
        br = [int(x) for x in v.get("/ByteRange").get_object()]
        return br[2] + br[3] if len(br) == 4 else 0
    except Exception:
        return 0


def _raw_bytes(obj) -> bytes:
    """The bytes of a PDF string, whether pypdf decoded it to text or not."""
    if isinstance(obj, bytes):
        return bytes(obj)
    original = getattr(obj, "original_bytes", None)
    if isinstance(original, bytes):
        return original
    return str(obj).encode("latin-1", "replace")


# DER of the object identifier 1.2.840.113549.1.7.2 (PKCS#7 signedData)
SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")


def _sig_problem(v, data: bytes) -> str:
    """Why a /Sig value does not look like a real signature ('' when it does)."""
    try:
        br = [int(x) for x in v.get("/ByteRange").get_object()]
    except Exception:
        return "it has no usable /ByteRange"
    contents = v.get("/Contents")
    try:
        raw = _raw_bytes(contents.get_object()) if contents is not None else b""
    except Exception:
        raw = b""
    if not raw:
        return "its /Contents is empty"
    if not raw.strip(b"\x00"):
        return "its /Contents is all zeros (a placeholder, never signed)"
    sub = _s(v, "/SubFilter")
    if sub == "/adbe.x509.rsa_sha1":  # a bare PKCS#1 signature in an OCTET STRING
        if raw[0] != 0x04 or len(raw.rstrip(b"\x00")) < 64:
            return "its /Contents is not a PKCS#1 signature"
    elif raw[0] != 0x30 or SIGNED_DATA_OID not in raw[:64]:
        # PKCS#7 / CMS (adbe.pkcs7.detached, adbe.pkcs7.sha1, ETSI.CAdES.detached,
        # ETSI.RFC3161): a ContentInfo whose content type is signedData
        return "its /Contents is not a CMS signedData structure"
    elif len(raw.rstrip(b"\x00")) < 256:
        return "its /Contents is too short to hold a signature and a certificate"
    if len(br) != 4 or br[0] != 0 or br[1] <= 0 or br[2] <= br[1] or br[3] < 0:
        return "its /ByteRange is malformed"
    if br[2] + br[3] > len(data):
        return "its /ByteRange reaches past the end of the file"
    gap = data[br[1]:br[2]]
    if not (gap.startswith(b"<") and gap.rstrip().endswith(b">")):
        return "its /ByteRange does not exclude exactly the /Contents string"
    return ""


def _field_type(obj) -> str:
    cur, depth = obj, 0
    while cur is not None and depth < 32:
        ft = cur.get("/FT")
        if ft is not None:
            return str(ft)
        p = cur.get("/Parent")
        cur = p.get_object() if p is not None else None
        depth += 1
    return ""


def _field_name(obj) -> str:
    parts, cur, depth = [], obj, 0
    while cur is not None and depth < 32:
        t = cur.get("/T")
        if t is not None:
            parts.append(str(t))
        p = cur.get("/Parent")
        cur = p.get_object() if p is not None else None
        depth += 1
    return ".".join(reversed(parts)) or "(unnamed)"


def _field_value(obj):
    cur, depth = obj, 0
    while cur is not None and depth < 32:
        v = cur.get("/V")
        if v is not None:
            return v.get_object()
        p = cur.get("/Parent")
        cur = p.get_object() if p is not None else None
        depth += 1
    return None


# -- the model ----------------------------------------------------------------------------
def load(art, ctx) -> PdfModel | None:
    if "_pdf" in art.meta:
        return art.meta["_pdf"]
    model = None
    try:
        _quiet()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = _load(art, ctx)
    except ImportError:
        ctx.error(art, "PDF not analysed: the pypdf package is not installed")
    except RecursionError:
        ctx.error(art, "PDF nested too deeply; not analysed")
    except Exception as e:
        ctx.error(art, f"PDF could not be read ({type(e).__name__}: {shorten(str(e), 100)}); "
                       "its text was not analysed")
    art.meta["_pdf"] = model
    return model


def _load(art, ctx) -> PdfModel:
    from pypdf import PdfReader

    data = art.meta.get("bytes") or b""
    started = time.monotonic()
    # the rules still need time for the text once the pages are read
    budget = round(ctx.limits.file_timeout * PDF_SHARE, 1)
    model = PdfModel()
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except Exception:
            ok = 0
        if not ok:
            ctx.error(art, "PDF is encrypted with a password; its text was not analysed")
            return model
    try:
        n_pages = len(reader.pages)
    except Exception as e:
        ctx.error(art, f"PDF page tree could not be read ({type(e).__name__}); pages not analysed")
        n_pages = 0
    model.pages = n_pages
    if n_pages > MAX_PAGES:
        ctx.error(art, f"PDF has {n_pages} pages; only the first {MAX_PAGES} were analysed")

    # signatures first: every child says whether the file is signed
    pages_list = []
    for i in range(min(n_pages, MAX_PAGES)):
        try:
            pages_list.append(reader.pages[i])
        except Exception as e:
            ctx.error(art, f"page {i + 1} could not be read ({type(e).__name__}); not analysed")
            pages_list.append(None)
    page_of = {}
    for i, page in enumerate(pages_list, 1):
        ref = getattr(page, "indirect_reference", None) if page is not None else None
        if ref is not None:
            page_of[(ref.idnum, ref.generation)] = i
    _signature_fields(model, reader, data, page_of, art, ctx)
    _signature_widgets(model, pages_list, data)
    facts = {"pdf", "digitally-signed" if model.signed else "no-digital-signature"}
    if model.signed:
        _changes_after_signing(model, data, pages_list, art, ctx)

    unchecked: list[int] = []
    undecoded: list[int] = []
    done_forms: set = set()
    for no, page in enumerate(pages_list, 1):
        if page is None:
            continue
        if time.monotonic() - started > budget:
            ctx.error(art, f"PDF analysis stopped after {budget:g} s at page {no} of {n_pages}; "
                           "the remaining pages were not analysed")
            break
        try:
            annots = _annotations(page, reader, no, model)
        except Exception as e:
            annots = (Lines(), Lines())
            ctx.error(art, f"page {no}: annotations could not be read ({type(e).__name__}); not analysed")
        try:
            lines, hidden, images, has_text = _page_text(page, reader, art, ctx, no, done_forms,
                                                         model.script_signatures, model.page_cues)
        except Exception as e:
            ctx.error(art, f"page {no}: text layer could not be read ({type(e).__name__}: "
                           f"{shorten(str(e), 80)}); not analysed")
            continue
        if not lines and not hidden:
            if images:
                unchecked.append(no)
            elif has_text:
                undecoded.append(no)
        if lines:
            model.children.append((f"page {no} text", lines, set(facts), {"role": "page", "page": no}))
        for reason, hl in hidden.items():
            extra = {"hidden", "ocr-layer"} if reason == "ocr" else {"hidden"}
            model.children.append((f"page {no} hidden text: {HIDDEN_REASONS[reason]}", hl,
                                   set(facts) | extra,
                                   {"role": "page", "page": no, "hidden_reason": reason,
                                    "hidden_label": HIDDEN_REASONS[reason]}))
        shown, hidden_annots = annots
        if shown:
            model.children.append((f"page {no} annotations", shown, set(facts) | {"document-annotation"},
                                   {"role": "annotation", "page": no}))
        if hidden_annots:
            model.children.append((f"page {no} hidden annotations", hidden_annots,
                                   set(facts) | {"document-annotation", "hidden"},
                                   {"role": "annotation", "page": no, "hidden_reason": "hidden-annotation",
                                    "hidden_label": HIDDEN_REASONS["hidden-annotation"]}))
    if unchecked:
        ctx.error(art, f"{_pages(unchecked)} no text layer (image only); {_its(unchecked)} content "
                       "was not checked (no OCR)")
    if undecoded:
        ctx.error(art, f"{_pages(undecoded)} text that could not be decoded (fonts without a "
                       f"Unicode map); {_its(undecoded)} content was not checked")
    _form_fields(model, reader, facts)
    _outline(model, reader, facts)
    _javascript(model, reader, art, ctx, facts)
    _properties(model, reader, art, ctx, facts)
    _attachments(model, reader, art, ctx)
    for note in model.notes:
        ctx.error(art, note)
    return model


def _its(nos: list[int]) -> str:
    return "its" if len(nos) == 1 else "their"


def _pages(nos: list[int]) -> str:
    if len(nos) == 1:
        return f"page {nos[0]} has"
    shown = ", ".join(str(n) for n in nos[:12]) + (f" and {len(nos) - 12} more" if len(nos) > 12 else "")
    return f"pages {shown} have"


def _rect_hidden(annot, box) -> bool:
    try:
        x0, y0, x1, y1 = (float(v) for v in list(annot.get("/Rect").get_object())[:4])
    except Exception:
        return False
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return True
    if box is not None:
        bx0, by0, bx1, by1 = box
        return x1 < bx0 or x0 > bx1 or y1 < by0 or y0 > by1
    return False


def _annotations(page, reader, no: int, model: PdfModel) -> tuple[Lines, Lines]:
    shown, hidden = Lines(), Lines()
    box = _page_box(page)
    annots = page.get("/Annots")
    if annots is None:
        return shown, hidden
    annots = annots.get_object()
    counts: dict[str, int] = {}
    annots = list(annots)
    if len(annots) > MAX_ANNOTS:
        model.notes.append(f"page {no} has {len(annots)} annotations; only the first {MAX_ANNOTS} were analysed")
    for ref in annots[:MAX_ANNOTS]:
        a = ref.get_object()
        if not hasattr(a, "get"):
            continue
        sub = _s(a, "/Subtype").lstrip("/")
        if sub in ("Popup", "Link"):
            continue
        counts[sub] = counts.get(sub, 0) + 1
        try:
            flags = int(a.get("/F", 0))
        except (TypeError, ValueError):
            flags = 0
        # Hidden and NoView flags hide any annotation; a rectangle of no size or off the page
        # hides it too (except signature widgets: invisible signatures have an empty rectangle)
        is_hidden = bool(flags & (2 | 32)) or (sub != "Widget" and _rect_hidden(a, box))
        name = _s(a, "/Name").lstrip("/")
        parts = [_s(a, k) for k in ("/Contents", "/Subj", "/T", "/RC") if _s(a, k)]
        is_sig_widget = sub == "Widget" and _field_type(a) == "/Sig"
        ap = _appearance_text(a, reader) if sub in ("Stamp", "FreeText", "Widget", "Square") else ""
        if sub == "Widget" and not is_sig_widget:
            continue  # form fields are read from the field tree
        if ap and ap not in parts:
            parts.append(ap)
        label = f"page {no} /{sub} annotation {counts[sub]}" + (f" ({shorten(name, 30)})" if name else "")
        if is_sig_widget:
            fname = _field_name(a)
            label = f"page {no} signature field {shorten(fname, 40)} appearance"
            sf = next((f for f in model.sig_fields if f.name == fname), None)
            if sf is not None and not sf.appearance:
                sf.appearance = ap
        text = " / ".join(dict.fromkeys(p.strip() for p in parts if p.strip()))
        if sub == "Stamp":
            model.stamps.append(Stamp(no, sub, name, text, is_hidden, _appearance_image(a)))
        elif sub == "Ink" and not is_hidden:
            model.ink_pages.append(no)
        if text:
            (hidden if is_hidden else shown).add(text, label)
    return shown, hidden


def _signature_fields(model: PdfModel, reader, data: bytes, page_of: dict, art, ctx) -> None:
    try:
        root = reader.trailer["/Root"].get_object()
        form = root.get("/AcroForm")
        fields = form.get_object().get("/Fields") if form is not None else None
        fields = fields.get_object() if fields is not None else []
    except Exception:
        fields = []
    seen = set()
    fields = list(fields)
    if len(fields) > MAX_FIELDS:
        model.notes.append(f"the form has {len(fields)} fields; only the first {MAX_FIELDS} were checked for signatures")
    stack = [(f, 0) for f in fields[:MAX_FIELDS]]
    count = 0
    while stack and count < MAX_FIELDS:
        ref, depth = stack.pop()
        count += 1
        try:
            f = ref.get_object()
        except Exception:
            continue
        key = getattr(getattr(f, "indirect_reference", None), "idnum", None) or id(f)
        if key in seen or not hasattr(f, "get") or depth > 32:
            continue
        seen.add(key)
        kids = f.get("/Kids")
        if kids is not None:
            try:
                stack.extend((k, depth + 1) for k in list(kids.get_object())[:MAX_FIELDS])
            except Exception:
                pass
        if _field_type(f) != "/Sig":
            continue
        v = _field_value(f)
        page = 0
        p = f.get("/P")
        if p is not None and hasattr(p, "idnum"):
            page = page_of.get((p.idnum, p.generation), 0)
        name = _field_name(f)
        if any(s.name == name for s in model.sig_fields):
            continue
        if v is None or not hasattr(v, "get"):
            model.sig_fields.append(SigField(name, page, False))
            continue
        vtype = _s(v, "/Type")
        problem = _sig_problem(v, data)
        if vtype not in ("", "/Sig", "/DocTimeStamp") and not problem:
            problem = f"its value has /Type {vtype}, not /Sig"
        model.sig_fields.append(SigField(name, page, True, problem, covers=_covers(v)))
        for key, what in (("/Name", "signer"), ("/Reason", "signing reason"),
                          ("/Location", "signing location"), ("/ContactInfo", "signer contact")):
            val = _s(v, key).strip()
            if val:
                model.signature_info.append((f"{what}: {val}", f"signature field {shorten(name, 40)} {key}"))


def _changes_after_signing(model: PdfModel, data: bytes, pages: list, art, ctx) -> None:
    """What the bytes after the last signature change in what a reader sees: the signed
    revision (the file up to the end of the last signature's /ByteRange) is read again and its
    pages compared with the final ones.  Annotations, form values and validation data added
    after signing leave the pages' content alone; changed or added pages do not."""
    from pypdf import PdfReader

    end = max((f.covers for f in model.sig_fields if f.has_value and not f.problem), default=0)
    if not end or not data[end:].strip():
        return
    try:
        old = PdfReader(io.BytesIO(data[:end]), strict=False)
        old_pages = list(old.pages)[:MAX_PAGES]
    except Exception as e:
        ctx.error(art, f"the signed revision of the PDF could not be read ({type(e).__name__}); "
                       "changes after signing not checked")
        return
    new_pages = [p for p in pages if p is not None]
    if len(new_pages) > len(old_pages):
        model.changed_after_signing.append(f"{len(new_pages) - len(old_pages)} page(s) added")
    elif len(new_pages) < len(old_pages):
        model.changed_after_signing.append(f"{len(old_pages) - len(new_pages)} page(s) removed")
    changed = []
    for no, (a, b) in enumerate(zip(old_pages, new_pages), 1):
        try:
            ca, cb = a.get_contents(), b.get_contents()
            if (ca.get_data() if ca is not None else b"") != (cb.get_data() if cb is not None else b""):
                changed.append(no)
        except Exception:
            continue
    if changed:
        model.changed_after_signing.append(_pages(changed).replace(" has", "").replace(" have", "")
                                           + " drawn differently")


def _signature_widgets(model: PdfModel, pages: list, data: bytes) -> None:
    """Signature widgets on pages that the form's field tree does not list."""
    for no, page in enumerate(pages, 1):
        try:
            annots = page.get("/Annots") if page is not None else None
            annots = list(annots.get_object())[:MAX_ANNOTS] if annots is not None else []
        except Exception:
            continue
        for ref in annots:
            try:
                a = ref.get_object()
                if _s(a, "/Subtype") != "/Widget" or _field_type(a) != "/Sig":
                    continue
                name = _field_name(a)
                if any(f.name == name for f in model.sig_fields):
                    continue
                v = _field_value(a)
                has = v is not None and hasattr(v, "get")
                model.sig_fields.append(SigField(name, no, has, _sig_problem(v, data) if has else "",
                                                 covers=_covers(v) if has else 0))
            except Exception:
                continue


def _outline(model: PdfModel, reader, facts: set) -> None:
    """Bookmark titles: shown in a viewer's side panel, rarely read."""
    lines = Lines()
    stack = [(reader.trailer["/Root"].get_object().get("/Outlines"), 0)] if "/Root" in reader.trailer else []
    seen, count = set(), 0
    while stack and count < MAX_FIELDS:
        node, depth = stack.pop()
        try:
            node = node.get_object() if node is not None else None
        except Exception:
            continue
        if node is None or not hasattr(node, "get") or id(node) in seen or depth > 32:
            continue
        seen.add(id(node))
        count += 1
        title = _s(node, "/Title").strip()
        if title:
            lines.add(title, f"bookmark {count}")
        for key in ("/Next", "/First"):
            if node.get(key) is not None:
                stack.append((node.get(key), depth + (key == "/First")))
    if lines:
        model.children.append(("bookmarks (outline)", lines, set(facts), {"role": "outline"}))


def _javascript(model: PdfModel, reader, art, ctx, facts: set) -> None:
    """JavaScript the PDF carries (document-level scripts, the open action): read as code."""
    scripts: list[tuple[str, str]] = []

    def take(action, where: str) -> None:
        try:
            action = action.get_object()
            if str(action.get("/S")) != "/JavaScript":
                return
            js = action.get("/JS").get_object()
            text = js.get_data().decode("utf-8", "replace") if hasattr(js, "get_data") else str(js)
            if text.strip():
                scripts.append((where, text))
        except Exception:
            return

    try:
        root = reader.trailer["/Root"].get_object()
        if root.get("/OpenAction") is not None:
            take(root["/OpenAction"], "open action")
        names = root.get("/Names")
        tree = names.get_object().get("/JavaScript") if names is not None else None
        stack = [(tree, 0)] if tree is not None else []
        while stack and len(scripts) < MAX_ATTACHMENTS:
            node, depth = stack.pop()
            node = node.get_object()
            if depth > 16:
                continue
            for kid in list(node.get("/Kids", []))[:MAX_FIELDS]:
                stack.append((kid, depth + 1))
            pairs = list(node.get("/Names", []))[:2 * MAX_FIELDS]
            for k in range(0, len(pairs) - 1, 2):
                take(pairs[k + 1], f"script {shorten(str(pairs[k]), 40)}")
    except Exception as e:
        ctx.error(art, f"PDF JavaScript could not be read ({type(e).__name__}); not analysed")
    for where, text in scripts:
        model.children.append((f"JavaScript ({where})", None, set(facts), {"role": "javascript", "code": text}))


def _form_fields(model: PdfModel, reader, facts: set) -> None:
    lines = Lines()
    try:
        fields = reader.get_fields() or {}
    except Exception:
        fields = {}
    if len(fields) > MAX_FIELDS:
        model.notes.append(f"the form has {len(fields)} fields; only the first {MAX_FIELDS} values were analysed")
    for name, f in list(fields.items())[:MAX_FIELDS]:
        try:
            if str(f.get("/FT")) == "/Sig":
                continue
            v = f.get("/V")
            if v is None:
                continue
            v = v.get_object() if hasattr(v, "get_object") else v
            if isinstance(v, (list, tuple)):
                v = ", ".join(str(x) for x in v)
            text = str(v).lstrip("/")
            if text and text not in ("Off",):
                lines.add(f"{name}: {text}", f"form field {shorten(name, 40)}")
        except Exception:
            continue
    if lines:
        model.children.append(("form fields", lines, set(facts) | {"form-field"}, {"role": "form"}))


INFO_NAMES = {"/Author": "author", "/Creator": "creator-tool", "/Producer": "producer",
              "/Title": "title", "/Subject": "subject", "/Keywords": "keywords",
              "/CreationDate": "created", "/ModDate": "modified", "/Trapped": None}
XMP_NAMES = {"creator": "author", "CreatorTool": "creator-tool", "Producer": "producer",
             "title": "title", "description": "description", "subject": "keywords",
             "Keywords": "keywords", "Author": "author", "rights": "rights",
             "publisher": "publisher", "contributor": "contributor", "CreateDate": "created",
             "ModifyDate": "modified", "MetadataDate": None, "DocumentID": None,
             "InstanceID": None, "format": None}


def _properties(model: PdfModel, reader, art, ctx, facts: set) -> None:
    lines = Lines()
    for line, label in model.signature_info[:MAX_FIELDS]:
        lines.add(line, label)
    try:
        info = reader.trailer.get("/Info")
        info = info.get_object() if info is not None else None
    except Exception:
        info = None
    if info is not None and hasattr(info, "items"):
        for k, v in list(info.items())[:MAX_FIELDS]:
            try:
                v = v.get_object()
            except Exception:
                continue
            name = INFO_NAMES.get(str(k), "custom " + str(k).lstrip("/"))
            text = str(v).strip()
            if name and text:
                lines.add(f"{name}: {text}", f"Info {k}")
    try:
        meta = reader.trailer["/Root"].get_object().get("/Metadata")
        raw = meta.get_object().get_data() if meta is not None else b""
    except Exception:
        raw = b""
    if len(raw) > MAX_XMP:
        ctx.error(art, f"PDF XMP metadata is {len(raw)} bytes, over the limit; not analysed")
        raw = b""
    if raw:
        try:
            root = parse_xml(raw)
        except UnsafeXML as e:
            ctx.error(art, f"PDF XMP metadata: {e}; not analysed")
            root = None
        if root is not None:
            for el in root.iter():
                n = local(el.tag)
                if n not in XMP_NAMES or XMP_NAMES[n] is None:
                    if n in ("Description",):  # rdf:Description attributes hold values too
                        for k, v in el.attrib.items():
                            kn = local(k)
                            if XMP_NAMES.get(kn) and v.strip():
                                lines.add(f"{XMP_NAMES[kn]}: {v.strip()}", f"XMP {kn}")
                    continue
                texts = [t.strip() for t in el.itertext() if t.strip()]
                if texts:
                    lines.add(f"{XMP_NAMES[n]}: {' '.join(texts)}", f"XMP {n}")
    if lines:
        model.children.append(("document properties (Info, XMP)", lines,
                               set(facts) | {"document-properties", "hidden"},
                               {"role": "properties", "hidden_reason": "properties",
                                "hidden_label": HIDDEN_REASONS["properties"]}))


def _attachments(model: PdfModel, reader, art, ctx) -> None:
    try:
        atts = reader.attachments
        names = list(atts.keys())
        if len(names) > MAX_ATTACHMENTS:
            ctx.error(art, f"PDF has {len(names)} embedded files; only the first {MAX_ATTACHMENTS} were analysed")
            names = names[:MAX_ATTACHMENTS]
    except Exception as e:
        ctx.error(art, f"PDF embedded files could not be listed ({type(e).__name__}); not analysed")
        return
    total = 0
    for name in names:
        try:
            blobs = atts[name]
        except Exception as e:
            ctx.error(art, f"PDF embedded file {shorten(name)} could not be read ({type(e).__name__}); not analysed")
            continue
        for blob in blobs[:MAX_ATTACHMENTS]:
            if len(blob) > MAX_EMBEDDED or total + len(blob) > 4 * MAX_EMBEDDED:
                ctx.error(art, f"PDF embedded file {shorten(name)} is {len(blob)} bytes, over the limit; not analysed")
                continue
            total += len(blob)
            model.embedded.append((str(name), bytes(blob), f"embedded file {shorten(str(name))}"))


# -- the extractor ------------------------------------------------------------------------
@extractor("pdf", kinds={"pdf"}, binary=True)
def extract_pdf(art, ctx):
    def as_docx(art, ctx):
        from .docx import extract_docx

        return extract_docx(art, ctx)

    yield from extract_document(art, ctx, what="PDF", load=load, unparsed=lambda m: not m.pages,
                                other_kind="docx", other_extract=as_docx,
                                other_note="named like a PDF but is a ZIP package; read as a DOCX")
