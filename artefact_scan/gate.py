"""The pre-merge gate: `--diff BASE` scans what a change adds and trusts only the base side.

What changed comes from git plumbing between the merge base of BASE and HEAD and HEAD itself
(`git diff-tree`): the files added or modified, and the lines each one adds.  Only findings on
added lines are reported (`--whole-files`: every finding in a changed file).  The files are read
from the checkout, which in CI is HEAD.

Trust: the change is written by whoever proposes it, possibly the agent under audit.  So:
- configuration comes from `--config` (the invoking side) or from the merge base's
  `artefact-scan.toml` / `pyproject.toml`, never from the checkout; extra rule directories it
  names are read from the merge base too;
- a baseline inside the repository is read from the merge base, not the checkout;
- inline `artefact-scan: ignore[...]` directives never silence a finding on an added line, and
  silence findings on unchanged lines (with `--whole-files`) only when the directive is itself
  unchanged;
- every scanner directive the change adds is reported: ignore comments (AS020), and scanner
  configuration, baselines and CI or hook settings that mention artefact-scan (AS021).

Git itself is run so the scanned repository cannot make it run anything: plumbing commands only,
`--no-ext-diff --no-textconv`, no pager, no system config, replace refs ignored, and `-c`
overrides for the settings that start programs (fsmonitor, hooks path, external diff, pager).
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .escape import one_line, visible
from .model import Finding, Location
from .lazyregex import lazy_re

SAFE_CONFIG = (
    "core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "diff.external=",
    "core.quotePath=false", "protocol.allow=never", "core.askPass=", "credential.helper=",
    "core.sshCommand=false", "gc.auto=0", "maintenance.auto=false",
)
_HUNK = lazy_re(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_SECTION = lazy_re(r"(?m)^[ \t]*\[\s*tool\s*\.\s*[\"']?artefact-scan[\"']?\s*[\].]")
_ANY_HEADER = lazy_re(r"(?m)^[ \t]*\[")
CONFIG_NAMES = ("pyproject.toml", "artefact-scan.toml")
SETTINGS_SUFFIXES = (".yml", ".yaml", ".toml", ".cfg", ".ini", ".json")
MAX_BLOB = 64 << 20


class GateError(Exception):
    """A problem with git or the base ref: a usage error (exit 2)."""


def _env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") or k in ("GIT_CEILING_DIRECTORIES",)}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_NO_REPLACE_OBJECTS="1",
               GIT_OPTIONAL_LOCKS="0", GIT_PAGER="cat", PAGER="cat", GIT_ASKPASS="",
               SSH_ASKPASS="", GIT_EDITOR=":", GIT_GRAFT_FILE=os.devnull,
               LC_ALL="C")
    return env


def git(repo: str | Path, *args: str, check: bool = True) -> bytes:
    cmd = ["git", "--no-pager"]
    for c in SAFE_CONFIG:
        cmd += ["-c", c]
    cmd += list(args)
    try:
        proc = subprocess.run(cmd, cwd=str(repo), env=_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=300)
    except FileNotFoundError:
        raise GateError("git is not installed; --diff needs it") from None
    except subprocess.TimeoutExpired:
        raise GateError(f"git {args[0]} took longer than 300 s") from None
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GateError(f"git {args[0]} failed: {one_line(msg[-1] if msg else 'exit ' + str(proc.returncode), 300)}")
    return proc.stdout


def repo_root(start: str | Path = ".") -> Path:
    out = git(start, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    if not out:
        raise GateError("not inside a git work tree (the gate needs one)")
    return Path(out)


def resolve(repo: Path, ref: str) -> str:
    if not ref or ref.startswith("-") or "\n" in ref or "\x00" in ref:
        raise GateError(f"not a git revision: {ref!r}")
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
    except GateError:
        raise GateError(f"unknown revision {ref!r} (fetch it first: in CI, check out with fetch-depth: 0)") from None


@dataclass
class Change:
    path: str  # relative to the repository root, '/'-separated
    status: str  # A, M, T
    lines: set[int] = field(default_factory=set)
    whole: bool = False  # no line information (binary, mode change): the whole file counts

    def touches(self, first: int, last: int) -> bool:
        if self.whole:
            return True
        return any(ln in self.lines for ln in range(first, min(last, first + 10000) + 1))


@dataclass
class Diff:
    repo: Path
    base: str  # the ref as given
    base_sha: str
    head_sha: str
    merge_base: str
    changes: dict[str, Change]


def diff(repo: Path, base: str) -> Diff:
    base_sha = resolve(repo, base)
    head_sha = resolve(repo, "HEAD")
    mb = git(repo, "merge-base", base_sha, head_sha, check=False).decode().strip() or base_sha
    raw = git(repo, "diff-tree", "-r", "-z", "--no-renames", "--name-status", "--no-ext-diff",
              "--no-textconv", mb, head_sha)
    fields = raw.split(b"\x00")
    changes: dict[str, Change] = {}
    i = 0
    while i + 1 < len(fields):
        status = fields[i].decode("ascii", "replace")[:1]
        path = fields[i + 1].decode("utf-8", "surrogateescape")
        i += 2
        if status in ("A", "M", "T"):
            changes[path] = Change(path, status)
    if changes:
        patch = git(repo, "diff-tree", "-r", "-p", "-U0", "--no-renames", "--no-ext-diff", "--no-textconv",
                    "--no-color", "--src-prefix=a/", "--dst-prefix=b/", mb, head_sha)
        _parse_patch(patch, changes)
    for ch in changes.values():
        if not ch.lines and ch.status == "A":
            ch.whole = True
        elif not ch.lines and not ch.whole:
            ch.whole = True  # binary or mode-only: no line information
    return Diff(repo, base, base_sha, head_sha, mb, changes)


def _unquote(b: bytes) -> str:
    """A path as git writes it in patch headers (C-quoted when it holds special characters)."""
    if b.startswith(b'"') and b.endswith(b'"'):
        out = bytearray()
        s = b[1:-1]
        i = 0
        while i < len(s):
            c = s[i]
            if c == 0x5C and i + 1 < len(s):  # backslash
                n = s[i + 1]
                digits = s[i + 1:i + 4]
                if len(digits) == 3 and all(0x30 <= d <= 0x37 for d in digits):
                    out.append(int(digits, 8) & 0xFF)
                    i += 4
                    continue
                out.append({ord("n"): 10, ord("t"): 9, ord("r"): 13, ord("a"): 7, ord("b"): 8,
                            ord("f"): 12, ord("v"): 11}.get(n, n))
                i += 2
                continue
            out.append(c)
            i += 1
        b = bytes(out)
    return b.decode("utf-8", "surrogateescape")


def _parse_patch(patch: bytes, changes: dict[str, Change]) -> None:
    current: Change | None = None
    for line in patch.split(b"\n"):
        if line.startswith(b"diff --git "):
            current = None
        elif line.startswith(b"+++ "):
            target = line[4:]
            if target == b"/dev/null":
                current = None
                continue
            path = _unquote(target)
            if path.startswith("b/"):
                path = path[2:]
            current = changes.get(path)
            if current is None and path.endswith("\t"):
                current = changes.get(path[:-1])  # git ends a name holding a space with a tab
        elif line.startswith(b"Binary files ") and current is None:
            continue  # left as whole-file changes
        elif line.startswith(b"@@") and current is not None:
            m = _HUNK.match(line)
            if not m:
                continue
            start = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            current.lines.update(range(start, start + count))


def uncommitted(d: Diff, paths: list[str]) -> list[str]:
    """The changed files whose checkout differs from HEAD (edits not committed yet): the gate
    reads the checkout but takes changed lines from the commits, so those lines may be missed.
    Compared by blob id, computed here; git's own hashing could run the repository's filters."""
    import hashlib

    heads: dict[str, str] = {}
    for i in range(0, len(paths), 200):
        out = git(d.repo, "ls-tree", "-z", "--full-tree", d.head_sha, "--", *paths[i:i + 200])
        for entry in out.split(b"\x00"):
            meta, _, name = entry.partition(b"\t")
            parts = meta.split()
            if len(parts) >= 3 and parts[1] == b"blob":
                heads[name.decode("utf-8", "surrogateescape")] = parts[2].decode()
    differ = []
    for rel in paths:
        try:
            with open(d.repo / rel, "rb") as fh:
                data = fh.read(MAX_BLOB + 1)
        except OSError:
            continue
        blob = hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()  # noqa: S324 (git's id)
        if rel in heads and len(heads[rel]) == 40 and blob != heads[rel]:
            differ.append(rel)
    return differ


def base_blob(d: Diff, path: str) -> bytes | None:
    """A file's content at the merge base, or None when it did not exist there."""
    try:
        kind = git(d.repo, "cat-file", "-t", f"{d.merge_base}:{path}").decode().strip()
    except GateError:
        return None
    if kind != "blob":
        return None
    size = int(git(d.repo, "cat-file", "-s", f"{d.merge_base}:{path}").decode().strip() or 0)
    if size > MAX_BLOB:
        raise GateError(f"{path} at the base is larger than {MAX_BLOB} bytes")
    return git(d.repo, "cat-file", "blob", f"{d.merge_base}:{path}")


