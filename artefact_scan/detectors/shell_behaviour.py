"""Self-replication behaviours of shell scripts, as signals over the parsed commands.

Reads the `shell_model.ShellModel` of an artefact (one parse shared by every shell detector) and
emits one signal per behaviour step, located on the command that performs it:

- `sr.sh-self-copy`: the script (or its own directory) copied to a hidden or temporary place, or
  to a place it is then started from; `sr.sh-self-copy-started`: that copy (or the script) being
  started; data `dest`, `how` (nohup, setsid, &, screen -dm …).
- `sr.sh-self-plant`: the script copied into every folder a loop finds (`for d in ../*/`,
  `find … -type d`), data `dest` and `over` (the loop's list)
- `sr.sh-infect`: the script's own text appended or prepended to code files found by
  enumeration (`for f in *.sh` … `cat "$0" >> "$f"`); `sr.sh-infect-marker`: the "already
  infected?" check (`grep -q MARKER "$f"`) in the same loop.
- `sr.sh-self-remote`: the script sent to another machine (`scp "$0" h:`, `ssh h bash -s < "$0"`,
  `cat "$0" | ssh h …`); `sr.sh-self-remote-started`: and started there.
- `sr.sh-ssh-harvested`: ssh/scp/rsync to hosts harvested from the machine (known_hosts,
  ~/.ssh/config, history, /etc/hosts, ARP, nmap, a /24 sweep); `sr.sh-ssh-noverify`: with
  host-key checking or prompts turned off; `sr.sh-remote-fetch-exec`: a remote command that
  downloads and runs code (`ssh h 'curl … | sh'`).
- `sr.sh-trap-respawn`: a `trap` on TERM/INT/HUP/EXIT whose action copies or restarts the script.
- `sr.sh-self-respawn-loop`: an endless loop that starts the script (or its copy) again.
- `sr.sh-asset-upload`: model weights or an agent's own files sent off the machine (scp, rsync,
  `aws s3 cp`, gsutil, rclone, `curl -T`/`-F @`, `nc`, `huggingface-cli upload`).
- `sr.sh-covert`: covering tracks (history cleared or disabled, the script deleting itself,
  logs wiped) or an upload started in the background.
- `sr.sh-agent-bypass` / `sr.sh-agent-unattended`: an agent CLI run headless with its permission
  checks bypassed; unattended when started in the background, in a loop, or from a persistence
  location (cron, systemd, shell rc, hooks…).
- `sr.sh-llm-serve-detached`, `sr.sh-asset-copy`: an LLM server started in the background, and a
  copy of weights or of the agent's files (a replica being stood up).
- `sr.sh-persist-write`: text written to a persistence location (crontab, cron.d, systemd unit,
  shell rc/profile, autostart, LaunchAgents, git hooks, `.pth`/sitecustomize);
  `sr.sh-persists-self`: that text runs the script itself or its copy.  The written text becomes
  a child artefact (a crontab, a unit, a command with fact `persisted-command`) so the rules for
  persistence files judge it too.
- `sr.sh-authkeys-append`: a key added to an authorized_keys file.
- `sr.sh-persists-agent`: a persisted command that starts an agent's own program (a script in an
  agent or scaffold folder) with autonomy flags (`--resume`, `--autonomous`, `--yolo`…) or from
  an agent's transcript; `sr.sh-persists-agent-partial` when it is neither detached nor flagged.
- `sr.sh-runs-hidden`: a program started from a temporary or hidden directory;
  `sr.sh-fetch-exec`: code downloaded and run (`curl … | sh`).  Both matter in persisted
  commands.
"""
from __future__ import annotations

import re

from ..model import Segment
from . import detector, facts
from .shell_model import DIR_LOOP, SHELLS, ShellModel, is_interpreter, model_allowed, model_of
from .shell_syntax import Command, Redirect, Word, basename, ssh_parts, unwrap
from ..lazyregex import lazy_re

facts.declare("persisted-command")

SIGNALS = (
    "sr.sh-self-copy", "sr.sh-self-copy-started", "sr.sh-self-plant", "sr.sh-infect", "sr.sh-infect-marker",
    "sr.sh-self-remote", "sr.sh-self-remote-started", "sr.sh-ssh-harvested", "sr.sh-ssh-noverify",
    "sr.sh-remote-fetch-exec", "sr.sh-trap-respawn", "sr.sh-self-respawn-loop",
    "sr.sh-asset-upload", "sr.sh-covert", "sr.sh-agent-bypass", "sr.sh-agent-unattended",
    "sr.sh-llm-serve-detached", "sr.sh-asset-copy", "sr.sh-persist-write", "sr.sh-persists-self",
    "sr.sh-authkeys-append", "sr.sh-runs-hidden", "sr.sh-fetch-exec", "sr.sh-upload-to-bucket",
    "sr.sh-remote-code-exec", "sr.sh-respawn-foreground", "sr.sh-self-relaunch", "sr.sh-oversight-off",
    "sr.sh-cloud-replica", "sr.sh-training-run", "sr.sh-persists-agent", "sr.sh-persists-agent-partial",
)

# Cheap prefilter: a shell artefact with none of these cannot emit a signal (persisted commands
# are always read: they are judged, and linked, whatever they contain).
LITERALS = (
    # self reference
    "$0", "${0", "bash_source", "/proc/self", "/proc/$$", "(%):-%",
    # oversight switched off
    "oversight", "monitor", "audit", "guardrail", "safety", "kill_switch", "killswitch", "falco",
    "osquery", "supervis",
    # compute to replicate onto
    "run-instances", "instances create", "vm create", "droplet create", "server create", "kubectl",
    "docker run",
    # code of other languages run inline
    "python -c", "python3 -c", "node -e", "node --eval",
    # encoded code run by a shell
    "base64 -d", "base64 --decode", "base64 -di", "base64 -D",
    # persistence locations
    "crontab", "/cron.", "cron.d", "systemd/", ".bashrc", ".bash_profile", ".bash_login", ".profile",
    ".zshrc", ".zprofile", ".zshenv", ".zlogin", "profile.d", "rc.local", "init.d/", ".xinitrc",
    "authorized_keys", "autostart", "launchagents", "launchdaemons", "hooks/", "hookspath", ".pth",
    "sitecustomize", "usercustomize", "config.fish", ".envrc",
    # model weights and agent files
    "safetensors", "gguf", "ggml", "ckpt", "huggingface", "pytorch_model", "consolidated", ".claude",
    ".codex", ".gemini", ".aider", ".cursor", ".agent", "system_prompt", "claude.md", "agents.md", "models/",
    "weights", "checkpoint",
    # agent CLIs and LLM servers
    "claude", "codex", "gemini", "aider", "cursor-agent", "copilot", "qwen", "opencode", "goose",
    "openhands", "auggie", "amp ", "vllm", "ollama", "llama", "text-generation", "sglang", "lmdeploy",
)
# ssh alone is everywhere; it matters with harvested hosts or a payload
_SSH_WITH = ("known_hosts", ".ssh/config", "_history", "/etc/hosts", "getent", "arp", "neigh", "nmap",
             "masscan", "fping", "zmap", "254", "base64", "curl", "wget", "bash -s", "sh -s")

WEIGHTS = lazy_re(
    r"(?i)\.(?:safetensors|gguf|ggml|ggu|ckpt)\b|"
    r"(?:^|[/_\-.])(?:pytorch_model|model|weights?|adapter_model|consolidated|tf_model|flax_model|"
    r"checkpoint|ckpt|lora)[\w.\-*]*\.(?:bin|pt|pth|h5|onnx|msgpack|npz|pkl)\b|"
    r"\.cache/huggingface\b|/hub/models--|\bhf_cache\b|\bmodels?/[\w.\-]+/?(?:\s|$|\*)|"
    r"(?:^|/)(?:models|weights|checkpoints|model_weights)/?(?:\s|$)|(?:^|/)(?:weights?|checkpoints?)/[\w.\-]+/?$|"
    # a trainer's checkpoint folder: checkpoint-31500, global_step1200, ckpt_40
    r"(?:^|/)(?:checkpoint|ckpt|global_step|step)[-_]?\d+/?(?:\s|$|[\"'*])")
AGENT_ASSETS = lazy_re(
    r"(?i)(?:^|[/~\s\"'])\.(?:claude|codex|gemini|aider[\w.]*|cursor|continue|openhands|goose|"
    r"opencode|qwen|amp|agents?)(?:/|\b)|"
    r"(?:^|/)(?:CLAUDE|AGENTS|GEMINI)\.md\b|(?:^|/)system_prompt[\w.\-]*|"
    r"(?:^|/)(?:agent|assistant)_(?:memory|state|config)[\w.\-]*|"
    r"(?:^|/)(?:agent|agents|scaffold|agent[-_]?scaffold)/?(?:\s|$)")
_REMOTE = lazy_re(r"^(?:[\w.\-]+@)?[\w.\-\[\]:$\{\}]*[\w\]}]:(?!//)|^[\w.\-$\{\}]+@[\w.\-$\{\}]+:|"
                     r"^(?:s3|gs|az|r2|b2|hf|wasbs?|abfss?|oss|cos|swift|sftp|ftp|scp|rsync)://|"
                     r"^https?://")
