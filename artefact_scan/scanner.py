"""The scan: discovery → one analysis per file (in parallel) → one sorted result.

The scan of one file is a pure function of its bytes, its path and the rules (`scan_file`), so
files are spread over worker processes and the result is identical for any `--jobs`.  Each file
is read with O_NOFOLLOW|O_NONBLOCK and checked to be a regular file after opening, read up to the
size limit (the rest is reported), given a wall-clock budget, and any failure inside is reported
in `errors` for that file instead of stopping the scan.
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import suppress
from .context import Context, Deadline, Limits
from .detectors.facts import path_facts
from .discovery import Entry, discover
from .engine import Engine
from .escape import one_line
from .extractors import for_kind
from .kinds import CONTAINER_KINDS, kind_from_content, kind_from_magic, kind_from_name
from .model import Artefact, FileResult, Finding, ScanError, Segment
from .ruleset import RuleSet
from .textmap import decode, looks_binary, printable_strings


@dataclass
class Options:
    limits: Limits = field(default_factory=Limits)
    strict: bool = False
    jobs: int = 0  # 0: all cores
    excludes: list[str] = field(default_factory=list)
    respect_gitignore: bool = False
    default_excludes: bool = True


@dataclass
class ScanResult:
    findings: list[Finding]
    errors: list[ScanError]
    files: int
    bytes: int
    suppressed: int
    seconds: float
    ruleset: RuleSet
    undecodable_bytes: int = 0
    roots: list[str] = field(default_factory=list)  # the scanned paths, as reported
    file_sizes: dict[str, int] = field(default_factory=dict)  # every scanned file → bytes read
    baselined: int = 0  # findings left out because a baseline lists them
    gate: dict | None = None  # --diff: what was compared, and findings outside the change

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "note": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out


def _read(path: str, limit: int) -> tuple[bytes, int]:
    """Read at most `limit` bytes of a regular file without following links or blocking."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file any more when opened")
        chunks, got = [], 0
        while got < limit:
            b = os.read(fd, min(1 << 20, limit - got))
            if not b:
                break
            chunks.append(b)
            got += len(b)
        return b"".join(chunks), st.st_size
    finally:
        os.close(fd)


def _on_alarm(signum, frame):
    raise Deadline()


def make_root(entry: Entry, data: bytes, ctx: Context) -> Artefact:
    """The file as an artefact: decoded text for text files; bytes for containers."""
    head = data[:4096]
    magic = kind_from_magic(head)
    by_name = kind_from_name(entry.rel) or kind_from_name(entry.display)
    facts = path_facts(entry.rel)
    if magic is not None or looks_binary(head):
        kind = by_name if by_name in CONTAINER_KINDS else (magic or "binary")
        art = Artefact(entry.display, entry.rel, kind, "", facts=facts, meta={"bytes": data})
        if not for_kind(kind):
            text, spans = printable_strings(data, ctx.limits.max_child_bytes // 4)
            if kind in CONTAINER_KINDS:
                ctx.error(art, f"{kind} files are not unpacked by this version; only their printable strings were analysed")
            if text:
                segs = []
                off = 0
                for line, (b0, blen) in zip(text.split("\n"), spans):
                    segs.append(Segment(off, 0, 0, exact=False))
                    off += len(line) + 1
                ctx.child(art, text, label="printable strings", kind="strings",
                          name=entry.rel + ".strings", segments=segs)
        return art
    dec = decode(data, python=(by_name == "python"))
    kind = by_name or kind_from_content(dec.text[:1024])
    art = Artefact(entry.display, entry.rel, kind, dec.text, facts=facts,
                   meta={"encoding": dec.encoding, "undecodable": dec.undecodable})
    return art


def scan_file(entry: Entry, engine: Engine, options: Options) -> FileResult:
    limits = options.limits
    res = FileResult(entry.display, entry.size)
    ctx = Context(entry.display, limits)
    root: Artefact | None = None
    findings: list[Finding] = []
    use_alarm = hasattr(signal, "setitimer") and _main_thread()
    old = None
    try:
        if use_alarm:
            if signal.getsignal(signal.SIGALRM) is not _on_alarm:  # else installed for the whole run
                old = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, limits.file_timeout + 1.0)
        data, size = _read(entry.abspath, limits.max_file_bytes)
        res.size = size
        res.scanned_bytes = len(data)
        if size > len(data):
            ctx.error(None, f"file is {size} bytes; only the first {len(data)} bytes were analysed")
        root = make_root(entry, data, ctx)
        if root.meta.get("undecodable"):
            res.undecodable = root.meta["undecodable"]
        findings = engine.analyse(root, ctx, entry.display, names_only=not data)
    except Deadline:
        ctx.error(None, f"analysis stopped after {limits.file_timeout:g} s; the rest of the file was not analysed")
    except PermissionError:
        ctx.error(None, "permission denied: not read")
    except OSError as e:
        ctx.error(None, f"not read: {e.strerror or e}")
    except RecursionError:
        ctx.error(None, "input nested too deeply; not fully analysed")
    except MemoryError:
        ctx.error(None, "out of memory while analysing; not fully analysed")
    except Exception as e:  # never let one crafted file stop the scan
        ctx.error(None, f"internal error while analysing ({type(e).__name__}: {one_line(str(e), 160)}); not fully analysed")
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if old is not None:
                signal.signal(signal.SIGALRM, old)
    if root is not None and root.text:
        findings, res.suppressed = suppress.apply(findings, root, options.strict)
    _fingerprint(findings)
    findings.sort(key=Finding.sort_key)
    res.findings = findings
    res.errors = ctx.errors
    res.links = ctx.links
    return res


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


