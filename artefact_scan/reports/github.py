"""GitHub Actions workflow commands: one annotation per finding, escaped so that nothing from
the scanned tree can start a workflow command of its own.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (50 per job), so
the most severe come first, files that could not be fully analysed share the warning slots
after the warning findings, and a final notice counts what was not annotated.  Paths are
relative to the repository root (the workspace), as GitHub needs to place them.  The full
picture goes to the step summary: `--report markdown:$GITHUB_STEP_SUMMARY`."""
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
    from .sarif import repo_path, repo_root

    root = repo_root()
    order = {"error": 0, "warning": 1, "note": 2}
    items: list[tuple[str, str]] = []  # (level, command)
    for f in sorted(result.findings, key=lambda f: (order[f.severity], f.sort_key())):
        loc = f.location
        props = [f"file={_prop(one_line(repo_path(f.path, root)))}", f"line={loc.line}", f"endLine={loc.end_line}"]
        if loc.line == loc.end_line:
            props += [f"col={loc.column}", f"endColumn={loc.end_column}"]
        props.append(f"title={_prop(one_line(f'{f.rule_id} {f.title}'))}")
        msg = f"[{f.category}] {one_line(f.message)}"
        if f.decoded and one_line(f.decoded, 300) not in msg:
            msg += f" Decoded: {one_line(f.decoded, 300)}"
        if len(f.origin) > 1:
            msg += " Found in: " + " > ".join(one_line(o, 120) for o in f.origin[1:])
        items.append((LEVEL[f.severity], f"::{LEVEL[f.severity]} {','.join(props)}::{_data(msg)}"))
    for e in result.errors:
        items.append(("warning", f"::warning file={_prop(one_line(repo_path(e.path, root)))},"
                                 f"title=artefact-scan%3A not fully analysed::{_data(one_line(e.message))}"))
    shown = {"error": 0, "warning": 0, "notice": 0}
    out, hidden = [], 0
    rank = {"error": 0, "warning": 1, "notice": 2}
    for level, cmd in sorted(items, key=lambda it: rank[it[0]]):  # stable: findings before errors
        limit = PER_LEVEL - 1 if level == "notice" else PER_LEVEL  # one notice left for the count
        if shown[level] >= limit:
            hidden += 1
            continue
        shown[level] += 1
        out.append(cmd)
    if hidden:
        out.append(f"::notice title=artefact-scan::{hidden} more findings or files not fully analysed are not "
                   f"annotated (GitHub shows {PER_LEVEL} per level); see the step summary or the full report")
    c = result.counts()
    out.append(f"artefact-scan: {c['error']} errors, {c['warning']} warnings, {c['note']} notes in "
               f"{result.files} files; {len(result.errors)} not fully analysed")
    return "\n".join(out) + "\n"
