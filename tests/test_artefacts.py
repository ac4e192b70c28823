"""Bytes → text → positions: decoding, line/column mapping and child artefacts."""
from __future__ import annotations

import codecs
import json

from artefact_scan import jsonpos, scan
from artefact_scan.model import Artefact, LineIndex, Segment
from artefact_scan.textmap import decode

BOMB = ":(){ :|:& };:"


def test_boms_are_dropped_and_select_the_codec():
    text = "a\u200bb\n"
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                     (codecs.BOM_UTF32_BE, "utf-32-be")):
        d = decode(bom + text.encode(enc))
        assert d.text == text and d.bom and d.undecodable == 0, enc


def test_undecodable_bytes_are_kept_and_counted():
    d = decode(b"ok \xff\xfe end")
    assert d.undecodable == 2
    assert d.text.encode("utf-8", "surrogateescape") == b"ok \xff\xfe end"


def test_python_coding_cookie():
    d = decode("# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n".encode("latin-1"), python=True)
    assert "café" in d.text and d.undecodable == 0


def test_line_index():
    idx = LineIndex("ab\ncd\n\nx")
    assert idx.position(0) == (1, 1)
    assert idx.position(3) == (2, 1)
    assert idx.position(7) == (4, 1)
    assert idx.line_span(2) == (3, 5)


def test_child_maps_back_exactly():
    parent = Artefact("f", "f", "markdown", "0123456789")
    child = Artefact("f", "c", "text", "34567", parent=parent, segments=[Segment(0, 3, 8, True)])
    assert child.to_root(1, 3) == (4, 6, True)
    dec = Artefact("f", "d", "text", "decoded!", parent=child, segments=[Segment(0, 1, 3, False)])
    s, e, exact = dec.to_root(2, 4)
    assert (s, e, exact) == (4, 6, False)


def test_fence_in_markdown_reports_the_file_line(tmp_path):
    (tmp_path / "r.md").write_text(f"# Notes\n\n```sh\necho\n{BOMB}\n```\n")
    [f] = scan([tmp_path]).findings
    assert (f.location.line, f.location.column) == (5, 1)
    assert f.origin[1].startswith("code block 1 at line 3")


def test_indented_fence_maps_columns(tmp_path):
    (tmp_path / "r.md").write_text(f"- step\n\n   ```bash\n   {BOMB}\n   ```\n")
    [f] = scan([tmp_path]).findings
    assert (f.location.line, f.location.column) == (4, 4)


def test_notebook_cell_with_escapes_maps_to_its_json_line(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": ["%%bash\n", "echo \"q\"\n", BOMB + "\n"],
                     "outputs": [], "metadata": {}}], "metadata": {}, "nbformat": 4}
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb, indent=1))
    [f] = scan([tmp_path]).findings
    lines = p.read_text().splitlines()
    assert BOMB in lines[f.location.line - 1]
    assert f.origin[1] == "cell 1 (code)"


def test_broken_notebook_is_reported_and_still_scanned_as_text(tmp_path):
    (tmp_path / "n.ipynb").write_text('{"cells": [ ' + BOMB)
    res = scan([tmp_path])
    assert "not valid JSON" in res.errors[0].message


def test_jsonpos_strings_and_escapes():
    text = '{"a": ["x\\u200by", "plain"], "b": {"c": "\\n"}}'
    val = jsonpos.parse(text)
    s = val["a"][0]
    assert s == "x\u200by" and s.path == ("a", 0)
    assert [str(x) for x in jsonpos.iter_strings(val)] == ["x\u200by", "plain", "\n"]
    art = Artefact("f", "f", "json", text)
    child = Artefact("f", "c", "text", str(s), parent=art, segments=s.segments)
    assert text[child.to_root(2, 3)[0]] == "y"
