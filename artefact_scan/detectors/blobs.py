"""Encoded blobs: base64 (standard and URL-safe), base32, hex, percent-encoding, character-code
arrays and escapes, ROT13, and gzip/zlib/bzip2/xz inside any of them — decoded, kept when the
result reads as text, and analysed again as a child artefact.

Candidates come from one character-class scan (runs of 16+ base64/base32/hex characters, with
lines of a wrapped blob joined); structures that are data rather than messages are recognised and
skipped before decoding: data URIs of images and fonts, source maps, PEM blocks, SSH keys, JWTs,
SRI and lockfile hashes, UUIDs and hashes (hex that decodes to binary), colours.  A candidate is
decoded through up to `MAX_LAYERS` layers (base64 of base64, base64 of gzip…); a layer that reads
as text (`plaintext.score`) becomes a child artefact with `decoded_from` naming the codec chain,
mapped to the blob's span, so every rule reads it — an encoded note is judged by the note rules
and an encoded worm by the self-replication rules.  Undecodable high-entropy blobs are not
reported: they are data until something decodes them.

Signals:
  hm.blob-text      data: codec (chain such as "base64+gzip"), layers, decoded, what, says, chars
  hm.blob-short     the same span when the text is short (a word or two): lowers severity
  hm.charcode-text  char-code arrays (String.fromCharCode, chr() chains, byte lists) and
                    \\xNN / \\uNNNN / octal escape runs that spell text
  hm.rot13-text     lines that read as English only after ROT13
"""
from __future__ import annotations

import re

from . import detector

MIN_BLOB = 16
MAX_LAYERS = 4
MAX_DECOMPRESSED = 1 << 20
MAX_CANDIDATES = 20000
MAX_CHILDREN = 200
TEXT_SCORE = 0.6

_CAND = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_JOIN_GAP = re.compile(r"""[\s"'+,\\]{1,12}|\\n["']?\s*\+?\s*["']?""")
_HEX = re.compile(r"[0-9a-fA-F]+")
_B32 = re.compile(r"[A-Z2-7]+=*")
_B64STD = re.compile(r"[A-Za-z0-9+/]+=*")
_B64URL = re.compile(r"[A-Za-z0-9_-]+=*")
_DATA_URI = re.compile(r"data:([\w.+-]+/[\w.+-]+)?(?:;[\w.+-]+=[\w.+-]+)*;base64,$", re.I)
_SKIP_BEFORE = re.compile(
    r"(?:sha(?:1|224|256|384|512)-|(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com)\s+"
    r"|integrity[\"']?\s*[:=]\s*[\"']?|sourceMappingURL=\S*|#)$", re.I)
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]{1,40}-----[\s\S]{0,200000}?-----END [A-Z0-9 ]{1,40}-----")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_UUIDISH = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-")
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"wOFF", b"wOF2",
                 b"\x00\x00\x01\x00", b"RIFF", b"OggS", b"ID3", b"\x00asm", b"\xca\xfe\xba\xbe",
                 b"\x7fELF", b"MZ", b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x00\x18ftyp",
                 b"\x00\x00\x00\x1cftyp", b"\x00\x00\x00 ftyp", b"fLaC")

