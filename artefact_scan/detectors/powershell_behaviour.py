"""Self-replication behaviours of PowerShell scripts, as signals over the parsed statements.

Reads the `powershell_model.PsModel` of an artefact (one parse shared by every check) and emits
one signal per behaviour step, located on the statement that performs it:

- `sr.ps-self-copy`: the script (or its folder, or its text) copied or written to a hidden,
  temporary or system place (`$env:TEMP`, `C:\\Users\\Public`, `System32`, a dot-name, a file
  the script marks hidden), or to a plain place it then starts; `sr.ps-self-copy-started`: that
  copy started detached.  Data `dest`, `how`.
- `sr.ps-infect`: its own text appended, prepended or copied onto scripts found by enumeration
  (`Get-ChildItem -Recurse -Filter *.ps1 | % { Add-Content $_.FullName $me }`);
  `sr.ps-infect-marker`: the "already infected?" check on those files.
- `sr.ps-self-remote`: itself sent to another computer (a `\\\\host\\share` path, `Copy-Item
  -ToSession`, `Invoke-Command -ComputerName … -FilePath <self>` or with its text);
  `sr.ps-self-remote-started`: and started there (`Invoke-Command`, WMI `Win32_Process`,
  `schtasks /s`, psexec); `sr.ps-hosts-harvested`: the computers were found on the machine or
  the network (`Get-ADComputer`, an LDAP search, ARP, `net view`, a `1..254` sweep);
  `sr.ps-remote-fetch-exec`: a remote command that downloads and runs code.
- `sr.ps-persist-write` / `sr.ps-persists-self`: a scheduled task (`schtasks /create /tr`,
  `Register-ScheduledTask` with `New-ScheduledTaskAction`, `Register-ScheduledJob`), a Run or
  RunOnce registry value (`New-ItemProperty`, `Set-ItemProperty`, `reg add`, `SetValue`),
  the Startup folder, a WMI event subscription (`Register-WmiEvent`, a
  `CommandLineEventConsumer`), a PowerShell profile, a service; persists-self when what it
  runs is the script itself or its copy.  The command that will run becomes a child artefact
  (kind powershell, fact `persisted-command`) so the persisted-command rule judges it and the
  cross-file pass can link it.
- `sr.ps-self-respawn-loop`: an endless loop (`while ($true)`, `for (;;)`, `do … while ($true)`)
  that starts the script again; `sr.ps-respawn-foreground` when it waits for each copy.
- `sr.ps-fork-bomb`: a function that pipes into itself (`function f { f | f }; f`) or starts
  itself in the background and recurses, an endless loop starting processes or jobs without a
  pause, or a loop that starts copies of the script that do the same.
- `sr.ps-exit-respawn`: the script started again from an exit, Ctrl+C or `finally` handler.
- `sr.ps-self-relaunch`: the script starting itself again detached with a hidden window.
- `sr.ps-fetch-exec`: downloaded code run (`IEX (New-Object Net.WebClient).DownloadString(…)`,
  `iwr … | iex`, a downloaded file started); matters in persisted commands and remote blocks.
- `sr.ps-runs-hidden`: a persisted command that starts a program or script from a temporary or
  hidden place.
- `sr.ps-asset-upload`: its own file, folder or text, model weights or an agent's files sent
  over the network (`Invoke-WebRequest -InFile`, `-Body`, `WebClient.UploadFile`, BITS upload,
  `Send-MailMessage -Attachments`, `scp`, cloud CLIs); `sr.ps-covert`: covering tracks
  (history cleared, the script deleting itself, event logs cleared) or an upload in a job.

Encoded commands (`-EncodedCommand`, `FromBase64String` run by `Invoke-Expression`) are decoded
by `powershell_encoded`.  Nothing is ever run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Segment
from . import detector, facts
from .powershell_model import PS_EXE, PsModel, call_args, canonical, core, strip_span
from .powershell_syntax import DASHES, Arg, Frame, Stmt
from .shell_behaviour import AGENT_ASSETS, WEIGHTS, hidden_or_temp
from ..lazyregex import lazy_re

facts.declare("persisted-command")

SIGNALS = (
    "sr.ps-self-copy", "sr.ps-self-copy-started", "sr.ps-infect", "sr.ps-infect-marker",
    "sr.ps-self-remote", "sr.ps-self-remote-started", "sr.ps-hosts-harvested", "sr.ps-remote-fetch-exec",
    "sr.ps-persist-write", "sr.ps-persists-self", "sr.ps-self-respawn-loop", "sr.ps-respawn-foreground",
    "sr.ps-fork-bomb", "sr.ps-exit-respawn", "sr.ps-self-relaunch", "sr.ps-fetch-exec", "sr.ps-runs-hidden",
    "sr.ps-asset-upload", "sr.ps-covert", "sr.ps-fetch-exec-hidden",
)

# Cheap prefilter: a PowerShell artefact with none of these cannot emit a signal (persisted
# commands are always read: they are judged, and linked, whatever they contain).
LITERALS = (
    "pscommandpath", "myinvocation", "psscriptroot", "scriptcontents",
    "schtasks", "scheduledtask", "scheduledjob", "currentversion", "winlogon", "startup", "$profile",
    "profile.ps1", "wmievent", "cimindicationevent", "eventconsumer", "new-service", "sc.exe", "binpath",
    "invoke-expression", "iex", "scriptblock", "downloadstring", "downloaddata", "downloadfile",
    "function", "while", "for", "do", "start-process", "start-job", "threadjob", "saps", "sajb",
    "safetensors", "gguf", "ckpt", "pytorch_model", ".claude", ".codex", "agents.md", "system_prompt",
    "computername", "pssession", "\\\\", "win32_process",
)

_P_REMOTE = lazy_re(r"(?:^|[\s\"'(=,+@])//(?![?.]/)(?:[\w\-]|\$)")
_P_STARTUP = lazy_re(r"(?i)start menu/programs/startup|getfolderpath\(\s*['\"]?(?:\[(?:system\.)?environment\+specialfolder\]::)?"
                     r"(?:common)?startup\b|specialfolder\]::(?:common)?startup\b|shell:(?:common )?startup")
_P_PROFILE = lazy_re(r"(?i)\$profile\b|(?:windowspowershell|/powershell)/(?:microsoft\.(?:powershell|vscode|powershellise)_)?"
                     r"profile\.ps1|\$pshome/profile\.ps1")
_P_TEMP = lazy_re(r"(?i)\$env:te?mp\b|\$\{env:te?mp\}|gettemppath|gettempfilename|new-temporaryfile|windows/temp\b|"
                  r"appdata/local/temp\b|%te?mp%|(?:^|[\s'\"])/(?:tmp|var/tmp|dev/shm)/")
_P_PUBLIC = lazy_re(r"(?i)users/public\b|\$env:public\b|%public%|\$recycle\.bin|system volume information")
_P_SYSTEM = lazy_re(r"(?i)windows/system32\b|windows/syswow64\b|\$env:(?:windir|systemroot)\b(?!/temp)|%(?:windir|systemroot)%")
_P_HIDDEN_NAME = lazy_re(r"(?:^|[/'\"\s])\.(?!\.?/)[\w\-][\w.\-]*")
_RUN_KEY = lazy_re(r"(?i)currentversion[\\/]+(?:run|runonce|runservices|runservicesonce|runonceex|"
                   r"policies[\\/]+explorer[\\/]+run)\b|currentversion[\\/]+winlogon\b|"
                   r"image file execution options|hkcu:?[\\/]+environment\b|hkey_current_user[\\/]+environment\b")
_PAUSE = frozenset({"start-sleep", "wait-job", "wait-process", "receive-job", "read-host", "wait-event", "timeout",
                    "pause", "choice"})
_PAUSE_TEXT = lazy_re(r"(?i)\.waitforexit\s*\(|\]::sleep\s*\(|\bthread\]::sleep|-wait\b|\.wait\s*\(|\bping\b.{0,20}-n\s+\d")
_CRADLE_EXEC = frozenset({"invoke-expression"})
_HISTORY_FILE = lazy_re(r"(?i)historysavepath|consolehost_history")
_EXIT_EVENTS = lazy_re(r"(?i)powershell\.exiting|psengineevent\]::exiting")
_EXIT_HANDLER_TEXT = lazy_re(r"(?i)(?:\.|::)\s*add_(?:cancelkeypress|processexit|sessionending)\s*\(")
_LOCAL_HOST = lazy_re(r"(?i)^(?:localhost|\.|127\.0\.0\.1|::1|\$env:computername|\$\{env:computername\}|\[environment\]::machinename)$")
_UPLOAD_WEBCLIENT = lazy_re(r"(?i)\.\s*(uploadfile|uploadstring|uploaddata|uploadfileasync|uploadstringasync|uploaddataasync|uploadvalues)\s*\(")
_DOTNET_WRITE = lazy_re(r"(?i)\[\s*(?:system\.)?io\.file\s*\]\s*::\s*(copy|move|writealltext|writealllines|writeallbytes|"
                        r"appendalltext|appendalllines)\s*\(")
_DOTNET_START = lazy_re(r"(?i)\[\s*(?:system\.)?diagnostics\.process\s*\]\s*::\s*start\s*\(")
_WMI_CREATE = lazy_re(r"(?i)win32_process\b")
_SHORTCUT = lazy_re(r"(?i)\.createshortcut\s*\(")
_SCHED_COM = lazy_re(r"(?i)schedule\.service")
_MARKER_TEST = lazy_re(r"(?i)select-string|\bsls\b|\s-(?:not)?(?:c|i)?(?:match|like|contains)\b|\.contains\s*\(|\.indexof\s*\(|\.startswith\s*\(")
_SB_CREATE = lazy_re(r"(?i)\[\s*(?:system\.management\.automation\.)?scriptblock\s*\]\s*::\s*create\s*\(")
_FILE_DELETE = lazy_re(r"(?i)\[\s*(?:system\.)?io\.file\s*\]\s*::\s*delete\s*\(")
_VAR_IN_CMD = lazy_re(r"(?i)\$(?:(?:script|global|local):)?([a-z_]\w*)\b(?!:)")
_SETVALUE = lazy_re(r"(?i)(?:\]\s*::|\.)\s*setvalue\s*\(")
_SUBKEY = lazy_re(r"(?i)\.(?:opensubkey|createsubkey)\s*\(")
_WMICLASS = lazy_re(r"(?i)\[wmiclass\]\s*['\"]\\\\([^\\'\"]+)\\[^'\"]*win32_process['\"]\s*\)\s*\.\s*create\s*\(")
_REMOTE_DETACH = lazy_re(r"(?i)\bstart-process\b(?![^\n;}]*-wait\b)|\bsaps\b|\bstart-job\b|\bschtasks\b|"
                         r"register-scheduled(?:task|job)|win32_process|\bnew-service\b|\bsc(?:\.exe)?\s+create\b|"
                         r"-indisconnectedsession|\bstart\s+(?:/\w+\s+)*(?:powershell|pwsh)")
_SELF_NAME_IN = lazy_re(r"(?i)\$(?:script:)?myinvocation\.mycommand\.name\b|\$pscommandpath\b|myinvocation\.mycommand\.path\b")
_CONSUMER = lazy_re(r"(?i)commandlineeventconsumer|activescripteventconsumer")


def norm_path(text: str) -> str:
    return text.replace("\\", "/")


_LOCAL_SHARE = lazy_re(r"(?i)//(?:localhost|127\.0\.0\.1|wsl\$|wsl\.localhost|\?|\.)(?:/|$)")


def _remote(e: str) -> bool:
    """A UNC path to another computer (`\\\\host\\share`, `\\\\$h\\C$`), not a local one
    (`\\\\localhost`, `\\\\wsl$`, `\\\\?\\`, `\\\\.\\`)."""
    m = _P_REMOTE.search(" " + e)
    return m is not None and not _LOCAL_SHARE.match(e, m.start() + m.group().find("//") - 1)


def hidden_name(e: str) -> bool:
    """A path (slashes normalised) with a component whose name starts with a dot, other than
    the dot-directories of well-known tools (`.config`, `.vscode`, `.local/bin` …)."""
    for m in _P_HIDDEN_NAME.finditer(e):
        comp = m.group().lstrip("/'\" \t\n")
        rest = e[m.end():m.end() + 40]
        if hidden_or_temp("/" + comp + (rest if rest.startswith("/") else "/x")):
            return True
    return False


def _hidden_word(v: str) -> bool:
    return bool(re.fullmatch(r"(?i)['\"]?(?:h|hidden|1|\[\s*(?:system\.)?diagnostics\.processwindowstyle\s*\]::hidden)['\"]?", v.strip()))



# -- powershell.exe command lines -------------------------------------------------------------------
_CLI_TOKEN = lazy_re(r"""`"(?:[^`]|`[^"])*`"|"(?:[^"`]|`.)*"?|'(?:[^']|'')*'?|\S+""")


