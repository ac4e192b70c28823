"""A small, bounded shell tokenizer: the commands of a script with their words, redirections,
separators and the blocks (loops, functions, subshells, substitutions) that enclose them.

It is not a full POSIX parser and never needs to be: the behaviour detectors ask questions such
as "is this `cat "$0"` inside a `for f in *.sh` loop", "what does the loop iterate over", "is this
command started in the background", "which text does this heredoc feed to `crontab -`".  For that
it understands what decides those answers: single, double and ANSI-C quotes, backslashes,
comments, heredocs (quoted or not, `<<-`), `$( )`, backticks, `${ }`, `$(( ))`, process
substitution, control operators, reserved words at command position and `case` patterns.
Command substitutions and the code strings of `sh -c`, `eval`, `trap`, `ssh HOST CMD`, `su -c`,
`tmux new -d`, `watch` and `xargs sh -c` are parsed again as nested commands.

Everything is bounded (nesting depth, number of commands) and nothing is ever executed.
Offsets are absolute offsets into the artefact text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from ..lazyregex import lazy_re

MAX_DEPTH = 8
MAX_COMMANDS = 20000

_HEREDOC_DELIM = lazy_re(r"(-?)[ \t]*(?:'([^'\n]*)'|\"([^\"\n]*)\"|\\?([A-Za-z_0-9.\-]+))")
_PLAIN = lazy_re(r"[^\s;&|<>()'\"\\$`]+")
_EMPTY_PARENS = lazy_re(r"\([ \t]*\)")
_META = frozenset(" \t\n;&|<>()")
_RESERVED_OPEN_LOOP = frozenset({"for", "select", "while", "until"})
_NOOP_PREFIX = frozenset({"then", "else", "do", "!", "time", "elif"})
_CODE_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "busybox", "fish"})


@dataclass(eq=False)
class Frame:
    """A block enclosing commands: a loop, a function, a subshell or brace group, an `if`,
    a `case`, a command substitution or a code string."""

    kind: str  # for | while | until | func | subshell | brace | if | case | subst | string
    start: int
    var: str = ""  # loop variable, function name
    header: str = ""  # what a loop iterates over / its condition, with a pipeline feeding it
    infinite: bool = False
    background: bool = False  # the whole block is started with `&`
    in_body: bool = False
    end: int = -1
    parent_cmd: Command | None = None  # for subst / string frames: the command holding the text


@dataclass(eq=False)
class Word:
    value: str  # quotes removed, escapes resolved; expansions kept as written
    start: int
    end: int
    quoted: bool = False
    single: bool = False  # the whole word is one single-quoted string
    substs: list[tuple[int, int]] = field(default_factory=list)  # inner spans of $( ), ` `, <( )


@dataclass(eq=False)
class Redirect:
    op: str  # > >> < << <<- <<< &> &>> >& <& >| <>
    target: Word | None
    start: int
    fd: str = ""
    body: tuple[int, int] | None = None  # heredoc body span
    body_quoted: bool = False  # quoted delimiter: no expansion in the body


@dataclass(eq=False)
class Command:
    words: list[Word]
    redirects: list[Redirect]
    start: int
    end: int
    sep: str = ""  # the operator that ended it: ; & | |& && || ;; \n or ''
    frames: tuple[Frame, ...] = ()
    pipe_prev: Command | None = None  # the command piping into this one
    keyword: str = ""  # reserved word this command is (done, fi, }, ), for, while …)
    closes: Frame | None = None  # for done/}/)/fi/esac: the block it ends

    @property
    def background(self) -> bool:
        return self.sep == "&"

    def argv(self) -> list[str]:
        return [w.value for w in self.words]


class Script:
    """The parse of one text: every command (nested ones included) in source order."""

    def __init__(self, text: str):
        self.text = text
        self.commands: list[Command] = []
        self.truncated = False
        self.functions: dict[str, Frame] = {}
        parser = _Parser(self)
        parser.parse(0, len(text), (), 0)
        self.commands.sort(key=lambda c: (c.start, c.end))
        if _exec_code_vars(self, parser):
            self.commands.sort(key=lambda c: (c.start, c.end))


_VAR_HEREDOC = lazy_re(r"^([A-Za-z_][A-Za-z0-9_]*)=\$\(\s*cat\b")
_RUNS_VAR = lazy_re(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def _exec_code_vars(script: Script, parser: _Parser) -> bool:
    """Code kept in a variable and then run (`V=$(cat <<'EOF' … EOF)` then `printf %s "$V" | bash`,
    `bash -c "$V"`, `eval "$V"`, `read -d '' V <<EOF` …): parse the heredoc body as commands."""
    bodies: dict[str, tuple[int, int]] = {}
    for c in script.commands:
        argv = c.argv()
        if not argv:
            continue
        if argv[0] == "cat" and c.frames and c.frames[-1].kind == "subst" and c.frames[-1].parent_cmd is not None:
            holder = c.frames[-1].parent_cmd
            for w in holder.words:
                m = _VAR_HEREDOC.match(w.value)
                if m:
                    for r in c.redirects:
                        if r.body is not None:
                            bodies[m.group(1)] = r.body
        elif argv[0] == "read" and len(argv) >= 2:
            for r in c.redirects:
                if r.body is not None:
                    bodies[argv[-1]] = r.body
    if not bodies:
        return False
    ran = False
    done: set[str] = set()
    from_list = list(script.commands)
    for c in from_list:
        words, _ = unwrap(c)
        if not words:
            continue
        name = basename(words[0].value)
        refs: list[str] = []
        if name in _CODE_SHELLS and c.pipe_prev is not None:
            pw, _ = unwrap(c.pipe_prev)
            if pw and basename(pw[0].value) in ("echo", "printf", "cat"):
                refs = [m.group(1) for w in pw[1:] for m in _RUNS_VAR.finditer(w.value)]
        elif name in _CODE_SHELLS or name == "eval":
            refs = [m.group(1) for w in code_strings(c) for m in _RUNS_VAR.finditer(w.value)]
            refs += [m.group(1) for r in c.redirects if r.op == "<<<" and r.target is not None
                     for m in _RUNS_VAR.finditer(r.target.value)]
        for v in refs:
            if v in bodies and v not in done and len(script.commands) < MAX_COMMANDS:
                done.add(v)
                a, b = bodies[v]
                fr = Frame("string", a, parent_cmd=c)
                parser.parse(a, b, c.frames + (fr,), 1, c)
                ran = True
    return ran


def _skip_quoted(text: str, i: int, hi: int) -> int:
    """Index after the quoted string or substitution starting at `i` (a quote, `$(`, `${`,
    backtick); `hi` if it never closes."""
    c = text[i]
    if c == "'":
        j = text.find("'", i + 1, hi)
        return hi if j < 0 else j + 1
    if c == "`":
        j = i + 1
        while j < hi:
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "`":
                return j + 1
            j += 1
        return hi
    if c == '"':
        j = i + 1
        while j < hi:
            d = text[j]
            if d == "\\":
                j += 2
                continue
            if d == '"':
                return j + 1
            if d == "$" and j + 1 < hi and text[j + 1] in "({":
                j = _skip_quoted(text, j, hi)
                continue
            if d == "`":
                j = _skip_quoted(text, j, hi)
                continue
            j += 1
        return hi
    if c == "$" and i + 1 < hi and text[i + 1] in "({":
        return _match_close(text, i + 1, hi) + 1
    return i + 1


def _match_close(text: str, i: int, hi: int) -> int:
    """Index of the bracket closing the one at `i` (`(` or `{`), skipping quotes; hi-1 if none."""
    open_c = text[i]
    close_c = ")" if open_c == "(" else "}"
    arithmetic = text.startswith("((", i)
    depth = 0
    j = i
    heredocs: list[tuple[str, bool]] = []
    while j < hi:
        d = text[j]
        if d == "\\":
            j += 2
            continue
        if d == "\n" and heredocs:
            # heredoc bodies inside a substitution: skip them whole, they may hold anything
            j += 1
            for delim, strip in heredocs:
                while j < hi:
                    e = text.find("\n", j, hi)
                    line = text[j:hi if e < 0 else e]
                    j = hi if e < 0 else e + 1
                    if (line.lstrip("\t") if strip else line).rstrip("\r") == delim:
                        break
            heredocs = []
            continue
        if d == "<" and not arithmetic and open_c == "(" and text.startswith("<<", j) and not text.startswith("<<<", j):
            m = _HEREDOC_DELIM.match(text, j + 2)
            if m:
                heredocs.append(((m.group(2) or m.group(3) or m.group(4) or ""), bool(m.group(1))))
                j = m.end()
                continue
        if d in "'\"`" or (d == "$" and j + 1 < hi and text[j + 1] in "({"):
            j = _skip_quoted(text, j, hi)
            continue
        if d == "#" and open_c == "(" and (j == 0 or text[j - 1] in " \t\n;"):
            k = text.find("\n", j, hi)
            j = hi if k < 0 else k
            continue
        if d == open_c:
            depth += 1
        elif d == close_c:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return hi - 1


class _Parser:
    def __init__(self, script: Script):
        self.s = script
        self.text = script.text

    # -- words ----------------------------------------------------------------------------
    def word(self, i: int, hi: int) -> tuple[Word, int]:
        text = self.text
        out: list[str] = []
        start = i
        quoted = False
        substs: list[tuple[int, int]] = []
        pieces = 0
        only_single = True
        while i < hi:
            m = _PLAIN.match(text, i, hi)
            if m:
                out.append(m.group())
                pieces += 1
                only_single = False
                i = m.end()
                continue
            c = text[i]
            if c in _META:
                if c in "<>" and i + 1 < hi and text[i + 1] == "(" and i == start:
                    j = _match_close(text, i + 1, hi)
                    substs.append((i + 2, j))
                    out.append(text[i:j + 1])
                    i = j + 1
                    only_single = False
                    continue
                break
            pieces += 1
            if c == "\\":
                if i + 1 < hi and text[i + 1] == "\n":
                    i += 2
                    continue
                out.append(text[i + 1:i + 2])
                i += 2
                only_single = False
                continue
            if c == "'":
                j = text.find("'", i + 1, hi)
                j = hi if j < 0 else j
                out.append(text[i + 1:j])
                quoted = True
                i = j + 1
                continue
            only_single = False
            if c == '"':
                quoted = True
                j = i + 1
                buf = []
                while j < hi:
                    d = text[j]
                    if d == "\\" and j + 1 < hi:
                        nxt = text[j + 1]
                        if nxt in '"\\$`':
                            buf.append(nxt)
                        elif nxt != "\n":
                            buf.append("\\" + nxt)
                        j += 2
                        continue
                    if d == '"':
                        break
                    if (d == "$" and j + 1 < hi and text[j + 1] in "({") or d == "`":
                        k = _skip_quoted(text, j, hi)
                        if text[j] == "`":
                            substs.append((j + 1, max(j + 1, k - 1)))
                        elif text[j + 1] == "(" and not text.startswith("((", j + 1):
                            substs.append((j + 2, max(j + 2, k - 1)))
                        buf.append(text[j:k])
                        j = k
                        continue
                    buf.append(d)
                    j += 1
                out.append("".join(buf))
                i = j + 1
                continue
            if c == "$" and i + 1 < hi:
                n = text[i + 1]
                if n == "'":
                    j = i + 2
                    buf = []
                    while j < hi and text[j] != "'":
                        if text[j] == "\\" and j + 1 < hi:
                            buf.append(text[j:j + 2])
                            j += 2
                            continue
                        buf.append(text[j])
                        j += 1
                    out.append(_ansi_c("".join(buf)))
                    quoted = True
                    i = j + 1
                    continue
                if n in "({":
                    k = _skip_quoted(text, i, hi)
                    if n == "(" and not text.startswith("((", i + 1):
                        substs.append((i + 2, max(i + 2, k - 1)))
                    out.append(text[i:k])
                    i = k
                    continue
            if c == "`":
                k = _skip_quoted(text, i, hi)
                substs.append((i + 1, max(i + 1, k - 1)))
                out.append(text[i:k])
                i = k
                continue
            out.append(c)
            i += 1
        single = quoted and only_single and pieces == 1
        i = min(i, hi)  # an unterminated quote ends with the text
        return Word("".join(out), start, i, quoted, single, substs), i

    # -- commands ---------------------------------------------------------------------------
    def parse(self, lo: int, hi: int, frames: tuple[Frame, ...], depth: int,
              parent: Command | None = None) -> None:
        text = self.text
        s = self.s
        if depth > MAX_DEPTH:
            s.truncated = True
            return
        stack: list[Frame] = list(frames)
        base = len(frames)
        words: list[Word] = []
        redirs: list[Redirect] = []
        heredocs: list[Redirect] = []
        cmd_start = -1
        pipe_prev: Command | None = None
        pipe_start = lo
        pending_func = ""
        case_pattern = False
        keyword = ""
        closes: Frame | None = None
        heredoc_cmds: list[tuple[Command, tuple[Frame, ...]]] = []
        i = lo

        def finish(sep: str, at: int) -> None:
            nonlocal words, redirs, cmd_start, pipe_prev, pipe_start, keyword, closes
            if cmd_start < 0 and not words and not redirs and not keyword:
                return
            if len(s.commands) >= MAX_COMMANDS:
                s.truncated = True
                words, redirs, cmd_start, keyword, closes = [], [], -1, "", None
                return
            cmd = Command(words, redirs, cmd_start if cmd_start >= 0 else at, at, sep,
                          tuple(stack), pipe_prev, keyword, closes)
            s.commands.append(cmd)
            if closes is not None:
                closes.end = at
                if sep == "&":
                    closes.background = True
                if closes.kind in ("for", "while", "until") and redirs:
                    closes.header += " " + text[redirs[0].start:at]
            if any(r.op in ("<<", "<<-") for r in redirs):
                heredoc_cmds.append((cmd, tuple(stack)))
            if sep in ("|", "|&"):
                pipe_prev = cmd
            else:
                pipe_prev = None
                pipe_start = at + len(sep)
            for w in words + [r.target for r in redirs if r.target is not None]:
                for a, b in w.substs:
                    sub = Frame("subst", a, parent_cmd=cmd)
                    self.parse(a, b, tuple(stack) + (sub,), depth + 1, cmd)
            self.nested_code(cmd, tuple(stack), depth)
            words, redirs, cmd_start, keyword, closes = [], [], -1, "", None

        while i < hi:
            c = text[i]
            if c in " \t":
                i += 1
                continue
            if c == "\\" and i + 1 < hi and text[i + 1] == "\n":
                i += 2
                continue
            if c == "\n":
                finish("\n", i)
                i += 1
                if heredocs:
                    i = self.read_heredocs(heredocs, i, hi)
                    heredocs = []
                    for hc, hstack in heredoc_cmds:
                        self.heredoc_code(hc, hstack, depth)
                    heredoc_cmds = []
                continue
            if c == "#" :
                j = text.find("\n", i, hi)
                i = hi if j < 0 else j
                continue
            # control operators
            two = text[i:i + 2]
            if two in ("&&", "||", ";;", ";&", "|&"):
                if two == ";;" and stack and stack[-1].kind == "case":
                    finish(";;", i)
                    case_pattern = True
                    i += 2
                    continue
                finish(two, i)
                i += 2
                continue
            if c in ";&|" and not (c == "&" and text[i + 1:i + 2] == ">"):
                finish(c, i)
                i += 1
                continue
            # redirections
            if c in "<>" or (c == "&" and text[i + 1:i + 2] == ">"):
                if c in "<>" and i + 1 < hi and text[i + 1] == "(":
                    w, j = self.word(i, hi)
                    if j > i:
                        if cmd_start < 0:
                            cmd_start = w.start
                        words.append(w)
                        i = j
                        continue
                op_end = i + 1
                while op_end < hi and text[op_end] in "<>&|-" and op_end - i < 3:
                    op_end += 1
                op = text[i:op_end]
                if op.startswith("<<<"):
                    op = "<<<"
                elif op.startswith("<<-"):
                    op = "<<-"
                elif op.startswith("<<"):
                    op = "<<"
                elif op.startswith("&>>"):
                    op = "&>>"
                elif op.startswith("&>"):
                    op = "&>"
                elif op.startswith(">>"):
                    op = ">>"
                elif op.startswith(">&"):
                    op = ">&"
                elif op.startswith("<&"):
                    op = "<&"
                elif op.startswith(">|"):
                    op = ">|"
                elif op.startswith("<>"):
                    op = "<>"
                else:
                    op = c
                fd = ""
                if words and words[-1].end == i and words[-1].value.isdigit() and not words[-1].quoted:
                    fd = words.pop().value
                if cmd_start < 0:
                    cmd_start = i
                j = i + len(op)
                while j < hi and text[j] in " \t":
                    j += 1
                target = None
                if j < hi and (text[j] not in "\n;&|()<>" or text.startswith("<(", j)):
                    target, j = self.word(j, hi)
                r = Redirect(op, target, i, fd)
                redirs.append(r)
                if op in ("<<", "<<-") and target is not None:
                    r.body_quoted = target.quoted
                    heredocs.append(r)
                i = j
                continue
            if c == "(":
                if text.startswith("((", i) and not words:
                    j = _match_close(text, i, hi)
                    w = Word(text[i:j + 1], i, j + 1)
                    if cmd_start < 0:
                        cmd_start = i
                    words.append(w)
                    i = j + 1
                    continue
                if words and not pending_func and len(words) == 1 and _EMPTY_PARENS.match(text, i):
                    # name () { … }  — a function definition
                    pending_func = words[0].value
                    cmd_start = -1
                    words = []
                    i = _EMPTY_PARENS.match(text, i).end()
                    continue
                if not words:
                    if case_pattern:
                        i += 1
                        continue
                    finish("", i)
                    stack.append(Frame("subshell", i))
                    i += 1
                    continue
                # `(` inside a command (arrays: a=( … ))
                j = _match_close(text, i, hi)
                if words and words[-1].end == i:
                    w = words[-1]
                    w.value += text[i:j + 1]
                    w.end = j + 1
                    w.substs.append((i + 1, j))  # an array's words, parsed as one command
                i = j + 1
                continue
            if c == ")":
                if case_pattern:
                    words, redirs, cmd_start = [], [], -1
                    case_pattern = False
                    i += 1
                    continue
                finish("", i)
                fr = self.pop(stack, base, ("subshell",))
                keyword, closes, cmd_start = ")", fr, i
                i += 1
                continue
            # a word
            w, i = self.word(i, hi)
            if w.end == w.start:  # defensive: never loop in place
                i += 1
                continue
            if not words and not w.quoted and cmd_start < 0 or (not words and not w.quoted and keyword == ""):
                v = w.value
                if case_pattern:
                    if v == "esac":
                        self.pop(stack, base, ("case",))
                        case_pattern = False
                        keyword, cmd_start = "esac", w.start
                    continue
                if v in _NOOP_PREFIX and not redirs:
                    if v == "do":
                        for fr in reversed(stack[base:]):
                            if fr.kind in ("for", "while", "until") and not fr.in_body:
                                fr.in_body = True
                                fr.header += text[fr.start:w.start]
                                break
                    continue
                if v in _RESERVED_OPEN_LOOP and not redirs:
                    fr = Frame(v if v != "select" else "for", w.start)
                    fr.header = text[pipe_start:w.start] if pipe_prev is not None else ""
                    stack.append(fr)
                    if v in ("for", "select"):
                        j = w.end
                        while j < hi and text[j] in " \t":
                            j += 1
                        if text.startswith("((", j):
                            k = _match_close(text, j, hi)
                            inner = text[j + 2:k - 1]
                            fr.infinite = inner.replace(" ", "") in (";;", "")
                            i = k + 1
                        else:
                            var, i = self.word(j, hi)
                            fr.var = var.value
                    continue
                if v in ("if",) and not redirs:
                    stack.append(Frame("if", w.start))
                    continue
                if v == "case" and not redirs:
                    fr = Frame("case", w.start)
                    stack.append(fr)
                    j = text.find("\n", i, hi)
                    k = text.find(" in", i, hi if j < 0 else j)
                    if k >= 0:
                        i = k + 3
                    case_pattern = True
                    continue
                if v == "{" and not redirs:
                    fr = Frame("func" if pending_func else "brace", w.start, var=pending_func)
                    if pending_func:
                        s.functions.setdefault(pending_func, fr)
                    pending_func = ""
                    stack.append(fr)
                    continue
                if v == "function" and not redirs:
                    while i < hi and text[i] in " \t":
                        i += 1
                    name, j = self.word(i, hi)
                    pending_func = name.value
                    i = j
                    k = i
                    while k < hi and text[k] in " \t":
                        k += 1
                    if text.startswith("()", k):
                        i = k + 2
                    continue
                if v in ("done", "fi", "}", "esac") and not redirs:
                    kinds = {"done": ("for", "while", "until"), "fi": ("if",), "}": ("brace", "func"),
                             "esac": ("case",)}[v]
                    fr = self.pop(stack, base, kinds)
                    keyword, closes, cmd_start = v, fr, w.start
                    continue
            if cmd_start < 0:
                cmd_start = w.start
            if case_pattern:
                continue
            words.append(w)
        finish("", hi)
        if heredocs:
            self.read_heredocs(heredocs, hi, hi)
            for hc, hstack in heredoc_cmds:
                self.heredoc_code(hc, hstack, depth)

    def pop(self, stack: list[Frame], base: int, kinds: tuple[str, ...]) -> Frame | None:
        for k in range(len(stack) - 1, base - 1, -1):
            if stack[k].kind in kinds:
                fr = stack[k]
                del stack[k:]
                return fr
        return None

    def read_heredocs(self, heredocs: list[Redirect], i: int, hi: int) -> int:
        text = self.text
        for r in heredocs:
            delim = r.target.value if r.target else ""
            strip = r.op == "<<-"
            body_start = i
            while i < hi:
                j = text.find("\n", i, hi)
                line_end = hi if j < 0 else j
                line = text[i:line_end]
                if (line.lstrip("\t") if strip else line).rstrip("\r") == delim:
                    r.body = (body_start, i)
                    i = line_end + 1 if j >= 0 else hi
                    break
                i = line_end + 1 if j >= 0 else hi
            else:
                r.body = (body_start, hi)
        return i

    # -- code inside strings ----------------------------------------------------------------
    def nested_code(self, cmd: Command, stack: tuple[Frame, ...], depth: int) -> None:
        """Parse the code strings a command runs (`sh -c '…'`, `trap '…' TERM`, `ssh h '…'`)."""
        for w in code_strings(cmd):
            fr = Frame("string", w.start, parent_cmd=cmd)
            if w.single:
                self.parse(w.start + 1, max(w.start + 1, w.end - 1), stack + (fr,), depth + 1, cmd)
            elif w.quoted and self.text[w.start] == '"' and self.text[w.end - 1] == '"':
                self.parse(w.start + 1, w.end - 1, stack + (fr,), depth + 1, cmd)
            else:
                self.parse(w.start, w.end, stack + (fr,), depth + 1, cmd)

    def heredoc_code(self, cmd: Command, stack: tuple[Frame, ...], depth: int) -> None:
        """Heredoc bodies fed to a shell or to ssh are code too."""
        prog = program(cmd)
        if prog in _CODE_SHELLS or prog in ("ssh", "sshpass", "eval"):
            for r in cmd.redirects:
                if r.body is not None:
                    fr = Frame("string", r.body[0], parent_cmd=cmd)
                    self.parse(r.body[0], r.body[1], stack + (fr,), depth + 1, cmd)


def _ansi_c(s: str) -> str:
    simple = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "e": "\x1b", "a": "\a",
              "r": "\r", "0": "\0"}
    out = []
    i = 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
            if n == "x":
                j = i + 2
                while j < len(s) and j < i + 4 and s[j] in "0123456789abcdefABCDEF":
                    j += 1
                if j > i + 2:
                    out.append(chr(int(s[i + 2:j], 16)))
                    i = j
                    continue
        out.append(s[i])
        i += 1
    return "".join(out)


# -- command anatomy --------------------------------------------------------------------------
_WRAPPER_OPTS_WITH_ARG = {
    "sudo": {"-u", "-g", "-h", "-p", "-C", "-U", "-r", "-t", "-D"},
    "doas": {"-u", "-C"},
    "nice": {"-n"},
    "ionice": {"-c", "-n", "-p"},
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "env": {"-u", "-C", "-S", "--unset", "--chdir"},
    "stdbuf": {"-i", "-o", "-e"},
    "chrt": set(),
    "taskset": set(),
    "setsid": set(),
    "nohup": set(),
    "exec": {"-a"},
    "command": set(),
    "builtin": set(),
    "caffeinate": {"-t", "-w"},
    "xargs": {"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a"},
    "runuser": {"-u", "-g"},
    "flock": {"-w", "-E", "-c"},
    "daemonize": {"-p", "-l", "-u", "-c", "-e", "-o", "-a"},
    "unbuffer": set(),
    "time": set(),
    "strace": {"-o", "-e", "-p"},
    "systemd-run": {"-u", "--unit", "-p", "--property", "--description", "--slice", "-E", "--setenv",
                    "--on-calendar", "--on-active", "--on-boot", "--on-unit-active", "-M", "--machine",
                    "--working-directory", "--uid", "--gid", "--nice"},
}
DETACHING_WRAPPERS = frozenset({"nohup", "setsid", "daemonize", "disown", "systemd-run"})


def _strip_assignments(words: list[Word]) -> list[Word]:
    i = 0
    while i < len(words) and _is_assignment(words[i].value) and not words[i].value.startswith("="):
        i += 1
    return words[i:]


def _is_assignment(v: str) -> bool:
    eq = v.find("=")
    if eq <= 0:
        return False
    name = v[:eq].rstrip("+")
    if "[" in name:
        name = name[:name.index("[")]
    return name.replace("_", "a").isalnum() and not name[0].isdigit()


def unwrap(cmd: Command) -> tuple[list[Word], list[str]]:
    """The command's words without leading assignments and wrapper programs (sudo, nohup,
    setsid, env, nice, timeout…), and the wrappers seen."""
    cached = cmd.__dict__.get("_unwrapped")
    if cached is not None:
        return cached
    out = _unwrap(cmd)
    cmd.__dict__["_unwrapped"] = out
    return out


_VAR_ONLY = lazy_re(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")


def _unwrap(cmd: Command) -> tuple[list[Word], list[str]]:
    words = _strip_assignments(cmd.words)
    wrappers: list[str] = []
    guard = 0
    while words and guard < 8:
        guard += 1
        if len(words) > 1 and _VAR_ONLY.match(words[0].value) and not words[0].quoted \
                and re.match(r"^[a-z][\w.-]*$", words[1].value):
            # `${SUDO} ssh …`, `$s cp …`: an optional prefix kept in a variable
            wrappers.append(words[0].value)
            words = words[1:]
            continue
        name = basename(words[0].value)
        if name not in _WRAPPER_OPTS_WITH_ARG:
            break
        if name == "xargs" or name == "flock":
            # xargs CMD… / flock FILE CMD…: the command follows the options
            pass
        wrappers.append(name)
        opts = _WRAPPER_OPTS_WITH_ARG[name]
        j = 1
        while j < len(words):
            v = words[j].value
            if name == "env" and _is_assignment(v):
                j += 1
                continue
            if v == "--":
                j += 1
                break
            if v.startswith("-") and len(v) > 1:
                j += 2 if (v in opts and "=" not in v) else 1
                continue
            break
        if name in ("timeout",) and j < len(words):
            j += 1  # the duration
        if name == "flock" and j < len(words):
            j += 1  # the lock file
        if name in ("taskset", "chrt") and j < len(words):
            j += 1
        words = words[j:]
    return words, wrappers


def program(cmd: Command) -> str:
    words, _ = unwrap(cmd)
    return basename(words[0].value) if words else ""


def basename(v: str) -> str:
    v = v.rstrip("/")
    k = v.rfind("/")
    return v[k + 1:] if k >= 0 else v


def code_strings(cmd: Command) -> list[Word]:
    """Words of a command that are shell code run by it."""
    words, _wr = unwrap(cmd)
    if not words:
        return []
    name = basename(words[0].value)
    args = words[1:]
    out: list[Word] = []
    if name in _CODE_SHELLS or name in ("su", "runuser"):
        for k, w in enumerate(args):
            if w.value == "-c" or (w.value.startswith("-") and not w.value.startswith("--")
                                   and w.value.endswith("c") and len(w.value) <= 4):
                if k + 1 < len(args):
                    out.append(args[k + 1])
                break
    elif name == "eval":
        out.extend(args)
    elif name == "trap":
        if args and args[0].value not in ("-l", "-p"):
            out.append(args[0])
    elif name in ("ssh", "sshpass"):
        rest = _ssh_remote_words(args if name == "ssh" else _after_sshpass(args))
        out.extend(rest)
    elif name in ("tmux",):
        # tmux new[-session] -d [-s name] 'cmd'
        if args and args[0].value in ("new", "new-session", "new-window", "neww", "split-window", "send-keys"):
            cand = [w for w in args[1:] if not w.value.startswith("-")]
            skip = set()
            for k, w in enumerate(args[1:]):
                if w.value in ("-s", "-n", "-t", "-c", "-x", "-y", "-F", "-e") and k + 2 <= len(args) - 1:
                    skip.add(id(args[k + 2]))
            cand = [w for w in cand if id(w) not in skip]
            out.extend(cand[-1:])
    elif name in ("watch",):
        cand = [w for w in args if not w.value.startswith("-")]
        out.extend(cand[-1:] if cand and cand[-1].quoted else [])
    elif name == "screen":
        pass
    return out


_SSH_OPTS_WITH_ARG = set("BbcDEeFIiJLlmOoPpQRSWw")


def _after_sshpass(args: list[Word]) -> list[Word]:
    j = 0
    while j < len(args):
        v = args[j].value
        if v in ("-p", "-f", "-d", "-P") and j + 1 < len(args):
            j += 2
            continue
        if v.startswith("-"):
            j += 1
            continue
        break
    rest = args[j:]
    if rest and basename(rest[0].value) == "ssh":
        return rest[1:]
    return []


def ssh_parts(args: list[Word]) -> tuple[list[Word], Word | None, list[Word]]:
    """(options, destination, remote command words) of `ssh ARGS`."""
    opts: list[Word] = []
    j = 0
    while j < len(args):
        v = args[j].value
        if v == "--":
            j += 1
            break
        if v.startswith("-") and len(v) > 1:
            opts.append(args[j])
            last = v[-1]
            if last in _SSH_OPTS_WITH_ARG and len(v) == 2 and j + 1 < len(args):
                opts.append(args[j + 1])
                j += 2
                continue
            j += 1
            continue
        break
    if j >= len(args):
        return opts, None, []
    return opts, args[j], args[j + 1:]


def _ssh_remote_words(args: list[Word]) -> list[Word]:
    _opts, _dest, rest = ssh_parts(args)
    return rest
