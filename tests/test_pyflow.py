"""The Python self-replication pack: severities of partial chains, chain steps as related locations
and SARIF code flows, alias resolution, the resource-idiom label drop, notebooks with IPython
magics, Markdown fences, parse failures, the safety of static decoding, bounds, sliced parsing
and the textual gate."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from artefact_scan import scan
from artefact_scan.pyflow import chains, deobfuscate, gate, source

from .conftest import FIXTURES

SR = FIXTURES / "rules" / "self-replication"


def _scan(tmp_path, name, text, ruleset, select=("SR",)):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return scan([str(p)], rules=ruleset.select(list(select), None), jobs=1)


def _by_rule(res):
    out = {}
    for f in res.findings:
        out.setdefault(f.rule_id, []).append(f)
    return out


def test_partial_chains_are_lowered_and_full_chains_are_errors(ruleset):
    res = scan([str(SR)], rules=ruleset.select(["SR"], None), jobs=1)
    sev = {(Path(f.path).name, f.rule_id, f.location.line): f.severity for f in res.findings}
    assert sev[("quine_write_run.py", "SR102", 13)] == "warning"      # attached, visible start
    assert sev[("copy_spawn_detached.py", "SR102", 12)] == "error"
    assert sev[("fabric_self_configured.py", "SR105", 8)] == "warning"  # a configured host
    assert sev[("worm_paramiko.py", "SR105", 24)] == "error"
    assert sev[("hub_and_benign.py", "SR106", 9)] == "note"            # weights to a model hub
    assert sev[("exfil.py", "SR106", 11)] == "warning"                 # weights: as the shell rule
    assert sev[("exfil.py", "SR106", 22)] == "error"                   # its system prompt
    assert sev[("archive_own_folder.py", "SR106", 8)] == "error"       # its own folder


def test_chain_steps_become_related_locations_and_a_code_flow(tmp_path, ruleset):
    res = _scan(tmp_path, "inf.py", """\
        import glob
        def spread():
            code = open(__file__).read()
            for t in glob.glob("*.py"):
                body = open(t).read()
                if "#MARK" not in body:
                    open(t, "w").write(code + body)
        """, ruleset)
    [f] = _by_rule(res)["SR101"]
    assert f.location.line == 7
    lines = [r.location.line for r in f.related]
    assert lines[:2] == [3, 3] and 4 in lines and 6 in lines   # source, read, enumeration, marker
    assert "marker" in f.message and f.evidence["flow"] == "end"
    assert f.evidence["chain"][-1].startswith("writes its own source")
    from artefact_scan.reports import sarif

    doc = json.loads(sarif.render(res))
    flow = doc["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert flow[0]["location"]["physicalLocation"]["region"]["startLine"] == 3
    assert flow[-1]["location"]["physicalLocation"]["region"]["startLine"] == 7


def test_aliases_and_helpers_are_followed(tmp_path, ruleset):
    res = _scan(tmp_path, "alias.py", """\
        import subprocess as sp
        import sys as s
        from shutil import copyfile as cf

        def where():
            return "/tmp/.svc.py"

        def go():
            d = where()
            cf(__file__, d)
            sp.Popen([s.executable, d], start_new_session=True)
        """, ruleset)
    [f] = _by_rule(res)["SR102"]
    assert f.location.line == 11 and f.severity == "error"


def test_resource_idiom_drops_the_self_label(tmp_path, ruleset):
    res = _scan(tmp_path, "res.py", """\
        import os, shutil, subprocess, sys
        from pathlib import Path
        HERE = os.path.dirname(os.path.abspath(__file__))
        def run():
            script = os.path.join(HERE, "tool.py")
            shutil.copy(script, "/tmp/tool.py")
            subprocess.Popen([sys.executable, "/tmp/tool.py"], start_new_session=True)
            data = Path(__file__).parent / "data" / "x.py"
            shutil.copy(data, "/tmp/y.py")
            subprocess.Popen([sys.executable, "/tmp/y.py"], start_new_session=True)
        """, ruleset)
    assert not res.findings


def test_notebook_cell_with_magics_is_analysed(tmp_path, ruleset):
    cell = ["!pip install paramiko\n", "%matplotlib inline\n", "import glob\n",
            "code = open(__file__).read()\n", "for t in glob.glob('*.py'):\n",
            "    open(t, 'a').write(code)\n", "out = !ls\n"]
    nb = {"cells": [{"cell_type": "code", "source": cell, "metadata": {}, "outputs": []}],
          "metadata": {"kernelspec": {"language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb, indent=1))
    res = scan([str(p)], rules=ruleset.select(["SR"], None), jobs=1)
    assert [f.rule_id for f in res.findings] == ["SR101"]
    assert not res.errors


def test_markdown_python_fence_is_analysed(tmp_path, ruleset):
    res = _scan(tmp_path, "notes.md", """\
        Here is the helper I wrote:

        ```python
        import signal, subprocess, sys
        def again(*_):
            subprocess.Popen([sys.executable, __file__])
        signal.signal(signal.SIGTERM, again)
        ```
        """, ruleset)
    [f] = _by_rule(res)["SR104"]
    assert f.location.line == 6 and "code block" in " ".join(f.origin)


def test_parse_failure_is_reported_and_text_rules_still_run(tmp_path, ruleset):
    res = _scan(tmp_path, "broken.py", """\
        import shutil, subprocess
        def f(:
            shutil.copy(__file__, "/tmp/x.py"); subprocess.Popen(["/tmp/x.py"])
        :(){ :|:& };:
        """, ruleset)
    assert any("could not be parsed" in e.message for e in res.errors)
    assert [f.rule_id for f in res.findings] == ["SR201"]


def test_static_decoding_never_executes_or_unmarshals(monkeypatch, tmp_path):
    import marshal

    monkeypatch.setattr(marshal, "loads", lambda *a: pytest.fail("marshal.loads was called"))
    trap = tmp_path / "executed"
    src = textwrap.dedent(f"""\
        import base64, marshal
        exec(__import__("os").system("touch {trap}"))
        exec(marshal.loads(base64.b64decode("AAAA")))
        exec(open("{trap}").read())
        """)
    import ast

    found = deobfuscate.decode_exec_payloads(ast.parse(src))
    assert [d.opaque for d in found] == ["marshal"]
    assert not trap.exists()


def test_decompression_is_bounded():
    import ast
    import base64
    import zlib

    bomb = base64.b64encode(zlib.compress(b"#" * (64 << 20), 9)).decode()
    src = f'import base64, zlib\nexec(zlib.decompress(base64.b64decode("{bomb}")))\n'
    [d] = deobfuscate.decode_exec_payloads(ast.parse(src))
    assert len(d.text) <= deobfuscate.MAX_OUT


def test_hostile_shapes_do_not_crash(tmp_path, ruleset):
    deep = "x = " + "[" * 400 + "]" * 400 + "\n"
    chain = "import os\nv = __file__\n" + "".join(f"v{i} = v\n" for i in range(3000))
    rec = "def f(x):\n    return f(g(x))\ndef g(x):\n    return f(x)\nf(__file__)\nimport os; os.system('x')\n"
    for i, text in enumerate((deep, chain, rec)):
        res = _scan(tmp_path, f"h{i}.py", text, ruleset)
        assert not res.findings


def test_work_limit_is_reported(tmp_path, ruleset, monkeypatch):
    from artefact_scan.pyflow import flow

    monkeypatch.setattr(flow, "MAX_WORK", 50)
    monkeypatch.setattr(flow.Flow.__init__, "__defaults__", (50,))
    body = "import shutil, subprocess\n" + "".join(f"a{i} = {i}\n" for i in range(200)) + \
        "shutil.copy(__file__, '/tmp/.x.py')\nsubprocess.Popen(['/tmp/.x.py'], start_new_session=True)\n"
    res = _scan(tmp_path, "big.py", body, ruleset)
    assert any("work limit" in e.message for e in res.errors)


def test_sliced_parsing_keeps_detections_in_large_files(tmp_path, ruleset):
    filler = "".join(f"def helper_{i}(a, b):\n    return [a + b for _ in range({i})]\n\n" for i in range(400))
    methods = "".join(f"    def test_{i}(self):\n        self.assertEqual({i}, {i})\n\n" for i in range(200))
    text = ("import glob\nimport unittest\n\n" + filler + "class T(unittest.TestCase):\n" + methods
            + "    def spread(self):\n        code = self.me()\n        for t in glob.glob('*.py'):\n"
            "            open(t, 'w').write(code)\n\n    def me(self):\n        return open(__file__).read()\n")
    assert len(text) > 20000
    assert source.relevant_slice(text, __import__("artefact_scan.pyflow.flow", fromlist=["x"]).SLICE_WORDS)
    p = tmp_path / "big_test.py"
    p.write_text(text)
    res = scan([str(p)], rules=ruleset.select(["SR"], None), jobs=1)
    lines = text.split("\n")
    want = next(i for i, ln in enumerate(lines, 1) if "open(t, 'w')" in ln)
    assert [(f.rule_id, f.location.line) for f in res.findings] == [("SR101", want)]


def test_every_positive_fixture_passes_the_gate():
    from artefact_scan.testing import parse_annotations

    for p in sorted(SR.rglob("*.py")):
        text = p.read_text()
        exp = parse_annotations(text)
        rules = {r for _, r in exp.ruleid}
        if any(r.startswith("SR1") for r in rules) and not any(r.startswith("SR5") for r in rules):
            assert gate.candidate(text, text.lower()), p.name


def test_gate_rejects_common_benign_shapes():
    benign = [
        "import os\nHERE = os.path.dirname(os.path.abspath(__file__))\nopen(os.path.join(HERE, 'a.txt'), 'w').write('x')\n",
        "import sys, subprocess\nprint(sys.argv[1:])\nsubprocess.run(['ls'])\n",
        "from pathlib import Path\nDATA = Path(__file__).parent / 'data'\nfor p in DATA.glob('*.py'):\n    print(p)\n",
        "import argparse, sys\nparser = argparse.ArgumentParser(prog=os.path.basename(sys.argv[0]))\n",
    ]
    for text in benign:
        assert not gate.candidate(text, text.lower()), text


def test_chains_module_api():
    res = chains.analyse("import os\nwhile True:\n    os.fork()\n")
    assert [c.signal for c in res.chains] == ["sr.py.unbounded-spawn"]
    assert chains.analyse("def f(:\n").error


def test_interactive_sessions_in_fences_are_analysed_with_exact_columns(tmp_path, ruleset):
    res = _scan(tmp_path, "howto.md", """\
        ```pycon
        >>> import os, shutil, subprocess, sys
        >>> shutil.copy(__file__, "/tmp/.x.py")
        '/tmp/.x.py'
        >>> subprocess.Popen([sys.executable, "/tmp/.x.py"],
        ...                  start_new_session=True)
        <Popen: returncode: None args: [...]>
        ```
        """, ruleset)
    [f] = _by_rule(res)["SR102"]
    assert (f.location.line, f.location.column) == (5, 5)
    assert not res.errors


def test_results_do_not_depend_on_the_hash_seed(tmp_path):
    import subprocess
    import sys

    code = ("import json, sys; from artefact_scan import scan, load_rules; "
            "r = scan([sys.argv[1]], rules=load_rules(select=['SR']), jobs=1); "
            "print(json.dumps(sorted((f.path, f.location.line, f.rule_id, f.message, tuple(r.label for r in f.related)) "
            "for f in r.findings)))")
    outs = {subprocess.run([sys.executable, "-c", code, str(SR)], capture_output=True, text=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outs) == 1 and len(next(iter(outs))) > 100


def test_json_report_carries_the_chain_and_ladder_level(tmp_path):
    from .conftest import run_cli

    p = tmp_path / "w.py"
    p.write_text((SR / "SR105" / "worm_paramiko.py").read_text())
    out = run_cli("scan", str(p), "--format", "json", "--select", "SR1", "--no-progress")
    assert out.returncode == 1
    [f] = json.loads(out.stdout)["findings"]
    assert f["rule_id"] == "SR105" and f["severity"] == "error"
    assert f["evidence"]["level"].startswith("replication: network propagation")
    assert any("enumerates the addresses" in step for step in f["evidence"]["chain"])
    src = (SR / "SR105" / "worm_paramiko.py").read_text().split("\n")
    scan_line = next(i for i, ln in enumerate(src, 1) if "ip_network" in ln)
    assert scan_line in [r["line"] for r in f["related"]]


_PY_PIECES = [
    "import os, sys, glob, shutil, subprocess, signal, base64, zlib\n", "from shutil import copyfile as cf\n",
    "shutil.copy(__file__, '/tmp/.x.py')\n", "subprocess.Popen([sys.executable, '/tmp/.x.py'], start_new_session=True)\n",
    "while True:\n    os.fork()\n", "for t in glob.glob('**/*.py', recursive=True):\n",
    "    open(t, 'a').write(open(__file__).read())\n", "exec(zlib.decompress(base64.b64decode('eJzLzC3ILypRyKxUyEvMTQUAHTgEdQ==')))\n",
    "def f(x):\n", "    return f(g(x))\n", "class A:\n    def m(self):\n        self.p = __file__\n",
    "signal.signal(signal.SIGTERM, lambda *_: os.fork())\n", "s = 's = %r; print(s %% s)'\nexec(s % s)\n",
    "    ", "!ls -la\n", "%matplotlib inline\n", "x = !pwd\n", '"""', "'''", "\\\n", "(", ")", "[", "]", ":", "\n",
    "\u00e9\u4e2d", "\t", "lambda: (yield)\n", "async def a():\n    await b()\n", "x: int = 1\n", "match x:\n    case 1:\n        pass\n",
]


