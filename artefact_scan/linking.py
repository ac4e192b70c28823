"""Linking across files: a persistence entry that starts a scanned script joins that script's
findings.

During each file's scan, the shell detector records a `Link` for every program a persisted
command starts (a crontab line, a unit's `ExecStart`, a line of `.bashrc`, a git hook, a
folder-open task, an install hook).  The scan of one file stays a pure function; this module
runs once over all files' results (`scanner.run` calls it) and is deterministic: results arrive
in discovery order whatever `--jobs` is, and links are resolved in that order.

A link's target resolves to a scanned file when the file's path ends with the target's path
components (the longest such suffix wins) and at least the file and its directory agree; a
target written as a bare file name must be unique among the scanned files.  When the target has self-replication findings (warning or error), the entry gets
one chain finding (rule SR490, with the script's findings as related locations in the other
file and a code flow), and each of the script's warnings is raised to an error, with the entry
added to its related locations.  Nothing happens when SR490 is not selected.
"""
from __future__ import annotations

import hashlib
import posixpath
import re

from .engine import format_message
from .model import FileResult, Finding, Link, Related
from .ruleset import RuleSet

RULE_ID = "SR490"
MAX_RELATED = 8


def _components(path: str) -> list[str]:
    p = path.strip().strip("'\"").replace("\\", "/")
    p = re.sub(r"^(?:~|\$HOME|\$\{HOME\})(?=/)", "", p)
    return [c for c in p.split("/") if c not in ("", ".")]


def resolve(target: str, paths: list[str], by_base: dict[str, list[str]]) -> list[str]:
    """The scanned files a program path in a persistence entry names."""
    if "$(" in target or "`" in target or not target.strip():
        return []
    comps = _components(target)
    if not comps or ".." in comps:
        return []
    cands = by_base.get(comps[-1], [])
    if not cands:
        return []
    best, best_k = [], 0
    for c in cands:
        cc = _components(c)
        k = 0
        while k < min(len(cc), len(comps)) and cc[-1 - k] == comps[-1 - k]:
            k += 1
        if k > best_k:
            best, best_k = [c], k
        elif k == best_k:
            best.append(c)
    if best_k == 1 and (len(comps) > 1 or len(cands) > 1):
        return []  # only the file name agrees: another directory, or a name shared by several files
    return sorted(best)


def link_results(results: list[FileResult], ruleset: RuleSet) -> list[Finding]:
    rule = ruleset.rules.get(RULE_ID)
    if rule is None:
        return []
    paths = [r.path for r in results]
    by_base: dict[str, list[str]] = {}
    for p in paths:
        by_base.setdefault(posixpath.basename(p.replace("\\", "/")), []).append(p)
    serious = {r.path: [f for f in r.findings if f.category == "self-replication"
                        and f.severity in ("warning", "error") and f.rule_id != RULE_ID]
               for r in results}
    out: list[Finding] = []
    seen: set[tuple] = set()
    for r in results:
        for ln in r.links:
            for target in resolve(ln.target, paths, by_base):
                if target == ln.path:
                    continue
                found = serious.get(target)
                if not found:
                    continue
                key = (ln.path, ln.location.line, target)
                if key in seen:
                    continue
                seen.add(key)
                out.append(_chain(rule, ln, target, found))
                for f in found:
                    if f.severity == "warning":
                        f.severity = "error"
                        f.evidence.setdefault("adjusted", []).append("raised: started by a persistence entry")
                    if len(f.related) < 100:
                        f.related.append(Related(f"started by a {ln.mechanism} entry: {ln.snippet[:80]}",
                                                 ln.location, path=ln.path))
                    f.evidence.setdefault("persisted_by", []).append(f"{ln.path}:{ln.location.line}")
    return out


def _chain(rule, ln: Link, target: str, found: list[Finding]) -> Finding:
    first = sorted(found, key=Finding.sort_key)[0]
    data = {"mechanism": ln.mechanism, "target": target, "rule": first.rule_id, "title": first.title,
            "count": len(found)}
    related = [Related(f"{f.rule_id} {f.title}", f.location, path=f.path)
               for f in sorted(found, key=Finding.sort_key)[:MAX_RELATED]]
    fp = hashlib.sha256("\x1f".join((rule.id, ln.path, ln.mechanism, target, ln.target)).encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]
    return Finding(
        rule_id=rule.id, category=rule.category, severity=rule.severity, confidence=rule.confidence,
        path=ln.path, location=ln.location, message=format_message(rule.message, data),
        snippet=ln.snippet, origin=(ln.path,) + tuple(ln.origin), related=related,
        rule_name=rule.name, title=rule.title, fingerprint=fp,
        evidence={"signals": ["link", *sorted({f.rule_id for f in found})], "target": target,
                  "mechanism": ln.mechanism, "flow": True},
        caret=(max(0, ln.location.column - 1), max(1, ln.location.end_column - ln.location.column)),
    )
