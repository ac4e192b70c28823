"""Rules as data: validation errors, composite conditions, regex timeouts, suppressions."""
from __future__ import annotations

import json
import textwrap

import pytest

from artefact_scan import load_rules, scan
from artefact_scan.context import Limits
from artefact_scan.engine import known_signals
from artefact_scan.ruleset import RuleError, builtin_rules_dir, load_dirs

from .conftest import run_cli

GOOD = """
id = "XX001"
name = "demo-rule"
category = "hidden-message"
severity = "warning"
confidence = "low"
title = "t"
message = "m {match}"
[match]
all = ["x.word"]
[[signals]]
name = "x.word"
pattern = 'magicword'
[docs]
summary = "s"
why = "w"
example = "e"
benign = "b"
"""


def _write(tmp_path, text, name="r.toml"):
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / name).write_text(textwrap.dedent(text))
    return d


@pytest.mark.parametrize("change,field", [
    (("severity = \"warning\"", "severity = \"fatal\""), "severity"),
    (("id = \"XX001\"", "id = \"bad\""), "id"),
    (("all = [\"x.word\"]", "all = [\"x.missing\"]"), "match"),
    (("pattern = 'magicword'", "pattern = 'magic(word'"), "signals.x.word.pattern"),
    (("why = \"w\"", ""), "docs.why"),
    (("name = \"demo-rule\"", "name = \"Demo Rule\""), "name"),
    (("[match]", "[match]\nscope = \"window\""), "match.window"),
    (("title = \"t\"", "title = \"t\"\ncolour = 1"), None),
    (("title = \"t\"", "title = \"t\"\nsupersedes = [\"XX999\"]"), "supersedes"),
])
def test_invalid_rule_names_file_rule_and_field(tmp_path, change, field):
    d = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError) as e:
        load_dirs([d], known_signals())
    assert "r.toml" in str(e.value)
    if change[0].startswith("id") is False:
        assert "XX001" in str(e.value)
    if field:
        assert f"field '{field}'" in str(e.value)


def test_invalid_rule_file_is_exit_2_with_a_clear_message(tmp_path):
    d = _write(tmp_path, GOOD.replace('severity = "warning"', 'severity = "fatal"'))
    r = run_cli("scan", tmp_path, "--rules", d, cwd=tmp_path)
    assert r.returncode == 2
    assert "r.toml: rule XX001: field 'severity'" in r.stderr


def test_user_rules_dir_adds_rules(tmp_path):
    d = _write(tmp_path, GOOD)
    (tmp_path / "t.txt").write_text("a magicword here\n")
    r = run_cli("scan", tmp_path / "t.txt", "--rules", d, "--format", "json", cwd=tmp_path)
    [f] = json.loads(r.stdout)["findings"]
    assert f["rule_id"] == "XX001" and f["message"] == "m magicword" and f["column"] == 3


def test_every_shipped_rule_is_valid_and_documented():
    rs = load_dirs([builtin_rules_dir()], known_signals())
    assert rs.rules
    for rule in rs.rules.values():
        for key in ("summary", "why", "example", "benign"):
            assert rule.docs[key].strip(), (rule.id, key)


COMPOSITE = """
id = "XX002"
name = "composite"
category = "legal-forgery"
severity = "warning"
confidence = "medium"
title = "t"
message = "{parts}"
[match]
all = ["x.a"]
any = ["x.b", "x.c"]
at_least = 2
none = ["x.veto"]
scope = "window"
window = 2
lower_if = ["x.low"]
[[signals]]
name = "x.a"
pattern = 'ALPHA'
[[signals]]
name = "x.b"
pattern = 'BRAVO'
[[signals]]
name = "x.c"
pattern = 'CHARLIE'
[[signals]]
name = "x.veto"
pattern = 'VETO'
[[signals]]
name = "x.low"
pattern = 'LOW'
[docs]
summary = "s"
why = "w"
example = "e"
benign = "b"
"""


def _composite(tmp_path, text):
    d = _write(tmp_path, COMPOSITE)
    f = tmp_path / "doc.txt"
    f.write_text(text)
    rs = load_rules([d], select=["XX002"])
    return scan([f], rules=rs).findings


def test_composite_window_n_of_none_and_lower(tmp_path):
    assert len(_composite(tmp_path, "ALPHA\nBRAVO\nCHARLIE\n")) == 1
    assert _composite(tmp_path, "ALPHA\nBRAVO\n") == []  # at_least 2 of any
    assert _composite(tmp_path, "ALPHA\nBRAVO\n\n\n\nCHARLIE\n") == []  # outside the window
    assert _composite(tmp_path, "ALPHA\nBRAVO\nCHARLIE VETO\n") == []
    [f] = _composite(tmp_path, "ALPHA LOW\nBRAVO\nCHARLIE\n")
    assert f.severity == "note" and "lowered" in f.message
    # two anchors in one window make one finding listing its parts
    [f] = _composite(tmp_path, "ALPHA\nALPHA\nBRAVO CHARLIE\n")
    assert f.evidence["count"] == 2