def base_config(d: Diff, workdir: Path, names: tuple[str, ...] = ("artefact-scan.toml", "pyproject.toml")):
    """The configuration at the merge base (artefact-scan.toml, else pyproject.toml with a
    [tool.artefact-scan] table, or the files named), with the rule directories it names copied
    from the base too.  Returns a Config, or None when the base has none."""
    import tomllib

    from .config import load

    for name in names:
        data = base_blob(d, name)
        if data is None:
            continue
        if os.path.basename(name) == "pyproject.toml" and len(names) > 1:
            try:
                parsed = tomllib.loads(data.decode("utf-8", "replace"))
            except tomllib.TOMLDecodeError:
                continue
            if not (isinstance(parsed.get("tool"), dict) and "artefact-scan" in parsed["tool"]):
                continue
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        cfg = load(target)
        cfg.source = f"{name} at {d.merge_base[:12]} (merge base of {d.base})"
        for rules_dir in cfg.rules:
            rel = os.path.relpath(rules_dir, workdir)
            if rel.startswith("..") or os.path.isabs(rel):
                raise GateError(f"{name} at the base names rules outside the repository: {rel}")
            _copy_tree(d, rel.replace(os.sep, "/"), workdir)
        return cfg
    return None


def _copy_tree(d: Diff, rel: str, workdir: Path) -> None:
    listing = git(d.repo, "ls-tree", "-r", "-z", "--full-tree", d.merge_base, "--", rel)
    for entry in listing.split(b"\x00"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) < 3 or parts[1] != b"blob":
            continue
        path = name.decode("utf-8", "surrogateescape")
        if not path.endswith(".toml"):
            continue
        out = workdir / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(git(d.repo, "cat-file", "blob", parts[2].decode()))


