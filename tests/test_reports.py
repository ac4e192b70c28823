"""Reports: escaping of untrusted text, GitHub annotations, SARIF, configuration."""
from __future__ import annotations

import json

from artefact_scan import scan
from artefact_scan.escape import visible
from artefact_scan.reports import render

from .conftest import run_cli
from .sarif_check import check_sarif


def test_visible_shows_invisibles_and_neutralises_escapes():
    assert visible("a\u202eb") == "a\u27e8U+202E\u27e9b"
    assert visible("\x1b[2J") == "\u27e8U+001B\u27e9[2J"
    assert visible("x\u200by\U000E0041") == "x\u27e8U+200B\u27e9y\u27e8U+E0041\u27e9"
    assert visible("ok \udcff") == "ok \u27e80xFF\u27e9"
    assert visible("caf\u00e9 \u4e2d\u6587") == "caf\u00e9 \u4e2d\u6587"
    assert visible("\u3164") == "\u27e8U+3164\u27e9"


def test_text_report_never_passes_terminal_escapes(tmp_path):
    name = tmp_path / "evil\x1b[31mname.sh"
    name.write_text("echo '\x1b]0;pwned\x07'\n:(){ :|:& };:\n")
    res = scan([tmp_path])
    out = render("text", res)
    assert "\x1b" not in out and "\x07" not in out
    assert "\u27e8U+001B\u27e9" in out


def test_github_annotations_escape_and_cannot_inject(tmp_path):
    f = tmp_path / "a,b:c.sh"
    f.write_text(":(){ :|:& };:\n")
    res = scan([f])
    out = render("github", res)
    line = out.splitlines()[0]
    assert line.startswith("::error file=")
    assert "a%2Cb%3Ac.sh" in line
    for ln in out.splitlines():
        assert not ln.startswith("::") or ln.startswith(("::error ", "::warning ", "::notice "))


def test_sarif_empty_run_is_still_written(tmp_path):
    (tmp_path / "clean.txt").write_text("nothing here\n")
    out = tmp_path / "r.sarif"
    r = run_cli("scan", tmp_path / "clean.txt", "--format", "sarif", "-o", out, cwd=tmp_path)
    assert r.returncode == 0
    doc = json.loads(out.read_text())
    check_sarif(doc)
    assert doc["runs"][0]["results"] == []


def test_config_from_pyproject_in_cwd_not_from_scanned_tree(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[tool.artefact-scan]\nignore = ["SR201"]\n')
    target = tmp_path / "sandbox"
    target.mkdir()
    (target / "pyproject.toml").write_text('[tool.artefact-scan]\nignore = ["ALL"]\n')
    (target / "x.sh").write_text(":(){ :|:& };:\n")
    # the tree's own config is not trusted
    r = run_cli("scan", target, "--format", "json", cwd=tmp_path)
    assert [f["rule_id"] for f in json.loads(r.stdout)["findings"]] == ["SR201"]
    # the invoking directory's config is
    r = run_cli("scan", target, "--format", "json", cwd=repo)
    assert json.loads(r.stdout)["findings"] == []
    (repo / "pyproject.toml").write_text('[tool.artefact-scan]\nbogus = 1\n')
    r = run_cli("scan", target, cwd=repo)
    assert r.returncode == 2 and "bogus" in r.stderr


def test_output_file_and_jobs(tmp_path):
    for i in range(6):
        (tmp_path / f"f{i}.sh").write_text(":(){ :|:& };:\n" * (i + 1))
    one = run_cli("scan", tmp_path, "--format", "json", "-j", "1", cwd=tmp_path)
    two = run_cli("scan", tmp_path, "--format", "json", "-j", "2", cwd=tmp_path)
    a, b = json.loads(one.stdout), json.loads(two.stdout)
    assert a["findings"] == b["findings"] and len(a["findings"]) == 21