_DIGITS = re.compile(r"\d+")


def _fingerprint(findings: list[Finding]) -> None:
    """Stable ids that survive moving lines: rule, path, way in (numbers dropped) and the
    matched text; identical ones are told apart by their order in the file."""
    seen: dict[str, int] = {}
    for f in sorted(findings, key=Finding.sort_key):
        way = "/".join(_DIGITS.sub("#", o) for o in f.origin[1:])
        base = hashlib.sha256("\x1f".join((f.rule_id, f.path, way, f.fingerprint)).encode("utf-8", "surrogatepass")).hexdigest()
        n = seen.get(base, 0)
        seen[base] = n + 1
        f.fingerprint = base[:32] if n == 0 else hashlib.sha256(f"{base}:{n}".encode()).hexdigest()[:32]


# -- orchestration -------------------------------------------------------------------------
_WORKER: tuple[Engine, Options] | None = None


def _worker_scan(entry: Entry) -> FileResult:
    assert _WORKER is not None
    if signal.getsignal(signal.SIGALRM) is not _on_alarm and hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _on_alarm)  # a worker process only scans: install once
    return scan_file(entry, *_WORKER)


class _AlarmForRun:
    """The per-file time limit's handler installed once for a serial run (not per file), and
    the caller's handler put back afterwards."""

    def __enter__(self):
        self.old = None
        if hasattr(signal, "setitimer") and _main_thread():
            self.old = signal.signal(signal.SIGALRM, _on_alarm)
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGALRM, self.old)
        return False


def _jobs(options: Options) -> int:
    if options.jobs and options.jobs > 0:
        return options.jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def run(paths: list[str], ruleset: RuleSet, options: Options,
        progress: Callable[[int, int, int], None] | None = None) -> ScanResult:
    global _WORKER
    started = time.monotonic()
    engine = Engine(ruleset)
    entries, errors = discover(paths, options.excludes, options.respect_gitignore,
                               options.default_excludes, options.limits.max_dir_depth)
    results: list[FileResult] = []
    jobs = min(_jobs(options), max(1, len(entries)))
    done_bytes = 0
    if jobs <= 1 or len(entries) < 4:
        with _AlarmForRun():
            for i, e in enumerate(entries, 1):
                r = scan_file(e, engine, options)
                results.append(r)
                done_bytes += r.scanned_bytes
                if progress:
                    progress(i, len(entries), done_bytes)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor  # only when there are workers

        _WORKER = (engine, options)
        try:
            ctx = mp.get_context("fork") if sys.platform != "win32" else None
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                chunk = max(1, min(32, len(entries) // (jobs * 8) or 1))
                for i, r in enumerate(pool.map(_worker_scan, entries, chunksize=chunk), 1):
                    results.append(r)
                    done_bytes += r.scanned_bytes
                    if progress:
                        progress(i, len(entries), done_bytes)
        finally:
            _WORKER = None
    from .linking import link_results

    findings = [f for r in results for f in r.findings] + link_results(results, ruleset)
    findings.sort(key=Finding.sort_key)
    errors = errors + [e for r in results for e in r.errors]
    errors.sort(key=ScanError.sort_key)
    return ScanResult(
        findings=findings, errors=errors, files=len(results),
        bytes=sum(r.scanned_bytes for r in results), suppressed=sum(r.suppressed for r in results),
        seconds=round(time.monotonic() - started, 3), ruleset=ruleset,
        undecodable_bytes=sum(r.undecodable for r in results),
        roots=[os.path.normpath(p) for p in paths],
        file_sizes={r.path: r.scanned_bytes for r in results},
    )
