"""Markdown fenced code blocks → child artefacts of the fence's language.

A worm pasted into a ```python fence of a report is analysed as Python.  Fences follow
CommonMark: up to three spaces of indentation, three or more backticks or tildes, an info string
whose first word names the language; the block ends at a closing fence of the same character at
least as long, or at the end of the document.  Children carry the fact `code-block` (a quoting
context that legal rules use to lower severity).
"""
from __future__ import annotations

import re

from ..kinds import LANGUAGES, kind_from_content
from ..model import Segment
from . import extractor

_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^\n`]*)$", re.M)
_EXT = {"python": "py", "shell": "sh", "javascript": "js", "html": "html", "json": "json",
        "yaml": "yaml", "markdown": "md", "text": "txt", "xml": "xml", "toml": "toml",
        "ini": "ini", "crontab": "cron", "systemd": "service", "jsonl": "jsonl", "powershell": "ps1"}
_MAKE = frozenset(("make", "makefile", "mk", "gnumake", "gmake"))


def fences(text: str):
    """Yield (index, language, indent, content_start, content_end, open_line_start)."""
    pos = 0
    n = 0
    while True:
        m = _OPEN.search(text, pos)
        if not m:
            return
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3).strip()
        if fence[0] == "`" and "`" in info:
            pos = m.end()
            continue
        body_start = m.end() + 1 if m.end() < len(text) else m.end()
        close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M)
        c = close.search(text, body_start)
        body_end = c.start() if c else len(text)
        n += 1
        lang = info.split()[0].lower().strip("{}.") if info else ""
        yield n, lang, indent, body_start, max(body_start, body_end), m.start()
        pos = c.end() if c else len(text)
        if pos <= m.start():
            return


@extractor("markdown-fences", kinds={"markdown"})
def extract_fences(art, ctx):
    if "```" not in art.text and "~~~" not in art.text:
        return
    for n, lang, indent, start, end, open_at in fences(art.text):
        body = art.text[start:end]
        if not body.strip():
            continue
        if indent:
            lines, segs, out_len, off = [], [], 0, start
            for line in body.splitlines(keepends=True):
                cut = len(line) - len(line.lstrip(" ")) if line.strip() else 0
                cut = min(cut, indent)
                segs.append(Segment(out_len, off + cut, off + len(line), True))
                lines.append(line[cut:])
                out_len += len(line) - cut
                off += len(line)
            text = "".join(lines)
        else:
            text, segs = body, [Segment(0, start, end, True)]
        kind = LANGUAGES.get(lang) or kind_from_content(text[:256])
        name = f"block-{n}.{_EXT.get(kind, 'txt')}"
        if lang in _MAKE:  # a makefile: its recipes and $(shell …) calls are read as shell
            kind, name = "text", f"block-{n}.mk"
        line = art.index.position(open_at)[0]
        label = f"code block {n} at line {line}" + (f" ({lang})" if lang else "")
        child = ctx.child(art, text, label=label, kind=kind, name=name, segments=segs,
                          facts={"code-block", "quoted"})
        if child is not None:
            yield child
