"""Fork bombs in shell: a function whose body runs itself piped into itself in the background
(`f | f &`), defined and then called — the classic `:(){ :|:& };:` and every renamed variant.

The search starts from the literal `|` (fast in `re`) and checks the shape around it, rather than
trying a function-name pattern at every position of every file.  All patterns here are linear.

Signal `sr.shell-fork-bomb`: data `fn` (the function name).
"""
from __future__ import annotations

import re

from . import detector

_NAME = r"[A-Za-z_:.][\w:.-]*"
_PIPE = re.compile(r"\|[ \t]*&?[ \t]*(" + _NAME + r")[ \t]*&")
_TAIL_CALL = r"[ \t\n;]*\}}[ \t]*[;\n][ \t\n]*{fn}(?![\w:.-])"
_HEAD = r"(?:\bfunction[ \t]+)?(?<![\w:.-]){fn}[ \t]*\([ \t]*\)[ \t]*\{{[ \t\n]*{fn}[ \t]*$"


@detector("shell-fork-bomb", ("sr.shell-fork-bomb",), prefilter=lambda art: "|" in art.text and "&" in art.text)
def detect_fork_bomb(art, ctx):
    text = art.text
    for m in _PIPE.finditer(text):
        fn = m.group(1)
        efn = re.escape(fn)
        before = text[max(0, m.start() - 200):m.start()]
        head = re.search(_HEAD.format(fn=efn), before)
        if not head:
            continue
        tail = re.compile(_TAIL_CALL.format(fn=efn)).match(text, m.end())
        if not tail:
            continue
        start = m.start() - (len(before) - head.start())
        ctx.signal(art, "sr.shell-fork-bomb", start, tail.end(), fn=fn)
