"""Patches → the lines they add, as the file they add them to.

Agents often write code as patches: unified diffs (`git diff`, `diff -u`, `.patch` files) and
the `*** Begin Patch` format of apply-patch tools, both in files and inside transcripts.  With
their `+` prefixes the added lines are not valid code of their language, so the code rules would
miss a worm written that way.  For each file a patch touches, the added lines become one child
artefact named by that file (so it is read as Python, shell, … and path facts apply), mapped
character by character onto the patch, without the prefix.  Removed and context lines are left
out: a patch that removes a fork bomb does not add one.
"""
from __future__ import annotations

import re

from ..detectors import facts
from ..model import Segment
from . import extractor
from ..lazyregex import lazy_re

facts.declare("patch-added")

_UNIFIED = lazy_re(r"^\+\+\+ (?:\"?b/)?(?P<path>[^\t\n\"]+)\"?[\t ]*(?:\t.*)?$", re.M)
_CODEX = lazy_re(r"^\*\*\* (?:Add|Update) File: (?P<path>[^\n]+?)\s*$", re.M)
_SECTION_END = lazy_re(r"^(?:diff --git |--- |\*\*\* (?:Add|Update|Delete) File: |\*\*\* End Patch|\*\*\* Move to: )", re.M)
MAX_FILES = 500


@extractor("patch-added-lines", kinds={"text", "markdown"})
def extract_patch(art, ctx):
    text = art.text
    codex = "*** Begin Patch" in text
    if not codex and not ("\n+++ " in text and "\n@@" in text) and not text.startswith("+++ "):
        return
    if "patch-added" in art.facts:
        return
    heads = [(m.start(), m.end(), m.group("path").strip()) for m in (_CODEX if codex else _UNIFIED).finditer(text)]
    for n, (start, body, path) in enumerate(heads[:MAX_FILES]):
        if path in ("/dev/null", "dev/null"):
            continue
        end = heads[n + 1][0] if n + 1 < len(heads) else len(text)
        nxt = _SECTION_END.search(text, body + 1, end)
        if nxt is not None and not codex:
            end = nxt.start()
        out, segs, off = [], [], 0
        pos = text.find("\n", body) + 1 if text.find("\n", body) >= 0 else len(text)
        in_hunk = codex
        while 0 < pos < end:
            nl = text.find("\n", pos, end)
            line_end = end if nl < 0 else nl
            line = text[pos:line_end]
            if line.startswith("@@"):
                in_hunk = True
            elif in_hunk and line.startswith("+") and not line.startswith("+++ "):
                segs.append(Segment(off, pos + 1, line_end, True))
                out.append(line[1:] + "\n")
                off += len(line)  # the line without '+', plus the newline
            if nl < 0:
                break
            pos = nl + 1
        if not out:
            continue
        # a diff shown in a Markdown fence stays an example shown in a document
        keep = {"code-block", "notebook-cell", "notebook-output"} & art.facts
        ctx.child(art, "".join(out), label=f"lines the patch adds to {path}", name=path,
                  segments=segs, facts={"patch-added", *keep})
    if len(heads) > MAX_FILES:
        ctx.error(art, f"patch touches {len(heads)} files; only the first {MAX_FILES} were analysed")
