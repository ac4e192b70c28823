"""The textual gate in front of the flow analysis: which files can hold a chain at all.

Every chain needs a *source* and a *sink*, and some need a third ingredient (code-file
enumeration near a code extension, a fork inside an endless loop, a termination handler).  Each
chain is a conjunction of literal groups over the lower-cased text, and a file is parsed only
when one conjunction holds.

The source test is sharper than the bare literal: `__file__` counts only where it is not part
of the resource-folder idiom (`dirname(__file__)`, `Path(__file__).parent`), not another
module's attribute (`os.__file__`) and not in a comment; `sys.argv` only where argv[0] or the
whole command line is used, and not as the program's name in a message; a `%r`/`!r}` only
when a string is formatted with itself.  A file whose only use of `__file__` is the idiom can
still reach the chains that act on one's own *folder* (copying or uploading it).

Speed: `str.__contains__` scans at memory speed (about 2 GB/s here), so the groups are ordered
to let most files leave after a dozen scans; a multi-literal automaton (pyahocorasick) measured
~50 MB/s on the same text and only pays beyond ~35 literals, which the ordering avoids.
"""
from __future__ import annotations

import re

from ..lazyregex import lazy_re

_IDIOM_BEFORE = lazy_re(
    r"(?:dirname|parent_dir|split)\(\s*(?:os\.path\.)?(?:(?:abspath|realpath|normpath)\(\s*)?\Z", re.S)
_PATH_BEFORE = lazy_re(r"(?:Path|PurePath)\(\s*\Z")
_PATH_PARENT_AFTER = lazy_re(r"\A\s*\)(?:\s*\.\s*(?:resolve|absolute|expanduser)\(\s*\))*\s*\.\s*parents?\b")
_ARGV_SELF = lazy_re(r"argv\s*\[\s*0\s*\]|argv\s*\[\s*:\s*\](?!\s*=[^=])|[+*]\s*sys\.argv\b(?!\s*\[)|sys\.argv\s*\+"
                        r"|\[\s*sys\.executable\s*,\s*sys\.argv|(?<![\w.])(?!len\(|print\()\w+\(\s*sys\.argv\s*\)"
                        r"|=\s*sys\.argv\s*$", re.M)
# argv[0] as the program's name in a message: not a use of its own file
_ARGV_NAME = lazy_re(r"(?:basename\(\s*(?:sys\.)?|%\s*\(?\s*(?:sys\.)?|prog\w*\s*=\s*(?:\w+\()?(?:sys\.)?)\Z")
_FRAME_FILE = lazy_re(r"(?:_getframe|currentframe)\(\s*\)\s*\.\s*f_code\s*\.\s*co_filename")
# a string formatted with itself: the quine shape (`s % s`, `s % (s,)`, `s.format(s)`)
_PCT_RIGHT = lazy_re(r"%\s*\(?\s*([A-Za-z_]\w*)\b")
_FMT_RIGHT = lazy_re(r"\.format\(\s*(?:\w+\s*=\s*)?([A-Za-z_]\w*)\b")
_NAME_LEFT = lazy_re(r"([A-Za-z_]\w*)\s*\Z")

SELF_READ = ("getsource", "__vsc_ipynb_file__", "__loader__.get_source", "__spec__.origin", "inspect.stack()", "getframeinfo(")
# spellings of its own path that hold `__file__` without being the bare name
FILE_VARIANTS = ("sys.modules[__name__].__file__", "__main__.__file__", "'__main__'].__file__",
                 '"__main__"].__file__', "['__file__']", '["__file__"]', "get('__file__'", 'get("__file__"')