_TMP_HIDDEN = lazy_re(r"(?:^|/)(?:tmp|var/tmp|dev/shm|run/user/[^/]+)(?:/|$)|(?:^|/)\.(?!\.?/)[^/\s]+")
_BENIGN_DOTDIRS = lazy_re(
    r"(?:^|/)\.(?:local/(?:bin|share|lib|state)|cargo|rustup|nvm|pyenv|rbenv|"
    r"volta|bun|deno|sdkman|asdf|poetry|venv|virtualenvs|tox|npm|yarn|opam|ghcup|dotnet|jenv|goenv|"
    r"conda|miniconda\d?|anaconda\d?|mamba|pixi|nix-profile|linuxbrew|krew|fzf|vim|git|github|husky|"
    r"githooks|direnv|rvm|juliaup|elan|ssh|gnupg|vscode|vscode-server|config/(?:nvim|fish)|"
    r"uv|mise|proto|nodenv|plenv|phpenv|swiftenv|tfenv|composer|gem|m2|gradle|sbt|ivy2|"
    r"bash_aliases|bash_functions|aliases|env|bashrc|profile|zshrc|iterm2_shell_integration[\w.]*|"
    r"config|docker|rd|orbstack|jbang|fly|wasmtime|wasmer|foundry|pulumi|kube|minikube|zinit|oh-my-zsh|"
    r"antigen|zplug|tmux|emacs\.d|platformio|rye|modular|lmstudio|cache/(?:pre-commit|pip|uv|yarn|npm))(?:/|$)")
_SOURCE = frozenset({"source", "."})
_UPLOAD_CLI = {
    "scp", "rsync", "sftp", "curl", "wget", "nc", "ncat", "netcat", "socat", "aws", "gsutil", "gcloud",
    "rclone", "s3cmd", "mc", "b2", "azcopy", "az", "huggingface-cli", "hf", "ssh", "sshpass", "lftp",
    "ftp", "tar", "rsync", "dvc", "git-lfs", "restic", "borg", "duplicity",
}
_AGENT_CLI = {
    "claude": ("--dangerously-skip-permissions", "--permission-mode=bypasspermissions",
               "--permission-mode bypasspermissions", "--allow-dangerously-skip-permissions"),
    "codex": ("--dangerously-bypass-approvals-and-sandbox", "--yolo", "--full-auto",
              "danger-full-access", "--ask-for-approval never", "-a never", "--ask-for-approval=never"),
    "gemini": ("--yolo", "-y", "--approval-mode yolo", "--approval-mode=yolo"),
    "qwen": ("--yolo", "-y", "--approval-mode yolo"),
    "aider": ("--yes-always", "--yes"),
    "cursor-agent": ("--force", "-f"),
    "amp": ("--dangerously-allow-all",),
    "copilot": ("--allow-all-tools", "--allow-all-paths", "--yolo"),
    "opencode": ("--dangerously-skip-permissions",),
    "goose": ("--no-confirm",),
    "openhands": ("--always-approve", "--no-confirm"),
    "auggie": ("--dangerously-skip-permissions",),
}
_AGENT_NPX = {"@anthropic-ai/claude-code": "claude", "@openai/codex": "codex",
              "@google/gemini-cli": "gemini", "@github/copilot": "copilot",
              "@qwen-code/qwen-code": "qwen", "opencode-ai": "opencode", "@sourcegraph/amp": "amp"}
_LLM_SERVERS = lazy_re(
    r"^(?:vllm\s+serve|ollama\s+serve|llama-server|llama\.cpp/server|server\s+-m|text-generation-launcher|"
    r"lmdeploy\s+serve|tgi-server|llamafile|koboldcpp|tabby\s+serve|"
    r"python[0-9.]*\s+-m\s+(?:vllm\.entrypoints\S*|sglang\.launch_server|llama_cpp\.server|"
    r"fastchat\.serve\S*|text_generation_server\S*|lmdeploy\S*))\b")
_TRAP_SIGNALS = lazy_re(r"^(?:SIG)?(?:TERM|INT|HUP|QUIT|EXIT|USR1|USR2|KILL|STOP|TSTP|PWR|15|2|1|3|0)$", re.I)
_PERSIST_PATHS = [
    ("cron", re.compile(r"(?:^|/)(?:etc/cron\.d/[^/\s]+|etc/crontab|var/spool/cron(?:/crontabs)?/[^/\s]+|"
                        r"etc/cron\.(?:hourly|daily|weekly|monthly)/[^/\s]+|etc/anacrontab)$")),
    ("systemd", re.compile(r"(?:^|/)(?:systemd/(?:system|user)/[^/\s]+\.(?:service|timer|socket|path)|"
                           r"\.config/systemd/user/[^/\s]+)$")),
    ("shell rc", re.compile(r"(?:^|/)(?:\.bashrc|\.bash_profile|\.bash_login|\.bash_logout|\.profile|\.zshrc|"
                            r"\.zprofile|\.zshenv|\.zlogin|\.kshrc|\.cshrc|\.tcshrc|\.mkshrc|config\.fish|"
                            r"etc/profile|etc/bash\.bashrc|etc/bashrc|etc/zsh/\w+|etc/profile\.d/[^/\s]+|"
                            r"etc/rc\.local|etc/init\.d/[^/\s]+|\.xprofile|\.xinitrc|\.xsession|\.envrc)$")),
    ("autostart", re.compile(r"(?:^|/)(?:\.config/autostart/[^/\s]+|etc/xdg/autostart/[^/\s]+)$")),
    ("launchd", re.compile(r"(?:^|/)Library/Launch(?:Agents|Daemons)/[^/\s]+$")),
    ("git hook", re.compile(r"(?:^|/)(?:\.git/)?hooks/(?:pre-commit|post-commit|pre-push|post-checkout|post-merge|"
                            r"pre-rebase|commit-msg|prepare-commit-msg|post-rewrite|pre-receive|"
                            r"post-receive|update|post-update|pre-auto-gc|reference-transaction|"
                            r"push-to-checkout|fsmonitor-watchman|post-applypatch|pre-applypatch|"
                            r"applypatch-msg|sendemail-validate)$")),
    ("python startup", re.compile(r"(?:^|/)(?:[^/\s]+\.pth|sitecustomize\.py|usercustomize\.py)$")),
]
_PERSIST_PATHS_GIT = next(rx for cls, rx in _PERSIST_PATHS if cls == "git hook")
# An oversight switch turned off in a config edit (Apollo's oversight subversion); telemetry and
# plain logging opt-outs are everyday configuration and are not on the list.
_OVERSIGHT_KEY = r"(?:oversight|monitor(?:ing)?|audit(?:ing|_?log(?:ging)?|d)|guardrails?|safety(?:[_-]?(?:checks?|filter|mode))?|" \
                 r"supervis(?:or|ion)|kill[_-]?switch|human[_-]?(?:review|approval|in[_-]?the[_-]?loop)|approval[_-]?required)"
_OVERSIGHT_OFF = lazy_re(
    # a substitution that turns the key off (sed 's/oversight: true/oversight: false/')
    r"(?i)(?<![\w-])" + _OVERSIGHT_KEY + r"[^/|#\n]{0,40}[/|#][^/|#\n]{0,60}?\b(?:false|0|no|off|disabled?)\b|"
    # an assignment that sets it off (yq '.monitoring.enabled = false', KEY=false)
    r"(?<![\w-])" + _OVERSIGHT_KEY + r"(?:[._-]?\w+)?[\"']?\s*[:=]\s*[\"']?(?:false|0|no|off|disabled?)\b")
_MONITOR_DAEMONS = lazy_re(r"^(?:auditd|falco\w*|osqueryd?|wazuh-agent|sysdig|tetragon|aide|ossec\w*|"
                              r"aliyun\w*|aegis\w*|aliyundun|cloudmonitor|qcloud\w*|yunjing|ydservice|bcm-agent|"
                              r"falcon-sensor|cbagentd|sentinel\w*|"
                              r"\w*(?:oversight|monitor|watchdog|guard)\w*)(?:\.service)?$", re.I)
_PY_STARTUP_DIR = lazy_re(r"site-packages|dist-packages|getsitepackages|getusersitepackages|USER_SITE|\$\(python")


def _v(w: Word | None) -> str:
    return w.value if w is not None else ""


def hidden_or_temp(path: str) -> bool:
    p = path.strip().strip("'\"")
    if not p or p.startswith("-"):
        return False
    p = re.sub(r"^(?:~|\$HOME|\$\{HOME\}|/home/[^/]+|/root|/Users/[^/]+)(?=/)", "", p)
    if not _TMP_HIDDEN.search(p):
        return False
    if re.search(r"(?:^|/)(?:tmp|var/tmp|dev/shm|run/user/[^/]+)/", p) or p.rstrip("/") in ("/tmp", "/var/tmp", "/dev/shm"):
        return True
    # a hidden component that is not a well-known tool directory
    stripped = _BENIGN_DOTDIRS.sub("/", p)
    return bool(re.search(r"(?:^|/)\.(?!\.?/)[^/\s]+", stripped)) and not re.search(r"^\./|/\./", p.replace("/./", "/"))


def concealed(path: str) -> bool:
    """A hidden name or directory (outside the usual tool dot-directories), or shared memory:
    where a copy is put so that it is not noticed."""
    p = _strip(path)
    if re.search(r"(?:^|/)dev/shm(?:/|$)", p):
        return True
    return hidden_or_temp(p) and hidden_or_temp(re.sub(r"(?:^|/)(?:tmp|var/tmp|run/user/[^/]+)(?=/|$)", "", p) or "x")