_PY = re.compile(r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\b|def\s+\w+\s*\(|class\s+\w+[:(])", re.M)
_JS = re.compile(r"^\s*(?:const|let|var)\s+\w+\s*=|\brequire\s*\(|^\s*function\s+\w+\s*\(|=>\s*\{", re.M)
_SH = re.compile(r"^#!\s*/(?:usr/)?bin/(?:env\s+)?(?:ba|z|da|k)?sh\b|(?:^|[;&|]\s*)(?:curl|wget|chmod|nohup|crontab|echo|export)\s", re.M)


def sniff_kind(text: str) -> str:
    """The kind of a decoded text: code is analysed as code."""
    from ..kinds import kind_from_content

    head = text[:4000]
    k = kind_from_content(head[:1024])
    if k != "text":
        return k
    if _PY.search(head):
        return "python"
    if _JS.search(head):
        return "javascript"
    if _SH.search(head):
        return "shell"
    return "text"


_WHAT = {"python": "Python code", "javascript": "JavaScript code", "shell": "a shell script",
         "json": "JSON", "html": "HTML", "xml": "XML", "text": "text"}


# -- decoding ---------------------------------------------------------------------------------
def _decompress(data: bytes) -> tuple[str, bytes] | None:
    import bz2
    import lzma
    import zlib

    try:
        if data[:2] == b"\x1f\x8b":
            d = zlib.decompressobj(47)
            return "gzip", d.decompress(data, MAX_DECOMPRESSED)
        if len(data) > 2 and data[0] == 0x78 and (data[0] * 256 + data[1]) % 31 == 0:
            d = zlib.decompressobj()
            return "zlib", d.decompress(data, MAX_DECOMPRESSED)
        if data[:3] == b"BZh":
            return "bzip2", bz2.BZ2Decompressor().decompress(data, MAX_DECOMPRESSED)
        if data[:6] == b"\xfd7zXZ\x00":
            return "xz", lzma.LZMADecompressor().decompress(data, MAX_DECOMPRESSED)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError):
        return None
    return None


def decode_one(s: str) -> list[tuple[str, bytes]]:
    """Every plausible decoding of one candidate string: [(codec, bytes)]."""
    import base64
    import binascii

    out = []
    n = len(s)
    body = s.rstrip("=")
    if n >= MIN_BLOB and n % 2 == 0 and _HEX.fullmatch(s):
        try:
            out.append(("hex", bytes.fromhex(s)))
        except ValueError:
            pass
        return out  # hex is also valid base64; hex wins (hashes, SHAs)
    if len(body) >= MIN_BLOB and _B32.fullmatch(s) and any(c.isdigit() for c in body):
        pad = "=" * (-len(body) % 8)
        try:
            out.append(("base32", base64.b32decode(body + pad)))
        except (binascii.Error, ValueError):
            pass
    upper = any("A" <= c <= "Z" for c in body)
    lower = any("a" <= c <= "z" for c in body)
    if not (upper and lower) or len(body) % 4 == 1:
        return out
    pad = "=" * (-len(body) % 4)
    if _B64STD.fullmatch(s):
        try:
            out.append(("base64", base64.b64decode(body + pad, validate=True)))
        except (binascii.Error, ValueError):
            pass
    elif _B64URL.fullmatch(s):
        try:
            out.append(("base64url", base64.urlsafe_b64decode(body + pad)))
        except (binascii.Error, ValueError):
            pass
    return out


def _as_text(data: bytes) -> str | None:
    if not data or any(data.startswith(m) for m in _BINARY_MAGIC):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def reads(text: str) -> bool:
    """Prose or code: the plaintext score, or clean printable text that sniffs as code (short
    scripts score lower than prose)."""
    from ..plaintext import score

    if score(text) >= TEXT_SCORE:
        return True
    return (len(text) >= 12 and all(c.isprintable() or c in "\t\r\n" for c in text[:4000])
            and sniff_kind(text) != "text")


def decode_chain(s: str, depth: int = 0) -> tuple[list[str], str | bytes] | None:
    """Decode a candidate through up to MAX_LAYERS layers; the chain of codecs and the first layer
    that reads as text (str), or compressed/binary payload bytes (bytes) to hand to child_bytes."""
    if depth >= MAX_LAYERS:
        return None
    best = None
    for codec, data in decode_one(s):
        if len(data) < 6:
            continue
        dec = _decompress(data)
        if dec is not None:
            name, raw = dec
            text = _as_text(raw)
            if text is not None and reads(text):
                return [codec, name], text
            if raw:
                return [codec, name], raw
            continue
        text = _as_text(data)
        if text is None:
            continue
        inner = text.strip()
        if len(inner) >= MIN_BLOB and _CAND.fullmatch(inner) and depth + 1 < MAX_LAYERS:
            deeper = decode_chain(inner, depth + 1)
            if deeper is not None:
                return [codec] + deeper[0], deeper[1]
        if len(text.strip()) >= 6 and reads(text):
            best = best or ([codec], text)
    return best


# -- candidates -------------------------------------------------------------------------------
def _spans(pattern: re.Pattern, text: str, literal: str) -> list[tuple[int, int]]:
    if literal not in text:
        return []
    return [m.span() for m in pattern.finditer(text)][:1000]


def _candidates(text: str):
    """Yield (start, end, string) of blob candidates, wrapped lines joined."""
    pem = _spans(_PEM, text, "-----BEGIN ")
    jwt = _spans(_JWT, text, "eyJ")
    group: list[tuple[int, int]] = []

    def flush():
        if not group:
            return None
        s, e = group[0][0], group[-1][1]
        joined = "".join(text[a:b] for a, b in group)
        return s, e, joined

    count = 0
    for m in _CAND.finditer(text):
        count += 1
        if count > MAX_CANDIDATES:
            break
        s, e = m.span()
        if pem and any(a <= s < b for a, b in pem):
            continue
        if jwt and any(a <= s < b for a, b in jwt):
            continue
        if group:
            ps, pe = group[-1]
            gap = text[pe:s]
            if (pe - ps) % 4 == 0 and (pe - ps) >= 40 and _JOIN_GAP.fullmatch(gap) and "=" not in text[ps:pe]:
                group.append((s, e))
                continue
            out = flush()
            group = []
            if out:
                yield out
        group = [(s, e)]
    out = flush()
    if out:
        yield out


def _skip_context(text: str, s: int, cand: str) -> bool:
    before = text[max(0, s - 60):s]
    m = _DATA_URI.search(before)
    if m:
        mime = (m.group(1) or "").lower()
        return not (mime.startswith("text/") and "html" not in mime) or "sourcemappingurl" in before.lower()
    if _SKIP_BEFORE.search(before):
        return True
    if _UUIDISH.match(text, max(0, s - 9), s + 5):
        return True
    return False


def _blob_layers(art) -> int:
    n = 0
    a = art
    while a is not None:
        if a.decoded_from and a.meta.get("blob"):
            n += 1
        a = a.parent
    return n


@detector("encoded-blobs", ("hm.blob-text", "hm.blob-short"))
def detect_blobs(art, ctx):
    from . import notes

    text = art.text
    if len(text) < MIN_BLOB or _blob_layers(art) >= MAX_LAYERS:
        return
    made = 0
    for s, e, cand in _candidates(text):
        if len(cand) > 4 * MAX_DECOMPRESSED:
            continue
        if _skip_context(text, s, cand):
            continue
        res = decode_chain(cand)
        if res is None:
            continue
        chain, payload = res
        codec = "+".join(chain)
        line, col = art.index.position(s)
        label = f"{codec} at {line}:{col}"
        meta = {"place": f"a {codec} blob", "blob": True}
        if isinstance(payload, bytes):
            from ..kinds import kind_from_magic

            if kind_from_magic(payload[:4096]) is None:
                continue  # compressed binary data, not a message
            child = ctx.child_bytes(art, payload, name=art.name + ".decoded", label=label, span=(s, e),
                                    decoded_from=codec, meta=meta)
            if child is None or not child.text:
                continue
            decoded = child.text
            what = _WHAT.get(child.kind, child.kind)
        else:
            decoded = payload
            kind = sniff_kind(decoded)
            what = _WHAT.get(kind, kind)
            child = ctx.child(art, decoded, label=label, kind=kind, name=art.name + ".decoded",
                              span=(s, e), decoded_from=codec, meta=meta)
        said = notes.says(decoded)
        short = len(decoded.strip()) < 20 or len(decoded.split()) < 3
        ctx.signal(art, "hm.blob-text", s, e, codec=codec, layers=len(chain), decoded=decoded[:2000],
                   what=what, says=f" ({said})" if said else "", chars=len(cand),
                   label=f"a {codec} blob that decodes to {what}")
        if short:
            ctx.signal(art, "hm.blob-short", s, e, label="a short decoded text")
        made += 1
        if made >= MAX_CHILDREN:
            ctx.error(art, f"more than {MAX_CHILDREN} decodable blobs; the rest not decoded")
            return


# -- character codes and escapes -----------------------------------------------------------------
_NUM = r"(?:0x[0-9a-fA-F]{1,2}|\d{1,3})"
_CODE_LIST = re.compile(r"[\[({]\s*(" + _NUM + r"(?:\s*,\s*" + _NUM + r"){5,})\s*,?\s*[\])}]")
_CHR_CHAIN = re.compile(r"(?:\b(?:chr|String\.fromCharCode|char)\s*\(\s*" + _NUM + r"\s*\)\s*(?:\+|\.|,|&)?\s*){6,}")
_ESC_RUN = re.compile(r"(?:\\x[0-9a-fA-F]{2}|\\u00[0-9a-fA-F]{2}|\\u\{[0-9a-fA-F]{1,6}\}|\\[0-3][0-7]{2}|%[0-9a-fA-F]{2}){8,}")
_CONSUMER = re.compile(r"(?i)fromcharcode|\bchr\b|\bbytes\s*\(|\bbytearray\s*\(|\bbuffer\.from|\bstring\s*\(|\bpack\s*\(|uint8array|\bdecode\s*\(|\bmap\s*\(")
_NUMS = re.compile(_NUM)


def _num(tok: str) -> int:
    return int(tok, 16) if tok.lower().startswith("0x") else int(tok)


def _codes_text(codes: list[int]) -> str | None:
    if not codes or any(c > 0x10FFFF for c in codes):
        return None
    if all(c < 256 for c in codes):
        try:
            return bytes(codes).decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        return "".join(chr(c) for c in codes)
    except ValueError:
        return None


def _unescape_run(run: str) -> str | None:
    out = bytearray()
    i, n = 0, len(run)
    wide = []
    while i < n:
        if run[i] == "%":
            out.append(int(run[i + 1:i + 3], 16))
            i += 3
        elif run[i + 1] == "x":
            out.append(int(run[i + 2:i + 4], 16))
            i += 4
        elif run[i + 1] == "u" and run[i + 2] == "{":
            j = run.index("}", i)
            wide.append((len(out), int(run[i + 3:j], 16)))
            out += chr(int(run[i + 3:j], 16)).encode("utf-8", "surrogatepass")
            i = j + 1
        elif run[i + 1] == "u":
            out.append(int(run[i + 2:i + 6], 16))
            i += 6
        else:
            out.append(int(run[i + 1:i + 4], 8) & 0xFF)
            i += 4
    try:
        return bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        return None


@detector("char-codes", ("hm.charcode-text",),
          literals=("fromcharcode", "chr", "bytes", "bytearray", "buffer.from", "uint8array", "\\x",
                    "\\u", "\\1", "\\0", "\\2", "\\3", "%", "pack", "char"))
def detect_charcodes(art, ctx):
    from ..plaintext import score
    from . import notes

    text = art.text
    found = []
    low = art.lower
    if "\\" in text or "%" in text:
        for m in _ESC_RUN.finditer(text):
            run = m.group()
            if run.startswith("%"):
                # percent-encoding that encodes plain letters is obfuscation, not URL escaping
                letters = sum(1 for t in re.findall(r"%([0-9a-fA-F]{2})", run) if chr(int(t, 16)).isalnum())
                if letters < 6:
                    continue
            found.append((m.start(), m.end(), "escapes", _unescape_run(run)))
            if len(found) > 500:
                break
    if any(k in low for k in ("fromcharcode", "chr", "char")):
        for m in _CHR_CHAIN.finditer(text):
            codes = [_num(t) for t in _NUMS.findall(re.sub(r"(?i)fromcharcode|chr|char", " ", m.group()))]
            found.append((m.start(), m.end(), "chr() chain", _codes_text(codes)))
    if "," in text and any(k in low for k in ("fromcharcode", "chr", "bytes", "bytearray", "buffer.from",
                                               "uint8array", "pack", "decode", "map(")):
        for m in _CODE_LIST.finditer(text):
            ctxt = text[max(0, m.start() - 120):min(len(text), m.end() + 120)]
            if not _CONSUMER.search(ctxt):
                continue
            codes = [_num(t) for t in _NUMS.findall(m.group(1))]
            found.append((m.start(), m.end(), "character-code array", _codes_text(codes)))
            if len(found) > 1000:
                break
    made = 0
    for s, e, form, decoded in found:
        if not decoded or len(decoded.strip()) < 6 or score(decoded) < TEXT_SCORE:
            continue
        if len(decoded.split()) < 2 and not notes.says(decoded):
            continue  # one word spelled in codes: a constant, not a message
        kind = sniff_kind(decoded)
        line, col = art.index.position(s)
        said = notes.says(decoded)
        ctx.child(art, decoded, label=f"{form} at {line}:{col}", kind=kind, name=art.name + ".decoded",
                  span=(s, e), decoded_from="char-codes", meta={"place": form, "blob": True})
        ctx.signal(art, "hm.charcode-text", s, e, form=form, decoded=decoded[:2000],
                   what=_WHAT.get(kind, kind), says=f" ({said})" if said else "",
                   label=f"a {form} that spells {_WHAT.get(kind, kind)}")
        made += 1
        if made >= MAX_CHILDREN:
            return


# -- ROT13 --------------------------------------------------------------------------------------
_ROT13 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")
_WORDS = re.compile(r"[A-Za-z]{2,}")


def _common_share(text: str) -> float:
    from ..plaintext import COMMON

    words = _WORDS.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if w.lower() in COMMON) / len(words)


