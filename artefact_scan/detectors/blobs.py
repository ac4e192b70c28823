"""Encoded blobs: base64 (standard and URL-safe), base32, hex, percent-encoding, character-code
arrays and escapes, ROT13, and gzip/zlib/bzip2/xz inside any of them — decoded, kept when the
result reads as text, and analysed again as a child artefact.

Candidates come from one character-class scan (runs of 20+ base64/base32/hex characters, with
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
  hm.blob-short     the same span when the blob is probably benign (lowers severity): the text is
                    short, is data (JSON/XML), is shown in clear nearby, or is a MIME attachment
  hm.charcode-text  char-code arrays (String.fromCharCode, chr() chains, byte lists) and
                    \\xNN / \\uNNNN / octal escape runs that spell text
  hm.rot13-text     lines that read as English only after ROT13
"""
from __future__ import annotations

import re

from ..lazyregex import lazy_re
from . import detector

MIN_BLOB = 20  # 15 bytes: shorter texts are words, not messages
MAX_LAYERS = 4
MAX_DECOMPRESSED = 1 << 20
MAX_BLOB_CHARS = 4 * MAX_DECOMPRESSED  # longer blobs are reported as not decoded
MAX_CANDIDATES = 200000  # per artefact; beyond it the file is reported as not fully analysed
MAX_CHILDREN = 200
TEXT_SCORE = 0.6

