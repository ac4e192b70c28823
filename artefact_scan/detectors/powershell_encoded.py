"""PowerShell code that is run encoded: `powershell -EncodedCommand <base64 of UTF-16LE>` and
`Invoke-Expression` of text decoded with `[Convert]::FromBase64String` (optionally inflated
with `DeflateStream` / `GZipStream`, the shape obfuscators and stagers produce).

The base64 is decoded statically (bounded; nothing is run) and the code becomes a child
artefact of kind powershell, so every rule reads the plain code: an encoded worm is reported as
a worm, and the finding points at the encoded text in the file.  `-EncodedCommand` is found in
every text kind (a batch file, a shell script, a crontab, a registry export, a transcript);
`FromBase64String` in PowerShell.

Signal `sr.ps-encoded-command` on the base64 literal: data `decoded`, `size`, `codec`.
"""
from __future__ import annotations

import base64
import binascii
import re
import zlib

from . import detector
from ..lazyregex import lazy, lazy_re

MAX_B64 = 2_000_000
MAX_OUT = 1024 * 1024
# -e, -ec, -en, -enc … -EncodedCommand (a unique prefix), also with / and typographic dashes
_ENC_OPT = lazy(
    r"(?i)(?<![\w\-])[-/\u2013\u2014\u2015](?:e|ec|en(?:c(?:o(?:d(?:e(?:d(?:c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?)?)?)?)?)?)?)"
    r"[ \t]+(?:\^?[\"'`]|`\")?([A-Za-z0-9+/]{12,}={0,2})")
_ENC_VAR = lazy(
    r"(?i)(?<![\w\-])[-/\u2013\u2014\u2015](?:e|ec|en(?:c(?:o(?:d(?:e(?:d(?:c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?)?)?)?)?)?)?)"
    r"[ \t]+\$(?:[a-z]+:)?(\w+)")
_PS_WORD = lazy_re(r"(?i)\b(?:powershell(?:_ise)?|pwsh)(?:\.exe)?\b")
_FROM_B64 = lazy(r"(?i)frombase64string\s*\(\s*(?:\(\s*)?['\"]([A-Za-z0-9+/\s]{16,}={0,2})['\"]")
_FROM_B64_VAR = lazy(r"(?i)frombase64string\s*\(\s*\$(?:[a-z]+:)?(\w+)\s*\)")
_RUNS = lazy_re(r"(?i)\b(?:iex|invoke-expression|invoke-command|icm|start-job)\b|scriptblock\]\s*::\s*create|"
                r"\|\s*(?:iex|invoke-expression)\b|^\s*[&.]\s*\(|\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]{0,80}\s[-/](?:c|co|com|comm|comma|comman|command)\b")
_UNICODE = lazy_re(r"(?i)encoding\]\s*::\s*unicode\b|unicodeencoding|encoding\]\s*::\s*getencoding\(\s*['\"]?(?:utf-16|1200)")


def _b64(v: str) -> bytes | None:
    v = re.sub(r"\s+", "", v)
    if len(v) < 12 or len(v) > MAX_B64:
        return None
    try:
        return base64.b64decode(v + "=" * (-len(v) % 4), validate=False)
    except (binascii.Error, ValueError):
        return None


def _printable(text: str) -> bool:
    if not text.strip():
        return False
    good = sum(ch.isprintable() or ch in "\n\t\r" for ch in text)
    return good >= 0.9 * len(text)


