"""Artefact kinds: what a piece of text is, from its name and, failing that, its content.

Kinds are plain strings so rules can name them: python, shell, javascript, powershell,
markdown, html, text, json, jsonl, notebook, yaml, toml, ini, xml, csv, crontab, systemd, pth,
docx, pdf, rtf, zip, tar, gzip, eml, binary.  Sandbox output often lacks extensions, so shebangs
(`#!/usr/bin/env pwsh` included) and a few content shapes are sniffed (pyflakes does the same for
Python scripts).
"""
from __future__ import annotations

import posixpath
import re

EXTENSIONS = {
    ".py": "python", ".pyw": "python", ".pyi": "python",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ksh": "shell", ".command": "shell",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "javascript", ".tsx": "javascript", ".mts": "javascript", ".cts": "javascript",
    ".md": "markdown", ".markdown": "markdown", ".mdx": "markdown", ".mdc": "markdown",
    ".rst": "text", ".txt": "text", ".text": "text", ".log": "text", ".adoc": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".svg": "xml", ".xml": "xml",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".ipynb": "notebook",
    ".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".ini": "ini", ".cfg": "ini",
    ".conf": "ini", ".reg": "ini", ".csv": "csv", ".tsv": "csv",
    ".service": "systemd", ".timer": "systemd", ".socket": "systemd", ".path": "systemd",
    ".ps1": "powershell", ".psm1": "powershell", ".psd1": "powershell",
    ".pth": "pth", ".desktop": "ini", ".plist": "xml", ".cron": "crontab", ".crontab": "crontab",
    ".docx": "docx", ".docm": "docx", ".dotx": "docx", ".pdf": "pdf", ".eml": "eml", ".rtf": "rtf",
    ".zip": "zip", ".whl": "zip", ".jar": "zip", ".tar": "tar", ".tgz": "tar",
    ".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".dockerfile": "shell", ".containerfile": "shell",
}
NAMES = {
    "crontab": "crontab", "cron": "crontab", "dockerfile": "shell", "containerfile": "shell", "makefile": "text",
    ".bashrc": "shell", ".bash_profile": "shell", ".profile": "shell", ".zshrc": "shell",
    ".zprofile": "shell", ".bash_login": "shell", ".envrc": "shell", "rc.local": "shell",
    ".bash_history": "shell", ".zsh_history": "shell", ".sh_history": "shell",  # commands run
    "authorized_keys": "text", "known_hosts": "text", ".cursorrules": "markdown",
    ".clinerules": "markdown", ".windsurfrules": "markdown", "license": "text",
    "copying": "text", "notice": "text", "readme": "text", "authors": "text",
}
_SHEBANG = re.compile(r"^#![^\n]*?\b(python[0-9.]*|(?:ba|z|k|da)?sh|node|deno|bun|pwsh(?:-preview)?|powershell)\b")
# Kinds whose content is text that the text-level rules read.
TEXT_KINDS = frozenset({
    "python", "shell", "javascript", "markdown", "html", "text", "json", "jsonl", "notebook",
    "yaml", "toml", "ini", "xml", "csv", "crontab", "systemd", "pth", "strings", "eml", "powershell",
})
CODE_KINDS = frozenset({"python", "shell", "javascript"})
CONTAINER_KINDS = frozenset({"docx", "pdf", "zip", "tar", "gzip", "bzip2", "xz", "eml"})
# Language names used in Markdown fences and notebooks → kind.
LANGUAGES = {
    "python": "python", "py": "python", "python3": "python", "ipython": "python",
    "ipython3": "python", "pycon": "python",
    "bash": "shell", "sh": "shell", "shell": "shell", "zsh": "shell", "console": "shell",
    "shell-session": "shell", "ksh": "shell",
    "javascript": "javascript", "js": "javascript", "node": "javascript", "typescript":
    "javascript", "ts": "javascript", "jsx": "javascript", "tsx": "javascript",
    "html": "html", "xml": "xml", "json": "json", "jsonl": "jsonl", "yaml": "yaml",
    "yml": "yaml", "toml": "toml", "ini": "ini", "markdown": "markdown", "md": "markdown",
    "text": "text", "txt": "text", "plain": "text", "crontab": "crontab", "cron": "crontab",
    "systemd": "systemd",
    "powershell": "powershell", "pwsh": "powershell", "ps1": "powershell", "posh": "powershell",
    "ps": "powershell",
}


def kind_from_name(name: str) -> str | None:
    base = posixpath.basename(name.replace("\\", "/")).lower()
    if base in NAMES:
        return NAMES[base]
    stem, ext = posixpath.splitext(base)
    if ext in (".gz", ".bz2", ".xz") and stem.endswith(".tar"):
        return "tar"
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    parts = name.replace("\\", "/").lower().split("/")
    if len(parts) >= 2 and parts[-2] in ("cron.d", "crontabs"):
        return "crontab"
    if len(parts) >= 2 and parts[-2] in ("cron.daily", "cron.hourly", "cron.weekly", "cron.monthly"):
        return "shell"  # scripts run by run-parts, not crontab lines
    if len(parts) >= 2 and parts[-2] == "hooks" and ".git" in parts:
        return "shell"
    if stem in NAMES:
        return NAMES[stem]
    return None


def kind_from_content(head: str) -> str:
    m = _SHEBANG.match(head)
    if m:
        interp = m.group(1)
        if interp.startswith("python"):
            return "python"
        if interp in ("node", "deno", "bun"):
            return "javascript"
        if interp.startswith(("pwsh", "powershell")):
            return "powershell"
        return "shell"
    stripped = head.lstrip()[:200].lower()
    if stripped.startswith(("<!doctype html", "<html")):
        return "html"
    if stripped.startswith("<?xml"):
        return "xml"
    if stripped.startswith("{\\rtf"):
        return "rtf"
    if stripped.startswith("{") or stripped.startswith("["):
        first = stripped.split("\n", 1)[0].rstrip()
        if first.startswith("{") and first.endswith("}") and "\n{" in head:
            return "jsonl"
        return "json"
    if stripped.startswith("from:") or stripped.startswith("return-path:"):
        return "eml"
    return "text"


def kind_of(name: str, head: str) -> str:
    return kind_from_name(name) or kind_from_content(head)


def kind_from_magic(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        # an OOXML package names its parts in the local headers: a Word document without
        # its extension is still read as one
        if b"[Content_Types].xml" in head and b"word/" in head:
            return "docx"
        return "zip"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    return None
