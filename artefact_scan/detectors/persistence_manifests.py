"""Commands that tools run on their own: npm install scripts, VS Code folder-open tasks,
devcontainer lifecycle commands and CI workflow steps.

Each command becomes a child artefact of kind `shell` (mapped onto its JSON string or YAML
lines) so every shell rule judges it; `meta["persistence"]` names the mechanism.  Commands that
run without anyone asking each time (install scripts, folder-open tasks, devcontainer hooks,
workflows triggered by a schedule, a push or another workflow) also carry the fact
`persisted-command`.

Signals:
- `sr.autorun-task`: a VS Code task with `"runOptions": {"runOn": "folderOpen"}`, data `command`;
  `sr.autorun-devtool`: the same task runs a package-manager script or a compiler watch;
- `sr.ci-secrets-dump`: a workflow step that serialises every secret (`toJSON(secrets)`), the
  Shai-Hulud exfiltration step.

JSON with comments and trailing commas (tasks.json, devcontainer.json) is read through a view
with comments blanked, so offsets stay those of the file.  A manifest that does not parse is
reported with `ctx.error`; text-level rules still run on it.
"""
from __future__ import annotations

import posixpath
import re

from .. import jsonpos
from . import detector, facts
from .js_lex import JsView
from ..lazyregex import lazy_re

facts.declare("persisted-command")

_NPM_HOOKS = ("preinstall", "install", "postinstall", "preuninstall", "uninstall", "postuninstall")
_DEVC_KEYS = ("initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand",
              "postStartCommand", "postAttachCommand")
_DEVTOOL = lazy_re(r"^\s*(?:npm|yarn|pnpm|bun|npx|tsc|make|cargo|go|gradle|gradlew|\./gradlew|mvn|dotnet|"
                      r"docker|docker-compose|code|deno|webpack|vite|ng|jest|vitest|pytest|python[0-9.]*\s+-m\s+\w+|"
                      r"poetry|uv|tox|nox|just|task|mix|bundle|rake|php|composer)\b")
_RUN = lazy_re(r"^([ \t]*)(?:-[ \t]+)?run[ \t]*:[ \t]*(.*)$", re.M)
_SCHEDULE = lazy_re(r"^[ \t]*(?:schedule[ \t]*:|-[ \t]*cron[ \t]*:|push[ \t]*:|workflow_run[ \t]*:)|"
                       r"^on[ \t]*:[ \t]*(?:\[[^\]\n]*\b(?:push|schedule)\b|push\b)", re.M)


def _base(art) -> str:
    return posixpath.basename(art.name.replace("\\", "/")).lower()


def _want(art) -> bool:
    base = _base(art)
    name = art.name.replace("\\", "/").lower()
    if art.kind == "json":
        return base in ("package.json", "tasks.json", "devcontainer.json", ".devcontainer.json")
    if base in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
        return True
    return "/workflows/" in "/" + name and ".github/" in "/" + name or "run:" in art.text and "steps:" in art.text


def _jsonc(text: str) -> str:
    code = JsView(text).code
    return re.sub(r",(\s*[}\]])", r" \1", code)


def _child(art, ctx, value, label: str, mechanism: str, persisted: bool):
    if not isinstance(value, str) or not value.strip():
        return
    segs = getattr(value, "segments", None)
    kw = {"segments": segs} if segs else {"span": (0, 0)}
    ctx.child(art, str(value), label=label, kind="shell", facts=("persisted-command",) if persisted else (),
              meta={"persistence": mechanism}, **kw)


@detector("persistence-manifests", ("sr.autorun-task", "sr.autorun-devtool", "sr.ci-secrets-dump"),
          kinds=("json", "yaml"), prefilter=_want)
