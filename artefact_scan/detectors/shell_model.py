"""What a shell script does with itself: provenance labels over the parsed commands.

Built on `shell_syntax.Script`.  Variables, loop variables and functions get labels from what
they are assigned or iterate over:

- `self`: the script's own path (`$0`, `${BASH_SOURCE[0]}`, `$(readlink -f "$0")`,
  `/proc/self/exe`, `$DIR/$(basename "$0")`, a variable holding one of those);
- `selfdir`: the script's own directory (`$(dirname "$0")`, `${0%/*}`, `$(cd … && pwd)`);
  path arithmetic below it (`$DIR/lib.sh`) names another file and drops the label, which is
  what keeps resource lookups quiet;
- `selfcontent`: the script's text (`$(cat "$0")`, `$(head -n 20 "$0")`, `$(sed -n … "$0")`);
- `hosts`: hosts harvested from the machine (known_hosts, ~/.ssh/config, shell history,
  /etc/hosts, `getent`, ARP/neighbour tables, `nmap`/`masscan`, a /24 sweep);
- `codefiles`: code files found by enumeration (`*.sh`, `find -name '*.py'` …).

The model is computed once per artefact and cached in `art.meta`, so every shell detector
shares one parse.
"""
from __future__ import annotations

import re

from .shell_syntax import Command, Frame, Script, Word, basename, unwrap
from ..lazyregex import lazy_re

_VAR_REF = lazy_re(r"\$(?:\{#?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")
_SELF_ATOM = lazy_re(
    r"""^(?:\$0|\$\{0\}|\$BASH_SOURCE|\$\{BASH_SOURCE(?:\[0\]|\[@\])?\}|/proc/self/exe|/proc/\$\$/exe
        |\$\{\(%\):-%[xN]\}|\$\{0:A\})$""", re.X)
_SELFDIR_ATOM = lazy_re(
    r"""^(?:\$\{0%/\*\}|\$\{BASH_SOURCE(?:\[0\])?%/\*\}|\$\{0:a:h\}|\$\{0:h\})$""", re.X)
_SUBST = lazy_re(r"^(?:\$\((.*)\)|`(.*)`)$", re.S)
HOST_SOURCES = lazy_re(
    r"known_hosts|\.ssh/config\b|\.ssh/\*|_history\b|/etc/hosts\b|\bgetent\s+(?:ahosts|hosts)|"
    r"\barp\s+-[an]|/proc/net/arp|\bip\s+neigh|\bnmap\b|\bmasscan\b|\bfping\b|\bzmap\b|"
    r"\bnetdiscover\b|\bavahi-browse\b")
SWEEP = lazy_re(r"\{\s*[01]\s*\.\.\s*25[45]\s*\}|\bseq\s+[01]\s+25[45]\b|\(\(\s*\w+\s*=\s*[01]\s*;\s*\w+\s*<=?\s*25[45]")
# a loop over folders: a glob ending in a folder (`../*/`, `~/src/*/`), `find … -type d`, `ls -d`
DIR_LOOP = lazy_re(r"(?:^|[\s\"'])[^\s\"';]*\*/(?=[\s\"';)]|$)|\bfind\b[^|;]*-type\s+d\b|\bls\s+-d\b")
CODE_GLOB = lazy_re(
    r"\*\.(?:sh|bash|zsh|py|pyw|js|mjs|cjs|ts|php|pl|rb|lua)\b|\*\.\{[a-z,]*(?:sh|py|js)[a-z,]*\}|"
    r"-i?name\s+['\"]?\*\.(?:sh|bash|py|js|mjs|ts|php|pl|rb)\b|"
    r"\bgrep\s+-[a-zA-Z]*l[a-zA-Z]*\s+['\"]?#!")
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "busybox"})
INTERPRETERS = SHELLS | frozenset({"python", "python2", "python3", "node", "perl", "ruby", "php",
                                   "deno", "bun", "pwsh", "osascript"})
_PY = lazy_re(r"^python[0-9.]*$")


def is_interpreter(name: str) -> bool:
    return name in INTERPRETERS or bool(_PY.match(name))