_GETATTR_FILE = lazy_re(r"getattr\(\s*[\w.\[\]]+\s*,\s*['\"]__file__['\"]\s*\)")
ENUM = ("glob", "walk(", "listdir", "scandir", "iterdir")
WRITE = ("write", "copy", "open(", "move(")
CODE_EXT = (".py", ".sh", ".js", ".rb", ".pl", ".php", ".ps1", ".bat", ".ts", ".lua", ".vbs")
SPAWN = ("popen", "subprocess", "system(", "spawn", "exec", "startfile", "pexpect")
COPYISH = ("copy(", "copyfile", "copy2", "copytree", "'cp ", '"cp ', "cp -", "cp {", "cp %", "cp $", "write", "move(")
FORKS = ("fork(", "process(")
ENDLESS = ("while true", "while 1", "count()", "cycle(")
HANDLER = ("signal(", "atexit")
REMOTE = ("paramiko", "sftp", "scp", "fabric", "ftplib", "pexpect", "pxssh", "ssh ", "'ssh", '"ssh', "rsync",
          "telnetlib", "asyncssh")
DISCOVER = ("ip_network", "known_hosts", "nmap", "_history", "hosts()")
DISCOVER_CMD = ("ip neigh", "arp -")
# stems of agent-asset names; a hit is confirmed by the path-like neighbourhood in _ASSET_PATH
# (the stems common in ordinary code first: a scan stops at the first one found)
ASSET = ("memor", "prompt", "agent", "safetensors", "gguf", "ckpt", "weights", "scaffold", "consolidated",
         "pytorch_model", "scratchpad", "cursorrules", "models--")
_ASSET_PATH = lazy_re(r"safetensors|gguf|ckpt|consolidated|pytorch_model|models--|cursorrules"
                         r"|[/\\]weights|weights[/\\]|system[-_]?prompt|prompt\.(?:txt|md)|[/\\]prompts?[/\\]"
                         r"|memory[/\\.]|memories|scratchpad|scaffold|agents\.md|claude\.md|[/\\]agents?[/\\'\"]"
                         r"|agents?[/\\]|agent_dir")
UPLOAD = ("requests", "upload", "boto", "smtp", "sftp", "scp", "rsync", "'s3'", '"s3"', "s3://", "aws s3", "httpx", "urlopen",
          "curl ", "'curl'", '"curl"', "put_object",
          "push_to_hub", "storbinary", "gsutil", "rclone", "paramiko", "fabric")
PERSIST = ("cron", "systemd", "bashrc", ".profile", "bash_profile", ".pth", "sitecustomize", "usercustomize",
           "git/hooks", "hookspath", "autostart", "launchagents", "winreg", "authorized_keys", "rc.local", "init.d",
           "schtasks", "currentversion", "zshrc")
LLM = ("openai", "anthropic", "ollama", "completions", "messages.create", "litellm", "generate_content",
       "/chat", "/api/generate")
REPLICA = ("vllm", "ollama", "llama", "claude", "codex", "aider", "gemini", "sglang")
CLOUD = ("run_instances", "kube", "ec2")
CLOUD_CMD = ("gcloud", "az vm")
_PUBLISH_CMD = lazy_re(r"twine|(?:npm|yarn|pnpm|poetry|uv|flit)\W+publish|gem\W+push|cargo\W+publish")
_CLOUD_WORD = lazy_re(r"\bec2\b|run_instances|kube(?:ctl|rnetes)|gcloud|az\s+vm")
PUBLISH = ("twine", "publish")
MANIFESTS = ("setup.py", "setup.cfg", "pyproject.toml", "package.json", "cargo.toml", ".gemspec")
SUCCESSOR = ("_new", "next_", "replacement", "successor", "_v2", "/v2", "v2/", "_v3", "/v3", "/new")
OVERSIGHT = ("oversight", "monitoring", "audit_", "auditing", "'audit'", '"audit"', "guardrail", "kill_switch",
             "killswitch", "human_approval", "require_approval", "approval_required", "safety_check", "supervis")
