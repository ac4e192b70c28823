"""Shared test helpers: the shipped rules, and running the installed CLI as a user would."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import os

import pytest
from hypothesis import settings

# Property tests run a fixed sequence of examples by default, so a test run (and CI) cannot
# fail on a draw it never saw before; HYPOTHESIS_PROFILE=explore draws new examples.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

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
