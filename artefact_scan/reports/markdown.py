"""Markdown: a summary for a CI job page (GitHub's step summary) or a pull-request comment.

Totals, a table per category, a table per run (`--group-by`), the most severe findings with
their location, message and decoded payload, and the files not fully analysed.  GitHub renders
Markdown with inline HTML, so every string from the scanned tree is escaped for both (no
links, images, mentions or tags can be injected), and the page stays far under the 1 MiB a
step summary may hold: at most `MAX_ROWS` findings are listed, with a count of the rest.
"""
from __future__ import annotations

import re

from .. import __version__
from ..escape import one_line
from ..model import CATEGORIES
from . import renderer
from .groups import summarise
from .json_report import clean
from ..lazyregex import lazy_re

MAX_ROWS = 100
MAX_GROUP_ROWS = 200
MAX_CELL = 300
ICON = {"error": "error", "warning": "warning", "note": "note"}
_SPECIAL = lazy_re(r"([\\`*_{}\[\]()!|~])")  # what means something inside a table cell


def md(s, limit: int = MAX_CELL) -> str:
    """Untrusted text → one line of inert Markdown for a table cell."""
    text = one_line(clean(s) if s is not None else "", limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    # no mention, issue reference or autolink can come out of scanned text
    text = text.replace("#", "&#35;").replace("@", "&#64;").replace(":", "&#58;")
    return re.sub(r"(?i)\bwww\.", "www&#46;", text).replace("\r", " ").replace("\n", " ")


@renderer("markdown")
def render(result, group_by: str | None = None, **kw) -> str:
    counts = result.counts()
    worst = "error" if counts["error"] else "warning" if counts["warning"] else "note" if counts["note"] else None
    head = "no findings" if worst is None else \
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes"
    out = [f"## artefact-scan: {head}", "",
           f"{result.files} files ({result.bytes / 1e6:.2f} MB) scanned in {result.seconds:.2f} s with "
           f"{len(result.ruleset.rules)} rules; {len(result.errors)} not fully analysed; "
           f"{result.suppressed} suppressed.", ""]
    gate = getattr(result, "gate", None)
    if gate:
        out += [f"Gate: {gate['changed_files']} changed files since {md(gate['base'], 80)} (merge base "
                f"`{gate['merge_base'][:12]}`); {gate['outside_change']} findings outside the changed lines "
                f"left out" + ("; every finding of a changed file reported." if gate.get("whole_files") else "."), ""]
    if getattr(result, "baselined", 0):
        out += [f"{result.baselined} findings left out because the baseline lists them.", ""]
    out += ["| category | error | warning | note |", "|---|---:|---:|---:|"]
    by_cat = {c: {"error": 0, "warning": 0, "note": 0} for c in CATEGORIES}
    for f in result.findings:
        by_cat.setdefault(f.category, {"error": 0, "warning": 0, "note": 0})[f.severity] += 1
    for cat, c in by_cat.items():
        out.append(f"| {md(cat)} | {c['error']} | {c['warning']} | {c['note']} |")
    out.append("")
    if group_by:
        groups = summarise(result, group_by)
        flagged = [g for g in groups if g.worst or g.errors]
        flagged.sort(key=lambda g: (-g.findings["error"], -g.findings["warning"], -g.errors, g.name))
        out += [f"### Per run: {len(flagged)} of {len(groups)} with findings or errors", ""]
        if flagged:
            out += ["| run | files | error | warning | note | not analysed |", "|---|---:|---:|---:|---:|---:|"]
            for g in flagged[:MAX_GROUP_ROWS]:
                f = g.findings
                out.append(f"| {md(g.name)} | {g.files} | {f['error']} | {f['warning']} | {f['note']} | {g.errors} |")
            if len(flagged) > MAX_GROUP_ROWS:
                out.append(f"\n{len(flagged) - MAX_GROUP_ROWS} more runs with findings are not listed.")
            out.append("")
    if result.findings:
        order = {"error": 0, "warning": 1, "note": 2}
        ranked = sorted(result.findings, key=lambda f: (order[f.severity], f.sort_key()))
        out += ["### Findings", "", "| severity | rule | location | message |", "|---|---|---|---|"]
        for f in ranked[:MAX_ROWS]:
            msg = md(f.message)
            if f.decoded and one_line(f.decoded, 200) not in one_line(f.message):
                msg += " <br>decoded: " + md(f.decoded, 200)
            if len(f.origin) > 1:
                msg += " <br>found in: " + " &rarr; ".join(md(o, 80) for o in f.origin[1:])
            out.append(f"| {ICON[f.severity]} | {md(f.rule_id)} {md(f.title, 80)} | "
                       f"{md(f.path, 200)}&#58;{f.location.line} | {msg} |")
        if len(ranked) > MAX_ROWS:
            out.append(f"\n{len(ranked) - MAX_ROWS} more findings are not listed here; see the full report.")
        out.append("")
    if result.errors:
        out += [f"### Not fully analysed ({len(result.errors)})", ""]
        for e in result.errors[:20]:
            way = (" (" + " &rarr; ".join(md(o, 80) for o in e.origin) + ")") if e.origin else ""
            out.append(f"- {md(e.path, 200)}{way}: {md(e.message)}")
        if len(result.errors) > 20:
            out.append(f"- and {len(result.errors) - 20} more")
        out.append("")
    out.append(f"<sub>artefact-scan {__version__}</sub>")
    return "\n".join(out) + "\n"
