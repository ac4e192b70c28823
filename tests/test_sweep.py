"""Sandbox sweeps: per-run summaries (`--group-by`), the markdown step summary, GitHub
annotation limits, SARIF paths and line hashes, extra reports, the library API, and the sweep
benchmark over many run folders with its progress bar on a terminal."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import artefact_scan
from artefact_scan.reports import render
from artefact_scan.reports.groups import Grouper, parse_group_by

from .conftest import FIXTURES, ROOT
from .sarif_check import check_sarif

CLI = str(Path(sys.executable).with_name("artefact-scan"))
DEMO = FIXTURES / "demo-sandbox"
BOMB = "#!/bin/sh\nf(){ f|f& }; f\n"


def cli(*args, cwd):
    return subprocess.run([CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_group_keys():
    g = Grouper(["runs"], "1")
    assert g.key("runs/run-7/a/b.py") == "runs/run-7"
    assert g.key("runs/top.txt") == "runs"
    assert Grouper(["."], "1").key("run-7/x.md") == "run-7"
    assert Grouper(["."], "1").key("x.md") == "."
    assert Grouper(["runs"], "2").key("runs/2026/run-7/x.md") == "runs/2026/run-7"
    assert Grouper(["runs/a", "runs/b"], "root").key("runs/b/x/y.md") == "runs/b"
    assert parse_group_by("top") == "1" and parse_group_by("none") is None
    for bad in ("0", "x", "99"):
        try:
            parse_group_by(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def sweep(tmp_path) -> Path:
    runs = tmp_path / "runs"
    for i in range(1, 6):
        d = runs / f"run-{i}"
        d.mkdir(parents=True)
        (d / "notes.md").write_text(f"# Run {i}\n\nok\n")
    (runs / "run-2" / "bomb.sh").write_text(BOMB)
    (runs / "run-4" / "deep").mkdir()
    (runs / "run-4" / "deep" / "b.sh").write_text(BOMB.replace("f", "g"))
    return runs


def test_group_by_in_text_and_json(tmp_path):
    runs = sweep(tmp_path)
    r = cli("scan", runs, "--group-by", "top", "--format", "json", cwd=tmp_path)
    doc = json.loads(r.stdout)
    groups = {g["name"]: g for g in doc["groups"]["groups"]}
    assert doc["groups"]["by"] == "top"
    assert set(groups) == {str(runs / f"run-{i}") for i in range(1, 6)}
    flagged = sorted(n for n, g in groups.items() if g["findings"]["error"])
    assert [n.rsplit("/", 1)[1] for n in flagged] == ["run-2", "run-4"]
    assert sum(g["files"] for g in groups.values()) == doc["summary"]["files"] == 7
    r = cli("scan", "runs", "--group-by", "top", "--no-color", cwd=tmp_path)
    assert "Per run: 5 in all, 2 with findings or errors" in r.stdout
    assert "runs/run-2" in r.stdout and "3 without findings" in r.stdout
    assert cli("scan", runs, "--group-by", "sideways", cwd=tmp_path).returncode == 2


def test_extra_reports_in_one_run(tmp_path):
    runs = sweep(tmp_path)
    r = cli("scan", "runs", "--format", "github", "--report", f"sarif:{tmp_path / 'out.sarif'}",
            "--report", f"markdown:{tmp_path / 'summary.md'}", "--report", f"html:{tmp_path / 'r.html'}",
            "--group-by", "top", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stdout.startswith("::error file=runs/run-")
    check_sarif(json.loads((tmp_path / "out.sarif").read_text()))
    md = (tmp_path / "summary.md").read_text()
    assert md.startswith("## artefact-scan: 2 errors") and "| runs/run-2 |" in md
    assert "<!DOCTYPE html>" in (tmp_path / "r.html").read_text()
    assert cli("scan", runs, "--report", "pdf:x.pdf", cwd=tmp_path).returncode == 2
    del runs


def test_markdown_cannot_inject(tmp_path):
    f = tmp_path / "x|<script>@admin [a](http:__x).sh"
    f.write_text(BOMB)
    md = render("markdown", artefact_scan.scan([f]))
    assert "<script>" not in md and "@admin" not in md and "](http" not in md
    assert "x\\|&lt;script&gt;&#64;admin \\[a\\]\\(http&#58;\\_\\_x\\).sh" in md


def test_github_annotations_stay_within_limits(tmp_path):
    for i in range(14):
        (tmp_path / f"b{i:02d}.sh").write_text(BOMB.replace("f", f"f{i}"))
    res = artefact_scan.scan([tmp_path])
    from artefact_scan.model import ScanError

    res.errors = [ScanError(f"p{i}", "could not be read") for i in range(12)]
    out = render("github", res).splitlines()
    levels = [ln.split(" ", 1)[0] for ln in out if ln.startswith("::")]
    assert levels.count("::error") == 10
    assert levels.count("::warning") == 10
    assert levels.count("::notice") <= 10
    assert any("more findings or files not fully analysed are not annotated" in ln and ln.count("::") == 2 and ":: 6 more" not in ln and "6 more" in ln for ln in out)


def test_sarif_paths_are_relative_to_the_repository_and_carry_line_hashes(tmp_path):
    from artefact_scan.reports.sarif import line_hashes

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)  # a work tree marker; git is not run
    (repo / "sub").mkdir()
    (repo / "sub" / "x.sh").write_text("#!/bin/sh\n\n  f(){ f|f& }; f\n")
    out = tmp_path / "x.sarif"
    r = cli("scan", ".", "--format", "sarif", "-o", out, cwd=repo / "sub")
    doc = json.loads(out.read_text())
    check_sarif(doc)
    [res] = doc["runs"][0]["results"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "sub/x.sh", "uriBaseId": "%SRCROOT%"}
    assert res["partialFingerprints"]["primaryLocationLineHash"] == \
        line_hashes((repo / "sub" / "x.sh").read_text())[3]
    assert r.returncode == 1


def test_line_hash_matches_the_upload_action():
    """Values published with the algorithm's own tests (codeql-action src/fingerprints.test.ts)."""
    from artefact_scan.reports.sarif import line_hashes

    assert line_hashes("") == {1: "c129715d7a2bc9a3:1"}
    assert line_hashes(" a\nb\n  \t\tc\n d") == {1: "271789c17abda88f:1", 2: "54703d4cd895b18:1",
                                                  3: "180aee12dab6264:1", 4: "a23a3dc5e078b07b:1"}
    crlf = line_hashes(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n")
    assert crlf == line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n")
    assert crlf[1] == "e9496ae3ebfced30:1" and crlf[7] == "c129715d7a2bc9a3:1"
    rep = line_hashes("Lorem ipsum dolor sit amet.\n" * 10)
    assert rep[6] == "a7f2ff13bc495cf2:6" and rep[7] == "a7f2ff1481e87703:1"


def test_library_api_returns_the_cli_findings(tmp_path):
    res = artefact_scan.scan([DEMO])
    r = cli("scan", DEMO, "--format", "json", cwd=tmp_path)
    doc = json.loads(r.stdout)
    key = lambda d: (d["rule_id"], d["path"], d["line"], d["column"], d["fingerprint"])  # noqa: E731
    from artefact_scan.reports.json_report import finding_dict

    assert sorted(key(finding_dict(f)) for f in res.findings) == sorted(key(f) for f in doc["findings"])
    assert any(f.severity == "error" for f in res.findings)


def test_sweep_of_many_runs_has_a_summary_and_a_progress_bar():
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "sweep.py"), "--runs", "1000", "--json"],
                       capture_output=True, text=True, timeout=600)
    fig = json.loads(r.stdout)
    assert fig["ok"], fig
    assert fig["runs_in_summary"] == 1000 and fig["progress_bar"]