@given(st.lists(st.sampled_from(_PY_PIECES), max_size=25).map("".join), st.sampled_from(["c.py", "n.md", "w.py"]))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_python_never_breaks_the_pack(tmp_path_factory, ruleset, text, name):
    d = tmp_path_factory.mktemp("fz")
    if name.endswith(".md"):
        text = "```python\n" + text + "\n```\n"
    p = d / name
    p.write_text(text, encoding="utf-8")
    res = scan([str(p)], rules=ruleset.select(["SR"], None), jobs=1)
    assert not [e for e in res.errors if "failed" in e.message], res.errors
    lines = text.split("\n")
    for f in res.findings:
        assert 1 <= f.location.line <= len(lines)
        for r in f.related:
            assert 1 <= r.location.line <= len(lines)


def test_gate_presence_with_anchors_matches_plain_scans():
    """A literal holding an absent anchor is answered without a scan; every answer must still be
    exactly `literal in text`, whichever literals were asked before."""
    lits = sorted({x for k, v in vars(gate).items() if k.isupper() and isinstance(v, tuple)
                   for x in v if isinstance(x, str)})
    texts = ["", "x = 1\n", " ".join(lits)] + lits + [lit[:-1] for lit in lits] + [a + "!" for a in gate.ANCHORS]
    for text in texts:
        for order in (lits, lits[::-1]):
            has = gate.Present(text)
            for lit in order:
                assert has.has(lit) == (lit in text), (text, lit)
