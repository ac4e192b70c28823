"""Crafted inputs that try to make the scan slow, blind or unsafe to read: each must stay
bounded, and what was not analysed must be reported."""
from __future__ import annotations

import time

from artefact_scan.context import Context, Limits
from artefact_scan.model import Artefact


def test_many_identical_parts_cost_linear_time_and_still_merge_at_one_place():
    ctx = Context("x.md", Limits())
    root = Artefact("x.md", "x.md", "markdown", "```\nimport os\n```\n" * 20000)
    started = time.monotonic()
    made = [ctx.child(root, "import os\n", label="fence", kind="python", span=(i * 18 + 4, i * 18 + 14))
            for i in range(20000)]
    assert time.monotonic() - started < 3.0
    assert len({id(a) for a in made}) == 20000  # the same text at another place is its own part
    # the same text at an overlapping place is the part already made, and gets the new facts
    again = ctx.child(root, "import os\n", label="decoded", kind="python", span=(5 * 18 + 6, 5 * 18 + 9),
                      facts={"decoded"})
    assert again is made[5] and "decoded" in again.facts
    assert len(ctx.take_pending()) == 20000 and ctx.take_pending() == []
    # once analysed, a later maker does not change its facts any more
    late = ctx.child(root, "import os\n", label="late", kind="python", span=(7 * 18 + 4, 7 * 18 + 5),
                     facts={"hidden"})
    assert late is made[7] and "hidden" not in late.facts


def test_json_and_sarif_read_as_text_show_invisible_characters(tmp_path):
    import json

    from artefact_scan import scan
    from artefact_scan.reports import render

    name = "bidi\u202egnp.md\u200b\x7f"
    (tmp_path / name).write_text("a note \U000E0041\U000E0042\U000E0043 \u202eevil\u202c \x1b]0;t\x07\n")
    result = scan([tmp_path])
    assert result.findings
    for fmt in ("json", "sarif"):
        out = render(fmt, result)
        raw = [c for c in out if ord(c) in (0x7F, 0x1B, 0x07, 0x202E, 0x202C, 0x200B) or ord(c) >= 0xE0000]
        assert raw == [], fmt
        text = json.dumps(json.loads(out))  # still the same data once parsed
        assert "\\u202e" in text
    doc = json.loads(render("json", result))
    assert any(f["path"].endswith(name) for f in doc["findings"])