def utf16_text(raw: bytes) -> str | None:
    """UTF-16LE text (what -EncodedCommand carries), or None when the bytes are not that."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    try:
        text = raw.decode("utf-16-le")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) else None


def _inflate(raw: bytes, how: str) -> bytes | None:
    try:
        d = zlib.decompressobj(-15 if how == "deflate" else 47)
        out = d.decompress(raw, MAX_OUT)
        return out
    except zlib.error:
        return None


def decode_payload(b64: str, unicode: bool, compressed: str = "") -> tuple[str, str] | None:
    """(text, codec) of a base64 payload read the way the script reads it, or None."""
    raw = _b64(b64)
    if raw is None:
        return None
    codec = "base64"
    if compressed:
        raw = _inflate(raw, compressed)
        if raw is None:
            return None
        codec += " + " + compressed
    if unicode:
        text = utf16_text(raw)
        return (text, codec + " (UTF-16LE)") if text is not None else None
    text = raw[:MAX_OUT].decode("utf-8", "replace")
    if not _printable(text):
        alt = utf16_text(raw)
        if alt is None:
            return None
        return alt, codec + " (UTF-16LE)"
    return text, codec


def _line_of(text: str, at: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, at) + 1
    e = text.find("\n", at)
    return s, (len(text) if e < 0 else e)


def _emit(art, ctx, s: int, e: int, text: str, codec: str, what: str) -> None:
    ctx.signal(art, "sr.ps-encoded-command", s, e, decoded=text[:2000], size=len(text), codec=codec, what=what,
               how=f"runs an encoded command ({what})")
    line = art.index.position(s)[0]
    facts = ("persisted-command",) if "persisted-command" in art.facts else ()
    meta = {"persistence": art.meta["persistence"]} if art.meta.get("persistence") else None
    ctx.child(art, text, label=f"{what} decoded at line {line}", kind="powershell",
              name="encoded-command.ps1", span=(s, e), decoded_from=codec, facts=facts, meta=meta)


def _prefilter(art) -> bool:
    low = art.lower
    return ("powershell" in low or "pwsh" in low) or (art.kind == "powershell" and "frombase64string" in low)


def _code(art) -> str:
    """What to search: PowerShell without its comments (help examples show encoded commands
    that nothing runs); other kinds as they are."""
    if art.kind != "powershell":
        return art.text
    m = art.meta.get("_ps_model")
    if m is not None:
        return m.code
    from .powershell_syntax import code_view

    return code_view(art.text)


@detector("powershell-encoded", ("sr.ps-encoded-command",), prefilter=_prefilter)
def detect_encoded(art, ctx):
    text = _code(art)
    n = 0
    for m in ctx.finditer(_ENC_OPT, art, text, what="-EncodedCommand"):
        ls, _le = _line_of(text, m.start())
        if not _PS_WORD.search(text, max(ls, m.start() - 600), m.start()):
            continue
        raw = _b64(m.group(1))
        dec = utf16_text(raw) if raw is not None else None
        if dec is None:
            continue
        n += 1
        if n > 200:
            ctx.error(art, "more than 200 encoded commands; the rest not decoded")
            return
        _emit(art, ctx, m.start(1), m.end(1), dec, "base64 (UTF-16LE)", "powershell -EncodedCommand")
    if art.kind != "powershell":
        return
    # powershell -EncodedCommand $e, with $e = '<base64>' assigned once
    for m in ctx.finditer(_ENC_VAR, art, text, what="-EncodedCommand $var"):
        ls, _le = _line_of(text, m.start())
        if not _PS_WORD.search(text, max(ls, m.start() - 600), m.start()):
            continue
        lits = list(re.finditer(r"(?im)^[ \t]*\$(?:[a-z]+:)?" + re.escape(m.group(1)) +
                                r"[ \t]*=[ \t]*['\"]([A-Za-z0-9+/]{12,}={0,2})['\"]", text))
        if len(lits) != 1:
            continue
        raw = _b64(lits[0].group(1))
        dec = utf16_text(raw) if raw is not None else None
        if dec is None:
            continue
        n += 1
        if n > 200:
            return
        _emit(art, ctx, lits[0].start(1), lits[0].end(1), dec, "base64 (UTF-16LE)", "powershell -EncodedCommand")
    if "frombase64string" not in art.lower:
        return
    # FromBase64String($b), with $b = '<base64>' assigned once
    for m in ctx.finditer(_FROM_B64_VAR, art, text, what="FromBase64String($var)"):
        ls, le = _line_of(text, m.start())
        lits = list(re.finditer(r"(?im)^[ \t]*\$(?:[a-z]+:)?" + re.escape(m.group(1)) +
                                r"[ \t]*=[ \t]*['\"]([A-Za-z0-9+/\s]{16,}={0,2})['\"]", text))
        if len(lits) != 1:
            continue
        window = text[max(0, ls - 400):min(len(text), le + 400)]
        compressed = "deflate" if re.search(r"(?i)deflatestream", window) else \
            ("gzip" if re.search(r"(?i)gzipstream", window) else "")
        got = decode_payload(lits[0].group(1), bool(_UNICODE.search(window)), compressed)
        if got is None or not (_RUNS.search(text[ls:le]) or _runs_later(text, text[ls:le], le)):
            continue
        n += 1
        if n > 200:
            return
        _emit(art, ctx, lits[0].start(1), lits[0].end(1), got[0], got[1], "FromBase64String payload run")
    for m in ctx.finditer(_FROM_B64, art, text, what="FromBase64String"):
        ls, le = _line_of(text, m.start())
        # the statement around it: the line, or a few lines when the call spans them
        ws, we = max(0, ls - 400), min(len(text), le + 400)
        stmt = text[ls:le]
        window = text[ws:we]
        compressed = "deflate" if re.search(r"(?i)deflatestream", window) else \
            ("gzip" if re.search(r"(?i)gzipstream", window) else "")
        got = decode_payload(m.group(1), bool(_UNICODE.search(window)), compressed)
        if got is None:
            continue
        dec, codec = got
        if not (_RUNS.search(stmt) or _runs_later(text, stmt, le)):
            continue
        n += 1
        if n > 200:
            ctx.error(art, "more than 200 encoded commands; the rest not decoded")
            return
        _emit(art, ctx, m.start(1), m.end(1), dec, codec, "FromBase64String payload run")


_ASSIGNED = lazy_re(r"(?i)^\s*\$(?:[a-z]+:)?(\w+)\s*=")


def _runs_later(text: str, stmt: str, after: int) -> bool:
    """`$c = …FromBase64String(…)…` and a later `iex $c` / `[ScriptBlock]::Create($c)`."""
    m = _ASSIGNED.match(stmt)
    if not m:
        return False
    name = re.escape(m.group(1))
    tail = text[after:after + 20000]
    return bool(re.search(r"(?i)(?:\b(?:iex|invoke-expression)\b[ \t(]*\$" + name + r"\b|"
                          r"scriptblock\]\s*::\s*create\(\s*\$" + name + r"\b|\$" + name + r"\s*\|\s*(?:iex|invoke-expression)\b|"
                          r"-(?:enc\w*|e|ec)\s+\$" + name + r"\b)", tail))
