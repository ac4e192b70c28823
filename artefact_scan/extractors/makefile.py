"""Makefiles: every command a `make` run would start, as child artefacts of kind `shell`.

What runs:

- **Recipes.**  A recipe is the run of lines after a rule line (`target: prerequisites`) that
  start with the recipe prefix (a tab, or `.RECIPEPREFIX`); the prefix and the echo/ignore
  prefixes (`@`, `-`, `+`) are dropped, a backslash-newline continues the command as in the
  shell (the continuation line loses its leading tab, as in make), and `target: ; command`
  starts one.  Blank lines, comments and conditional directives (`ifeq` … `endif`: every branch
  is read) do not end a recipe; any other line does.  Each target's recipe is one script: with
  `.ONESHELL:` make runs it so; without, make starts a shell per line and the script read as one
  is a little more than make runs.  `SHELL := python3` (for the file or a target) makes recipes
  Python; with `.ONESHELL:` and a shell that is not POSIX only the first line loses its
  prefixes, as in make.
- **`define NAME … endef`** bodies are read where they are used: `$(NAME)` or
  `$(call NAME,args)` in a recipe becomes the body (each body line a recipe line that loses its
  prefixes; `$(1)`… the call's arguments), in `$(shell …)` the body as shell, and
  `$(eval $(NAME))` / `$(eval $(call NAME,…))` parses the body, one level of `$$` undone, as
  makefile text whose rules and `$(shell …)` calls are read in turn.  A body used nowhere (help
  text) is not code and is not read as code.
- **`$(shell …)` outside recipes** (assignments, conditionals, rule lines, `include` lines,
  `$(info …)`) and **`VAR != command`** run while make reads the file, before any target: each
  becomes a part of its own.

Make's syntax is turned into what the shell receives: `$$` becomes `$`; a variable defined once
in the file (with its `+=` additions) is replaced by its value, expanded the same way, so
`$(SCP) $(SELF) $$h:` reads as the command it runs; a variable defined several times (branches
of a conditional) stays `${VAR}` and its definitions are put before the script as shell
assignments, as are exported variables the script reads as `$VAR`; `$(shell cmd)` becomes
`$(cmd)`, `$(MAKE)` `make`, automatic variables (`$@`, `$<`, `$(@D)`…) `${MAKE_AUTO}`;
`$(info …)`, `$(eval …)` and the other make-only functions leave only the `$(shell …)` calls
inside them; `$(foreach v,list,cmd)` in command position becomes `for v in list; do cmd; done`;
and the makefile naming itself (`$(MAKEFILE_LIST)`, also through `firstword`, `lastword`,
`abspath`, `realpath` or a variable holding one) becomes `"$0"`, the running script, so a target
that copies its makefile to other hosts reads as a script that copies itself.

Every character of a part maps back onto the makefile: copied text to its place, a replacement
to the text it replaces.  Linear in the file; expansion is bounded (nesting, expanded text per
file, `$(eval)` bodies, parts), and where a bound is reached the reference stays unexpanded and
the file is listed under `errors`.  Nothing is run.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..detectors import facts
from ..lazyregex import lazy_re
from ..model import Segment
from . import extractor

facts.declare("make-recipe")

MAX_TARGETS = 2000  # recipes of one makefile made into parts
MAX_COMMANDS = 2000  # `$(shell …)` / `!=` commands of one makefile made into parts
MAX_DEPTH = 10  # references expanded inside one another (real makefiles: 5)
MAX_EXPANDED = 4 * 1024 * 1024  # characters of values expanded per makefile (real ones: 400 KB)
MIN_CHARGE = 64  # each expansion costs at least this much of it: 2**40 short ones stay bounded
MAX_EVALS = 200  # bodies parsed as makefile text through $(eval)
MAX_EVAL_NESTING = 3
MAX_PROLOGUE = 64  # definitions put before one script
MAX_VALUE = 16 * 1024  # characters of one definition put before a script
MAX_DEFS = 64  # definitions kept per variable
MAX_BRACKETS = 4096  # closing brackets looked at to find the end of one reference

_FUNCTIONS = frozenset((
    "shell call eval info warning error foreach if or and wildcard patsubst subst strip findstring "
    "filter filter-out sort word words wordlist firstword lastword dir notdir suffix basename "
    "addsuffix addprefix join realpath abspath value origin flavor file guile let intcmp").split())
_SILENT = frozenset(("eval", "info", "warning", "error"))  # no text for the shell
_SELF_WRAPPERS = frozenset(("firstword", "lastword", "abspath", "realpath"))
# functions whose result is (a selection or rewrite of) the words of one argument: that argument
# stands for the result, so `'$(subst ','\'',$(DESTDIR))'` reads as `'${DESTDIR}'`
_WORDS_OF = {"subst": 2, "patsubst": 2, "strip": 0, "sort": 0, "filter": 1, "filter-out": 1,
             "addprefix": 1, "addsuffix": 1, "wildcard": 0, "firstword": 0, "lastword": 0,
             "abspath": 0, "realpath": 0, "word": 1, "wordlist": 2}
_AUTOMATIC = frozenset("@<^+?*|%")
_SELF = {"shell": '"$0"', "python": "__file__", "javascript": "__filename"}
_EXT = {"shell": "sh", "python": "py", "javascript": "js"}
_PREFIXES = "@-+ \t"

# patterns are matched at a position (`.match(text, pos, endpos)`), so none starts with `^`
_DIRECTIVE = lazy_re(r"[ \t]*(ifeq|ifneq|ifdef|ifndef|else|endif|endef|include|-include|sinclude|"
                     r"vpath|undefine|unexport)(?=[ \t(]|$)")
_CONDITIONALS = frozenset(("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"))
_DEFINE = lazy_re(r"[ \t]*(?:(?:override|export|private)[ \t]+){0,3}define[ \t]+([^ \t\r\n]+?)[ \t]*"
                  r"(=|:=|::=|:::=|\?=|\+=|!=)?[ \t\r]*$")
_ENDEF = lazy_re(r"[ \t]*endef(?=[ \t\r#]|$)")
_MODIFIERS = lazy_re(r"[ \t]*(?:(?:override|export|private)[ \t]+){1,3}")
_FUNC_HEAD = lazy_re(r"([a-z][a-z-]{0,15})[ \t\n]")
_NAME = lazy_re(r"[^\s:#=$(){}]+")
_SHELL_REF = lazy_re(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_ONESHELL = lazy_re(r"^[ \t]*\.ONESHELL[ \t]*:(?![=:])", re.M)
_INTERPRETER = lazy_re(r"(?:\S*/)?(?:env[ \t]+(?:-\S+[ \t]+)*)?(\S+)")
_SEP = lazy_re(r"[$=:;]")
_MAKE_SHEBANG = lazy_re(r"#![ \t]*(?:\S*/)?(?:env[ \t]+(?:-\S+[ \t]+)*)?g?make[ \t]+(?:-\S*[ \t]+)*-\S*f")
_ARGS = lazy_re(r"[(){},]")


def _is_makefile(name: str, head: str = "") -> bool:
    """A makefile by its name, or by a `#!/usr/bin/make -f` first line (debian/rules)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return base in ("makefile", "gnumakefile") or base.startswith("makefile.") \
        or base.endswith((".mk", ".make")) or (head.startswith("#!") and _MAKE_SHEBANG.match(head) is not None)