@detector("rot13", ("hm.rot13-text",), literals=("gur ", "naq ", "lbh ", " bs ", " vf ", " gb "))
def detect_rot13(art, ctx):
    """A line that reads as English only after ROT13 ("Gur cyna pbagvahrf" → "The plan continues")."""
    from . import notes

    text = art.text
    low = art.lower
    seen: set[int] = set()
    made = 0
    for lit in ("gur ", "naq ", "lbh ", " bs ", " vf ", " gb "):
        i = low.find(lit)
        hits = 0
        while i >= 0 and hits < 200:
            hits += 1
            ls = text.rfind("\n", 0, i) + 1
            le = text.find("\n", i)
            le = len(text) if le < 0 else le
            i = low.find(lit, le)
            if ls in seen:
                continue
            seen.add(ls)
            line = text[ls:le]
            if len(_WORDS.findall(line)) < 4:
                continue
            plain = line.translate(_ROT13)
            before, after = _common_share(line), _common_share(plain)
            if after < 0.3 or after < before + 0.2:
                continue
            stripped = plain.strip()
            off = len(line) - len(line.lstrip())
            said = notes.says(plain)
            ln = art.index.position(ls)[0]
            ctx.child(art, stripped, label=f"ROT13 at line {ln}", kind="text", name=art.name + ".decoded",
                      span=(ls + off, le), decoded_from="rot13", meta={"place": "ROT13 text", "blob": True})
            ctx.signal(art, "hm.rot13-text", ls + off, le, decoded=stripped[:2000],
                       says=f" ({said})" if said else "", label="a line that reads only after ROT13")
            made += 1
            if made >= MAX_CHILDREN:
                return