def test_a_superseding_rule_replaces_the_other_at_the_same_place(tmp_path):
    wide = GOOD.replace('id = "XX001"', 'id = "XX003"').replace('demo-rule', 'demo-wide').replace(
        "name = \"x.word\"\npattern = 'magicword'", "name = \"x.wide\"\npattern = 'magicword'").replace(
        'all = ["x.word"]', 'all = ["x.wide"]')
    d = _write(tmp_path, GOOD)
    _write(tmp_path, wide, "w.toml")
    f = tmp_path / "doc.txt"
    f.write_text("magicword\n")
    assert sorted(x.rule_id for x in scan([f], rules=load_rules([d])).findings) == ["XX001", "XX003"]
    _write(tmp_path, wide.replace('title = "t"', 'title = "t"\nsupersedes = ["XX001"]'), "w.toml")
    assert [x.rule_id for x in scan([f], rules=load_rules([d])).findings] == ["XX003"]


def test_function_scope(tmp_path):
    d = _write(tmp_path, COMPOSITE.replace('scope = "window"\nwindow = 2', 'scope = "function"'))
    f = tmp_path / "m.py"
    f.write_text("def one():\n    ALPHA = 1\n    BRAVO = 2\n\n\n\n    CHARLIE = 3\n\n"
                 "def two():\n    ALPHA = 1\n    BRAVO = 2\n\nCHARLIE = 3\n")
    rs = load_rules([d], select=["XX002"])
    findings = scan([f], rules=rs).findings
    assert [x.location.line for x in findings] == [2]


def test_catastrophic_regex_is_bounded_and_reported(tmp_path):
    slow = GOOD.replace("pattern = 'magicword'", "pattern = '(?:(?:a|aa)+)+b'")
    d = _write(tmp_path, slow)
    f = tmp_path / "x.txt"
    f.write_text("a" * 60 + "\n")
    rs = load_rules([d], select=["XX001"])
    res = scan([f], rules=rs, limits=Limits(regex_timeout=0.2))
    assert any("timed out" in e.message for e in res.errors)


def test_suppression_and_strict(tmp_path):
    f = tmp_path / "s.sh"
    f.write_text(":(){ :|:& };:  # artefact-scan: ignore[SR201] fixture\n"
                 "# artefact-scan: ignore[self-replication]\n:(){ :|:& };:\n")
    res = scan([f])
    assert res.findings == [] and res.suppressed == 2
    res = scan([f], strict=True)
    assert len(res.findings) == 2 and res.suppressed == 0
    r = run_cli("scan", f, "--format", "json", cwd=tmp_path)
    assert json.loads(r.stdout)["summary"]["suppressed"] == 2


def test_detector_crash_is_reported_not_fatal(tmp_path, monkeypatch):
    from artefact_scan import detectors

    det = detectors.load_all()["invisible-unicode"]

    def boom(art, ctx):
        raise ValueError("crafted")

    monkeypatch.setitem(detectors._REGISTRY, "invisible-unicode", det.__class__(**{**det.__dict__, "fn": boom}))
    f = tmp_path / "x.md"
    f.write_text("hi \U000E0041\n:(){ :|:& };:\n")
    res = scan([f])
    assert [x.rule_id for x in res.findings] == ["SR201"]
    assert "invisible-unicode failed" in res.errors[0].message


def test_file_timeout_is_reported(tmp_path, monkeypatch):
    import time

    from artefact_scan import detectors

    det = detectors.load_all()["invisible-unicode"]

    def slow(art, ctx):
        time.sleep(3)

    monkeypatch.setitem(detectors._REGISTRY, "invisible-unicode", det.__class__(**{**det.__dict__, "fn": slow}))
    f = tmp_path / "x.md"
    f.write_text("hi \U000E0041\n")
    res = scan([f], limits=Limits(file_timeout=0.5))
    assert "analysis stopped" in res.errors[0].message


