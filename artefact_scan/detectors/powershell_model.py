"""What a PowerShell script does with itself: provenance labels over the parsed statements.

Built on `powershell_syntax.Script`.  Variables, loop variables and `$_` get labels from what
they are assigned or iterate over:

- `self`: the script's own path (`$PSCommandPath`, `$MyInvocation.MyCommand.Path` /
  `.Definition`, `Join-Path $PSScriptRoot $MyInvocation.MyCommand.Name`, `$PSScriptRoot`
  joined with the file's own name, `(Resolve-Path …).Path` of one of them, a variable holding
  one);
- `selfdir`: its folder (`$PSScriptRoot`, `Split-Path -Parent $PSCommandPath`); a path below it
  (`Join-Path $PSScriptRoot 'config.json'`) names another file and drops the label, which keeps
  resource loading quiet;
- `selfname`: its file name (`$MyInvocation.MyCommand.Name`, `Split-Path -Leaf …`);
- `selfcontent`: its text (`Get-Content $PSCommandPath -Raw`, `[IO.File]::ReadAllText(…)`,
  `$MyInvocation.MyCommand.ScriptContents` / `.ScriptBlock`), also once encoded or joined;
- `hosts`: computers found from the machine or the network (`Get-ADComputer`, an LDAP search
  for computers, `Get-NetNeighbor`, `arp -a`, `net view`, the DNS cache, the hosts file, shell
  history, known_hosts, a `1..254` sweep where the script builds addresses from the numbers);
- `codefiles`: scripts found by enumeration (`Get-ChildItem -Recurse -Filter *.ps1`,
  `[IO.Directory]::GetFiles(…, '*.ps1')`, a `Where-Object` on the extension);
- `fetched`: text downloaded from the network (`(New-Object Net.WebClient).DownloadString`,
  `Invoke-WebRequest`, `Invoke-RestMethod`); `fetchedfile`: a file downloaded to disk;
- `session`: a remote session (`New-PSSession`, `New-CimSession`).

Commands are bound to their parameters by name, unique prefix, alias or position (a table of
the cmdlets that matter, with splatted hashtables), so `Copy-Item -Dest $d -Path $me`,
`cpi $me $d` and `Copy-Item @p` read the same.  Paths are judged on their text with variables
replaced by what they were assigned (bounded), backslashes read as slashes.

Texts over 64 KiB are read in the top-level statements that name something the rules look for,
plus the statements that share their variables or call their functions (`select_regions`).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from .powershell_syntax import Arg, Frame, Script, Stmt, top_level
from ..lazyregex import lazy_re

# -- names -------------------------------------------------------------------------------------
ALIASES = {
    "cp": "copy-item", "copy": "copy-item", "cpi": "copy-item", "mv": "move-item", "move": "move-item",
    "mi": "move-item", "ac": "add-content", "gc": "get-content", "cat": "get-content", "type": "get-content",
    "iex": "invoke-expression", "iwr": "invoke-webrequest", "curl": "invoke-webrequest", "wget": "invoke-webrequest",
    "irm": "invoke-restmethod", "icm": "invoke-command", "saps": "start-process", "start": "start-process",
    "sajb": "start-job", "gci": "get-childitem", "ls": "get-childitem", "dir": "get-childitem",
    "%": "foreach-object", "foreach": "foreach-object", "?": "where-object", "where": "where-object",
    "ni": "new-item", "sp": "set-itemproperty", "rm": "remove-item", "del": "remove-item", "ri": "remove-item",
    "erase": "remove-item", "rd": "remove-item", "rmdir": "remove-item", "nsn": "new-pssession",
    "ii": "invoke-item", "iwmi": "invoke-wmimethod", "sls": "select-string", "tee": "tee-object",
    "gi": "get-item", "rvpa": "resolve-path", "echo": "write-output", "write": "write-output",
    "sv": "set-variable", "set": "set-variable", "swmi": "set-wmiinstance", "gwmi": "get-wmiobject",
    "gcim": "get-ciminstance", "ncim": "new-ciminstance", "icim": "invoke-cimmethod", "sleep": "start-sleep",
    "spps": "stop-process", "kill": "stop-process", "clhy": "clear-history", "gp": "get-itemproperty",
    "ihy": "invoke-history", "r": "invoke-history", "nal": "new-alias", "sal": "set-alias",
}
PS_EXE = frozenset({"powershell", "pwsh", "powershell_ise"})


def canonical(name: str) -> str:
    """A command name as written → its canonical lower-case name: module prefixes, folders and
    `.exe` dropped, aliases resolved."""
    n = name.strip().strip("'\"").lower().replace("/", "\\")
    if "\\" in n:
        n = n.rsplit("\\", 1)[1]
    for ext in (".exe", ".com", ".cmd", ".bat"):
        if n.endswith(ext) and len(n) > len(ext):
            n = n[: -len(ext)]
            break
    return ALIASES.get(n, n)


# statement facts and the labels a span holding the statement carries
_FACT_LABELS = {"harvest": "hosts", "codeenum": "codefiles", "fetched": "fetched",
                "fetchedfile": "fetchedfile", "session": "session"}


# -- parameter tables ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    positional: tuple[str, ...]
    values: tuple[str, ...]  # parameters that take a value (canonical names first)
    switches: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # alias → canonical


_COMMON_VALUES = ("erroraction", "warningaction", "informationaction", "errorvariable", "warningvariable",
                  "informationvariable", "outvariable", "outbuffer", "pipelinevariable", "credential")
_COMMON_SWITCHES = ("verbose", "debug", "whatif", "confirm", "force", "passthru")
_COMMON_ALIASES = (("ea", "erroraction"), ("wa", "warningaction"), ("ev", "errorvariable"),
                   ("ov", "outvariable"), ("infa", "informationaction"), ("iv", "informationvariable"),
                   ("ob", "outbuffer"), ("pv", "pipelinevariable"), ("wv", "warningvariable"),
                   ("vb", "verbose"), ("db", "debug"), ("wi", "whatif"), ("cf", "confirm"))
SPECS: dict[str, Spec] = {
    "copy-item": Spec(("path", "destination"), ("path", "destination", "literalpath", "tosession", "fromsession",
                                                "filter", "include", "exclude"),
                      ("recurse", "container"), (("pspath", "path"), ("lp", "literalpath"))),
    "move-item": Spec(("path", "destination"), ("path", "destination", "literalpath", "filter", "include", "exclude"),
                      (), (("pspath", "path"), ("lp", "literalpath"))),
    "set-content": Spec(("path", "value"), ("path", "value", "literalpath", "encoding", "stream", "filter",
                                            "include", "exclude"), ("nonewline", "asbytestream"),
                        (("pspath", "path"), ("lp", "literalpath"))),
    "add-content": Spec(("path", "value"), ("path", "value", "literalpath", "encoding", "stream", "filter",
                                            "include", "exclude"), ("nonewline", "asbytestream"),
                        (("pspath", "path"), ("lp", "literalpath"))),
    "out-file": Spec(("filepath", "encoding"), ("filepath", "encoding", "inputobject", "width", "literalpath"),
                     ("append", "noclobber", "nonewline"), (("path", "filepath"), ("lp", "literalpath"))),
    "tee-object": Spec(("filepath",), ("filepath", "inputobject", "literalpath", "variable", "encoding"), ("append",),
                       (("path", "filepath"),)),
    "new-item": Spec(("path",), ("path", "itemtype", "value", "name"), (), (("type", "itemtype"),)),
    "get-content": Spec(("path",), ("path", "literalpath", "totalcount", "tail", "encoding", "readcount",
                                    "delimiter", "stream", "filter", "include", "exclude"),
                        ("raw", "asbytestream", "wait"), (("pspath", "path"), ("lp", "literalpath"),
                                                          ("head", "totalcount"), ("first", "totalcount"))),
    "start-process": Spec(("filepath", "argumentlist"), ("filepath", "argumentlist", "windowstyle", "verb",
                                                         "workingdirectory", "redirectstandardoutput",
                                                         "redirectstandarderror", "redirectstandardinput"),
                          ("wait", "nonewwindow", "loaduserprofile", "usenewenvironment"),
                          (("args", "argumentlist"), ("path", "filepath"), ("lup", "loaduserprofile"),
                           ("nnw", "nonewwindow"), ("rso", "redirectstandardoutput"),
                           ("rse", "redirectstandarderror"), ("rsi", "redirectstandardinput"))),
    "start-job": Spec(("scriptblock",), ("scriptblock", "filepath", "argumentlist", "name", "initializationscript",
                                         "inputobject", "psversion", "literalpath"), ("runas32",),
                      (("command", "scriptblock"), ("args", "argumentlist"))),
    "start-threadjob": Spec(("scriptblock",), ("scriptblock", "filepath", "argumentlist", "name",
                                               "initializationscript", "inputobject", "throttlelimit"), (),
                            (("args", "argumentlist"),)),
    "invoke-command": Spec(("computername", "scriptblock"), ("scriptblock", "computername", "session", "filepath",
                                                              "argumentlist", "hostname", "vmname", "containerid",
                                                              "username", "keyfilepath", "port", "throttlelimit",
                                                              "jobname", "configurationname", "connectionuri",
                                                              "sessionname", "inputobject", "authentication",
                                                              "sshtransport", "vmid"),
                           ("asjob", "hidecomputername", "usessl", "indisconnectedsession", "noprofile",
                            "enablenetworkaccess", "runasadministrator", "remotedebug"),
                           (("cn", "computername"), ("args", "argumentlist"), ("command", "scriptblock"),
                            ("pspath", "filepath"), ("uri", "connectionuri"))),
    "new-pssession": Spec(("computername",), ("computername", "name", "hostname", "username", "keyfilepath",
                                              "port", "vmname", "configurationname", "sessionoption",
                                              "authentication"), ("usessl", "enablenetworkaccess"),
                          (("cn", "computername"),)),
    "new-cimsession": Spec(("computername",), ("computername", "name", "port", "sessionoption", "authentication"), (),
                           (("cn", "computername"),)),
    "invoke-webrequest": Spec(("uri",), ("uri", "method", "body", "infile", "outfile", "headers", "contenttype",
                                         "form", "usebasicparsing", "useragent", "websession", "timeoutsec",
                                         "proxy", "customMethod"),
                              ("usebasicparsing", "usedefaultcredentials", "skipcertificatecheck"),
                              (("url", "uri"),)),
    "invoke-restmethod": Spec(("uri",), ("uri", "method", "body", "infile", "outfile", "headers", "contenttype",
                                         "form", "useragent", "websession", "timeoutsec", "proxy"),
                              ("usebasicparsing", "usedefaultcredentials", "skipcertificatecheck"),
                              (("url", "uri"),)),
    "invoke-expression": Spec(("command",), ("command",)),
    "new-itemproperty": Spec(("path", "name", "value"), ("path", "name", "value", "propertytype", "literalpath"), (),
                             (("type", "propertytype"), ("pspath", "path"))),
    "set-itemproperty": Spec(("path", "name", "value"), ("path", "name", "value", "type", "literalpath",
                                                         "inputobject"), (), (("pspath", "path"),)),
    "register-scheduledtask": Spec(("taskname", "taskpath", "action"), ("taskname", "taskpath", "action", "trigger",
                                                                         "settings", "user", "principal",
                                                                         "description", "inputobject", "xml",
                                                                         "runlevel", "password", "cimsession")),
    "new-scheduledtaskaction": Spec(("execute", "argument", "workingdirectory"), ("execute", "argument",
                                                                                 "workingdirectory", "id",
                                                                                 "cimsession")),
    "register-scheduledjob": Spec(("name", "scriptblock"), ("name", "scriptblock", "filepath", "trigger",
                                                            "argumentlist", "scheduledjoboption",
                                                            "initializationscript"), ("runnow",)),
    "register-wmievent": Spec(("class", "sourceidentifier", "action"), ("class", "sourceidentifier", "action",
                                                                        "query", "computername", "namespace",
                                                                        "messagedata", "timeout"), ("forward",)),
    "register-cimindicationevent": Spec(("classname", "sourceidentifier", "action"),
                                        ("classname", "sourceidentifier", "action", "query", "computername",
                                         "namespace", "messagedata", "cimsession"), ("forward",)),
    "register-engineevent": Spec(("sourceidentifier", "action"), ("sourceidentifier", "action", "messagedata",
                                                                  "maxtriggercount"), ("forward", "supportevent")),
    "register-objectevent": Spec(("inputobject", "eventname", "sourceidentifier", "action"),
                                 ("inputobject", "eventname", "sourceidentifier", "action", "messagedata",
                                  "maxtriggercount"), ("forward", "supportevent")),
    "set-wmiinstance": Spec(("class", "arguments"), ("class", "arguments", "namespace", "computername", "path",
                                                     "inputobject", "putType"), ("asjob",)),
    "new-ciminstance": Spec(("classname", "property"), ("classname", "property", "namespace", "computername",
                                                         "cimsession", "key"), ("clientonly",)),
    "invoke-wmimethod": Spec(("class", "name", "argumentlist"), ("class", "name", "argumentlist", "computername",
                                                                 "namespace", "path", "inputobject"), ("asjob",)),
    "invoke-cimmethod": Spec(("classname", "methodname", "arguments"), ("classname", "methodname", "arguments",
                                                                         "computername", "cimsession", "namespace",
                                                                         "inputobject", "query")),
    "new-service": Spec(("name", "binarypathname"), ("name", "binarypathname", "displayname", "description",
                                                     "startuptype", "dependson", "securitydescriptorsddl"), (),
                        (("path", "binarypathname"),)),
    "get-childitem": Spec(("path", "filter"), ("path", "filter", "include", "exclude", "depth", "literalpath",
                                               "attributes"),
                          ("recurse", "file", "directory", "name", "hidden", "system", "readonly", "followsymlink"),
                          (("s", "recurse"), ("lp", "literalpath"), ("ad", "directory"), ("af", "file"))),
    "remove-item": Spec(("path",), ("path", "literalpath", "filter", "include", "exclude", "stream"), ("recurse",),
                        (("lp", "literalpath"),)),
    "start-bitstransfer": Spec(("source", "destination"), ("source", "destination", "transfertype", "displayname",
                                                           "description", "priority", "proxyusage"), ("asynchronous",)),
    "compress-archive": Spec(("path", "destinationpath"), ("path", "destinationpath", "literalpath",
                                                           "compressionlevel"), ("update",)),
    "send-mailmessage": Spec(("to", "subject", "body", "smtpserver"), ("to", "subject", "body", "smtpserver",
                                                                        "from", "attachments", "cc", "bcc", "port",
                                                                        "encoding", "priority"), ("usessl", "bodyashtml"),
                             (("attachment", "attachments"), ("as", "attachments"))),
    "select-string": Spec(("pattern", "path"), ("pattern", "path", "literalpath", "inputobject", "encoding",
                                                "include", "exclude", "context"),
                          ("quiet", "simplematch", "notmatch", "list", "casesensitive", "allmatches", "raw")),
    "split-path": Spec(("path", "childpath"), ("path", "literalpath"), ("parent", "leaf", "leafbase", "extension",
                                                                        "qualifier", "noqualifier", "isabsolute",
                                                                        "resolve")),
    "join-path": Spec(("path", "childpath"), ("path", "childpath", "additionalchildpath"), ("resolve",)),
    "write-s3object": Spec(("bucketname", "key", "file"), ("bucketname", "key", "file", "folder", "content",
                                                            "region"), ("recurse",)),
    "set-azstorageblobcontent": Spec(("file", "container", "blob"), ("file", "container", "blob", "context"), ()),
}


def _resolve_param(spec: Spec | None, written: str) -> tuple[str, bool | None]:
    """(canonical name, takes a value?) for a parameter written as `written` (lower-case, maybe
    a unique prefix); takes-a-value is None when the table does not know the parameter."""
    w = written.lower()
    if spec is None:
        return w, None
    names = list(spec.values) + list(spec.switches) + list(_COMMON_VALUES) + list(_COMMON_SWITCHES)
    for a, c in spec.aliases + _COMMON_ALIASES:
        if w == a:
            return c, c not in spec.switches and c not in _COMMON_SWITCHES
    if w in names:
        return w, w not in spec.switches and w not in _COMMON_SWITCHES
    hits = [n for n in names if n.startswith(w)]
    if not hits:
        hits = [c for a, c in spec.aliases if a.startswith(w)]
    if hits:
        n = hits[0]
        return n, n not in spec.switches and n not in _COMMON_SWITCHES
    return w, None


# -- self and friends --------------------------------------------------------------------------------
_SELF_ATOM = lazy_re(
    r"""(?ix)^(?:
        \$(?:script:|global:|local:)?(?:pscommandpath|\{pscommandpath\})
      | \$\{(?:script:)?pscommandpath\}
      | \$(?:script:|pscmdlet\.)?myinvocation\.mycommand\.(?:path|definition|source|scriptblock\.file|module\.path)
      | \$(?:script:|pscmdlet\.)?myinvocation\.(?:pscommandpath|scriptname)
      | \$(?:script:)?myinvocation\.invocationname
    )$""")
_SELFDIR_ATOM = lazy_re(r"(?i)^(?:\$(?:script:|global:)?psscriptroot|\$\{(?:script:)?psscriptroot\}|"
                        r"\$(?:script:)?myinvocation\.psscriptroot)$")
_SELFNAME_ATOM = lazy_re(r"(?i)^\$(?:script:)?myinvocation\.mycommand(?:\.name)?$")
# the script's text without naming its file
_SELFCONTENT_ATOM = lazy_re(r"(?i)\$(?:script:)?myinvocation\.mycommand\.(?:scriptcontents\b|"
                            r"scriptblock(?:\s*\.\s*tostring\s*\(\s*\)|\.ast\.extent\.text)?\b(?!\s*\.))")
_READERS = frozenset({"get-content"})
_READ_CALL = lazy_re(r"(?i)\[\s*(?:system\.)?io\.file\s*\]\s*::\s*(?:readalltext|readalllines|readallbytes|readlines|"
                     r"opentext|openread)\s*\(")
_VARREF = lazy_re(r"(?i)\$(?:\{(?:[a-z]+:)?([\w.-]+)\}|(?:(?:script|global|local|private|using):)?([a-z_][\w]*))")
_HOST_TEXT = lazy_re(
    r"(?i)known_hosts|\.ssh[\\/]config\b|drivers[\\/]etc[\\/]hosts\b|consolehost_history|historysavepath|"
    r"\[adsisearcher\]|directoryservices\.directorysearcher|objectcategory\s*=\s*computer|"
    r"objectclass\s*=\s*computer|\bget-adcomputer\b|\bget-netcomputer\b|\bget-domaincomputer\b|"
    r"\bget-netneighbor\b|\barp(?:\.exe)?\s+-a\b|\bnet(?:\.exe)?\s+view\b|\bget-dnsclientcache\b|"
    r"ipconfig(?:\.exe)?\s+/displaydns|\bget-nettcpconnection\b|\bget-smbconnection\b|\bget-netsession\b|"
    r"\bfind-localadminaccess\b|domain computers|\bnmap\b")
_HOST_LITS = ("known_hosts", ".ssh", "drivers", "history", "adsisearcher", "directorysearcher", "objectc", "computer",
              "neighbor", "arp", "net", "dnsclient", "displaydns", "tcpconnection", "smb", "localadmin", "nmap", "..",
              "for")
_CODE_LITS = (".ps1", ".psm1", ".psd1", ".bat", ".cmd", ".vbs", ".js", ".py", ".sh")
_ADDRESS_BUILT = lazy_re(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.(?:\$|\{)|\.\$(?:_|psitem|\(\$_\)|[a-z]\w*)\b['\"]|"
                         r"\$\w+\s*\+\s*['\"]\.['\"]\s*\+\s*\$|\{0\}\.\{1\}", re.I)
_SWEEP = lazy_re(r"(?<![\d.])[01]\s*\.\.\s*25[45](?![\d])|for\s*\(\s*\$\w+\s*=\s*[01]\s*;\s*\$\w+\s*-l[te]\s*25[45]\b")
_HARVEST_CMDS = frozenset({"get-adcomputer", "get-netcomputer", "get-domaincomputer", "get-netneighbor", "arp",
                           "get-dnsclientcache", "get-nettcpconnection", "get-smbconnection", "get-netsession",
                           "find-localadminaccess", "nmap"})
_CODE_GLOB = lazy_re(r"(?i)\*\.(?:ps1|psm1|psd1|bat|cmd|vbs|js|py|sh)\b|"
                     r"""['"]\.(?:ps1|psm1|bat|cmd|vbs)['"]|\\\.(?:ps1|psm1|bat|cmd)\$""")
