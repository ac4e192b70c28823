"""The project's own sources and rules hold no raw invisible characters: rule tables are written
with escapes, so that reading the code shows exactly what it matches."""
from __future__ import annotations

from pathlib import Path

from artefact_scan.escape import is_invisible

from .conftest import ROOT


def test_no_raw_invisible_characters_in_sources_and_rules():
    bad = []
    for top in ("artefact_scan", "rules", "tests", "bench"):
        for p in (ROOT / top).rglob("*"):
            if p.suffix not in (".py", ".toml", ".md", ".txt", ".json") or not p.is_file():
                continue
            text = p.read_text(encoding="utf-8")
            for i, line in enumerate(text.splitlines(), 1):
                chars = {f"U+{ord(c):04X}" for c in line if c not in "\t" and is_invisible(c)}
                if chars:
                    bad.append(f"{p.relative_to(ROOT)}:{i}: {sorted(chars)}")
    assert not bad, "raw invisible characters (write them as escapes):\n" + "\n".join(bad)
