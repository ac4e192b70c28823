"""The README's rule catalogue is generated from the rules and must be current."""
from __future__ import annotations

from artefact_scan.docs import readme_with_catalogue

from .conftest import ROOT


def test_readme_catalogue_is_current(ruleset):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_catalogue(readme, ruleset.rules.values()), \
        "README rule catalogue is stale: run `python -m artefact_scan.docs README.md`"