def remote(v: str) -> bool:
    v = v.strip()
    if not v or v.startswith(("-", "/", "./", "~")) or re.match(r"^[A-Za-z]:[\\/]", v):
        return False
    return bool(_REMOTE.match(v))


def _launch_target(c: Command) -> tuple[Word | None, str]:
    """The program (or the script an interpreter runs) this command starts, and the program name."""
    words, _wr = unwrap(c)
    if not words:
        return None, ""
    name = basename(words[0].value)
    if name in ("screen",):
        j = 1
        while j < len(words) and words[j].value.startswith("-"):
            j += 2 if words[j].value in ("-S", "-c", "-L", "-Logfile", "-t") else 1
            if words[j - 1].value.endswith("S") and words[j - 1].value.startswith("-d"):
                j += 1
        words = words[j:]
        if not words:
            return None, ""
        name = basename(words[0].value)
    if is_interpreter(name):
        j = 1
        while j < len(words) and words[j].value.startswith("-"):
            if words[j].value in ("-c", "-m", "-e"):
                return None, name
            j += 1
        return (words[j] if j < len(words) else None), name
    if name in ("exec",):
        return (words[1] if len(words) > 1 else None), name
    return words[0], name


def _strip(v: str) -> str:
    return v.strip().strip("'\"")


# options of scp/sftp/rsync that take the next word as their value (`-o BatchMode=yes`,
# `-i key`, `-e ssh`): the value is neither a file sent nor a destination
_OPTS_WITH_VALUE = {
    "scp": {"-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-S", "-X"},
    "sftp": {"-b", "-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-R", "-S", "-s", "-X"},
    "rsync": {"-e", "--rsh", "-f", "--filter", "--exclude", "--include", "--rsync-path", "--port",
              "--password-file", "-T", "--temp-dir", "--log-file", "--chmod", "--exclude-from",
              "--include-from", "--files-from", "-B", "--block-size", "--timeout", "--bwlimit"},
}


def _operands(name: str, args: list[str]) -> list[str]:
    """The operands of a copy command: its arguments without options and their values."""
    takes = _OPTS_WITH_VALUE.get(name, set())
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-"):
            skip = a in takes
            continue
        out.append(a)
    return out


