"""Inline suppressions: `artefact-scan: ignore[ID, …] reason` for code written by people.

A directive silences the named rules (ids, id prefixes or categories) on its own line, or on the
next line when it stands alone on its line.  Ids are required: a bare `artefact-scan: ignore` is
not honoured.  In Python the directive must sit in a comment (found with the tokenizer), so a
string that merely contains it silences nothing.  `--strict` turns all directives off.  Every
suppressed finding is counted in the summary, and directives that are themselves suspicious
(hidden characters in them, no ids) are reported by the engine rules AS001/AS002.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from .model import Artefact, Finding

MARKER = "artefact-scan:"
_DIRECTIVE = re.compile(r"artefact-scan:[ \t]*(ignore|fixme)(?:\[([^\]\n]*)\])?")


@dataclass
class Directive:
    line: int
    start: int  # offset of the directive in the text
    end: int
    ids: tuple[str, ...]
    alone: bool  # the line holds nothing but a comment with the directive


def _python_comment_lines(text: str) -> set[int] | None:
    lines: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and MARKER in tok.string:
                lines.add(tok.start[0])
    except (tokenize.TokenError, IndentationError, SyntaxError, UnicodeError):
        return None
    return lines


def directives(art: Artefact) -> list[Directive]:
    text = art.text
    if MARKER not in text:
        return []
    comment_lines = _python_comment_lines(text) if art.kind == "python" else None
    out = []
    for m in _DIRECTIVE.finditer(text):
        line, _col = art.index.position(m.start())
        if art.kind == "python" and comment_lines is not None and line not in comment_lines:
            continue
        ids = tuple(x.strip() for x in (m.group(2) or "").split(",") if x.strip())
        ls, le = art.index.line_span(line)
        before = text[ls:m.start()].strip()
        alone = before in ("#", "//", "<!--", "/*", "--", ";", "%", "*", "") or \
            (len(before) <= 4 and not any(ch.isalnum() for ch in before))
        out.append(Directive(line, m.start(), m.end(), ids, alone))
    return out


def _covers(ids: tuple[str, ...], finding: Finding) -> bool:
    for i in ids:
        if i == finding.rule_id or i == finding.category or i == finding.rule_name:
            return True
        if len(i) >= 2 and i.isupper() and finding.rule_id.startswith(i):
            return True
    return False


def apply(findings: list[Finding], art: Artefact, strict: bool) -> tuple[list[Finding], int]:
    """Drop findings covered by a directive; return the kept findings and how many were dropped."""
    if strict or not findings:
        return findings, 0
    dirs = [d for d in directives(art) if d.ids]
    if not dirs:
        return findings, 0
    by_line: dict[int, list[Directive]] = {}
    for d in dirs:
        by_line.setdefault(d.line, []).append(d)
        if d.alone:
            by_line.setdefault(d.line + 1, []).append(d)
    kept, dropped = [], 0
    for f in findings:
        ds = by_line.get(f.location.line, [])
        if f.rule_id.startswith("AS") or not any(_covers(d.ids, f) for d in ds):
            kept.append(f)
        else:
            f.suppressed = True
            dropped += 1
    return kept, dropped
