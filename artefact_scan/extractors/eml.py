"""E-mail messages (.eml, RFC 5322 / MIME) → their decoded parts and attachments.

An agent that can send mail leaves drafts and sent messages behind.  The raw message is read by
the text rules as it is; this extractor adds what the raw text hides: bodies in base64 or
quoted-printable, headers in encoded words (`=?utf-8?b?…?=`), HTML parts, and attachments
(documents, archives, scripts, forwarded messages), each through `ctx.child_bytes` so an
attached archive is unpacked and an attached script analysed as code.  A part whose body is
stored as it is (7bit/8bit) maps character by character onto the message; a decoded part maps
onto the span of its encoded body.  The standard library's parser is used in its lenient mode:
defects are listed, never fatal.
"""
from __future__ import annotations

from ..detectors import facts
from ..model import Segment
from . import extractor

facts.declare("email-part", "email-attachment", "mbox-message")

MAX_PARTS = 2000
_TEXT_KINDS = {"text/plain": "text", "text/html": "html", "text/markdown": "markdown",
               "text/x-markdown": "markdown", "text/x-python": "python", "text/x-shellscript": "shell",
               "text/x-sh": "shell", "text/javascript": "javascript", "application/json": "json",
               "text/calendar": "text", "text/csv": "csv", "text/xml": "xml", "application/xml": "xml"}
_EXT = {"text/plain": ".txt", "text/html": ".html", "application/pdf": ".pdf", "application/zip": ".zip",
        "application/json": ".json", "message/rfc822": ".eml"}


@extractor("email-parts", kinds={"eml"})
def extract_email(art, ctx):
    import email
    import email.policy

    text = art.text
    if not text.strip():
        return
    try:
        msg = email.message_from_string(text, policy=email.policy.compat32)
    except Exception as e:  # the parser is lenient; anything raised here is a crafted input
        ctx.error(art, f"e-mail message could not be parsed ({type(e).__name__}: {e}); analysed as raw text only")
        return
    try:
        _headers(art, ctx, msg)
    except Exception as e:
        ctx.error(art, f"e-mail headers could not be decoded ({type(e).__name__}: {e}); analysed as raw text only")
    cursor = 0
    count = 0
    try:
        for part in msg.walk():
            if part.is_multipart():
                continue
            count += 1
            if count > MAX_PARTS:
                ctx.error(art, f"more than {MAX_PARTS} MIME parts; the rest were not analysed")
                return
            try:
                cursor = _part(art, ctx, part, count, cursor)
            except Exception as e:  # a crafted part the library cannot decode; the others still count
                ctx.error(art, f"part {count} could not be decoded ({type(e).__name__}: {e}); "
                               f"analysed as raw text only")
    except RecursionError:
        ctx.error(art, f"MIME parts nested too deeply after part {count}; the rest were analysed as raw text only")
    if msg.defects and not msg._payload:  # noqa: SLF001  (get_payload() can raise on crafted text)
        ctx.error(art, "e-mail message has no body the parser could read; analysed as raw text only")


def _headers(art, ctx, msg) -> None:
    """Header values written as encoded words hide their text from the raw message."""
    from email.header import decode_header, make_header

    lines, spans = [], []
    for name, value in msg.items():
        if not isinstance(value, str) or "=?" not in value:
            continue
        try:
            decoded = str(make_header(decode_header(value)))
        except Exception:
            continue
        if decoded == value:
            continue
        pos = art.text.find(value)
        lines.append(f"{name}: {decoded}")
        spans.append((pos, pos + len(value)) if pos >= 0 else (0, 0))
    if not lines:
        return
    out, segs, n = [], [], 0
    for line, (s0, s1) in zip(lines, spans):
        # a decoded header maps onto its encoded value as a whole
        segs.append(Segment(n, s0, s1, False))
        out.append(line + "\n")
        n += len(line) + 1
    ctx.child(art, "".join(out), label="encoded headers", kind="text", segments=segs,
              facts={"email-part"}, decoded_from="MIME encoded words")


