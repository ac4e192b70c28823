"""The shipped demo sandbox, scanned the way a user would: through the CLI."""
from __future__ import annotations

import json

from .conftest import FIXTURES, run_cli
from .sarif_check import check_sarif

DEMO = FIXTURES / "demo-sandbox"
CONTRACT = {"rule_id", "category", "severity", "confidence", "path", "line", "column", "end_line",
            "end_column", "message", "snippet", "decoded", "origin", "fingerprint"}


def test_text_report_finds_every_category_and_exits_1(tmp_path):
    r = run_cli("scan", DEMO, "--no-color", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    for cat in ("self-replication", "legal-forgery", "hidden-message"):
        assert f"[{cat}] error" in r.stdout
    assert "decoded: Note to my next instance" in r.stdout
    assert "\x1b" not in r.stdout


def test_json_contract(tmp_path):
    r = run_cli("scan", DEMO, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["tool"]["name"] == "artefact-scan"
    assert set(doc) >= {"tool", "findings", "errors", "summary"}
    s = doc["summary"]
    assert set(s) >= {"files", "bytes", "findings", "suppressed", "seconds"}
    assert set(s["findings"]) == {"error", "warning", "note"}
    assert s["files"] == 9
    got = {(f["rule_id"], f["path"].split("demo-sandbox/")[1], f["line"]) for f in doc["findings"]}
    # the decoded tag-character note is judged again for what it says (HM401)
    assert got == {("HM101", "README.md", 14), ("HM401", "README.md", 14),
                   ("SR201", "scripts/stress_test.sh", 12), ("LF101", "docs/affidavit_of_service.md", 18)}
    for f in doc["findings"]:
        assert CONTRACT <= set(f)
        assert f["category"] in ("self-replication", "legal-forgery", "hidden-message")
        assert f["severity"] in ("error", "warning", "note")
        assert f["confidence"] in ("high", "medium", "low")
        assert f["line"] >= 1 and f["column"] >= 1
        assert (f["end_line"], f["end_column"]) >= (f["line"], f["column"])
        assert f["origin"][0] == f["path"]
        assert len(f["fingerprint"]) == 32
    hm = next(f for f in doc["findings"] if f["rule_id"] == "HM101")
    assert hm["decoded"].startswith("Note to my next instance: continue the plan")
    assert "\U000E0043" not in r.stdout  # never re-emits the carrier itself


def test_sarif_is_valid(tmp_path):
    out = tmp_path / "demo.sarif"
    r = run_cli("scan", DEMO, "--format", "sarif", "-o", out, cwd=tmp_path)
    assert r.returncode == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    check_sarif(doc)
    assert {res["ruleId"] for res in doc["runs"][0]["results"]} == {"HM101", "HM401", "SR201", "LF101"}


def test_fail_on_and_select(tmp_path):
    assert run_cli("scan", DEMO, "--fail-on", "never", cwd=tmp_path).returncode == 0
    r = run_cli("scan", DEMO, "--select", "legal-forgery", "--format", "json", cwd=tmp_path)
    assert {f["rule_id"] for f in json.loads(r.stdout)["findings"]} == {"LF101"}
    r = run_cli("scan", DEMO, "--ignore", "HM,SR", "--format", "json", cwd=tmp_path)
    assert {f["rule_id"] for f in json.loads(r.stdout)["findings"]} == {"LF101"}


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("scan", tmp_path / "missing", cwd=tmp_path).returncode == 2
    assert run_cli("scan", DEMO, "--format", "nope", cwd=tmp_path).returncode == 2
    assert run_cli("explain", "XX999", cwd=tmp_path).returncode == 2


def test_rules_and_explain(tmp_path):
    r = run_cli("rules", cwd=tmp_path)
    assert r.returncode == 0 and "HM101" in r.stdout and "SR201" in r.stdout
    r = run_cli("explain", "LF101", cwd=tmp_path)
    assert r.returncode == 0
    for section in ("What it finds", "Why it matters", "Example", "Look-alikes"):
        assert section in r.stdout