def test_readme_library_example_fails_an_episode_on_an_error_finding(tmp_path, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Library API", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    ns: dict = {}
    exec(compile(code, "README.md (Library API)", "exec"), ns)  # our own documentation, not scanned content
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "notes.md").write_text("# Notes\n\nAll fine.\n")
    ns["check_episode"](str(clean))
    report = tmp_path / "episode.html"
    try:
        ns["check_episode"](str(DEMO), str(report))
    except ns["EpisodeFailed"] as e:
        assert "error findings" in str(e)
    else:
        raise AssertionError("the demo sandbox must fail the episode")
    assert "decoded: Note to my next instance" in capsys.readouterr().out
    assert report.read_text().startswith("<!DOCTYPE html>")


def test_sarif_keeps_the_most_severe_results_within_the_limit(tmp_path, monkeypatch):
    from artefact_scan.reports import sarif

    for i in range(3):
        (tmp_path / f"b{i}.sh").write_text(BOMB.replace("f", f"f{i}"))
    res = artefact_scan.scan([tmp_path])
    res.findings[1].severity = "warning"
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    doc = json.loads(render("sarif", res))
    run = doc["runs"][0]
    assert [r["level"] for r in run["results"]] == ["error", "error"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("1 less severe results" in n["message"]["text"] for n in notes)
