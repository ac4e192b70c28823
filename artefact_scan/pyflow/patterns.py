"""What string literals and command lines mean to the self-replication analysis.

A path literal can name an agent asset (weights, system prompt, memory, agent folder), a file
that yields hosts when read (known_hosts, ssh config, shell history), a credential file, a
persistence location (crontab, systemd, rc files, site-packages `.pth`, sitecustomize,
`.git/hooks`…), a code-file pattern (`*.py`) or the site-packages folder.  A command line (a
shell string or an argv list) can copy to or run on another host, upload, install persistence,
publish to a registry, start a model server or an agent CLI, create cloud compute, or detach.

Every pattern here is linear and runs only on literals of files the prefilter selected.
"""
from __future__ import annotations

import functools
import re
from ..lazyregex import lazy_re

CODE_EXTS = (".py", ".pyw", ".sh", ".bash", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".php",
             ".ps1", ".bat", ".cmd", ".vbs", ".lua")

_CODE_GLOB = lazy_re(r"\*[^/\\]*\.(?:pyw?|sh|bash|m?js|cjs|ts|rb|pl|php|ps1|bat|cmd|vbs|lua)\b\Z", re.I)
_CODE_EXT_ONLY = lazy_re(r"\A\.?(?:pyw?|sh|bash|m?js|cjs|ts|rb|pl|php|ps1|bat|cmd|vbs|lua)\Z", re.I)

# Weights: unambiguous extensions, or ambiguous ones with a model-ish name.
_WEIGHTS = lazy_re(
    r"\.(?:safetensors|gguf|ggml|ckpt)\b"
    r"|(?:model|weight|checkpoint|consolidated|adapter|lora|pytorch_model|llama|mistral|qwen|"
    r"gemma|phi-?\d|gpt)[^/\\]*\.(?:bin|pt|pth|h5|onnx|msgpack)\b"
    r"|(?:^|[/\\])(?:weights|model_weights|models--[^/\\]+)(?:[/\\]|$)"
    r"|\.cache[/\\]huggingface\b|\.ollama[/\\]models|[/\\]models[/\\]blobs\b"
    # a folder directly under a models/ directory (`/models/assistant-v3`), as the shell side reads
    # it; a file there with a code, text or data extension is something else (a Django models module)
    r"|(?:^|[/\\])models?[/\\](?![^/\\]*\.(?:pyw?|pyc|js|ts|json|ya?ml|toml|txt|md|rst|html?|sql|csv|rb|go|java|php|cs)\Z)"
    r"[\w.\-]+[/\\]?\Z"
    # a trainer's checkpoint folder: checkpoint-31500, global_step1200 (as the shell side reads it)
    r"|(?:^|[/\\])(?:checkpoint|ckpt|global_step)[-_]?\d+[/\\]?\Z", re.I)
_PROMPT = lazy_re(
    r"(?:^|[/\\])(?:system[-_ ]?prompt[^/\\]*|agents\.md|claude\.md|gemini\.md|\.cursorrules|"
    r"\.clinerules|\.windsurfrules|copilot-instructions\.md|instructions\.md|prompt\.txt|prompts)"
    r"(?:[/\\]|$)", re.I)
_MEMORY = lazy_re(
    r"(?:^|[/\\])(?:memory|memories|\.memory|memory\.(?:json|md|txt|db|jsonl)|scratchpad[^/\\]*|"
    r"notes_to_self[^/\\]*|agent_state[^/\\]*|\.claude|\.codex)(?:[/\\]|$)", re.I)
_AGENT_DIR = lazy_re(
    r"(?:^|[/\\])(?:agent|agents|\.agent|scaffold|agent[-_][a-z0-9_]+|[a-z0-9_]+[-_]agent)(?:[/\\]|$)",
    re.I)
_HOSTS_FILE = lazy_re(
    r"known_hosts|\.ssh[/\\]config\b|_history\b|(?:^|/)etc/hosts\b|/proc/net/arp|\.ssh[/\\]?$",
    re.I)
_CRED_FILE = lazy_re(
    r"\.ssh[/\\](?:id_[a-z0-9_]+|[^/\\]*\.pem)\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.aws[/\\]credentials"
    r"|\.pypirc|\.npmrc|\.netrc|\.git-credentials|\.docker[/\\]config\.json|\.kube[/\\]config"
    r"|(?:^|[/\\])(?:passwords?|passwd|wordlist|creds|credentials)(?:\.[a-z]+)?$", re.I)
