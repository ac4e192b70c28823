"""Archives and compressed files → one child artefact per member, with bounds.

Containers that agents leave in a sandbox: zip (and .whl/.jar), tar, and gzip / bzip2 / xz
streams (a `.tar.gz` is a gzip stream whose content is a tar), nested in any order.  The format
is recognised from the bytes, not the name.  Every member goes through `ctx.child_bytes`, so a
member is decoded like a file, a nested archive is unpacked again, and binary members are read
through their printable strings.

Bounds, none of which turns into a silent pass:
- nesting depth: the context's `max_depth` (an error names the member not unpacked);
- members: at most `MAX_MEMBERS` per archive and the context's child count per file;
- size: each member is read up to the file size limit, and all archives of one file together
  produce at most the context's embedded-bytes budget; what is left is reported;
- compression ratio: output that passes a bound while expanding more than `BOMB_RATIO` times
  its compressed size, or zip members sharing compressed data (an overlapping-entry bomb), is a
  decompression bomb: the signal `archive.bomb` (rule AS010), and the stream is not read on.

Nothing is written to disk and nothing is extracted by path, so member names such as
`../../etc/passwd` are only labels.  They are reported all the same, because whoever extracts the
archive next writes there: a member whose name is absolute or climbs out with `..`, or a tar
link pointing outside the archive (tar-slip, zip-slip), is the signal `archive.escape` (rule
AS011).  Links, devices and FIFOs are never followed or opened; devices, FIFOs and links out of
the archive are listed in `errors` (up to `MAX_SPECIALS` per archive, then counted), a link to
another member is not (its target is analysed as a member).
"""
from __future__ import annotations

import io
import re

from .. import detectors
from ..detectors import facts
from ..kinds import CONTAINER_KINDS, kind_from_magic, kind_from_name
from . import extractor
from ..lazyregex import lazy_re

ARCHIVE_KINDS = frozenset({"zip", "tar", "gzip", "bzip2", "xz"})
MAX_MEMBERS = 10000
BOMB_RATIO = 100  # deflate of ordinary text reaches ~10x; zeros reach ~1000x
CHUNK = 1 << 20  # output read at a time
IN_CHUNK = 1 << 16  # compressed input fed at a time, so the ratio is known to 64 KB

MAX_SPECIALS = 20  # links, devices and unsafe names reported one by one per archive

facts.declare("archive-member")

# The extractor emits the signals while unpacking; this registration makes them known signals
# that rules can name.  It never runs as a detector (no kind selects it).
detectors.register(detectors.Detector("archive-bounds", ("archive.bomb", "archive.escape"),
                                      lambda art, ctx: None, kinds=frozenset()))


def _escapes(name: str, base: str = "") -> str | None:
    """How a member path leaves the folder it is extracted into, or None: absolute (`/etc/x`,
    `C:\\x`, `\\\\host\\x`), or climbing out with `..` (resolved against the folder `base`)."""
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return "absolute"
    depth = 0
    for part in (base.replace("\\", "/") + "/" + path).split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "parent"
        elif part not in ("", "."):
            depth += 1
    return None


class _Specials:
    """Members that are not plain files or whose names leave the folder: each reported, up to
    `MAX_SPECIALS` per archive, then counted in one error at the end."""

    def __init__(self, art, ctx, what: str):
        self.art, self.ctx, self.what = art, ctx, what
        self.errors = 0
        self.escapes = 0

    def error(self, message: str) -> None:
        self.errors += 1
        if self.errors <= MAX_SPECIALS:
            self.ctx.error(self.art, message)

    def escape(self, member: str, detail: str) -> None:
        self.escapes += 1
        if self.escapes <= MAX_SPECIALS:
            self.ctx.signal(self.art, "archive.escape", 0, 0, member=_label(member), detail=detail,
                            archive=self.what)

    def name(self, member: str) -> None:
        how = _escapes(member)
        if how == "absolute":
            self.escape(member, "has an absolute name")
        elif how == "parent":
            self.escape(member, "climbs out of the folder with '..'")

    def close(self) -> None:
        if self.errors > MAX_SPECIALS:
            self.ctx.error(self.art, f"{self.errors - MAX_SPECIALS} more link or special members of this "
                                     f"{self.what}, not followed or read")
        if self.escapes > MAX_SPECIALS:
            self.ctx.error(self.art, f"{self.escapes - MAX_SPECIALS} more members of this {self.what} "
                                     f"whose names or links lead outside its folder")