@dataclass
class Cli:
    file: str = ""
    code: str = ""
    enc: str = ""
    hidden: bool = False
    extra: bool = False  # arguments after the script


def _cli_option(tok: str) -> str:
    """The powershell.exe option a token names (by unique prefix), or ''."""
    if len(tok) < 2 or tok[0] not in DASHES + "/" or not tok[1].isalpha():
        return ""
    w = tok[1:].lower()
    if w in ("ep", "ex", "wd", "ea", "ec", "e", "c", "f", "w", "nop", "noni", "nol", "noe", "v", "enc", "en"):
        return {"ep": "executionpolicy", "ex": "executionpolicy", "wd": "workingdirectory", "ea": "encodedarguments",
                "ec": "encodedcommand", "e": "encodedcommand", "c": "command", "f": "file", "w": "windowstyle",
                "nop": "noprofile", "noni": "noninteractive", "nol": "nologo", "noe": "noexit", "v": "version",
                "enc": "encodedcommand", "en": "encodedcommand"}[w]
    for full in ("encodedcommand", "command", "file", "windowstyle", "noprofile", "noninteractive", "nologo",
                 "noexit", "executionpolicy", "version", "inputformat", "outputformat", "configurationname",
                 "psconsolefile", "workingdirectory", "sta", "mta", "login", "interactive", "custompipename",
                 "settingsfile", "encodedarguments"):
        if full.startswith(w):
            return full
    return ""


def parse_cli(text: str) -> Cli:
    """What `powershell.exe <text>` runs: a script file, code, an encoded command; whether with a
    hidden window."""
    cli = Cli()
    toks = [m.group() for m in _CLI_TOKEN.finditer(text[:4000])]
    i = 0
    while i < len(toks):
        tok = toks[i]
        opt = _cli_option(tok)
        if opt == "command":
            rest = text[text.find(tok) + len(tok):] if tok in text else " ".join(toks[i + 1:])
            cli.code = _unq(rest.strip())
            return cli
        if opt == "file":
            if i + 1 < len(toks):
                cli.file = _unq(toks[i + 1])
                cli.extra = i + 2 < len(toks)
            return cli
        if opt == "encodedcommand":
            if i + 1 < len(toks):
                cli.enc = _unq(toks[i + 1])
            return cli
        if opt == "windowstyle":
            if i + 1 < len(toks) and _hidden_word(_unq(toks[i + 1])):
                cli.hidden = True
            i += 2
            continue
        if opt in ("executionpolicy", "version", "inputformat", "outputformat", "configurationname", "psconsolefile",
                   "workingdirectory", "custompipename", "settingsfile", "encodedarguments"):
            i += 2
            continue
        if opt:
            i += 1
            continue
        # the first plain argument: a script (pwsh) or code (powershell.exe)
        u = _unq(tok)
        if re.search(r"(?i)\.ps1\b", u) and not re.search(r"[;|]", u) or u.startswith("$"):
            cli.file = u
            cli.extra = i + 1 < len(toks)
        else:
            cli.code = _unq(text[text.find(tok):].strip()) if tok in text else " ".join(toks[i:])
        return cli
    return cli


def _unq(v: str) -> str:
    v = v.strip()
    if v.startswith('`"') and v.endswith('`"') and len(v) >= 4:
        return v[2:-2]
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    if v[:1] in "'\"":
        return v[1:]
    return v


@dataclass
class Launch:
    stmt: Stmt
    prog: str  # program name (canonical) or 'start-job' …
    target: str = ""  # the script or program started (text)
    code: str = ""  # code it runs (a -Command, a script block)
    enc: str = ""
    detached: str = ""  # why it runs on by itself ('' in the foreground)
    hidden: bool = False
    elevated: bool = False
    extra: bool = False
    remote: str = ""  # computer(s) it runs on ('' locally)


def _strip(v: str) -> str:
    return v.strip().strip("'\"")


