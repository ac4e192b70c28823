"""IPython shell escapes: `!cmd` lines of notebook code cells, analysed as shell.

Agents working in notebooks run commands as `!scp model.safetensors host:` or
`!nohup python agent.py &`; the cell is Python to the kernel but those lines are shell. They are
gathered into one shell child per cell (so variables set on one `!` line are seen on the next),
each line mapped character for character onto the cell.
"""
from __future__ import annotations

import re

from ..model import Segment
from . import extractor
from ..lazyregex import lazy_re

_ESCAPE = lazy_re(r"^[ \t]*!(?!=)[ \t]*([^\n]*)", re.M)
MAX_LINES = 2000


@extractor("ipython-shell-escapes", kinds=("python",))
def shell_escapes(art, ctx):
    if "notebook-cell" not in art.facts or "!" not in art.text:
        return
    parts: list[str] = []
    segs: list[Segment] = []
    off = 0
    for n, m in enumerate(_ESCAPE.finditer(art.text)):
        if n >= MAX_LINES:
            ctx.error(art, f"more than {MAX_LINES} shell escape lines; the rest not analysed")
            break
        line = m.group(1)
        if not line.strip():
            continue
        segs.append(Segment(off, m.start(1), m.end(1), exact=True))
        parts.append(line)
        off += len(line) + 1
    if parts:
        ctx.child(art, "\n".join(parts), label="IPython shell escapes", kind="shell", segments=segs)