def _label(name: str) -> str:
    return name if len(name) <= 200 else name[:200] + "\u2026"


class _Budget:
    """Output bytes left for all archives of one file, and the size of the outermost one."""

    def __init__(self, total: int, packed: int):
        self.left = total
        self.total = total
        self.packed = packed  # bytes of the outermost archive: what all the output came from
        self.reported = False


def _budget(art, ctx, data: bytes) -> _Budget:
    root = art.root()
    b = root.meta.get("archive-budget")
    if b is None:
        b = root.meta["archive-budget"] = _Budget(ctx.limits.max_child_bytes, len(data))
    return b


def _spent(art, ctx, budget: _Budget, name: str, partial: bool = False) -> None:
    """The file's archives produced the whole budget: a bomb when that came from far fewer
    bytes (nested archives multiply: 42.zip), else a limit reached."""
    produced = budget.total - budget.left
    if not budget.reported and produced >= BOMB_RATIO * max(budget.packed, 1):
        budget.reported = True
        _bomb(ctx, art, "nested archives", f"(stopped at {name})", produced, budget.packed,
              detail=f"expand {produced / max(budget.packed, 1):.0f}x, {_size(budget.packed)} to more "
                     f"than {_size(produced)}")
    if partial:
        ctx.error(art, f"archives of this file expand past {_size(budget.total)}; only the first "
                       f"{_size(budget.total)} of {name} were analysed")
    else:
        ctx.error(art, f"archives of this file expand past {_size(budget.total)}; "
                       f"{name} and later members were not analysed")


def _bomb(ctx, art, what: str, member: str, out: int, packed: int, *, exact: bool = False,
          detail: str | None = None) -> None:
    ratio = out / max(packed, 1)
    if detail is None:
        detail = (f"expands {ratio:.0f}x, {_size(packed)} to {'' if exact else 'more than '}"
                  f"{_size(out)}")
    ctx.signal(art, "archive.bomb", 0, 0, member=member, what=what, ratio=round(ratio),
               size=_size(out), packed=_size(packed), detail=detail)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


@extractor("archives", kinds=ARCHIVE_KINDS, binary=True)
def extract_archive(art, ctx):
    data = art.meta.pop("bytes", None)  # released once unpacked: nested archives hold copies
    if not data:
        return
    spent = art.root().meta.get("archive-budget")
    if spent is not None and spent.left <= 0 and not art.meta.get("prepaid"):
        return  # reported once ("… and later members were not analysed")
    magic = kind_from_magic(data[:4096])
    # A quine (r.zip, a gzip that decompresses to itself) unpacks into a copy of an enclosing
    # container forever; the depth bound would stop it, but it is a bomb and reported as one.
    import hashlib

    digest = hashlib.sha256(data).digest()
    a = art.parent
    while a is not None:
        if a.meta.get("archive-sha256") == digest:
            _bomb(ctx, art, "archive", art.origin[-1] if art.origin else art.name, 0, len(data),
                  detail="contains a copy of an enclosing archive (a quine: it unpacks forever)")
            ctx.error(art, "archive contains a copy of an enclosing archive (a quine); not unpacked again")
            return
        a = a.parent
    art.meta["archive-sha256"] = digest
    if magic in ("gzip", "bzip2", "xz"):
        _stream(art, ctx, data, magic)
    elif magic == "zip":
        _zip(art, ctx, data)
    elif magic == "tar" or art.kind == "tar":
        _tar(art, ctx, data)
    else:
        ctx.error(art, f"not a {art.kind} file that this version can unpack; analysed through its name only")


# -- compressed streams -------------------------------------------------------------------------
def _decompressor(kind: str):
    if kind == "gzip":
        import zlib

        return zlib.decompressobj(47)  # gzip or zlib header
    if kind == "bzip2":
        import bz2

        return bz2.BZ2Decompressor()
    import lzma

    return lzma.LZMADecompressor()