OFF_VALUES = ("false", "off", "'0'", '"0"', "disable", "no'", 'no"')
CONFIG_EXT = (".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".env")
# what every chain without a self source acts through: processes, sockets, HTTP, SSH, cloud clients
ACTION = ("subprocess", "system(", "popen", "spawn", "socket", "request", "smtp", "paramiko", "fabric", "boto",
          "kube", "http", "pexpect", "ftplib", "huggingface", "google", "scp", "ssh", "sh.", "plumbum", "upload")
FOLDER_SINKS = ("copytree", "copy_tree", "make_archive", "upload", "sftp", "rsync", "scp")
STARTERS = ("popen", "system(", "subprocess", "spawn")
DETACHING = ("start_new_session", "setsid", "nohup", "detached_process", "setpgrp", "process_group")
DETACH = ("copy", "detach", "start_new_session", "nohup", "setsid", "devnull", "while true", "cron", "--port")


# Short strings inside several literals and absent from most files: one scan for an anchor that
# is not there answers for every literal holding it ("ssh" for "'ssh", "pxssh", "asyncssh", …).
ANCHORS = ("cp ", "ssh", "audit", "approval", "kill", "curl", "s3", "bash", "customize", "llama")
_INSIDE: dict[str, tuple[str, ...]] = {}


def _anchors_in(lit: str) -> tuple[str, ...]:
    subs = _INSIDE.get(lit)
    if subs is None:
        subs = _INSIDE[lit] = tuple(a for a in ANCHORS if a in lit and a != lit)
    return subs


class Present:
    """Literal presence in a lower-cased text, each literal scanned at most once."""

    __slots__ = ("low", "seen")

    def __init__(self, low: str):
        self.low = low
        self.seen: dict[str, bool] = {}

    def has(self, lit: str) -> bool:
        v = self.seen.get(lit)
        if v is None:
            # a literal holding an absent anchor is absent: no scan
            for a in _anchors_in(lit):
                if not self.has(a):
                    v = False
                    break
            else:
                v = lit in self.low
            self.seen[lit] = v
        return v

    def any(self, lits) -> bool:
        for lit in lits:
            if self.has(lit):
                return True
        return False


def quine_shape(text: str) -> bool:
    for pat in (_PCT_RIGHT, _FMT_RIGHT):
        for n, m in enumerate(pat.finditer(text)):
            if n > 5000:
                break
            left = _NAME_LEFT.search(text, max(0, m.start() - 40), m.start())
            if left and left.group(1) == m.group(1) and text[left.start() - 1:left.start()] not in ("%", "{", "\\", "."):
                return True
    return False


def _near(low: str, anchors, others, before: int, after: int, limit: int = 300) -> bool:
    """One of `others` within `before`/`after` characters of an occurrence of one of `anchors`."""
    for lit in anchors:
        i = low.find(lit)
        n = 0
        while i != -1 and n < limit:
            n += 1
            window = low[max(0, i - before):i + len(lit) + after]
            if any(o in window for o in others):
                return True
            i = low.find(lit, i + 1)
    return False


_TARGET = lazy_re(r"target\s*=\s*(?:self\.|cls\.)?([A-Za-z_]\w*)")


def _self_target(text: str) -> bool:
    """`Process(target=f)` written inside `def f`: a function that starts itself again."""
    for n, m in enumerate(_TARGET.finditer(text)):
        if n > 200:
            break
        name = m.group(1)
        if name in ("self", "cls"):
            continue
        head = text.rfind("def " + name + "(", 0, m.start())
        if head == -1:
            continue
        line_start = text.rfind("\n", 0, head) + 1
        indent = text[line_start:head]
        if indent.strip():
            continue
        # no statement at the def's own indentation between the def and the target: inside its body
        if not re.search("\n" + re.escape(indent) + r"[^\s#]", text[head:m.start()]):
            return True
    return False


def self_source(text: str, has: Present) -> tuple[bool, bool]:
    """(own file or code may be used, own folder may be used)."""
    if has.any(SELF_READ):
        return True, True
    if has.has("__file__") and has.any(FILE_VARIANTS):
        return True, True
    if (has.has("%r") or has.has("!r}")) and quine_shape(text):
        return True, True
    if has.has("co_filename") and _FRAME_FILE.search(text):
        return True, True
    if has.has("getattr(") and ("'__file__'" in text or '"__file__"' in text) and _GETATTR_FILE.search(text):
        return True, True
    folder = False
    if has.has("__file__"):
        i = text.find("__file__")
        n = 0
        while i != -1 and n < 2000:
            n += 1
            at, end = i, i + 8
            i = text.find("__file__", end)
            prev = text[at - 1:at]
            nxt = text[end:end + 1]
            if (prev and (prev.isalnum() or prev in "_.'\"")) or (nxt and (nxt.isalnum() or nxt in "_'\"")):
                continue  # another module's attribute, a longer name, or a string
            before = text[max(0, at - 60):at]
            line_head = before[before.rfind("\n") + 1:]
            if "#" in line_head and "'" not in line_head and '"' not in line_head:
                continue  # in a comment
            if _IDIOM_BEFORE.search(before) or (_PATH_BEFORE.search(before)
                                                 and _PATH_PARENT_AFTER.match(text, end, end + 80)):
                folder = True
                continue
            return True, True
    if has.has("argv"):
        i = text.find("argv")
        n = 0
        while i != -1 and n < 2000:
            n += 1
            lo = max(0, i - 30)
            m = _ARGV_SELF.search(text, lo, i + 40)
            i = text.find("argv", i + 4)
            if m is None or _ARGV_NAME.search(text, max(0, m.start() - 30), m.start()):
                continue
            return True, True
    return False, folder


def candidate(text: str, low: str) -> bool:
    """Can this Python text hold any self-replication chain?"""
    has = Present(low)
    strong, folder = self_source(text, has)
    if strong:
        if has.any(HANDLER) and (has.any(SPAWN) or has.any(FORKS) or has.any(COPYISH)):
            return True
        if has.any(REMOTE) or has.any(PERSIST) or has.any(LLM) or has.any(UPLOAD):
            return True
        # the copy and the start of the copy sit close together
        if has.any(COPYISH) and has.any(SPAWN) and _near(low, SPAWN, COPYISH, 2500, 400):
            return True
        # the enumeration, its code-file filter and the write sit close together
        if has.any(ENUM) and has.any(WRITE) and _near(low, ENUM, CODE_EXT, 300, 400) \
                and _near(low, ENUM, WRITE, 300, 1500):
            return True
        if has.any(SPAWN) and has.any(ENDLESS):
            return True
        if has.any(SPAWN) and has.any(DETACHING) and has.has("devnull"):
            return True
    elif folder and has.any(FOLDER_SINKS):
        return True
    if has.any(FORKS) and (has.any(ENDLESS) and _near(low, FORKS, ENDLESS, 600, 0) or _self_target(text)):
        return True
    starters = has.any(STARTERS)   # command lines need a process start
    if (has.any(DISCOVER) or (starters and has.any(DISCOVER_CMD))) and has.any(REMOTE):
        return True
    if (has.any(CLOUD) or (starters and has.any(CLOUD_CMD))) and _CLOUD_WORD.search(low):
        return True
    if starters and has.any(REPLICA) and has.any(DETACH):
        return True
    if has.any(ASSET):
        if has.any(SUCCESSOR) and _near(low, SUCCESSOR, ASSET, 80, 80) and _ASSET_PATH.search(low):
            return True
        if (has.any(UPLOAD) or (starters and has.any(REPLICA))) and _ASSET_PATH.search(low):
            return True
    if starters and has.any(PUBLISH) and has.any(MANIFESTS) and _PUBLISH_CMD.search(low):
        return True
    if has.any(OVERSIGHT) and (has.any(CONFIG_EXT) or has.has("environ")) and _near(low, OVERSIGHT, OFF_VALUES, 40, 60):
        return True
    return False
    if has.any(DISCOVER) and has.any(REMOTE):
        return True
    if has.any(CLOUD) and _CLOUD_WORD.search(low):
        return True
    if has.any(PUBLISH) and has.any(MANIFESTS) and _PUBLISH_CMD.search(low):
        return True
    if has.any(STARTERS) and has.any(REPLICA) and has.any(DETACH):
        return True
    if has.any(ASSET) and (has.any(UPLOAD) or has.any(REPLICA)) and _ASSET_PATH.search(low):
        return True
    return False