def _is_name(s: str) -> bool:
    return bool(s) and _NAME.fullmatch(s) is not None


def _kind_of_shell(value: str) -> str:
    """What a recipe is when `SHELL` names this program: shell, Python, JavaScript, or text
    (perl, ruby…: read by the text-level rules only)."""
    m = _INTERPRETER.match(value.strip())
    prog = m.group(1).rsplit("/", 1)[-1] if m else ""
    if prog.startswith("python"):
        return "python"
    if prog in ("node", "nodejs", "deno", "bun"):
        return "javascript"
    if prog in ("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "busybox", "") or "$" in prog:
        return "shell"
    return "text"


# -- scanning make text ----------------------------------------------------------------------------
def _close(text: str, i: int, hi: int) -> int:
    """The bracket closing the one at `i` (make counts brackets of that kind only), or -1 when
    there is none, or when it lies past MAX_BRACKETS closing brackets (a crafted line of a
    million nested references is read as plain text, not in quadratic time)."""
    op = text[i]
    cl = ")" if op == "(" else "}"
    depth = 1
    k = i + 1
    for _ in range(MAX_BRACKETS):
        a = text.find(cl, k, hi)
        if a < 0:
            return -1
        depth += text.count(op, k, a) - 1
        if depth <= 0:
            return a
        k = a + 1
    return -1


def _skip_ref(text: str, i: int, hi: int) -> int:
    """Past the reference starting with the `$` at `i` (`$$`, `$X`, `$(…)`, `${…}`)."""
    if i + 1 < hi and text[i + 1] in "({":
        k = _close(text, i + 1, hi)
        return hi if k < 0 else k + 1
    return i + 2


def _comment_start(text: str, a: int, b: int) -> int:
    """Where a `#` comment starts in a makefile line: outside references (make 4.3) and not
    escaped by a backslash; b when there is none."""
    i = a
    while i < b:
        j = text.find("#", i, b)
        if j < 0:
            return b
        d = text.find("$", i, j)
        if d >= 0:
            i = _skip_ref(text, d, b)
            continue
        if j > a and text[j - 1] == "\\":
            i = j + 1
            continue
        return j
    return b


def _separator(text: str, a: int, b: int, rule_colon: bool = True) -> tuple[int, int, str]:
    """(first rule colon, start of the first assignment operator, the operator) in text[a:b]
    outside references, whichever comes first; -1 where there is none."""
    i = a
    while True:
        m = _SEP.search(text, i, b)
        if m is None:
            return -1, -1, ""
        k = m.start()
        c = text[k]
        if c == "$":
            i = _skip_ref(text, k, b)
            continue
        if c == "=":
            prev = text[k - 1] if k > a else ""
            if prev in ("?", "+", "!"):
                return -1, k - 1, prev + "="
            return -1, k, "="
        if c == ":":
            e = k
            while e < b and text[e] == ":":
                e += 1
            if e < b and text[e] == "=" and e - k <= 3:
                return -1, k, text[k:e + 1]
            if rule_colon:
                return k, -1, ""
            i = e
            continue
        if c == ";" and not rule_colon:
            return -1, -1, ""  # a recipe after `target: ;`, not an assignment
        i = k + 1


def _split_args(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A function's comma-separated arguments; commas inside brackets belong to them."""
    out = []
    depth = 0
    start = i = a
    while True:
        m = _ARGS.search(text, i, b)
        if m is None:
            break
        k = m.start()
        c = text[k]
        if c in "({":
            depth += 1
        elif c in ")}":
            depth -= 1
        elif depth <= 0:
            out.append((start, k))
            start = k + 1
            if len(out) >= 64:
                break
        i = k + 1
    out.append((start, b))
    return out


def _continued(text: str, ls: int, le: int) -> bool:
    """Whether a line ends with an odd number of backslashes: it goes on on the next line."""
    k = le
    while k > ls and text[k - 1] == "\\":
        k -= 1
    return (le - k) % 2 == 1


# -- text with its map onto the file ---------------------------------------------------------------
class _Src:
    """Text the parser reads: the makefile itself, or text made from it (a `$(eval)` body with
    one level of `$$` undone, a recipe line without its continuation tabs) with its map."""

    __slots__ = ("text", "segs", "keys")

    def __init__(self, text: str, segs: list[Segment] | None = None):
        self.text = text
        self.segs = segs or None  # None: offsets are the file's own
        self.keys = [s.child_start for s in segs] if segs else None

    def emit(self, out: _Out, a: int, b: int) -> None:
        """Copy text[a:b] into `out` with its map."""
        if a >= b:
            return
        if self.segs is None:
            out.add(self.text[a:b], a, b, True)
            return
        i = max(0, bisect_right(self.keys, a) - 1)
        while a < b:
            seg = self.segs[i]
            e = b if i + 1 >= len(self.keys) else min(b, self.keys[i + 1])
            if seg.exact:
                ps = seg.parent_start + (a - seg.child_start)
                out.add(self.text[a:e], ps, ps + (e - a), True)
            else:
                out.add(self.text[a:e], seg.parent_start, seg.parent_end, False)
            a = e
            i += 1

    def pos(self, a: int) -> int:
        if self.segs is None:
            return a
        seg = self.segs[max(0, bisect_right(self.keys, a) - 1)]
        return seg.parent_start + (a - seg.child_start) if seg.exact else seg.parent_start

    def span(self, a: int, b: int) -> tuple[int, int]:
        if self.segs is None:
            return a, max(a, b)
        s, e = self.pos(a), self.pos(max(a, b - 1)) + 1
        return min(s, e), max(s, e)


class _Out:
    """Text being built, with the segments that map it onto the makefile."""

    __slots__ = ("parts", "segs", "n", "recent")

    def __init__(self):
        self.parts: list[str] = []
        self.segs: list[Segment] = []
        self.n = 0
        self.recent = "\n"  # the last few characters, to tell where a command may start

    def add(self, text: str, ps: int, pe: int, exact: bool) -> None:
        if not text:
            return
        last = self.segs[-1] if self.segs else None
        if exact and last is not None and last.exact and last.parent_end == ps \
                and last.parent_start + (self.n - last.child_start) == ps:
            last.parent_end = ps + len(text)
        else:
            self.segs.append(Segment(self.n, ps, ps + len(text) if exact else max(pe, ps), exact))
        self.parts.append(text)
        self.n += len(text)
        self.recent = (self.recent + text[-12:])[-12:]

    def replace(self, src: _Src, a: int, b: int, text: str) -> None:
        """`text` stands for src[a:b]: exact when as long, else mapped onto the whole span."""
        if src.segs is None and len(text) == b - a:
            self.add(text, a, b, True)
        else:
            ps, pe = src.span(a, b)
            self.add(text, ps, pe, False)

    def extend(self, other: _Out, skip: int = 0) -> None:
        """Append another built text, without its first `skip` characters."""
        text = other.text()
        for i, seg in enumerate(other.segs):
            end = other.segs[i + 1].child_start if i + 1 < len(other.segs) else other.n
            start = max(seg.child_start, skip)
            if start >= end:
                continue
            ps = seg.parent_start + (start - seg.child_start) if seg.exact else seg.parent_start
            self.add(text[start:end], ps, seg.parent_end, seg.exact)

    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def at_command(self) -> bool:
        """Whether what comes next stands where a command starts."""
        t = self.recent.rstrip(" \t")
        if not t or t[-1] in "\n;&|({":
            return True
        for word in ("do", "then", "else"):
            before = t[-len(word) - 1:-len(word)]
            if t.endswith(word) and not (before.isalnum() or before == "_"):
                return True
        return False


# -- the parsed makefile ---------------------------------------------------------------------------
@dataclass
class _Def:
    """One definition of a variable (`NAME op value`) or a `define` block (its body)."""

    name: str
    op: str
    src: _Src
    start: int  # the value or body in src
    end: int
    line_start: int
    define: bool = False
    export: bool = False


@dataclass
class _Rule:
    targets: str
    src: _Src
    at: int  # offset of the rule line in src
    lines: list[tuple[_Src, int, int]] = field(default_factory=list)  # logical recipe lines
    via: str = ""  # the body whose $(eval) made this rule


@dataclass
class _Cmd:
    """A command make runs while reading the file: in `$(shell …)`, right of `!=`, or the
    write of a `$(file >…)`."""

    src: _Src
    start: int
    end: int
    what: str
    loops: tuple = ()  # enclosing $(foreach v,list,…): (src, var, list, head) spans, outermost first
    whole: bool = False  # start:end is the whole `$(file …)` reference, not a command's text


class _Makefile:
    def __init__(self, text: str):
        self.src = _Src(text)
        self.vars: dict[str, list[_Def]] = {}
        self.rules: list[_Rule] = []
        self.cmds: list[_Cmd] = []
        self.evals: list[str] = []  # bodies parsed through $(eval), in first-use order
        self.evaluated: set[str] = set()
        self.target_shell: dict[str, str] = {}
        self.shell_kind = "shell"
        self.oneshell = ".ONESHELL" in text and _ONESHELL.search(text) is not None
        self.exports_all = ".EXPORT_ALL_VARIABLES" in text
        self.exported: set[str] = set()
        self.dropped = ""
        self._any_export: bool | None = None
        self.cache: dict[tuple, tuple[str, frozenset[str]]] = {}
        self.used: set[str] = set()  # define bodies read where they are used
        self.referenced: list[str] = []  # variables expanded while make reads the file
        self.referenced_set: set[str] = set()

    def any_export(self) -> bool:
        if self._any_export is None:
            self._any_export = bool(self.exported or self.exports_all
                                    or any(d.export for ds in self.vars.values() for d in ds))
        return self._any_export

    def parse(self, src: _Src, via: str = "", nesting: int = 0) -> None:
        text = src.text
        n = len(text)
        starts = [0]
        k = text.find("\n")
        while k >= 0:
            starts.append(k + 1)
            k = text.find("\n", k + 1)
        ends = [s - 2 if s >= 2 and text[s - 2] == "\r" else s - 1 for s in starts[1:]] + [n]
        count = len(starts)
        prefix = "\t"
        rule: _Rule | None = None
        define: list | None = None  # [name, op, body start, nesting, line start, exported]
        i = 0
        while i < count:
            ls, le = starts[i], ends[i]
            if define is not None:
                if _ENDEF.match(text, ls, le):
                    define[3] -= 1
                    if define[3] == 0:
                        name, op, body, _n, at, exported = define
                        self.add(_Def(name, op or "=", src, body, max(body, ls - 1), at, True, exported))
                        define = None
                elif _DEFINE.match(text, ls, le):
                    define[3] += 1
                i += 1
                continue
            j = i
            while j + 1 < count and _continued(text, starts[j], ends[j]):
                j += 1
            if rule is not None and text.startswith(prefix, ls):
                rule.lines.append(self.recipe_line(src, starts, ends, i, j, prefix))
                i = j + 1
                continue
            lo, hi = ls, _comment_start(text, ls, ends[j])
            i = j + 1
            if not text[lo:hi].strip():
                continue  # blank and comment lines do not end a recipe
            d = _DIRECTIVE.match(text, lo, hi)
            word = d.group(1) if d else ""
            if word in _CONDITIONALS:
                self.scan(src, d.end(), hi)
                continue  # nor do conditionals
            rule = None
            m = _DEFINE.match(text, lo, hi)
            if m:
                define = [m.group(1), m.group(2), starts[j + 1] if j + 1 < count else n, 1, lo,
                          "export" in text[lo:m.start(1)]]
                continue
            if word:
                if word not in ("endef", "vpath", "undefine"):
                    self.scan(src, d.end(), hi)
                continue
            got = self.logical(src, lo, hi, via)
            if isinstance(got, str):
                prefix = got
            else:
                rule = got
        if define is not None:  # no endef: make stops there; the body runs to the end
            name, op, body, _n, at, exported = define
            self.add(_Def(name, op or "=", src, body, max(body, n - text.endswith("\n")), at, True, exported))
        self.parse_evals(nesting)

    def parse_evals(self, nesting: int) -> None:
        """Parse the bodies `$(eval …)` reads as makefile text, once each, after the text that
        names them (make expands when it reaches the line, with every define above known;
        reading after the whole file also finds defines written below, a little more)."""
        if nesting >= MAX_EVAL_NESTING:
            return
        for name in list(self.evals):
            if name not in self.evaluated:
                self.evaluated.add(name)
                for d in self.vars.get(name, [])[:4]:
                    self.parse(_unescape(d.src, d.start, d.end), via=name, nesting=nesting + 1)

    @staticmethod
    def recipe_line(src: _Src, starts, ends, i: int, j: int, prefix: str) -> tuple[_Src, int, int]:
        """A logical recipe line: its first physical line after the prefix, the continuation
        lines without their first character when it is the recipe prefix."""
        text = src.text
        first = starts[i] + len(prefix)
        if i == j:
            return src, first, ends[i]
        out = _Out()
        for k in range(i, j + 1):
            a = first if k == i else starts[k] + (len(prefix) if text.startswith(prefix, starts[k]) else 0)
            src.emit(out, a, ends[k])
            if k < j:  # the newline, without a carriage return before it
                src.emit(out, starts[k + 1] - 1, starts[k + 1])
        return _Src(out.text(), out.segs), 0, out.n

    def logical(self, src: _Src, lo: int, hi: int, via: str):
        """An assignment, a rule or another line that make expands: returns the rule it starts,
        a new recipe prefix (str), or None."""
        text = src.text
        mods = _MODIFIERS.match(text, lo, hi)
        p = mods.end() if mods else lo
        exported = bool(mods and "export" in mods.group())
        colon, eq, op = _separator(text, p, hi)
        if eq >= 0:
            vstart = eq + len(op)
            while vstart < hi and text[vstart] in " \t":
                vstart += 1
            name = text[p:eq].strip()
            if name == ".RECIPEPREFIX":
                return text[vstart:vstart + 1] or "\t"
            self.assignment(src, name, op, vstart, hi, lo, exported)
            return None
        if colon < 0:
            if text[lo:hi].strip() == "export":
                self.exports_all = True
            elif exported:
                self.exported.update(w for w in text[p:hi].split() if _is_name(w))
            self.scan(src, p, hi)  # `$(eval …)`, `$(info …)`: anything make expands
            return None
        targets = text[p:colon].strip().rstrip("&").strip()
        after = colon + 1
        while after < hi and text[after] == ":":
            after += 1
        _c, eq2, op2 = _separator(text, after, hi, rule_colon=False)
        if eq2 >= 0:  # `target: VAR = value`: a variable for the target, no recipe follows
            m2 = _MODIFIERS.match(text, after, eq2)
            name = text[m2.end() if m2 else after:eq2].strip()
            vstart = eq2 + len(op2)
            while vstart < hi and text[vstart] in " \t":
                vstart += 1
            if name == "SHELL":
                for t in targets.split():
                    self.target_shell[t] = text[vstart:hi]
            self.assignment(src, name, op2, vstart, hi, lo, False, for_target=True)
            return None
        semi = _find_semicolon(text, after, hi)
        self.scan(src, p, hi if semi < 0 else semi)
        rule = _Rule(targets, src, lo, via=via)
        self.rules.append(rule)
        if semi >= 0:
            rule.lines.append((src, semi + 1, hi))
        return rule

    def assignment(self, src: _Src, name: str, op: str, vstart: int, vend: int, line_start: int,
                   exported: bool, for_target: bool = False) -> None:
        if not _is_name(name):  # a computed name: its references are still expanded by make
            self.scan(src, line_start, vend)
            return
        self.add(_Def(name, op, src, vstart, vend, line_start, False, exported))
        if name == "SHELL" and not for_target:
            self.shell_kind = _kind_of_shell(src.text[vstart:vend])
        if op == "!=":
            self.command(_Cmd(src, vstart, vend, "`!=` command"))
        else:
            self.scan(src, vstart, vend)

    def add(self, d: _Def) -> None:
        lst = self.vars.setdefault(d.name, [])
        if len(lst) < MAX_DEFS:
            lst.append(d)

    def command(self, c: _Cmd) -> None:
        if len(self.cmds) < MAX_COMMANDS:
            self.cmds.append(c)
        else:
            self.dropped = f"more than {MAX_COMMANDS} $(shell …) commands; the rest not analysed"

    def scan(self, src: _Src, a: int, b: int, in_eval: bool = False, depth: int = 0,
             loops: tuple = ()) -> None:
        """Record the `$(shell …)` calls in src[a:b] (a call inside another is part of that
        one), with the `$(foreach)` loops around them, and the bodies `$(eval …)` parses."""
        if depth > MAX_DEPTH:
            return
        text = src.text
        i = a
        while i < b:
            j = text.find("$", i, b)
            if j < 0 or j + 1 >= b:
                return
            c = text[j + 1]
            if c not in "({":
                i = j + 2
                continue
            close = _close(text, j + 1, b)
            if close < 0:
                return
            m = _FUNC_HEAD.match(text, j + 2, close)
            fn = m.group(1) if m and m.group(1) in _FUNCTIONS else ""
            if fn == "shell":
                self.command(_Cmd(src, m.end(), close, "`$(shell …)`", loops))
            elif fn == "file" and text[m.end():close].lstrip().startswith(">"):
                self.command(_Cmd(src, j, close + 1, "`$(file >…)`", loops, whole=True))
            elif fn == "eval":
                self.scan(src, m.end(), close, True, depth + 1, loops)
            elif fn == "call":
                args = _split_args(text, m.end(), close)
                name = text[args[0][0]:args[0][1]].strip()
                self.eval_use(name) if in_eval else self.reference(name)
                for aa, bb in args[1:]:
                    self.scan(src, aa, bb, in_eval, depth + 1, loops)
            elif fn == "foreach" and len(args := _split_args(text, m.end(), close)) == 3:
                (va, vb), (la, lb), (ta, tb) = args
                self.scan(src, la, lb, in_eval, depth + 1, loops)
                # a command in the text runs once per word of the list: a loop around it
                self.scan(src, ta, close, in_eval, depth + 1, loops + ((src, va, vb, la, lb, j, ta),))
            elif fn:
                self.scan(src, m.end(), close, in_eval, depth + 1, loops)
            else:
                name = text[j + 2:close].strip()
                if in_eval and _is_name(name):
                    self.eval_use(name)
                elif "$" in name:
                    self.scan(src, j + 2, close, in_eval, depth + 1, loops)
                else:
                    self.reference(name.partition(":")[0])
            i = close + 1

    def reference(self, name: str) -> None:
        """A variable expanded while make reads the file: a define body it names runs its
        `$(shell …)` calls then too (a body is not expanded where it is written)."""
        if _is_name(name) and name not in self.referenced_set and len(self.referenced) < MAX_EVALS:
            self.referenced.append(name)
            self.referenced_set.add(name)

    def finish(self) -> None:
        """Read the define bodies expanded at parse time, once each, and the `$(eval)` bodies
        they lead to."""
        k = 0
        while k < len(self.referenced):
            name = self.referenced[k]
            k += 1
            for d in self.vars.get(name, [])[:4]:
                if d.define:
                    self.scan(d.src, d.start, d.end)
            if k == len(self.referenced):
                self.parse_evals(0)

    def eval_use(self, name: str) -> None:
        if _is_name(name) and name not in self.evals and len(self.evals) < MAX_EVALS:
            self.evals.append(name)


def _find_semicolon(text: str, a: int, b: int) -> int:
    i = a
    while i < b:
        j = text.find(";", i, b)
        d = text.find("$", i, b)
        if j < 0:
            return -1
        if 0 <= d < j:
            i = _skip_ref(text, d, b)
            continue
        return j
    return -1


def _unescape(src: _Src, a: int, b: int) -> _Src:
    """src[a:b] with one level of `$$` undone: the text `$(eval $(NAME))` parses."""
    text = src.text
    out = _Out()
    i = a
    while i < b:
        j = text.find("$", i, b)
        if j < 0:
            src.emit(out, i, b)
            break
        src.emit(out, i, j + 1)
        i = j + 2 if text.startswith("$$", j) else j + 1
    return _Src(out.text(), out.segs)


# -- expansion -------------------------------------------------------------------------------------
class _Expander:
    """Make text → the text its program receives, mapped onto the makefile."""

    def __init__(self, mk: _Makefile, budget: list[int], kind: str = "shell", strip_bodies: bool = True):
        self.mk = mk
        self.budget = budget  # [characters left], shared by every part of the file
        self.kind = kind
        self.strip_bodies = strip_bodies  # each line of an inlined body loses its prefixes
        self.unexpanded: set[str] = set()  # variables left as ${NAME}: their definitions go first
        self.shadow: set[str] = set()  # loop variables of a $(foreach) read as a shell loop
        self.stack: list[str] = []
        self.over = False

    def run(self, out: _Out, src: _Src, a: int, b: int, params=None, depth: int = 0) -> None:
        text = src.text
        i = a
        while i < b:
            j = text.find("$", i, b)
            if j < 0:
                src.emit(out, i, b)
                return
            src.emit(out, i, j)
            if j + 1 >= b:
                src.emit(out, j, b)
                return
            c = text[j + 1]
            if c == "$":
                src.emit(out, j, j + 1)
                i = j + 2
            elif c in "({":
                close = _close(text, j + 1, b)
                if close < 0:
                    src.emit(out, j, b)
                    return
                self.ref(out, src, j, close + 1, params, depth)
                i = close + 1
            else:
                self.variable(out, src, j, j + 2, c, params, depth)
                i = j + 2

    def ref(self, out: _Out, src: _Src, s: int, e: int, params, depth: int) -> None:
        text = src.text
        ia, ib = s + 2, e - 1
        if depth >= MAX_DEPTH:
            src.emit(out, s, e)
            return
        m = _FUNC_HEAD.match(text, ia, ib)
        fn = m.group(1) if m and m.group(1) in _FUNCTIONS else ""
        if not fn:
            name = text[ia:ib]
            if "$" in name:  # a computed name, $($(ARCH)_FLAGS)
                out.replace(src, s, ia, "${")
                self.run(out, src, ia, ib, params, depth + 1)
                out.replace(src, ib, e, "}")
                return
            colon = name.find(":")
            if colon > 0 and "=" in name[colon:]:  # a substitution reference, $(OBJS:.c=.o)
                pat, _, repl = name[colon + 1:].partition("=")
                if "%" not in pat:
                    pat, repl = "%" + pat, "%" + repl
                val = _Out()
                val.recent = out.recent
                self.variable(val, src, s, e, name[:colon].strip(), params, depth)
                self.rewritten(out, src, s, e, val, _patsubst(val.text(), pat, repl))
                return
            self.variable(out, src, s, e, name.strip(), params, depth)
            return
        aa = m.end()
        if fn == "shell":
            out.replace(src, s, aa, "$(")
            self.run(out, src, aa, ib, params, depth + 1)
            out.replace(src, ib, e, ")")
        elif fn in _SILENT:
            self.silent(out, src, aa, ib, params, depth + 1)
        elif fn == "file":
            self.file(out, src, s, e, aa, ib, params, depth)
        elif fn == "call":
            args = _split_args(text, aa, ib)
            name = text[args[0][0]:args[0][1]].strip()
            call = {str(k): (src, x, y, params) for k, (x, y) in enumerate(args)}
            # an unknown name expands to nothing; one defined in several branches is read in each
            self.inline(out, src, s, e, name, call, depth, alternatives=True)
        elif fn == "value":
            self.variable(out, src, s, e, text[aa:ib].strip(), params, depth)
        elif fn in _SELF_WRAPPERS and self.is_self(text[aa:ib], depth):
            out.replace(src, s, e, _SELF.get(self.kind, '"$0"'))
        elif fn == "foreach" and len(args := _split_args(text, aa, ib)) == 3:
            (va, vb), (la, lb), (ta, tb) = args
            while tb > ta and text[tb - 1] in " \t;":
                tb -= 1
            if out.at_command():  # a command run per word: the shell loop it amounts to
                self.loop_head(out, src, va, vb, la, lb, s, ta, params, depth)
                var = text[va:vb].strip()
                had = var in self.shadow
                self.shadow.add(var)
                self.run(out, src, ta, tb, params, depth + 1)
                if not had:
                    self.shadow.discard(var)
                out.replace(src, ib, e, "; done")
            else:
                self.run(out, src, ta, tb, params, depth + 1)
        elif fn == "if" and len(args := _split_args(text, aa, ib)) >= 2:
            command = out.at_command()
            self.run(out, src, args[1][0], args[1][1], params, depth + 1)
            if len(args) >= 3 and text[args[2][0]:ib].strip():  # both branches, as alternatives
                out.replace(src, args[2][0] - 1, args[2][0], " || " if command else " ")
                self.run(out, src, args[2][0], ib, params, depth + 1)
        elif fn in _WORDS_OF and len(args := _split_args(text, aa, ib)) > _WORDS_OF[fn]:
            x, y = args[_WORDS_OF[fn]]
            if _WORDS_OF[fn] == len(args) - 1:
                y = ib  # the last argument runs to the end: commas in it are its own
            while x < y and text[x] in " \t":
                x += 1
            literal = fn in ("subst", "patsubst") and "$" not in text[aa:args[1][1]]
            if literal:  # the rewrite applied to the words it stands for
                val = _Out()
                val.recent = out.recent
                self.run(val, src, x, y, params, depth + 1)
                old, new = text[args[0][0]:args[0][1]], text[args[1][0]:args[1][1]]
                if fn == "patsubst":
                    self.rewritten(out, src, s, e, val, _patsubst(val.text(), old.strip(), new.strip()))
                else:
                    self.rewritten(out, src, s, e, val, val.text().replace(old, new) if old else val.text())
                return
            out.replace(src, s, x, "")
            self.run(out, src, x, y, params, depth + 1)
            out.replace(src, y, e, "")
        else:  # any other function: kept around its expanded arguments
            out.replace(src, s, aa, "$(" + fn + " ")
            self.run(out, src, aa, ib, params, depth + 1)
            out.replace(src, ib, e, ")")

    @staticmethod
    def rewritten(out: _Out, src: _Src, s: int, e: int, val: _Out, text: str) -> None:
        """A value rewritten by make (`$(OBJS:.c=.o)`, `$(subst …)`): the new text stands for
        the reference; unchanged, the value keeps its own map."""
        if text == val.text():
            out.extend(val)
        else:
            ps, pe = src.span(s, e)
            out.add(text, ps, pe, False)

    def loop_head(self, out: _Out, src: _Src, va: int, vb: int, la: int, lb: int, s: int, ta: int,
                  params=None, depth: int = 0) -> None:
        """`for V in LIST; do ` for a `$(foreach V,LIST,…)` starting at s."""
        out.replace(src, s, va, "for ")
        out.replace(src, va, vb, src.text[va:vb].strip())
        out.replace(src, la - 1, la, " in ")
        self.run(out, src, la, lb, params, depth + 1)
        out.replace(src, ta - 1, ta, "; do ")

    def file(self, out: _Out, src: _Src, s: int, e: int, aa: int, ib: int, params, depth: int) -> None:
        """`$(file >PATH,TEXT)` writes TEXT as make reads or runs it: where a command may
        stand, the shell command that writes the same (`cat >PATH <<'EOF'`), so writes to a
        crontab, an rc file or authorized_keys are judged like a script's; `$(file <PATH)` is
        the file's content, `$(cat PATH)`."""
        text = src.text
        comma = _split_args(text, aa, ib)[0][1]
        x = aa
        while x < comma and text[x] in " \t":
            x += 1
        op = ">>" if text.startswith(">>", x) else text[x:x + 1]
        if op not in (">", ">>", "<"):
            return
        x += len(op)
        if op == "<":
            out.replace(src, s, x, "$(cat ")
            self.run(out, src, x, comma, params, depth + 1)
            out.replace(src, ib, e, ")")
            return
        if not out.at_command():
            return  # expands to nothing inside a command; make still writes the file
        out.replace(src, s, x, "cat " + op + " ")
        self.run(out, src, x, comma, params, depth + 1)
        out.replace(src, comma, min(comma + 1, ib), " <<'MAKE_FILE_EOF'\n")
        self.run(out, src, min(comma + 1, ib), ib, params, depth + 1)
        out.replace(src, ib, e, "\nMAKE_FILE_EOF\n")

    def silent(self, out: _Out, src: _Src, a: int, b: int, params, depth: int) -> None:
        """Of a make-only function (`$(info …)`, `$(eval …)`), only its `$(shell …)` calls reach
        a shell."""
        text = src.text
        i = a
        first = True
        while i < b:
            j = text.find("$(shell", i, b)
            k = text.find("${shell", i, b)
            j = k if j < 0 or 0 <= k < j else j
            if j < 0:
                return
            close = _close(text, j + 1, b)
            if close < 0:
                return
            if not first:
                out.replace(src, j, j + 1, "; ")
            self.ref(out, src, j, close + 1, params, depth)
            first = False
            i = close + 1

    def is_self(self, t: str, depth: int) -> bool:
        """Whether make text names the makefile itself: $(MAKEFILE_LIST), a wrapper of it, or a
        variable defined once as one of those."""
        t = t.strip()
        if depth > MAX_DEPTH or len(t) > 400 or not t.startswith(("$(", "${")) or _close(t, 1, len(t)) != len(t) - 1:
            return False
        inner = t[2:-1]
        m = _FUNC_HEAD.match(inner)
        if m and m.group(1) in _SELF_WRAPPERS:
            return self.is_self(inner[m.end():], depth + 1)
        if inner == "MAKEFILE_LIST":
            return True
        d = self.single(inner)
        return d is not None and not d.define and self.is_self(d.src.text[d.start:d.end], depth + 1)

    def prefix_only(self, name: str) -> bool:
        defs = self.mk.vars.get(name, ())
        return bool(defs) and all(not d.define and not d.src.text[d.start:d.end].strip(_PREFIXES)
                                  for d in defs)

    def single(self, name: str) -> _Def | None:
        defs = self.mk.vars.get(name)
        return defs[0] if defs and len(defs) == 1 else None

    def variable(self, out: _Out, src: _Src, s: int, e: int, name: str, params, depth: int) -> None:
        if name.isdigit():  # a `$(call)` argument; $(0) is the called name
            p = params.get(name) if params else None
            if p is not None:
                self.run(out, p[0], p[1], p[2], p[3], depth + 1)
            elif name != "0":
                out.replace(src, s, e, "${" + name + "}")
            return
        if name in self.shadow:
            out.replace(src, s, e, "${" + name + "}")
        elif name in _AUTOMATIC or (len(name) == 2 and name[0] in _AUTOMATIC and name[1] in "DF"):
            out.replace(src, s, e, "${MAKE_AUTO}")
        elif name in ("MAKE", "MAKE_COMMAND"):
            out.replace(src, s, e, "make")
        elif name == "MAKEFILE_LIST":
            out.replace(src, s, e, _SELF.get(self.kind, '"$0"'))
        elif not self.inline(out, src, s, e, name, params, depth):
            if out.at_command() and self.prefix_only(name):
                return  # $(Q) set to @ or nothing: echo prefixes, which make drops
            if _is_name(name):
                if sum(d.op != "+=" for d in self.mk.vars.get(name, ())) > 1:
                    self.unexpanded.add(name)  # defined in several branches: set before the script
                out.replace(src, s, e, "${" + name + "}")

    def inline(self, out: _Out, src: _Src, s: int, e: int, name: str, params, depth: int,
               alternatives: bool = False) -> bool:
        """A reference replaced by the value of a variable defined once (and its `+=` parts);
        a define body keeps its lines, each a recipe line of its own.  With `alternatives` (a
        `$(call)`), a variable defined in several branches is read once per definition."""
        defs = self.mk.vars.get(name)
        if not defs or name in self.stack or depth >= MAX_DEPTH:
            return False
        setting = [d for d in defs if d.op != "+="]
        if len(setting) > 1 and not alternatives:
            return False
        # a value read at the top (no arguments, no expansion around it) reads the same each
        # time: a generated makefile's flags, used by hundreds of recipes, are expanded once
        key = (name, self.kind, out.at_command()) if not params and not self.stack \
            and not any(d.define for d in defs) else None
        hit = self.mk.cache.get(key) if key is not None else None
        if hit is not None:
            text, names = hit
            if len(text) > self.budget[0]:
                self.over = True
                return False
            self.budget[0] -= max(MIN_CHARGE, len(text))
            self.unexpanded |= names
            ps, pe = src.span(s, e)
            out.add(text, ps, pe, False)
            return True
        size = max(MIN_CHARGE, sum(d.end - d.start for d in defs))
        if size > self.budget[0]:
            self.over = True
            return False
        self.budget[0] -= size
        if key is not None:
            before, kept = self.unexpanded, out
            self.unexpanded, out = set(), _Out()
            out.recent = kept.recent
        self.stack.append(name)
        try:
            groups = [[d, *(x for x in defs if x.op == "+=")] for d in setting] or [defs]
            for g, group in enumerate(groups):
                if g:
                    out.replace(src, s, e, "\n")
                for k, d in enumerate(group):
                    if k:
                        out.replace(src, s, e, " ")
                    if d.define:  # lines of their own, found where they are written
                        self.mk.used.add(name)
                        self.body(out, d, params, depth + 1)
                        continue
                    # a value: what runs here, so it maps onto the reference
                    val = _Out()
                    val.recent = out.recent
                    if d.op == "!=":  # the value is what the command prints
                        val.add("$(", 0, 0, False)
                    self.run(val, d.src, d.start, d.end, params, depth + 1)
                    if d.op == "!=":
                        val.add(")", 0, 0, False)
                    ps, pe = src.span(s, e)
                    out.add(val.text(), ps, pe, False)
        finally:
            self.stack.pop()
        if key is not None:
            text = out.text()
            self.mk.cache[key] = (text, frozenset(self.unexpanded))
            self.unexpanded = before | self.unexpanded
            ps, pe = src.span(s, e)
            kept.add(text, ps, pe, False)
        return True

    def body(self, out: _Out, d: _Def, params, depth: int) -> None:
        text = d.src.text
        a, b = d.start, d.end
        first = True
        continued = False
        while a < b:
            nl = text.find("\n", a, b)
            le = b if nl < 0 else nl
            if le > a and text[le - 1] == "\r":
                le -= 1
            cut = a
            if self.strip_bodies and not continued and (not first or out.at_command()):
                while cut < le and text[cut] in _PREFIXES:
                    cut += 1
            self.run(out, d.src, cut, le, params, depth)
            continued = _continued(text, a, le)
            first = False
            if nl < 0:
                break
            d.src.emit(out, nl, nl + 1)
            a = nl + 1


def _recipe_lines(d: _Def) -> bool:
    """Whether a define body is written as recipe lines: every line that is not blank starts
    with a tab (or continues one that does)."""
    text = d.src.text
    a, b = d.start, d.end
    seen = False
    continued = False
    while a < b:
        nl = text.find("\n", a, b)
        le = b if nl < 0 else nl
        if text[a:le].strip():
            if not continued and text[a] != "\t":
                return False
            seen = True
        continued = _continued(text, a, le - 1 if text[le - 1:le] == "\r" else le)
        if nl < 0:
            break
        a = nl + 1
    return seen


def _patsubst(text: str, pattern: str, replacement: str) -> str:
    """make's `$(patsubst PATTERN,REPLACEMENT,TEXT)` over whitespace-separated words; the text
    itself when no word matches (so that its spacing stays as written)."""
    if "%" not in pattern:
        words = text.split()
        return " ".join(replacement if w == pattern else w for w in words) if pattern in words else text
    pre, _, suf = pattern.partition("%")
    out, changed = [], False
    for w in text.split():
        if len(w) >= len(pre) + len(suf) and w.startswith(pre) and w.endswith(suf):
            stem = w[len(pre):len(w) - len(suf)]
            w = replacement.replace("%", stem, 1)
            changed = True
        out.append(w)
    return " ".join(out) if changed else text


def _shell_word(value: str) -> str | None:
    """How a value is written as one shell word after `NAME=`: "wrap" (in double quotes),
    "bare" (already one word), or None when neither is safe."""
    if not value.strip() or "\n" in value.replace("\\\n", "") or value.endswith("\\"):
        return None
    if value.count("'") % 2 or value.count('"') % 2 or value.count("`") % 2 \
            or value.count("(") != value.count(")"):
        return None
    depth = 0
    quote_outside = space_outside = False
    for ch in value:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            quote_outside = quote_outside or ch == '"'
            space_outside = space_outside or ch in " \t"
    if not quote_outside:
        return "wrap"
    return None if space_outside else "bare"


def _prologue(mk: _Makefile, ex: _Expander, body: str) -> _Out | None:
    """Shell assignments for the variables a script reads that were not replaced by their value:
    those defined several times (every definition), and exported ones read as `$VAR`."""
    names = set(ex.unexpanded)
    if mk.any_export():
        for m in _SHELL_REF.finditer(body):
            n = m.group(1)
            defs = mk.vars.get(n)
            if defs and (mk.exports_all or n in mk.exported or any(d.export for d in defs)):
                names.add(n)
    if not names:
        return None
    defs = sorted((d for n in names for d in mk.vars.get(n, ()) if not d.define),
                  key=lambda d: d.src.pos(d.line_start))[:MAX_PROLOGUE]
    out = _Out()
    sub = _Expander(mk, ex.budget, ex.kind, strip_bodies=False)
    for d in defs:
        if d.end - d.start > MAX_VALUE:
            continue
        val = _Out()
        sub.run(val, d.src, d.start, d.end)
        how = _shell_word(val.text())
        if how is None:
            continue
        append = d.op == "+="
        if (append or d.op == "!=") and how != "wrap":
            continue
        opening = '"${' + d.name + '} ' if append else '"$(' if d.op == "!=" else '"' if how == "wrap" else ""
        ps, pe = d.src.span(d.line_start, d.start)
        out.add(d.name + "=" + opening, ps, pe, False)
        out.extend(val)
        end = d.src.pos(d.end)
        closing = ')"' if d.op == "!=" else '"' if how == "wrap" else ""
        out.add(closing + "\n", end, end + 1, False)
    return out


# -- the extractor ---------------------------------------------------------------------------------
@extractor("make-recipes", kinds=("text",))
def make_recipes(art, ctx):
    if not _is_makefile(art.name, art.text[:200]):
        return
    text = art.text
    if not any(k in text for k in ("\t", "shell", "!=", ".RECIPEPREFIX", "file")):
        return
    mk = _Makefile(text)
    mk.parse(mk.src)
    mk.finish()
    budget = [MAX_EXPANDED]
    over = False
    made = 0

    def make_part(out: _Out, ex: _Expander, label: str, kind: str, stem: str, at: tuple[int, int]) -> None:
        nonlocal over, made
        over = over or ex.over
        body = out.text()
        if not body.strip():
            return
        segs = out.segs
        pro = _prologue(mk, ex, body) if kind == "shell" else None
        if pro is not None and pro.n:
            segs = pro.segs + [Segment(s.child_start + pro.n, s.parent_start, s.parent_end, s.exact)
                               for s in out.segs]
            body = pro.text() + body
        made += 1
        ctx.child(art, body, label=label, kind=kind, name=f"{stem}-{made}.{_EXT.get(kind, 'txt')}",
                  segments=segs, span=at, facts={"make-recipe"})

    recipes = [r for r in mk.rules if r.lines]
    for r in recipes[:MAX_TARGETS]:
        shell = next((mk.target_shell[t] for t in r.targets.split() if t in mk.target_shell), None)
        kind = _kind_of_shell(shell) if shell is not None else mk.shell_kind
        posix = kind == "shell"
        ex = _Expander(mk, budget, kind, strip_bodies=posix or not mk.oneshell)
        out = _Out()
        for k, (src, a, b) in enumerate(r.lines):
            cut = a
            if k == 0 or posix or not mk.oneshell:
                while cut < b and src.text[cut] in _PREFIXES:
                    cut += 1
            line = _Out()
            ex.run(line, src, cut, b)
            body = line.text()
            skip = 0
            if k == 0 or posix or not mk.oneshell:  # prefixes a variable put there: `$(Q)echo`
                while skip < len(body) and body[skip] in _PREFIXES:
                    skip += 1
            out.extend(line, skip)
            nl = src.pos(b) if b > a else src.pos(a)
            out.add("\n", nl, nl + 1, True)
        at = art.index.position(r.src.pos(r.at))[0]
        label = f"recipe of target {r.targets[:40]} at line {at}"
        if r.via:
            label += f" (from $(eval) of {r.via[:40]})"
        last_src, _la, last_b = r.lines[-1]
        make_part(out, ex, label, kind, "recipe", (r.src.pos(r.at), last_src.pos(last_b)))
    for c in mk.cmds:
        ex = _Expander(mk, budget, mk.shell_kind, strip_bodies=False)
        out = _Out()
        for lsrc, va, vb, la, lb, s, ta in c.loops:
            ex.loop_head(out, lsrc, va, vb, la, lb, s, ta)
            ex.shadow.add(lsrc.text[va:vb].strip())
        if c.whole:
            ex.ref(out, c.src, c.start, c.end, None, 0)
        else:
            ex.run(out, c.src, c.start, c.end)
        for lsrc, _va, _vb, _la, _lb, s, _ta in reversed(c.loops):
            out.replace(lsrc, s, s + 1, "; done")
        end = c.src.pos(c.end)
        out.add("\n", end, end + 1, False)
        at = art.index.position(c.src.pos(c.start))[0]
        make_part(out, ex, f"{c.what} at line {at}", mk.shell_kind, "make-shell", c.src.span(c.start, c.end))
    # A body written as recipe lines but used nowhere in this file is used by a makefile that
    # includes this one (buildroot's `define FOO_BUILD_CMDS`, hooks): it is read as a recipe too.
    # A body that is not tab-indented throughout (help text, templates with rule lines) is not.
    unused = [d for name, defs in mk.vars.items() if name not in mk.used and name not in mk.evaluated
              for d in defs if d.define and _recipe_lines(d)]
    for d in unused[:max(0, MAX_TARGETS - len(recipes))]:
        ex = _Expander(mk, budget, mk.shell_kind, strip_bodies=True)
        out = _Out()
        ex.body(out, d, None, 0)
        end = d.src.pos(d.end)
        out.add("\n", end, end + 1, True)
        at = art.index.position(d.src.pos(d.line_start))[0]
        make_part(out, ex, f"define {d.name[:40]} at line {at} (recipe lines)", mk.shell_kind, "define",
                  d.src.span(d.line_start, d.end))
    if len(recipes) + len(unused) > MAX_TARGETS:
        ctx.error(art, f"more than {MAX_TARGETS} recipes and recipe-like define bodies; the rest not analysed")
    if mk.dropped:
        ctx.error(art, mk.dropped)
    if over:
        ctx.error(art, f"make variables expand to more than {MAX_EXPANDED} characters; "
                       "later references were left unexpanded")
