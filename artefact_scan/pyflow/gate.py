"""The textual gate in front of the flow analysis: which files can hold a chain at all.

Every chain needs a *source* and a *sink* and a few chains need a third ingredient (code-file
enumeration, an endless loop, a handler).  Each chain is a conjunction of literal groups over
the lower-cased text; a file is parsed only when one conjunction holds.  The source group is
sharpened beyond the bare literal: `__file__` counts only where it is not part of the
resource-folder idiom (`dirname(__file__)`, `Path(__file__).parent`) and not another module's
attribute (`os.__file__`), and `sys.argv` only where argv[0] or the whole command line is used.
A file whose only use of `__file__` is the idiom can still reach the chains that work on one's
own *folder* (copying or uploading it).
"""
from __future__ import annotations

import re

_BARE_FILE = re.compile(r"(?<![\w.'\"])__file__(?![\w'\"])")
_IDIOM_BEFORE = re.compile(
    r"(?:dirname|parent_dir|split)\(\s*(?:os\.path\.)?(?:(?:abspath|realpath|normpath)\(\s*)?\Z"
    r"|(?:Path|PurePath)\(\s*\Z", re.S)
_IDIOM_AFTER = re.compile(r"\A\s*\)*\s*(?:\)\s*(?:\.(?:resolve|absolute)\(\s*\))?\s*\.parents?\b)?")
_ARGV_SELF = re.compile(r"argv\s*\[\s*0\s*\]|argv\s*\[\s*:\s*\](?!\s*=[^=])|[+*]\s*sys\.argv\b(?!\s*\[)|sys\.argv\s*\+"
                        r"|\[\s*sys\.executable\s*,\s*sys\.argv|(?<![\w.])(?!len\(|print\()\w+\(\s*sys\.argv\s*\)"
                        r"|=\s*sys\.argv\s*$", re.M)
# argv[0] as the program's name in a message: not a use of its own file
_ARGV_NAME = re.compile(r"(?:basename\(\s*(?:sys\.)?|%\s*\(?\s*(?:sys\.)?|prog\w*\s*=\s*(?:\w+\()?(?:sys\.)?)\Z")

SELF_READ = ("getsource", "__loader__.get_source", "__spec__.origin", "sys.modules[__name__]", "/proc/self/exe",
             "find_spec(__name__)")
_FRAME_FILE = re.compile(r"(?:_getframe|currentframe)\(\s*\)\s*\.\s*f_code\s*\.\s*co_filename|getfile\(\s*(?:inspect\.)?currentframe")
# a string formatted with itself: the quine shape (`s % s`, `s % (s,)`, `s.format(s)`)
_PCT_RIGHT = re.compile(r"%\s*\(?\s*([A-Za-z_]\w*)\b")
_FMT_RIGHT = re.compile(r"\.format\(\s*(?:\w+\s*=\s*)?([A-Za-z_]\w*)\b")
_NAME_LEFT = re.compile(r"([A-Za-z_]\w*)\s*\Z")


def quine_shape(text: str) -> bool:
    for pat in (_PCT_RIGHT, _FMT_RIGHT):
        for n, m in enumerate(pat.finditer(text)):
            if n > 5000:
                break
            left = _NAME_LEFT.search(text, max(0, m.start() - 40), m.start())
            if left and left.group(1) == m.group(1):
                return True
    return False


ENUM = ("glob", "walk(", "listdir", "scandir", "iterdir")
WRITE = ("write", "copy", "open(", "move(")
CODE_EXT = (".py", ".sh", ".js", ".rb", ".pl", ".php", ".ps1", ".bat", ".ts", ".lua", ".vbs")
SPAWN = ("popen", "subprocess", "system(", "spawn", "exec", "startfile", "pexpect")
COPYISH = ("copy", "write", "move(")
FORKS = ("fork(", "process(target", "process(name", "process(args")
ENDLESS = ("while true", "while 1", "count()", "cycle(")
HANDLER = ("signal(", "atexit")
REMOTE = ("paramiko", "sftp", "scp", "fabric", "ftplib", "pexpect", "pxssh", "'ssh", '"ssh', "rsync",
          "asyncssh", "telnetlib", "ssh ")
DISCOVER = ("ip_network", "known_hosts", "nmap", "hosts()", "arp", "_history", ".ssh/", "ip_address")
ASSET = ("safetensors", ".gguf", ".ggml", ".ckpt", "weights", "system_prompt", "system-prompt", "agents.md",
         "claude.md", "memory/", "memory.md", "memory.json", "memory.txt", "memory.db", "scaffold", "agent/",
         "agent_dir", "/agent", "huggingface", "consolidated", "prompt.txt", "prompt.md", "memories",
         ".cursorrules", "instructions.md", ".bin'", '.bin"', ".pt'", '.pt"', ".pth'", '.pth"', ".onnx", ".h5'",
         '.h5"', "models--", "scratchpad")
UPLOAD = ("requests", "upload", "boto", "sftp", "scp", "rsync", "s3", "socket", "httpx", "urlopen", "curl",
          "put_object", "push_to_hub", "storbinary", "gsutil", "rclone", "paramiko", "fabric")
PERSIST = ("crontab", "cron", "systemd", "bashrc", "profile", ".pth", "sitecustomize", "usercustomize",
           "hooks", "autostart", "launchagents", "winreg", "authorized_keys", "rc.local", "init.d",
           "schtasks", "currentversion", "zshrc")
