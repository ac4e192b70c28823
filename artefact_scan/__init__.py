"""artefact-scan: a static analyzer for the files, code and documents AI agents leave behind.

It reports self-replication, legal forgery and hidden messages with exact locations and decoded
evidence.  Library use (the same findings as the CLI):

    import artefact_scan
    from artefact_scan.reports import render

    result = artefact_scan.scan(["sandbox/run-17"])
    if any(f.severity == "error" for f in result.findings):
        open("run-17.html", "w").write(render("html", result))  # or json, markdown, sarif, text
        raise SystemExit("the agent left something a reviewer must see")
"""
from __future__ import annotations

__version__ = "0.1.0"


def load_rules(extra_dirs=(), select=None, ignore=None):
    """The shipped rules plus `extra_dirs`, filtered by `select` / `ignore`."""
    from pathlib import Path

    from .engine import known_signals
    from .ruleset import builtin_rules_dir, load_dirs

    rs = load_dirs([builtin_rules_dir(), *[Path(d) for d in extra_dirs]], known_signals())
    return rs.select(list(select or []), list(ignore or []))


def scan(paths, *, rules=None, select=None, ignore=None, extra_rules=(), strict=False, jobs=1,
         excludes=(), respect_gitignore=False, limits=None):
    """Scan `paths` (files or directories) and return a `ScanResult` (findings, errors, counts)."""
    from .context import Limits
    from .scanner import Options, run

    ruleset = rules if rules is not None else load_rules(extra_rules, select, ignore)
    opts = Options(limits=limits or Limits(), strict=strict, jobs=jobs, excludes=list(excludes),
                   respect_gitignore=respect_gitignore)
    return run([str(p) for p in paths], ruleset, opts)