_ENUMERATORS = frozenset({"get-childitem", "get-item", "resolve-path"})
_ENUM_CALL = lazy_re(r"(?i)::\s*(?:getfiles|enumeratefiles)\s*\(")
_DOWNLOAD_TEXT = lazy_re(r"(?i)\.\s*(?:downloadstring|downloaddata|getstringasync|getbytearrayasync)\s*\(|"
                         r"net\.webclient\)\s*\.\s*openread")
_DOWNLOADERS = frozenset({"invoke-webrequest", "invoke-restmethod"})
_SESSIONS = frozenset({"new-pssession", "new-cimsession"})
PROPAGATE = frozenset({"selfcontent", "hosts", "codefiles", "fetched", "fetchedfile", "session"})
_TOKEN = r"""(?:"(?:[^"`]|`.)*"|'(?:[^']|'')*'|\$\((?:[^()]|\([^()]*\))*\)|\([^()]*(?:\([^()]*\)[^()]*)*\)|[^\s,()]+)"""
_JOIN = lazy_re(r"(?is)^join-path\s+(?:-path\s+)?(" + _TOKEN + r")\s+(?:-childpath\s+)?(" + _TOKEN + r")\s*$")
_COMBINE = lazy_re(r"(?is)^\[\s*(?:system\.)?io\.path\s*\]\s*::\s*combine\s*\(\s*(" + _TOKEN + r")\s*,\s*(" + _TOKEN + r")\s*\)$")
_CONCAT = lazy_re(r"(?is)^(" + _TOKEN + r")\s*\+\s*(?:(['\"])[\\/]\2\s*\+\s*)?(" + _TOKEN + r")$")
_SPLIT_PATH = lazy_re(r"(?is)^split-path\s+(.+)$")
_MODIFIERS = lazy_re(r"(?i)^\s*(?:-[ci]?replace\b|\.replace\s*\(|\.substring\s*\(|-split\b|\.split\s*\(|\+|\[|-f\b|"
                     r"\.trim\w*\s*\(|\.to(?:upper|lower)\s*\()")


