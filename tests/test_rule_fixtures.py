"""The one generic rule test: every annotated fixture file under fixtures/rules must produce
exactly the (line, rule) pairs it declares; every rule must have fixtures that fire and
look-alikes that must not."""
from __future__ import annotations

from pathlib import Path

import pytest

from artefact_scan.testing import SIDE, check_tree, parse_annotations, read_sidecar, unescape

from .conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "rules"


@pytest.fixture(scope="module")
def reports(ruleset):
    return {r.path: r for r in check_tree(RULE_FIXTURES, ruleset, jobs=2)}


def _fixture_files():
    return sorted(str(p.relative_to(FIXTURES)) for p in RULE_FIXTURES.rglob("*")
                  if p.is_file() and not p.name.endswith(SIDE))


@pytest.mark.parametrize("path", _fixture_files())
def test_fixture(reports, path):
    rep = reports[path]
    assert rep.ok, "\n" + rep.explain()


def test_every_rule_has_firing_and_quiet_fixtures(ruleset):
    fire, quiet = set(), set()
    # rules that only the pre-merge gate emits are fixture-tested by tests/test_gate.py
    gate_fixtures = [p for p in (FIXTURES / "gate").rglob("*") if "head" in p.relative_to(FIXTURES / "gate").parts[1:2]]
    for p in [*RULE_FIXTURES.rglob("*"), *gate_fixtures]:
        if not p.is_file() or p.name.endswith(SIDE):
            continue
        raw = p.read_bytes()
        if b"\x00" in raw[:4096]:
            exp = parse_annotations("")
        else:
            text = raw.decode("utf-8", "surrogateescape")
            exp = parse_annotations(unescape(text) if p.suffix == ".uesc" else text)
        side = p.parent / (p.name + SIDE)
        if p.suffix == ".uesc" and not side.exists():
            side = p.parent / (p.name[:-5] + SIDE)
        if side.exists():
            read_sidecar(side, exp)
        fire |= {r for _, r in exp.ruleid}
        quiet |= {r for _, r in exp.ok}
    rules = set(ruleset.rules)
    assert not (rules - fire), f"rules without a fixture that must fire: {sorted(rules - fire)}"
    assert not (rules - quiet), f"rules without a look-alike that must stay quiet: {sorted(rules - quiet)}"
    unknown = (fire | quiet) - rules
    assert not unknown, f"annotations name unknown rules: {sorted(unknown)}"


def test_harness_reports_a_wrong_line(tmp_path, ruleset):
    """The harness itself must fail when a finding lands on another line (Bandit's weakness)."""
    d = tmp_path / "fx"
    d.mkdir()
    (d / "x.sh").write_text("# ruleid: SR201\necho fine\n:(){ :|:& };:\n")
    [rep] = check_tree(d, ruleset)
    assert not rep.ok
    assert (2, "SR201") in rep.missing
    assert any(u[:2] == (3, "SR201") for u in rep.unexpected)


def test_harness_rejects_malformed_annotation(tmp_path, ruleset):
    d = tmp_path / "fx"
    d.mkdir()
    (d / "x.sh").write_text("echo hi  # ruleid: SR201\n")
    [rep] = check_tree(d, ruleset)
    assert rep.expected.problems
