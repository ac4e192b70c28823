"""Shared test helpers: the shipped rules, and running the installed CLI as a user would."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def ruleset():
    from artefact_scan import load_rules

    return load_rules()


def run_cli(*args, cwd=None, input=None):
    """Run `python -m artefact_scan ARGS`; return the CompletedProcess (text mode)."""
    return subprocess.run([sys.executable, "-m", "artefact_scan", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, input=input, timeout=300)