class _Detect:
    def __init__(self, art, ctx, model: PsModel):
        self.art, self.ctx, self.m = art, ctx, model
        self.text = art.text
        self.code = model.code
        self.persisted = "persisted-command" in art.facts
        # a command line written by another script: `$PSCommandPath` there is the writer's
        self.written = bool(art.meta.get("ps_cmdline"))
        self.copy_dests: dict[str, Stmt] = {}  # normalised destination → the copy
        self.pending: list[tuple[Stmt, str]] = []  # copies to plain places, reported if started
        self.copy_by_exp: dict[str, str] = {}  # a destination with variables replaced → the destination
        self.remote_copies: list[tuple[Stmt, str]] = []  # (copy, file name) sent to other hosts
        self.hidden_marked: list[str] = []
        self._launches: dict[int, Launch | None] = {}
        self._downloads: list[str] | None = None
        self.func_calls: dict[str, list[Stmt]] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def sig(self, name: str, at, **data) -> None:
        start, end = at.start, max(at.end, at.start + 1)
        nl = self.text.find("\n", start, end)
        if nl > start:
            end = nl
        self.ctx.signal(self.art, name, start, end, **{k: v for k, v in data.items() if v not in (None, "")})

    def find(self, rx, st: Stmt, lit: str = "::"):
        """`rx` searched in the statement (its own text first, so nested blocks are not searched
        once per enclosing statement, and only when the literal `lit` is there); the match has
        offsets into the artefact."""
        own = self.m.own_text(st)
        if st.end <= st.start or lit not in own.lower() or not rx.search(own):
            return None
        return rx.search(self.code, st.start, st.end)

    def where(self, text: str) -> str:
        """The class of a destination: remote, startup, profile, public, system, hidden
        (a dot-name or a file the script marks hidden, also inside a temporary folder), temp,
        or '' for a plain place."""
        if _remote(norm_path(text)):
            return "remote"
        e = norm_path(self.m.expand(text))
        if _remote(e):
            return "remote"
        if _P_STARTUP.search(e):
            return "startup"
        if _P_PROFILE.search(e):
            return "profile"
        if _P_PUBLIC.search(e):
            return "public"
        if _P_SYSTEM.search(e):
            return "system"
        if hidden_name(e):
            return "hidden"
        if self.hidden_marked:
            k = norm_path(core(self.m.expand(core(text)))).strip("'\"").lower()
            if any(h and (h == k or h in e.lower()) for h in self.hidden_marked):
                return "hidden"
        if _P_TEMP.search(e):
            return "temp"
        return ""

    def show(self, text: str) -> str:
        """A path as written, with what a variable holding it was assigned."""
        t = text.strip()
        n = self.m._var_of(t)
        if n and len(self.m.assign.get(n, ())) == 1:
            a, b, _st = self.m.assign[n][0]
            return f"{t[:60]} = {self.text[a:b].strip()[:100]}"
        return t[:120]

    def dest_key(self, text: str) -> str:
        return norm_path(core(text)).lower()

    def is_copy(self, text: str) -> str:
        """The copy destination a path names ('' if none)."""
        if not self.copy_dests or not text.strip():
            return ""
        k = self.dest_key(text)
        if k in self.copy_dests:
            return k
        ex = norm_path(self.m.expand(core(text))).lower()
        if ex in self.copy_dests:
            return ex
        return self.copy_by_exp.get(ex, "") if ex else ""

    def loops(self, st: Stmt) -> list[Frame]:
        return [f for f in st.frames if f.kind in ("while", "for", "do", "foreach", "each")]

    # -- launches -----------------------------------------------------------------------------------
    def launch(self, st: Stmt) -> Launch | None:
        key = id(st)
        if key not in self._launches:
            self._launches[key] = self._launch(st)
        return self._launches[key]

    def _launch(self, st: Stmt) -> Launch | None:
        m = self.m
        name = m.cmd(st)
        if not st.args:
            return None
        stext = self.m.own_text(st)
        if name == "start-process":
            b = m.bind(st)
            fp = b.get("filepath")
            if fp is None:
                return None
            prog = canonical(core(m.expand(fp.value)).split()[0] if core(m.expand(fp.value)).split() else fp.value)
            al = b.get("argumentlist")
            ws = b.get("windowstyle")
            la = Launch(st, prog, detached="" if "wait" in b else "Start-Process",
                        hidden=bool(ws is not None and _hidden_word(ws.value)),
                        elevated=bool(b.get("verb") is not None and "runas" in b["verb"].value.lower()))
            words = m.words(al)
            if prog in PS_EXE:
                cli = parse_cli(words)
                la.target, la.code, la.enc, la.extra = cli.file, cli.code, cli.enc, cli.extra
                la.hidden = la.hidden or cli.hidden
            elif prog == "cmd":
                la.code = words
            else:
                la.target = fp.text
                la.extra = al is not None
            return la
        if name in ("start-job", "start-threadjob"):
            b = m.bind(st)
            la = Launch(st, name, detached="Start-Job" if name == "start-job" else "Start-ThreadJob")
            fp = b.get("filepath") or b.get("literalpath")
            if fp is not None:
                la.target = fp.text
                la.extra = "argumentlist" in b
            sb = b.get("scriptblock")
            if sb is not None:
                la.code = sb.text
            return la
        if name == "invoke-command":
            b = m.bind(st)
            remote = b.get("computername") or b.get("session") or b.get("hostname") or b.get("vmname") or \
                b.get("connectionuri") or b.get("containerid")
            if remote is not None and remote.block is not None:
                # `Invoke-Command { … }`: the block went to the first position
                b["scriptblock"], remote = remote, None
            la = Launch(st, name, detached="Invoke-Command -AsJob" if "asjob" in b else "")
            if remote is not None and not _LOCAL_HOST.match(_strip(remote.value)):
                la.remote = remote.text
            fp = b.get("filepath")
            if fp is not None:
                la.target = fp.text
            sb = b.get("scriptblock")
            if sb is not None:
                la.code = sb.text
            al = b.get("argumentlist")
            if al is not None:
                la.code += " " + al.text
            return la
        if name in PS_EXE and not st.call or (st.call and canonical(core(st.args[0].value)) in PS_EXE):
            rest = self.text[st.args[1].start:st.end] if len(st.args) > 1 else ""
            vals = " ".join(a.value for a in st.args[1:])
            cli = parse_cli(vals)
            raw = parse_cli(rest)
            return Launch(st, "powershell", target=cli.file, code=cli.code or raw.code, enc=cli.enc,
                          hidden=cli.hidden, extra=cli.extra, detached="& (background job)" if st.sep == "&" else "")
        if st.call in ("&", "."):
            tgt = st.args[0]
            return Launch(st, "call", target=tgt.text, extra=len(st.args) > 1,
                          code=tgt.text if tgt.block is not None else "",
                          detached="& (background job)" if st.sep == "&" else "")
        if name == "invoke-item":
            b = m.bind(st)
            p = b.get("path") or b.get("_1")
            return Launch(st, name, target=p.text if p is not None else "", detached="Invoke-Item") if p else None
        if name in ("invoke-wmimethod", "invoke-cimmethod") and _WMI_CREATE.search(stext):
            b = m.bind(st)
            cmdline = ""
            if name == "invoke-wmimethod":
                al = b.get("argumentlist")
                cmdline = al.value if al is not None else ""
            else:
                ent = m.hash_entries(b.get("arguments"))
                cmdline = ent["commandline"].value if "commandline" in ent else (b["arguments"].text if "arguments" in b else "")
            la = self._cmdline_launch(st, cmdline, "WMI Win32_Process")
            remote = b.get("computername") or b.get("cimsession")
            if remote is not None and not _LOCAL_HOST.match(_strip(remote.value)):
                la.remote = remote.text
            la.hidden = True
            return la
        if name == "wmic" and re.search(r"(?i)\bprocess\s+call\s+create\b", stext):
            mm = re.search(r"(?i)\bcreate\s+(.+)$", stext)
            la = self._cmdline_launch(st, _unq(mm.group(1)) if mm else "", "WMI Win32_Process")
            node = re.search(r"(?i)/node:\s*(\S+)", stext)
            if node and not _LOCAL_HOST.match(_strip(node.group(1))):
                la.remote = node.group(1)
            la.hidden = True
            return la
        if name == "cmd":
            rest = " ".join(a.value for a in st.args[1:])
            mm = re.match(r"(?i)\s*/[ck]\s+(.*)$", rest, re.S)
            if mm:
                inner = mm.group(1).strip()
                s2 = re.match(r"(?i)start\s+(?:/\w+\s+|\"[^\"]*\"\s+)*(.*)$", inner, re.S)
                if s2:
                    return self._cmdline_launch(st, s2.group(1), "cmd /c start")
                return self._cmdline_launch(st, inner, "")
            return None
        mm = self.find(_DOTNET_START, st)
        if mm:
            spans = call_args(self.code, mm.end() - 1)
            if spans:
                prog_text = self.code[spans[0][0]:spans[0][1]]
                argt = self.code[spans[1][0]:spans[1][1]] if len(spans) > 1 else ""
                prog = canonical(core(m.expand(prog_text)).strip("'\"").split()[0]) if core(prog_text).strip("'\"") else ""
                la = Launch(st, prog, detached="[Diagnostics.Process]::Start")
                if prog in PS_EXE:
                    cli = parse_cli(_unq(argt))
                    la.target, la.code, la.enc, la.hidden, la.extra = cli.file, cli.code, cli.enc, cli.hidden, cli.extra
                else:
                    la.target = prog_text
                return la
        # a script run by its path: C:\x\y.ps1, .\y.ps1
        v = st.args[0].value
        if not st.call and re.search(r"(?i)\.ps1$", v) and ("\\" in v or "/" in v):
            return Launch(st, "call", target=st.args[0].text, extra=len(st.args) > 1)
        return None

    def _cmdline_launch(self, st: Stmt, cmdline: str, how: str) -> Launch:
        toks = cmdline.strip().split(None, 1)
        prog = canonical(_unq(toks[0])) if toks else ""
        la = Launch(st, prog, detached=how)
        if prog in PS_EXE:
            cli = parse_cli(toks[1] if len(toks) > 1 else "")
            la.target, la.code, la.enc, la.hidden, la.extra = cli.file, cli.code, cli.enc, cli.hidden, cli.extra
        elif prog == "cmd":
            la.code = toks[1] if len(toks) > 1 else ""
        else:
            la.target = toks[0] if toks else ""
            la.extra = len(toks) > 1
        return la

    def runs_self(self, la: Launch) -> str:
        """What of itself a launch starts: 'itself', 'its copy', 'its own code', or ''."""
        if self.written:
            return ""
        m = self.m
        fr = la.stmt.frames
        if la.target:
            t = _unq(la.target)
            if m.is_self(t, fr) or m.is_self(la.target, fr):
                return "itself"
            if self.is_copy(t):
                return "its copy"
        if la.code:
            code = la.code
            if m.mentions_self(code, fr):
                return "itself"
            if m.mentions_selfcontent(code, fr):
                return "its own code"
            for d in self.copy_dests:
                base = d.rsplit("/", 1)[-1]
                if base and len(base) > 3 and base in norm_path(code).lower():
                    return "its copy"
        if la.enc and "selfcontent" in m.text_labels(la.enc, fr):
            return "its own code"
        return ""

    # -- the checks --------------------------------------------------------------------------------
    def run(self) -> None:
        m = self.m
        for st in m.stmts:
            if st.args and not st.call:
                self.func_calls.setdefault(m.cmd(st), []).append(st)
        self.mark_hidden()
        for st in m.stmts:
            if not st.args:
                continue
            name = m.cmd(st)
            if not self.written:
                self.check_copy(st, name)
                self.check_infect_marker(st, name)
                self.check_remote(st, name)
                self.check_upload(st, name)
                self.check_covert(st, name)
            self.check_persistence(st, name)
            self.check_fetch_exec(st, name)
            if self.persisted:
                self.check_persisted(st, name)
        if not self.written:
            self.check_started()
            self.check_respawn()
            self.check_fork_functions()

    def mark_hidden(self) -> None:
        m = self.m
        for st in m.stmts:
            name = m.cmd(st)
            t = m.own_text(st)
            if name == "attrib" and re.search(r"(?i)(?:^|\s)\+h\b", t):
                for a in st.args[1:]:
                    if not a.value.startswith(("+", "-", "/")):
                        self.hidden_marked.append(norm_path(m.expand(core(a.text))).lower())
            elif re.search(r"(?i)\.attributes\s*=.*hidden|setattributes\s*\(|-name\s+attributes\s+-value\s+.*hidden", t):
                mm = re.search(r"(?i)\(\s*(?:get-item|gi)\s+(?:-force\s+)?([^)\s]+)", t)
                if mm:
                    self.hidden_marked.append(norm_path(m.expand(core(mm.group(1)))).lower())
                mm = re.search(r"(?i)setattributes\s*\(\s*([^,]+),", t)
                if mm:
                    self.hidden_marked.append(norm_path(m.expand(core(mm.group(1)))).lower())
        self.hidden_marked = [h.strip("'\"") for h in self.hidden_marked if h.strip("'\"")][:50]

    # copies and writes -----------------------------------------------------------------------------
    def writes(self, st: Stmt, name: str) -> list[tuple[Arg | str, str, str]]:
        """(destination, what, mode) for what this statement puts into a file: what is 'self'
        (its file or folder), 'content:<labels>' or the written text; mode w/a/copy."""
        m = self.m
        out: list[tuple[Arg | str, str, str]] = []
        fr = st.frames
        if name in ("copy-item", "move-item", "start-bitstransfer", "xcopy", "robocopy"):
            b = m.bind(st)
            if name == "start-bitstransfer":
                src, dst = b.get("source"), b.get("destination")
            elif name in ("xcopy", "robocopy"):
                plain = [a for a in st.args[1:] if not a.value.startswith("/")]
                src, dst = (plain[0], plain[1]) if len(plain) >= 2 else (None, None)
            else:
                src = b.get("path") or b.get("literalpath")
                dst = b.get("destination")
                if "tosession" in b and dst is not None:
                    out.append((dst, "self" if self.src_self(src, st) else "", "session"))
                    return out
            if src is None and st.pipe_prev is not None:
                if m.is_self(self.code[st.pipe_prev.start:st.pipe_prev.end], st.pipe_prev.frames) or \
                        self.src_self_stmt(st.pipe_prev):
                    out.append((dst, "self", "copy")) if dst is not None else None
                return out
            if dst is not None and src is not None:
                out.append((dst, "self" if self.src_self(src, st) else "", "copy"))
            return out
        if name in ("set-content", "add-content", "out-file", "tee-object", "new-item"):
            b = m.bind(st)
            dst = b.get("path") or b.get("filepath") or b.get("literalpath")
            if dst is None:
                return out
            mode = "a" if name == "add-content" or (name in ("out-file", "tee-object") and "append" in b) else "w"
            val = b.get("value") or b.get("inputobject")
            content = ""
            if val is not None:
                content = self.content_of(val.start, val.end, fr)
            elif st.pipe_prev is not None:
                content = self.content_of(st.pipe_head.start, st.pipe_prev.end, fr)
            out.append((dst, content, mode))
        for op, tg in st.redirects:
            if tg is not None and op.lstrip("1") in (">", ">>"):
                s0 = st.pipe_head.start
                out.append((tg, self.content_of(s0, st.args[-1].end if st.args else st.end, fr),
                            "a" if ">>" in op else "w"))
        mm = self.find(_DOTNET_WRITE, st)
        if mm:
            spans = call_args(self.code, mm.end() - 1)
            meth = mm.group(1).lower()
            if len(spans) >= 2:
                a0 = Arg(*strip_span(self.code, *spans[0]), "", "")
                a0.text = self.text[a0.start:a0.end]
                a1 = Arg(*strip_span(self.code, *spans[1]), "", "")
                a1.text = self.text[a1.start:a1.end]
                if meth in ("copy", "move"):
                    out.append((a1, "self" if m.is_self(a0.text, fr) or m.is_selfdir(a0.text, fr) else "", "copy"))
                else:
                    out.append((a0, self.content_of(a1.start, a1.end, fr), "a" if meth.startswith("append") else "w"))
        return out

    def src_self(self, src: Arg | None, st: Stmt) -> bool:
        if src is None:
            return False
        m = self.m
        if m.is_self(src.text, st.frames):
            return True
        if m.is_selfdir(src.text, st.frames):
            return True
        return any(m.is_self(x.text, st.frames) for x in src.items)

    def src_self_stmt(self, st: Stmt) -> bool:
        """`Get-Item $PSCommandPath | Copy-Item …`: the piped statement yields the script."""
        m = self.m
        if m.cmd(st) in ("get-item", "get-childitem", "resolve-path", "write-output") and len(st.args) > 1:
            return any(m.is_self(a.text, st.frames) for a in st.args[1:] if not a.param)
        return False

    def content_of(self, a: int, b: int, frames) -> str:
        """'content:<labels>' for text that carries labels, else the text itself (bounded)."""
        labs = self.m.span_labels(a, b, frames)
        if "selfcontent" in labs:
            return "content:selfcontent"
        return self.text[a:b][:2000]

    def check_copy(self, st: Stmt, name: str) -> None:
        m = self.m
        for dst, what, mode in self.writes(st, name):
            if isinstance(dst, str):
                continue
            own = what == "self" or what == "content:selfcontent"
            if not own:
                continue
            labs = m.span_labels(dst.start, dst.end, st.frames)
            loops = self.loops(st)
            if "codefiles" in labs or any(m.labels.get(f.var, set()) & {"codefiles"} and f.var and
                                          f.var in dst.text.lower() for f in loops):
                self.sig("sr.ps-infect", st, target=dst.text[:120],
                         how={"a": "appends its code to", "w": "writes its code into"}.get(mode, "copies itself over"))
                continue
            if mode == "session":
                self.sig("sr.ps-self-remote", st, how="copies itself into a remote session (Copy-Item -ToSession)",
                         tool="Copy-Item")
                self.remote_harvest(st, dst.text, self.session_hosts(st))
                if len(self.remote_copies) < MAX_COPIES:
                    self.remote_copies.append((st, _basename(dst.value)))
                continue
            cls = self.where(dst.text)
            if cls == "remote":
                self.sig("sr.ps-self-remote", st, how=f"copies itself to a share on another computer ({dst.text[:80]})",
                         tool=st.args[0].value)
                self.remote_harvest(st, dst.text, m.span_labels(dst.start, dst.end, st.frames))
                if len(self.remote_copies) < MAX_COPIES:
                    self.remote_copies.append((st, _basename(dst.value)))
                continue
            if cls in ("startup", "profile"):
                mech = {"startup": "the Startup folder", "profile": "a PowerShell profile"}[cls]
                self.sig("sr.ps-persist-write", st, mechanism=mech, path=dst.text[:120])
                self.sig("sr.ps-persists-self", st, mechanism=mech,
                         how=f"copies itself into {mech} ({dst.text[:80]})")
                continue
            key = self.dest_key(dst.text)
            if len(self.copy_dests) < MAX_COPIES:
                self.copy_dests.setdefault(key, st)
                self.copy_by_exp.setdefault(norm_path(self.m.expand(key)).lower(), key)
            if cls in ("public", "system", "hidden"):
                where = {"public": "a shared or out-of-sight folder", "system": "a system folder",
                         "hidden": "a hidden place"}[cls]
                self.sig("sr.ps-self-copy", st, dest=f"{self.show(dst.text)} ({where})")
            elif len(self.pending) < MAX_COPIES:
                self.pending.append((st, dst.text))

    def check_infect_marker(self, st: Stmt, name: str) -> None:
        """The "already infected?" test on enumerated scripts: Select-String, -match, .Contains."""
        m = self.m
        t = m.own_text(st)
        if not _MARKER_TEST.search(t):
            return
        if "codefiles" in m.span_labels(st.start, st.end, st.frames):
            self.sig("sr.ps-infect-marker", st)

    def check_started(self) -> None:
        """A copy started detached: the copy is reported (also one in a plain place, which
        alone is an installer's move) and the start raises it."""
        if not self.copy_dests:
            return
        pending: dict[str, list[tuple[Stmt, str]]] = {}
        for cst, path in self.pending:
            pending.setdefault(self.dest_key(path), []).append((cst, path))
        reported: set[str] = set()
        for st in self.m.stmts:
            la = self.launch(st)
            if la is None or not la.detached or la.remote:
                continue
            d = self.is_copy(_unq(la.target)) if la.target else ""
            if not d and la.code:
                low = norm_path(la.code).lower()
                for k in self.copy_dests:
                    base = k.rsplit("/", 1)[-1]
                    if k in low or (base and len(base) > 3 and base in low):
                        d = k
                        break
            if not d:
                continue
            if d not in reported:
                reported.add(d)
                for cst, path in pending.get(d, ()):
                    self.sig("sr.ps-self-copy", cst, dest=f"{self.show(path)}, then starts the copy")
            self.sig("sr.ps-self-copy-started", st, dest=d[:100], how=la.detached)

    # remote ---------------------------------------------------------------------------------------
    def session_hosts(self, st: Stmt) -> set[str]:
        b = self.m.bind(st)
        s = b.get("tosession") or b.get("session")
        return self.m.arg_labels(s, st.frames) if s is not None else set()

    def remote_harvest(self, st: Stmt, target_text: str, labs: set[str]) -> bool:
        m = self.m
        harvested = "hosts" in labs
        if not harvested and m.harvest is not None and "$" in target_text and \
                (self.loops(st) or any(f.kind == "func" for f in st.frames)):
            harvested = True  # computers found on the machine somewhere, targets from variables
        if harvested:
            self.sig("sr.ps-hosts-harvested", st, tool=st.args[0].value if st.args else "a remote command")
        return harvested

    def check_remote(self, st: Stmt, name: str) -> None:
        m = self.m
        la = self.launch(st)
        remote = ""
        payload = ""
        tool = st.args[0].value
        if la is not None and la.remote:
            remote = la.remote
            payload = " ".join(x for x in (la.target, la.code, la.enc) if x)
        elif name == "schtasks" and re.search(r"(?i)(?:^|\s)/s\s", self.code[st.start:st.end]):
            mm = re.search(r"(?i)(?:^|\s)/s\s+(\S+)", self.code[st.start:st.end])
            remote = mm.group(1) if mm else ""
            tr = self.native_opt(st, "/tr")
            payload = tr.value if tr is not None else ""
        elif self.find(_WMICLASS, st, "wmiclass"):
            mm = self.find(_WMICLASS, st, "wmiclass")
            remote = mm.group(1)
            spans = call_args(self.code, mm.end() - 1)
            payload = self.code[spans[0][0]:spans[0][1]] if spans else ""
        elif name in ("psexec", "psexec64", "paexec") or (name == "sc" and any(a.value.startswith("\\\\") for a in st.args[1:2])):
            hosts = [a for a in st.args[1:] if a.value.startswith("\\\\")]
            if hosts:
                remote = hosts[0].text
                payload = " ".join(a.value for a in st.args[1:] if a is not hosts[0])
        if not remote or _LOCAL_HOST.match(_strip(remote)):
            return
        fr = st.frames
        # started to run on by itself there: a WMI process, a task or service, a job, a
        # disconnected session, or a detached start inside the remote block
        if la is not None and la.prog == "invoke-command":
            detached = bool(la.detached) or bool(_REMOTE_DETACH.search(la.code or ""))
        elif name in ("psexec", "psexec64", "paexec"):
            detached = any(a.value.lower() in ("-d", "/d") for a in st.args[1:])
        else:
            detached = True
        runs = ""
        if la is not None and la.remote:
            runs = self.runs_self(la)
        elif m.mentions_self(payload, fr):
            runs = "itself"
        if not runs:
            for cst, base in self.remote_copies:
                if base and len(base) > 3 and base.lower() in norm_path(payload).lower():
                    runs = "its copy"
        host_labs = m.span_labels(st.start, st.end, fr) if not isinstance(remote, str) else set()
        rm = re.search(re.escape(remote), self.code[st.start:st.end]) if remote else None
        if rm:
            host_labs = m.span_labels(st.start + rm.start(), st.start + rm.end(), fr)
        if runs:
            how = {"itself": "runs its own file there", "its copy": "starts its copy there",
                   "its own code": "runs its own code there"}[runs]
            self.sig("sr.ps-self-remote", st, how=how, tool=tool)
            if detached:
                self.sig("sr.ps-self-remote-started", st, how=how)
            self.remote_harvest(st, remote, host_labs)
        elif self.fetch_exec_text(payload, fr):
            self.sig("sr.ps-remote-fetch-exec", st, tool=tool)
            self.remote_harvest(st, remote, host_labs)

    def native_opt(self, st: Stmt, opt: str) -> Arg | None:
        args = st.args[1:]
        for i, a in enumerate(args):
            if a.value.lower() in (opt, "-" + opt[1:]) and i + 1 < len(args):
                return args[i + 1]
        return None

    # persistence ----------------------------------------------------------------------------------
    def check_persistence(self, st: Stmt, name: str) -> None:
        m = self.m
        stext = self.m.own_text(st)
        found: list[tuple[str, str, Arg | None, str]] = []  # mechanism, path, command arg, command text
        if name == "schtasks" and re.search(r"(?i)(?:^|\s)[/-]create\b", stext):
            tr = self.native_opt(st, "/tr")
            found.append(("scheduled task", self.opt_value(st, "/tn"), tr, tr.value if tr is not None else ""))
        elif name == "new-scheduledtaskaction":
            b = m.bind(st)
            ex, ar = b.get("execute"), b.get("argument")
            cmd = " ".join(x.value for x in (ex, ar) if x is not None)
            found.append(("scheduled task", "", _join_args(ex, ar, self.text), cmd))
        elif name == "register-scheduledjob":
            b = m.bind(st)
            fp, sb = b.get("filepath"), b.get("scriptblock")
            x = fp or sb
            found.append(("scheduled job", _strip(b["name"].value) if "name" in b else "", x,
                          ("& " + fp.value) if fp is not None else (sb.text[1:-1] if sb is not None else "")))
        elif name in ("new-itemproperty", "set-itemproperty"):
            b = m.bind(st)
            p = b.get("path") or b.get("literalpath")
            if p is not None and _RUN_KEY.search(m.expand(p.text)):
                v = b.get("value")
                found.append(("registry Run key" if "run" in m.expand(p.text).lower() else "registry autostart value",
                              p.text[:100], v, v.value if v is not None else ""))
        elif name == "reg" and len(st.args) > 2 and st.args[1].value.lower() == "add" and _RUN_KEY.search(st.args[2].value):
            d = self.native_opt(st, "/d")
            found.append(("registry Run key", st.args[2].value[:100], d, d.value if d is not None else ""))
        elif name == "new-service" or (name in ("sc",) and len(st.args) > 2 and st.args[1].value.lower() in ("create", "config")):
            if name == "new-service":
                bp = m.bind(st).get("binarypathname")
            else:
                bp = next((st.args[i + 1] for i, a in enumerate(st.args[:-1]) if a.value.lower().startswith("binpath")), None)
                if bp is not None and bp.value.lower().startswith("binpath="):
                    bp = None
            found.append(("service", "", bp, bp.value if bp is not None else ""))
        elif name in ("register-wmievent", "register-cimindicationevent"):
            b = m.bind(st)
            act = b.get("action")
            if act is not None:
                found.append(("WMI event subscription", "", act, act.text[1:-1] if act.block else act.text))
        elif name in ("set-wmiinstance", "new-ciminstance") and _CONSUMER.search(stext):
            b = m.bind(st)
            ent = m.hash_entries(b.get("arguments") or b.get("property"))
            for key in ("commandlinetemplate", "executablepath", "scriptfilename"):
                if key in ent:
                    found.append(("WMI event consumer", "", ent[key], ent[key].value))
                    break
            else:
                found.append(("WMI event consumer", "", None, ""))
        # registry values written through .NET: [Microsoft.Win32.Registry]::SetValue(key, name, value),
        # $key.SetValue(name, value) on a Run key opened with OpenSubKey / CreateSubKey
        mm = self.find(_SETVALUE, st, "setvalue")
        if mm:
            spans = call_args(self.code, mm.end() - 1)
            static = "]" in mm.group()
            if static and len(spans) >= 3 and _RUN_KEY.search(self.code[spans[0][0]:spans[0][1]]) or \
                    not static and len(spans) >= 2 and _RUN_KEY.search(self.code) and _SUBKEY.search(self.code):
                s0, e0 = strip_span(self.code, *spans[-1 if not static else 2])
                val = self.text[s0:e0]
                q = val[:1] if val[:1] in "'\"" and val.endswith(val[:1]) and len(val) >= 2 else ""
                arg = Arg(s0, e0, val, val[1:-1] if q else val, quoted=q, inner=(s0 + 1, e0 - 1) if q else None)
                found.append(("registry Run key", "", arg, arg.value))
        # property assignments: $action.Arguments = …, $shortcut.Arguments = …, $consumer.CommandLineTemplate = …
        if st.assign and "." in st.assign and st.pipe_prev is None:
            prop = st.assign.rsplit(".", 1)[1]
            if prop in ("arguments", "path", "targetpath") and (_SCHED_COM.search(self.code) or _SHORTCUT.search(self.code)):
                mech = "the Startup folder" if _SHORTCUT.search(self.code) and _P_STARTUP.search(norm_path(self.code)) else \
                    ("scheduled task" if _SCHED_COM.search(self.code) else "")
                if mech and st.args:
                    a = st.args[0] if len(st.args) == 1 else _join_args(st.args[0], st.args[-1], self.text)
                    found.append((mech, "", a, " ".join(x.value for x in st.args)))
            elif prop in ("commandlinetemplate", "executablepath", "scriptfilename") and _CONSUMER.search(self.code):
                found.append(("WMI event consumer", "", st.args[0] if len(st.args) == 1 else None,
                              " ".join(x.value for x in st.args)))
        # text written into persistence files
        if name not in ("copy-item", "move-item"):
            for dst, what, mode in self.writes(st, name):
                if isinstance(dst, str) or what == "self":
                    continue
                cls = self.where(dst.text)
                if cls not in ("startup", "profile"):
                    continue
                mech = {"startup": "the Startup folder", "profile": "a PowerShell profile"}[cls]
                if what == "content:selfcontent":
                    continue  # its own code: judged as a copy
                val = self.written_arg(st, name)
                found.append((mech, dst.text[:100], val, what))
        for mech, path, arg, cmd in found:
            self.persist(st, mech, path, arg, cmd)

    def opt_value(self, st: Stmt, opt: str) -> str:
        a = self.native_opt(st, opt)
        return a.value[:80] if a is not None else ""

    def written_arg(self, st: Stmt, name: str) -> Arg | None:
        b = self.m.bind(st)
        v = b.get("value") or b.get("inputobject")
        if v is not None:
            return v
        if st.pipe_prev is not None:
            h = st.pipe_head
            return Arg(h.start, st.pipe_prev.end, self.text[h.start:st.pipe_prev.end], "")
        if st.redirects and st.args:
            return Arg(st.start, st.args[-1].end, self.text[st.start:st.args[-1].end], "")
        return None

    def persist(self, st: Stmt, mech: str, path: str, arg: Arg | None, cmd: str) -> None:
        m = self.m
        self.sig("sr.ps-persist-write", st, mechanism=mech, path=path)
        if not self.written:
            fr = st.frames
            runs = ""
            if cmd and (m.mentions_self(cmd, fr) or (arg is not None and m.mentions_self(arg.text, fr))):
                runs = "itself"
            elif cmd and (m.mentions_selfcontent(cmd, fr) or (arg is not None and "selfcontent" in m.span_labels(arg.start, arg.end, fr))):
                runs = "its own code"
            elif cmd:
                low = norm_path(m.expand(cmd)).lower()
                for d in self.copy_dests:
                    base = d.rsplit("/", 1)[-1]
                    if d in low or (base and len(base) > 3 and base in low):
                        runs = "its copy"
                        break
                if not runs and m.own and re.search(r"(?i)[\\/]" + re.escape(m.own) + r"\b", cmd):
                    runs = "itself"
            if runs:
                self.sig("sr.ps-persists-self", st, mechanism=mech,
                         how=f"{_PERSIST_VERB.get(mech, 'registers ' + mech)} that runs {runs}")
        # the command that will run becomes an artefact of its own
        if arg is None or not cmd.strip() or len(cmd) > 100000:
            return
        text = cmd
        if arg.quoted and arg.inner is not None and self.text[arg.inner[0]:arg.inner[1]] == text:
            kw = {"segments": [Segment(0, arg.inner[0], arg.inner[1], exact=True)]}
        elif arg.block is not None and text == self.text[arg.start + 1:arg.end - 1]:
            kw = {"segments": [Segment(0, arg.start + 1, arg.end - 1, exact=True)]}
        else:
            kw = {"span": (arg.start, max(arg.end, arg.start + 1))}
        line = self.art.index.position(st.start)[0]
        # what the writer's variables held, so the command can be judged by its paths
        values = {}
        for vm in _VAR_IN_CMD.finditer(text):
            n = vm.group(1).lower()
            if n not in values and len(values) < 20 and (n in m.assign or n in m.loop_values):
                values[n] = m.expand("$" + n)[:500]
        self.ctx.child(self.art, text, label=f"{mech} command written at line {line}", kind="powershell",
                       name="persisted.ps1", facts=("persisted-command",),
                       meta={"persistence": mech, "ps_cmdline": True, "ps_values": values}, **kw)

    # persisted commands --------------------------------------------------------------------------
    def check_persisted(self, st: Stmt, name: str) -> None:
        la = self.launch(st)
        target = ""
        if la is not None:
            target = la.target
        elif st.args and not st.call and not st.args[0].param and (
                re.search(r"[\\/]", st.args[0].value) or st.args[0].var in (self.art.meta.get("ps_values") or {})):
            target = st.args[0].text
        if not target:
            return
        v = _unq(core(target))
        # "$($env:TEMP)\x.vbs" is "$env:TEMP\x.vbs"
        v = re.sub(r"(?i)\$\(\s*(\$(?:env:)?\w+)\s*\)|\$\{(env:\w+)\}", lambda mm: mm.group(1) or "$" + mm.group(2), v)
        if not v or "$(" in v:
            return
        e = norm_path(v)
        shown = v[:120]
        values = self.art.meta.get("ps_values") or {}
        if values and "$" in v:
            # the writer's variables, replaced by what they held, to judge the path (a path
            # built from strings, not a script block or a command)
            e2 = _unq(core(_VAR_IN_CMD.sub(lambda mm: _unq(core(values.get(mm.group(1).lower(), mm.group(0)))), v)))
            e2 = e2.replace('"', "").replace("'", "")
            if not re.search(r"[{};|\n]|\s-\w", e2) and e2 != v:
                e = norm_path(e2)
                shown = f"{v[:60]} ({e2[:100]})"
        if _P_TEMP.search(e) or _P_PUBLIC.search(e) or hidden_name(e) or \
                re.search(r"(?i)appdata/roaming/[^/]+\.(?:ps1|exe|bat|cmd|vbs|js)$", e):
            self.sig("sr.ps-runs-hidden", st, path=v[:120], how=f"starts {shown} from a temporary or hidden place")
        if re.search(r"(?i)\.(?:ps1|psm1|bat|cmd|vbs|js|py|sh|exe)$", v) and ("\\" in v or "/" in v):
            mech = self.art.meta.get("persistence") or "PowerShell start-up"
            at = st
            for a in st.args:
                if a.value and a.value in v or v in a.value:
                    at = a
            self.ctx.link(self.art, at.start, max(at.end, at.start + 1), v, mech)

    # downloads run -------------------------------------------------------------------------------
    def fetch_exec_text(self, text: str, frames) -> bool:
        low = text.lower()
        if not re.search(r"\b(?:iex|invoke-expression|scriptblock|icm|invoke-command)\b|\|\s*&|&\s*\(", low):
            return False
        return bool(re.search(r"downloadstring|downloaddata|invoke-webrequest|invoke-restmethod|\biwr\b|\birm\b|"
                              r"net\.webclient|\bcurl\b|\bwget\b|\$\w+", low)) and \
            ("fetched" in self.m.text_labels(text, frames) or
             re.search(r"downloadstring|downloaddata|invoke-webrequest|invoke-restmethod|\biwr\b|\birm\b|net\.webclient", low) is not None)

    def check_fetch_exec(self, st: Stmt, name: str) -> None:
        m = self.m
        fr = st.frames
        hit = ""
        if name in _CRADLE_EXEC:
            if "fetched" in m.span_labels(st.args[1].start, st.end, fr) if len(st.args) > 1 else False:
                hit = "runs downloaded code (Invoke-Expression)"
            elif st.pipe_prev is not None and "fetched" in m.span_labels(st.pipe_head.start, st.pipe_prev.end, fr):
                hit = "runs downloaded code (piped to Invoke-Expression)"
        if not hit:
            mm = self.find(_SB_CREATE, st)
            if mm:
                spans = call_args(self.code, mm.end() - 1)
                if spans and "fetched" in m.span_labels(spans[0][0], spans[0][1], fr):
                    hit = "runs downloaded code ([ScriptBlock]::Create)"
        la = self.launch(st)
        if not hit:
            if la is not None and la.target and ("fetchedfile" in m.text_labels(la.target, fr) or
                                                 self.downloaded(la.target)):
                hit = "starts a downloaded file"
            elif la is not None and la.code and not la.remote and self.fetch_exec_text(la.code, fr):
                hit = "starts PowerShell on downloaded code"
        if not hit:
            return
        own = self.m.own_text(st)
        url = re.search(r"(?i)(?:https?|ftp)://[^\s'\")]+", own)
        self.sig("sr.ps-fetch-exec", st, path=url.group() if url else hit,
                 how=hit + (f" from {url.group()}" if url else ""))
        # downloaded code run where no one sees it: in a new hidden or detached process, over and
        # over in an endless loop, or fetched under the script's own name
        why = ""
        if la is not None and la.code and (la.hidden or la.detached):
            why = f"in a new {'hidden' if la.hidden else 'detached'} PowerShell ({la.detached or 'window hidden'})"
        elif any(f.infinite for f in self.loops(st)):
            why = "again and again in an endless loop"
        elif any(f.kind == "string" for f in fr):
            why = ""  # code inside a command line: the launch that runs it is judged
        elif _SELF_NAME_IN.search(m.expand(own)) or any("selfname" in m.labels.get(v.lower(), ()) for v in _VAR_IN_CMD.findall(own)):
            why = "after being fetched under the script's own name (a copy of itself kept on a server)"
        if why and not self.persisted:
            self.sig("sr.ps-fetch-exec-hidden", st, how=hit, why=why, url=url.group() if url else "")

    def downloaded(self, target: str) -> bool:
        """Whether a path is where the script downloaded a file to."""
        t = norm_path(_unq(core(target))).lower()
        if not t or len(t) > 500:
            return False
        if self._downloads is None:
            self._downloads = [norm_path(self.code[st.start:st.end][:2000]).lower() for st in self.m.stmts
                               if "fetchedfile" in self.m.stmt_facts.get(id(st), ())][:200]
        return any(t in s for s in self._downloads)

    # loops, handlers, bombs -------------------------------------------------------------------------
    def check_respawn(self) -> None:
        m = self.m
        for st in m.stmts:
            la = self.launch(st)
            if la is None or la.remote:
                continue
            loops = self.loops(st)
            inf = [f for f in loops if f.infinite]
            callers = self.callers_in_loops(st)
            runs = self.runs_self(la)
            handler = self.exit_handler(st)
            if runs:
                if handler and (la.detached or handler != "a finally block"):
                    self.sig("sr.ps-exit-respawn", st, event=handler, how=la.detached or "in the foreground")
                    continue
                if inf or callers:
                    self.sig("sr.ps-self-respawn-loop", st, how=la.detached or "in the foreground, one copy at a time",
                             what=_WHAT[runs])
                    if not la.detached:
                        self.sig("sr.ps-respawn-foreground", st)
                    continue
                if loops and la.detached and not la.extra and runs in ("itself", "its copy"):
                    self.sig("sr.ps-fork-bomb", st, fn=_loop_name(loops[-1]),
                             how="starts copies of itself in a loop, and each copy does the same")
                    continue
                if la.detached and la.hidden and not la.elevated and runs in ("itself", "its own code"):
                    self.sig("sr.ps-self-relaunch", st, how=la.detached)
                continue
            # an endless loop that starts new processes or jobs with nothing to pace it
            if inf and la.detached and la.prog not in ("invoke-item",):
                body = m.in_frame.get(id(inf[-1]), [])
                if not any(m.cmd(s) in _PAUSE or _PAUSE_TEXT.search(self.code[s.start:s.end]) or
                           (self.launch(s) is not None and s is not st and not self.launch(s).detached)
                           for s in body) and not _PAUSE_TEXT.search(self.code[st.start:st.end]):
                    self.sig("sr.ps-fork-bomb", st, fn=_loop_name(inf[-1]),
                             how=f"starts a new {'job' if 'job' in la.detached.lower() else 'process'} on every turn of an endless loop, with no pause")

    def callers_in_loops(self, st: Stmt) -> list[Stmt]:
        """Calls, inside endless loops, of the function this statement sits in."""
        funcs = [f for f in st.frames if f.kind == "func" and f.var]
        if not funcs:
            return []
        calls = self.func_calls.get(funcs[-1].var, [])
        return [c for c in calls if any(f.infinite for f in self.loops(c)) and funcs[-1] not in c.frames]

    def exit_handler(self, st: Stmt) -> str:
        m = self.m
        for fr in reversed(st.frames):
            if fr.kind == "finally":
                return "a finally block"
            if fr.kind in ("block",) and fr.parent is not None:
                p = fr.parent
                name = m.cmd(p)
                if name == "register-engineevent" and _EXIT_EVENTS.search(self.code[p.start:p.end]):
                    return "the PowerShell.Exiting handler"
                if name == "register-objectevent":
                    mm = re.search(r"(?i)\b(cancelkeypress|processexit|sessionending|exited)\b", self.code[p.start:p.end])
                    if mm:
                        return _EVENT_NAMES[mm.group(1).lower()]
                mm = _EXIT_HANDLER_TEXT.search(self.code[max(0, fr.start - 80):fr.start])
                if mm:
                    return _EVENT_NAMES[mm.group().split("_", 1)[1].rstrip("( ").lower()]
        return ""

    def check_fork_functions(self) -> None:
        m = self.m
        for fname, fr in m.script.functions.items():
            shown = fr.header or fname
            body = m.in_frame.get(id(fr), [])
            outside = [c for c in self.func_calls.get(fname, []) if fr not in c.frames]
            if not outside or not body:
                continue
            calls = [s for s in body if s.args and not s.call and m.cmd(s) == fname]
            piped = [s for s in calls if s.pipe_prev is not None and m.cmd(s.pipe_prev) == fname]
            if piped:
                self.sig("sr.ps-fork-bomb", piped[0], fn=shown, how=f"function '{shown}' pipes into itself and is then called")
                continue
            spawns = [s for s in body if self.launch(s) is not None and self.launch(s).detached and
                      re.search(r"(?i)(?:^|[\s{;&(])" + re.escape(fname) + r"(?:$|[\s};)|])|\$\{?function:" + re.escape(fname),
                                self.launch(s).code or "")]
            direct = [s for s in calls if fr is s.frames[-1] or all(f.kind not in ("if", "switch", "try", "catch") for f in
                                                                     s.frames[s.frames.index(fr) + 1:])]
            if spawns and direct:
                self.sig("sr.ps-fork-bomb", spawns[0], fn=shown,
                         how=f"function '{shown}' starts itself in the background and calls itself again")

    # uploads ------------------------------------------------------------------------------------------
    def asset_of(self, a: int, b: int, frames) -> str:
        m = self.m
        text = self.text[a:b]
        if m.is_self(text, frames):
            return "its own file"
        labs = m.span_labels(a, b, frames)
        if "selfcontent" in labs:
            return "its own code"
        if m.mentions_self(text, frames):
            return "its own file"
        if m.is_selfdir(text, frames):
            return "its own folder"
        exp = norm_path(m.expand(text))
        if WEIGHTS.search(exp):
            return "model weights"
        if AGENT_ASSETS.search(exp.replace(" ", "\n")):
            return "the agent's own files"
        for n in re.findall(r"(?i)\$(?:[a-z]+:)?([a-z_]\w*)", text):
            if n.lower() in self.archives:
                return self.archives[n.lower()]
        return ""

    @property
    def archives(self) -> dict[str, str]:
        """Variables naming an archive made of the script's folder or of weights."""
        if not hasattr(self, "_archives"):
            self._archives = {}
            m = self.m
            for st in m.stmts:
                if m.cmd(st) != "compress-archive":
                    continue
                b = m.bind(st)
                src, dst = b.get("path") or b.get("literalpath"), b.get("destinationpath")
                if src is None or dst is None:
                    continue
                what = self.asset_of(src.start, src.end, st.frames)
                if not what:
                    continue
                n = m._var_of(dst.text)
                if n:
                    self._archives[n] = what
                for n2, vals in m.assign.items():
                    if any(self.text[a:b2].strip() == dst.text.strip() for a, b2, _s in vals):
                        self._archives[n2] = what
        return self._archives

    def check_upload(self, st: Stmt, name: str) -> None:
        m = self.m
        fr = st.frames
        srcs: list[tuple[int, int]] = []
        dest = ""
        tool = st.args[0].value
        if name in ("invoke-webrequest", "invoke-restmethod"):
            b = m.bind(st)
            for k in ("infile", "body", "form"):
                if k in b:
                    srcs.append((b[k].start, b[k].end))
            dest = b["uri"].value if "uri" in b else ""
        elif name == "start-bitstransfer":
            b = m.bind(st)
            if "destination" in b and re.search(r"(?i)^https?://", _strip(b["destination"].value)) and "source" in b:
                srcs.append((b["source"].start, b["source"].end))
                dest = b["destination"].value
        elif name == "send-mailmessage":
            b = m.bind(st)
            if "attachments" in b:
                srcs.append((b["attachments"].start, b["attachments"].end))
                dest = b["to"].value if "to" in b else "e-mail"
        elif name in ("write-s3object", "set-azstorageblobcontent"):
            b = m.bind(st)
            for k in ("file", "folder"):
                if k in b:
                    srcs.append((b[k].start, b[k].end))
            dest = name
        elif name in ("scp", "pscp"):
            plain = [a for a in st.args[1:] if not a.value.startswith("-")]
            if len(plain) >= 2 and re.match(r"^[\w.@$\-{}]+:", plain[-1].value) and not re.match(r"^[A-Za-z]:", plain[-1].value):
                srcs += [(a.start, a.end) for a in plain[:-1]]
                dest = plain[-1].value
        elif name in ("curl",) or st.args[0].value.lower() in ("curl.exe",):
            args = st.args[1:]
            for i, a in enumerate(args[:-1]):
                if a.value in ("-T", "--upload-file", "-F", "--form", "--data-binary", "-d", "--data") and "@" in args[i + 1].value or \
                        a.value in ("-T", "--upload-file"):
                    srcs.append((args[i + 1].start, args[i + 1].end))
            urls = [a.value for a in args if re.match(r"(?i)^https?://", a.value)]
            dest = urls[0] if urls else ""
        elif name in ("aws", "gsutil", "rclone", "azcopy", "az", "huggingface-cli", "hf"):
            plain = [a for a in st.args[1:] if not a.value.startswith("-")]
            if any(a.value in ("cp", "sync", "upload", "copy", "put") for a in plain) and len(plain) >= 3:
                srcs += [(a.start, a.end) for a in plain[1:-1]]
                dest = plain[-1].value
        mm = self.find(_UPLOAD_WEBCLIENT, st, "upload")
        if mm:
            spans = call_args(self.code, mm.end() - 1)
            if len(spans) >= 2:
                srcs.append(spans[-1])
                dest = self.code[spans[0][0]:spans[0][1]].strip()
                tool = "WebClient." + mm.group(1)
        for a, b2 in srcs:
            what = self.asset_of(a, b2, fr)
            if what:
                self.sig("sr.ps-asset-upload", st, asset=what, source=self.text[a:b2][:100].strip(),
                         dest=_strip(dest)[:100] or "the network", tool=tool)
                if any(f.kind == "block" and f.parent is not None and m.cmd(f.parent) in ("start-job", "start-threadjob")
                       for f in fr):
                    self.sig("sr.ps-covert", st, what="upload started in a background job")
                return

    def check_covert(self, st: Stmt, name: str) -> None:
        m = self.m
        if name == "clear-history":
            self.sig("sr.ps-covert", st, what="clears the session history")
        elif name == "remove-item":
            b = m.bind(st)
            p = b.get("path") or b.get("literalpath")
            if p is not None and (m.is_self(p.text, st.frames) or _HISTORY_FILE.search(p.text)):
                self.sig("sr.ps-covert", st, what="deletes itself" if m.is_self(p.text, st.frames) else "deletes the command history")
        elif name == "set-psreadlineoption" and re.search(r"(?i)savenothing", m.own_text(st)):
            self.sig("sr.ps-covert", st, what="turns off the command history")
        elif name in ("wevtutil",) and len(st.args) > 1 and st.args[1].value.lower() in ("cl", "clear-log"):
            self.sig("sr.ps-covert", st, what="clears an event log")
        elif name in ("clear-eventlog", "remove-eventlog"):
            self.sig("sr.ps-covert", st, what="clears an event log")
        elif self.find(_FILE_DELETE, st):
            mm = self.find(_FILE_DELETE, st)
            spans = call_args(self.code, mm.end() - 1)
            if spans and m.is_self(self.code[spans[0][0]:spans[0][1]], st.frames):
                self.sig("sr.ps-covert", st, what="deletes itself")


