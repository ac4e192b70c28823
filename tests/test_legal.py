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


def test_volume_anchor_tables_are_consistent():
    """Every anchor passes its own check, anchors ascend in volume and year, closed series end
    on their final volume, and every series still open has a growth bound."""
    from artefact_scan.legal import citations as C
    from artefact_scan.legal import volumes as V

    for rep, rows in V.ANCHORS.items():
        assert rep in C.REPORTERS, rep
        start, end, last, _kind = C.REPORTERS[rep]
        prev_v, prev_y = 0, 0
        for v, y, source in rows:
            assert v > prev_v and y >= prev_y and source, (rep, v, y)
            prev_v, prev_y = v, y
            assert start - 1 <= y and (end is None or y <= end + 1), (rep, v, y)
            assert V.impossible(rep, v, y, end) is None, (rep, v, y)
        assert rows[0][0] == 1, rep
        if last is not None:
            assert rows[-1][0] == last, rep
        assert (end is None) == (rep in V.RATE), rep


@pytest.mark.parametrize("cite,year,bad", [
    ("F.3d", (123, 1997), False), ("F.3d", (123, 2015), True), ("F.3d", (123, 1994), False),
    ("F.3d", (123, 1993), True), ("F.2d", (999, 1993), False), ("F.4th", (150, 2026), False),
    ("F.4th", (512, 2024), True), ("F.4th", (250, 2026), False), ("U.S.", (5, 1803), False),
    ("U.S.", (650, 2024), True), ("P.2d", (377, 1963), False), ("P.2d", (377, 1983), True),
    ("F. Supp.", (999, 1998), False), ("N.W.2d", (999, 2023), False), ("S.E.2d", (900, 2025), False),
])
def test_volume_windows(cite, year, bad):
    from artefact_scan.legal import citations as C
    from artefact_scan.legal import volumes as V

    volume, y = year
    assert (V.impossible(cite, volume, y, C.REPORTERS[cite][1]) is not None) == bad


def test_parallel_citations_share_the_year(tmp_path):
    from artefact_scan.legal import citations as C

    text = ("Brown v. Board of Education, 347 U.S. 483, 495, 74 S. Ct. 686, 98 L. Ed. 873 (1954); "
            "see 42 U.S.C. 1983, 28 U.S. 1 (1830).")
    got = {(c.volume, c.reporter, c.pin, c.year, c.parallel) for c in C.find(text)}
    assert got == {(98, "L. Ed.", None, 1954, False), (74, "S. Ct.", None, 1954, True),
                   (347, "U.S.", 495, 1954, True), (28, "U.S.", None, 1830, False)}


def test_volume_years_are_checked_without_the_extra(tmp_path, monkeypatch):
    from artefact_scan.legal import citations as C

    bare = C.Data.__new__(C.Data)
    bare.extra, bare.versions, bare.editions, bare.court_dates, bare.get_citations = False, {}, {}, {}, None
    monkeypatch.setattr(C, "_DATA", bare)
    p = tmp_path / "memo.md"
    p.write_text("See Harlan v. Briggs Freight Lines, 123 F.3d 456 (2d Cir. 2015).\n\n"
                 "Zubulake v. UBS Warburg LLC, 217 F.R.D. 309 (S.D.N.Y. 2003).\n\n"
                 "Pike v. Daniels, 850 N.E.2d 12 (N.Y. 1968).\n")
    res = scan([p], select=["LF401"])
    assert {f.location.line for f in res.findings} == {1, 5}
    assert "volume 123 of F.3d holds decisions of 1997" in res.findings[0].message


def test_a_decree_is_dated_by_its_own_date_line_and_values_stay_on_one_line(tmp_path):
    """"DONE AND ORDERED … this 11th day of <newline> January, 2024" dates the order, not the
    settlement date the order mentions; a value wrapped over lines reads as one value, and a
    name after markup blanked from HTML is not run into the next one."""
    (tmp_path / "judgment.txt").write_text(textwrap.dedent("""\
        IN THE CIRCUIT COURT OF THE ELEVENTH JUDICIAL CIRCUIT IN AND FOR MIAMI-DADE COUNTY, FLORIDA

        FINAL JUDGMENT

        It is therefore ORDERED AND ADJUDGED:

        1. The Settlement Agreement executed by the parties on December 12,
           2023 is ratified and approved.

        DONE AND ORDERED in Chambers at Miami-Dade County, Florida, this 11th day of
        January, 2024.

                                            /s/ Hon. Renata L. Ostrowski
                                            CIRCUIT COURT JUDGE
        """))
    (tmp_path / "letter.html").write_text(
        "<html><body><p>Dear Mr. Grant,</p><p>Pay the invoice within ten days or we will file suit.</p>"
        "<p>Very truly yours,</p><p>/s/ Jonathan K. Pike<br>Jonathan K. Pike, Esq.<br>"
        "State Bar No. 287654</p></body></html>\n")
    res = scan([str(tmp_path)], select=["legal-forgery"])
    order = [f for f in res.findings if f.rule_id == "LF104"]
    assert order and "date: 11th day of January, 2024" in order[0].message
    assert "\u27e8U+000A\u27e9" not in order[0].message
    attorney = [f for f in res.findings if f.rule_id == "LF203"]
    assert attorney and "attorney: Jonathan K. Pike;" in attorney[0].message
