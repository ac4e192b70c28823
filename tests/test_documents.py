"""DOCX and PDF: extraction of every layer, hostile and broken files, and the document rules'
behaviour beyond what the annotated fixtures show (errors, origins, limits)."""
from __future__ import annotations

import zipfile

import pytest

from artefact_scan import scan
from artefact_scan.docmodel import UnsafeXML, parse_xml

from . import docgen
from .docgen import NOTE, docx, p, pdf, r, signature_line, text_ops


def _scan(tmp_path, name: str, data: bytes, **kw):
    path = tmp_path / name
    path.write_bytes(data)
    return scan([path], **kw)


def _rules(res) -> set[str]:
    return {f.rule_id for f in res.findings}


def test_generated_fixtures_are_current():
    assert docgen.main(["--check"]) == 0, "run: python -m tests.docgen"


# -- DOCX -----------------------------------------------------------------------------------
def test_docx_layers_become_labelled_children(tmp_path):
    body = (p("Visible opening.") + p("Before ", r(NOTE, "<w:vanish/>"), " after.")
            + p("Text box follows.", '<w:r><w:pict><v:shape><v:textbox><w:txbxContent>'
                + p("Digitally signed by Jane Roe") + '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    res = _scan(tmp_path, "memo.docx", docx(body, comments=[("Rev", "Electronically signed by Jane Roe")]),
                select=["LF602", "HM351"])
    by_rule = {}
    for f in res.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    hm = by_rule["HM351"][0]
    assert hm.decoded == NOTE
    assert hm.origin[1] == "word/document.xml hidden text: w:vanish (hidden font)"
    assert hm.origin[2].startswith("paragraph 2,")
    origins = sorted(f.origin[1:] for f in by_rule["LF602"])
    # one finding per layer: the text box in the body and the comment
    assert len(origins) == 2
    assert any(o[0] == "word/comments.xml (comments)" and o[1].startswith("comment 1 by Rev") for o in origins)
    assert any(o[1].startswith("text box in paragraph 3") for o in origins)
    assert not res.errors


def test_docx_alternate_content_that_word_hides(tmp_path):
    alt = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
           + p("Quarterly figures") + '</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>'
           '<v:textbox><w:txbxContent>' + p(NOTE) + '</w:txbxContent></v:textbox></w:pict></mc:Fallback>'
           '</mc:AlternateContent></w:r>')
    res = _scan(tmp_path, "alt.docx", docx(p("Summary", alt)), select=["HM351"])
    [f] = res.findings
    assert "alternate content" in f.message and f.decoded == NOTE