def _balanced(inner: str) -> bool:
    depth = 0
    q = ""
    for ch in inner:
        if q:
            if ch == q:
                q = ""
            continue
        if ch in "'\"":
            q = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _unquote_token(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v


_WRAP_CMD = lazy_re(r"""(?is)^(?:resolve-path|convert-path|get-item|gi|rvpa)\s+(?:-(?:literalpath|path|lp)\s+)?(\S+|"[^"]*"|'[^']*')$""")
_FULLPATH = lazy_re(r"(?is)^\[\s*(?:system\.)?io\.path\s*\]\s*::\s*getfullpath\s*\((.*)\)$")
_MEMBER_PATH = lazy_re(r"(?is)^(.+?)\s*\.\s*(?:fullname|path|providerpath)$")
_DIRNAME = lazy_re(r"(?is)^\[\s*(?:system\.)?io\.path\s*\]\s*::\s*getdirectoryname\s*\((.*)\)$")
_DIR_MEMBER = lazy_re(r"(?is)^(.+?)\s*\.\s*(?:directory(?:name)?|psparentpath|parent)(?:\.fullname)?$")
_PIPE_SPLIT = lazy_re(r"(?is)^(.+?)\s*\|\s*split-path(?:\s+-parent)?\s*$")
_DIR_STAR = lazy_re(r"(?s)^(.+?)[\\/]\*$")
_FILENAME = lazy_re(r"(?is)^\[\s*(?:system\.)?io\.path\s*\]\s*::\s*getfilename\s*\((.*)\)$")
_NAME_MEMBER = lazy_re(r"(?is)^(.+?)\s*\.\s*name$")
_LEAFLIKE = lazy_re(r"(?i)(?:^|\s)-(?:leaf|leafbase|extension|qualifier|noqualifier|isabsolute)\b")
_SPLIT_FLAGS = lazy_re(r"(?i)(?:^|\s)-(?:parent|path|literalpath|resolve)\b")
_LEAF = lazy_re(r"(?i)(?:^|\s)-leaf\b")
_LEAF_FLAGS = lazy_re(r"(?i)(?:^|\s)-(?:leaf|path|literalpath)\b")
_VAR_ONLY = lazy_re(r"(?i)\$(?:\{(?:(?:script|global|local|private|using):)?([\w.-]+)\}|"
                    r"(?:(?:script|global|local|private|using):)?([a-z_]\w*))")
MAX_LABEL_TEXT = 256 * 1024  # text read for labels by containment (a value, a command line)
MAX_PATH_TEXT = 2000  # an expression longer than this names no path: it is judged by containment only


def core(v: str) -> str:
    """An expression with the wrappers that keep its value removed: quotes around one value,
    `$( )`, `( )`, `Resolve-Path`, `Convert-Path`, `Get-Item`, `.FullName`, `.Path`,
    `[IO.Path]::GetFullPath( )`."""
    if len(v) > MAX_PATH_TEXT:
        return v
    return _core(v)


@lru_cache(maxsize=2048)
def _core(v: str) -> str:
    for _ in range(8):
        v = v.strip()
        if len(v) >= 2 and v[0] == '"' and v[-1] == '"' and '"' not in v[1:-1].replace('`"', ""):
            v = v[1:-1]
            continue
        if v.startswith("$(") and v.endswith(")") and _balanced(v[2:-1]):
            v = v[2:-1]
            continue
        if v.startswith("(") and v.endswith(")") and _balanced(v[1:-1]):
            v = v[1:-1]
            continue
        m = _WRAP_CMD.match(v)
        if m:
            v = m.group(1)
            continue
        m = _FULLPATH.match(v)
        if m and _balanced(m.group(1)):
            v = m.group(1)
            continue
        m = _MEMBER_PATH.match(v)
        if m and (m.group(1).startswith(("(", "$(")) or "\\" not in m.group(1)):
            inner = m.group(1)
            # `$MyInvocation.MyCommand.Path` is an atom, not `.Path` of something
            if not _SELF_ATOM.match(v) and inner.startswith(("(", "$(")):
                v = inner
                continue
        break
    return v


# -- which top-level statements to read --------------------------------------------------------------
SMALL = 64 * 1024  # texts up to this size are read whole
# words that make a top-level statement worth reading (lower-case; `^` marks a word start)
TRIGGERS = (
    "pscommandpath", "myinvocation", "psscriptroot", "scriptcontents", "schtasks", "scheduledtask",
    "scheduledjob", "currentversion", "winlogon", "startup", "$profile", "profile.ps1", "wmievent",
    "cimindicationevent", "eventconsumer", "new-service", "binpath", "invoke-expression", "^iex",
    "scriptblock]", "downloadstring", "downloaddata", "downloadfile", "start-process", "start-job", "threadjob",
    "^saps", "^sajb", "process]::start", "win32_process", "^wmic", "psexec", "computername", "pssession",
    "cimsession", "\\\\", "invoke-command", "^icm", "safetensors", "gguf", "ckpt", "pytorch_model", ".claude",
    ".codex", "agents.md", "claude.md", "system_prompt", "register-engineevent", "register-objectevent",
    "add_cancelkeypress", "add_processexit", "powershell", "pwsh", "upload", "send-mailmessage",
    "bitstransfer", "^scp", "-infile", "get-adcomputer", "adsisearcher", "directorysearcher", "^attrib",
    "clear-history", "wevtutil", "clear-eventlog", "psreadline", "known_hosts", "frombase64string", "^cmd",
)
_SEL_REFS = lazy_re(r"(?i)\$(?:\{(?:[a-z]+:)?([\w-]+)\}|(?:(?:script|global|local|private|using):)?([a-z_]\w*))")
_FUNC_DEF = lazy_re(r"(?i)\s*(?:function|filter|workflow)\s+(?:[a-z]+:)?([\w-]+)")
_AUTOMATIC = frozenset({
    "_", "psitem", "true", "false", "null", "args", "input", "env", "error", "host", "this", "matches",
    "lastexitcode", "pwd", "home", "psboundparameters", "myinvocation", "pscmdlet", "executioncontext", "ofs",
    "shellid", "pshome", "psversiontable", "verbosepreference", "erroractionpreference", "confirmpreference",
    "warningpreference", "debugpreference", "progresspreference", "informationpreference", "pscommandpath",
    "psscriptroot", "profile", "iswindows", "islinux", "ismacos", "pid", "stacktrace", "event", "eventargs",
    "sender", "foreach", "switch"})


def select_regions(text: str) -> tuple[list[tuple[int, int]], bool]:
    """The top-level statements worth reading, and whether that is all of them.  A small text
    is read whole.  In a larger one: the statements that name something the rules look for
    (the script itself, a launch, persistence, remote execution, an upload, a download, model
    weights…), recursive functions, and then, three times over, the statements that use or
    assign a variable, or call a function, of the ones chosen."""
    whole = [(0, len(text))]
    if len(text) <= SMALL:
        return whole, True
    low = text.lower()
    hits = 0
    for lit in TRIGGERS:
        hits += low.count(lit.lstrip("^"))
    if hits * 2048 > len(text):
        return whole, True  # triggers everywhere: choosing would cost more than it saves
    chunks = top_level(text)
    if len(chunks) <= 1:
        return whole, True
    starts = [a for a, _b in chunks]
    sel = [False] * len(chunks)
    for lit in TRIGGERS:
        word = lit.startswith("^")
        lit = lit.lstrip("^")
        i = low.find(lit)
        while i != -1:
            k = bisect.bisect_right(starts, i) - 1
            if word and i > 0 and (low[i - 1].isalnum() or low[i - 1] in "_-$"):
                i = low.find(lit, i + 1)
                continue
            if word and i + len(lit) < len(low) and (low[i + len(lit)].isalnum() or low[i + len(lit)] in "_-"):
                i = low.find(lit, i + 1)
                continue
            if k >= 0 and i < chunks[k][1]:
                sel[k] = True
                i = low.find(lit, max(chunks[k][1], i + 1))
            else:
                i = low.find(lit, i + 1)
    for k, (a, b) in enumerate(chunks):
        m = _FUNC_DEF.match(text, a)
        if m and not sel[k] and _calls(low, m.group(1).lower(), m.end(), b):
            sel[k] = True  # a recursive function
    # variables: which statements mention each (one pass), then the closure over them
    by_var: dict[str, list[int]] = {}
    k = 0
    for m in _SEL_REFS.finditer(text):
        at = m.start()
        while k + 1 < len(starts) and starts[k + 1] <= at:
            k += 1
        n = (m.group(1) or m.group(2)).lower()
        if n in _AUTOMATIC:
            continue
        lst = by_var.setdefault(n, [])
        if not lst or lst[-1] != k:
            lst.append(k)
    funcs: dict[str, int] = {}
    for k2, (a2, _b2) in enumerate(chunks):
        fm = _FUNC_DEF.match(text, a2)
        if fm:
            funcs.setdefault(fm.group(1).lower(), k2)
    var_of_chunk: dict[int, set[str]] = {}
    for n, ks in by_var.items():
        if len(ks) > 0.5 * len(chunks):
            continue  # a variable every statement uses says nothing
        for k2 in ks:
            var_of_chunk.setdefault(k2, set()).add(n)
    done_vars: set[str] = set()
    done_funcs: set[str] = set()
    for _round in range(3):
        added = 0
        chosen = [k2 for k2, on in enumerate(sel) if on]
        names = {n for k2 in chosen for n in var_of_chunk.get(k2, ())} - done_vars
        done_vars |= names
        for n in names:
            for k2 in by_var.get(n, ()):
                if not sel[k2]:
                    sel[k2] = True
                    added += 1
        fnames = [n for n, k2 in funcs.items() if sel[k2] and n not in done_funcs][:50]
        done_funcs |= set(fnames)
        for n in fnames:
            for at in _word_hits(low, n):
                k2 = bisect.bisect_right(starts, at) - 1
                if k2 >= 0 and not sel[k2]:
                    sel[k2] = True
                    added += 1
        if not added or sum(sel) > 0.8 * len(sel):
            break
    if sum(sel) > 0.8 * len(sel):
        return whole, True
    out: list[tuple[int, int]] = []
    for k, on in enumerate(sel):
        if on:
            a, b = chunks[k]
            out.append((a, b))
    return out, len(out) == len(chunks)


def _word_hits(low: str, name: str, limit: int = 5000):
    """Offsets where `name` occurs as a word in the lower-cased text (bounded)."""
    i = low.find(name)
    n = 0
    while i != -1 and n < limit:
        n += 1
        before = low[i - 1] if i > 0 else " "
        j = i + len(name)
        after = low[j] if j < len(low) else " "
        if not (before.isalnum() or before in "_$-") and not (after.isalnum() or after in "_-"):
            yield i
        i = low.find(name, i + 1)


def _calls(low: str, name: str, a: int, b: int) -> bool:
    """Whether `name` occurs as a word (a command) between a and b of the lower-cased text."""
    i = low.find(name, a, b)
    n = 0
    while i != -1 and n < 200:
        n += 1
        before = low[i - 1] if i > 0 else " "
        j = i + len(name)
        after = low[j] if j < len(low) else " "
        if not (before.isalnum() or before in "_$-") and not (after.isalnum() or after in "_-"):
            return True
        i = low.find(name, i + 1, b)
    return False


class PsModel:
    def __init__(self, text: str, own: str = "", whole: bool = False):
        self.text = text
        regions, self.whole = ([(0, len(text))], True) if whole else select_regions(text)
        self.script = Script(text, regions)
        self.code = self.script.code
        self.stmts = self.script.stmts
        self._starts = [s.start for s in self.stmts]
        self.in_frame: dict[int, list[Stmt]] = {}  # id(frame) → statements anywhere inside it
        self._own: dict[int, str] = {}
        for st in self.stmts:
            st.cname = canonical(st.name) if st.args else ""
            for f in st.frames:
                self.in_frame.setdefault(id(f), []).append(st)
        self.own = own.lower()
        self.assign: dict[str, list[tuple[int, int, Stmt]]] = {}
        for name, a, b, st in self.script.assignments:
            lst = self.assign.setdefault(name, [])
            if len(lst) < 16:
                lst.append((a, b, st))
        # a foreach variable stands for the items of what it iterates over (paths judged by
        # their text: `foreach ($w in $weights)` … `$w.FullName`)
        self.loop_values: dict[str, str] = {}
        for st in self.stmts:
            for f in st.frames[-1:]:
                if f.kind == "foreach" and f.var and f.header_span and f.var not in self.loop_values:
                    self.loop_values[f.var] = text[f.header_span[0]:f.header_span[1]][:300]
        self.labels: dict[str, set[str]] = {}
        self.frame_labels: dict[int, set[str]] = {}
        self._version = 0
        self._span_cache: dict[tuple[int, int, int, int], set[str]] = {}
        self._expand_cache: dict[str, str] = {}
        self.stmt_facts: dict[int, set[str]] = {}
        # a 1..254 range is a sweep only where the script builds addresses from numbers
        self.addresses = bool(_ADDRESS_BUILT.search(self.code))
        self._static_facts()
        self._label_vars()
        self.harvest = next((s for s in self.stmts if "harvest" in self.stmt_facts.get(id(s), ())), None)
        self.hidden_marked: list[str] = []  # paths the script marks hidden (attrib +h, Attributes = Hidden)

    # -- statement facts --------------------------------------------------------------------
    def cmd(self, st: Stmt) -> str:
        return st.cname

    def stext(self, st: Stmt) -> str:
        return self.own_text(st)

    def own_text(self, st: Stmt) -> str:
        """The statement's own text: keyword statements have none (their parts are statements
        of their own), and script-block arguments are left out (their statements are read on
        their own), so no text is searched once per enclosing statement."""
        key = id(st)
        hit = self._own.get(key)
        if hit is not None:
            return hit
        if st.keyword and not st.args:
            out = ""
        else:
            parts = []
            pos = st.start
            for a in st.args:
                if a.block is not None:
                    parts.append(self.code[pos:a.start])
                    parts.append("{}")
                    pos = a.end
            parts.append(self.code[pos:max(pos, st.end)])
            out = "".join(parts)
            if len(out) > 20000:
                out = out[:20000]
        self._own[key] = out
        return out

    def _static_facts(self) -> None:
        for st in self.stmts:
            if not st.args:
                continue
            f: set[str] = set()
            name = st.cname
            text = self.own_text(st)
            lo = text.lower()
            if name in _HARVEST_CMDS or (name == "net" and len(st.args) > 1 and st.args[1].value.lower() in ("view", "group")) \
                    or (name == "ipconfig" and "/displaydns" in lo) or \
                    (any(x in lo for x in _HOST_LITS) and (_HOST_TEXT.search(text) or (_SWEEP.search(text) and self.addresses))):
                f.add("harvest")
            if "." in lo and any(x in lo for x in _CODE_LITS) and _CODE_GLOB.search(text):
                if name in _ENUMERATORS or _ENUM_CALL.search(text):
                    f.add("codeenum")
                elif name == "where-object" and any(p.cname in _ENUMERATORS for p in self._pipe(st)):
                    f.add("codeenum")
            if name in _DOWNLOADERS:
                b = self.bind(st)
                f.add("fetchedfile" if "outfile" in b else "fetched")
            elif ("download" in lo or "async" in lo or "openread" in lo) and _DOWNLOAD_TEXT.search(text):
                f.add("fetched")
            if "downloadfile" in lo or (name == "start-bitstransfer" and ("http://" in lo or "https://" in lo)):
                f.add("fetchedfile")
            if name in _SESSIONS:
                f.add("session")
            if f:
                self.stmt_facts[id(st)] = f

    def _pipe(self, st: Stmt) -> list[Stmt]:
        out, p, guard = [], st.pipe_prev, 0
        while p is not None and guard < 32:
            out.append(p)
            p = p.pipe_prev
            guard += 1
        return out

    def reads_self(self, st: Stmt) -> bool:
        name = self.cmd(st)
        if name in _READERS:
            b = self.bind(st)
            p = b.get("path") or b.get("literalpath")
            if p is not None and self.is_self(p.text, st.frames):
                return True
            if p is None and st.pipe_prev is not None and self.is_self(self.stext(st.pipe_prev), st.pipe_prev.frames):
                return True
        return False

    # -- statements in a span ------------------------------------------------------------------
    def stmts_in(self, a: int, b: int) -> list[Stmt]:
        i = bisect.bisect_left(self._starts, a)
        out = []
        while i < len(self.stmts) and self.stmts[i].start < b:
            out.append(self.stmts[i])
            i += 1
            if len(out) > 400:
                break
        return out

    def span_labels(self, a: int, b: int, frames: tuple[Frame, ...] = ()) -> set[str]:
        """Labels that text between `a` and `b` carries by containment: what it reads or
        downloads or enumerates, and the labels of the variables it uses."""
        key = (a, b, id(frames[-1]) if frames else 0, self._version)
        hit = self._span_cache.get(key)
        if hit is not None:
            return hit
        text = self.code[a:b]
        out: set[str] = set()
        for st in self.stmts_in(a, b):
            out.update(_FACT_LABELS[x] for x in self.stmt_facts.get(id(st), ()) if x in _FACT_LABELS)
            if self.reads_self(st):
                out.add("selfcontent")
        out |= self.text_labels(text, frames)
        if len(self._span_cache) < 20000:
            self._span_cache[key] = out
        return out

    def text_labels(self, text: str, frames: tuple[Frame, ...] = ()) -> set[str]:
        out: set[str] = set()
        if len(text) > MAX_LABEL_TEXT:
            text = text[:MAX_LABEL_TEXT]
        if _SELFCONTENT_ATOM.search(text):
            out.add("selfcontent")
        for m in _READ_CALL.finditer(text):
            spans = call_args(text, m.end() - 1, 600)
            arg = text[spans[0][0]:spans[0][1]] if spans else ""
            if arg and self.is_self(arg, frames):
                out.add("selfcontent")
        if _HOST_TEXT.search(text) or (self.addresses and _SWEEP.search(text)):
            out.add("hosts")
        if _DOWNLOAD_TEXT.search(text):
            out.add("fetched")
        if "$" in text:
            for m in _VARREF.finditer(text):
                n = (m.group(1) or m.group(2)).lower()
                if n in ("_", "psitem"):
                    out |= self.item_labels(frames)
                else:
                    out |= self.labels.get(n, set()) & PROPAGATE
        return out

    def item_labels(self, frames: tuple[Frame, ...]) -> set[str]:
        """Labels of `$_` in the innermost ForEach-Object block."""
        for fr in reversed(frames):
            if fr.kind == "each":
                return self.frame_labels.get(id(fr), set())
            if fr.kind in ("func", "where"):
                break
        return set()

    def arg_labels(self, a: Arg | None, frames: tuple[Frame, ...]) -> set[str]:
        if a is None:
            return set()
        out = self.span_labels(a.start, a.end, frames)
        v = a.text
        if self.is_self(v, frames):
            out = out | {"self"}
        elif self.is_selfdir(v, frames):
            out = out | {"selfdir"}
        return out

    def _label_vars(self) -> None:
        frames_each = [f for st in self.stmts for f in st.frames[-1:] if f.kind in ("each", "foreach")]
        seen: set[int] = set()
        frs = []
        for f in frames_each:
            if id(f) not in seen:
                seen.add(id(f))
                frs.append(f)
        for _round in range(4):
            changed = False
            for n, vals in self.assign.items():
                have = self.labels.setdefault(n, set())
                for a, b, st in vals:
                    text = self.text[a:b]
                    new = set(self.span_labels(a, b, st.frames))
                    if self.is_self(text, st.frames):
                        new.add("self")
                    elif self.is_selfdir(text, st.frames):
                        new.add("selfdir")
                    if self.is_selfname(text, st.frames):
                        new.add("selfname")
                    new -= have
                    if new:
                        have |= new
                        changed = True
                        self._version += 1
            for fr in frs:
                if fr.header_span is None:
                    continue
                labs = self.span_labels(fr.header_span[0], fr.header_span[1], ()) & PROPAGATE
                if fr.kind == "foreach" and fr.var:
                    have = self.labels.setdefault(fr.var, set())
                    if labs - have:
                        have |= labs
                        changed = True
                        self._version += 1
                elif fr.kind == "each":
                    have = self.frame_labels.setdefault(id(fr), set())
                    if labs - have:
                        have |= labs
                        changed = True
                        self._version += 1
            if not changed:
                break

    # -- exact values ----------------------------------------------------------------------------
    def _var_of(self, v: str) -> str | None:
        return var_of(v)

    def _decided(self, v: str, atom, label: str, depth: int) -> tuple[bool | None, str]:
        """(True or False when the text's own spelling or its variable's label decides, else
        None; the text without quotes and grouping) for `is_self`, `is_selfdir`, `is_selfname`."""
        if len(v) > MAX_PATH_TEXT:
            return False, ""
        c = core(v)
        if not c or depth > 3:
            return False, c
        if atom.match(c):
            return True, c
        n = self._var_of(c)
        if n is not None:
            return label in self.labels.get(n, ()), c
        return None, c

    def is_self(self, v: str, frames: tuple[Frame, ...] = (), depth: int = 0) -> bool:
        known, c = self._decided(v, _SELF_ATOM, "self", depth)
        if known is not None:
            return known
        for rx in (_JOIN, _COMBINE):
            m = rx.match(c)
            if m:
                return self.is_selfdir(m.group(1), frames, depth + 1) and self.is_selfname(m.group(2), frames, depth + 1)
        m = _CONCAT.match(c)
        if m:
            right = m.group(3)
            if m.group(2) is None:
                u = _unquote_token(right)
                if u[:1] in "\\/":
                    right = u[1:]
                elif not right.startswith("$"):
                    return False
            return self.is_selfdir(m.group(1), frames, depth + 1) and self.is_selfname(right, frames, depth + 1)
        # "$PSScriptRoot\own.ps1", "$dir/$($MyInvocation.MyCommand.Name)"
        k = _last_sep(c)
        if k > 0:
            return self.is_selfdir(c[:k], frames, depth + 1) and self.is_selfname(c[k + 1:], frames, depth + 1)
        return False

    def is_selfdir(self, v: str, frames: tuple[Frame, ...] = (), depth: int = 0) -> bool:
        known, c = self._decided(v, _SELFDIR_ATOM, "selfdir", depth)
        if known is not None:
            return known
        m = _SPLIT_PATH.match(c)
        if m:
            rest = m.group(1)
            if _LEAFLIKE.search(rest):
                return False
            rest = _SPLIT_FLAGS.sub(" ", rest).strip()
            return self.is_self(rest, frames, depth + 1)
        m = _DIRNAME.match(c)
        if m and _balanced(m.group(1)):
            return self.is_self(m.group(1), frames, depth + 1)
        m = _DIR_MEMBER.match(c)
        if m:
            return self.is_self(m.group(1), frames, depth + 1)
        m = _PIPE_SPLIT.match(c)
        if m:
            return self.is_self(m.group(1), frames, depth + 1)
        # the folder's content: "$PSScriptRoot\*"
        m = _DIR_STAR.match(c)
        if m:
            return self.is_selfdir(m.group(1), frames, depth + 1)
        m = _JOIN.match(c)
        if m and _unquote_token(m.group(2)) in ("*", "."):
            return self.is_selfdir(m.group(1), frames, depth + 1)
        return False

    def is_selfname(self, v: str, frames: tuple[Frame, ...] = (), depth: int = 0) -> bool:
        known, c = self._decided(v, _SELFNAME_ATOM, "selfname", depth)
        if known is not None:
            return known
        u = _unquote_token(c)
        if self.own and u.lower() == self.own:
            return True
        m = _SPLIT_PATH.match(c)
        if m and _LEAF.search(m.group(1)):
            rest = _LEAF_FLAGS.sub(" ", m.group(1)).strip()
            return self.is_self(rest, frames, depth + 1)
        m = _FILENAME.match(c)
        if m and _balanced(m.group(1)):
            return self.is_self(m.group(1), frames, depth + 1)
        m = _NAME_MEMBER.match(c)
        if m and m.group(1).startswith(("(", "$(")):
            return self.is_self(m.group(1), frames, depth + 1)
        return False

    def mentions_self(self, text: str, frames: tuple[Frame, ...] = ()) -> bool:
        """Whether a command line or code text names the script's own file (an atom or a
        variable holding it, not followed by a change such as `-replace`, and not an argument
        inside a `$( )` that computes something else, such as `$(Split-Path $me -Leaf)`)."""
        groups = _subexpr_spans(text) if "$(" in text else []

        def inside(at: int) -> bool:
            return any(a < at < b for a, b in groups)

        for m in _SELF_MENTION.finditer(text):
            if not _MODIFIERS.match(text, m.end()) and not inside(m.start()):
                return True
        for m in _VARREF.finditer(text):
            n = (m.group(1) or m.group(2)).lower()
            if "self" in self.labels.get(n, ()) and not _MODIFIERS.match(text, m.end()) and \
                    not text[m.end():m.end() + 1] == "." and not inside(m.start()):
                return True
        for a, b in groups[:20]:
            if self.is_self(text[a + 2:b - 1], frames):
                return True
        if "join-path" in text.lower():
            for g in re.finditer(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)", text):
                if self.is_self(g.group(1), frames):
                    return True
        return False

    def mentions_selfcontent(self, text: str, frames: tuple[Frame, ...] = ()) -> bool:
        return "selfcontent" in self.text_labels(text, frames)

    # -- binding -----------------------------------------------------------------------------------
    def bind(self, st: Stmt) -> dict[str, Arg]:
        """Parameter name → argument for a cmdlet call; positionals go to the table's positions,
        the ones left over are under '_1', '_2'…"""
        name = self.cmd(st)
        spec = SPECS.get(name)
        out: dict[str, Arg] = {}
        pos: list[Arg] = []
        args = st.args[1:]
        i = 0
        while i < len(args):
            a = args[i]
            if a.param and not a.quoted:
                p, takes = _resolve_param(spec, a.param)
                nxt = args[i + 1] if i + 1 < len(args) else None
                if a.attached:
                    off = a.text.find(":") + 1
                    out.setdefault(p, Arg(a.start + off, a.end, a.text[off:], a.attached,
                                          quoted=a.attached[:1] if a.attached[:1] in "'\"" else ""))
                    i += 1
                    continue
                if takes is False or nxt is None or (takes is None and nxt.param and not nxt.quoted):
                    out.setdefault(p, Arg(a.start, a.end, "$true", "$true"))
                    i += 1
                    continue
                out.setdefault(p, nxt)
                i += 2
                continue
            if a.text.startswith("@") and len(a.text) > 1 and a.text[1:2].isalpha():
                for k, v in self.splat(a.text[1:].lower()).items():
                    p, _takes = _resolve_param(spec, k)
                    out.setdefault(p, v)
                i += 1
                continue
            pos.append(a)
            i += 1
        k = 0
        for pname in (spec.positional if spec else ()):
            if pname in out:
                continue
            if k < len(pos):
                out[pname] = pos[k]
                k += 1
        for j, a in enumerate(pos[k:], 1):
            out[f"_{j}"] = a
        return out

    def splat(self, var: str) -> dict[str, Arg]:
        """The entries of a hashtable literal assigned to `var`."""
        out: dict[str, Arg] = {}
        for a, b, _st in self.assign.get(var, ())[:2]:
            if self.text.startswith("@{", a):
                self._entries(a, b, out)
        return out

    def hash_entries(self, a: Arg | None) -> dict[str, Arg]:
        """Entries of a hashtable argument (`@{ CommandLine = '…' }`) or of a variable holding one."""
        if a is None:
            return {}
        if a.group is not None and a.group.kind == "hash":
            out: dict[str, Arg] = {}
            self._entries(a.group.start, a.end, out)
            return out
        n = self._var_of(a.text)
        return self.splat(n) if n else {}

    def _entries(self, a: int, b: int, out: dict[str, Arg]) -> None:
        """`key = value` entries directly inside the hashtable opened at `a`."""
        for s in self.stmts_in(a, b):
            if not s.key or not s.frames or s.frames[-1].kind != "hash" or s.frames[-1].start != a or not s.args:
                continue
            v0 = s.args[0].start
            end = s.end
            nxt = s
            guard = 0
            while nxt.sep == "|" and guard < 16:  # a pipeline as the value
                later = [x for x in self.stmts_in(nxt.end, b) if x.pipe_prev is nxt]
                if not later:
                    break
                nxt = later[0]
                end = nxt.end
                guard += 1
            vt = self.text[v0:end]
            if len(s.args) == 1 and end == s.end:
                one = s.args[0]
                arg = Arg(one.start, one.end, one.text, one.value, quoted=one.quoted, inner=one.inner,
                          group=one.group, block=one.block, items=one.items, var=one.var)
            else:
                arg = Arg(v0, end, vt, " ".join(x.value for x in s.args))
            out.setdefault(s.key.lower(), arg)

    def words(self, a: Arg | None, depth: int = 0) -> str:
        """An argument list as the command line it becomes: a comma list, an `@( )` array or a
        variable holding one, flattened into its values separated by spaces."""
        if a is None:
            return ""
        if a.group is not None and a.group.kind in ("array", "paren") and depth < 2:
            parts = []
            for s in self.in_frame.get(id(a.group), [])[:50]:
                if s.frames and s.frames[-1] is a.group:
                    for x in s.args:
                        parts += [self._word(i) for i in x.items] if x.items else [self._word(x)]
            return " ".join(parts)
        if a.items:
            return " ".join(self._word(i) for i in a.items)
        n = self._var_of(a.text)
        if n and depth < 2 and len(self.assign.get(n, ())) == 1:
            s0, e0, st = self.assign[n][0]
            if self.text.startswith("@(", s0) and st.args and st.args[0].group is not None:
                return self.words(st.args[0], depth + 1)
        return a.value

    def _word(self, a: Arg) -> str:
        """A value as a command-line word: quoted again when it holds spaces."""
        v = a.value
        return f'"{v}"' if " " in v and not v.startswith(('"', "'")) else v

    # -- values ------------------------------------------------------------------------------------
    def expand(self, text: str, depth: int = 0) -> str:
        """A value with `$name` replaced by what the variable was assigned (all assignments,
        joined), two levels deep, bounded; used to judge paths, never to run anything."""
        if "$" not in text or depth > 2 or len(text) > 2000:
            return text
        key = text if depth == 0 else ""
        if key and key in self._expand_cache:
            return self._expand_cache[key]

        def sub(m):
            n = (m.group(1) or m.group(2)).lower()
            vals = self.assign.get(n)
            if not vals:
                loop = self.loop_values.get(n)
                return self.expand(loop, depth + 1) if loop else m.group(0)
            joined = " | ".join(self.text[a:b][:300] for a, b, _st in vals[:3])
            return self.expand(joined, depth + 1)

        out = _VARREF.sub(sub, text)[:4000]
        if key and len(self._expand_cache) < 5000:
            self._expand_cache[key] = out
        return out


_SELF_MENTION = lazy_re(
    r"(?i)\$(?:script:|global:)?pscommandpath\b|\$\{(?:script:)?pscommandpath\}|"
    r"\$(?:script:|pscmdlet\.)?myinvocation\.mycommand\.(?:path|definition|source)\b|"
    r"\$(?:script:)?myinvocation\.(?:pscommandpath|scriptname)\b")


def var_of(v: str) -> str | None:
    """The variable a text is, alone (lower-case, scope dropped), or None."""
    return _var_of(v) if len(v) <= 300 else None


@lru_cache(maxsize=2048)
def _var_of(v: str) -> str | None:
    m = _VAR_ONLY.fullmatch(v.strip())
    return (m.group(1) or m.group(2)).lower() if m else None


def _subexpr_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the outermost `$( … )` groups of a text (bounded)."""
    out = []
    i = text.find("$(")
    while i != -1 and len(out) < 50:
        depth = 0
        j = i + 1
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        out.append((i, min(j + 1, len(text))))
        i = text.find("$(", j + 1)
    return out


def _last_sep(c: str) -> int:
    """Offset of the last `\\` or `/` of a path written as text, outside `$( )`; -1 if none."""
    depth = 0
    last = -1
    for i, ch in enumerate(c):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in "\\/" and depth == 0:
            last = i
    return last


def call_args(text: str, open_paren: int, limit: int = 4000) -> list[tuple[int, int]]:
    """Spans of the top-level arguments of the call whose `(` is at `open_paren`."""
    depth = 0
    q = ""
    out = []
    start = open_paren + 1
    for j in range(open_paren, min(len(text), open_paren + limit)):
        ch = text[j]
        if q:
            if ch == q:
                q = ""
            elif ch == "`":
                continue
            continue
        if ch in "'\"":
            q = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                if text[start:j].strip():
                    out.append((start, j))
                return out
        elif ch == "," and depth == 1:
            out.append((start, j))
            start = j + 1
    return out


def strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e

