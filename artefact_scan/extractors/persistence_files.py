"""Persistence files: the commands that cron, systemd, XDG autostart and launchd will run.

Each command becomes a child artefact of kind `shell` with the fact `persisted-command`, mapped
character for character onto its line, so every shell rule judges it and the persistence rules
know it runs unattended (at boot, on a schedule, at login).  Sources:

- crontab files (`crontab`, `cron.d/*`, `/etc/crontab`, and crontab text a script writes):
  the command field of each entry (after the five time fields or `@reboot`, and the user field
  in system crontabs);
- systemd units: `ExecStart=`, `ExecStartPre=`, `ExecStartPost=`, `ExecReload=`, `ExecStop=`;
- XDG autostart `.desktop` entries: `Exec=`;
- launchd property lists with `RunAtLoad`/`KeepAlive` (or under `LaunchAgents`/`LaunchDaemons`):
  `Program` and `ProgramArguments`.

The parsing is line-based and bounded by the artefact size; nothing is executed.
"""
from __future__ import annotations

import re

from ..detectors import facts
from ..model import Segment
from . import extractor
from ..lazyregex import lazy_re

facts.declare("persisted-command")

_CRON_ENTRY = lazy_re(
    r"^[ \t]*(?:@(?:reboot|yearly|annually|monthly|weekly|daily|midnight|hourly|every_minute)|"
    r"(?:[\d*/,\-A-Za-z?LW#]+[ \t]+){4}[\d*/,\-A-Za-z?LW#]+)[ \t]+", re.M)
_ENV_LINE = lazy_re(r"^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=")
_USER = lazy_re(r"[a-z_][a-z0-9_.\-]*\$?[ \t]+")
_EXEC = lazy_re(r"^[ \t]*(Exec(?:Start|StartPre|StartPost|Reload|Stop|StopPost|Condition))[ \t]*=[ \t]*([-@:+!]*)", re.M)
_DESKTOP_EXEC = lazy_re(r"^[ \t]*(?:Exec|TryExec)[ \t]*=[ \t]*", re.M)
_PLIST_ARGS = lazy_re(r"<key>\s*(ProgramArguments|Program)\s*</key>\s*(<array>.*?</array>|<string>.*?</string>)", re.S)
_PLIST_STRING = lazy_re(r"<string>(.*?)</string>", re.S)
MAX_ENTRIES = 2000


def _child(art, ctx, start: int, end: int, label: str, facts_=("persisted-command",)):
    text = art.text[start:end]
    if not text.strip():
        return
    ctx.child(art, text, label=label, kind="shell", segments=[Segment(0, start, end, exact=True)],
              facts=facts_, meta={"persistence": art.meta.get("persistence") or label.split(" ", 1)[0]})


def _system_crontab(art) -> bool:
    name = art.name.replace("\\", "/").lower()
    return "cron.d/" in name or name.endswith("etc/crontab") or name.endswith("anacrontab")


@extractor("cron-commands", kinds=("crontab",))
def cron_commands(art, ctx):
    text = art.text
    system = _system_crontab(art)
    n = 0
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        s = line.lstrip()
        if not s or s.startswith("#") or _ENV_LINE.match(line):
            continue
        m = _CRON_ENTRY.match(line)
        if not m:
            continue
        cmd_at = m.end()
        if system:
            u = _USER.match(line, cmd_at)
            if u:
                cmd_at = u.end()
        cmd = line[cmd_at:]
        # `%` ends the command in crontab (the rest is stdin)
        pct = re.search(r"(?<!\\)%", cmd)
        end = cmd_at + (pct.start() if pct else len(cmd.rstrip("\r")))
        n += 1
        if n > MAX_ENTRIES:
            ctx.error(art, f"more than {MAX_ENTRIES} cron entries; the rest not analysed")
            return
        lineno = text.count("\n", 0, start) + 1
        _child(art, ctx, start + cmd_at, start + end, f"cron entry at line {lineno}")


@extractor("systemd-commands", kinds=("systemd", "ini"))
def systemd_commands(art, ctx):
    if art.kind == "ini":
        # drop-ins (`x.service.d/override.conf`) and units with another extension
        name = art.name.replace("\\", "/").lower()
        if "[service]" not in art.lower or not (".service.d/" in name or "/systemd/" in "/" + name):
            return
    text = art.text
    for n, m in enumerate(_EXEC.finditer(text)):
        if n >= MAX_ENTRIES:
            ctx.error(art, f"more than {MAX_ENTRIES} Exec lines; the rest not analysed")
            return
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        # continuation lines ending in a backslash
        while end > 0 and text[end - 1] == "\\" and end < len(text):
            nxt = text.find("\n", end + 1)
            end = len(text) if nxt < 0 else nxt
        lineno = text.count("\n", 0, m.start()) + 1
        _child(art, ctx, m.end(), end, f"systemd {m.group(1)} at line {lineno}")


def _autostart(art) -> bool:
    name = art.name.replace("\\", "/").lower()
    return ("autostart/" in name or art.meta.get("persistence") == "autostart"
            or "x-gnome-autostart" in art.lower)


@extractor("autostart-commands", kinds=("ini",))
def autostart_commands(art, ctx):
    if not art.name.lower().endswith(".desktop") or not _autostart(art):
        return
    text = art.text
    for m in _DESKTOP_EXEC.finditer(text):
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        lineno = text.count("\n", 0, m.start()) + 1
        _child(art, ctx, m.end(), end, f"autostart Exec at line {lineno}")


@extractor("launchd-commands", kinds=("xml",))
def launchd_commands(art, ctx):
    name = art.name.replace("\\", "/")
    low = art.lower
    if "programarguments" not in low and "<key>program</key>" not in low:
        return
    if not ("launchagents/" in name.lower() or "launchdaemons/" in name.lower()
            or art.meta.get("persistence") == "launchd" or "runatload" in low or "keepalive" in low):
        return
    text = art.text
    for m in _PLIST_ARGS.finditer(text):
        strings = list(_PLIST_STRING.finditer(m.group(2)))
        if not strings:
            continue
        base = m.start(2)
        s0 = base + strings[0].start(1)
        s1 = base + strings[-1].end(1)
        # the arguments are separate strings: join them as one command line mapped onto the span
        cmd = " ".join(_xml_unescape(x.group(1)).strip() for x in strings)
        if len(strings) >= 3 and strings[1].group(1).strip() == "-c" and \
                strings[0].group(1).strip().rsplit("/", 1)[-1] in ("sh", "bash", "zsh"):
            cmd = _xml_unescape(strings[2].group(1))
        lineno = text.count("\n", 0, m.start()) + 1
        ctx.child(art, cmd, label=f"launchd {m.group(1)} at line {lineno}", kind="shell",
                  segments=[Segment(0, s0, s1, exact=False)], facts=("persisted-command",),
                  meta={"persistence": "launchd"})


def _xml_unescape(s: str) -> str:
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))