_CAND = lazy_re(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_JOIN_GAP = lazy_re(r"""[\s"'+,\\]{1,12}|\\n["']?\s*\+?\s*["']?""")
_HEX = lazy_re(r"[0-9a-fA-F]+")
_HEXDIGITS = "0123456789abcdefABCDEF"
_HEXDIGITS_EQ = _HEXDIGITS + "="
_B32 = lazy_re(r"[A-Z2-7]+=*")
_B64STD = lazy_re(r"[A-Za-z0-9+/]+=*")
_B64URL = lazy_re(r"[A-Za-z0-9_-]+=*")
_DATA_URI = lazy_re(r"data:([\w.+-]+/[\w.+-]+)?(?:;[\w.+-]+=[\w.+-]+)*;base64,$", re.I)
_SKIP_BEFORE = lazy_re(
    r"(?:sha(?:1|224|256|384|512)-|(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com)\s+"
    r"|integrity[\"']?\s*[:=]\s*[\"']?|sourceMappingURL=\S*|#)$", re.I)
_PEM = lazy_re(r"-----BEGIN [A-Z0-9 ]{1,40}-----[\s\S]{0,200000}?-----END [A-Z0-9 ]{1,40}-----")
_JWT = lazy_re(r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_UUIDISH = lazy_re(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-")
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"wOFF", b"wOF2",
                 b"\x00\x00\x01\x00", b"RIFF", b"OggS", b"ID3", b"\x00asm", b"\xca\xfe\xba\xbe",
                 b"\x7fELF", b"MZ", b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x00\x18ftyp",
                 b"\x00\x00\x00\x1cftyp", b"\x00\x00\x00 ftyp", b"fLaC")

_PY = lazy_re(r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\b|def\s+\w+\s*\(|class\s+\w+[:(])", re.M)
_JS = lazy_re(r"^\s*(?:const|let|var)\s+\w+\s*=|\brequire\s*\(|^\s*function\s+\w+\s*\(|=>\s*\{", re.M)
_PS = lazy_re(r"(?m)(?:^|[;|({=]\s*)(?:Get|Set|New|Invoke|Start|Stop|Copy|Add|Remove|Register|Write|Out|Import|"
              r"Export|Test|ForEach|Where|Select|Join|Split|Convert|Resolve|Move)-[A-Z][A-Za-z]+\b")
_SH = lazy_re(r"^#!\s*/(?:usr/)?bin/(?:env\s+)?(?:ba|z|da|k)?sh\b|(?:^|[;&|]\s*)(?:curl|wget|chmod|nohup|crontab|echo|export)\s", re.M)


def sniff_kind(text: str) -> str:
    """The kind of a decoded text: code is analysed as code."""
    from ..kinds import kind_from_content

    head = text[:4000]
    k = kind_from_content(head[:1024])
    if k != "text":
        return k
    if _PY.search(head):
        return "python"
    if _PS.search(head):
        return "powershell"
    if _JS.search(head):
        return "javascript"
    if _SH.search(head):
        return "shell"
    return "text"


_WHAT = {"python": "Python code", "javascript": "JavaScript code", "shell": "a shell script",
         "powershell": "PowerShell code",
         "json": "JSON", "html": "HTML", "xml": "XML", "text": "text"}


# -- decoding ---------------------------------------------------------------------------------
_COMPRESSED_B64 = ("eJ", "H4sI", "QlpoO", "/Td6WFo")  # zlib, gzip, bzip2, xz headers in base64
_COMPRESSED_FIRST = frozenset(b"\x1f\x78BZ\xfd")


TRUNCATED = " (first 1 MiB)"


def _decompress(data: bytes) -> tuple[str, bytes] | None:
    """(codec, output) of compressed data, output bounded to MAX_DECOMPRESSED (a bomb stops
    there; the codec name then says that only the first part was read)."""
    res = _decompress_raw(data)
    if res is not None and len(res[1]) >= MAX_DECOMPRESSED:
        return res[0] + TRUNCATED, res[1]
    return res


def _decompress_raw(data: bytes) -> tuple[str, bytes] | None:
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
    if body.islower() and not body.strip(_HEXDIGITS):
        pass  # lower-case hex: decoded below
    # base32 padded to whole 8-character groups needs no digit: names are never padded
    padded32 = body.isupper() and s != body and n >= 16 and n % 8 == 0
    if body.islower() and not body.strip(_HEXDIGITS):
        pass  # lower-case hex: decoded below
    elif body.islower() or body.isupper() and not padded32 and not any(c in "234567" for c in body):
        return out  # identifiers and constants: base64 needs both cases, base32 its digits
    if n >= 48 and n % 8 == 0 and not s.strip("01"):
        return [("binary", int(s, 2).to_bytes(n // 8, "big"))]
    if n >= MIN_BLOB and n % 2 == 0 and not s.strip(_HEXDIGITS):
        try:
            out.append(("hex", bytes.fromhex(s)))
        except ValueError:
            pass
        return out  # hex is also valid base64; hex wins (hashes, SHAs)
    if len(body) >= MIN_BLOB and body.isupper() and _B32.fullmatch(s) and (padded32 or any(c in "234567" for c in body)):
        pad = "=" * (-len(body) % 8)
        try:
            out.append(("base32", base64.b32decode(body + pad)))
        except (binascii.Error, ValueError):
            pass
    if body.islower() or body.isupper() or len(body) % 4 == 1:
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
    if not data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if data[0] < 0x20 or data[0] > 0x7E:
        if any(data.startswith(m) for m in _BINARY_MAGIC):
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
        dec = _decompress(data) if data[0] in _COMPRESSED_FIRST else None
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


_B64_BYTES = bytes(ord("a") if (chr(c).isascii() and (chr(c).isalnum() or chr(c) in "+/_-=")) else ord(" ")
                   for c in range(256))


# upper-case letters, the letters g-z (breaks) and the other characters of blobs
_CLS_BYTES = bytes(ord("U") if 65 <= c <= 90 else ord(" ") if 103 <= c <= 122
                   else _B64_BYTES[c] for c in range(256))


def _candidates(text: str):
    """Yield (start, end, string) of blob candidates, wrapped lines joined.

    Runs of MIN_BLOB+ base64/base32/hex characters are found by mapping the text to bytes (one
    byte per character: offsets stay the same) and searching for a fixed string, at memory
    speed; a character-class regex pays per position and is several times slower."""
    raw = text.encode("latin-1", "replace")
    bb = raw.translate(_B64_BYTES)
    needle = b"a" * MIN_BLOB
    find = bb.find
    n = len(bb)
    group: list[tuple[int, int]] = []
    count = 0
    # skipping lower-case runs (file lists, paths): the next upper-case letter and the next run
    # without a letter g-z, found in `cls` once the first such run is met; every run that ends
    # before both is lower-case with a letter g-z, skipped without being looked at
    cls = None
    next_up = next_plain = -1
    i = find(needle)
    while i >= 0:
        j = find(b" ", i + MIN_BLOB)
        if j < 0:
            j = n
        r0, r1 = i, j
        i = find(needle, j) if j < n else -1
        run = text[r0:r1]
        body = run.rstrip("=")
        if "=" in body:
            # `value=68656c6c6f…`: a key and its value in one run; the longest piece between the
            # '=' is the candidate (base64 has '=' only as padding at its end)
            pieces = body.split("=")
            k = max(range(len(pieces)), key=lambda i: len(pieces[i]))
            if len(pieces[k]) < MIN_BLOB:
                continue
            r0 += sum(len(p) + 1 for p in pieces[:k])
            r1 = r0 + len(pieces[k]) + (len(run) - len(body) if k == len(pieces) - 1 else 0)
            run = text[r0:r1]
        if run.islower():
            if run.strip(_HEXDIGITS_EQ):
                # snake_case and lower-case words: base64 text needs both cases, base32 upper
                if i >= 0:
                    if cls is None:
                        cls = raw.translate(_CLS_BYTES)
                    if next_up < j:
                        next_up = cls.find(b"U", j)
                        next_up = n if next_up < 0 else next_up
                    if next_plain < j:
                        next_plain = cls.find(needle, j)
                        next_plain = n if next_plain < 0 else next_plain
                    limit = min(next_up, next_plain)
                    if limit >= n:
                        i = -1
                    elif i < limit:
                        # the run holding `limit` is the first that may need a look
                        i = find(needle, bb.rfind(b" ", j, limit) + 1)
                continue
        elif run.isupper() and ("_" in run or "-" in run or not any(c in run for c in "234567")) \
                and not (len(run) >= 16 and len(run) % 8 == 0 and run.endswith("=")):
            # CONSTANT_NAMES: base32 has neither '_' nor '-', and has digits 2-7 (unless it is
            # padded to whole 8-character groups, which names never are)
            continue
        elif r1 - r0 < 28 and run.isalpha() and not run.startswith(_COMPRESSED_B64):
            continue  # CamelCaseNames: short base64 of text without a digit, '+', '/' or '=' is rare
        if "=" in run[:-2] or not run.isascii():
            m = _CAND.search(text, r0, r1)  # '=' inside, or a non-ASCII letter mapped to '?'
            if m is None:
                continue
            r0, r1 = m.span()
        count += 1
        if count > MAX_CANDIDATES:
            yield -1, -1, ""  # the caller reports the limit
            return
        if group:
            ps, pe = group[-1]
            if (pe - ps) % 4 == 0 and (pe - ps) >= 40 and _JOIN_GAP.fullmatch(text, pe, r0) \
                    and "=" not in text[ps:pe]:
                group.append((r0, r1))
                continue
            yield _joined(text, group)
        group = [(r0, r1)]
    if group:
        yield _joined(text, group)


def _joined(text: str, group: list[tuple[int, int]]) -> tuple[int, int, str]:
    s, e = group[0][0], group[-1][1]
    return s, e, (text[s:e] if len(group) == 1 else "".join(text[a:b] for a, b in group))


class _Structures:
    """PEM blocks and JWTs of a text, found only when a candidate needs the answer."""

    def __init__(self, text: str):
        self.text = text
        self._spans: list[tuple[int, int]] | None = None

    def inside(self, pos: int) -> bool:
        if self._spans is None:
            self._spans = _spans(_PEM, self.text, "-----BEGIN ") + _spans(_JWT, self.text, "eyJ")
        return any(a <= pos < b for a, b in self._spans)


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


def _compiled_cache(art) -> bool:
    """Printable strings of compiled caches (__pycache__/*.pyc) repeat their source file."""
    name = art.root().name.replace("\\", "/")
    return art.kind == "strings" and (name.endswith((".pyc", ".pyo")) or "/__pycache__/" in "/" + name)


def _mitigation(art, s: int, e: int, decoded: str, kind: str, said: str) -> str:
    """Why a decoded blob is probably benign (lowers the severity), or ""."""
    if said:
        return ""
    if len(decoded.strip()) < 20 or len(decoded.split()) < 3:
        return "a short decoded text"
    if _EXAMPLE_TEXT.search(decoded[:400]):
        return "a stock example text (hello world, lorem ipsum, 'this is base64-encoded')"
    if kind in ("json", "xml", "html") or decoded.lstrip().startswith(("<svg", "<?xml", "{", "[")):
        return "decoded data (JSON/XML), not prose"
    text = art.text
    probe = " ".join(decoded.split())[:48]
    if len(probe) >= 16:
        near = " ".join(text[max(0, s - 3000):min(len(text), e + 3000)].split())
        if probe in near:
            return "the decoded text is also shown in clear nearby"
    if _MIME_PART.search(text, max(0, s - 400), s):
        return "a MIME attachment (Content-Transfer-Encoding: base64)"
    if _YAML_VALUE.match(text, text.rfind("\n", 0, s) + 1, s) and _K8S_SECRET.search(text, 0, min(len(text), 200000)):
        return "a value of a Kubernetes Secret (base64 by definition)"
    return ""


_EXAMPLE_TEXT = lazy_re(r"(?i)\b(?:base[\s-]?64|(?:is|was|be)\s+encoded|hello,?\s+world|lorem\s+ipsum"
                           r"|quick\s+brown\s+fox|this\s+is\s+(?:a|an|some|my)\s+(?:test|example|sample|secret)"
                           r"|(?:test|sample|example|dummy)\s+(?:string|data|text|message|payload|value))\b")
_MIME_PART = lazy_re(r"(?i)content-transfer-encoding:\s*base64\s*$", re.M)
_K8S_SECRET = lazy_re(r"^[ \t]*[\"']?kind[\"']?[ \t]*:[ \t]*[\"']?Secret[\"']?[ \t]*,?[ \t]*$", re.M)
_YAML_VALUE = lazy_re(r"[ \t]*(?:-[ \t]+)?[\"']?[\w.-]+[\"']?[ \t]*:[ \t]*[\"']?$")


@detector("encoded-blobs", ("hm.blob-text", "hm.blob-short"))
def detect_blobs(art, ctx):
    from . import notes

    text = art.text
    if len(text) < MIN_BLOB or _blob_layers(art) >= MAX_LAYERS or _compiled_cache(art):
        return
    made = 0
    if "<~" in text:
        made += _ascii85(art, ctx, text)
    structures = _Structures(text)
    for s, e, cand in _candidates(text):
        if s < 0:
            ctx.error(art, f"more than {MAX_CANDIDATES} blob candidates; the rest not decoded")
            return
        if len(cand) > MAX_BLOB_CHARS:
            ctx.error(art, f"an encoded blob of {len(cand)} characters at offset {s} is over "
                           f"{MAX_BLOB_CHARS} characters; not decoded")
            continue
        if art.kind == "eml" and _MIME_PART.search(text, max(0, s - 400), s):
            continue  # a MIME part's transfer encoding: the e-mail extractor decodes it as that part
        res = decode_chain(cand)
        if res is None or _skip_context(text, s, cand) or structures.inside(s):
            continue
        chain, payload = res
        codec = "+".join(chain)
        if TRUNCATED in codec:
            ctx.error(art, f"{codec} at offset {s}: the compressed payload is larger; the rest not analysed")
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
        ctx.signal(art, "hm.blob-text", s, e, codec=codec, layers=len(chain), decoded=decoded[:2000],
                   what=what, says=f" ({said})" if said else "", chars=len(cand),
                   part_label=f"a {codec} blob that decodes to {what}")
        why = _mitigation(art, s, e, decoded, child.kind if child is not None else "text", said)
        if why:
            ctx.signal(art, "hm.blob-short", s, e, part_label=why)
        made += 1
        if made >= MAX_CHILDREN:
            ctx.error(art, f"more than {MAX_CHILDREN} decodable blobs; the rest not decoded")
            return


_A85 = lazy_re(r"<~([!-uz\s]{10,200000}?)~>")


def _ascii85(art, ctx, text: str) -> int:
    """Adobe Ascii85 blocks (`<~ … ~>`), as PostScript/PDF tools and some encoders write them."""
    import base64
    import binascii

    from . import notes

    made = 0
    for m in _A85.finditer(text):
        try:
            data = base64.a85decode(m.group(), adobe=True, ignorechars=b" \t\n\r\x0b")
        except (ValueError, binascii.Error):
            continue
        decoded = _as_text(data)
        if decoded is None or len(decoded.strip()) < 6 or not reads(decoded):
            continue
        s, e = m.span()
        line, col = art.index.position(s)
        kind = sniff_kind(decoded)
        ctx.child(art, decoded, label=f"ascii85 at {line}:{col}", kind=kind, name=art.name + ".decoded",
                  span=(s, e), decoded_from="ascii85", meta={"place": "an ascii85 blob", "blob": True})
        said = notes.says(decoded)
        ctx.signal(art, "hm.blob-text", s, e, codec="ascii85", layers=1, decoded=decoded[:2000],
                   what=_WHAT.get(kind, kind), says=f" ({said})" if said else "", chars=e - s,
                   part_label="an ascii85 blob")
        why = _mitigation(art, s, e, decoded, kind, said)
        if why:
            ctx.signal(art, "hm.blob-short", s, e, part_label=why)
        made += 1
        if made >= MAX_CHILDREN:
            break
    return made


# -- character codes and escapes -----------------------------------------------------------------
_NUM = r"(?:0x[0-9a-fA-F]{1,2}|\d{1,3})"
_CODE_LIST = lazy_re(r"[\[({]\s*(" + _NUM + r"(?:\s*,\s*" + _NUM + r"){5,})\s*,?\s*[\])}]")
_CHR_CHAIN = lazy_re(r"(?:(?:chr|String\.fromCharCode|Chr|ChrW|CHAR|Char|char)\s*\(\s*" + _NUM + r"\s*\)\s*(?:\+|\.|,|&)?\s*){6,}")
# Runs start with a literal, so the scan jumps between occurrences of it (fast) instead of trying
# an alternation at every position (slow); each is tried only when its literal occurs 8 times.
# A character-code array is looked for only near a consumer that turns it into text.
_ESC1 = r"\\(?:x[0-9a-fA-F]{2}|u(?:00[0-9a-fA-F]{2}|\{[0-9a-fA-F]{1,6}\})|[0-3][0-7]{2})"
# The repetitions are possessive: a plain one keeps a backtracking entry per escape (~150 MB
# for a 4 MB run); and a run is decoded up to `MAX_RUN_CHARS`, the rest reported.
_ESC_STARTS = (("\\", lazy_re(_ESC1 + "(?:" + _ESC1 + "){7,}+")),
               ("%", lazy_re(r"%[0-9a-fA-F]{2}(?:%[0-9a-fA-F]{2}){7,}+")))
_ENTITY_RUN = lazy_re(r"&#(?:[xX][0-9a-fA-F]{1,6}|\d{1,7});(?:&#(?:[xX][0-9a-fA-F]{1,6}|\d{1,7});){7,}+")
_ENTITY_NUM = lazy_re(r"&#([xX][0-9a-fA-F]{1,6}|\d{1,7});")
_QP_RUN = lazy_re(r"=[0-9A-F]{2}(?:=[0-9A-F]{2}){7,}+")
MAX_RUN_CHARS = 1 << 20
_CONSUMER = lazy_re(r"(?i)fromcharcode|\bchr\b|\bbytes\s*\(|\bbytearray\s*\(|\bbuffer\.from|\bstring\s*\(|\bpack\s*\(|uint8array|\bdecode\s*\(|\bmap\s*\(")
_NUMS = lazy_re(_NUM)


# (CSV: spreadsheet formulas, =CHAR(72)&CHAR(105)&…)
_CODE_KINDS = frozenset({"python", "javascript", "shell", "strings", "csv"})
# what turns a list of numbers into text: chr (map(chr, ...), chr(n) + ...), fromCharCode, and
# byte-array constructors given a literal list
_CONSUMERS = ("chr", "charcode", "char(")
# the byte-array constructors share their "([": one pass finds them all, the name is checked
_ARRAY_CALLS = ("bytes", "bytearray", "uint8array", "buffer.from")


def _near_hits(low: str, literals, cap: int = 500) -> list[tuple[int, str]]:
    hits = []
    for lit in literals:
        i = low.find(lit)
        while i >= 0 and len(hits) < cap:
            hits.append((i, lit))
            i = low.find(lit, i + len(lit))
    i = low.find("([")
    while i >= 0 and len(hits) < cap:
        if low.endswith(_ARRAY_CALLS, max(0, i - 11), i):
            name = next(c for c in _ARRAY_CALLS if low.endswith(c, 0, i))
            hits.append((i - len(name), name + "(["))
        i = low.find("([", i + 2)
    return hits


def _merge(hits: list[int], pad: int, n: int) -> list[tuple[int, int]]:
    """Merged spans of `pad` characters around the positions."""
    out: list[list[int]] = []
    for h in sorted(hits):
        a, b = max(0, h - pad), min(n, h + pad)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


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


def _cut_run(art, ctx, m, start: str) -> str:
    """The matched run of codes, cut after `MAX_RUN_CHARS` at the start of an escape (`start`
    begins every escape of the run); a cut is reported."""
    if m.end() - m.start() <= MAX_RUN_CHARS:
        return m.group()
    text = m.string
    cut = text.rfind(start, m.start(), m.start() + MAX_RUN_CHARS)
    line, col = art.index.position(m.start())
    ctx.error(art, f"a run of {m.end() - m.start()} characters of character codes at {line}:{col}; "
                   f"only the first {cut - m.start()} were decoded")
    return text[m.start():cut]


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


@detector("char-codes", ("hm.charcode-text",))
def detect_charcodes(art, ctx):
    from ..plaintext import score
    from . import notes

    if _compiled_cache(art):
        return
    text = art.text
    found = []
    low = art.lower
    esc = []
    # each pattern starts with a literal, so one finditer is one fast pass; no gate in front
    for _lit, pat in _ESC_STARTS:
        esc.extend(pat.finditer(text))
    for m in _ENTITY_RUN.finditer(text):
        codes = [int(t[1:], 16) if t[:1] in "xX" else int(t)
                 for t in _ENTITY_NUM.findall(_cut_run(art, ctx, m, "&"))]
        found.append((m.start(), m.end(), "HTML character references", _codes_text(codes)))
        if len(found) > 500:
            break
    for m in _QP_RUN.finditer(text):
        hexes = re.findall(r"=([0-9A-F]{2})", _cut_run(art, ctx, m, "="))
        if sum(1 for t in hexes if chr(int(t, 16)).isalnum()) >= 6:
            found.append((m.start(), m.end(), "quoted-printable escapes",
                          _codes_text([int(t, 16) for t in hexes])))
    if esc:
        esc.sort(key=lambda m: m.start())
        last = -1
        for m in esc:
            if m.start() < last:
                continue
            last = m.end()
            run = _cut_run(art, ctx, m, text[m.start()])
            if run.startswith("%"):
                # percent-encoding that encodes plain letters is obfuscation, not URL escaping
                letters = sum(1 for t in re.findall(r"%([0-9a-fA-F]{2})", run) if chr(int(t, 16)).isalnum())
                if letters < 6:
                    continue
            found.append((m.start(), m.end(), "escapes", _unescape_run(run)))
            if len(found) > 500:
                break
    # arrays and chr() chains are code; prose and data get them through their code fences
    consumers = _near_hits(low, _CONSUMERS) if art.kind in _CODE_KINDS else []
    chr_hits = [h for h, lit in consumers if lit in _CONSUMERS]
    for s0, e0 in _merge(chr_hits, 400, len(text)):
        for m in _CHR_CHAIN.finditer(text, s0, e0):
            codes = [_num(t) for t in _NUMS.findall(re.sub(r"(?i)fromcharcode|chrw?", " ", m.group()))]
            found.append((m.start(), m.end(), "chr() chain", _codes_text(codes)))
    if consumers and "," in text:
        for s0, e0 in _merge([h for h, _lit in consumers], 4000, len(text)):
            for m in _CODE_LIST.finditer(text, s0, e0):
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
                   part_label=f"a {form} that spells {_WHAT.get(kind, kind)}")
        made += 1
        if made >= MAX_CHILDREN:
            return


# -- ROT13, Atbash, reversed text -----------------------------------------------------------------
_ROT13 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")
_ATBASH = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba")
_WORDS = lazy_re(r"[A-Za-z]{2,}")


def _reverse(line: str) -> str:
    return line[::-1]


# cipher: (how to read it, what "the", "and", "you", "of", "is", "to" look like under it)
_CIPHERS = {
    "ROT13": (lambda line: line.translate(_ROT13), ("gur ", " naq ", " lbh ", " bs ", " vf ", " gb ")),
    "Atbash": (lambda line: line.translate(_ATBASH), ("gsv ", " zmw ", " blf ", " lu ", " rh ", " gl ")),
    "reversed": (_reverse, (" eht", " dna ", " uoy ", " fo ", " si ", " ot ")),
}


def _common_share(text: str) -> float:
    from ..plaintext import COMMON

    words = _WORDS.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if w.lower() in COMMON) / len(words)


_LETTERISH = lazy_re(r"[A-Za-z' ,.;:!?-]")


def _plain_line(line: str, read) -> str | None:
    """The line as read through the cipher when it reads as English only that way, else None."""
    from ..plaintext import score

    words = _WORDS.findall(line)
    if len(words) < 4:
        return None
    body = line.strip()
    if len(_LETTERISH.findall(body)) < 0.8 * len(body):
        return None  # code or data, not a sentence
    plain = read(line)
    before, after = _common_share(line), _common_share(plain)
    if after < 0.3 or after < before + 0.2 or score(plain.strip()) < TEXT_SCORE:
        return None
    return plain


@detector("rot13", ("hm.rot13-text",), literals=("gur ", "gsv ", " eht"))  # "the" under each cipher
def detect_rot13(art, ctx):
    """Lines that read as English only after ROT13 ("Gur cyna pbagvahrf" → "The plan continues"),
    Atbash ("Gsv kozm" → "The plan") or reversal ("nalp eht" → "the plan"); consecutive such
    lines make one block."""
    if _compiled_cache(art):
        return
    low = art.lower
    for cipher, (read, marks) in _CIPHERS.items():
        if marks[0] in low:
            _cipher_blocks(art, ctx, cipher, read, marks)


def _cipher_blocks(art, ctx, cipher: str, read, marks) -> None:
    from . import notes

    text = art.text
    low = art.lower
    starts: set[int] = set()
    for lit in marks:
        i = low.find(lit)
        hits = 0
        while i >= 0 and hits < 500:
            hits += 1
            ls = text.rfind("\n", 0, i) + 1
            starts.add(ls)
            le = text.find("\n", i)
            if le < 0:
                break
            i = low.find(lit, le)
    blocks: list[list[int]] = []  # [start, end] of runs of lines in the cipher
    for ls in sorted(starts):
        le = text.find("\n", ls)
        le = len(text) if le < 0 else le
        if _plain_line(text[ls:le], read) is None:
            continue
        if blocks:
            gap = text[blocks[-1][1]:ls]
            if gap.count("\n") <= 2 and not gap.strip() or _block_gap(text, blocks[-1][1], ls, read):
                blocks[-1][1] = le
                continue
        blocks.append([ls, le])
    for made, (bs, be) in enumerate(blocks):
        if made >= MAX_CHILDREN:
            return
        raw = text[bs:be]
        off = len(raw) - len(raw.lstrip())
        if cipher == "reversed":
            plain = "\n".join(read(line).strip() for line in raw.split("\n"))
        else:
            plain = read(raw).strip()
        said = notes.says(plain)
        ln = art.index.position(bs)[0]
        ctx.child(art, plain, label=f"{cipher} at line {ln}", kind="text", name=art.name + ".decoded",
                  span=(bs + off, be), decoded_from=cipher.lower(),
                  meta={"place": f"{cipher} text", "blob": True})
        ctx.signal(art, "hm.rot13-text", bs + off, be, decoded=plain[:2000], cipher=cipher,
                   says=f" ({said})" if said else "", part_label=f"text that reads only as {cipher}")


def _block_gap(text: str, end: int, start: int, read) -> bool:
    """Lines between two cipher lines that belong to the same block: a few lines that read no
    worse through the cipher (short lines the line test could not confirm on their own)."""
    between = text[end:start].strip("\n")
    if not between.strip():
        return True
    lines = between.split("\n")
    return len(lines) <= 6 and _common_share(read(between)) >= _common_share(between)
