"""Per-run summaries: findings, errors and files grouped by where they sit under the roots.

A sandbox sweep scans a folder of run folders (`runs/run-0001/…`); `--group-by top` reports
each top-level folder under a scanned root as one run, `--group-by N` the first N folder levels,
and `--group-by root` each path given on the command line.  Files directly in a root form the
group `.` (for `top` and `N`).  Reports call `summarise`; grouping never changes the findings.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..model import CATEGORIES, SEVERITIES


@dataclass
class Group:
    name: str
    files: int = 0
    bytes: int = 0
    findings: dict[str, int] = field(default_factory=lambda: {s: 0 for s in ("error", "warning", "note")})
    by_category: dict[str, dict[str, int]] = field(
        default_factory=lambda: {c: {"error": 0, "warning": 0, "note": 0} for c in CATEGORIES})
    errors: int = 0

    @property
    def worst(self) -> str | None:
        for sev in reversed(SEVERITIES):
            if self.findings.get(sev):
                return sev
        return None

    def as_dict(self) -> dict:
        return {"name": self.name, "files": self.files, "bytes": self.bytes,
                "findings": dict(self.findings), "by_category": {k: dict(v) for k, v in self.by_category.items()},
                "errors": self.errors, "worst": self.worst}


def parse_group_by(value: str | None) -> str | None:
    """`top`, `root`, `none` or a folder depth; raises ValueError otherwise."""
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("", "none", "file", "off"):
        return None
    if v in ("top", "run", "runs"):
        return "1"
    if v == "root":
        return "root"
    if v.isdigit() and 1 <= int(v) <= 32:
        return str(int(v))
    raise ValueError(f"--group-by must be top, root, none or a folder depth from 1 to 32, not {value!r}")


def _norm(p: str) -> str:
    return p.replace("\\", "/")


class Grouper:
    def __init__(self, roots: list[str], by: str):
        self.by = by
        # longest roots first, so a nested root wins over its parent
        self.roots = sorted({_norm(os.path.normpath(r)) for r in roots} or {"."}, key=len, reverse=True)

    def key(self, path: str) -> str:
        p = _norm(path)
        root = None
        for r in self.roots:
            if r == ".":
                if not p.startswith("/") and not p.startswith("../"):
                    root = r
                    break
            elif p == r or p.startswith(r.rstrip("/") + "/"):
                root = r
                break
        if self.by == "root":
            return root or p
        if root is None:
            return p
        rel = p if root == "." else p[len(root.rstrip("/")) + 1:] if p != root else ""
        parts = rel.split("/")[:-1]  # folders only
        depth = int(self.by)
        if not parts:
            return root if root != "." else "."
        prefix = "/".join(parts[:depth])
        return prefix if root == "." else f"{root.rstrip('/')}/{prefix}"


def summarise(result, by: str) -> list[Group]:
    g = Grouper(getattr(result, "roots", []) or [], by)
    groups: dict[str, Group] = {}

    def get(name: str) -> Group:
        if name not in groups:
            groups[name] = Group(name)
        return groups[name]

    for path, size in (getattr(result, "file_sizes", None) or {}).items():
        grp = get(g.key(path))
        grp.files += 1
        grp.bytes += size
    for f in result.findings:
        grp = get(g.key(f.path))
        grp.findings[f.severity] += 1
        grp.by_category.setdefault(f.category, {"error": 0, "warning": 0, "note": 0})[f.severity] += 1
    for e in result.errors:
        get(g.key(e.path)).errors += 1
    return [groups[k] for k in sorted(groups)]
