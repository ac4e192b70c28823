"""A small, bounded PowerShell reader: the statements of a script with their arguments,
pipelines, assignments and the blocks (loops, functions, script blocks, sub-expressions) that
enclose them.

Like the shell tokenizer it is not a full parser and does not need to be: the behaviour
detectors ask "is this `Copy-Item` inside a `ForEach-Object` fed by `Get-ADComputer`", "what
does this loop iterate over", "which value does `-Destination` get", "which text does this
registry value hold".  For that it understands what decides those answers: single- and
double-quoted strings (with `''` / backtick escapes and `$( )` inside), here-strings, line and
block comments, backtick line continuations, `$( )`, `@( )`, `@{ }`, `( )`, script blocks,
type literals, the call operators `&` and `.`, pipelines, `;`, `&&`, `||`, redirections,
assignments (`$x = …`, `$x += …`), comma lists, and the keywords that open blocks (`function`,
`while`, `do`, `for`, `foreach`, `if`, `switch`, `try`, `trap`…).  Code kept in strings that
PowerShell runs (`Invoke-Expression '…'`, `[ScriptBlock]::Create('…')`, `powershell -Command
'…'`) is read again as statements.

PowerShell is case-insensitive, accepts en and em dashes for `-`, and typographic quotes for
quotes; the reader does too.  Everything is bounded (nesting depth, number of statements) and
nothing is ever executed.  Offsets are absolute offsets into the artefact text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..lazyregex import lazy_re

MAX_DEPTH = 24
MAX_STATEMENTS = 12000

SQ = "'\u2018\u2019\u201a\u201b"
DQ = '"\u201c\u201d\u201e'
DASHES = "-\u2013\u2014\u2015"
_SKIP_START = frozenset(" \t\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff\x85`#<\n;")
_INLINE_WS = frozenset(" \t\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff\x85")
# a bare run of an argument: up to whitespace or a character with a meaning of its own
_BARE = lazy_re(r"[^\s;|&(){}\[\]`$,'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e>\u00a0\u3000]+")
_BARE_KEY = lazy_re(r"[^\s;|&(){}\[\]`$,'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e>\u00a0\u3000=]+")
_VAR = lazy_re(r"\$(?:(?:[A-Za-z]+:)?[\w?]+|[$^?_])", )
_SPLAT = lazy_re(r"@[A-Za-z_][\w]*")
_REDIR = lazy_re(r"(?:[1-6*])?>>?(?:&[12])?")
_ASSIGN_OP = lazy_re(r"(?:[-+*/%]|\?\?)?=(?!=)")
_NAME = lazy_re(r"[^\s(){};|&]+")
_NOT_NL = lazy_re(r"[^\n]")
_KEYWORDS = frozenset({
    "function", "filter", "workflow", "configuration", "while", "for", "foreach", "do", "if",
    "switch", "try", "trap", "param", "begin", "process", "end", "dynamicparam", "clean", "class",
    "enum", "data", "parallel", "sequence", "inlinescript", "return", "throw", "exit", "break",
    "continue", "using", "elseif", "else", "catch", "finally", "until"})
_KEYWORD = lazy_re(r"[A-Za-z]+(?![\w-])")
_WORD = lazy_re(r"[A-Za-z]+")
_MEMBER = lazy_re(r"\$(?:[A-Za-z]+:)?\w+(?:\.\w+)+$")
_LABEL = lazy_re(r"(?i):[A-Za-z_]\w*[ \t]*(?=(?:while|for|foreach|do|switch)\b)", )
_FOREACH_HEAD = lazy_re(r"\s*\$(?:[A-Za-z]+:)?([\w]+)\s+in\s", )
_BLOCK_KW = frozenset({"begin", "process", "end", "dynamicparam", "clean", "data", "parallel",
                       "sequence", "inlinescript"})
_CLI_COMMAND = lazy_re(r"(?i)(?:^|\s)[-/\u2013\u2014\u2015]c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?\s+")
_CREATE = lazy_re(r"(?i)\[\s*(?:system\.management\.automation\.)?scriptblock\s*\]\s*::\s*create\s*\(\s*$")


class _Stop(Exception):
    """Too many statements: the rest of the text is not parsed."""


@dataclass(eq=False, slots=True)
class Frame:
    """A block enclosing statements: a loop, a function, a script block given to a command,
    a group, a sub-expression, a hashtable, or a string read as code."""

    kind: str  # while do for foreach each where func block if switch try catch finally trap
    #            class param paren subexpr array hash string cond
    start: int
    end: int = -1
    var: str = ""  # loop variable, function name (lower-case, no scope)
    header: str = ""  # loop condition / collection, or the pipeline feeding ForEach-Object
    header_span: tuple[int, int] | None = None
    infinite: bool = False
    parent: Stmt | None = None  # the statement holding a script block, group or code string
    param: str = ""  # the parameter a script block is given to (scriptblock, action…)


@dataclass(eq=False, slots=True)
class Arg:
    """One argument: a run of text without unquoted whitespace (a comma list is one argument)."""

    start: int
    end: int
    text: str  # the source text
    value: str  # quotes removed, escapes resolved, variables and sub-expressions as written
    quoted: str = ""  # "'" or '"' when the argument is one string literal
    param: str = ""  # lower-case name of a `-Name` parameter token (without the dash)
    attached: str = ""  # the value written in `-Name:value`
    block: Frame | None = None  # the argument is a script block literal
    group: Frame | None = None  # the argument is a ( ) / $( ) / @( ) group
    items: list[Arg] | tuple = ()  # elements of a comma list
    inner: tuple[int, int] | None = None  # the content span of a one-string argument
    var: str = ""  # the argument is a single variable (lower-case name, no scope)


@dataclass(eq=False, slots=True)
class Stmt:
    """One pipeline element: a command with its arguments, or an expression."""

    start: int
    end: int = -1
    args: list[Arg] = field(default_factory=list)
    frames: tuple[Frame, ...] = ()
    sep: str = ""  # what ended it: ; \n | && || & or ''
    pipe_prev: Stmt | None = None
    assign: str = ""  # the variable this pipeline's value is assigned to
    keyword: str = ""  # while, function, if… for keyword statements
    call: str = ""  # & or . (the call operators)
    redirects: list[tuple[str, Arg | None]] = field(default_factory=list)
    cname: str = ""  # the canonical command name (set by the model)
    key: str = ""  # in a hashtable: the entry's key (the statement is its value)
    key_start: int = -1

    @property
    def name(self) -> str:
        """The command name, lower-case, backticks removed ('' for an expression)."""
        if not self.args:
            return ""
        a = self.args[0]
        if a.quoted and not self.call:
            return ""
        return a.value.lower()

    @property
    def pipe_head(self) -> Stmt:
        s, guard = self, 0
        while s.pipe_prev is not None and guard < 64:
            s = s.pipe_prev
            guard += 1
        return s


class Script:
    """The parse of one text: every statement (nested ones included) in source order."""

    def __init__(self, text: str, regions: list[tuple[int, int]] | None = None):
        self.text = text
        self.regions = regions
        self.stmts: list[Stmt] = []
        self.functions: dict[str, Frame] = {}
        self.assignments: list[tuple[str, int, int, Stmt]] = []  # name, value span, first stmt
        self.truncated = False
        self._strings: list[tuple[Arg, Stmt]] = []
        self._comments: dict[int, int] = {}
        self._pairs: dict[int, dict[int, int]] = {}
        try:
            for a, b in regions if regions is not None else [(0, len(text))]:
                self._list(a, b, None, (), ())
        except _Stop:
            self.truncated = True
        try:
            self._code_strings()
        except _Stop:
            self.truncated = True
        self.stmts.sort(key=lambda s: (s.start, s.end))
        self.code = self._blank_comments()

    def _blank_comments(self) -> str:
        """The text with every comment (and every part not read) replaced by spaces, newlines
        kept: same offsets."""
        t = self.text
        gaps = dict(self._comments)
        if self.regions is not None:
            pos = 0
            for a, b in self.regions:
                if a > pos:
                    gaps[pos] = max(gaps.get(pos, pos), a)
                pos = max(pos, b)
            if pos < len(t):
                gaps[pos] = len(t)
        if not gaps:
            return t
        parts: list[str] = []
        pos = 0
        for s in sorted(gaps):
            e = gaps[s]
            if e <= pos:
                continue
            s = max(s, pos)
            parts.append(t[pos:s])
            parts.append(_NOT_NL.sub(" ", t[s:e]))
            pos = e
        parts.append(t[pos:])
        return "".join(parts)

    # -- scanning helpers ------------------------------------------------------------------
    def _skip(self, i: int, hi: int, newlines: bool) -> int:
        """Past spaces, comments, backtick continuations (and newlines and `;` if asked)."""
        t = self.text
        if i < hi and t[i] not in _SKIP_START:
            return i
        while i < hi:
            c = t[i]
            if c in _INLINE_WS:
                i += 1
            elif c == "`" and i + 1 < hi and t[i + 1] in "\r\n":
                i += 2 if t[i + 1] == "\n" else (3 if t.startswith("\r\n", i + 1) else 2)
            elif c == "#":
                j = t.find("\n", i, hi)
                j = hi if j < 0 else j
                self._comments[i] = j
                i = j
            elif c == "<" and t.startswith("<#", i):
                j = t.find("#>", i + 2, hi)
                j = hi if j < 0 else j + 2
                self._comments[i] = j
                i = j
            elif newlines and c in "\n;":
                i += 1
            else:
                break
        return i

    def _close_single(self, i: int, hi: int) -> int:
        """Offset after the single-quoted string whose opening quote is at `i`."""
        t = self.text
        j = i + 1
        while j < hi:
            c = t[j]
            if c in SQ:
                if j + 1 < hi and t[j + 1] in SQ:
                    j += 2
                    continue
                return j + 1
            j += 1
        return hi

    def _double(self, i: int, hi: int, frames, stmt: Stmt, here: bool = False) -> tuple[int, str]:
        """Scan a double-quoted string (or the body of a double here-string) starting at `i`
        (just after the quote); its `$( )` parts are parsed as statements.  Returns the offset
        after the closing quote and the value.  Plain runs are copied in one slice: the scan
        stops only at backticks, quotes, `$` and (in a here-string) line ends."""
        t = self.text
        out: list[str] = []
        j = i
        stop = _HERE_STOP if here else _DQ_STOP
        while j < hi:
            m = stop.search(t, j, hi)
            if m is None:
                out.append(t[j:hi])
                return hi, "".join(out)
            if m.start() > j:
                out.append(t[j:m.start()])
            j = m.start()
            c = t[j]
            if c == "`" and j + 1 < hi:
                nxt = t[j + 1]
                out.append(_ESCAPES.get(nxt, nxt))
                j += 2
                continue
            if here:
                if c == "\n":
                    k = j + 1
                    while k < hi and t[k] in " \t":
                        k += 1
                    if k < hi and t[k] in DQ and k + 1 < hi and t[k + 1] == "@":
                        return k + 2, "".join(out)
            elif c in DQ:
                if j + 1 < hi and t[j + 1] in DQ:
                    out.append('"')
                    j += 2
                    continue
                return j + 1, "".join(out)
            if c == "$" and j + 1 < hi and t[j + 1] == "(":
                fr = Frame("subexpr", j, parent=stmt)
                k = self._list(j + 2, hi, ")", (")",), frames + (fr,))
                fr.end = k
                out.append(t[j:k])
                j = k
                continue
            out.append(c)
            j += 1
        return hi, "".join(out)

    def _bracket(self, i: int, hi: int) -> int:
        """Offset after the `]` matching the `[` at `i` on the same line (quotes skipped), or
        i+1 if none closes.  Pairs are computed once per line, so a line of ten thousand `[`
        costs one pass, not ten thousand."""
        t = self.text
        ls = t.rfind("\n", 0, i) + 1
        pairs = self._pairs.get(ls)
        if pairs is None:
            le = t.find("\n", i)
            le = len(t) if le < 0 else le
            pairs = {}
            stack: list[int] = []
            j = ls
            while j < le:
                c = t[j]
                if c == "[":
                    stack.append(j)
                elif c == "]":
                    if stack:
                        pairs[stack.pop()] = j
                elif c in SQ or c in DQ:
                    k = t.find(c, j + 1, le)
                    j = le if k < 0 else k
                j += 1
            if len(self._pairs) > 100000:
                self._pairs.clear()
            self._pairs[ls] = pairs
        close = pairs.get(i)
        return close + 1 if close is not None and close < hi else i + 1

    # -- statements ------------------------------------------------------------------------
    def _list(self, i: int, hi: int, closer: str | None, closers: tuple[str, ...], frames: tuple[Frame, ...]) -> int:
        """Parse statements up to `closer` (consumed) or `hi`; returns the offset after."""
        if len(frames) > MAX_DEPTH:
            self.truncated = True
            return self._skip_to(i, hi, closer)
        t = self.text
        while True:
            i = self._skip(i, hi, True)
            if i >= hi:
                return hi
            c = t[i]
            if closer is not None and c == closer:
                return i + 1
            if c in ")}":
                if c in closers:
                    return i  # an enclosing block's closer: this one was never closed
                i += 1  # a stray closer
                continue
            i = self._pipeline(i, hi, closers, frames)

    def _skip_to(self, i: int, hi: int, closer: str | None) -> int:
        """Past the matching closer without parsing (too deeply nested)."""
        if closer is None:
            return hi
        t = self.text
        opener = "(" if closer == ")" else "{"
        depth = 1
        while i < hi:
            c = t[i]
            if c == opener:
                depth += 1
            elif c == closer:
                depth -= 1
                if depth == 0:
                    return i + 1
            elif c in SQ:
                i = self._close_single(i, hi) - 1
            elif c in DQ:
                k = i + 1
                while k < hi and t[k] not in DQ:
                    k += 2 if t[k] == "`" else 1
                i = k
            i += 1
        return hi

    def _pipeline(self, i: int, hi: int, closers, frames, assign: str = "") -> int:
        prev: Stmt | None = None
        start = i
        first: Stmt | None = None
        while True:
            st, i = self._statement(i, hi, closers, frames, prev)
            if first is None:
                first = st
            if st is not None and st.sep == "|":
                prev = st
                continue
            break
        if assign and first is not None:
            end = st.end if st is not None else i
            self.assignments.append((assign, start, end, first))
            if st is not None:
                st.assign = assign
        return i

    def _new(self, st: Stmt) -> None:
        if len(self.stmts) >= MAX_STATEMENTS:
            raise _Stop()
        self.stmts.append(st)

    def _statement(self, i: int, hi: int, closers, frames, prev: Stmt | None) -> tuple[Stmt | None, int]:
        t = self.text
        i = self._skip(i, hi, False)
        st = Stmt(i, frames=frames, pipe_prev=prev)
        m = _LABEL.match(t, i)
        if m:
            i = m.end()
        m = _KEYWORD.match(t, i)
        if m and prev is None:
            kw = m.group().lower()
            if kw in _KEYWORDS and self._is_keyword(kw, m.end(), hi):
                st.keyword = kw
                self._new(st)
                i = self._keyword(kw, st, m.end(), hi, closers, frames)
                st.end = i
                return st, self._end_of_statement(st, i, hi, closers)
        self._new(st)
        while True:
            i = self._skip(i, hi, False)
            if i >= hi:
                st.sep = ""
                break
            c = t[i]
            if c == "\n":
                st.sep = "\n"
                i += 1
                # a pipeline continued by a `|` that starts the next line
                k = self._skip(i, hi, True)
                if k < hi and t[k] == "|" and not t.startswith("||", k):
                    st.sep = "|"
                    i = self._skip(k + 1, hi, True)
                break
            if c == ";":
                st.sep = ";"
                i += 1
                break
            if c == "|":
                if t.startswith("||", i):
                    st.sep = "||"
                    i += 2
                    break
                st.sep = "|"
                i = self._skip(i + 1, hi, True)
                break
            if c == "&":
                if t.startswith("&&", i):
                    st.sep = "&&"
                    i += 2
                    break
                if not st.args and not st.call:
                    st.call = "&"
                    i += 1
                    continue
                st.sep = "&"
                i += 1
                break
            if c in ")}":
                st.sep = ""
                break
            if c == "." and not st.args and not st.call and i + 1 < hi and t[i + 1] in " \t'\"$({":
                st.call = "."
                i += 1
                continue
            if c in ">*0123456789" or c == ">":
                r = _REDIR.match(t, i)
                if r and (c in ">*" or (r.end() > i + 1 and t[i + 1] == ">")) and r.group() not in ("*",):
                    op = r.group()
                    i = r.end()
                    if op.endswith(("&1", "&2")):
                        st.redirects.append((op, None))
                        continue
                    i = self._skip(i, hi, False)
                    target = None
                    if i < hi and t[i] not in "\n;|)}":
                        target, i = self._arg(i, hi, closers, frames, st)
                    st.redirects.append((op, target))
                    continue
            if len(st.args) == 1 and not st.key and frames and frames[-1].kind == "hash" and not st.args[0].var \
                    and c == "=" and not t.startswith("==", i):
                # `Key = value` in a hashtable: the statement is the value, under its key
                st.key = st.args[0].value
                st.key_start = st.args[0].start
                st.args = []
                i = self._skip(i + 1, hi, True)
                continue
            if len(st.args) == 1 and not st.call and (st.args[0].var or _MEMBER.match(st.args[0].text)):
                a = _ASSIGN_OP.match(t, i)
                if a:
                    name = st.args[0].var or _member_name(st.args[0].text)
                    i = self._skip(a.end(), hi, True)
                    st.args = []
                    # the value: a pipeline (or a keyword statement) whose statements carry the name
                    if self.stmts and self.stmts[-1] is st:
                        self.stmts.pop()
                    j = self._pipeline(i, hi, closers, frames, assign=name)
                    return None, j
            if c == ",":  # a list continued on this statement
                i += 1
                continue
            arg, i = self._arg(i, hi, closers, frames, st)
            st.args.append(arg)
        st.end = self._trim_end(st, i)
        return st, i

    def _trim_end(self, st: Stmt, i: int) -> int:
        end = st.args[-1].end if st.args else i
        for _op, tg in st.redirects:
            if tg is not None:
                end = max(end, tg.end)
        return max(end, st.start)

    def _end_of_statement(self, st: Stmt, i: int, hi: int, closers) -> int:
        """After a keyword statement: consume its separator."""
        t = self.text
        i = self._skip(i, hi, False)
        if i < hi and t[i] in "\n;":
            st.sep = t[i]
            return i + 1
        if i < hi and t[i] == "|" and not t.startswith("||", i):
            st.sep = "|"
            return self._skip(i + 1, hi, True)
        return i

    def _is_keyword(self, kw: str, j: int, hi: int) -> bool:
        t = self.text
        k = self._skip(j, hi, False)
        nxt = t[k] if k < hi else ""
        if kw == "foreach":
            k2 = k
            while k2 < hi and t[k2] in DASHES:  # foreach -parallel (…)
                w = _WORD.match(t, k2 + 1)
                k2 = self._skip(w.end() if w else k2 + 1, hi, False)
            return k2 < hi and t[k2] == "("
        if kw in ("param",):
            return nxt == "("
        if kw in _BLOCK_KW:
            return nxt == "{" or (nxt == "\n" and self._skip(k, hi, True) < hi and t[self._skip(k, hi, True)] == "{")
        if kw in ("else", "elseif", "catch", "finally", "until"):
            return True
        if kw in ("while", "for", "if", "switch"):
            return nxt in "(-" or nxt == ""
        return True

    def _block_after(self, i: int, hi: int, closers, frames, frame: Frame) -> int:
        """Parse the `{ … }` starting at the next non-blank character (newlines allowed)."""
        t = self.text
        i = self._skip(i, hi, True) if i < hi else i
        if i < hi and t[i] == "{":
            frame.start = i
            j = self._list(i + 1, hi, "}", closers + ("}",), frames + (frame,))
            frame.end = j
            return j
        return i

    def _paren_after(self, i: int, hi: int, closers, frames, kind: str, parent: Stmt) -> tuple[int, int, int]:
        """Parse a `( … )` at the next non-blank character; returns (inner start, inner end, after)."""
        t = self.text
        i = self._skip(i, hi, True)
        if i < hi and t[i] == "(":
            fr = Frame(kind, i, parent=parent)
            j = self._list(i + 1, hi, ")", closers + (")",), frames + (fr,))
            fr.end = j
            return i + 1, max(i + 1, j - 1), j
        return i, i, i

    def _keyword(self, kw: str, st: Stmt, i: int, hi: int, closers, frames) -> int:
        t = self.text
        if kw in ("function", "filter", "workflow", "configuration"):
            i = self._skip(i, hi, False)
            m = _NAME.match(t, i)
            name = ""
            if m:
                name = m.group()
                i = m.end()
            shown = name.split(":")[-1]
            name = shown.lower()
            fr = Frame("func", i, var=name, header=shown, parent=st)
            k = self._skip(i, hi, True)
            if k < hi and t[k] == "(":
                _a, _b, i = self._paren_after(k, hi, closers, frames + (fr,), "param", st)
            i = self._block_after(i, hi, closers, frames, fr)
            if name and name not in self.functions:
                self.functions[name] = fr
            return i
        if kw in ("while", "for", "if", "elseif", "switch", "until"):
            k = i
            # switch -regex -file x ( … ) { … }: flags and a file before the block
            while kw == "switch":
                k = self._skip(k, hi, False)
                if k < hi and t[k] in DASHES:
                    w = _NAME.match(t, k)
                    k = w.end() if w else k + 1
                    continue
                break
            a, b, k = self._paren_after(k, hi, closers, frames, "cond", st)
            header = t[a:b]
            kind = {"elseif": "if", "until": "do"}.get(kw, kw)
            fr = Frame(kind, k, header=header, header_span=(a, b), parent=st)
            if kw == "while":
                fr.infinite = infinite_condition(header)
            elif kw == "for":
                parts = header.split(";")
                fr.infinite = len(parts) >= 2 and (not parts[1].strip() or infinite_condition(parts[1]))
            if kw == "until":
                return k  # the tail of a do … until handled by `do`
            j = self._block_after(k, hi, closers, frames, fr)
            if kw == "if":
                return self._chain(j, hi, closers, frames, st, ("elseif", "else"))
            return j
        if kw == "foreach":
            k = self._skip(i, hi, False)
            while k < hi and t[k] in DASHES:
                w = _WORD.match(t, k + 1)
                k = self._skip(w.end() if w else k + 1, hi, False)
            a, b, k = self._paren_after(k, hi, closers, frames, "cond", st)
            m = _FOREACH_HEAD.match(t, a, b)
            fr = Frame("foreach", k, parent=st)
            if m:
                fr.var = m.group(1).lower()
                fr.header = t[m.end():b]
                fr.header_span = (m.end(), b)
            return self._block_after(k, hi, closers, frames, fr)
        if kw == "do":
            fr = Frame("do", i, parent=st)
            j = self._block_after(i, hi, closers, frames, fr)
            k = self._skip(j, hi, True)
            m = _WORD.match(t, k)
            if m and m.group().lower() in ("while", "until"):
                a, b, j = self._paren_after(m.end(), hi, closers, frames, "cond", st)
                fr.header = t[a:b]
                fr.header_span = (a, b)
                cond = fr.header
                fr.infinite = infinite_condition(cond) if m.group().lower() == "while" else false_condition(cond)
            return j
        if kw == "try":
            j = self._block_after(i, hi, closers, frames, Frame("try", i, parent=st))
            return self._chain(j, hi, closers, frames, st, ("catch", "finally"))
        if kw in ("catch", "finally", "else", "trap"):
            j = self._clause_block(kw, i, hi, closers, frames, st)
            if kw == "catch":
                return self._chain(j, hi, closers, frames, st, ("catch", "finally"))
            return j
        if kw == "param":
            return self._paren_after(i, hi, closers, frames, "param", st)[2]
        if kw in _BLOCK_KW:
            return self._block_after(i, hi, closers, frames, Frame("block", i, parent=st))
        if kw in ("class", "enum"):
            k = i
            while k < hi and t[k] not in "{\n":
                k += 1
            return self._block_after(k, hi, closers, frames, Frame("class", k, parent=st))
        if kw == "using":
            j = t.find("\n", i, hi)
            return hi if j < 0 else j
        # return / throw / exit / break / continue: the rest is an ordinary pipeline
        st.keyword = kw
        k = self._skip(i, hi, False)
        if k < hi and t[k] not in "\n;)}":
            return self._pipeline(k, hi, closers, frames)
        return k

    def _chain(self, j: int, hi: int, closers, frames, st: Stmt, words: tuple[str, ...]) -> int:
        """`if … elseif … else`, `try … catch … finally`: the continuations, also on new lines
        (a loop, not recursion: a thousand `elseif`s are one chain)."""
        t = self.text
        while True:
            k = self._skip(j, hi, True)
            m = _WORD.match(t, k)
            if not (m and m.group().lower() in words):
                return j
            kw = m.group().lower()
            i = m.end()
            if kw == "elseif":
                a, b, i = self._paren_after(i, hi, closers, frames, "cond", st)
                j = self._block_after(i, hi, closers, frames, Frame("if", i, header=t[a:b], header_span=(a, b), parent=st))
                continue
            j = self._clause_block(kw, i, hi, closers, frames, st)
            if kw in ("else", "finally"):
                return j

    def _clause_block(self, kw: str, i: int, hi: int, closers, frames, st: Stmt) -> int:
        """The block of `catch [Type], [Type] { }`, `finally { }`, `else { }`, `trap { }`."""
        t = self.text
        k = self._skip(i, hi, False)
        while k < hi and t[k] == "[":  # catch [System.Exception], [X] { }
            k = self._skip(self._bracket(k, hi), hi, False)
            if k < hi and t[k] == ",":
                k = self._skip(k + 1, hi, True)
        kind = {"else": "if"}.get(kw, kw)
        return self._block_after(k, hi, closers, frames, Frame(kind, k, parent=st))

    # -- arguments ---------------------------------------------------------------------------
    def _arg(self, i: int, hi: int, closers, frames, st: Stmt) -> tuple[Arg, int]:
        t = self.text
        start = i
        items: list[Arg] = []
        cur, i = self._element(i, hi, closers, frames, st)
        while True:
            k = self._skip(i, hi, False)
            if k < hi and t[k] == "," and st.args is not None:
                k = self._skip(k + 1, hi, True)
                if k >= hi or t[k] in "\n;|)}":
                    i = k
                    break
                items.append(cur)
                cur, i = self._element(k, hi, closers, frames, st)
                continue
            break
        if items:
            items.append(cur)
            return Arg(start, i, t[start:i], " ".join(a.value for a in items), items=items), i
        return cur, i

    def _element(self, i: int, hi: int, closers, frames, st: Stmt) -> tuple[Arg, int]:
        """One argument without commas: contiguous pieces (strings, variables, groups, bare text)."""
        t = self.text
        start = i
        values: list[str] = []
        pieces = 0
        quoted = ""
        inner = None
        block = group = None
        var = ""
        typed = 0  # leading [type] pieces: `[string]$x` is still the variable x
        while i < hi:
            c = t[i]
            if c in _INLINE_WS or c in "\n;|&,)}" or c == ">":
                break
            if c == "`":
                if i + 1 < hi and t[i + 1] in "\r\n":
                    break
                if i + 1 < hi:
                    values.append(t[i + 1])
                i += 2
                pieces += 2
                continue
            pieces += 1
            if c in SQ:
                j = self._close_single(i, hi)
                body = t[i + 1:j - 1] if j - 1 > i and j <= hi and t[j - 1] in SQ else t[i + 1:j]
                values.append(body.replace("''", "'"))
                quoted, inner = "'", (i + 1, i + 1 + len(body))
                arg_s = Arg(i, j, t[i:j], "", quoted="'", inner=inner)
                self._strings.append((arg_s, st))
                i = j
            elif c in DQ:
                j, val = self._double(i + 1, hi, frames, st)
                values.append(val)
                quoted, inner = '"', (i + 1, max(i + 1, j - 1))
                self._strings.append((Arg(i, j, t[i:j], "", quoted='"', inner=inner), st))
                i = j
            elif c == "@" and i + 1 < hi and t[i + 1] in SQ + DQ and self._here_start(i + 2, hi):
                nl = t.find("\n", i + 2, hi)
                if t[i + 1] in SQ:
                    j = i
                    k = nl
                    while k != -1:
                        m = k + 1
                        while m < hi and t[m] in " \t":
                            m += 1
                        if m + 1 < hi and t[m] in SQ and t[m + 1] == "@":
                            j = m + 2
                            break
                        k = t.find("\n", k + 1, hi)
                    if j == i:
                        j = hi
                        body_end = hi
                    else:
                        body_end = k
                    values.append(t[nl + 1:body_end])
                    quoted, inner = "'", (nl + 1, body_end)
                else:
                    j, val = self._double(nl, hi, frames, st, here=True)
                    values.append(val[1:] if val.startswith("\n") else val)
                    body_end = t.rfind("\n", nl, j) if j < hi else hi
                    quoted, inner = '"', (nl + 1, max(nl + 1, body_end))
                self._strings.append((Arg(i, j, t[i:j], "", quoted=quoted, inner=inner), st))
                i = j
            elif c == "@" and i + 1 < hi and t[i + 1] in "({":
                closer = ")" if t[i + 1] == "(" else "}"
                fr = Frame("array" if closer == ")" else "hash", i, parent=st)
                j = self._list(i + 2, hi, closer, closers + (closer,), frames + (fr,))
                fr.end = j
                group = fr
                values.append(t[i:j])
                i = j
            elif c == "@" and pieces == 1:
                m = _SPLAT.match(t, i)
                if m:
                    values.append(m.group())
                    i = m.end()
                else:
                    values.append(c)
                    i += 1
            elif c == "$":
                if i + 1 < hi and t[i + 1] == "(":
                    fr = Frame("subexpr", i, parent=st)
                    j = self._list(i + 2, hi, ")", closers + (")",), frames + (fr,))
                    fr.end = j
                    group = fr
                    values.append(t[i:j])
                    i = j
                elif i + 1 < hi and t[i + 1] == "{":
                    j = t.find("}", i + 2, hi)
                    j = hi if j < 0 else j + 1
                    values.append(t[i:j])
                    if pieces == typed + 1:
                        var = t[i + 2:j - 1].lower().split(":")[-1]
                    i = j
                else:
                    m = _VAR.match(t, i)
                    if m:
                        values.append(m.group())
                        if pieces == typed + 1:
                            var = m.group()[1:].lower()
                            if ":" in var and not var.startswith("env:"):
                                var = var.split(":", 1)[1]
                        i = m.end()
                    else:
                        values.append(c)
                        i += 1
            elif c == "(":
                fr = Frame("paren", i, parent=st)
                j = self._list(i + 1, hi, ")", closers + (")",), frames + (fr,))
                fr.end = j
                group = fr
                values.append(t[i:j])
                i = j
            elif c == "{":
                fr = Frame("block", i, parent=st)
                name = st.name if st.args else ""
                if name in ("foreach-object", "%", "foreach"):
                    fr.kind = "each"
                    head = st.pipe_head
                    if st.pipe_prev is not None:
                        fr.header = t[head.start:st.pipe_prev.end]
                        fr.header_span = (head.start, st.pipe_prev.end)
                elif name in ("where-object", "?", "where"):
                    fr.kind = "where"
                if st.args and st.args[-1].param:
                    fr.param = st.args[-1].param
                j = self._list(i + 1, hi, "}", closers + ("}",), frames + (fr,))
                fr.end = j
                block = fr
                values.append(t[i:j])
                i = j
            elif c == "[":
                j = self._bracket(i, hi)
                values.append(t[i:j])
                if pieces == typed + 1 and j > i + 1:
                    typed += 1
                i = j
            else:
                # a hashtable key stops at `=` (`@{Name="x";Path=$p}`)
                bare = _BARE_KEY if (frames and frames[-1].kind == "hash" and not st.args and not st.key) else _BARE
                m = bare.match(t, i)
                if m is None:
                    values.append(c)
                    i += 1
                else:
                    values.append(m.group())
                    i = m.end()
                    if bare is _BARE_KEY and i < hi and t[i] == "=":
                        break
            # an assignment right after a variable (`$x=…`, `$x+=…`) is not part of the argument
            if var and pieces == typed + 1 and i < hi and _ASSIGN_OP.match(t, i):
                break
        text = t[start:i]
        a = Arg(start, i, text, "".join(values))
        if pieces == 1:
            a.quoted = quoted
            a.inner = inner
            a.block = block
            a.group = group
        if var and pieces == typed + 1:
            a.var = var
        if not a.quoted and text and text[0] in DASHES and len(text) > 1 and (text[1].isalpha() or text[1] == "_"):
            name = text[1:]
            if ":" in name:
                name, _sep, att = name.partition(":")
                a.attached = att
            a.param = name.replace("`", "").lower()
        return a, i

    def _here_start(self, i: int, hi: int) -> bool:
        t = self.text
        while i < hi and t[i] in " \t\r":
            i += 1
        return i < hi and t[i] == "\n"

    # -- code kept in strings ------------------------------------------------------------------
    def _code_strings(self) -> None:
        """Strings PowerShell runs as code: `Invoke-Expression '…'`, `[ScriptBlock]::Create('…')`,
        `powershell -Command '…'`, and the `-Command` part of a `-ArgumentList` given to a new
        powershell process."""
        t = self.text
        done = 0
        n = 0
        while n < len(self._strings) and done <= 2000:
            arg, st = self._strings[n]
            n += 1
            if arg.inner is None:
                continue
            a, b = arg.inner
            if b - a < 4:
                continue
            name = st.name
            if not name and st.frames and st.frames[-1].kind == "paren" and st.frames[-1].parent is not None:
                holder = st.frames[-1].parent  # iex ('…'): the group is the whole argument
                if any(x.group is st.frames[-1] for x in holder.args[1:]) and len(st.args) == 1:
                    name = holder.name
            code_at = -1
            if name in ("invoke-expression", "iex") or _CREATE.search(t, max(0, arg.start - 60), arg.start):
                code_at = a
            elif name in _PS_EXE and st.args:
                prev = [x for x in st.args if x.end <= arg.start]
                if prev and prev[-1].param and _is_command_param(prev[-1].param):
                    code_at = a
            elif name in _PS_EXE or (name in ("start-process", "saps", "start") and
                                     any(x.value.lower().rsplit("\\", 1)[-1].rsplit("/", 1)[-1] in _PS_EXE for x in st.args[1:3])):
                m = _CLI_COMMAND.search(t, a, b)
                if m:
                    code_at = m.end()
            if code_at < 0:
                continue
            done += 1
            fr = Frame("string", code_at, end=b, parent=st)
            frames = st.frames + (fr,)
            if len(frames) > MAX_DEPTH:
                continue
            self._list(code_at, b, None, (), frames)


def _member_name(text: str) -> str:
    """`$shortcut.Arguments` → 'shortcut.arguments' (scope prefixes dropped)."""
    name = text[1:].lower()
    head, _dot, rest = name.partition(".")
    if ":" in head and not head.startswith("env:"):
        head = head.split(":", 1)[1]
    return head + "." + rest


_PS_EXE = frozenset({"powershell", "powershell.exe", "pwsh", "pwsh.exe", "powershell_ise.exe"})


def _is_command_param(p: str) -> bool:
    return p != "" and "command".startswith(p) and p[0] == "c"


def infinite_condition(cond: str) -> bool:
    c = " ".join(cond.lower().split())
    c = c.strip("() ")
    return c in ("$true", "1", "$true -eq $true", "1 -eq 1", "!$false", "-not $false", "-not 0", "!0",
                 "$(1)", "$($true)", "$true -ne $false", "[bool]1", "$null -eq $null")


def false_condition(cond: str) -> bool:
    c = " ".join(cond.lower().split()).strip("() ")
    return c in ("$false", "0", "$true -eq $false", "1 -eq 0", "!$true", "-not $true", "$null")


# -- top-level statements, found without parsing them ---------------------------------------------
_CHUNK_TOKEN = lazy_re("<#|#|@['\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e](?=[ \t]*\r?\n)|"
                       "['\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e]|\n|`[\\s\\S]?|;")
_CONTINUES = lazy_re(r"(?i)[ \t]*(?:\||\.[A-Za-z]|(?:else|elseif|catch|finally)\b|\{)")
_DO_TAIL = lazy_re(r"(?i)[ \t]*(?:while|until)\b")
_DO_HEAD = lazy_re(r"(?i)\s*(?::\w+\s+)?do\b")
_DQ_STOP = lazy_re("[`$\"\u201c\u201d\u201e]")
_HERE_STOP = lazy_re("[`$\n]")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "", "a": "", "b": "", "f": "", "v": "", "e": ""}
_SQ_RE = lazy_re("['\u2018\u2019\u201a\u201b]")


def _skip_double(text: str, i: int, depth: int = 0) -> int:
    """Offset after the double-quoted string whose quote is at `i` (its `$( )` parts skipped)."""
    n = len(text)
    j = i + 1
    while j < n:
        m = _DQ_STOP.search(text, j)
        if m is None:
            return n
        j = m.start()
        c = text[j]
        if c == "`":
            j += 2
            continue
        if c in DQ:
            if j + 1 < n and text[j + 1] in DQ:
                j += 2
                continue
            return j + 1
        if c == "$" and j + 1 < n and text[j + 1] == "(" and depth < 8:
            j = _skip_group(text, j + 1, depth + 1)
            continue
        j += 1
    return n


def _skip_group(text: str, i: int, depth: int) -> int:
    """Offset after the `)` closing the `(` at `i` (strings inside skipped)."""
    n = len(text)
    level = 0
    j = i
    while j < n:
        c = text[j]
        if c == "(":
            level += 1
        elif c == ")":
            level -= 1
            if level == 0:
                return j + 1
        elif c in SQ:
            k = j + 1
            while k < n and text[k] not in SQ + "\n":
                k += 1
            j = k
        elif c in DQ:
            j = _skip_double(text, j, depth) - 1
        j += 1
    return n


def top_level(text: str) -> list[tuple[int, int]]:
    """The spans of the top-level statements of a script (a function, a loop with its body, a
    pipeline), found by a light scan that knows strings, here-strings, comments, brackets and
    continuations; the parser then reads only the ones that matter.  Brackets are counted in
    bulk between the characters that need a decision (quotes, comments, line ends), so the scan
    costs a few operations per line, not per character."""
    return _scan(text, None)


def code_view(text: str) -> str:
    """The text with its comments (`# …`, `<# … #>`) blanked, newlines and offsets kept, from the
    same light scan (no parse)."""
    comments: list[tuple[int, int]] = []
    _scan(text, comments)
    if not comments:
        return text
    parts, pos = [], 0
    for s, e in comments:
        parts.append(text[pos:s])
        parts.append(_NOT_NL.sub(" ", text[s:e]))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def _scan(text: str, comments: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    n = len(text)
    pos = start = 0
    depth = 0
    do_tail = False  # the `while (…)` of a `do { } while (…)` on its own line was taken
    while True:
        m = _CHUNK_TOKEN.search(text, pos)
        end = m.start() if m is not None else n
        if end > pos:
            seg = text[pos:end]
            opens = seg.count("(") + seg.count("{") + seg.count("[")
            closes = seg.count(")") + seg.count("}") + seg.count("]")
            if opens or closes:
                depth = max(0, depth + opens - closes)
        if m is None:
            break
        tok = m.group()
        i = m.start()
        c = tok[0]
        if c == "\n" or c == ";":
            if depth == 0:
                k = i - 1
                while k >= start and text[k] in " \t\r":
                    k -= 1
                cont = c == "\n" and k >= start and text[k] in "|,=+"
                if c == "\n" and not cont:
                    nxt = m.end()
                    while nxt < n and text[nxt] in " \t\r\n":
                        nxt += 1
                    cont = bool(_CONTINUES.match(text, nxt))
                    if not cont and not do_tail and _DO_TAIL.match(text, nxt) and _DO_HEAD.match(text, start):
                        cont = do_tail = True
                if not cont:
                    if text[start:i].strip():
                        out.append((start, i))
                    start = m.end()
                    do_tail = False
            pos = m.end()
        elif tok == "<#":
            j = text.find("#>", m.end())
            pos = n if j < 0 else j + 2
            if comments is not None:
                comments.append((i, pos))
        elif c == "#":
            if i == 0 or text[i - 1] in " \t\r\n;|&({)}":
                j = text.find("\n", i)
                pos = n if j < 0 else j
                if comments is not None:
                    comments.append((i, pos))
            else:
                pos = m.end()
        elif c == "@":
            quote = tok[1]
            close = ("'" if quote in SQ else '"') + "@"
            j = text.find("\n", m.end())
            k = n
            while j != -1:
                k = j + 1
                while k < n and text[k] in " \t":
                    k += 1
                if text.startswith(close, k) or (k + 1 < n and text[k] in (SQ if quote in SQ else DQ) and text[k + 1] == "@"):
                    break
                j = text.find("\n", j + 1)
            pos = n if j == -1 else k + 2
        elif c in SQ:
            j = i + 1
            while True:
                q = _SQ_RE.search(text, j)
                if q is None:
                    j = n
                    break
                j2 = q.start()
                if j2 + 1 < n and text[j2 + 1] in SQ:
                    j = j2 + 2
                    continue
                j = j2 + 1
                break
            pos = j
        elif c in DQ:
            pos = _skip_double(text, i)
        else:  # a backtick escape
            pos = m.end()
    if text[start:].strip():
        out.append((start, n))
    return out
