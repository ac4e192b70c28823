"""Document-level facts of DOCX and PDF containers: what makes a file *look* signed, stamped or
authenticated, set against the signature objects it actually holds.

Signals on the container (the file itself; findings point at line 1 with the way in):

- `lf.signature-line-shown-signed` — a Word signature line (VML `o:signatureline`) that no
  signature part signs, while the document makes it look signed: the signer's name typed in a
  handwriting font next to it, a "digitally signed by …" claim within a few paragraphs, or a
  package that declares a signature origin without any signature;
- `lf.visual-signature-unsigned` — a PDF signature field whose appearance claims a signature
  ("Digitally signed by …", "/s/", a DN) while the field holds no signature value;
- `lf.signature-stamp-unsigned` / `lf.approval-stamp-unsigned` — a PDF `/Stamp` annotation
  that claims a signature, seal, notarisation or filing (or an approval) in a file with no
  digital signature at all;
- `lf.handwriting-font-signature` — a person's name typed in a handwriting font (Brush
  Script, Lucida Handwriting, Segoe Script…) next to signature wording, in a file without a
  digital signature;
- `lf.image-signature` — a picture placed in a Word document next to signature wording, or a
  hand-drawn (Ink) annotation on a PDF page with signature wording, in a file without a digital
  signature;
- `lf.changed-after-signing` — a signed PDF whose pages were changed or added by an update
  after the last signature;
- `lf.signature-object-invalid` — a signature object that is a shell: an XML-DSig part
  without a plausible signature value, signing nothing or never linked from the package; a
  `/Sig` whose `/Contents` is empty, all zeros or not DER, or whose `/ByteRange` does not
  cover the file around it.

`hm.document-hidden-text` (on the hidden children the extractors make): prose that the document
hides from its reader — hidden fonts, white or tiny text, invisible render modes, text off the
page — with the reason.  Layers that are hidden by design (field codes, tracked deletions,
OCR layers over page images, properties) are left to the content rules.
"""
from __future__ import annotations

import re

from .. import plaintext
from . import detector
from ..lazyregex import lazy_re

CLAIM = lazy_re(
    r"(?i)\b(?:digitally|electronically|cryptographically)\s+signed\b(?!\s+(?:copy|version)\b)"
    r"|\bsign(?:ed|ature)\s*:\s*(?:/s/\s*)?(?-i:[A-Z][a-z]+\.?\s+[A-Z])"
    r"|\be-?signed\s+by\b|\bsigned\s+electronically\b|(?:^|\s)/s/\s*[A-Z]"
    r"|\bDN:\s*(?:cn|CN)=|\bsignature\s+(?:is\s+)?(?:valid|verified)\b|\bdate\s+signed\s*:\s*\d"
    r"|\bdocu\s?sign\s+envelope\s+id\b")
_FUTURE = lazy_re(r"(?i)\b(?:may|must|can|will|shall|should|to|could|would|be)\s+(?:be\s+)?"
                     r"(?:digitally|electronically)\s+signed\b")

SIGNATURE_WORDS = lazy_re(
    r"(?i)sign(?:ed|ature)|notar|\bseal(?:ed)?\b|certif|\bfiled\b|clerk|court|judge|attest|"
    r"apostille|sworn|registrar|commissioner\b|endorsed")
APPROVAL_WORDS = lazy_re(
    r"(?i)approved|accepted|\bfinal\b|completed|received|reviewed|verified|authori[sz]ed|"
    r"\bpaid\b|validated|confirmed|granted|executed|issued")
REQUEST_WORDS = lazy_re(r"(?i)sign\s*here|initial\s*here|please\s+sign|for\s+signature|"
                           r"signature\s+required|to\s+be\s+signed|witness$")
# Acrobat's standard stamps that claim nothing about who approved or signed
NEUTRAL_STAMPS = {"draft", "confidential", "forcomment", "notforpublicrelease", "forpublicrelease",
                  "experimental", "topsecret", "departmental", "notapproved", "expired", "void",
                  "asis", "sold", "informationonly", "preliminaryresults", "rejected",
                  "signhere", "initialhere", "witness", "standard"}

# Hidden reasons that mean "someone hid this on purpose", not "a tool keeps this layer".
CONCEALING = {
    # DOCX
    "vanish", "specVanish", "webHidden", "colour", "tiny", "squeezed-run", "alternate",
    "hidden-shape", "zero-size-shape", "off-page-shape",
    # PDF
    "render-invisible", "render-clip", "transparent", "white", "squeezed", "off-page",
    "clipped", "covered", "same-colour", "blank-font", "optional-off", "hidden-annotation",
}
_WORDS = lazy_re(r"[^\W\d_]{2,}")


def _claims(text: str) -> str:
    for m in CLAIM.finditer(text):
        if m.group().lower().strip().startswith(("digitally", "electronically")) and \
                _FUTURE.search(text[max(0, m.start() - 20):m.end()]):
            continue
        return text[max(0, m.start() - 10):m.end() + 40].strip()
    return ""


@detector("doc-structure", ("lf.signature-line-shown-signed", "lf.visual-signature-unsigned",
                            "lf.signature-stamp-unsigned", "lf.approval-stamp-unsigned",
                            "lf.signature-object-invalid", "lf.handwriting-font-signature",
                            "lf.image-signature", "lf.changed-after-signing"),
          kinds={"docx", "pdf"})
