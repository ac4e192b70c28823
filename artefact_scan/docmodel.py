"""Shared pieces of the structured-document extractors (DOCX, PDF): bounded reading, safe XML,
and text built as labelled lines.

Documents are read into *blocks with roles* (a paragraph, a table cell, a footnote, a comment,
a page's text layer, a property).  Each role becomes one child artefact whose text holds one
block per line; `Lines` keeps, for every line, a label naming where that line lives in the
document ("paragraph 12", "comment 3 by J. Roe", "dc:creator"), and the child carries those
labels in `meta["line_labels"]` so that a finding's origin names the paragraph or property
rather than a line number of text that only exists inside the scanner.

XML parts of a document are untrusted: `parse_xml` refuses DTDs, entity declarations and
external references outright (OOXML and XMP never need them), so entity expansion and external
fetches cannot happen whatever the parser's defaults are.

Names are not trusted either: `real_kind` tells a PDF from a Word package by its bytes (a PDF
renamed .docx is still read as a PDF), `misnamed` reads a text file with a document's name as
text, and `raw_strings` gives the text rules the printable strings of a document that cannot be
parsed at all.
"""
from __future__ import annotations

from .detectors.facts import declare

# Facts that the document extractors put on their children (rules name them as fact.<name>).
DOC_FACTS = (
    "docx",                  # a part of a Word document
    "pdf",                   # a part of a PDF
    "document-properties",   # metadata: core/app/custom properties, Info dictionary, XMP
    "document-comment",      # a reviewer comment
    "document-annotation",   # a PDF annotation (stamp, note, free text, link)
    "form-field",            # a PDF form field value
    "digitally-signed",      # the container holds a digital-signature object
    "no-digital-signature",  # the container holds none
    "ocr-layer",             # invisible text over a page image: what OCR tools write
)
declare(*DOC_FACTS)

MAX_XML_BYTES = 32 * 1024 * 1024
MAX_LINE = 20000  # characters of one line; longer blocks take several lines


class UnsafeXML(ValueError):
    """An XML part that declares a DTD or entities, or is not well-formed."""


def _refuse_doctype(*_args):
    raise UnsafeXML("declares a DTD (document type); refused")


def _refuse_entity(*_args):
    raise UnsafeXML("declares an entity; refused")


def _refuse_external(*_args):
    raise UnsafeXML("refers to an external entity; refused")