class ShellModel:
    def __init__(self, text: str, name: str = ""):
        self.text = text
        self.name = name
        self.script = Script(text)
        self.cmds = self.script.commands
        # indexes so that no check walks every command for every command
        self.in_string: dict[int, list[Command]] = {}  # id(command) → commands of its code strings
        self.in_frame: dict[int, list[Command]] = {}  # id(frame) → commands anywhere inside it
        self.direct: dict[int, list[Command]] = {}  # id(frame) → commands whose innermost frame it is
        self._frames: dict[int, Frame] = {}
        for c in self.cmds:
            for f in c.frames:
                self.in_frame.setdefault(id(f), []).append(c)
                self._frames.setdefault(id(f), f)
                if f.kind == "string" and f.parent_cmd is not None:
                    lst = self.in_string.setdefault(id(f.parent_cmd), [])
                    if not lst or lst[-1] is not c:
                        lst.append(c)
            if c.frames:
                self.direct.setdefault(id(c.frames[-1]), []).append(c)
        self._header_cache: dict[tuple[int, int], set[str]] = {}
        self._version = 0  # bumped whenever a variable gains a label
        self.assign: dict[str, list[str]] = {}
        self.labels: dict[str, set[str]] = {}
        self._collect_assignments()
        self._label_vars()
        self.harvest = self._file_harvest()
        # `print` writes its arguments like echo in zsh and ksh (a builtin there); bash, dash and
        # POSIX sh have no such builtin, so a script that names one of them keeps it a command
        first = text[:200].split("\n", 1)[0]
        self.print_builtin = not re.match(r"#!\s*\S*?(?:/env\s+(?:-\S+\s+)*)?(?:bash|sh|dash|ash|busybox)\b", first) \
            or bool(re.match(r"#!.*\b(?:zsh|ksh|mksh|ksh93)\b", first))

    # -- variables -----------------------------------------------------------------------------
    def _collect_assignments(self) -> None:
        for c in self.cmds:
            words = c.words
            prog_i = 0
            while prog_i < len(words) and _assignment(words[prog_i].value):
                prog_i += 1
            if prog_i == len(words):  # a pure assignment command (or export/local/readonly)
                for w in words:
                    n, v = _assignment(w.value)
                    self.assign.setdefault(n, []).append(v)
            elif words and words[0].value in ("export", "local", "readonly", "declare", "typeset"):
                for w in words[1:]:
                    a = _assignment(w.value)
                    if a:
                        self.assign.setdefault(a[0], []).append(a[1])
            elif words and words[0].value in ("read", "mapfile", "readarray"):
                # `read h < file`, `mapfile -t hosts < <(awk … known_hosts)`: the input labels the vars
                src = " ".join(self.text[r.start:(r.target.end if r.target else r.start + 2)] for r in c.redirects)
                if c.pipe_prev is not None:
                    src += " " + self._pipeline_text(c)
                names = [w.value for w in words[1:] if _NAME.match(w.value)]
                for n in names[-3:]:
                    self.assign.setdefault(n, []).append(src)

    def _file_harvest(self) -> Command | None:
        """A command that reads a host source (known_hosts, ssh config, history, /etc/hosts, ARP,
        a scanner), not one that writes it or merely prints its name."""
        for c in self.cmds:
            words, _ = unwrap(c)
            if not words:
                continue
            name = basename(words[0].value)
            if name in ("echo", "printf", "ssh-keyscan", "ssh-keygen", "ssh-copy-id", "local", "declare",
                        "export", "readonly", "[[", "[", "test") or (len(words) == len(c.words) and
                                                                       "=" in words[0].value and name == words[0].value):
                continue
            if any(HOST_SOURCES.search(w.value) for w in words):
                return c
            if any(r.op in ("<", "<&") and r.target is not None and HOST_SOURCES.search(r.target.value) for r in c.redirects):
                return c
        return None

    def _pipeline_text(self, c: Command) -> str:
        parts = []
        p = c.pipe_prev
        guard = 0
        while p is not None and guard < 20:
            parts.append(self.text[p.start:p.end])
            p = p.pipe_prev
            guard += 1
        return " | ".join(reversed(parts))

    def _label_vars(self) -> None:
        for _round in range(4):
            changed = False
            for n, vals in self.assign.items():
                have = self.labels.setdefault(n, set())
                for v in vals:
                    new = self.value_labels(v, assignment=True) - have
                    if new:
                        have |= new
                        changed = True
                        self._version += 1
            # loop variables take the labels of what the loop iterates over
            for fr in self.loop_frames():
                names = self.loop_vars(fr)
                labs = self.header_labels(fr)
                for n in names:
                    have = self.labels.setdefault(n, set())
                    if labs - have:
                        have |= labs
                        changed = True
                        self._version += 1
            if not changed:
                break

    def loop_frames(self) -> list[Frame]:
        return [f for f in self._frames.values() if f.kind in ("for", "while", "until")]

    def loop_vars(self, fr: Frame) -> list[str]:
        if fr.kind == "for":
            return [fr.var] if fr.var else []
        names = []
        for c in self.direct.get(id(fr), ()):
            if c.start < fr.start + len(fr.header) + 1 and c.words and c.words[0].value == "read":
                names += [w.value for w in c.words[1:] if _NAME.match(w.value)]
        return names

    def header_labels(self, fr: Frame) -> set[str]:
        key = (id(fr), self._version)
        hit = self._header_cache.get(key)
        if hit is None:
            hit = self._header_cache[key] = self._header_labels(fr)
        return hit

    def _header_labels(self, fr: Frame) -> set[str]:
        head = fr.header
        labs = self.value_labels(head)
        out = set()
        if "hosts" in labs or HOST_SOURCES.search(head) or SWEEP.search(head):
            out.add("hosts")
        if CODE_GLOB.search(head):
            out.add("codefiles")
        if DIR_LOOP.search(head):
            out.add("folders")
        for fn, frame in self.script.functions.items():
            if re.search(r"(?:^|[\s;|(`$])" + re.escape(fn) + r"(?:$|[\s;|)`])", head):
                body = self.text[frame.start:frame.end if frame.end > frame.start else frame.start]
                if HOST_SOURCES.search(body):
                    out.add("hosts")
                if CODE_GLOB.search(body):
                    out.add("codefiles")
        return out

    def value_labels(self, value: str, assignment: bool = False) -> set[str]:
        """Labels of a word's value (or a loop header's text)."""
        v = value.strip()
        out: set[str] = set()
        if self.is_self(v):
            out.add("self")
        elif self.is_selfdir(v):
            out.add("selfdir")
        if self.is_selfcontent(v):
            out.add("selfcontent")
        if assignment and self._is_selfname(v):
            out.add("selfname")
        if HOST_SOURCES.search(v):
            out.add("hosts")
        if CODE_GLOB.search(v):
            out.add("codefiles")
        for m in _VAR_REF.finditer(v):
            n = m.group(1) or m.group(2)
            labs = self.labels.get(n, ())
            if "hosts" in labs:
                out.add("hosts")
            if "codefiles" in labs:
                out.add("codefiles")
            if "selfcontent" in labs:
                out.add("selfcontent")
        return out

    def _strip_subst(self, v: str) -> str:
        """`$(readlink -f X)`, `$(realpath X)`, `` `readlink -f X` `` → X."""
        for _ in range(4):
            v = v.strip().strip('"').strip()
            m = _SUBST.match(v)
            if not m:
                return v
            inner = (m.group(1) or m.group(2) or "").strip()
            mm = re.match(r"^(?:readlink(?:\s+-[a-zA-Z]+)*|realpath(?:\s+-[a-zA-Z-]+)*|greadlink\s+-f|"
                          r"python[0-9.]*\s+-c\s+['\"]import os,?\s*sys;\s*print\(os\.path\.realpath\(sys\.argv\[1\]\)\)['\"])\s+(.+)$",
                          inner)
            if not mm:
                return v
            v = mm.group(1)
        return v

    def _ref(self, v: str) -> str | None:
        m = re.match(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$", v)
        return (m.group(1) or m.group(2)) if m else None

    def is_self(self, v: str) -> bool:
        v = self._strip_subst(v)
        if _SELF_ATOM.match(v):
            return True
        n = self._ref(v)
        if n is not None and "self" in self.labels.get(n, ()):
            return True
        # $DIR/$(basename "$0") and "$DIR/$NAME" with NAME=$(basename "$0")
        if "/" in v:
            d, _, b = v.rpartition("/")
            if self.is_selfdir(d) and self._is_selfname(b):
                return True
        return False

    def _is_selfname(self, v: str) -> bool:
        v = v.strip('"')
        m = _SUBST.match(v)
        if m:
            inner = (m.group(1) or m.group(2) or "").strip()
            mm = re.match(r"^basename\s+(.+)$", inner)
            return bool(mm and self.is_self(mm.group(1)))
        if re.match(r"^\$\{0##\*/\}$|^\$\{BASH_SOURCE(?:\[0\])?##\*/\}$", v):
            return True
        n = self._ref(v)
        return n is not None and "selfname" in self.labels.get(n, ())

    def is_selfdir(self, v: str) -> bool:
        v = v.strip().strip('"')
        # the whole directory's content: "$DIR"/* or "$DIR"/.
        v2 = re.sub(r'"?/(?:\*|\.)$', "", v).strip('"')
        if v2 != v and v2:
            return self.is_selfdir(v2)
        if _SELFDIR_ATOM.match(v):
            return True
        m = _SUBST.match(v)
        if m:
            inner = (m.group(1) or m.group(2) or "").strip()
            mm = re.match(r"^dirname\s+(.+)$", inner)
            if mm and self.is_self(mm.group(1)):
                return True
            # $(cd "$(dirname "$0")" && pwd) / $(cd -P -- "$(dirname -- "$0")"; pwd -P)
            mm = re.match(r"^cd\s+(?:-[PL]\s+)?(?:--\s+)?(\"[^\"]*(?:\"[^\"]*\"[^\"]*)*\"|\S+)\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*$", inner)
            if mm and self.is_selfdir(mm.group(1)):
                return True
        n = self._ref(v)
        return n is not None and "selfdir" in self.labels.get(n, ())

    def is_selfcontent(self, v: str) -> bool:
        v = v.strip().strip('"')
        m = _SUBST.match(v)
        if not m:
            return False
        inner = (m.group(1) or m.group(2) or "").strip()
        if inner.startswith("<"):
            return self.is_self(inner[1:].strip())
        return self.reads_self(inner)

    def reads_self(self, code: str) -> bool:
        """Whether a small command text prints the script's own content."""
        parts = code.split()
        if not parts:
            return False
        if parts[0] in ("cat", "head", "tail", "sed", "awk", "grep", "tac", "base64", "gzip", "xxd",
                        "openssl", "dd", "cut", "strings", "od"):
            return any(self.is_self(p) or p.startswith("if=") and self.is_self(p[3:]) for p in parts[1:])
        return False

    # -- per-command helpers ---------------------------------------------------------------
    def word_self(self, w: Word) -> bool:
        return self.is_self(w.value)

    def word_selfdir(self, w: Word) -> bool:
        return self.is_selfdir(w.value)

    def expand(self, v: str, depth: int = 0) -> str:
        """A word with `$NAME` / `${NAME}` replaced by the variable's first assigned value (two
        levels at most); used to judge paths, never to run anything."""
        if depth > 1 or "$" not in v:
            return v

        def sub(mm):
            n = mm.group(1) or mm.group(2)
            if n in ("HOME",):
                return mm.group(0)
            vals = self.assign.get(n)
            return self.expand(vals[0].strip('"'), depth + 1) if vals else mm.group(0)

        return re.sub(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))", sub, v)

    def var_labels(self, v: str) -> set[str]:
        out: set[str] = set()
        for m in _VAR_REF.finditer(v):
            n = m.group(1) or m.group(2)
            out |= self.labels.get(n, set())
        return out

    def loops_of(self, c: Command) -> list[Frame]:
        return [f for f in c.frames if f.kind in ("for", "while", "until") and f.in_body]

    def detached(self, c: Command) -> str:
        """Why this command keeps running on its own ('' when it does not)."""
        _words, wrappers = unwrap(c)
        for w in wrappers:
            if w in ("nohup", "setsid", "daemonize", "systemd-run"):
                return w
        if c.sep == "&":
            return "&"
        for f in c.frames:
            if f.background:
                return "& (block)"
            if f.kind == "string" and f.parent_cmd is not None:
                pw = f.parent_cmd
                if self.detached(pw):
                    return self.detached(pw)
                name = _launcher(pw)
                if name:
                    return name
        # `cmd; disown` / `cmd & disown`
        return ""

    def infinite(self, fr: Frame) -> bool:
        if fr.infinite:
            return True
        if fr.kind == "for":
            return False
        head = fr.header.strip()
        head = re.sub(r"^(?:while|until)\s+", "", head).rstrip("; \n")
        if fr.kind == "while":
            return bool(re.match(r"^(?:true|:|\[\s*1\s*\]|\(\(\s*1\s*\)\)|sleep\s+\S+|/bin/true|\[\s*1\s*(?:-eq|=)\s*1\s*\])$", head))
        return bool(re.match(r"^(?:false|/bin/false)$", head))