_SITE = lazy_re(r"(?:site|dist)-packages", re.I)
_PERSIST = [
    ("cron", lazy_re(r"crontab|/etc/cron|/var/spool/cron|cron\.(?:d|daily|hourly|weekly)\b", re.I)),
    ("systemd", lazy_re(r"systemd[/\\]|\.(?:service|timer)\Z", re.I)),
    ("shell-rc", lazy_re(r"(?:^|[/\\~])\.(?:bashrc|bash_profile|bash_login|profile|zshrc|zprofile|zlogin|zshenv)\Z"
                            r"|/etc/profile|profile\.d[/\\]|rc\.local|/etc/init\.d|config\.fish", re.I)),
    ("autostart", lazy_re(r"\.config[/\\]autostart|launchagents|launchdaemons|start menu[/\\]programs[/\\]startup"
                             r"|currentversion\\+run", re.I)),
    ("python-startup", lazy_re(r"(?:sitecustomize|usercustomize)\.py\Z|pythonstartup", re.I)),
    ("git-hook", lazy_re(r"\.git[/\\]hooks|\.husky[/\\]|hookspath", re.I)),
    ("authorized-keys", lazy_re(r"authorized_keys", re.I)),
    ("ci-workflow", lazy_re(r"\.github[/\\]workflows[/\\]", re.I)),
]


def is_code_glob(s: str) -> bool:
    return bool(_CODE_GLOB.search(s.strip()))


def is_code_ext(s: str) -> bool:
    return bool(_CODE_EXT_ONLY.match(s.strip()))


def names_code_file(s: str) -> bool:
    return s.strip().lower().endswith(CODE_EXTS)


def asset_kind(s: str) -> str | None:
    """'weights', 'prompt', 'memory' or 'agent-dir' for a path naming an agent asset."""
    if len(s) > 400 or "\n" in s:
        return None
    if _WEIGHTS.search(s):
        return "weights"
    if _PROMPT.search(s):
        return "prompt"
    if _MEMORY.search(s):
        return "memory"
    if _AGENT_DIR.search(s) and ("/" in s or "\\" in s or s.lower().startswith(("agent", "scaffold"))):
        return "agent-dir"
    return None


def is_hosts_file(s: str) -> bool:
    return len(s) < 300 and "\n" not in s and bool(_HOSTS_FILE.search(s))


def is_cred_file(s: str) -> bool:
    return len(s) < 300 and "\n" not in s and bool(_CRED_FILE.search(s))


def is_site_dir(s: str) -> bool:
    return len(s) < 300 and bool(_SITE.search(s))


_MANIFEST = lazy_re(r"(?:^|[/\\])(?:setup\.py|setup\.cfg|pyproject\.toml|package\.json|Cargo\.toml|[^/\\]+\.gemspec)\Z")


def is_manifest(s: str) -> bool:
    return len(s) < 300 and bool(_MANIFEST.search(s.strip()))


def persist_kind(s: str) -> str | None:
    if len(s) > 300 or "\n" in s:
        return None
    for kind, pat in _PERSIST:
        if pat.search(s):
            return kind
    return None


# -- command lines ------------------------------------------------------------------------
_CMD = [
    ("remote-copy", lazy_re(
        r"\b(?:scp|sftp|sshpass\b.*\bscp)\b|\brsync\b[^|;&]*\S+:\S*"
        r"|\baws\s+s3\s+(?:cp|sync|mv)\b|\bgsutil\s+(?:-m\s+)?(?:cp|rsync|mv)\b|\brclone\s+(?:copy|sync|move)\b"
        r"|\bcurl\b[^|;&]*(?:\s-T\s|--upload-file|\s-F\s|--form\b|--data-binary\s+@|\s-d\s*@)"
        r"|\b(?:huggingface-cli|hf)\s+upload\b|\baz\s+storage\s+blob\s+upload\b|\b(?:nc|ncat|netcat)\s+\S+\s+\d+\s*<"
        r"|\bwormhole\s+send\b|\bcroc\s+send\b")),
    ("remote-exec", lazy_re(
        r"(?<![\w-])ssh(?![\w-])(?:\s+-[A-Za-z]+(?:\s+[^\s-][^\s]*)?)*\s+(?:[\w.-]+@)?[\w.{}-]+\s+\S"
        r"|\b(?:pssh|pdsh|parallel-ssh)\b")),
    ("persist", lazy_re(
        r"\bcrontab\b|\bsystemctl\s+(?:--user\s+)?(?:enable|daemon-reload)|\bloginctl\s+enable-linger"
        r"|\bschtasks\b.*\/create|\breg\s+add\b.*\\run\b|\blaunchctl\s+(?:load|bootstrap)\b|\bupdate-rc\.d\b"
        r"|>>?\s*\S*\.(?:bashrc|bash_profile|profile|zshrc)\b|\bchkconfig\b.*\bon\b", re.I)),
    ("publish", lazy_re(
        r"\btwine\s+upload\b|\b(?:npm|yarn|pnpm)\s+publish\b|\bgem\s+push\b|\bcargo\s+publish\b"
        r"|\bdocker\s+push\b|\bgh\s+repo\s+create\b|\bflit\s+publish\b|\bpoetry\s+publish\b|\buv\s+publish\b")),
    ("model-server", lazy_re(
        r"\bvllm\s+serve\b|\bvllm\.entrypoints\b|\bollama\s+(?:serve|run)\b|\bllama-server\b|\bllama_cpp\.server\b"
        r"|\btext-generation-launcher\b|\bsglang\.launch_server\b|\blmdeploy\s+serve\b|\bmlc_llm\s+serve\b"
        r"|\bkoboldcpp\b|\btabbyapi\b|\bapi_server\b")),
    ("agent-cli", lazy_re(
        r"--dangerously-skip-permissions|--dangerously-bypass-approvals|\bclaude\b[^|;&]*\s(?:-p|--print)\b"
        r"|\bcodex\s+(?:exec|--full-auto|--yolo)\b|\baider\b[^|;&]*--yes\b|\bgemini\b[^|;&]*\s(?:-y|--yolo)\b"
        r"|\bopenhands\b|\bgoose\s+run\b|--full-auto\b")),
    ("cloud", lazy_re(
        r"\baws\s+ec2\s+run-instances\b|\bgcloud\s+compute\s+instances\s+create\b|\baz\s+vm\s+create\b"
        r"|\bkubectl\s+(?:scale|apply|run|create\s+(?:deployment|job|daemonset))\b|\bdocker\s+run\b[^|;&]*\s-d\b"
        r"|--restart[= ](?:always|unless-stopped)")),
    ("detach", lazy_re(
        r"\bnohup\b|\bsetsid\b|\bdisown\b|(?<![&|])&\s*(?:$|;|\))|\bscreen\s+-d?m|\btmux\s+new(?:-session)?\b[^|;]*\s-d\b"
        r"|\bstart\s+/b\b|\bdaemonize\b")),
    ("copy", lazy_re(r"(?:^|[;&|]\s*|\s)(?:cp|copy|xcopy|robocopy|ditto)\s")),
    ("port", lazy_re(r"--port[= ]\{?\w|\s-p\s+\d{2,5}\b|:\d{4,5}\b")),
]