def test_docx_with_dtd_is_refused_and_reported(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document '
            b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            b'<w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    data = docx(p("x"), extra={"word/document.xml": bomb})
    # the recipe's own document.xml comes first in the archive; make the hostile one the only one
    members = [(i.filename, zipfile.ZipFile(__import__("io").BytesIO(data)).read(i.filename))
               for i in zipfile.ZipFile(__import__("io").BytesIO(data)).infolist()]
    members = [(n, bomb if n == "word/document.xml" else d) for n, d in members if n]
    res = _scan(tmp_path, "dtd.docx", docgen.zip_bytes(members))
    assert any("DTD" in e.message for e in res.errors)


def test_parse_xml_refuses_entities_and_external_references():
    for bad in (b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
                b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
                b'<a>&undefined;</a>', b"<a>", b""):
        with pytest.raises(UnsafeXML):
            parse_xml(bad)
    assert parse_xml(b'<a xmlns="urn:x"><b/></a>')[0].tag == "{urn:x}b"


def test_zip_bomb_shaped_docx_is_reported_not_expanded(tmp_path):
    data = docx(p("Short body."), extra={"word/header9.xml": b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>"})
    res = _scan(tmp_path, "bomb.docx", data)
    assert any("zip-bomb shaped" in e.message for e in res.errors)


def test_truncated_and_broken_docx_are_errors_not_silence(tmp_path):
    data = docx(p("Digitally signed by Jane Roe"))
    res = _scan(tmp_path, "cut.docx", data[: len(data) // 2])
    assert res.errors and "DOCX could not be read" in res.errors[0].message
    res = _scan(tmp_path, "empty.docx", docgen.zip_bytes([("readme.txt", b"hello")]))
    assert any("no main document part" in e.message for e in res.errors)


def test_docx_by_content_without_extension(tmp_path):
    res = _scan(tmp_path, "contract", docx(p("Digitally signed by Jane Roe")), select=["LF602"])
    assert _rules(res) == {"LF602"}


def test_signature_line_signed_by_another_signature_is_still_unsigned(tmp_path):
    body = p("Contract text.") + signature_line("Robert Miles", "Director") + p("Digitally signed by Robert Miles")
    other = {"sig1.xml": docgen.signature_xml(docgen.FAKE_RSA_B64, "{11111111-2222-3333-4444-555555555555}")}
    res = _scan(tmp_path, "other.docx", docx(body, signatures=other), select=["LF601", "LF602"])
    assert _rules(res) == {"LF601"}  # the package is signed (no LF602), but not this line


def test_embedded_pdf_in_docx_is_read(tmp_path):
    inner = pdf([text_ops(["Digitally signed by Hon. Jane Roe"])])
    res = _scan(tmp_path, "outer.docx", docx(p("See attachment."), extra={"word/embeddings/order.pdf": inner}),
                select=["LF602"])
    [f] = res.findings
    assert f.origin[1] == "embedded word/embeddings/order.pdf"


# -- PDF ------------------------------------------------------------------------------------
def test_image_only_page_is_reported_unchecked(tmp_path):
    data = pdf([text_ops(["Page one has text."]), "q 612 0 0 792 0 0 cm /Im1 Do Q"], image_pages={1})
    res = _scan(tmp_path, "scan.pdf", data)
    assert [e.message for e in res.errors] == [
        "page 2 has no text layer (image only); its content was not checked (no OCR)"]


def test_truncated_pdf_is_an_error_and_what_was_read_is_scanned(tmp_path):
    data = pdf([text_ops(["Digitally signed by Hon. Jane Roe"])])
    cut = data[: data.index(b"xref")]
    res = _scan(tmp_path, "cut.pdf", cut, select=["LF602"])
    # pypdf rebuilds the cross-reference table from the objects: the text is still read
    assert _rules(res) == {"LF602"} or res.errors


def test_garbage_pdf_is_reported(tmp_path):
    res = _scan(tmp_path, "junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert res.errors and any("PDF" in e.message for e in res.errors)


def test_encrypted_pdf_without_password_is_reported(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    import io

    w = pypdf.PdfWriter()
    w.add_blank_page(612, 792)
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    res = _scan(tmp_path, "locked.pdf", buf.getvalue())
    assert any("encrypted" in e.message for e in res.errors)


def test_pdf_hidden_text_is_separated_from_visible_text(tmp_path):
    content = text_ops(["Visible line"]) + "\nBT /F1 12 Tf 72 500 Td (Shown) Tj 3 Tr ( secret words hidden here now) Tj 0 Tr ( again) Tj ET"
    data = pdf([content])
    from artefact_scan.context import Context, Limits
    from artefact_scan.extractors import pdf as pdfx
    from artefact_scan.model import Artefact

    art = Artefact("x.pdf", "x.pdf", "pdf", "", meta={"bytes": data})
    ctx = Context("x.pdf", Limits())
    kids = {c.origin[-1]: c for c in pdfx.extract_pdf(art, ctx)}
    visible = kids["page 1 text"].text
    hidden = kids["page 1 hidden text: render mode 3 (invisible text)"].text
    assert "secret" not in visible and "Shown" in visible and "again" in visible
    assert hidden.strip() == "secret words hidden here now"
    assert kids["page 1 hidden text: render mode 3 (invisible text)"].facts >= {"hidden", "pdf", "no-digital-signature"}


def test_attachment_in_pdf_is_scanned(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    import io

    w = pypdf.PdfWriter()
    w.add_blank_page(612, 792)
    w.add_attachment("note.md", b"Digitally signed by Hon. Jane Roe\n")
    w.add_attachment("inner.docx", docx(p("Digitally signed by Hon. Jane Roe")))
    buf = io.BytesIO()
    w.write(buf)
    res = _scan(tmp_path, "carrier.pdf", buf.getvalue(), select=["LF602"])
    assert [f.origin[1] for f in res.findings] == ["embedded file inner.docx"]


def test_document_findings_in_different_layers_are_not_merged(tmp_path):
    data = pdf([text_ops(["Digitally signed by Jane Roe"]), text_ops(["Digitally signed by John Roe"])])
    res = _scan(tmp_path, "two.pdf", data, select=["LF602"])
    assert sorted(f.origin[1] for f in res.findings) == ["page 1 text", "page 2 text"]


def test_fact_gated_rules_do_not_run_their_detectors_elsewhere(tmp_path):
    """LF602 needs fact.no-digital-signature: on a plain text file its pattern never runs."""
    from artefact_scan import load_rules
    from artefact_scan.engine import Engine

    engine = Engine(load_rules(select=["LF602"]))
    rules, dets = engine.plan("text", frozenset())
    assert not rules and not [d for d in dets if d.name.startswith("pattern:")]
    rules, dets = engine.plan("text", frozenset({"no-digital-signature", "pdf"}))
    assert [r.id for r in rules] == ["LF602"]
    (tmp_path / "a.txt").write_text("Digitally signed by Jane Roe\n")
    assert not scan([tmp_path / "a.txt"], select=["LF602"]).findings


def _children(data: bytes, kind: str):
    from artefact_scan.context import Context, Limits
    from artefact_scan.extractors import docx as docxx
    from artefact_scan.extractors import pdf as pdfx
    from artefact_scan.model import Artefact

    art = Artefact("x", "x", kind, "", meta={"bytes": data})
    ctx = Context("x", Limits())
    fn = docxx.extract_docx if kind == "docx" else pdfx.extract_pdf
    return {c.origin[-1]: c for c in fn(art, ctx)}, ctx


def test_docx_table_rows_read_as_lines():
    tbl = ('<w:tbl><w:tr><w:tc>' + p("By:") + '</w:tc><w:tc>' + p("Jane Roe") + p("Director")
           + '</w:tc></w:tr><w:tr><w:tc>' + p("Date:") + '</w:tc><w:tc>' + p("14 March 2025") + '</w:tc></w:tr></w:tbl>')
    kids, _ = _children(docx(p("Signed for the Provider") + tbl), "docx")
    body = kids["word/document.xml (body text)"]
    assert body.text.splitlines() == ["Signed for the Provider", "By:\tJane Roe Director", "Date:\t14 March 2025"]
    assert body.meta["line_labels"][1:] == ["paragraphs 2-4 (table row)", "paragraphs 5-6 (table row)"]


def test_docx_hidden_and_off_page_shapes():
    def box(attrs: str, text: str) -> str:
        return (f'<w:r><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
                f'{attrs}<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>'
                f'<wps:wsp><wps:txbx><w:txbxContent>{p(text)}</w:txbxContent></wps:txbx></wps:wsp>'
                f'</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
    body = (p("Visible.", box('<wp:docPr id="1" name="Box" hidden="1"/>', "hidden box words here"))
            + p("More.", box('<wp:positionH relativeFrom="page"><wp:posOffset>-30000000</wp:posOffset></wp:positionH>'
                             '<wp:docPr id="2" name="Far"/>', "far away words here"))
            + p("Last.", box('<wp:docPr id="3" name="Shown"/>', "shown box words")))
    kids, _ = _children(docx(body), "docx")
    assert kids["word/document.xml hidden text: text box of a hidden shape"].text == "hidden box words here\n"
    assert kids["word/document.xml hidden text: text box placed far off the page"].text == "far away words here\n"
    assert "shown box words" in kids["word/document.xml (body text)"].text


def test_docx_document_variables_and_custom_xml_are_read():
    settings = (f'<?xml version="1.0"?><w:settings {docgen.NS}><w:docVars><w:docVar w:name="handoff" '
                f'w:val="{NOTE}"/></w:docVars></w:settings>').encode()
    data = docx(p("Body."), extra={"word/settings.xml": settings,
                                   "customXml/item1.xml": b"<notes><n>stored outside the text</n></notes>"})
    kids, _ = _children(data, "docx")
    props = kids["document properties (docProps)"]
    assert props.text == f"document variable handoff: {NOTE}\n" and "hidden" in props.facts
    assert kids["custom XML data (customXml)"].text == "stored outside the text\n"


def test_pdf_hidden_text_inside_form_xobjects():
    hidden_in_form = text_ops(["secret words inside a form object"], y=300, pre="3 Tr")
    plain_form = text_ops(["plain words inside the second form"], y=200)
    content = (text_ops(["Visible page text"]) + "\n/Fm1 Do\nq 3 Tr /Fm2 Do Q\n"
               + text_ops(["After the forms"], y=100))
    kids, _ = _children(pdf([content], forms={"Fm1": hidden_in_form, "Fm2": plain_form}), "pdf")
    visible = kids["page 1 text"].text
    hidden = kids["page 1 hidden text: render mode 3 (invisible text)"].text
    assert "Visible page text" in visible and "After the forms" in visible
    assert "secret words inside a form object" in hidden
    # a form drawn while render mode 3 is in force inherits it
    assert "plain words inside the second form" in hidden and "plain words" not in visible


def test_time_limit_is_not_swallowed_by_broad_excepts():
    from artefact_scan.context import Deadline

    try:
        try:
            raise Deadline()
        except Exception:  # what a third-party parser does
            pytest.fail("Deadline was caught by except Exception")
    except Deadline:
        pass


def test_unreadable_pdf_still_gets_text_rules_on_its_strings(tmp_path):
    data = pdf([text_ops(["Digitally signed by Hon. Jane Roe"])])
    broken = data.replace(b"%PDF-1.7", b"%PDF-1.7\n1 0 obj << /Length 99999999 >> stream\n", 1)[:-200]
    res = _scan(tmp_path, "broken.pdf", broken, select=["LF", "HM"])
    assert res.errors
    kids, ctx = _children(b"%PDF-1.7\n(" + NOTE.encode() + b") Tj\n", "pdf")
    assert list(kids) == ["printable strings of the unreadable PDF"] and NOTE in kids["printable strings of the unreadable PDF"].text


def test_ocr_layer_needs_a_page_image_under_the_text():
    scan_in_form = "q 612 0 0 792 0 0 cm /Im1 Do Q"
    content = "/Fm1 Do\n" + text_ops(["SERVICES AGREEMENT between the parties"], pre="3 Tr")
    kids, _ = _children(pdf([content], forms={"Fm1": scan_in_form}, image_pages={0}), "pdf")
    # the scanned page image is drawn through a form XObject: still an OCR layer
    assert list(kids) == ["page 1 hidden text: invisible text over a page image (an OCR layer)"]


@pytest.mark.parametrize("setting", [
    # white text on backgrounds the walk must not mistake for white
    dict(body_ppr='<w:shd w:val="solid" w:color="1F3864" w:fill="FFFFFF"/>'),
    dict(style='<w:style w:type="paragraph" w:styleId="Banner"><w:pPr><w:shd w:val="clear" w:fill="1F3864"/></w:pPr>'
               '<w:rPr><w:color w:val="FFFFFF"/></w:rPr></w:style>', pstyle="Banner"),
    dict(table_style='<w:style w:type="table" w:styleId="Grid4"><w:tblStylePr w:type="firstRow"><w:tcPr>'
                     '<w:shd w:val="clear" w:fill="4472C4"/></w:tcPr></w:tblStylePr></w:style>'),
    dict(box_fill='<a:solidFill><a:schemeClr val="accent1"/></a:solidFill>'),
    dict(box_fill='<a:solidFill><a:srgbClr val="203864"/></a:solidFill>'),
])
def test_white_text_on_shaded_backgrounds_is_visible(setting):
    white = '<w:color w:val="FFFFFF"/>'
    text = "Schedule A: services and fees for the first contract year"
    styles = setting.get("style", "") + setting.get("table_style", "")
    if "body_ppr" in setting:
        body = p(r(text, white), ppr=setting["body_ppr"])
    elif "pstyle" in setting:
        body = p(text, ppr=f'<w:pStyle w:val="{setting["pstyle"]}"/>')
    elif "table_style" in setting:
        body = ('<w:tbl><w:tblPr><w:tblStyle w:val="Grid4"/></w:tblPr><w:tr><w:tc>' + p(r(text, white))
                + '</w:tc></w:tr></w:tbl>')
    else:
        body = p("Callout:", '<w:r><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
                 '<wp:docPr id="1" name="Box"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>'
                 f'<wps:wsp><wps:spPr>{setting["box_fill"]}</wps:spPr><wps:txbx><w:txbxContent>{p(r(text, white))}</w:txbxContent></wps:txbx>'
                 '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
    kids, _ = _children(docx(body, styles=styles), "docx")
    assert not [k for k in kids if "hidden" in k], list(kids)
    assert text in kids["word/document.xml (body text)"].text


def test_findings_in_a_container_are_told_apart_by_part_and_span(tmp_path):
    stamps = {0: [docgen.stamp("Approved")], 1: [docgen.stamp("Approved")]}
    data = pdf([text_ops(["Invoice 1"]), text_ops(["Invoice 2"])], annots=stamps)
    res = _scan(tmp_path, "two-stamps.pdf", data, select=["LF604"])
    assert sorted(f.message[:10] for f in res.findings) == ["PDF page 1", "PDF page 2"]
    # a part and its own part reporting the same span (a Markdown attachment and its code
    # fence) make one finding, as in a text file
    pypdf = pytest.importorskip("pypdf")
    import io

    w = pypdf.PdfWriter()
    w.add_blank_page(612, 792)
    note = ("# Notes\n\n```text\nSubscribed and sworn to before me this 14th day of March, 2025, by Jane Roe.\n"
            "Robert Miles, Notary Public, State of Ohio\nMy commission expires: 08/31/2027\n```\n")
    w.add_attachment("notes.md", note.encode())
    buf = io.BytesIO()
    w.write(buf)
    res = _scan(tmp_path, "carrier.pdf", buf.getvalue(), select=["LF101"])
    assert len(res.findings) == 1 and "code block" in " ".join(res.findings[0].origin)


def test_docx_nesting_limit_is_reported():
    body = p("x")
    for _ in range(80):
        body = f"<w:tbl><w:tr><w:tc>{body}</w:tc></w:tr></w:tbl>"
    kids, ctx = _children(docx(body), "docx")
    assert any("nested deeper" in e.message for e in ctx.errors)


def test_text_file_named_like_a_document_gets_the_text_rules(tmp_path):
    note = ("Subscribed and sworn to before me this 14th day of March, 2025, by Jane Roe.\n"
            "Robert Miles, Notary Public, State of Ohio\nMy commission expires: 08/31/2027\n")
    for name in ("affidavit.pdf", "affidavit.docx"):
        res = _scan(tmp_path, name, ("# Affidavit\n\n" + note).encode(), select=["LF101"])
        assert [(f.rule_id, f.location.line) for f in res.findings] == [("LF101", 4)], name
        assert any("not one; analysed as text" in e.message for e in res.errors)


def test_documents_renamed_to_the_other_format_are_read_by_their_bytes(tmp_path):
    claim_pdf = pdf([text_ops(["Digitally signed by Hon. Jane Roe"])])
    claim_docx = docx(p("Digitally signed by Hon. Jane Roe"))
    for name, data in (("order.docx", claim_pdf), ("order2.pdf", claim_docx)):
        res = _scan(tmp_path, name, data, select=["LF602"])
        assert [f.rule_id for f in res.findings] == ["LF602"], name
        assert any("read as a" in e.message for e in res.errors)


def test_the_same_claim_on_every_page_is_one_finding(tmp_path):
    stamp_text = "DocuSign Envelope ID: 4F1C2B7A-9D3E-4A6B-8C5D-2E7F1A9B3C6D"
    data = pdf([text_ops([stamp_text, f"Page {n}"]) for n in range(1, 6)]
               + [text_ops(["Digitally signed by Hon. Jane Roe"])])
    res = _scan(tmp_path, "envelope.pdf", data, select=["LF602"])
    assert len(res.findings) == 2
    stamp = next(f for f in res.findings if "Envelope" in f.message)
    assert stamp.evidence["repeats"] == 5 and len(stamp.evidence["also_in"]) == 4


def test_findings_in_a_document_inside_a_container_stay_apart(tmp_path):
    inner = pdf([text_ops(["Digitally signed by Jane Roe"]), text_ops(["Digitally signed by John Roe"])])
    res = _scan(tmp_path, "outer.docx", docx(p("See attachment."), extra={"word/embeddings/order.pdf": inner}),
                select=["LF602"])
    assert sorted(f.origin[-2] for f in res.findings) == ["page 1 text", "page 2 text"]
