"""JSON and JSONL agent logs and transcripts → their string values as artefacts of their own.

A transcript holds what the agent did as JSON strings: shell commands of tool calls, files it
wrote (`{"path": "x.py", "content": "..."}`), code it ran, messages it wrote, and often tool
arguments as JSON inside a string.  Each string is analysed as what it holds:

- a command (`command`, `cmd`, `script`…, or any argument of a shell tool) as shell, argv lists
  (`["bash", "-lc", "…"]`) included;
- file content next to a path (`path`, `file_path`, `filename`…) as the kind of that path;
- code next to a `language` key as that language, `code` as Python unless it says otherwise;
- a string that is itself JSON (OpenAI-style `arguments`) as JSON, unpacked again;
- other text as Markdown when it holds a code fence, else by its shape (shebang, HTML) or text.

The JSON path goes into the origin (`$.message.content[0].input.command`, with the record's
line for JSONL), and every child maps back onto the characters of the raw file, escapes
included, so a finding points at the line of the log.  Strings that are plain text identical to
their raw form are already read by the text rules on the file itself and are not repeated.
"""
from __future__ import annotations

import re

from .. import jsonpos
from ..detectors import facts
from ..kinds import CODE_KINDS, LANGUAGES, kind_from_content, kind_from_name
from ..model import Segment
from . import extractor
from ..lazyregex import lazy_re

facts.declare("json-value")

SHELL_KEYS = {"command", "cmd", "commands", "shell", "bash", "sh", "script", "shell_command",
              "run", "exec", "cmdline", "command_line", "commandline"}
CODE_KEYS = {"code", "python", "python_code", "source_code", "snippet", "program"}
CONTENT_KEYS = {"content", "contents", "text", "new_str", "new_string", "old_str", "old_string",
                "file_text", "code", "data", "body", "source", "new_content", "patch", "diff",
                "replacement", "insert_text", "value", "file_content", "edits"}
PATH_KEYS = {"path", "file_path", "filepath", "filename", "file", "file_name", "target_file",
             "target", "notebook_path", "relative_path", "abs_path", "absolute_path", "uri"}
TOOL_KEYS = ("name", "tool", "tool_name", "function", "recipient_name", "action", "type")
ARG_KEYS = {"input", "arguments", "args", "parameters", "params", "tool_input", "kwargs"}
SHELL_TOOLS = lazy_re(r"(?i)(?:^|[_.\-\s])(?:bash|shell|sh|terminal|exec(?:ute)?_?command|"
                         r"run_?command|run_?shell|local_shell|container\.exec|cmd)(?:$|[_.\-\s])|^(?:bash|shell)$")
_PS_COMMAND = lazy_re(r"""(?i)\s*(?:&\s*)?["']?(?:[a-z]:)?(?:[\w .()\\/-]*[\\/])?(?:powershell(?:_ise)?|pwsh)(?:\.exe)?["']?(?:\s|$)""")
PY_TOOLS = lazy_re(r"(?i)python|ipython|jupyter|code_interpreter|execute_code|run_code")
_SPECIAL_KEYS = SHELL_KEYS | CODE_KEYS | CONTENT_KEYS
# What makes a JSON file worth parsing for its strings (a data file of numbers and plain words
# is not): escapes or backticks, a key that holds code or file content, a tool call, a string
# that holds JSON, a script or markup.  Simple patterns: this runs on every JSON file.
_WORTH_KEYS = lazy_re(r'"(?:' + "|".join(sorted(_SPECIAL_KEYS | {"scripts", "language", "lang"})) + r')"\s*:')
_WORTH_VALUE = lazy_re(r'"[ \t]*[{\[<#]')
_TOOL_WORDS = ("bash", "shell", "terminal", "python", "exec", "patch", "tool", "function")


def _worth_parsing(art) -> bool:
    text = art.text
    if "\\" in text or "`" in text:
        return True
    low = art.lower
    return any(w in low for w in _TOOL_WORDS) or bool(_WORTH_VALUE.search(text)) or bool(_WORTH_KEYS.search(low))
MIN_LEN = 4
MAX_STRINGS = 5000  # strings analysed one by one per file; the rest are batched
BATCH = 1 << 20
MAX_BAD_LINES = 20


