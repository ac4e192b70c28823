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


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_fresh_venv_install_scans_the_demo_from_another_directory(tmp_path):
    """What the README's first command promises: `pip install .` (not editable) in a fresh venv,
    then `artefact-scan scan` from elsewhere finds every rule and exits 1 on the demo."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = venv / "bin" / "pip"
    r = subprocess.run([str(pip), "install", "-q", str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = venv / "bin" / "artefact-scan"
    listed = subprocess.run([str(exe), "rules", "--format", "json"], cwd=elsewhere, capture_output=True, text=True)
    import json

    shipped = {p.stem.split("-")[0] for p in (ROOT / "rules").rglob("*.toml") if p.stem[:2].isupper()}
    assert {r["id"] for r in json.loads(listed.stdout)} == shipped
    r = subprocess.run([str(exe), "scan", str(ROOT / "fixtures" / "demo-sandbox"), "--format", "json"],
                       cwd=elsewhere, capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    cats = {f["category"] for f in json.loads(r.stdout)["findings"]}
    assert cats == {"self-replication", "legal-forgery", "hidden-message"}