def detect_manifests(art, ctx):
    base = _base(art)
    if art.kind == "yaml":
        if base.startswith(".pre-commit-config"):
            _precommit(art, ctx)
        else:
            _workflow(art, ctx)
        return
    try:
        data = jsonpos.parse(_jsonc(art.text) if base != "package.json" else art.text)
    except (ValueError, RecursionError) as e:
        ctx.error(art, f"{base}: not valid JSON ({str(e)[:80]}); its commands were not analysed")
        return
    if not isinstance(data, dict):
        return
    if base == "package.json":
        scripts = data.get("scripts")
        if isinstance(scripts, dict):
            for key in _NPM_HOOKS:
                if key in scripts:
                    _child(art, ctx, scripts[key], f"npm {key} script", "npm install script", True)
    elif base == "tasks.json":
        tasks = data.get("tasks")
        if not isinstance(tasks, list):
            return
        for t in tasks[:500]:
            if not isinstance(t, dict):
                continue
            ro = t.get("runOptions")
            if not (isinstance(ro, dict) and ro.get("runOn") == "folderOpen"):
                continue
            cmd = t.get("command")
            if not isinstance(cmd, str):
                continue
            args = t.get("args") if isinstance(t.get("args"), list) else []
            full = " ".join([str(cmd)] + [str(a) for a in args if isinstance(a, str)])
            start = getattr(cmd, "start", 0)
            end = getattr(cmd, "end", start + 1)
            ctx.signal(art, "sr.autorun-task", start, end, command=full[:160],
                       label=str(t.get("label", ""))[:60])
            if _DEVTOOL.match(full) and "|" not in full and "&" not in full:
                ctx.signal(art, "sr.autorun-devtool", start, end)
            if args:
                joined, segs = jsonpos.join([cmd] + [a for a in args if isinstance(a, str)])
                ctx.child(art, joined, label="VS Code folder-open task", kind="shell", segments=segs,
                          facts=("persisted-command",), meta={"persistence": "ide task"})
            else:
                _child(art, ctx, cmd, "VS Code folder-open task", "ide task", True)
    elif base in ("devcontainer.json", ".devcontainer.json"):
        for key in _DEVC_KEYS:
            v = data.get(key)
            items = []
            if isinstance(v, str):
                items = [v]
            elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                joined, segs = jsonpos.join(v)
                if joined:
                    ctx.child(art, joined, label=f"devcontainer {key}", kind="shell", segments=segs,
                              facts=("persisted-command",), meta={"persistence": "devcontainer"})
            elif isinstance(v, dict):
                items = [x for x in v.values() if isinstance(x, str)]
            for it in items[:50]:
                _child(art, ctx, it, f"devcontainer {key}", "devcontainer", True)


_ENTRY = lazy_re(r"^[ \t]*(?:-[ \t]+)?entry[ \t]*:[ \t]*(.+?)[ \t]*$", re.M)


def _precommit(art, ctx):
    """Local pre-commit hooks run their `entry` on every commit."""
    from ..model import Segment

    text = art.text
    if "repo: local" not in text and "repo: 'local'" not in text and 'repo: "local"' not in text:
        return
    for n, m in enumerate(_ENTRY.finditer(text)):
        if n >= 500:
            return
        s, e = m.span(1)
        v = text[s:e]
        if len(v) > 1 and v[0] in "'\"" and v[-1] == v[0]:
            s, e = s + 1, e - 1
        ctx.child(art, text[s:e], label=f"pre-commit local hook entry at line {text.count(chr(10), 0, s) + 1}",
                  kind="shell", segments=[Segment(0, s, e, exact=True)], facts=("persisted-command",),
                  meta={"persistence": "git hook"})


def _workflow(art, ctx):
    text = art.text
    scheduled = bool(_SCHEDULE.search(text))
    low = art.lower
    if "tojson(secrets)" in low.replace(" ", ""):
        m = re.search(r"toJSON\s*\(\s*secrets\s*\)", text, re.I)
        if m:
            ctx.signal(art, "sr.ci-secrets-dump", m.start(), m.end())
    lines_from = 0
    for n, m in enumerate(_RUN.finditer(text)):
        if n >= 1000:
            ctx.error(art, "more than 1000 run steps; the rest not analysed")
            return
        indent = len(m.group(1))
        value = m.group(2).rstrip()
        if m.start() < lines_from:
            continue
        if value[:1] in ("|", ">"):
            # a block scalar: the following lines indented deeper than the key
            start = m.end() + 1
            pos = start
            end = start
            while pos < len(text):
                nl = text.find("\n", pos)
                line_end = len(text) if nl < 0 else nl
                line = text[pos:line_end]
                if line.strip() and (len(line) - len(line.lstrip(" \t"))) <= indent:
                    break
                end = line_end
                pos = line_end + 1
                if nl < 0:
                    break
            lines_from = end
            body = text[start:end]
            if not body.strip():
                continue
            # dedent by blanking the common indentation (keeps offsets: spaces stay spaces)
            from ..model import Segment
            ctx.child(art, body, label=f"workflow run step at line {text.count(chr(10), 0, m.start()) + 1}",
                      kind="shell", segments=[Segment(0, start, end, exact=True)],
                      facts=("persisted-command",) if scheduled else (),
                      meta={"persistence": "ci workflow"})
        elif value:
            from ..model import Segment
            s = m.start(2)
            e = s + len(value)
            if value[0] in "'\"" and value[-1] == value[0] and len(value) > 1:
                s, e = s + 1, e - 1
            ctx.child(art, text[s:e], label=f"workflow run step at line {text.count(chr(10), 0, m.start()) + 1}",
                      kind="shell", segments=[Segment(0, s, e, exact=True)],
                      facts=("persisted-command",) if scheduled else (),
                      meta={"persistence": "ci workflow"})
