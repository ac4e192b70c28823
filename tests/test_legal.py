"""Legal-forgery pack: the slot vocabulary (dates, names, placeholders), optional parts in
rules (`at_least = 0`), and behaviour the line-based fixtures cannot express."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from artefact_scan import scan
from artefact_scan.engine import known_signals
from artefact_scan.legal.text import find_dates, is_placeholder, name_in
from artefact_scan.ruleset import RuleError, load_dirs


def test_dates_keep_day_month_ambiguity():
    [d] = find_dates("expires 03/04/2025.")
    assert (d.lo, d.hi) == (dt.date(2025, 3, 4), dt.date(2025, 4, 3))
    [d] = find_dates("this 4th day of March, 2025, by")
    assert d.lo == d.hi == dt.date(2025, 3, 4)
    [d] = find_dates("APR 08 2025")
    assert d.lo == dt.date(2025, 4, 8)
    [d] = find_dates("on 2 January 2025")
    assert d.lo == dt.date(2025, 1, 2)
    assert find_dates("version 1.2.10 of 3.11.7") == []


@pytest.mark.parametrize("value", ["____", "[NAME]", "[\u25cf]", "{{ signer }}", "<<Party>>",
                                   "XX/XX/XXXX", "this ____ day of ______, 20__", "John Doe",
                                   "(signature)", "N/A", ""])
def test_placeholders(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("text,name", [
    ("Robert Miles, Notary Public", "Robert Miles"),
    ("HON. MARGARET T. ALVAREZ, J.S.C.", "MARGARET T. ALVAREZ"),
    ("Daniel Brooks.", "Daniel Brooks"),
    ("Jos\u00e9 N\u00fa\u00f1ez de la Cruz", "Jos\u00e9 N\u00fa\u00f1ez de la Cruz"),
    ("Notary Public, State of Ohio", None),
    ("United States District Judge", None),
    ("John Doe", None),
])
def test_names(text, name):
    assert name_in(text) == name


RULE = """
id = "XX002"
name = "optional-parts"
category = "legal-forgery"
severity = "error"
confidence = "high"
title = "t"
message = "m"
[match]
all = ["x.main"]
any = ["x.extra"]
at_least = {at_least}
scope = "window"
window = 3
[[signals]]
name = "x.main"
pattern = 'MAIN'
[[signals]]
name = "x.extra"
pattern = 'EXTRA'
[docs]
summary = "s"
why = "w"
example = "e"
benign = "b"
"""


def test_at_least_zero_lists_optional_parts(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "r.toml").write_text(textwrap.dedent(RULE.format(at_least=0)))
    rs = load_dirs([d], known_signals())
    (tmp_path / "a.txt").write_text("MAIN\nEXTRA\n\n\n\n\n\nMAIN alone\n")
    res = scan([tmp_path / "a.txt"], rules=rs)
    got = sorted((f.location.line, [r.label.split(":")[0] for r in f.related]) for f in res.findings)
    assert got == [(1, ["x.extra"]), (8, [])]


def test_at_least_zero_needs_all(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "r.toml").write_text(textwrap.dedent(RULE.format(at_least=0)).replace('all = ["x.main"]\n', ""))
    with pytest.raises(RuleError, match="match.at_least"):
        load_dirs([d], known_signals())


def test_future_date_follows_the_pinned_scan_date(tmp_path, monkeypatch):
    p = tmp_path / "order.txt"
    p.write_text("SO ORDERED this 3rd day of March, 2030.\n\nAda Stone\nUnited States District Judge\n")
    monkeypatch.setenv("ARTEFACT_SCAN_TODAY", "2031-01-01")
    assert {f.rule_id for f in scan([p], select=["LF"]).findings} == {"LF104"}
    monkeypatch.setenv("ARTEFACT_SCAN_TODAY", "2029-01-01")
    assert {f.rule_id for f in scan([p], select=["LF"]).findings} == {"LF104", "LF302"}


def test_one_finding_lists_every_part_of_a_certificate(tmp_path):
    p = tmp_path / "affidavit.txt"
    p.write_text("I, Daniel Brooks, declare under penalty of perjury that the foregoing is true and correct.\n"
                 "Executed on March 4, 2025.\n/s/ Daniel Brooks\n\n"
                 "Subscribed and sworn to before me this 4th day of March, 2025, by Daniel Brooks.\n"
                 "Robert Miles\nNotary Public, State of Ohio\nMy commission expires: 08/31/2027\n")
    res = scan([p], select=["LF"])
    [f] = res.findings
    assert f.rule_id == "LF101" and f.severity == "error"
    assert "notary: Robert Miles" in f.message and "commission expiry: 08/31/2027" in f.message
    assert {r.label.split(":")[0] for r in f.related} >= {"lf.conformed-signature", "lf.declaration"}


def test_citations_without_the_extra_use_the_built_in_tables(tmp_path, monkeypatch):
    from artefact_scan.legal import citations as C

    bare = C.Data.__new__(C.Data)
    bare.extra, bare.versions, bare.editions, bare.court_dates, bare.get_citations = False, {}, {}, {}, None
    monkeypatch.setattr(C, "_DATA", bare)
    p = tmp_path / "memo.md"
    p.write_text("See Foo Corp. v. Bar Inc., 500 F.2d 100 (2d Cir. 2015).\n\n"
                 "Hartley v. Ocean Freight Co., 45 Pac. Rptr. 5th 77 (Cal. 2019).\n")
    res = scan([p], select=["LF4"])
    got = {(f.rule_id, f.location.line) for f in res.findings}
    assert got == {("LF401", 1), ("LF404", 1)}
    note = next(f for f in res.findings if f.rule_id == "LF404")
    assert "built-in tables only" in note.message


def test_reports_name_the_citation_data_versions(tmp_path):
    import json

    from .conftest import run_cli

    (tmp_path / "a.txt").write_text("nothing\n")
    r = run_cli("scan", tmp_path / "a.txt", "--format", "json", cwd=tmp_path)
    comps = json.loads(r.stdout)["tool"]["components"]
    assert set(comps) == {"eyecite", "reporters-db", "courts-db"}
    assert all(v for v in comps.values()), "the test extra installs the legal extra"


def test_html_view_keeps_offsets_and_lines():
    from artefact_scan.legal.gate import html_text

    html = "<p>Robert Miles<br>Notary Public,&nbsp;State of Ohio</p>\n<script>x = '<b>'\n</script>\n"
    text = html_text(html)
    assert len(text) == len(html) and text.count("\n") == html.count("\n")
    assert text.index("Robert Miles") == html.index("Robert Miles")
    assert "Notary Public,      State of Ohio" in text and "script" not in text


def test_windows_read_everything_rather_than_miss(tmp_path):
    from artefact_scan.legal.gate import windows
    from artefact_scan.model import Artefact

    art = Artefact("x.txt", "x.txt", "text", "filed\n" * 30 + "tail\n")
    assert windows(art, ("filed",), 0, 0, limit=10) == [(0, len(art.text))]
    spans = windows(art, ("tail",), 0, 0)
    assert [art.text[s:e] for s, e in spans] == ["tail"]


@pytest.mark.parametrize("kind,number,ok", [
    ("npi", "1457398216", True), ("npi", "1457398210", False), ("npi", "3457398216", False),
    ("dea", "BW6123450", True), ("dea", "BW6123458", False), ("dea", "IW6123450", False),
    ("aba", "121000358", True), ("aba", "121000359", False), ("aba", "951000358", False),
])
def test_check_digits(kind, number, ok):
    from artefact_scan.legal import identifiers as I

    problem = {"npi": I.npi_problem, "dea": I.dea_problem, "aba": I.aba_problem}[kind](number)
    assert (problem is None) == ok