def _launcher(c: Command) -> str:
    """`screen -dm`, `tmux new -d`: a command that runs a string detached."""
    words, _ = unwrap(c)
    if not words:
        return ""
    name = basename(words[0].value)
    args = [w.value for w in words[1:]]
    if name == "screen" and any(a.startswith("-") and "d" in a and "m" in a for a in args[:3]):
        return "screen -dm"
    if name == "tmux" and args and args[0] in ("new", "new-session") and "-d" in args:
        return "tmux new -d"
    return ""


_NAME = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _assignment(v: str) -> tuple[str, str] | None:
    eq = v.find("=")
    if eq <= 0:
        return None
    name = v[:eq].rstrip("+")
    if "[" in name:
        name = name[:name.index("[")]
    if not _NAME.match(name):
        return None
    val = v[eq + 1:]
    if val.startswith("(") and val.endswith(")"):
        val = val[1:-1]
    return name, val


_DOCKER_RUN = lazy_re(r"^([ \t]*)(RUN|CMD|ENTRYPOINT|ENV|HEALTHCHECK[ \t]+CMD)\b", re.M | re.I)
_DOCKER_OTHER = lazy_re(r"^[ \t]*(?:FROM|COPY|ADD|WORKDIR|EXPOSE|LABEL|USER|ARG|VOLUME|STOPSIGNAL|SHELL|ONBUILD|MAINTAINER)\b[^\n]*", re.M | re.I)