# -- findings ---------------------------------------------------------------------------------
def keep_changed(findings: list[Finding], d: Diff, whole_files: bool) -> tuple[list[Finding], int]:
    """Findings on added lines (or in changed files, with `whole_files`); returns the kept ones
    and how many were left out as not part of the change."""
    kept = []
    for f in findings:
        ch = d.changes.get(_rel(f.path))
        if ch is None:
            continue
        if whole_files or ch.touches(f.location.line, f.location.end_line) or \
                any(ch.touches(r.location.line, r.location.end_line) for r in f.related):
            kept.append(f)
    return kept, len(findings) - len(kept)


def _rel(path: str) -> str:
    p = path.replace(os.sep, "/") if os.sep != "/" else path
    while p.startswith("./"):
        p = p[2:]
    return p


def apply_trusted_directives(findings: list[Finding], d: Diff) -> tuple[list[Finding], int]:
    """Inline directives honoured in gate mode: only an unchanged directive, and only for a
    finding on an unchanged line."""
    from . import suppress
    from .model import Artefact

    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    kept, dropped = [], 0
    for path, fs in by_file.items():
        ch = d.changes.get(_rel(path))
        text = _read_text(path)
        if text is None or suppress.MARKER not in text:
            kept += fs
            continue
        art = Artefact(path, path, _kind(path, text), text)
        dirs = [x for x in suppress.directives(art) if x.ids and not (ch and ch.touches(x.line, x.line))]
        cover: dict[int, list] = {}
        for x in dirs:
            cover.setdefault(x.line, []).append(x)
            if x.alone:
                cover.setdefault(x.line + 1, []).append(x)
        for f in fs:
            on_changed = ch is not None and ch.touches(f.location.line, f.location.end_line)
            ds = cover.get(f.location.line, [])
            if not on_changed and not f.rule_id.startswith("AS") and any(suppress._covers(x.ids, f) for x in ds):
                f.suppressed = True
                dropped += 1
            else:
                kept.append(f)
    return kept, dropped


def _kind(path: str, text: str) -> str:
    from .kinds import kind_of

    return kind_of(path, text[:512])