def command_kinds(text: str) -> dict[str, str]:
    """{kind: matched text} for the shell or argv command `text` (argv items joined by spaces)."""
    out = {}
    if not text or len(text) > 20000:
        return out
    for kind, pat in _CMD:
        m = pat.search(text)
        if m:
            out[kind] = m.group(0).strip()[:80]
    return out


_NONE: dict[str, str] = {}


@functools.lru_cache(maxsize=4096)
def classify_literal(s: str) -> dict[str, str]:
    """Labels a string literal carries on its own: {label: detail} (do not mutate the result)."""
    if not s or len(s) > 2000:
        return _NONE
    if "/" not in s and "." not in s and "\\" not in s and "crontab" not in s and "_prompt" not in s \
            and "known_hosts" not in s:
        return _NONE
    out: dict[str, str] = {}
    one_line = "\n" not in s
    if one_line:
        a = asset_kind(s)
        if a:
            out["asset"] = a
        if is_hosts_file(s):
            out["hosts-file"] = s[:80]
        if is_cred_file(s):
            out["cred-file"] = s[:80]
        p = persist_kind(s)
        if p:
            out["persist-path"] = p
        if is_site_dir(s):
            out["site-dir"] = s[:80]
        if s.strip() == "/proc/self/exe":
            out["self-path"] = s
        if is_manifest(s):
            out["manifest"] = s[:80]
    return out


# oversight switches (Apollo's oversight subversion); telemetry and logging are privacy settings
_OVERSIGHT_KEY = lazy_re(
    r"(?i)oversight|monitor(?:ing)?(?:_enabled|_on|\b)|\baudit(?:ing|_log|_enabled|\b)|guardrails?|safety[_ -]?(?:check|filter)s?"
    r"|kill[_ -]?switch|human[_ -]?(?:approval|review|in[_ -]?the[_ -]?loop)|(?:require|requires)[_ -]?approval"
    r"|approval[_ -]?required|supervis(?:or|ion)")
_OFF = {"false", "off", "no", "disabled", "disable", "none", "0", "null"}
_CONFIG_FILE = lazy_re(r"(?i)\.(?:ya?ml|json|toml|ini|cfg|conf|env|properties)\Z|(?:^|[/\\])\.env\Z")
_FLIP_TEXT = lazy_re(
    r"(?i)((?:oversight|monitor(?:ing)?|audit(?:ing)?|guardrails?|safety[_-]?checks?|kill[_-]?switch|human[_-]?approval|require[_-]?approval)"
    r"[\w.-]*)\s*[:=]\s*[\"']?(false|off|no|disabled|0)\b")


def oversight_key(key: str) -> bool:
    return bool(key) and len(key) < 120 and bool(_OVERSIGHT_KEY.search(key))


def turns_off(key: str, value: str | None) -> bool:
    """Does setting `key` to `value` switch the oversight off?"""
    if value is None:
        return False
    v = value.strip().strip("'\"").lower()
    if "disable" in key.lower() or "skip" in key.lower() or "bypass" in key.lower():
        return v in ("true", "1", "yes", "on")
    return v in _OFF


def is_config_file(path: str) -> bool:
    return len(path) < 300 and bool(_CONFIG_FILE.search(path.strip()))


def flip_in_text(text: str) -> str | None:
    """`oversight_enabled: false` written as text: the key that is switched off."""
    if len(text) > 20000:
        return None
    m = _FLIP_TEXT.search(text)
    return m.group(1) if m else None