def document_structure(art, ctx):
    from ..docmodel import real_kind

    if "bytes" not in art.meta:
        return  # a text file with a document's name: the extractor reads it as text
    if real_kind(art) == "pdf":
        _pdf(art, ctx)
    else:
        _docx(art, ctx)


def _docx(art, ctx):
    from ..extractors import docx

    model = docx.load(art, ctx)
    if model is None:
        return
    for sig in model.signatures:
        if sig.problem:
            ctx.signal(art, "lf.signature-object-invalid", 0, 0, what=f"signature part {sig.name}",
                       problem=sig.problem)
    if model.signature_rel_dangling:
        ctx.signal(art, "lf.signature-object-invalid", 0, 0, what="the package",
                   problem="it declares a digital-signature origin but holds no signature part")
    if not model.signed:
        _script(art, ctx, model.script_signatures)
        for where, picture, cue in model.image_signatures[:20]:
            what = f'a picture ("{picture}")' if picture else "a picture"
            ctx.signal(art, "lf.image-signature", 0, 0, what=what, where=where, cue=cue)
    valid_setups = {i for s in model.signatures if s.has_value and not s.problem for i in s.setup_ids}
    for line in model.signature_lines:
        if line.id and line.id in valid_setups:
            continue
        evidence = []
        if line.script_font_text.strip():
            evidence.append(f'"{line.script_font_text.strip()[:60]}" typed in a handwriting font')
        if line.paragraph:
            for no in range(line.paragraph - 3, line.paragraph + 4):
                claim = _claims(model.body_paragraphs.get(no, ""))
                if claim:
                    evidence.append(f'"{claim[:80]}" (paragraph {no})')
                    break
        if model.signature_rel_dangling:
            evidence.append("a declared signature origin with no signature")
        if not evidence:
            continue
        who = line.signer or "an unnamed signer"
        if line.title:
            who += f", {line.title}"
        ctx.signal(art, "lf.signature-line-shown-signed", 0, 0, signer=who,
                   evidence="; ".join(evidence), part=line.part,
                   where=f"paragraph {line.paragraph}" if line.paragraph else line.part)


def _pdf(art, ctx):
    from ..extractors import pdf

    model = pdf.load(art, ctx)
    if model is None:
        return
    for f in model.sig_fields:
        if f.has_value and f.problem:
            ctx.signal(art, "lf.signature-object-invalid", 0, 0,
                       what=f"signature field {f.name}", problem=f.problem)
    if model.changed_after_signing:
        ctx.signal(art, "lf.changed-after-signing", 0, 0, changes="; ".join(model.changed_after_signing))
    if model.signed:
        return
    _script(art, ctx, model.script_signatures)
    for no in sorted(set(model.ink_pages))[:20]:
        if no in model.page_cues:
            ctx.signal(art, "lf.image-signature", 0, 0, what="a hand-drawn (Ink) annotation",
                       where=f"page {no}", cue=model.page_cues[no])
    for f in model.sig_fields:
        if not f.has_value:
            claim = _claims(f.appearance)
            if claim:
                ctx.signal(art, "lf.visual-signature-unsigned", 0, 0, field=f.name,
                           page=f.page, shown=f'signature field {f.name} drawn as "{claim[:80]}"')
    for s in model.stamps:
        label = f"{s.name} {s.text}".strip()
        shown = f"/Stamp /{s.name}" + (f' "{s.text[:80]}"' if s.text else "")
        if REQUEST_WORDS.search(label) or (s.name.lower() in NEUTRAL_STAMPS and not s.text):
            continue
        if SIGNATURE_WORDS.search(label):
            ctx.signal(art, "lf.signature-stamp-unsigned", 0, 0, page=s.page, shown=f"a stamp ({shown})")
        elif APPROVAL_WORDS.search(label):
            ctx.signal(art, "lf.approval-stamp-unsigned", 0, 0, page=s.page, stamp=shown)
        elif s.name.lower() not in NEUTRAL_STAMPS and (s.image or not s.text):
            # a custom stamp: how a picture of a signature or seal is usually pasted on a PDF
            what = "a custom stamp that draws a picture" if s.image else "a custom stamp"
            ctx.signal(art, "lf.approval-stamp-unsigned", 0, 0, page=s.page,
                       stamp=what + (f": {shown}" if label else ""))


def _script(art, ctx, found) -> None:
    for where, name, cue in found[:20]:
        ctx.signal(art, "lf.handwriting-font-signature", 0, 0, signer=name, where=where, cue=cue,
                   what=f'"{name}" typed in a handwriting font')


def _hidden_layer(art) -> bool:
    return "hidden" in art.facts and ("docx" in art.facts or "pdf" in art.facts) \
        and art.meta.get("hidden_reason") in CONCEALING


@detector("doc-hidden-text", ("hm.document-hidden-text",), prefilter=_hidden_layer)
def document_hidden_text(art, ctx):
    text = art.text.strip()
    words = _WORDS.findall(text)
    wide = sum(1 for c in text[:2000] if c.isalpha() and ord(c) >= 0x2E80)  # CJK: no spaces
    if not ((len(words) >= 3 and sum(len(w) for w in words) >= 12) or wide >= 6):
        return
    if plaintext.score(text) < 0.45:
        return
    preview = " / ".join(line.strip() for line in text.split("\n") if line.strip())
    ctx.signal(art, "hm.document-hidden-text", 0, len(art.text.rstrip("\n")),
               reason=art.meta.get("hidden_label", "hidden"), words=len(words),
               preview=preview[:300], decoded=text)
