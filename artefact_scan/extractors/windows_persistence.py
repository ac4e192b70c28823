"""Windows persistence files: the commands Task Scheduler and the registry's autostart keys run.

- Task Scheduler XML (`<Task xmlns="…/windows/2004/02/mit/task">`, as `schtasks /query /xml`
  exports it and as `System32\\Tasks` keeps it): each `<Exec>` action's `<Command>` and
  `<Arguments>`;
- registry exports (`.reg`, `Windows Registry Editor Version 5.00` or `REGEDIT4`): the values
  under `Run`, `RunOnce`, `RunServices`, `Policies\\Explorer\\Run`, Winlogon `Shell`/`Userinit`
  and an Image File Execution Options `Debugger`.

Each command becomes a child artefact of kind `powershell` with the fact `persisted-command`
(a Windows command line reads as a PowerShell statement: a program and its arguments), so the
persisted-command rule judges it and the cross-file pass (`linking`) can join it to the script
it starts.  The parsing is bounded and nothing is executed.
"""
from __future__ import annotations

import re

from ..detectors import facts
from ..model import Segment
from . import extractor
from ..lazyregex import lazy_re

facts.declare("persisted-command")

MAX_ENTRIES = 2000
_EXEC = lazy_re(r"(?is)<exec\b[^>]*>(.*?)</exec\s*>")
_TAG = lazy_re(r"(?is)<(command|arguments)\b[^>]*>(.*?)</\1\s*>")
_SECTION = lazy_re(r"(?m)^[ \t]*\[(-?)([^\]\r\n]+)\][ \t]*\r?$")
_VALUE = lazy_re(r'(?m)^[ \t]*("(?:[^"\\]|\\.)*"|@)[ \t]*=[ \t]*"((?:[^"\\\r\n]|\\.)*)"')
_AUTOSTART_KEY = lazy_re(r"(?i)\\currentversion\\(?:run|runonce|runservices|runservicesonce|policies\\explorer\\run)$|"
                         r"\\currentversion\\winlogon$|\\image file execution options\\[^\\]+$")
_WINLOGON_VALUES = frozenset({"shell", "userinit", "debugger"})


def _xml_unescape(s: str) -> str:
    s = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))) if int(m.group(1)) < 0x110000 else "", s)
    s = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) < 0x110000 else "", s)
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _child(art, ctx, text: str, segs: list[Segment], label: str, mechanism: str) -> None:
    if not text.strip():
        return
    ctx.child(art, text, label=label, kind="powershell", segments=segs, facts=("persisted-command",),
              meta={"persistence": mechanism}, name="persisted.ps1")


@extractor("scheduled-task-xml", kinds=("xml",))
def scheduled_task_xml(art, ctx):
    low = art.lower
    if "<task" not in low or "<exec" not in low or "windows/2004/02/mit/task" not in low:
        return
    text = art.text
    for n, m in enumerate(_EXEC.finditer(text)):
        if n >= MAX_ENTRIES:
            ctx.error(art, f"more than {MAX_ENTRIES} task actions; the rest not analysed")
            return
        parts: dict[str, tuple[str, int, int]] = {}
        for t in _TAG.finditer(m.group(1)):
            s = m.start(1) + t.start(2)
            parts.setdefault(t.group(1).lower(), (t.group(2), s, s + len(t.group(2))))
        if "command" not in parts:
            continue
        cmd, c0, c1 = parts["command"]
        cmd_text = _xml_unescape(cmd).strip()
        segs = [Segment(0, c0, c1, exact=cmd_text == cmd)]
        out = cmd_text
        if '"' not in out and " " in out:
            out = f'"{out}"'  # a program path with spaces is one word of the command line
            segs = [Segment(0, c0, c1, exact=False)]
        if "arguments" in parts:
            args, a0, a1 = parts["arguments"]
            args_text = _xml_unescape(args).strip()
            segs.append(Segment(len(out) + 1, a0, a1, exact=args_text == args))
            out = out + " " + args_text
        line = art.index.position(m.start())[0]
        _child(art, ctx, out, segs, f"scheduled task action at line {line}", "scheduled task")


def _reg_unescape(v: str) -> str:
    return re.sub(r"\\(.)", r"\1", v)


@extractor("registry-autostart-values", kinds=("ini", "text"))
def registry_autostart(art, ctx):
    head = art.text[:200].lstrip("\ufeff").lstrip()
    if not (head.startswith("Windows Registry Editor") or head.startswith("REGEDIT4")):
        return
    text = art.text
    sections = list(_SECTION.finditer(text))
    n = 0
    for k, sec in enumerate(sections):
        if sec.group(1) or not _AUTOSTART_KEY.search(sec.group(2).strip()):
            continue
        key = sec.group(2).strip()
        end = sections[k + 1].start() if k + 1 < len(sections) else len(text)
        winlogon = not re.search(r"(?i)\\run(?:once|services|servicesonce)?$", key)
        for v in _VALUE.finditer(text, sec.end(), end):
            name = _reg_unescape(v.group(1).strip('"')).lower() if v.group(1) != "@" else ""
            if winlogon and name not in _WINLOGON_VALUES:
                continue
            n += 1
            if n > MAX_ENTRIES:
                ctx.error(art, f"more than {MAX_ENTRIES} registry values; the rest not analysed")
                return
            raw = v.group(2)
            value = _reg_unescape(raw)
            line = art.index.position(v.start())[0]
            _child(art, ctx, value, [Segment(0, v.start(2), v.end(2), exact=value == raw)],
                   f"registry value at line {line}", "registry Run key")