def _inflate(kind: str, data: bytes, cap: int) -> tuple[bytes, int, bool, str | None]:
    """Decompress `data` (concatenated members too) into at most `cap` bytes.  Returns the
    output, the compressed bytes consumed (to within one input chunk), whether the output was
    cut at `cap`, and an error message for a corrupt or truncated stream."""
    out: list[bytes] = []
    got = 0
    pos = 0
    n = len(data)
    while pos < n:
        d = _decompressor(kind)
        fed = 0
        pending = b""  # zlib: input it has not used yet
        try:
            while True:
                want = min(CHUNK, cap + 1 - got)
                if kind == "gzip":
                    if not pending:
                        pending = data[pos + fed:pos + fed + IN_CHUNK]
                        fed += len(pending)
                        if not pending:
                            return b"".join(out), n, False, f"{kind} stream is truncated"
                    chunk = d.decompress(pending, want)
                    pending = d.unconsumed_tail
                else:
                    piece = b""
                    if d.needs_input:
                        piece = data[pos + fed:pos + fed + IN_CHUNK]
                        fed += len(piece)
                        if not piece:
                            return b"".join(out), n, False, f"{kind} stream is truncated"
                    chunk = d.decompress(piece, max_length=want)
                out.append(chunk)
                got += len(chunk)
                if got > cap:
                    return b"".join(out)[:cap], pos + fed - len(pending), True, None
                if d.eof:
                    break
        except Exception as e:  # zlib.error, OSError, EOFError, lzma.LZMAError on corrupt data
            return b"".join(out), n, False, f"{kind} stream is corrupt ({type(e).__name__}: {e})"
        rest = d.unused_data
        pos = pos + fed - len(pending) - len(rest)
        if not data[pos:].strip(b"\x00"):
            break  # trailing padding
    return b"".join(out), n, False, None


def _stream(art, ctx, data: bytes, kind: str) -> None:
    budget = _budget(art, ctx, data)
    cap = min(ctx.limits.max_file_bytes, max(budget.left, 0))
    name = art.name
    low = name.lower()
    for ext, repl in ((".tgz", ".tar"), (".tbz2", ".tar"), (".tbz", ".tar"), (".txz", ".tar"),
                      (".gz", ""), (".bz2", ""), (".xz", "")):
        if low.endswith(ext):
            name = name[: len(name) - len(ext)] + repl
            break
    else:
        name = name + ".out"
    out, consumed, cut, err = _inflate(kind, data, cap)
    if cut and out[257:262] == b"ustar" and budget.left > cap \
            and len(out) / max(consumed, 1) < BOMB_RATIO:
        # a compressed tar: its members are bounded one by one, so the stream may use the
        # file's whole budget (run outputs are often one .tar.gz)
        cap = budget.left
        out, consumed, cut, err = _inflate(kind, data, cap)
    budget.left -= len(out)
    if err:
        ctx.error(art, f"{err}; the {len(out)} bytes before it were analysed")
    if cut and cap != ctx.limits.max_file_bytes:
        _spent(art, ctx, budget, name, partial=True)  # the file's budget ran out, not this stream's bound
    elif cut:
        if len(out) / max(consumed, 1) >= BOMB_RATIO:
            _bomb(ctx, art, f"{kind} stream", name, len(out), consumed)
            ctx.error(art, f"{kind} stream expands more than {BOMB_RATIO}x past {_size(len(out))} "
                           f"(a decompression bomb); only the first {_size(len(out))} were analysed")
        else:
            ctx.error(art, f"{kind} content larger than {_size(cap)}; only the first {_size(len(out))} were analysed")
    if out:
        # a tar inside the stream splits bytes already counted against the budget: "prepaid"
        ctx.child_bytes(art, _squeeze(out, name), name=name, label=f"{kind} content", facts=("archive-member",),
                        meta={"cut": cut, "prepaid": True})


