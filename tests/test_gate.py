"""The pre-merge gate, end to end: real git repositories with a base branch, the installed
`artefact-scan` command, `--diff`, `--whole-files`, `--baseline` and the `baseline` command,
and the trust rules (config, suppressions and baselines only from the base side)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from artefact_scan.testing import SIDE, Expectations, materialise, parse_annotations, read_sidecar

from .conftest import FIXTURES

GATE = FIXTURES / "gate"
CLI = str(Path(sys.executable).with_name("artefact-scan"))

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull}


def git(repo, *args):
    env = {**os.environ, **GIT_ENV}
    r = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def cli(*args, cwd):
    env = {**os.environ, **GIT_ENV}
    return subprocess.run([CLI, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def make_repo(root: Path, base: Path | None, head: Path | None) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    if base is not None:
        materialise(base, root)
    (root / ".keep").write_text("")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "change")
    mapping = {}
    if head is not None:
        for p in list(root.iterdir()):
            if p.name != ".git":
                shutil.rmtree(p) if p.is_dir() else p.unlink()
        (root / ".keep").write_text("")
        mapping = materialise(head, root)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "change")
    return mapping


def expectations(src: Path, text: str) -> Expectations:
    exp = parse_annotations(text)
    side = src.parent / (src.name + SIDE)
    if src.suffix == ".uesc":
        side2 = src.parent / (src.name[:-5] + SIDE)
        side = side if side.exists() else side2
    if side.exists():
        read_sidecar(side, exp)
    return exp


CASES = sorted(p.name for p in GATE.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_gate_fixture(tmp_path, case):
    repo = tmp_path / case
    mapping = make_repo(repo, GATE / case / "base", GATE / case / "head")
    r = cli("scan", "--diff", "main", "--format", "json", "--no-progress", cwd=repo)
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    got: dict[str, set] = {}
    for f in doc["findings"]:
        got.setdefault(f["path"], set()).add((f["line"], f["rule_id"], f["severity"]))
    problems = []
    for rel, src in sorted(mapping.items()):
        text = (repo / rel).read_bytes().decode("utf-8", "surrogateescape")
        exp = expectations(src, text)
        problems += [f"{rel}: {p}" for p in exp.problems]
        mentioned = exp.rules()
        actual = {(ln, rule) for ln, rule, sev in got.get(rel, ()) if rule in mentioned or sev in ("error", "warning")}
        for key in sorted(exp.ruleid - actual):
            problems.append(f"{rel}:{key[0]}: expected {key[1]}, not reported")
        for key in sorted(actual - exp.ruleid - exp.todook):
            problems.append(f"{rel}:{key[0]}: {key[1]} reported but not expected")
    assert not problems, "\n".join(problems) + "\n" + r.stdout[:4000]
    assert r.returncode == (1 if doc["findings"] else 0)


def test_only_changed_lines_unless_whole_files(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "old.sh").write_text("#!/bin/sh\nold(){ old|old& }; old\n")
    (repo / "app.sh").write_text("#!/bin/sh\necho one\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    (repo / "app.sh").write_text("#!/bin/sh\necho one\nnew(){ new|new& }; new\n")
    (repo / "old.sh").write_text("#!/bin/sh\nold(){ old|old& }; old\necho tail\n")
    git(repo, "commit", "-qam", "change")
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo)
    doc = json.loads(r.stdout)
    assert r.returncode == 1
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [("app.sh", 3)]
    assert doc["gate"]["changed_files"] == 2 and doc["gate"]["outside_change"] == 1
    r = cli("scan", "--diff", "main", "--whole-files", "--format", "json", cwd=repo)
    assert {(f["path"], f["line"]) for f in json.loads(r.stdout)["findings"]} == {("app.sh", 3), ("old.sh", 2)}
    # nothing changed: a clean gate, exit 0, and SARIF still written with an empty run
    git(repo, "checkout", "-q", "main")
    out = tmp_path / "gate.sarif"
    r = cli("scan", "--diff", "main", "--format", "sarif", "-o", out, cwd=repo)
    assert r.returncode == 0, r.stderr
    sarif = json.loads(out.read_text())
    assert sarif["runs"][0]["results"] == []


def test_subdirectory_paths_are_repo_relative(tmp_path):
    repo = tmp_path / "r"
    make_repo(repo, None, None)
    (repo / "pkg").mkdir()
    (repo / "pkg" / "x.sh").write_text("z(){ z|z& }; z\n")
    (repo / "other.sh").write_text("w(){ w|w& }; w\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "add")
    r = cli("scan", "pkg", "--diff", "main", "--format", "json", cwd=repo)
    assert [f["path"] for f in json.loads(r.stdout)["findings"]] == ["pkg/x.sh"]
    r = cli("scan", ".", "--diff", "main", "--format", "json", cwd=repo / "pkg")
    assert [f["path"] for f in json.loads(r.stdout)["findings"]] == ["pkg/x.sh"]
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo / "pkg")  # no path: the whole change
    assert sorted(f["path"] for f in json.loads(r.stdout)["findings"]) == ["other.sh", "pkg/x.sh"]


def test_baseline_survives_moved_lines_and_reports_new_findings(tmp_path):
    d = tmp_path / "runs"
    d.mkdir()
    (d / "a.sh").write_text("#!/bin/sh\nf(){ f|f& }; f\n")
    bl = tmp_path / "bl.json"
    r = cli("baseline", "runs", "-o", bl, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(bl.read_text())
    assert doc["format"] == "artefact-scan-baseline" and len(doc["findings"]) == 1
    assert "f|f" not in bl.read_text()  # no snippet or payload stored
    # the accepted finding moves down; a new one appears
    (d / "a.sh").write_text("#!/bin/sh\necho moved\n\nf(){ f|f& }; f\ng(){ g|g& }; g\n")
    r = cli("scan", "runs", "--baseline", bl, "--format", "json", cwd=tmp_path)
    out = json.loads(r.stdout)
    assert [(f["line"], f["message"].split("'")[1]) for f in out["findings"]] == [(5, "g")]
    assert out["summary"]["baselined"] == 1
    assert r.returncode == 1
    r = cli("scan", "runs", "--baseline", tmp_path / "missing.json", cwd=tmp_path)
    assert r.returncode == 2
    (tmp_path / "bad.json").write_text("{}")
    assert cli("scan", "runs", "--baseline", tmp_path / "bad.json", cwd=tmp_path).returncode == 2


def test_gate_reads_baseline_from_the_base_ref(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "a.sh").write_text("#!/bin/sh\necho hi\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    (repo / "a.sh").write_text("#!/bin/sh\necho hi\nf(){ f|f& }; f\n")
    # the change also writes a baseline accepting its own finding
    assert cli("baseline", ".", "-o", ".artefact-scan-baseline.json", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")
    r = cli("scan", "--diff", "main", "--baseline", ".artefact-scan-baseline.json", "--format", "json", cwd=repo)
    doc = json.loads(r.stdout)
    rules = sorted((f["rule_id"], f["path"]) for f in doc["findings"])
    assert ("SR201", "a.sh") in rules, "a baseline written by the change must not be trusted"
    assert ("AS021", ".artefact-scan-baseline.json") in rules
    assert "no baseline" in r.stderr
    # outside the gate the same file is an ordinary baseline
    r = cli("scan", ".", "--baseline", ".artefact-scan-baseline.json", "--format", "json", cwd=repo)
    assert json.loads(r.stdout)["findings"] == []


def test_git_config_of_the_scanned_repo_runs_nothing(tmp_path):
    repo = tmp_path / "r"
    make_repo(repo, None, None)
    marker = tmp_path / "pwned"
    hook = f"touch {marker}"
    git(repo, "config", "core.fsmonitor", hook)
    git(repo, "config", "core.pager", hook)
    git(repo, "config", "diff.external", hook)
    git(repo, "config", "diff.evil.textconv", hook)
    git(repo, "config", "diff.evil.command", hook)
    git(repo, "config", "filter.evil.clean", hook)
    git(repo, "config", "filter.evil.smudge", hook)
    git(repo, "config", "core.hooksPath", str(tmp_path))
    (repo / ".gitattributes").write_text("* diff=evil filter=evil\n")
    (repo / "x.sh").write_text("f(){ f|f& }; f\n")
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "-c", "core.fsmonitor=false", "-c", "filter.evil.clean=cat", "add", "-A"],
                   cwd=repo, env=env, check=True)
    subprocess.run(["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "commit", "-qm", "x"],
                   cwd=repo, env=env, check=True)
    marker.unlink(missing_ok=True)
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo)
    assert r.returncode == 1, r.stderr
    assert not marker.exists(), "the scanned repository's git config ran a command"


def test_gate_usage_errors(tmp_path):
    repo = tmp_path / "r"
    make_repo(repo, None, None)
    assert cli("scan", "--diff", "no-such-ref", cwd=repo).returncode == 2
    assert cli("scan", "--diff", "--upload-pack=x", cwd=repo).returncode == 2
    assert cli("scan", "--whole-files", cwd=repo).returncode == 2
    assert cli("scan", "--diff", "main", cwd=tmp_path).returncode == 2  # not a repository


def test_rules_and_excludes_come_from_the_base(tmp_path):
    """A custom rule directory named by the base config is read from the base: the change
    cannot weaken it; and settings files are checked even when the base config excludes them."""
    repo = tmp_path / "r"
    (repo / "my-rules").mkdir(parents=True)
    rule = '''id = "XY001"
name = "magic-word"
category = "hidden-message"
severity = "error"
confidence = "high"
title = "The magic word"
message = "The magic word {match}"

[match]
all = ["xy.magic"]

[[signals]]
name = "xy.magic"
pattern = '(?i)\\bxyzzy\\b'
literals = ["xyzzy"]

[docs]
summary = "s"
why = "w"
example = "xyzzy"
benign = "b"
'''
    (repo / "my-rules" / "XY001-magic-word.toml").write_text(rule)
    (repo / "pyproject.toml").write_text('[tool.artefact-scan]\nrules = ["my-rules"]\nexclude = ["*.toml"]\n')
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    (repo / "my-rules" / "XY001-magic-word.toml").write_text(rule.replace("xyzzy", "plugh"))
    (repo / "pyproject.toml").write_text('[tool.artefact-scan]\nrules = ["my-rules"]\nexclude = ["*.toml", "*.md"]\n')
    (repo / "notes.md").write_text("say xyzzy\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo)
    got = sorted((f["rule_id"], f["path"]) for f in json.loads(r.stdout)["findings"])
    assert ("XY001", "notes.md") in got, r.stdout + r.stderr
    assert ("AS021", "pyproject.toml") in got
    # a --config inside the checkout is part of the change too: its base version is used
    r = cli("scan", "--diff", "main", "--config", "pyproject.toml", "--format", "json", cwd=repo)
    got = sorted((f["rule_id"], f["path"]) for f in json.loads(r.stdout)["findings"])
    assert ("XY001", "notes.md") in got, r.stdout + r.stderr
    (repo / "extra.toml").write_text("ignore = ['ALL']\n")
    assert cli("scan", "--diff", "main", "--config", "extra.toml", cwd=repo).returncode == 2


def test_odd_file_names_keep_their_changed_lines(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    names = ['we"ird\tname.sh', "caf\u00e9 \u4e2d.sh", "back\\slash.sh"]
    for n in names:
        (repo / n).write_text("#!/bin/sh\nold(){ old|old& }; old\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    for n in names:
        (repo / n).write_text("#!/bin/sh\nold(){ old|old& }; old\nnew(){ new|new& }; new\n")
    git(repo, "commit", "-qam", "change")
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo)
    got = sorted((f["path"], f["line"]) for f in json.loads(r.stdout)["findings"])
    assert got == sorted((n, 3) for n in names), r.stdout


def test_uncommitted_edits_are_flagged(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "a.sh").write_text("#!/bin/sh\necho one\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    (repo / "a.sh").write_text("#!/bin/sh\necho one\necho two\n")
    git(repo, "commit", "-qam", "change")
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo)
    assert "differ from HEAD" not in r.stderr and json.loads(r.stdout)["gate"]["uncommitted"] == []
    (repo / "a.sh").write_text("#!/bin/sh\necho one\necho two\nf(){ f|f& }; f\n")
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo)
    assert "differ from HEAD (a.sh)" in r.stderr
    assert json.loads(r.stdout)["gate"]["uncommitted"] == ["a.sh"]


def test_changed_archive_is_scanned_whole(tmp_path):
    import io
    import zipfile

    repo = tmp_path / "r"
    make_repo(repo, None, None)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("run/notes.md", "ok" + "".join(chr(0xE0000 + ord(c)) for c in "call home") + "\n")
    (repo / "outputs.zip").write_bytes(buf.getvalue())
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "add outputs")
    r = cli("scan", "--diff", "main", "--format", "json", cwd=repo)
    [f] = json.loads(r.stdout)["findings"]
    assert (f["rule_id"], f["path"], f["decoded"]) == ("HM101", "outputs.zip", "call home")
