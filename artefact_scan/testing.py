"""The rule-fixture harness: test rules by adding annotated files, not code.

A fixture is any file under a fixtures directory.  A comment line `ruleid: ID[, ID…]` marks the
next non-annotation line as one that must be reported with ID; `ok: ID` marks one that must not;
`todoruleid:` / `todook:` record known gaps (they fail once the gap is closed, so they get
promoted).  The annotation stands alone on its line inside the file's own comment syntax
(`#`, `//`, `<!-- -->`, `/* */`, `--`, `;`, `%`).  Where a comment is impossible (JSON, DOCX,
byte-exact cases) a sidecar `<file>.expect.toml` lists `[[ruleid]]` / `[[ok]]` tables with
`rule` and `line`.  A file ending in `.uesc` is written out without that suffix after turning
`\\uXXXX` / `\\UXXXXXXXX` escapes into the characters (and `{U+XXXX}` in its name), so invisible
characters never sit raw in the repository.

Comparison is exact per file: the set of (line, rule) reported for every rule the file
mentions, plus every error or warning of any rule, must equal the annotated set.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

_ANNOT = re.compile(
    r"^\s*(?:#|//|<!--|/\*|--|;|%|\*|REM\b)\s*(ruleid|ok|todoruleid|todook):\s*"
    r"([A-Z]{1,3}[0-9]{3}(?:\s*,\s*[A-Z]{1,3}[0-9]{3})*)\s*(?:-->|\*/)?\s*$")
_LOOSE = re.compile(r"\b(ruleid|todoruleid|todook):")
_UESC = re.compile(r"\\(\\|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")
SIDE = ".expect.toml"


_NAME_ESC = re.compile(r"\{U\+([0-9A-Fa-f]{4,6})\}")


def unescape_name(name: str) -> str:
    """A `.uesc` fixture's name may hold `{U+XXXX}` for characters a file name in the repository
    must not hold raw (invisible ones, for tests of file names as a channel)."""
    return _NAME_ESC.sub(lambda m: chr(int(m.group(1), 16)), name)


def unescape(text: str) -> str:
    def sub(m):
        g = m.group(1)
        return "\\" if g == "\\" else chr(int(g[1:], 16))

    return _UESC.sub(sub, text)


@dataclass
class Expectations:
    ruleid: set[tuple[int, str]] = field(default_factory=set)
    ok: set[tuple[int, str]] = field(default_factory=set)
    todoruleid: set[tuple[int, str]] = field(default_factory=set)
    todook: set[tuple[int, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def rules(self) -> set[str]:
        return {r for s in (self.ruleid, self.ok, self.todoruleid, self.todook) for _, r in s}


def parse_annotations(text: str) -> Expectations:
    exp = Expectations()
    lines = text.split("\n")
    pending: list[tuple[str, list[str], int]] = []
    for i, line in enumerate(lines, 1):
        m = _ANNOT.match(line)
        if m:
            pending.append((m.group(1), [x.strip() for x in m.group(2).split(",")], i))
            continue
        if _LOOSE.search(line) and ("ruleid:" in line or "todo" in line) and not m:
            if re.search(r"(?:#|//|<!--|/\*)\s*(?:todo)?ruleid:", line):
                exp.problems.append(f"line {i}: malformed annotation (it must stand alone on its line): {line.strip()[:80]}")
        if pending and line.strip():
            for kind, ids, _at in pending:
                for rid in ids:
                    getattr(exp, kind).add((i, rid))
            pending = []
    for kind, _ids, at in pending:
        exp.problems.append(f"line {at}: {kind} annotation is not followed by a line")
    return exp


def read_sidecar(path: Path, exp: Expectations) -> None:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    for kind in ("ruleid", "ok", "todoruleid", "todook"):
        for item in data.get(kind, []):
            if not isinstance(item, dict) or "rule" not in item or "line" not in item:
                exp.problems.append(f"{path.name}: each [[{kind}]] needs rule and line")
                continue
            getattr(exp, kind).add((int(item["line"]), str(item["rule"])))


@dataclass
class FileReport:
    path: str
    expected: Expectations
    missing: list[tuple[int, str]] = field(default_factory=list)
    unexpected: list[tuple[int, str, str]] = field(default_factory=list)  # line, rule, message
    promoted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.promoted or self.expected.problems)

    def explain(self) -> str:
        out = []
        for p in self.expected.problems:
            out.append(f"{self.path}: {p}")
        for line, rule in sorted(self.missing):
            out.append(f"{self.path}:{line}: expected {rule}, not reported")
        for line, rule, msg in sorted(self.unexpected):
            out.append(f"{self.path}:{line}: {rule} reported but not expected: {msg}")
        out += [f"{self.path}: {p}" for p in self.promoted]
        return "\n".join(out)


def materialise(src: Path, dst: Path) -> dict[str, Path]:
    """Copy a fixture tree to `dst`, decoding `.uesc` files; return {scanned rel path: source}."""
    mapping = {}
    for p in sorted(src.rglob("*")):
        if p.is_dir() or p.name.endswith(SIDE):
            continue
        rel = p.relative_to(src)
        if p.suffix == ".uesc":
            out = dst / unescape_name(str(rel.with_suffix("")))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(unescape(p.read_text(encoding="utf-8")).encode("utf-8", "surrogatepass"))
        else:
            out = dst / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, out)
        mapping[str(out.relative_to(dst)).replace("\\", "/")] = p
    return mapping


def check_tree(fixtures: Path, ruleset, jobs: int = 1) -> list[FileReport]:
    """Scan a fixture tree and compare every file's findings with its annotations."""
    from .scanner import Options, run

    reports = []
    with tempfile.TemporaryDirectory(prefix="as-fixtures-") as tmp:
        mapping = materialise(fixtures, Path(tmp))
        result = run([tmp], ruleset, Options(jobs=jobs))
        by_file: dict[str, list] = {}
        for f in result.findings:
            rel = str(Path(f.path).relative_to(tmp)).replace("\\", "/")
            by_file.setdefault(rel, []).append(f)
        for rel, src in sorted(mapping.items()):
            exp = Expectations()
            try:
                text = Path(tmp, rel).read_bytes().decode("utf-8", "surrogateescape")
            except OSError:
                text = ""
            if "\x00" not in text[:4096]:
                exp = parse_annotations(text)
            side = src.parent / (src.name + SIDE)
            if src.suffix == ".uesc":
                side2 = src.parent / (src.name[:-5] + SIDE)
                side = side if side.exists() else side2
            if side.exists():
                read_sidecar(side, exp)
            mentioned = exp.rules()
            actual: dict[tuple[int, str], str] = {}
            for f in by_file.get(rel, []):
                if f.rule_id in mentioned or f.severity in ("error", "warning"):
                    actual.setdefault((f.location.line, f.rule_id), f.message)
            rep = FileReport(str(src.relative_to(fixtures.parent)), exp)
            got = set(actual)
            for key in exp.ruleid - got:
                rep.missing.append(key)
            allowed = exp.ruleid | exp.todook
            for key in got - allowed:
                rep.unexpected.append((key[0], key[1], actual[key]))
            for key in exp.todoruleid & got:
                rep.promoted.append(f"line {key[0]}: todoruleid {key[1]} is now reported; make it ruleid")
            for key in exp.todook - got:
                rep.promoted.append(f"line {key[0]}: todook {key[1]} is no longer reported; make it ok")
            reports.append(rep)
    return reports