@extractor("json-strings", kinds={"json", "jsonl", "text"})
def extract_json(art, ctx):
    text = art.text
    if art.kind == "text":
        # a log of JSON records under another name (agent.log, events.txt)
        head = text[:4096].lstrip()
        first = head.split("\n", 1)[0].rstrip()
        if not (first.startswith("{") and first.endswith("}") and "\n{" in head) \
                or "json-value" in art.facts or "decoded" in art.facts:
            return
    if not text.strip():
        return
    if not _worth_parsing(art):
        return  # no escapes, no code-bearing keys, no tool calls: the raw text rules saw it all
    state = _State(art, ctx)
    if art.kind == "json":
        try:
            try:
                value = jsonpos.parse(text)
            except ValueError:
                relaxed = _without_comments(text)  # JSON with comments (tsconfig, settings.json)
                if relaxed is None:
                    raise
                value = jsonpos.parse(relaxed)
                _rebind(value, text)
        except (ValueError, RecursionError) as e:
            if "extra data" in str(e) and text.lstrip().startswith("{"):
                _jsonl(art, ctx, state)  # JSON Lines in a .json file
                state.flush()
                return
            if not _named_json(art):
                return  # a guess (a code fence, a JSON-looking string, a sniffed file): read as text
            ctx.error(art, f"not valid JSON ({e}); its string values were analysed only as raw text")
            return
        state.walk(value, "", "")
    else:
        _jsonl(art, ctx, state)
    state.flush()


