"""Properties of the engine on arbitrary input (hypothesis): no exception, every location inside
its file, machine formats always parse, and the result does not depend on --jobs."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from artefact_scan import scan
from artefact_scan.reports import render

from .sarif_check import check_sarif

# Text built from pieces that exercise the detectors, mixed with arbitrary characters.
PIECES = st.sampled_from([
    ":(){ :|:& };:", "f(){ f|f& }; f", "\U000E0041\U000E0042", "\U0001F3F4\U000E0067\U000E0062\U000E007F",
    "Notary Public", "My commission expires: 01/02/2027", "sworn to before me this 1st day of May, 2024",
    "```bash\n", "```\n", "\n", "\r\n", "\ufeff", "\u202e", "\x1b[31m", "# artefact-scan: ignore[SR201]",
    "artefact-scan: ignore", '{"cells": [', '"source": ["', "\\n", "\\u200b", "\"]}]}",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=30).map("".join)
NAMES = st.sampled_from(["a.md", "b.sh", "c.py", "d.ipynb", "e.txt", "f", "g.json", "h.html"])
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check_locations(result, files):
    for f in result.findings:
        data = files[f.path]
        text = data.decode("utf-8", "surrogateescape")
        if text.startswith("\ufeff"):
            text = text[1:]
        lines = text.split("\n")
        loc = f.location
        assert 1 <= loc.line <= len(lines)
        assert 1 <= loc.column <= len(lines[loc.line - 1]) + 1
        assert loc.end_line >= loc.line and loc.end_line <= len(lines)
        assert (loc.end_line, loc.end_column) >= (loc.line, loc.column)


@SETTINGS
@given(data=st.binary(max_size=2000), name=NAMES)
def test_any_bytes_scan_without_exception(tmp_path_factory, data, name):
    d = tmp_path_factory.mktemp("b")
    (d / name).write_bytes(data)
    res = scan([d / name])
    assert res.files == 1
    for e in res.errors:
        assert "internal error" not in e.message and "failed" not in e.message, e.message


@SETTINGS
@given(text=TEXT, name=NAMES)
def test_locations_inside_file_and_formats_parse(tmp_path_factory, text, name):
    d = tmp_path_factory.mktemp("t")
    p = d / name
    raw = text.encode("utf-8", "surrogatepass")
    p.write_bytes(raw)
    res = scan([p])
    for e in res.errors:
        assert "internal error" not in e.message and " failed " not in e.message, e.message
    _check_locations(res, {str(p): raw})
    json.loads(render("json", res))
    check_sarif(json.loads(render("sarif", res)))
    text_out = render("text", res)
    assert "\x1b" not in text_out
    for line in render("github", res).splitlines():
        assert "\n" not in line and "\r" not in line


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXT, min_size=4, max_size=8))
def test_result_does_not_depend_on_jobs(tmp_path_factory, texts):
    d = tmp_path_factory.mktemp("j")
    for i, t in enumerate(texts):
        (d / f"f{i}.md").write_bytes(t.encode("utf-8", "surrogatepass"))
    one = json.loads(render("json", scan([d], jobs=1)))
    two = json.loads(render("json", scan([d], jobs=2)))
    assert one["findings"] == two["findings"] and one["errors"] == two["errors"]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("aAΣσς \nİßΩ𝔘Ǆ\u0301.x"), max_size=400),
       chunk=st.integers(min_value=1, max_value=40))
def test_lower_in_chunks_is_lower(text, chunk):
    """Lower-casing a large text a piece at a time (to bound its peak memory) gives exactly
    str.lower(): pieces end after a newline, so a final sigma sees the same next character."""
    from artefact_scan import model

    old = model.LOWER_CHUNK
    model.LOWER_CHUNK = chunk
    try:
        assert model.lower_text(text) == text.lower()
    finally:
        model.LOWER_CHUNK = old