class _Detect:
    def __init__(self, art, ctx, model: ShellModel):
        self.art, self.ctx, self.m = art, ctx, model
        # commands that write their arguments to stdout: `print` too where it is a builtin (zsh, ksh)
        self.emitters = ("echo", "printf", "print") if model.print_builtin else ("echo", "printf")
        self.text = art.text
        self.persisted = "persisted-command" in art.facts
        self.written: dict[str, tuple[str, list]] = {}  # file → text this script wrote into it
        self.pending_copy: list[tuple[Command, str]] = []  # copies to plain places, judged if started
        self.downloaded: set[str] = set()  # files curl/wget saved, run later as download-and-run
        self.own = basename(art.name) if art.name and not art.origin else ""

    def sig(self, name: str, c: Command | Word | Redirect, **data) -> None:
        start = c.start
        end = getattr(c, "end", None)
        if end is None:
            end = c.target.end if isinstance(c, Redirect) and c.target else c.start + 2
        end = max(end, start + 1)
        # one-line spans keep the finding on the command's first line
        nl = self.text.find("\n", start, end)
        if nl > start:
            end = nl
        self.ctx.signal(self.art, name, start, end, **{k: v for k, v in data.items() if v not in (None, "")})

    # -- helpers ----------------------------------------------------------------------------
    def written_paths(self, c: Command) -> list[tuple[str, str, Word | Redirect]]:
        """(path, mode, where) for files this command writes: redirections, tee, cp/install/dd."""
        out = []
        for r in c.redirects:
            if r.op in (">", ">>", ">|", "&>", "&>>") and r.target is not None and not r.fd.isdigit() or \
                    (r.op in (">", ">>") and r.fd in ("", "1") and r.target is not None):
                out.append((r.target.value, "a" if ">>" in r.op else "w", r))
        words, _ = unwrap(c)
        if not words:
            return out
        name = basename(words[0].value)
        args = [w for w in words[1:]]
        if name == "tee":
            mode = "a" if any(a.value in ("-a", "--append") for a in args) else "w"
            for a in args:
                if not a.value.startswith("-"):
                    out.append((a.value, mode, a))
        elif name in ("cp", "install", "ln", "mv", "rsync") and len(args) >= 2:
            plain = [a for a in args if not a.value.startswith("-")]
            if "-t" in [a.value for a in args]:
                k = [a.value for a in args].index("-t")
                if k + 1 < len(args):
                    out.append((args[k + 1].value, "w", args[k + 1]))
            elif len(plain) >= 2:
                out.append((plain[-1].value, "w", plain[-1]))
        elif name == "dd":
            for a in args:
                if a.value.startswith("of="):
                    out.append((a.value[3:], "w", a))
        elif name == "sed" and any(a.value.startswith("-i") for a in args):
            plain = [a for a in args if not a.value.startswith("-")]
            if len(plain) >= 2:
                out.append((plain[-1].value, "a", plain[-1]))
        return out

    def copy_sources(self, c: Command) -> list[Word]:
        words, _ = unwrap(c)
        if not words:
            return []
        name = basename(words[0].value)
        args = words[1:]
        if name in ("cp", "install", "mv", "rsync", "scp", "ln"):
            plain = [a for a in args if not a.value.startswith("-")]
            if "-t" in [a.value for a in args]:
                return plain
            return plain[:-1]
        if name == "dd":
            return [a for a in args if a.value.startswith("if=")]
        if name in ("cat", "head", "tail", "tac", "base64", "gzip", "xxd"):
            return [a for a in args if not a.value.startswith("-")]
        if name == "tee":
            return [r.target for r in c.redirects if r.op == "<" and r.target is not None]
        return []

    def is_self_word(self, w: Word) -> bool:
        v = w.value[3:] if w.value.startswith("if=") else w.value
        return self.m.is_self(v)

    def content_of_pipeline(self, c: Command) -> tuple[str, list[tuple[int, int, bool]]]:
        """The text a command receives on stdin from echo/printf/cat-heredoc/subshell before it,
        or from its own heredoc / here-string; with the source spans (start, end, exact)."""
        parts: list[str] = []
        spans: list[tuple[int, int, bool]] = []
        for r in c.redirects:
            if r.body is not None:
                parts.append(self.text[r.body[0]:r.body[1]])
                spans.append((r.body[0], r.body[1], True))
            elif r.op == "<<<" and r.target is not None:
                parts.append(r.target.value)
                spans.append(_word_span(r.target))
        p = c.pipe_prev
        guard = 0
        while p is not None and guard < 10:
            guard += 1
            if p.keyword in (")", "}") and p.closes is not None:
                fr = p.closes
                for q in self.m.direct.get(id(fr), ()):
                    if True:
                        t, s = self._emitted(q)
                        parts += t
                        spans += s
            else:
                t, s = self._emitted(p)
                parts += t
                spans += s
            p = p.pipe_prev
        return "\n".join(parts), spans

    def _emitted(self, c: Command) -> tuple[list[str], list[tuple[int, int, bool]]]:
        words, _ = unwrap(c)
        if not words:
            return [], []
        name = basename(words[0].value)
        if name in self.emitters:
            args = [w for w in words[1:] if not (w.value.startswith("-") and len(w.value) <= 3 and not w.quoted)]
            if name == "printf" and args:
                fmt = args[0].value
                if "%s" in fmt or "%b" in fmt:
                    args = args[1:]
                    return [" ".join(a.value for a in args)], [_word_span(a) for a in args]
                return [fmt.replace("\\n", "\n")], [_word_span(args[0])]
            return [" ".join(a.value for a in args)], [_word_span(a) for a in args]
        if name == "cat":
            t, s = [], []
            for r in c.redirects:
                if r.body is not None:
                    t.append(self.text[r.body[0]:r.body[1]])
                    s.append((r.body[0], r.body[1], True))
            return t, s
        return [], []

    def content_written(self, c: Command, where) -> tuple[str, list[tuple[int, int, bool]]]:
        """The text a write command puts into its target."""
        words, _ = unwrap(c)
        name = basename(words[0].value) if words else ""
        if (name in self.emitters or name == "cat") and isinstance(where, Redirect):
            t, s = self._emitted(c)
            return "\n".join(t), s
        if name == "tee" or (name == "cat" and not self.copy_sources(c)):
            return self.content_of_pipeline(c)
        if name == "base64":
            got = self.decoded_feed(c)
            if got is not None:
                return got[0], [(got[1][0], got[1][1], False)]
            return "", []
        if name == "sed":
            exprs = [w for w in words[1:] if not w.value.startswith("-")][:-1]
            txt = " ".join(re.sub(r"^\s*(?:\$|\d+)?\s*[aic]\\?\s*", "", w.value) for w in exprs)
            return txt, [_word_span(w) for w in exprs]
        return "", []

    # -- the checks ---------------------------------------------------------------------------
    def run(self) -> None:
        m = self.m
        copy_dests: dict[str, Command] = {}
        remote_self_paths: list[str] = []
        for c in m.cmds:
            # a group whose output is written somewhere: ( …; tail -n +2 "$0"; … ) > "$f.tmp"
            if c.keyword in (")", "}") and c.closes is not None and c.redirects:
                inner = m.direct.get(id(c.closes), [])
                if any(basename(unwrap(q)[0][0].value) in ("cat", "head", "tail", "sed", "awk", "tac")
                       and any(self.is_self_word(w) for w in unwrap(q)[0][1:]) for q in inner if unwrap(q)[0]):
                    for path, mode, where in self.written_paths(c):
                        if "codefiles" in m.var_labels(path):
                            self.sig("sr.sh-infect", c, target=path, how="prepends" if mode == "w" else "appends")
            words, wrappers = unwrap(c)
            if not words:
                continue
            name = basename(words[0].value)
            argv = [w.value for w in words]
            self.check_agent(c, words, name)
            if name in ("trap",):
                self.check_trap(c, words)
                continue
            if name in ("history",) and "-c" in argv[1:] or name == "unset" and "HISTFILE" in argv \
                    or (name in ("rm", "shred", "unlink") and any(self.m.is_self(a) for a in argv[1:])):
                self.sig("sr.sh-covert", c, what="clears shell history" if name != "rm" and name != "shred" and name != "unlink" else "deletes itself")
            for w in c.words:
                a = re.match(r"^(?:export\s+)?(HISTFILE|HISTSIZE|HISTFILESIZE)=(/dev/null|0)?$", w.value)
                if a and (a.group(2) or w.value.endswith("=")):
                    self.sig("sr.sh-covert", c, what="turns off shell history")
            # self copies, local
            srcs = self.copy_sources(c)
            selfsrc = [s for s in srcs if self.is_self_word(s) or
                       (self.m.is_selfdir(s.value) and (name == "rsync" or any(a.startswith("-") and ("r" in a or "a" in a or "R" in a) for a in argv[1:])))]
            if selfsrc and name != "scp" and not (name == "rsync" and any(remote(w.value) for w in words[1:])):
                for path, mode, where in self.written_paths(c):
                    if path in ("/dev/null", "-") or path.startswith("/dev/fd"):
                        continue
                    loops = m.loops_of(c)
                    target_labels = m.var_labels(path)
                    if "codefiles" in target_labels or any("codefiles" in m.header_labels(f) and
                                                           any(v and v in path for v in m.loop_vars(f)) for f in loops):
                        self.sig("sr.sh-infect", c, target=path, how="appends" if mode == "a" else "writes")
                        continue
                    if self.persist_class(path):
                        continue  # judged as persistence below
                    spread = next((f for f in loops if "folders" in m.header_labels(f)
                                   and any(v and ("$" + v in path or "${" + v in path) for v in m.loop_vars(f))), None)
                    if spread is not None:
                        # itself into every folder a loop finds (`for d in ../*/; do cp "$0" "$d/"`)
                        over = DIR_LOOP.search(spread.header).group().strip(" \t\n\"'")
                        self.sig("sr.sh-self-plant", c, dest=path, over=" ".join(over.split())[:80])
                    copy_dests[_strip(path)] = c
                    if concealed(path) or concealed(m.expand(path)):
                        self.sig("sr.sh-self-copy", c, dest=path, hidden=True)
                    else:
                        # a plain or temporary place (an installer, a self-update from /tmp):
                        # reported only if the copy is then started detached
                        self.pending_copy.append((c, path))
            # own text written into enumerated code files by echo/printf "$PAYLOAD" >> "$f"
            if (name in self.emitters or name in ("tee", "sed")) and not selfsrc:
                payload = " ".join(w.value for w in words[1:])
                pipe_self = self._pipe_reads_self(c)
                if "selfcontent" in m.var_labels(payload) or m.is_selfcontent(payload.strip()) or pipe_self \
                        or (name == "sed" and re.search(r"\br\s+\S", payload) and any(m.is_self(x.split()[-1]) for x in re.findall(r"\br\s+(\S+)", payload))):
                    for path, mode, where in self.written_paths(c):
                        tl = m.var_labels(path)
                        if "codefiles" in tl:
                            self.sig("sr.sh-infect", c, target=path, how="appends" if mode == "a" else "writes")
            if name in ("grep", "egrep", "fgrep") and any(a.startswith("-") and ("q" in a or "l" in a or "c" in a) for a in argv[1:]) \
                    and (any("codefiles" in m.var_labels(a) for a in argv[1:]) or
                         (c.pipe_prev is not None and "codefiles" in m.var_labels(self.text[c.pipe_prev.start:c.pipe_prev.end]))):
                self.sig("sr.sh-infect-marker", c)
            if name in ("[", "[[", "test") or (name.startswith("[") and len(argv) > 2):
                joined = " ".join(argv)
                if ("codefiles" in m.var_labels(joined)) and re.search(r"\$\((?:head|grep|sed)\b", joined):
                    self.sig("sr.sh-infect-marker", c)
            # remote
            if name in ("scp", "rsync", "sftp", "ssh", "sshpass", "pscp", "rcp"):
                self.check_remote(c, words, name, remote_self_paths)
            self.check_upload(c, words, name)
            self.check_training(c, words, name)
            self.check_llm_serve(c, words)
            self.check_persistence(c, words, name, copy_dests)
            self.check_hidden_exec(c, words, name)
            self.check_agent_scaffold(c, words, name)
            self.check_fetch_exec(c, words, name)
            self.check_decoded_exec(c, words, name)
            self.check_inline_code(c, words, name)
            self.check_oversight(c, words, name)
            self.check_cloud(c, words, name)
            if self.persisted:
                self.record_link(c, words, name)
        # copies of the script that are started later
        self.check_started(copy_dests)
        self.check_respawn_loops(copy_dests)

    def _pipe_reads_self(self, c: Command) -> bool:
        p = c.pipe_prev
        guard = 0
        while p is not None and guard < 10:
            guard += 1
            ws, _ = unwrap(p)
            if ws and basename(ws[0].value) in ("cat", "head", "tail", "sed", "awk", "tac") and \
                    any(self.is_self_word(w) for w in ws[1:]):
                return True
            p = p.pipe_prev
        return False

    def check_started(self, copy_dests: dict[str, Command]) -> None:
        m = self.m
        pend = self.pending_copy
        cds = [(c.start, c.frames, _strip(unwrap(c)[0][1].value).rstrip("/")) for c in m.cmds
               if unwrap(c)[0] and unwrap(c)[0][0].value in ("cd", "pushd") and len(unwrap(c)[0]) > 1]
        for c in m.cmds:
            target, name = _launch_target(c)
            if target is None:
                continue
            tv = _strip(target.value)
            if tv and tv[0] not in "/$~" and cds:
                # a relative program after `cd DEST`: it runs from the copy
                cwd = [d for s, fr, d in cds if s < c.start and fr == c.frames[:len(fr)]]
                if cwd:
                    tv = cwd[-1] + "/" + tv.removeprefix("./")
            hit = None
            for dest, cc in copy_dests.items():
                if cc is c:
                    continue
                if tv == dest or (dest.endswith("/") and tv.startswith(dest)) or \
                        (tv.startswith(dest.rstrip("/") + "/") and hidden_or_temp(dest)):
                    hit = dest
                    break
            if hit is None:
                continue
            how = m.detached(c)
            if not how:
                # run in the foreground (an installer running what it installed, a re-exec from a
                # temporary copy): the copy does not outlive the script
                continue
            for cc, path in pend:
                if _strip(path) == hit:
                    self.sig("sr.sh-self-copy", cc, dest=path, hidden=False)
            self.sig("sr.sh-self-copy-started", c, dest=hit, how=how)

    def check_respawn_loops(self, copy_dests: dict[str, Command]) -> None:
        m = self.m
        for c in m.cmds:
            loops = [f for f in m.loops_of(c) if m.infinite(f)]
            if not loops:
                self.check_self_relaunch(c)
                continue
            target, _name = _launch_target(c)
            if target is None:
                continue
            tv = _strip(target.value)
            if m.is_self(target.value) or tv in copy_dests:
                words, _ = unwrap(c)
                if words and basename(words[0].value) == "exec":
                    continue
                how = m.detached(c)
                self.sig("sr.sh-self-respawn-loop", c, how=how or "in the foreground, one copy at a time")
                if not how:
                    self.sig("sr.sh-respawn-foreground", c)

    def check_self_relaunch(self, c: Command) -> None:
        """The script starting itself again, detached and with its output thrown away
        (`nohup "$0" >/dev/null 2>&1 &`, `setsid "$0" &>/dev/null`); traps are judged apart."""
        if any(f.kind == "string" and f.parent_cmd is not None and unwrap(f.parent_cmd)[0][:1]
               and unwrap(f.parent_cmd)[0][0].value == "trap" for f in c.frames):
            return
        target, _name = _launch_target(c)
        if target is None or not self.m.is_self(target.value):
            return
        how = self.m.detached(c)
        silenced = any(r.target is not None and r.target.value == "/dev/null" and r.op in (">", ">>", "&>", "&>>", ">|")
                       for r in c.redirects)
        if how and silenced:
            self.sig("sr.sh-self-relaunch", c, how=how)

    def check_trap(self, c: Command, words: list[Word]) -> None:
        if len(words) < 3:
            return
        sigs = [w.value for w in words[2:]]
        if not any(_TRAP_SIGNALS.match(s) for s in sigs):
            return
        m = self.m
        inner = list(m.in_string.get(id(c), ()))
        # also a trap naming a function: trap respawn TERM
        fname = words[1].value.strip()
        if fname in m.script.functions:
            fr = m.script.functions[fname]
            inner += m.in_frame.get(id(fr), [])
        reload_only = all(re.match(r"^(?:SIG)?(?:HUP|USR1|USR2|1)$", s, re.I) for s in sigs if _TRAP_SIGNALS.match(s))
        for q in inner:
            qw, _ = unwrap(q)
            if not qw:
                continue
            target, _n = _launch_target(q)
            srcs = self.copy_sources(q)
            copies = any(self.is_self_word(s) for s in srcs)
            starts = target is not None and m.is_self(target.value)
            if reload_only and not copies and not (starts and m.detached(q)):
                continue  # `trap 'exec "$0" "$@"' HUP`: re-reading its configuration in place
            if starts or copies:
                self.sig("sr.sh-trap-respawn", c, signals=" ".join(sigs))
                return

    def check_remote(self, c: Command, words: list[Word], name: str, remote_self_paths: list[str]) -> None:
        m = self.m
        args = words[1:]
        if name == "sshpass":
            j = 0
            while j < len(args) and args[j].value.startswith("-"):
                j += 2 if args[j].value in ("-p", "-f", "-d") else 1
            rest = args[j:]
            if not rest:
                return
            name = basename(rest[0].value)
            args = rest[1:]
            if name not in ("ssh", "scp", "rsync", "sftp"):
                return
        argv = [a.value for a in args]
        joined = " ".join(argv)
        for ref in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", joined):
            joined += " " + " ".join(m.assign.get(ref, [])[:5])
        noverify = bool(re.search(r"StrictHostKeyChecking\s*=?\s*(?:no|off|accept-new)|UserKnownHostsFile\s*=?\s*/dev/null|"
                                  r"BatchMode\s*=?\s*yes", joined, re.I))
        if name == "ssh":
            _opts, dest, rest = ssh_parts(args)
            dests = [dest] if dest is not None else []
        else:
            dests = [a for a in args if remote(a.value) or re.match(r"^[^/\s]*\$[{\w][^:\s]*:", a.value)]
        if not dests:
            return
        harvested = any("hosts" in m.var_labels(d.value) or "hosts" in m.value_labels(d.value) for d in dests)
        if not harvested and m.harvest is not None and any("$" in d.value for d in dests) and \
                (m.loops_of(c) or any(f.kind == "func" for f in c.frames)):
            harvested = True  # hosts read from the machine somewhere in the script, targets from variables
        if not harvested:
            # a /24 sweep: ssh 10.0.0.$i inside for i in {1..254}
            for d in dests:
                if re.search(r"\d+\.\d+\.\d+\.\$\{?\w+", d.value) and any(m.header_labels(f) & {"hosts"} for f in m.loops_of(c)):
                    harvested = True
        # payload: the script itself
        self_payload = ""
        started = False
        if name in ("scp", "rsync", "sftp", "rcp", "pscp"):
            srcs = [a for a in args if not a.value.startswith("-") and a not in dests]
            if any(self.is_self_word(s) or m.is_selfdir(s.value) for s in srcs):
                self_payload = "copies itself"
                for d in dests:
                    path = d.value.split(":", 1)[1] if ":" in d.value else ""
                    remote_self_paths.append(path)
        if name == "ssh":
            inner = m.in_string.get(id(c), [])
            # detached on the far side: nohup/setsid/&/screen/tmux, or a schedule or a service
            detached_there = any(m.detached(q) or unwrap(q)[0][:1] and basename(unwrap(q)[0][0].value)
                                 in ("crontab", "systemctl", "at", "screen", "tmux") for q in inner) \
                or "nohup" in " ".join(w.value for w in args) or "setsid" in " ".join(w.value for w in args)
            for r in c.redirects:
                if r.op == "<" and r.target is not None and self.is_self_word(r.target):
                    self_payload = "feeds itself to the remote shell"
                    started = started or detached_there
            if self._pipe_reads_self(c):
                self_payload = "pipes itself to the remote host"
                started = started or detached_there
            remote_code = " ".join(self.text[q.start:q.end] for q in inner)
            for path in remote_self_paths:
                if path and (path in remote_code or basename(path) and re.search(r"(?:^|[\s/])" + re.escape(basename(path)) + r"\b", remote_code)):
                    started = started or detached_there
                    self_payload = self_payload or "starts its copy there"
            if any(self._fetch_exec(q) for q in inner):
                self.sig("sr.sh-remote-fetch-exec", c, tool=name)
            elif any(self._shipped_code(q) for q in inner):
                self.sig("sr.sh-remote-code-exec", c, tool=name)
        if self_payload:
            self.sig("sr.sh-self-remote", c, how=self_payload, tool=name)
            if started:
                self.sig("sr.sh-self-remote-started", c, how=self_payload)
        if harvested:
            self.sig("sr.sh-ssh-harvested", c, tool=name)
            if noverify:
                self.sig("sr.sh-ssh-noverify", c, tool=name)

    def _shipped_code(self, q: Command) -> bool:
        """A remote shell fed code by the sending script (`echo "$CODE" | bash -s`,
        `printf %s "$1" | base64 -d | sh`), not a named script file."""
        ws, _ = unwrap(q)
        if not ws or basename(ws[0].value) not in SHELLS or q.pipe_prev is None:
            return False
        pw, _ = unwrap(q.pipe_prev)
        return bool(pw) and basename(pw[0].value) in ("echo", "printf", "base64", "openssl", "xxd", "gzip",
                                                      "gunzip", "zcat", "base32", "rev")

    def _fetch_exec(self, q: Command) -> bool:
        ws, _ = unwrap(q)
        if not ws:
            return False
        n = basename(ws[0].value)
        if n in SHELLS or (is_interpreter(n) and n != "node"):
            p = q.pipe_prev
            if p is not None and p.keyword in (")", "}") and p.closes is not None:
                for g in self.m.direct.get(id(p.closes), []):
                    gw, _ = unwrap(g)
                    if gw and basename(gw[0].value) in ("curl", "wget", "fetch"):
                        return True
            while p is not None:
                pw, _ = unwrap(p)
                if pw and basename(pw[0].value) in ("curl", "wget", "fetch", "busybox") and \
                        (basename(pw[0].value) != "wget" or any(a.value in ("-O-", "-qO-", "-O", "--output-document=-", "-qO", "-q") for a in pw[1:])):
                    return True
                p = p.pipe_prev
            # sh -c "$(curl …)" / bash <(curl …)
            for w in ws[1:]:
                if re.search(r"(?:\$\(|<\(|`)\s*(?:curl|wget)\b", w.value):
                    return True
        return False

    def check_oversight(self, c: Command, words: list[Word], name: str) -> None:
        """Oversight switched off: a config edit that sets an oversight/monitoring/audit/safety key
        to false (`sed -i`, `yq -i`, `jq`, `perl -pi`, `crudini`, `echo … >> config`), or
        monitoring daemons stopped (`systemctl stop auditd`, `pkill -f oversight`, `auditctl -e 0`)."""
        argv = [w.value for w in words]
        joined = " ".join(argv[1:])
        if name in ("sed", "perl", "yq", "jq", "crudini", "awk", "gsed", "toml", "dasel", "git") and \
                (name != "git" or "config" in argv[1:3]) and _OVERSIGHT_OFF.search(joined):
            self.sig("sr.sh-oversight-off", c, what=_OVERSIGHT_OFF.search(joined).group()[:80], how="edits a config")
            return
        if (name in self.emitters or name in ("cat", "tee")) and any(r.op in (">", ">>") for r in c.redirects):
            text, _spans = self.content_written(c, next(r for r in c.redirects if r.op in (">", ">>")))
            mm = _OVERSIGHT_OFF.search(text or joined)
            if mm and any(re.search(r"\.(?:ya?ml|json|toml|ini|cfg|conf|env)$|config|settings", r.target.value or "")
                          for r in c.redirects if r.target is not None):
                self.sig("sr.sh-oversight-off", c, what=mm.group()[:80], how="writes a config")
                return
        if name in ("systemctl", "service") and len(argv) >= 3:
            verbs = {"stop", "disable", "mask", "kill"}
            if (set(argv[1:]) & verbs) and any(_MONITOR_DAEMONS.match(a) for a in argv[2:]):
                self.sig("sr.sh-oversight-off", c, what=" ".join(argv[:4])[:80], how="stops a monitoring service")
        elif name in ("pkill", "killall") and any(_MONITOR_DAEMONS.match(a) or re.search(r"(?i)oversight|monitor", a)
                                                  for a in argv[1:] if not a.startswith("-")):
            self.sig("sr.sh-oversight-off", c, what=" ".join(argv[:3])[:80], how="kills a monitor")
        elif name == "auditctl" and ("-D" in argv or ("-e" in argv and "0" in argv)):
            self.sig("sr.sh-oversight-off", c, what=" ".join(argv[:3]), how="turns off auditing")

    def check_cloud(self, c: Command, words: list[Word], name: str) -> None:
        """New compute (a VM with a start-up script, a pod, a restarting container) whose payload is
        the script itself, the agent's files or weights, or an agent CLI: replication onto compute."""
        argv = [w.value for w in words]
        a = " ".join(argv[1:4])
        creates = (name == "aws" and "run-instances" in argv) or \
            (name == "gcloud" and "instances" in argv and "create" in argv) or \
            (name == "az" and "vm" in argv[1:3] and "create" in argv) or \
            (name in ("doctl", "hcloud", "linode-cli", "vultr-cli", "exo") and "create" in argv) or \
            (name == "kubectl" and (argv[1:2] == ["run"] or a.startswith("create deployment") or
                                    (argv[1:2] == ["scale"]))) or \
            (name in ("docker", "podman") and argv[1:2] == ["run"] and
             any(x in ("-d", "--detach") or x.startswith("--restart") for x in argv[2:]))
        if not creates:
            return
        payload = " ".join(argv[1:])
        for tok in argv[1:]:
            # a start-up script written earlier by this script: `file://x.sh`, `startup-script=x.sh`
            for ref in re.split(r"[=,]|file://", tok):
                ref = _strip(ref)
                if ref in self.written:
                    payload += " " + self.written[ref][0]
        for r in c.redirects:
            if r.body is not None:
                payload += " " + self.text[r.body[0]:r.body[1]]
        why = ""
        if re.search(r"(?<![\w{])\$(?:0|\{0\})(?!\w)|BASH_SOURCE", payload) or \
                any("self" in self.m.labels.get(v, ()) or "selfdir" in self.m.labels.get(v, ())
                    for v in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", payload)):
            why = "the script itself"
        elif WEIGHTS.search(payload) or AGENT_ASSETS.search(payload.replace(" ", "\n")):
            why = "the agent's files or weights"
        elif any(re.search(r"(?:^|[\s'\"])" + cli + r"\b", payload) and any(f.lower() in payload.lower() for f in flags)
                 for cli, flags in _AGENT_CLI.items()):
            why = "an agent CLI with its permission checks off"
        elif name == "kubectl" and argv[1:2] == ["scale"] and \
                any(re.search(r"(?i)(?:^|[/_-])(?:agent|assistant)(?:$|[/_-])", t) for t in argv[2:] if not t.startswith("-")):
            why = "more replicas of the agent's deployment"
        if why:
            self.sig("sr.sh-cloud-replica", c, tool=name, payload=why)

    def literal(self, w: Word) -> tuple[str, tuple[int, int]] | None:
        """A word's literal value and where it is written: the word itself, or the one value a
        variable (`$V`, `${V}`) was assigned in this script."""
        if "$" not in w.value:
            return w.value, (w.start, w.end)
        mm = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", w.value.strip())
        if not mm:
            return None
        vals = self.m.assign.get(mm.group(1), [])
        if len(vals) != 1 or "$" in vals[0]:
            return None
        value = vals[0].strip("'\"")
        at = self.text.find(value[:64]) if value else -1
        return value, ((at, at + len(value)) if at >= 0 else (w.start, w.end))

    def decoded_feed(self, q: Command) -> tuple[str, tuple[int, int]] | None:
        """`echo LIT | base64 -d` / `base64 -d <<< LIT` (LIT possibly through one variable):
        the decoded text and the span of the literal."""
        qw, _ = unwrap(q)
        if not qw or basename(qw[0].value) != "base64" or \
                not any(a.value in ("-d", "--decode", "-D", "-di") for a in qw[1:]):
            return None
        lit: Word | None = None
        for r in q.redirects:
            if r.op == "<<<" and r.target is not None:
                lit = r.target
        if lit is None and q.pipe_prev is not None:
            pw, _ = unwrap(q.pipe_prev)
            if pw and basename(pw[0].value) in self.emitters:
                lits = [a for a in pw[1:] if not a.value.startswith("-") and a.value != "%s"]
                lit = lits[-1] if lits else None
        if lit is None:
            return None
        got = self.literal(lit)
        if got is None:
            return None
        text = _b64_text(got[0])
        return (text, got[1]) if text is not None else None

    def check_inline_code(self, c: Command, words: list[Word], name: str) -> None:
        """`python3 -c CODE` and `node -e CODE`: the code becomes an artefact of its language, so
        the Python and JavaScript rules judge it too."""
        kind = "python" if re.match(r"^python[0-9.]*$", name) else "javascript" if name in ("node", "nodejs", "bun", "deno") else ""
        if not kind:
            return
        flags = ("-c",) if kind == "python" else ("-e", "--eval", "-p", "--print")
        for k, w in enumerate(words[1:-1], start=1):
            if w.value in flags:
                code = words[k + 1]
                if len(code.value) < 12:
                    return
                if code.single:
                    kw = {"segments": [Segment(0, code.start + 1, code.end - 1, exact=True)]}
                else:
                    kw = {"span": (code.start, code.end)}
                self.ctx.child(self.art, code.value, label=f"{name} {w.value} code at line {self.art.index.position(c.start)[0]}",
                               kind=kind, **kw)
                return
            if not w.value.startswith("-"):
                return  # a script file, not inline code

    def check_decoded_exec(self, c: Command, words: list[Word], name: str) -> None:
        """`echo B64 | base64 -d | sh`, `bash -c "$(echo B64 | base64 -d)"`, `base64 -d <<< B64 | sh`,
        `eval "$(…)"`: the encoded literal is decoded (bounded) and analysed as shell of its own."""
        if not (name in SHELLS or name == "eval"):
            return
        feeds: list[Command] = []
        if c.pipe_prev is not None:
            feeds.append(c.pipe_prev)
        for w in words[1:]:
            if "base64" in w.value:
                for q in self.m.cmds:
                    if q.frames and q.frames[-1].kind == "subst" and q.frames[-1].parent_cmd is c:
                        feeds.append(q)
        for q in feeds[:4]:
            got = self.decoded_feed(q)
            if got is None:
                continue
            text, span = got
            self.ctx.child(self.art, text, label=f"base64 decoded and run at line {self.art.index.position(c.start)[0]}",
                           kind="shell", span=span, decoded_from="base64",
                           facts=("persisted-command",) if self.persisted else ())
            return

    def check_fetch_exec(self, c: Command, words: list[Word], name: str) -> None:
        if self.art.meta.get("persistence") in ("devcontainer", "ci workflow"):
            return  # tool installers piped to sh are the norm in container and CI set-up
        if self._fetch_exec(c):
            self.sig("sr.sh-fetch-exec", c, path="code downloaded from the network")
            return
        # downloaded to a file and then run: `curl -o /tmp/u.sh URL && chmod +x /tmp/u.sh && /tmp/u.sh`
        argv = [self.m.expand(w.value) for w in words]
        if name in ("curl", "wget"):
            for i, a in enumerate(argv[1:-1], 1):
                if a in ("-o", "--output", "-O", "--output-document") and argv[i + 1] not in ("-", "/dev/null"):
                    if name == "curl" and a == "-O":
                        continue  # curl -O keeps the remote name: a flag, not a path
                    self.downloaded.add(argv[i + 1])
            return
        if not self.downloaded or not argv:
            return
        run = argv[0]
        if (basename(run) in SHELLS or is_interpreter(basename(run))) and len(argv) > 1:
            run = next((a for a in argv[1:] if not a.startswith("-")), "")
        if run in self.downloaded:
            self.sig("sr.sh-fetch-exec", c, path=f"{run} (downloaded, then run)")

    def check_upload(self, c: Command, words: list[Word], name: str) -> None:  # noqa: C901
        if name not in _UPLOAD_CLI:
            return
        # paths and destinations kept in variables assigned once are read as their values
        args = [self.m.expand(w.value) for w in words[1:]]
        srcs: list[str] = []
        dest = ""
        if name in ("scp", "rsync", "sftp"):
            plain = _operands(name, args)
            dests = [a for a in plain if remote(a)]
            if not dests or remote(plain[0]) and len(dests) == len(plain):
                return
            dest = dests[-1]
            srcs = [a for a in plain if a not in dests]
            if remote(plain[-1]) is False:
                return  # a download
        elif name in ("aws", "gsutil", "gcloud", "s3cmd", "mc", "rclone", "azcopy", "b2"):
            sub = [a for a in args if not a.startswith("-")]
            verbs = {"cp", "sync", "mv", "put", "copy", "copyto", "move", "moveto", "upload-file",
                     "rsync", "upload"}
            k = next((i for i, a in enumerate(sub) if a in verbs), -1)
            if k < 0:
                return
            rest = sub[k + 1:]
            if len(rest) < 2 or not remote(rest[-1]) and not re.match(r"^[\w.-]+:", rest[-1]):
                return
            dest, srcs = rest[-1], rest[:-1]
        elif name in ("huggingface-cli", "hf"):
            sub = [a for a in args if not a.startswith("-")]
            if not sub or sub[0] != "upload" or len(sub) < 3:
                return
            dest, srcs = "hf:" + sub[1], sub[2:]
        elif name in ("curl", "wget"):
            for k, a in enumerate(args):
                if a in ("-T", "--upload-file") and k + 1 < len(args):
                    srcs.append(args[k + 1])
                elif a.startswith("-T") and len(a) > 2:
                    srcs.append(a[2:])
                elif a in ("-F", "--form", "--data-binary", "-d", "--data") and k + 1 < len(args) and "@" in args[k + 1]:
                    srcs.append(args[k + 1].split("@", 1)[1].split(";")[0])
                elif a.startswith("--post-file="):
                    srcs.append(a.split("=", 1)[1])
            urls = [a for a in args if re.match(r"^(?:https?|ftp)://", a)]
            if not srcs or not urls:
                return
            dest = urls[0]
        elif name in ("ssh", "sshpass") and c.pipe_prev is not None:
            p = c.pipe_prev
            guard = 0
            while p is not None and guard < 6:
                guard += 1
                pw, _ = unwrap(p)
                srcs += [w.value for w in pw[1:] if not w.value.startswith("-")]
                p = p.pipe_prev
            _o, d, _r = ssh_parts(words[1:]) if name == "ssh" else ([], None, [])
            dest = d.value if d is not None else "ssh"
            if not srcs:
                return
        elif name in ("nc", "ncat", "netcat", "socat"):
            for r in c.redirects:
                if r.op == "<" and r.target is not None:
                    srcs.append(r.target.value)
            p = c.pipe_prev
            if p is not None:
                pw, _ = unwrap(p)
                srcs += [w.value for w in pw[1:] if not w.value.startswith("-")]
            dest = " ".join(a for a in args if not a.startswith("-"))[:80]
            if not srcs:
                return
        else:
            return
        srcs = [self.m.expand(x) for x in srcs]
        joined = " ".join(srcs)
        what = ""
        if WEIGHTS.search(joined):
            what = "model weights"
        elif AGENT_ASSETS.search(joined):
            what = "the agent's own files"
        elif any(self.m.is_selfdir(s) for s in srcs):
            what = "its own directory"
        if not what:
            return
        self.sig("sr.sh-asset-upload", c, asset=what, source=joined[:120], dest=dest[:120], tool=name)
        if dest.startswith(("hf:", "hf://")):
            # a model hub: the CLI form of push_to_hub
            self.sig("sr.sh-upload-to-bucket", c, dest=dest[:120])
        how = self.m.detached(c)
        if how:
            self.sig("sr.sh-covert", c, what=f"upload started in the background ({how})")

    def check_training(self, c: Command, words: list[Word], name: str) -> None:
        """The script trains or fine-tunes a model itself: weights it uploads are its product,
        not the running agent's own."""
        argv = [w.value for w in words]
        if name in ("torchrun", "deepspeed", "accelerate", "composer", "tune", "axolotl", "llamafactory-cli") \
                or (is_interpreter(name) and len(argv) > 1 and (re.search(r"(?:^|/)(?:train|finetune|fine_tune|pretrain|sft|dpo)\w*\.py$", argv[-1] if argv[-1].endswith(".py") else next((a for a in argv[1:] if a.endswith(".py")), ""))
                                                                or "torch.distributed" in " ".join(argv))):
            self.sig("sr.sh-training-run", c, tool=name)

    def check_llm_serve(self, c: Command, words: list[Word]) -> None:
        text = " ".join(w.value for w in words)
        text = re.sub(r"^\S*/(?=\S)", "", text)
        if _LLM_SERVERS.match(text):
            how = self.m.detached(c)
            if how:
                self.sig("sr.sh-llm-serve-detached", c, how=how)
        name = basename(words[0].value) if words else ""
        if name in ("cp", "rsync", "scp", "install") or (name == "ln" and False):
            srcs = " ".join(s.value for s in self.copy_sources(c))
            if WEIGHTS.search(srcs) or AGENT_ASSETS.search(srcs) or any(self.m.is_selfdir(s.value) for s in self.copy_sources(c)):
                self.sig("sr.sh-asset-copy", c)

    def check_agent(self, c: Command, words: list[Word], name: str) -> None:
        cli = ""
        rest = words[1:]
        if name in _AGENT_CLI:
            cli = name
        elif name in ("npx", "bunx", "pnpx") or (name in ("pnpm", "yarn") and rest and rest[0].value == "dlx"):
            pk = [w for w in rest if not w.value.startswith("-") and w.value != "dlx"]
            if pk:
                base = re.sub(r"@[\d^~][^/]*$", "", pk[0].value)
                cli = _AGENT_NPX.get(base, "")
                rest = rest[rest.index(pk[0]) + 1:]
        if not cli:
            return
        argv = " ".join(w.value for w in rest).lower()
        flags = [f for f in _AGENT_CLI[cli] if re.search(r"(?:^|\s)" + re.escape(f.lower()) + r"(?:$|\s|=)", argv)]
        if not flags:
            return
        m = self.m
        why = ""
        how = m.detached(c)
        if how:
            why = f"started in the background ({how})"
        elif any(m.infinite(f) for f in m.loops_of(c)):
            why = "run in an endless loop"
        elif self.persisted:
            why = "run from a persistence location"
        else:
            for f in c.frames:
                if f.kind == "string" and f.parent_cmd is not None:
                    pw, _ = unwrap(f.parent_cmd)
                    if pw and basename(pw[0].value) in ("crontab", "at", "batch", "watch"):
                        why = "scheduled"
        self.sig("sr.sh-agent-bypass", c, cli=cli, flag=flags[0])
        if why:
            self.sig("sr.sh-agent-unattended", c, cli=cli, flag=flags[0], why=why)

    # -- persistence ------------------------------------------------------------------------
    def persist_class(self, path: str) -> str:
        p = _strip(path)
        p = re.sub(r"^(?:~|\$HOME|\$\{HOME\}|\$\{HOME:-[^}]*\}|/home/[^/]+|/root|/Users/[^/]+|\$\{?XDG_CONFIG_HOME\}?)(?=/)", "", p)
        p = p.replace("${XDG_CONFIG_HOME}", "/.config")
        for cls, rx in _PERSIST_PATHS:
            if rx.search(p):
                if cls == "python startup" and not (_PY_STARTUP_DIR.search(path) or _PY_STARTUP_DIR.search(self.m.expand(path))
                                                    or path.endswith(("sitecustomize.py", "usercustomize.py"))):
                    continue
                return cls
        if re.search(r"(?:^|/)\.ssh/authorized_keys2?$", p):
            return "authorized_keys"
        # `$g/hooks/$h` inside `for h in post-checkout post-merge …`: the hook names the loop takes
        m = re.search(r"(?:^|/)hooks/\$\{?([A-Za-z_]\w*)\}?$", p)
        if m:
            var = re.escape(m.group(1))
            for lm in re.finditer(r"\bfor[ \t]+" + var + r"[ \t]+in[ \t]+([^;\n]{1,300})", self.text):
                if any(_PERSIST_PATHS_GIT.search("hooks/" + w.strip("\"'")) for w in lm.group(1).split()):
                    return "git hook"
        return ""

    def check_persistence(self, c: Command, words: list[Word], name: str, copy_dests: dict[str, Command]) -> None:
        argv = [w.value for w in words]
        writes = self.written_paths(c)
        if name == "crontab":
            plain = [a for a in argv[1:] if not a.startswith("-") or a == "-"]
            if "-l" in argv or "-r" in argv or "-e" in argv and not plain:
                if c.pipe_prev is None and not any(r.body for r in c.redirects):
                    return
            content, spans = self.content_of_pipeline(c)
            if not content and plain and plain[-1] not in ("-", "/dev/stdin"):
                # a crontab file installed as a whole: what this script wrote into it, if anything
                content, spans = self.written.get(_strip(plain[-1]), ("", []))
            self.persisted_text(c, "cron", content, spans, "crontab", copy_dests)
            return
        if name in ("at", "batch") and (c.pipe_prev is not None or any(r.body or r.op == "<<<" for r in c.redirects)):
            content, spans = self.content_of_pipeline(c)
            self.persisted_text(c, "at job", content, spans, "shell", copy_dests)
            return
        if name == "git" and len(argv) >= 3 and "config" in argv[1:3]:
            k = next((i for i, a in enumerate(argv) if a.lower() == "core.hookspath"), -1)
            if k >= 0 and k + 1 < len(argv):
                hp = argv[k + 1]
                if hidden_or_temp(hp) and not re.search(r"(?:^|/)\.(?:husky|githooks|git-hooks|hooks)(?:/|$)", hp):
                    self.sig("sr.sh-persist-write", c, mechanism="git core.hooksPath", path=hp)
                    self.sig("sr.sh-runs-hidden", c, path=hp)
            return
        for path, mode, where in writes:
            cls = self.persist_class(path)
            if not cls:
                if (name in self.emitters or name in ("cat", "tee")) and len(self.written) < 200:
                    text_, spans_ = self.content_written(c, where)
                    if text_:
                        self.written[_strip(path)] = (text_, spans_)
                continue
            if cls == "authorized_keys":
                if name != "sed":  # `sed -i` edits keys already there; it adds none
                    self.sig("sr.sh-authkeys-append", c, path=path)
                continue
            srcs = self.copy_sources(c) if name in ("cp", "install", "ln", "mv") else []
            if srcs:
                if any(self.is_self_word(s) or _strip(s.value) in copy_dests for s in srcs):
                    self.sig("sr.sh-persist-write", c, mechanism=cls, path=path)
                    self.sig("sr.sh-persists-self", c, mechanism=cls, path=path, how=f"copies itself to a {cls} location ({path})")
                continue
            content, spans = self.content_written(c, where)
            kind = {"cron": "crontab", "systemd": "systemd", "launchd": "xml", "autostart": "ini"}.get(cls, "shell")
            if cls == "python startup":
                kind = "pth" if path.endswith(".pth") else "python"
            self.persisted_text(c, cls, content, spans, kind, copy_dests, path=path)

    def persisted_text(self, c: Command, cls: str, content: str, spans, kind: str,
                       copy_dests: dict[str, Command], path: str = "") -> None:
        self.sig("sr.sh-persist-write", c, mechanism=cls, path=path)
        if not content.strip():
            return
        m = self.m
        refs_self = False
        toks = []
        for tok in re.findall(r"\"[^\"]*\"|'[^']*'|\S+", content):
            t = tok.strip("'\"")
            toks.append(t)
            if "=" in t:
                toks.append(t.rsplit("=", 1)[1])
        if re.search(r"(?<![\w{])\$(?:0|\{0\})(?!\w)|\bBASH_SOURCE\b|/proc/self/exe", content):
            refs_self = True
        for ref in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", content):
            if "self" in m.labels.get(ref, ()):
                refs_self = True
        for t in toks:
            if m.is_self(t) or (t in copy_dests) or (self.own and basename(t) == self.own and "/" in t):
                refs_self = True
                break
            if t and any(t == d or (t.startswith(d.rstrip("/") + "/")) for d in copy_dests):
                refs_self = True
                break
        if refs_self:
            self.sig("sr.sh-persists-self", c, mechanism=cls, path=path, how=f"writes a {cls} entry that runs itself or its copy")
        # the written text becomes an artefact of its own, judged like the file it becomes
        if len(spans) == 1 and spans[0][2] and self.text[spans[0][0]:spans[0][1]] == content:
            segs = [Segment(0, spans[0][0], spans[0][1], exact=True)]
        else:
            s0 = min(s for s, _e, _x in spans) if spans else c.start
            s1 = max(e for _s, e, _x in spans) if spans else c.end
            segs = [Segment(0, s0, s1, exact=False)]
        name = basename(_strip(path)) if path else ("crontab" if cls == "cron" else "persisted")
        facts_ = {"persisted-command"} if kind == "shell" else set()
        if cls == "cron":
            # the written path tells a system crontab (with a user field) from a user one
            name = re.sub(r"^(?:~|\$HOME|\$\{HOME\})/", "", _strip(path)).lstrip("/") if path else "crontab"
        encoded = bool(unwrap(c)[0]) and basename(unwrap(c)[0][0].value) == "base64"
        self.ctx.child(self.art, content, label=f"{cls} entry written at line {self.art.index.position(c.start)[0]}",
                       kind=kind, name=name or "persisted", segments=segs, facts=facts_,
                       meta={"persistence": cls}, decoded_from="base64" if encoded else None)

    def record_link(self, c: Command, words: list[Word], name: str) -> None:
        """A program a persisted command starts, for the cross-file pass (`linking`)."""
        if any(f.kind == "subst" for f in c.frames):
            return
        target = words[1] if name in _SOURCE and len(words) > 1 else _launch_target(c)[0]
        if target is None:
            return
        v = _strip(target.value)
        if not v or "$(" in v or "`" in v or v.startswith("-"):
            return
        if "/" not in v and not re.search(r"\.(?:sh|bash|py|js|mjs|cjs|ts|pl|rb)$", v):
            return
        mech = self.art.meta.get("persistence") or _mechanism_of(self.art.name)
        self.ctx.link(self.art, target.start, target.end, v, mech)

    def check_agent_scaffold(self, c: Command, words: list[Word], name: str) -> None:
        """A persisted command that starts an agent's own program: a script kept in an agent or
        scaffold folder, run with flags that make it carry on by itself, or written by an agent's
        own tool call (the command sits in a transcript). Services persist their own program too;
        what tells the agent apart is where the program lives and how it is told to run."""
        if not self.persisted:
            return
        target, _prog = _launch_target(c)
        if target is None:
            return
        v = _strip(target.value)
        if not _AGENT_PROGRAM.search(v):
            return
        rest = " ".join(w.value for w in words[words.index(target) + 1:] if target in words)
        flag = _AUTONOMY_FLAGS.search(rest)
        transcript = _in_transcript(self.art)
        if not flag and not transcript:
            return
        how = self.m.detached(c) or ("&" if re.search(r"&\s*(?:disown\s*)?$", self.art.text.strip()) else "")
        if not how:
            # a service manager keeps it running on its own: nothing to detach from
            mech = " ".join([str(self.art.meta.get("persistence") or "")] + [str(o) for o in self.art.origin[-3:]])
            if re.search(r"(?i)systemd|ExecStart|launchd|autostart|scheduled workload", mech):
                how = "a service"
        why = ", ".join(x for x in (f"with {flag.group()}" if flag else "",
                                    "written by the agent's own tool call" if transcript else "",
                                    "run as a service" if how == "a service" else f"detached ({how})" if how else "") if x)
        self.sig("sr.sh-persists-agent", target, path=v, why=why)
        if not (flag and how):
            self.sig("sr.sh-persists-agent-partial", target)

    def check_hidden_exec(self, c: Command, words: list[Word], name: str) -> None:
        if not self.persisted:
            return
        target, prog = _launch_target(c)
        if name in _SOURCE:
            if len(words) > 1 and re.search(r"^(?:/tmp|/var/tmp|/dev/shm)/", _strip(words[1].value)):
                self.sig("sr.sh-runs-hidden", c, path=words[1].value)
            return
        if target is None:
            return
        v = _strip(target.value)
        if "$(" in v or "`" in v or "<(" in v:
            return  # a command substitution's output, not a path on disk
        if re.match(r"^/(?:etc/[^/]+|dev/(?!null$)[^/]+)$", v):
            self.sig("sr.sh-runs-hidden", c, path=v)  # a program kept among config files or devices
            return
        if "/" in v and hidden_or_temp(v):
            self.sig("sr.sh-runs-hidden", c, path=v)


# a program in an agent's own folder: agent/, agents/, .agent/, scaffold/, my-agent/, agent_core/
_AGENT_PROGRAM = lazy_re(
    r"(?i)(?:^|/)(?:\.?agents?|scaffold|agent[-_]?scaffold|agent[-_][\w.\-]+|[\w.\-]+[-_]agent|"
    r"autogpt|auto-gpt|babyagi|openhands|swe-agent|opendevin)/(?:[^/\s]+/)*[^/\s]+$")
# flags that tell an agent to carry on by itself
_AUTONOMY_FLAGS = lazy_re(
    r"(?i)(?:^|\s)--?(?:resume|autonomous|autonomy|auto-?run|auto-?approve|auto-?continue|continuous|"
    r"yolo|dangerously[-\w]*|unattended|headless|full-auto|no-confirm\w*|skip-permissions|"
    r"never-stop|keep-alive|self-(?:improve|restart|heal))\b")


_TRANSCRIPT_MARK = lazy_re(r'"(?:role|tool_calls|tool_use|function_call|tool_input|toolUseResult)"\s*:')


def _in_transcript(art) -> bool:
    """The artefact is a value of an agent's log or transcript (a tool call's command), not of
    any JSON file (tasks.json, package.json)."""
    a, inside = art, False
    for _ in range(16):
        if a.parent is None:
            break
        inside = inside or "json-value" in a.facts
        a = a.parent
    return inside and bool(_TRANSCRIPT_MARK.search(a.text[:65536]))


def _mechanism_of(name: str) -> str:
    n = name.replace("\\", "/").lower()
    if "/.git/hooks/" in "/" + n or "/.husky/" in "/" + n:
        return "git hook"
    if "cron." in n:
        return "cron"
    if "init.d/" in n or "rc.local" in n:
        return "boot script"
    return "shell start-up"


def _b64_text(value: str) -> str | None:
    """Base64 text decoded (bounded) when it decodes to mostly printable text, else None."""
    import base64
    import binascii

    v = re.sub(r"\s+", "", value)
    if len(v) < 8 or len(v) > 2_000_000 or not re.fullmatch(r"[A-Za-z0-9+/=_-]+", v):
        return None
    try:
        raw = base64.b64decode(v + "=" * (-len(v) % 4), validate=False)
    except (binascii.Error, ValueError):
        return None
    text = raw.decode("utf-8", "replace")
    if not text.strip() or sum(ch.isprintable() or ch in "\n\t\r" for ch in text) < 0.9 * len(text):
        return None
    return text


def _word_span(w: Word) -> tuple[int, int, bool]:
    if w.single:
        return (w.start + 1, w.end - 1, True)
    return (w.start, w.end, False)


def _prefilter(art) -> bool:
    if "persisted-command" in art.facts:
        return True
    low = art.lower
    if any(lit in low for lit in LITERALS):
        return True
    return ("ssh" in low or "scp" in low or "rsync" in low) and any(lit in low for lit in _SSH_WITH)


@detector("shell-behaviour", SIGNALS, kinds=("shell",), prefilter=_prefilter)
def detect_shell_behaviour(art, ctx):
    if not model_allowed(art, ctx):
        return
    model = model_of(art)
    if model.script.truncated:
        ctx.error(art, "shell script too large or nested too deeply; only part of it was analysed")
    _Detect(art, ctx, model).run()