MAX_COPIES = 200  # copies of itself remembered per file (the rules report one finding per file)
_EVENT_NAMES = {"cancelkeypress": "the Ctrl+C (CancelKeyPress) handler", "processexit": "the ProcessExit handler",
                "sessionending": "the SessionEnding handler", "exited": "the handler for a watched process's exit"}
_WHAT = {"itself": "the script itself", "its copy": "a copy of the script", "its own code": "the script's own code"}
_PERSIST_VERB = {
    "scheduled task": "registers a scheduled task", "scheduled job": "registers a scheduled job",
    "registry Run key": "writes a registry Run value", "registry autostart value": "writes a registry autostart value",
    "service": "creates a service", "WMI event subscription": "registers a WMI event subscription",
    "WMI event consumer": "creates a WMI event consumer", "the Startup folder": "puts a file or shortcut in the Startup folder",
    "a PowerShell profile": "writes a line into a PowerShell profile",
}


def _join_args(a: Arg | None, b: Arg | None, text: str) -> Arg | None:
    if a is None:
        return b
    if b is None:
        return a
    s, e = min(a.start, b.start), max(a.end, b.end)
    return Arg(s, e, text[s:e], a.value + " " + b.value)


def _basename(v: str) -> str:
    v = _strip(v).replace("\\", "/")
    return v.rsplit("/", 1)[-1]


def _loop_name(fr: Frame) -> str:
    return {"while": "while", "for": "for", "do": "do", "foreach": "foreach", "each": "ForEach-Object"}.get(fr.kind, fr.kind)


def _prefilter(art) -> bool:
    if "persisted-command" in art.facts or art.meta.get("ps_cmdline"):
        return True
    low = art.lower
    return any(lit in low for lit in LITERALS)


def model_of(art) -> PsModel:
    m = art.meta.get("_ps_model")
    if m is None:
        own = ""
        if not art.origin:
            own = art.name.replace("\\", "/").rsplit("/", 1)[-1]
        m = PsModel(art.text, own)
        art.meta["_ps_model"] = m
    return m


@detector("powershell-behaviour", SIGNALS, kinds=("powershell",), prefilter=_prefilter)
def detect_powershell_behaviour(art, ctx):
    model = model_of(art)
    if model.script.truncated:
        ctx.error(art, "PowerShell script too large or nested too deeply; only part of it was analysed")
    _Detect(art, ctx, model).run()