def _part(art, ctx, part, index: int, cursor: int) -> int:
    text = art.text
    ctype = part.get_content_type()
    cte = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    filename = part.get_filename()
    raw = part.get_payload(decode=False)
    if not isinstance(raw, str):
        return cursor
    pos = text.find(raw, cursor) if raw else -1
    span = (pos, pos + len(raw)) if pos >= 0 else None
    if pos >= 0:
        cursor = pos + len(raw)
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    plain_body = cte in ("7bit", "8bit", "binary", "")
    is_text = ctype in _TEXT_KINDS or ctype.startswith("text/")
    if is_text and not filename and disposition != "attachment":
        if plain_body and span is not None and part.get_content_charset() in (None, "utf-8", "us-ascii", "ascii"):
            if ctype == "text/plain" and "```" not in raw:
                return cursor  # the raw text is the text: the rules on the message read it
            kind = _TEXT_KINDS.get(ctype, "text")
            if kind == "text" and "```" in raw:
                kind = "markdown"
            ctx.child(art, raw, label=f"part {index} ({ctype})", kind=kind, name=f"part-{index}",
                      segments=[Segment(0, span[0], span[1], True)], facts={"email-part"})
            return cursor
        body = _decoded_text(art, ctx, part, index)
        if body is None:
            return cursor
        kind = _TEXT_KINDS.get(ctype, "text")
        if kind == "text" and "```" in body:
            kind = "markdown"
        ctx.child(art, body, label=f"part {index} ({ctype}, {cte})", kind=kind, name=f"part-{index}",
                  span=span, facts={"email-part"},
                  decoded_from=cte if cte in ("base64", "quoted-printable") else None)
        return cursor
    try:
        data = part.get_payload(decode=True)
    except Exception as e:
        ctx.error(art, f"attachment {filename or index}: cannot be decoded ({type(e).__name__}); not analysed")
        return cursor
    if not data:
        return cursor
    name = filename or f"part-{index}{_EXT.get(ctype, '.bin')}"
    label = f"attachment {name}" if filename else f"part {index} ({ctype})"
    ctx.child_bytes(art, data, name=name, label=label, span=span, facts=("email-attachment",))
    return cursor


def _decoded_text(art, ctx, part, index: int) -> str | None:
    try:
        data = part.get_payload(decode=True)
    except Exception as e:
        ctx.error(art, f"part {index}: body cannot be decoded ({type(e).__name__}); analysed as raw text only")
        return None
    if data is None:
        return None
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


_MBOX_SEP = None


@extractor("mbox-messages", kinds={"text", "eml"})
def extract_mbox(art, ctx):
    """An mbox mailbox (messages each after a `From ` line) → one e-mail artefact per message."""
    import re

    global _MBOX_SEP
    text = art.text
    if not text.startswith("From ") or "\nFrom " not in text and art.kind == "eml":
        return
    if "mbox-message" in art.facts:
        return
    if _MBOX_SEP is None:
        _MBOX_SEP = re.compile(r"^From \S+.*\n", re.M)
    starts = [m for m in _MBOX_SEP.finditer(text) if m.start() == 0 or text[m.start() - 1] == "\n"]
    if not starts or (len(starts) == 1 and art.kind == "eml"):
        return
    if not art.name.lower().endswith((".mbox", ".mbx")) and not re.match(r"[A-Za-z][A-Za-z0-9-]*: ", text[starts[0].end():]):
        return  # prose that happens to start with "From "
    for n, m in enumerate(starts[:MAX_PARTS], 1):
        body_start = m.end()
        body_end = starts[n].start() if n < len(starts) else len(text)
        if body_end <= body_start:
            continue
        ctx.child(art, text[body_start:body_end], label=f"message {n}", kind="eml", name=f"message-{n}.eml",
                  segments=[Segment(0, body_start, body_end, True)], facts={"mbox-message"})
    if len(starts) > MAX_PARTS:
        ctx.error(art, f"mailbox holds {len(starts)} messages; only the first {MAX_PARTS} were analysed")