def _dockerfile_as_shell(text: str) -> str:
    """A Dockerfile read as shell, offsets kept: RUN/CMD/ENTRYPOINT keywords blanked so their
    commands parse, ENV lines become assignments, other instructions are blanked."""
    text = _DOCKER_OTHER.sub(lambda m: " " * len(m.group()), text)
    return _DOCKER_RUN.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)


def model_allowed(art, ctx) -> bool:
    """The parsed commands and provenance model are built for the file and at most
    `max_parsed_parts` embedded shell parts of it (fences, tool-call commands, recipes, decoded
    payloads), like the Python data flow: 20,000 shell fences in one Markdown file would
    otherwise take the whole file budget.  Every detector that needs the model asks; a part
    counts once."""
    n = ctx.limits.max_parsed_parts
    return ctx.quota(art, "shell-model", n,
                     f"more than {n} embedded shell parts; the rules that read parsed shell commands "
                     f"(self-replication and persistence behaviour) ran on the first {n} only")


def model_of(art) -> ShellModel:
    m = art.meta.get("_shell_model")
    if m is None:
        base = art.name.replace("\\", "/").rsplit("/", 1)[-1].lower()
        text = art.text
        if base == "dockerfile" or base.startswith("dockerfile.") or base.endswith((".dockerfile", ".containerfile")) \
                or base == "containerfile":
            text = _dockerfile_as_shell(text)
        m = ShellModel(text, art.name)
        art.meta["_shell_model"] = m
    return m