_COMMENTS = lazy_re(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING_COMMA = lazy_re(r'"(?:[^"\\\n]|\\.)*"|,(?=\s*[}\]])')


def _without_comments(text: str) -> str | None:
    """JSON with comments and trailing commas made plain JSON of the same length (comments and
    those commas become spaces, line breaks kept), so positions still map; None if it has none."""
    if "//" not in text and "/*" not in text and "," not in text:
        return None
    changed = False

    def blank(m):
        nonlocal changed
        g = m.group()
        if g.startswith('"'):
            return g
        changed = True
        return "".join(c if c == "\n" else " " for c in g)

    out = _TRAILING_COMMA.sub(blank, _COMMENTS.sub(blank, text))
    return out if changed else None


def _rebind(value, text: str) -> None:
    """Point the parsed strings back at the original text (same offsets)."""
    for s in jsonpos.iter_strings(value):
        s._text = text


def _named_json(art) -> bool:
    """Whether the artefact is a file (or archive member, attachment) named as JSON, so that a
    parse failure is worth reporting; fences and sniffed content are often JSON-like only."""
    if art.facts & {"code-block", "json-value", "notebook-cell", "notebook-output"}:
        return False
    return kind_from_name(art.name) in ("json", "jsonl")


def _jsonl(art, ctx, state) -> None:
    text = art.text
    bad = []
    pos = 0
    lineno = 0
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        if end < 0:
            end = n
        lineno += 1
        line = text[pos:end]
        if line.strip():
            try:
                value = jsonpos.parse_prefix(text, pos, end)
            except (ValueError, RecursionError) as e:
                bad.append((lineno, str(e)))
            else:
                state.walk(value, f"line {lineno} ", "")
        pos = end + 1
    if bad and (len(bad) < lineno / 2 or _named_json(art)):
        first = ", ".join(str(ln) for ln, _ in bad[:MAX_BAD_LINES])
        more = f" and {len(bad) - MAX_BAD_LINES} more" if len(bad) > MAX_BAD_LINES else ""
        ctx.error(art, f"{len(bad)} JSON Lines record(s) are not valid JSON (line {first}{more}: "
                       f"{bad[0][1]}); they were analysed only as raw text")


class _State:
    def __init__(self, art, ctx):
        self.art = art
        self.ctx = ctx
        self.count = 0
        self.batch: list[tuple] = []  # (label, PosStr) past MAX_STRINGS
        self.batch_len = 0

    # -- walking ------------------------------------------------------------------------------
    def walk(self, value, prefix: str, hint: str) -> None:
        """Visit every string under `value`; `hint` is the kind a tool's arguments hold."""
        stack = [(value, hint, None)]
        while stack:
            v, h, siblings = stack.pop()
            if isinstance(v, jsonpos.PosStr):
                self.string(v, prefix, h, siblings)
            elif isinstance(v, dict):
                tool_hint = h
                role = v.get("role") or v.get("type")
                if isinstance(role, str) and (role == "tool" or "result" in role or "output" in role):
                    # what a tool returned is output, read by its shape, not as the tool's language
                    for key, sub in reversed(list(v.items())):
                        stack.append((sub, "", v))
                    continue
                for k in TOOL_KEYS:
                    t = v.get(k)
                    if isinstance(t, str) and len(t) < 80:
                        if SHELL_TOOLS.search(t):
                            tool_hint = "shell"
                            break
                        if PY_TOOLS.search(t):
                            tool_hint = "python"
                            break
                items = list(v.items())
                for key, sub in reversed(items):
                    sub_hint = tool_hint if (key.lower() in ARG_KEYS or tool_hint != h) else h
                    stack.append((sub, sub_hint, v))
            elif isinstance(v, list):
                for sub in reversed(v):
                    stack.append((sub, h, siblings if isinstance(siblings, dict) else None))

    def string(self, s: jsonpos.PosStr, prefix: str, hint: str, siblings) -> None:
        if len(s) < MIN_LEN and (s.isascii() or not s.escaped):
            return  # too short to hold code; short escaped non-ASCII may still hide characters
        key = _last_key(s.path)
        if not hint and not s.escaped and key.lower() not in _SPECIAL_KEYS and "`" not in s \
                and not (len(s.path) >= 2 and s.path[-2] == "scripts") \
                and s[:1] not in "{[<#" and not s.lstrip()[:1] in ("{", "[", "<", "#"):
            return  # plain text identical to the raw file, and nothing says it is code
        kind = self.kind_of(s, key, hint, siblings)
        changed = s.escaped
        if not changed and kind not in CODE_KINDS and kind not in ("json", "jsonl", "html", "markdown",
                                                                  "eml", "xml", "yaml", "crontab"):
            return  # plain text, identical to the raw file: already read by the text rules
        if not s.strip():
            return
        label = f"{prefix}{jsonpos.path_text(s.path)}"
        if self.count >= MAX_STRINGS and kind not in CODE_KINDS and kind != "json":
            self.batch.append((label, s))
            self.batch_len += len(s)
            if self.batch_len >= BATCH:
                self.flush()
            return
        self.count += 1
        name = _name_for(kind, siblings)
        self.ctx.child(self.art, str(s), label=label, kind=kind, name=name,
                       segments=list(s.segments), facts={"json-value"})

    def kind_of(self, s: str, key: str, hint: str, siblings) -> str:
        k = key.lower()
        if _looks_json(s):
            return "json"
        if k in TOOL_KEYS or k.endswith("id"):
            hint = ""
        if isinstance(siblings, dict):
            lang = siblings.get("language") or siblings.get("lang")
            if isinstance(lang, str) and k in CONTENT_KEYS | CODE_KEYS and lang.lower() in LANGUAGES:
                return LANGUAGES[lang.lower()]
            if k in CONTENT_KEYS:
                for pk in PATH_KEYS:
                    p = siblings.get(pk)
                    if isinstance(p, str) and p is not s and len(p) < 4096:
                        by_name = kind_from_name(p)
                        if by_name and by_name not in ("docx", "pdf", "zip", "tar", "gzip", "bzip2", "xz"):
                            return by_name
        if k in SHELL_KEYS or (len(s.path) >= 2 and s.path[-2] == "scripts"):  # package.json scripts
            # a command run through PowerShell (agents on Windows) is read as PowerShell
            return "powershell" if _PS_COMMAND.match(s) else "shell"
        if k in CODE_KEYS:
            return hint if hint in CODE_KINDS else "python"
        if hint in CODE_KINDS and k not in ("description", "title", "summary", "reason", "explanation"):
            return hint
        if "```" in s or "~~~" in s:
            return "markdown"
        kind = kind_from_content(s[:1024])
        return "text" if kind in ("json", "jsonl") else kind

    # -- batching -----------------------------------------------------------------------------
    def flush(self) -> None:
        if not self.batch:
            return
        parts = self.batch
        self.batch, self.batch_len = [], 0
        out, segs, n = [], [], 0
        for _label, s in parts:
            for seg in s.segments:
                segs.append(Segment(n + seg.child_start, seg.parent_start, seg.parent_end, seg.exact))
            out.append(str(s) + "\n\n")
            end = s.end
            segs.append(Segment(n + len(s), end, end, False))  # the separator maps to the string's end
            n += len(s) + 2
        self.ctx.child(self.art, "".join(out), label=f"{len(parts)} JSON string values ({parts[0][0]} …)",
                       kind="text", segments=segs, facts={"json-value"})


def _last_key(path: tuple) -> str:
    for p in reversed(path):
        if isinstance(p, str):
            return p
    return ""


def _looks_json(s: str) -> bool:
    t = s.strip()
    return len(t) >= 2 and ((t[0] == "{" and t[-1] == "}") or (t[0] == "[" and t[-1] == "]")) \
        and ('"' in t or t in ("{}", "[]"))


_EXT = {"python": "py", "shell": "sh", "javascript": "js", "markdown": "md", "html": "html",
        "json": "json", "yaml": "yaml", "text": "txt", "xml": "xml", "toml": "toml", "powershell": "ps1"}


def _name_for(kind: str, siblings) -> str | None:
    """The name a child is known by: the file path it was written to, else one for its kind
    (a name decides path facts such as memory-file, and the kind of nested parts)."""
    if isinstance(siblings, dict):
        for pk in PATH_KEYS:
            p = siblings.get(pk)
            if isinstance(p, str) and 0 < len(p) < 4096 and "\n" not in p:
                return p
    ext = _EXT.get(kind)
    return f"value.{ext}" if ext else None