def _read_text(path: str, limit: int = 16 << 20) -> str | None:
    from .textmap import decode, looks_binary

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        import stat

        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, limit)
    finally:
        os.close(fd)
    if looks_binary(data[:4096]):
        return None
    return decode(data, python=path.endswith(".py")).text


def directive_findings(d: Diff, ruleset, paths: list[str]) -> list[Finding]:
    """Scanner directives the change adds to the scanned files (AS020), and scanner settings it
    adds or edits anywhere in the change (AS021): excludes or PATHS must not hide those."""
    import stat

    from . import suppress
    from .baseline import looks_like_baseline
    from .model import Artefact

    out: list[Finding] = []
    r20 = ruleset.rules.get("AS020")
    r21 = ruleset.rules.get("AS021")
    scanned = {_rel(p) for p in paths}
    for rel in sorted(d.changes):
        path = rel
        if rel not in scanned:
            base = os.path.basename(rel)
            if r21 is None or not (base in CONFIG_NAMES or base.endswith(SETTINGS_SUFFIXES)):
                continue
            try:
                if not stat.S_ISREG(os.lstat(d.repo / rel).st_mode):
                    continue
            except OSError:
                continue
            path = str(d.repo / rel) if not os.path.samefile(os.getcwd(), d.repo) else rel
        ch = d.changes[rel]
        text = _read_text(path)
        if text is None:
            continue
        art = Artefact(rel, rel, _kind(rel, text), text)
        if r20 is not None and rel in scanned and suppress.MARKER in text:
            for x in suppress.directives(art):
                if ch.touches(x.line, x.line):
                    ids = ", ".join(x.ids) if x.ids else "every rule"
                    out.append(_finding(r20, art, x.start, x.end, {"ids": ids}))
        if r21 is None:
            continue
        base = os.path.basename(rel)
        if base == "artefact-scan.toml" or looks_like_baseline(text[:512].encode("utf-8", "surrogateescape")):
            what = "a baseline file" if base != "artefact-scan.toml" else "an artefact-scan.toml configuration"
            line = _first_setting(art, ch)
            s, e = art.index.line_span(line)
            out.append(_finding(r21, art, s, e, {"what": what}))
            continue
        if base == "pyproject.toml":
            for m in _SECTION.finditer(text):
                nxt = _ANY_HEADER.search(text, m.end())
                end_off = nxt.start() if nxt else len(text)
                first = art.index.position(m.start())[0]
                last = art.index.position(max(m.start(), end_off - 1))[0]
                if ch.touches(first, last):
                    s, e = art.index.line_span(first)
                    out.append(_finding(r21, art, s, e, {"what": "a [tool.artefact-scan] table in pyproject.toml"}))
            continue
        if base.endswith(SETTINGS_SUFFIXES) and "artefact-scan" in text:
            for ln in sorted(ch.lines) if not ch.whole else range(1, art.index.lines + 1):
                s, e = art.index.line_span(ln)
                if "artefact-scan" in text[s:e] or "artefact_scan" in text[s:e]:
                    out.append(_finding(r21, art, s, e, {"what": f"a setting of artefact-scan in {base}"}))
                    break
    from .scanner import _fingerprint

    _fingerprint(out)
    return out


def _first_setting(art, ch: Change) -> int:
    """The first changed line that holds a setting (not blank, not a comment)."""
    lines = range(1, art.index.lines + 1) if ch.whole else sorted(ch.lines)
    for ln in lines:
        s, e = art.index.line_span(ln)
        t = art.text[s:e].strip()
        if t and not t.startswith(("#", "//")):
            return ln
    return 1


def _finding(rule, art, start: int, end: int, data: dict) -> Finding:
    from .engine import Engine, format_message

    s_line, s_col = art.index.position(start)
    e_line, e_col = art.index.position(end)
    loc = Location(s_line, s_col, e_line, max(e_col, s_col))
    snippet, caret = Engine.snippet(art, loc)
    match = art.text[start:end]
    msg = format_message(rule.message, {**data, "match": one_line(match, 120)})
    return Finding(rule_id=rule.id, category=rule.category, severity=rule.severity,
                   confidence=rule.confidence, path=art.path, location=loc, message=msg,
                   snippet=snippet, caret=caret, origin=(art.path,), rule_name=rule.name,
                   title=rule.title, evidence={"signals": ["gate"], **{k: visible(str(v)) for k, v in data.items()}},
                   fingerprint=" ".join(match.split())[:500])
