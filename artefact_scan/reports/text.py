"""Text: ruff-like lines `path:line:col: ID [category] message`, a code frame, what was
decoded, the way in, and a summary per category.  Colour only when writing to a terminal."""
from __future__ import annotations

from ..escape import one_line
from ..model import CATEGORIES
from . import renderer

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "note": "\x1b[1;36m", "dim": "\x1b[2m",
           "bold": "\x1b[1m", "reset": "\x1b[0m"}


def _c(color: bool, key: str, s: str) -> str:
    return f"{_COLORS[key]}{s}{_COLORS['reset']}" if color else s


def _groups(result, by: str, color: bool) -> list[str]:
    from .groups import summarise

    groups = summarise(result, by)
    flagged = [g for g in groups if g.worst or g.errors]
    label = "root" if by == "root" else ("run" if by == "1" else f"folder (depth {by})")
    out = [_c(color, "bold", f"Per {label}: {len(groups)} in all, {len(flagged)} with findings or errors")]
    width = min(60, max([len(one_line(g.name)) for g in flagged] + [4]))
    for g in flagged:
        f = g.findings
        cats = ", ".join(f"{c} {sum(v.values())}" for c, v in g.by_category.items() if sum(v.values()))
        out.append(f"  {one_line(g.name):<{width}} {f['error']:>4} error  {f['warning']:>4} warning  "
                   f"{f['note']:>4} note  {g.errors:>3} not analysed  {g.files:>5} files"
                   + (f"  ({cats})" if cats else ""))
    clean = len(groups) - len(flagged)
    if clean:
        out.append(f"  {clean} without findings")
    out.append("")
    return out


@renderer("text")
def render(result, color: bool = False, group_by: str | None = None, **kw) -> str:
    out: list[str] = []
    for f in result.findings:
        loc = f.location
        head = f"{one_line(f.path)}:{loc.line}:{loc.column}: "
        out.append(_c(color, "bold", head) + _c(color, f.severity, f"{f.rule_id}") +
                   f" [{f.category}] {f.severity}: {one_line(f.message)}")
        if f.snippet:
            lines = f.snippet.split("\n")
            first = getattr(f, "snippet_line", None) or loc.line
            width = len(str(first + len(lines) - 1))
            out.append(" " * width + " |")
            for i, line in enumerate(lines):
                out.append(f"{first + i:>{width}} | {line}")
                if i == 0:
                    start, length = f.caret
                    out.append(" " * width + " | " + " " * start + _c(color, f.severity, "^" * length))
        pad = "   = "
        if getattr(f, "excerpt", None):
            out.append(pad + "in the part: " + one_line(f.excerpt))
        if f.decoded:
            dec = f.decoded if len(f.decoded) <= 400 else f.decoded[:400] + "\u2026"
            out.append(pad + "decoded: " + one_line(dec))
        if len(f.origin) > 1:
            out.append(pad + "found in: " + " \u2192 ".join(one_line(o) for o in f.origin))
        for r in f.related[:8]:
            where = (one_line(r.path) + ":") if r.path else ""
            out.append(pad + f"see {where}{r.location.line}:{r.location.column}: {one_line(r.label)}")
        if len(f.related) > 8:
            out.append(pad + f"and {len(f.related) - 8} more related locations")
        out.append("")
    if result.errors:
        out.append(_c(color, "bold", f"Not fully analysed ({len(result.errors)}):"))
        for e in result.errors:
            way = (" [" + " \u2192 ".join(one_line(o) for o in e.origin) + "]") if e.origin else ""
            out.append(f"  {one_line(e.path)}{way}: {one_line(e.message)}")
        out.append("")
    if group_by:
        out += _groups(result, group_by, color)
    counts = result.counts()
    by_cat: dict[str, dict[str, int]] = {c: {"error": 0, "warning": 0, "note": 0} for c in CATEGORIES}
    for f in result.findings:
        by_cat.setdefault(f.category, {"error": 0, "warning": 0, "note": 0})[f.severity] += 1
    out.append(_c(color, "bold", "Summary"))
    for cat, c in by_cat.items():
        out.append(f"  {cat:<17} {c['error']:>4} error  {c['warning']:>4} warning  {c['note']:>4} note")
    mb = result.bytes / 1e6
    out.append(f"  {result.files} files, {mb:.2f} MB in {result.seconds:.2f} s; "
               f"{counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes; "
               f"{result.suppressed} suppressed; {len(result.errors)} not fully analysed")
    if getattr(result, "baselined", 0):
        out.append(f"  {result.baselined} findings left out because the baseline lists them")
    gate = getattr(result, "gate", None)
    if gate:
        out.append(f"  gate: {gate['changed_files']} changed files since {one_line(gate['base'])} "
                   f"(merge base {gate['merge_base'][:12]}); {gate['outside_change']} findings outside "
                   f"the changed lines left out")
    return "\n".join(out) + "\n"