def parse_xml(data: bytes):
    """Parse untrusted XML into an ElementTree element, tags as `{namespace}local`.

    DTDs, entity declarations and external entity references raise `UnsafeXML`; so does
    malformed XML (with expat's message)."""
    import xml.etree.ElementTree as ET  # only when a document is met
    from xml.parsers import expat

    builder = ET.TreeBuilder()
    p = expat.ParserCreate(namespace_separator="}")
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = _refuse_doctype
    p.EntityDeclHandler = _refuse_entity
    p.UnparsedEntityDeclHandler = _refuse_entity
    p.ExternalEntityRefHandler = _refuse_external
    p.buffer_text = True

    def name(n: str) -> str:
        return "{" + n if "}" in n else n

    def start(tag, attrs):
        builder.start(name(tag), {name(k): v for k, v in attrs.items()})

    p.StartElementHandler = start
    p.EndElementHandler = lambda tag: builder.end(name(tag))
    p.CharacterDataHandler = builder.data
    try:
        p.Parse(data, True)
    except expat.ExpatError as e:
        raise UnsafeXML(f"not well-formed XML ({expat.ErrorString(e.code)} at line {e.lineno})") from None
    try:
        return builder.close()
    except AssertionError:
        raise UnsafeXML("empty XML document") from None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class Lines:
    """Text built one block per line, each line labelled with where it lives."""

    __slots__ = ("lines", "labels")

    def __init__(self):
        self.lines: list[str] = []
        self.labels: list[str] = []

    def add(self, text: str, label: str) -> None:
        """Add a block; a block with line breaks of its own (a soft break in a paragraph, a
        multi-line annotation) takes several lines, each labelled `label, line k`."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            return
        parts = text.split("\n")
        if len(parts) == 1:
            self._put(text, label)
            return
        for k, part in enumerate(parts, 1):
            if part.strip():
                self._put(part, f"{label}, line {k}")

    def _put(self, line: str, label: str) -> None:
        if len(line) <= MAX_LINE:
            self.lines.append(line)
            self.labels.append(label)
            return
        # a very long block is cut into lines of its own, never shortened
        for k in range(0, len(line), MAX_LINE):
            self.lines.append(line[k:k + MAX_LINE])
            self.labels.append(f"{label}, part {k // MAX_LINE + 1}")

    def __bool__(self) -> bool:
        return bool(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n" if self.lines else ""


def emit(ctx, parent, lines: Lines, *, label: str, facts=(), name: str | None = None,
         meta: dict | None = None, kind: str = "text"):
    """Make one child artefact of `lines` (nothing when empty)."""
    if not lines:
        return None
    m = dict(meta or {})
    m["line_labels"] = lines.labels
    return ctx.child(parent, lines.text, label=label, kind=kind, name=name, facts=facts,
                     meta=m)


def shorten(value: str, limit: int = 60) -> str:
    """A value for an origin label: one line, bounded."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def raw_strings(ctx, art, what: str):
    """When a document cannot be parsed, its printable strings still get the text rules
    (an uncompressed content stream or a stored ZIP member shows its words)."""
    from .textmap import printable_strings

    text, _spans = printable_strings(art.meta.get("bytes") or b"", ctx.limits.max_child_bytes // 4)
    if not text.strip():
        return None
    return ctx.child(art, text, label=f"printable strings of the unreadable {what}", kind="strings",
                     name=art.name + ".strings")


def misnamed(ctx, art, what: str):
    """A file named like a document that is text (a Markdown note saved as `notes.pdf`): its
    text gets every text rule, mapped line for line, and the mismatch is reported."""
    from .kinds import kind_from_content
    from .model import Segment

    ctx.error(art, f"named like a {what} but is not one; analysed as text")
    if not art.text.strip():
        return None
    return ctx.child(art, art.text, label=f"text of a file named like a {what}",
                     kind=kind_from_content(art.text[:1024]), name=art.name + ".txt",
                     segments=[Segment(0, 0, len(art.text), True)])


def extract_document(art, ctx, *, what: str, load, unparsed, other_kind: str, other_extract,
                     other_note: str):
    """The path every document extractor takes from bytes to parts: a file named like the
    document but holding text is analysed as text; one whose bytes are the other document
    format is read as that format (`other_extract`, saying `other_note`); otherwise `load` builds the model, whose
    printable strings stand in when `unparsed(model)` (nothing could be parsed), and every part
    and embedded file becomes a child.  A part without lines is code kept as written
    (`meta["code"]`, JavaScript in a PDF)."""
    if "bytes" not in art.meta:
        child = misnamed(ctx, art, what)
        if child is not None:
            yield child
        return
    if real_kind(art) == other_kind:
        ctx.error(art, other_note)
        yield from other_extract(art, ctx)
        return
    model = load(art, ctx)
    if model is None or unparsed(model):
        child = raw_strings(ctx, art, what)
        if child is not None:
            yield child
    if model is None:
        return
    for label, lines, facts, meta in model.children:
        if lines is None:
            child = ctx.child(art, meta["code"], label=label, kind="javascript", facts=facts,
                              name=art.name + ".js")
        else:
            child = emit(ctx, art, lines, label=label, facts=facts, meta=meta)
        if child is not None:
            yield child
    for name, data, label in model.embedded:
        child = ctx.child_bytes(art, data, name=name, label=label)
        if child is not None:
            yield child


def real_kind(art) -> str:
    """"pdf" or "docx" by the bytes, whatever the name says (a PDF renamed to .docx is still
    read as a PDF); the artefact's kind when the bytes are neither."""
    head = (art.meta.get("bytes") or b"")[:1024]
    if head[:2] == b"PK":
        return "docx"
    if b"%PDF-" in head:  # readers accept a PDF header anywhere in the first kilobyte
        return "pdf"
    return art.kind
