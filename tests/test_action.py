"""The composite GitHub Action (`action.yml`): its structure, that inputs never reach a shell
script's text (no script injection), and its scan step run for real in a git repository with a
base branch, the way the runner runs it (bash, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .sarif_check import check_sarif

yaml = pytest.importorskip("yaml")  # comes with pre-commit in the test extra

ACTION = ROOT / "action.yml"
BIN = str(Path(sys.executable).parent)
ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def step(name: str) -> dict:
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def test_action_structure():
    a = action()
    assert a["runs"]["using"] == "composite"
    steps = a["runs"]["steps"]
    for s in steps:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], f"step {s['name']!r} splices an expression into its script"
    upload = step("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"]
    assert set(a["inputs"]) >= {"base", "paths", "fail-on", "baseline", "sarif-file", "upload-sarif"}
    assert a["outputs"]["exit-code"]["value"] == "${{ steps.scan.outputs.exit-code }}"


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash")
def test_scan_step_runs_like_the_runner(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, **ENV}
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, env=env, check=True, capture_output=True)  # noqa: E731
    (repo / "README.md").write_text("# Project\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "feature")
    (repo / "tools").mkdir()
    (repo / "tools" / "load.sh").write_text("#!/bin/sh\nhammer(){ hammer|hammer& }; hammer\n")
    git("add", "-A")
    git("commit", "-qm", "change")
    out_file, summary = tmp_path / "out.txt", tmp_path / "summary.md"
    out_file.write_text("")
    script = step("Scan the change")["run"]
    run_env = {**env, "PATH": BIN + os.pathsep + env.get("PATH", ""), "GITHUB_OUTPUT": str(out_file),
               "GITHUB_STEP_SUMMARY": str(summary), "AS_BASE": "main", "AS_PATHS": "", "AS_FAIL_ON": "warning",
               "AS_WHOLE_FILES": "false", "AS_BASELINE": "", "AS_ARGS": "--select self-replication",
               "AS_SARIF": "artefact-scan.sarif"}
    r = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=run_env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "exit-code=1" in out_file.read_text()
    assert r.stdout.startswith("::error file=tools/load.sh,line=2")
    assert "## artefact-scan: 1 errors" in summary.read_text()
    sarif = json.loads((repo / "artefact-scan.sarif").read_text())
    check_sarif(sarif)
    [res] = sarif["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tools/load.sh"
    assert "primaryLocationLineHash" in res["partialFingerprints"]
    # the last step turns the exit code into the check's result
    gate = step("Pass or fail the check")["run"]
    for code, want in (("0", 0), ("1", 1), ("2", 2), ("", 2)):
        assert subprocess.run(["bash", "-e", "-c", gate], env={**env, "AS_CODE": code},
                              capture_output=True).returncode == want
