"""Makefile recipes: the shell commands make runs for each target.

Each target's recipe becomes a child artefact of kind `shell`, so every shell rule judges what a
`make` run would execute.  A recipe is the run of lines after a rule line (`target: prerequisites`)
that start with a tab; the tab and the echo/ignore prefixes (`@`, `-`, `+`) are dropped, a
backslash-newline continues the command as it does in the shell.  Make's own syntax is turned into
what the shell receives: `$$` becomes `$`, `$(VAR)`/`${VAR}` become the shell variable `${VAR}`,
`$(MAKE)` becomes `make`, and the makefile naming itself (`$(MAKEFILE_LIST)`,
`$(firstword/lastword $(MAKEFILE_LIST))`) becomes `"$0"`, the running script, so a target that
copies its makefile to other hosts reads as a script that copies itself.  Line-based and bounded
by the artefact size; nothing is run.
"""
from __future__ import annotations

from ..detectors import facts
from ..lazyregex import lazy_re
from ..model import Segment
from . import extractor

facts.declare("make-recipe")

_RULE = lazy_re(r"^(?P<targets>[^\t\s#=:][^=\n#]*?)[ \t]*::?(?![=:])(?:[^\n=]*)$")
_MAKE_SYNTAX = lazy_re(
    r"\$\$"
    r"|\$[({](?:(?:first|last)word[ \t]+)?\$[({]MAKEFILE_LIST[)}][)}]|\$[({]MAKEFILE_LIST[)}]"
    r"|\$[({]MAKE[)}]"
    r"|\$[({](?P<var>[A-Za-z_][A-Za-z0-9_]*)[)}]")
MAX_TARGETS = 500


def _is_makefile(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return base in ("makefile", "gnumakefile") or base.startswith("makefile.") or base.endswith((".mk", ".make"))


def _translate(line: str, off: int, out: list[str], segs: list[Segment], out_len: int) -> int:
    """Append `line` (at parent offset `off`) as the shell sees it; return the new child length."""
    pos = 0
    for m in _MAKE_SYNTAX.finditer(line):
        if m.start() > pos:
            segs.append(Segment(out_len, off + pos, off + m.start(), True))
            out.append(line[pos:m.start()])
            out_len += m.start() - pos
        tok = m.group()
        if tok == "$$":
            rep = "$"
        elif "MAKEFILE_LIST" in tok:
            rep = '"$0"'
        elif m.group("var"):
            rep = "${" + m.group("var") + "}"
        else:
            rep = "make"
        segs.append(Segment(out_len, off + m.start(), off + m.end(), len(rep) == len(tok)))
        out.append(rep)
        out_len += len(rep)
        pos = m.end()
    if pos < len(line):
        segs.append(Segment(out_len, off + pos, off + len(line), True))
        out.append(line[pos:])
        out_len += len(line) - pos
    return out_len


@extractor("make-recipes", kinds=("text",))
def make_recipes(art, ctx):
    if not _is_makefile(art.name) or "\t" not in art.text:
        return
    text = art.text
    lines = text.split("\n")
    offsets, o = [], 0
    for ln in lines:
        offsets.append(o)
        o += len(ln) + 1
    target, target_line = None, 0
    out: list[str] = []
    segs: list[Segment] = []
    out_len = 0
    made = 0
    continued = False

    def flush():
        nonlocal out, segs, out_len, made
        if target is not None and "".join(out).strip() and made < MAX_TARGETS:
            made += 1
            ctx.child(art, "".join(out), label=f"recipe of target {target[:40]} at line {target_line}",
                      kind="shell", name=f"recipe-{made}.sh", segments=segs, facts={"make-recipe"})
        out, segs, out_len = [], [], 0

    for i, line in enumerate(lines):
        off = offsets[i]
        if continued or (target is not None and line.startswith("\t")):
            body, cut = line, 0
            if line.startswith("\t"):
                cut = 1
                if not continued:
                    while cut < len(line) and line[cut] in "@-+ \t":
                        cut += 1
            body = line[cut:]
            out_len = _translate(body, off + cut, out, segs, out_len)
            out.append("\n")
            out_len += 1
            continued = body.endswith("\\")
            continue
        if target is not None and (not line.strip() or line.lstrip().startswith("#")):
            continue  # blank and comment lines do not end a recipe
        m = _RULE.match(line)
        flush()
        target = m.group("targets").strip() if m else None
        target_line = i + 1
        if m and ";" in line[m.end("targets"):]:
            # "target: prereq ; command": the command after the semicolon starts the recipe
            k = line.index(";", m.end("targets"))
            out_len = _translate(line[k + 1:], off + k + 1, out, segs, out_len)
            out.append("\n")
            out_len += 1
    flush()
