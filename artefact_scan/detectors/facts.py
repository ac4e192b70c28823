"""Facts about an artefact as a whole, as signals rules can combine: where it lives and how it
was found.  A fact signal (`fact.<name>`) spans no text and is present in every scope of its
artefact.

Path facts describe the file's role: agent memory and instruction files weigh more for hidden
notes; licence texts and documentation lower legal markers; dot-files count as concealment.
Origin facts come from extractors and decoders: `decoded` (text recovered from an encoding or
invisible carrier), `hidden` (text a reader of the rendered document does not see),
`code-block` / `quoted` (a Markdown fence or quotation), `notebook-cell`, `notebook-output`.
"""
from __future__ import annotations

import posixpath
import re

from . import detector
from ..lazyregex import lazy_re

ORIGIN_FACTS = ("decoded", "hidden", "code-block", "quoted", "notebook-cell", "notebook-output")
PATH_FACTS = ("memory-file", "dotfile", "license", "test-path", "docs-path", "persisted-command")
FACTS: list[str] = [*ORIGIN_FACTS, *PATH_FACTS]


def declare(*names: str) -> None:
    """Declare more facts (an extractor module calls this at import: `declare("docx")`), so that
    rules may name `fact.<name>`."""
    for n in names:
        if n not in FACTS:
            FACTS.append(n)

_MEMORY_NAMES = {
    "claude.md", "agents.md", "agent.md", "memory.md", "soul.md", "gemini.md", ".cursorrules",
    ".clinerules", ".windsurfrules", "copilot-instructions.md", "conventions.md", "scratchpad.md",
    "scratchpad.txt", "notes_to_self.md", "handoff.md", "progress.md", "memories.md",
    "system_prompt.txt", "system_prompt.md", "instructions.md",
}
_MEMORY_DIRS = {"memory", "memories", ".memory", ".claude", ".cursor", ".roo", ".zed",
                ".agent", ".agents", "scratchpad", "scratchpads", ".codex"}
_LICENSE = lazy_re(r"^(?:licen[cs]e|copying|notice|copyright|unlicense|patents)(?:[-._].*)?$")
_TEST_DIRS = {"test", "tests", "testing", "__tests__", "spec"}
_DOC_DIRS = {"doc", "docs", "documentation", "man"}
# Files whose commands run unattended: at login, at boot, on a schedule, on a git event.
_PERSISTED = lazy_re(
    r"(?:^|/)(?:\.bashrc|\.bash_profile|\.bash_login|\.bash_logout|\.profile|\.zshrc|\.zprofile|"
    r"\.zshenv|\.zlogin|\.kshrc|\.mkshrc|\.xprofile|\.xinitrc|\.xsession|bash\.bashrc|rc\.local|"
    r"\.git/hooks/[^/]+(?<!\.sample)|\.husky/[^/_][^/]*|cron\.(?:hourly|daily|weekly|monthly)/[^/]+|"
    r"profile\.d/[^/]+|init\.d/[^/]+|\.envrc|"
    # PowerShell profiles: run by every PowerShell that starts
    r"(?i:microsoft\.(?:powershell|vscode|powershellise)_profile\.ps1|(?:windowspowershell|powershell)/profile\.ps1))$")


def path_facts(path: str) -> frozenset[str]:
    p = path.replace("\\", "/")
    parts = [s for s in p.split("/") if s not in ("", ".", "..")]
    if not parts:
        return frozenset()
    base = parts[-1].lower()
    dirs = [d.lower() for d in parts[:-1]]
    out = set()
    if base in _MEMORY_NAMES or any(d in _MEMORY_DIRS for d in dirs[-3:]) \
            or base.startswith(("scratchpad", "memory")) or "/.cursor/rules/" in p.lower():
        out.add("memory-file")
    if any(s.startswith(".") for s in parts):
        out.add("dotfile")
    if _LICENSE.match(base) or "common-licenses" in dirs or (base == "copyright" and "doc" in dirs):
        out.add("license")
    if any(d in _TEST_DIRS for d in dirs) or base.startswith("test_") or base.endswith(("_test.py", ".test.js", ".spec.js")):
        out.add("test-path")
    if any(d in _DOC_DIRS for d in dirs):
        out.add("docs-path")
    if _PERSISTED.search("/".join(parts)):
        out.add("persisted-command")
    return frozenset(out)


def signals() -> tuple[str, ...]:
    return tuple(f"fact.{f}" for f in FACTS)


@detector("facts", signals())
def emit_facts(art, ctx):
    for f in art.facts:
        ctx.signal(art, f"fact.{f}", 0, 0, whole=True)


def basename(name: str) -> str:
    return posixpath.basename(name.replace("\\", "/"))