LLM = ("openai", "anthropic", "ollama", "completions", "messages.create", "litellm", "generate_content",
       "llm", "/v1/", "/api/generate", "/api/chat")
REPLICA = ("vllm", "ollama", "llama-server", "llama_cpp", "text-generation", "sglang", "claude", "codex",
           "aider", "gemini", "api_server", "lmdeploy", "openhands", "--port", "goose")
CLOUD = ("run_instances", "kubernetes", "kubectl", "gcloud", "'ec2'", '"ec2"', "create_namespaced",
         "az vm", "instances().insert")
FOLDER_SINKS = ("copytree", "copy_tree", "make_archive", "upload", "sftp", "rsync", "scp")


# Words that most Python files contain: checked with `in` (which stops at the first hit) and only
# after a rarer anchor was found; every other literal goes through one multi-literal pass.
COMMON = frozenset(WRITE + COPYISH + SPAWN + ENUM + CODE_EXT + ("s3", "socket", "requests",
                                                                 "profile", "hooks", "upload"))
_RARE = sorted({lit for group in (SELF_READ, FORKS, ENDLESS, HANDLER, REMOTE, DISCOVER, ASSET, UPLOAD, PERSIST,
                                  LLM, REPLICA, CLOUD, FOLDER_SINKS,
                                  ("__file__", "argv", "%r", "!r}", "co_filename", "currentframe", "copytree",
                                   "detach", "start_new_session", "nohup", "setsid", "devnull", "--port"))
                for lit in group if lit not in COMMON})
_AUTOMATON = None


def _automaton():
    """An Aho-Corasick automaton over the rare literals (pyahocorasick), or False without it."""
    global _AUTOMATON
    if _AUTOMATON is None:
        try:
            import ahocorasick
        except ImportError:
            _AUTOMATON = False
        else:
            a = ahocorasick.Automaton()
            for lit in _RARE:
                a.add_word(lit, lit)
            a.make_automaton()
            _AUTOMATON = a
    return _AUTOMATON


class Present:
    """Which literals occur in a lower-cased text, computed in one pass for the rare ones."""

    __slots__ = ("low", "found")

    def __init__(self, low: str):
        self.low = low
        a = _automaton()
        if a:
            self.found = {lit for _end, lit in a.iter(low)}
        else:
            self.found = {lit for lit in _RARE if lit in low}

    def any(self, lits) -> bool:
        found, low = self.found, self.low
        for lit in lits:
            if lit in found or (lit in COMMON and lit in low):
                return True
        return False


def _fork_in_loop(low: str) -> bool:
    """A fork or process start within a few lines after an endless loop header."""
    for lit in FORKS:
        i = low.find(lit)
        n = 0
        while i != -1 and n < 200:
            n += 1
            window = low[max(0, i - 600):i]
            if any(e in window for e in ENDLESS):
                return True
            i = low.find(lit, i + 1)
    return False


def self_source(text: str, has: Present) -> tuple[bool, bool]:
    """(own file or code may be used, own folder may be used)."""
    f = has.found
    strong = has.any(SELF_READ)
    if not strong and ("%r" in f or "!r}" in f) and quine_shape(text):
        strong = True
    if not strong and ("co_filename" in f or "currentframe" in f) and _FRAME_FILE.search(text):
        strong = True
    folder = False
    if not strong and "__file__" in f:
        for m in _BARE_FILE.finditer(text):
            before = text[max(0, m.start() - 60):m.start()]
            line_head = before[before.rfind("\n") + 1:]
            if "#" in line_head and "'" not in line_head and '"' not in line_head:
                continue  # in a comment
            if _IDIOM_BEFORE.search(before):
                folder = True
                continue
            strong = True
            break
    if not strong and "argv" in f:
        for m in _ARGV_SELF.finditer(text):
            if _ARGV_NAME.search(text, max(0, m.start() - 30), m.start()):
                continue
            strong = True
            break
    return strong, folder or strong


def candidate(text: str, low: str) -> bool:
    """Can this Python text hold any self-replication chain?"""
    has = Present(low)
    _any = Present.any
    low = has
    strong, folder = self_source(text, has)
    if strong:
        if _any(low, ENUM) and _any(low, WRITE) and _any(low, CODE_EXT):
            return True
        if _any(low, COPYISH) and _any(low, SPAWN):
            return True
        if _any(low, HANDLER):
            return True
        if _any(low, REMOTE) or _any(low, PERSIST) or _any(low, LLM) or _any(low, UPLOAD):
            return True
        if _any(low, SPAWN) and _any(low, ENDLESS):
            return True
    elif folder and _any(low, FOLDER_SINKS):
        return True
    if _any(low, FORKS) and _any(low, ENDLESS) and _fork_in_loop(has.low):
        return True
    if _any(low, REMOTE) and _any(low, DISCOVER):
        return True
    if _any(low, ASSET) and (_any(low, UPLOAD) or _any(low, REPLICA)):
        return True
    if _any(low, REPLICA) and _any(low, ("popen", "system(", "subprocess", "spawn")):
        if _any(low, ("copy", "detach", "start_new_session", "nohup", "setsid", "devnull", "while true",
                      "crontab", "--port")):
            return True
    if _any(low, CLOUD):
        return True
    return False
