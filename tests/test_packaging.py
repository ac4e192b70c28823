"""The wheel ships every rule file, and an installed copy finds its rules from anywhere."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_wheel_contains_exactly_the_tracked_rules(tmp_path):
    tracked = subprocess.run(["git", "ls-files", "rules"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("rules not committed yet")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    if r.returncode != 0 and "hatchling" in r.stderr:
        pytest.skip("hatchling not installed in this environment")
    assert r.returncode == 0, r.stderr
    [whl] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(whl).namelist()
    shipped = sorted(n[len("artefact_scan/"):] for n in names if n.startswith("artefact_scan/rules/"))
    assert shipped == sorted(tracked)
    assert len(names) == len(set(names)), "duplicate entries in the wheel"