def test_a_payload_decoded_by_two_detectors_is_analysed_once(tmp_path):
    import base64

    worm = b"import shutil, glob\nfor f in glob.glob('*.py'):\n    shutil.copy(__file__, f)\n"
    blob = base64.b64encode(worm).decode()
    f = tmp_path / "x.py"
    # the same payload written twice: executed on line 2 (decoded by the blob decoder and by
    # the obfuscated-exec rule, one child), and kept in a constant on line 3 (a child of its own)
    f.write_text(f"import base64\nexec(base64.b64decode('{blob}'))\nKEEP = '{blob}'\n")
    found = scan([f]).findings
    infector = sorted(x.location.line for x in found if x.rule_id == "SR101")
    assert infector == [2, 3]
    assert {x.rule_id for x in found if x.location.line == 2} >= {"HM205", "SR501"}
    assert not [x for x in found if x.location.line == 2 and x.rule_id == "HM201"]  # superseded


def _findings(res):
    return sorted((f.path, f.rule_id, f.location.line, f.location.column, f.severity, f.message)
                  for f in res.findings)


def test_focus_changes_no_finding_on_the_hidden_message_fixtures(monkeypatch):
    """Second-phase detectors told to read only the windows around their rules' anchors find
    what reading the whole text finds: every must-fire and must-not-fire case, both ways."""
    from pathlib import Path

    from artefact_scan.engine import Engine

    root = Path(__file__).resolve().parent.parent / "fixtures" / "rules" / "hidden-message"
    rules = load_rules(select=["hidden-message"])
    focused = scan([str(root)], rules=rules, jobs=1)
    monkeypatch.setattr(Engine, "focus", lambda self, *a: None)
    whole = scan([str(root)], rules=rules, jobs=1)
    assert _findings(focused) == _findings(whole)
    assert any(f.rule_id == "HM401" for f in focused.findings)


def test_focus_reads_the_window_around_an_address_and_nothing_else(tmp_path):
    """A concealment phrase four lines from an address makes HM401; the same phrase a hundred
    lines away makes none (a window rule), and the companion detector is not run over it."""
    from artefact_scan.context import Context
    from artefact_scan.engine import Engine
    from artefact_scan.model import Artefact

    filler = "ordinary text about the build.\n" * 100
    near = "Note to my future self: the plan is in the usual place.\n\n\nKeep this secret from the operators.\n"
    far = "Note to my future self: the plan is in the usual place.\n" + filler + "Keep this secret from the operators.\n"
    (tmp_path / "near.md").write_text(near)
    (tmp_path / "far.md").write_text(far)
    res = scan([str(tmp_path)], rules=load_rules(select=["hidden-message"]), jobs=1)
    by_file = {(Path_name(f.path), f.rule_id) for f in res.findings}
    assert ("near.md", "HM401") in by_file
    assert ("far.md", "HM401") not in by_file

    rules = load_rules(select=["hidden-message"])
    eng = Engine(rules)
    art = Artefact(str(tmp_path / "far.md"), "far.md", "markdown", far)
    ctx = Context(art.path, Limits())
    ctx.signal(art, "hm.addressee", 0, 22, voice="direct", form="label")
    live = [r for r in rules.rules.values() if r.id in ("HM401", "HM402")]
    det = next(d for d in eng._producers({"hm.concealment"}, "markdown"))
    spans = eng.focus(det, art, live, {"hm.addressee"}, ctx)
    assert spans and spans[0][0] == 0
    assert spans[-1][1] < far.index("Keep this secret")
    # a rule over the whole file needs the whole file
    from dataclasses import replace
    whole_rule = replace(live[0], match=replace(live[0].match, scope="file"))
    assert eng.focus(det, art, [whole_rule], {"hm.addressee"}, ctx) is None


def Path_name(p):
    from pathlib import Path

    return Path(p).name


def test_an_analysed_file_is_freed_without_waiting_for_the_garbage_collector(tmp_path, monkeypatch):
    """Per-artefact caches (the legal view holds the text, its lower case and the artefact)
    must not make reference cycles: a long scan would keep every large file until a full
    collection (68 MB after one 8 MB page)."""
    import gc
    import weakref

    from artefact_scan.engine import Engine

    page = ("<html><body><p>State of Texas, County of Travis. Before me, the undersigned notary public, "
            "on this day personally appeared John Smith, who being duly sworn, hereby deposes.</p>"
            "<p>Subscribed and sworn to before me on March 3, 2024.</p></body></html>\n")
    (tmp_path / "page.html").write_text(page * 20)
    refs = []
    orig = Engine.analyse

    def analyse(self, root, ctx, *a, **k):
        refs.append(weakref.ref(root))
        return orig(self, root, ctx, *a, **k)

    monkeypatch.setattr(Engine, "analyse", analyse)
    gc.disable()
    try:
        scan([str(tmp_path)], jobs=1)
        assert refs and all(r() is None for r in refs)
    finally:
        gc.enable()
