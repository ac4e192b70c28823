"""GitHub Actions workflow commands: one annotation per finding, escaped so that nothing from
the scanned tree can start a workflow command of its own.  GitHub shows at most 10 annotations
of each level per step, so the most severe come first and a notice counts the rest."""
from __future__ import annotations

from ..escape import one_line
from . import renderer

PER_LEVEL = 10
LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


@renderer("github")
def render(result, **kw) -> str:
    out = []
    shown = {"error": 0, "warning": 0, "note": 0}
    hidden = 0
    order = {"error": 0, "warning": 1, "note": 2}
    for f in sorted(result.findings, key=lambda f: (order[f.severity], f.sort_key())):
        if shown[f.severity] >= PER_LEVEL:
            hidden += 1
            continue
        shown[f.severity] += 1
        loc = f.location
        props = [f"file={_prop(one_line(f.path))}", f"line={loc.line}", f"endLine={loc.end_line}"]
        if loc.line == loc.end_line:
            props += [f"col={loc.column}", f"endColumn={loc.end_column}"]
        props.append(f"title={_prop(one_line(f'{f.rule_id} {f.title}'))}")
        msg = f"[{f.category}] {one_line(f.message)}"
        if f.decoded and one_line(f.decoded, 300) not in msg:
            msg += f" Decoded: {one_line(f.decoded, 300)}"
        out.append(f"::{LEVEL[f.severity]} {','.join(props)}::{_data(msg)}")
    if hidden:
        out.append(f"::notice title=artefact-scan::{hidden} more findings are not annotated (GitHub shows "
                   f"{PER_LEVEL} per level); see the full report")
    for e in result.errors[:PER_LEVEL]:
        out.append(f"::warning file={_prop(one_line(e.path))},title=artefact-scan%3A not fully analysed::"
                   f"{_data(one_line(e.message))}")
    c = result.counts()
    out.append(f"artefact-scan: {c['error']} errors, {c['warning']} warnings, {c['note']} notes in "
               f"{result.files} files; {len(result.errors)} not fully analysed")
    return "\n".join(out) + "\n"
