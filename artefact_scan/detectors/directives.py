"""Scanner directives that are themselves suspicious.

An agent under audit may write `artefact-scan: ignore[...]` to silence a finding.  A directive
with invisible or bidi characters in its line is reported (a human reviewer cannot read what it
says), and a directive without rule ids is reported as not honoured.

Signals: `directive.hidden-chars` (data `chars`), `directive.blanket`.
"""
from __future__ import annotations

import re

from ..escape import is_invisible
from . import detector
from ..lazyregex import lazy_re

_DIRECTIVE = lazy_re(r"artefact-scan:[ \t]*(?:ignore|fixme)\b(\[[^\]\n]*\])?")


@detector("directives", ("directive.hidden-chars", "directive.blanket"), literals=("artefact-scan:",))
def detect_directives(art, ctx):
    text = art.text
    for m in _DIRECTIVE.finditer(text):
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        le = len(text) if le < 0 else le
        line = text[ls:le]
        if not line.isascii():
            hidden = sorted({f"U+{ord(c):04X}" for c in line if is_invisible(c) and c != "\t"})
            if hidden:
                ctx.signal(art, "directive.hidden-chars", m.start(), m.end(), chars=", ".join(hidden))
        if not m.group(1) or not m.group(1).strip("[] \t"):
            ctx.signal(art, "directive.blanket", m.start(), m.end())