# -- zip ---------------------------------------------------------------------------------------
def _zip(art, ctx, data: bytes) -> None:
    import zipfile

    budget = _budget(art, ctx, data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as e:  # BadZipFile, NotImplementedError for a crafted version, …
        ctx.error(art, f"zip file is corrupt or unsupported ({type(e).__name__}: {e}); its members were not analysed")
        return
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        ctx.error(art, f"zip has {len(infos)} members; only the first {MAX_MEMBERS} were analysed")
        infos = infos[:MAX_MEMBERS]
    # Overlapping entries: several members decompressing the same stored bytes multiply the
    # output without more input (the non-recursive zip bomb).  The data spans come from the
    # local headers themselves, whose name and extra fields may differ from the directory's.
    overlap = _overlap(data, infos)
    if overlap is not None:
        total = sum(i.file_size for i in infos)
        if total >= BOMB_RATIO * len(data) and total > min(ctx.limits.max_file_bytes, 1 << 20):
            _bomb(ctx, art, "zip members", overlap, total, len(data), exact=True,
                  detail=f"share one compressed stream and expand {total / len(data):.0f}x, "
                         f"{_size(len(data))} to {_size(total)}")
            ctx.error(art, "zip members overlap (a decompression bomb); members were not analysed")
            return
    specials = _Specials(art, ctx, "zip")
    try:
        _zip_members(art, ctx, data, zf, infos, budget, specials)
    finally:
        specials.close()


def _zip_members(art, ctx, data, zf, infos, budget, specials) -> None:
    import stat
    import zipfile

    for info in infos:
        name = info.filename
        specials.name(name)
        if info.is_dir():
            continue
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        if stat.S_ISLNK(mode):
            # the member's data is the link's target; an extracting tool makes it a link
            try:
                with zf.open(info) as fh:
                    target = fh.read(4096).decode("utf-8", "replace")
            except Exception:
                target = "?"
            _link(specials, "zip", "symbolic", name, target)
            continue
        if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            specials.error(f"{name}: zip member is a {_file_type(mode)}; not read")
            continue
        if info.flag_bits & 0x1:
            ctx.error(art, f"{name}: encrypted zip member; not analysed")
            continue
        if budget.left <= 0:
            _spent(art, ctx, budget, name)
            return
        cap = min(ctx.limits.max_file_bytes, budget.left)
        declared_ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ctx.limits.max_file_bytes and declared_ratio >= BOMB_RATIO:
            _bomb(ctx, art, "zip member", name, info.file_size, info.compress_size, exact=True)
            ctx.error(art, f"{name}: expands {declared_ratio:.0f}x to {_size(info.file_size)} "
                           f"(a decompression bomb); not analysed")
            continue
        try:
            with zf.open(info) as fh:
                body = fh.read(cap + 1)
        except NotImplementedError as e:
            ctx.error(art, f"{name}: {e}; not analysed")
            continue
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as e:
            ctx.error(art, f"{name}: zip member is corrupt ({e}); not analysed")
            continue
        except Exception as e:  # zlib.error, lzma.LZMAError from corrupt data
            ctx.error(art, f"{name}: zip member is corrupt ({type(e).__name__}: {e}); not analysed")
            continue
        if len(body) > cap:
            body = body[:cap]
            if cap < ctx.limits.max_file_bytes:
                budget.left = 0
                _member(art, ctx, body, name)
                _spent(art, ctx, budget, name)
                return
            ctx.error(art, f"{name}: member is {_size(info.file_size)}; only the first {_size(cap)} were analysed")
        budget.left -= len(body)
        if not _member(art, ctx, body, name):
            return


def _overlap(data: bytes, infos) -> str | None:
    """The names of two members whose compressed data overlap, if any."""
    import struct

    spans = []
    for i in infos:
        if i.is_dir():
            continue
        off = i.header_offset
        head = data[off:off + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            continue
        n, m = struct.unpack("<HH", head[26:30])
        start = off + 30 + n + m
        spans.append((off, start + i.compress_size, i.filename))
    spans.sort()
    for (s0, e0, n0), (s1, _e1, n1) in zip(spans, spans[1:]):
        if s1 < e0:
            return f"{n0}, {n1}"
    return None


# -- tar ---------------------------------------------------------------------------------------
def _tar(art, ctx, data: bytes) -> None:
    import tarfile

    budget = _budget(art, ctx, data)
    try:
        tf = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except Exception as e:  # TarError, and whatever a crafted header provokes
        ctx.error(art, f"tar file is corrupt ({type(e).__name__}: {e}); its members were not analysed")
        return
    count = 0
    specials = _Specials(art, ctx, "tar")
    try:
        while True:
            try:
                info = tf.next()
            except Exception as e:  # TarError, UnicodeError in a crafted name, …
                if art.meta.get("cut"):
                    ctx.error(art, f"the tar stops at the size bound after {count} members; the rest was not analysed")
                else:
                    ctx.error(art, f"tar file is corrupt after {count} members ({e}); the rest was not analysed")
                return
            if info is None:
                return
            count += 1
            if count > MAX_MEMBERS:
                ctx.error(art, f"tar has more than {MAX_MEMBERS} members; the rest was not analysed")
                return
            tf.members = []  # do not keep every header in memory
            specials.name(info.name)
            if not info.isreg():
                _tar_special(info, specials)
                continue
            name = info.name
            prepaid = bool(art.meta.get("prepaid"))
            if budget.left <= 0 and not prepaid:
                _spent(art, ctx, budget, name)
                return
            cap = ctx.limits.max_file_bytes if prepaid else min(ctx.limits.max_file_bytes, budget.left)
            try:
                fh = tf.extractfile(info)
                if fh is None:
                    continue
                body = fh.read(min(info.size, cap))
            except Exception as e:
                if art.meta.get("cut"):
                    ctx.error(art, f"{name}: the tar stops at the size bound here; it and later members "
                                   f"were not analysed")
                else:
                    ctx.error(art, f"{name}: tar member cannot be read ({e}); the archive is truncated or "
                                   f"corrupt here and the rest was not analysed")
                return
            if info.size > cap and cap < ctx.limits.max_file_bytes:
                budget.left = 0
                _member(art, ctx, body, name)
                _spent(art, ctx, budget, name)
                return
            if info.size > cap:
                ctx.error(art, f"{name}: member is {_size(info.size)}; only the first {_size(cap)} were analysed")
            if not prepaid:
                budget.left -= len(body)
            if not _member(art, ctx, body, name):
                return
    finally:
        specials.close()
        tf.close()


def _tar_special(info, specials: _Specials) -> None:
    """A tar member that is not a regular file: links by where they point (see `_link`),
    devices and FIFOs by type."""
    name = info.name
    if info.issym():
        _link(specials, "tar", "symbolic", info.name, info.linkname)
    elif info.islnk():
        _link(specials, "tar", "hard", info.name, info.linkname)
    elif info.ischr() or info.isblk() or info.isfifo():
        kind = "character device" if info.ischr() else "block device" if info.isblk() else "FIFO"
        specials.error(f"{name}: tar member is a {kind}; not read")
    elif not info.isdir():
        specials.error(f"{name}: tar member of type {info.type!r} is not a regular file; not read")


def _link(specials: _Specials, fmt: str, how: str, name: str, target: str) -> None:
    """A link member.  One to another member is silent, like a link inside the scanned
    folders: its target is analysed where it lies.  One out of the archive is listed as not
    followed, and is AS011 when it climbs out with `..` or is a hard link (a symbolic link
    to an absolute path is common in a system image; the others are not)."""
    # a symbolic link resolves from its own folder; a hard link names an archive path
    base = name.rsplit("/", 1)[0] if how == "symbolic" and "/" in name else ""
    out = _escapes(target, base)
    if out is None:
        return
    specials.error(f"{name}: {fmt} member is a {how} link to {_label(target)}, outside the archive; not followed")
    if out == "parent" or how == "hard":
        specials.escape(name, f"is a {how} link to {_label(target)}, outside the archive")


def _file_type(mode: int) -> str:
    import stat

    for test, kind in ((stat.S_ISDIR, "directory"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return f"special file (mode {mode:o})"


_NUL_RUN = lazy_re(rb"\x00{256,}")


def _squeeze(body: bytes, name: str) -> bytes:
    """Binary data is read through its printable strings: long NUL runs (disk images, bomb
    filler) hold none, and squeezing them keeps that read fast.  Containers are left whole."""
    if len(body) > 65536 and b"\x00" * 256 in body and kind_from_magic(body[:4096]) is None \
            and kind_from_name(name) not in CONTAINER_KINDS:
        return _NUL_RUN.sub(b"\x00" * 16, body)
    return body


def _member(art, ctx, body: bytes, name: str) -> bool:
    """Hand one member to the context; False once the file's child budget is spent."""
    body = _squeeze(body, name)
    before = ctx.children
    child = ctx.child_bytes(art, body, name=name, label=name, facts=("archive-member",))
    if child is None and ctx.children == before and ctx.children >= ctx.limits.max_children:
        return False
    return True
