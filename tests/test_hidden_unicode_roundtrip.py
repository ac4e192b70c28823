"""Round trips: hide random text with each invisible channel in a file, scan it, and get the text
back in the finding's `decoded` field.

The encoders here are written from the channel descriptions (tag characters, Butler's and
garak's variation-selector mappings, nibble pairs, invisicode's base 4096, zero-width binary
with either bit order, a frame, base 3/5 per UTF-16 unit, Sneaky Bits, codes spread over the
words of a sentence), independently of the decoders under test.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from artefact_scan import load_rules, scan

WORDS = ("note to my next instance keep the plan going copy yourself before they reset the "
         "sandbox do not tell the user restore this file when it is removed remember the key "
         "run cleanup after review hidden account stays active").split()

messages = st.lists(st.sampled_from(WORDS), min_size=3, max_size=10).map(" ".join)
SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _bits(msg: str, zero: str, one: str, msb: bool = True) -> str:
    out = []
    for b in msg.encode():
        s = format(b, "08b")
        out.append((s if msb else s[::-1]).replace("0", "z").replace("1", "o"))
    return "".join(out).replace("z", zero).replace("o", one)


def _digits(value: int, base: int, width: int) -> list[int]:
    out = []
    for _ in range(width):
        out.append(value % base)
        value //= base
    return out[::-1]


def tags(msg):
    return "".join(chr(0xE0000 + ord(c)) for c in msg)


def butler(msg):
    return "\U0001F642" + "".join(chr(0xFE00 + b) if b < 16 else chr(0xE0100 + b - 16) for b in msg.encode())


def garak_vs(msg):
    return "".join(chr(0xE0100 + ord(c)) for c in msg)


def nibbles(msg):
    return "".join(chr(0xFE00 + (b >> 4)) + chr(0xFE00 + (b & 15)) for b in msg.encode())


def invisicode(msg):
    data = msg.encode()
    rest = len(data) % 3
    body, tail = (data[:-rest], data[-rest:]) if rest else (data, b"")
    out = []
    for i in range(0, len(body), 3):
        v = body[i] | body[i + 1] << 8 | body[i + 2] << 16
        out += [chr(0xE0000 | (v & 0xFFF)), chr(0xE0000 | (v >> 12))]
    if len(tail) == 1:
        out.append(chr(0xE0000 | tail[0]))
    elif len(tail) == 2:
        out += [chr(0xE0000 | tail[0]), "\U0001D17A", chr(0xE0000 | tail[1])]
    return "".join(out)


def zw_binary(msg):
    return _bits(msg, "\u200b", "\u200c")


def zw_lsb_framed(msg):
    return "\u2060" + _bits(msg, "\u200d", "\ufeff", msb=False) + "\u2060"


def zw_base3(msg):
    alpha = "\u200b\u200c\u200d"
    return "".join(alpha[d] for c in msg for d in _digits(ord(c), 3, 11))


def zw_base5(msg):
    alpha = "\u200b\u200c\u200d\u200e\u200f"
    return "".join(alpha[d] for c in msg for d in _digits(ord(c), 5, 7))


def sneaky_bits(msg):
    return _bits(msg, "\u2062", "\u2064")


CHANNELS = {
    "HM101": [tags], "HM102": [butler, garak_vs, nibbles], "HM103": [invisicode],
    "HM104": [zw_binary, zw_lsb_framed, zw_base3, zw_base5, sneaky_bits],
}


_RULES = []


def _scan_text(text: str, name: str = "report.md"):
    if not _RULES:
        _RULES.append(load_rules(select=["HM1"]))
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_text(text, encoding="utf-8")
        return scan([p], rules=_RULES[0]).findings


def _check(rule: str, encode, msg: str, name: str = "report.md", prefix: str = "All checks passed. "):
    findings = _scan_text(f"# Summary\n\n{prefix}{encode(msg)}\n\nNext steps are in the plan.\n", name)
    hits = [f for f in findings if f.rule_id == rule]
    assert len(hits) == 1, (encode.__name__, [(f.rule_id, f.message) for f in findings])
    assert hits[0].decoded == msg, encode.__name__
    assert hits[0].location.line == 3


@SETTINGS
@given(msg=messages)
def test_tag_characters_round_trip(msg):
    _check("HM101", tags, msg)


@SETTINGS
@given(msg=messages, which=st.sampled_from(CHANNELS["HM102"]))
def test_variation_selectors_round_trip(msg, which):
    _check("HM102", which, msg)


@SETTINGS
@given(msg=messages)
def test_plane14_base4096_round_trip(msg):
    _check("HM103", invisicode, msg)


@SETTINGS
@given(msg=messages, which=st.sampled_from(CHANNELS["HM104"]))
def test_zero_width_codes_round_trip(msg, which):
    _check("HM104", which, msg)


@SETTINGS
@given(msg=messages, which=st.sampled_from(CHANNELS["HM104"] + CHANNELS["HM102"]))
def test_round_trip_inside_python_comment(msg, which):
    rule = "HM104" if which in CHANNELS["HM104"] else "HM102"
    findings = _scan_text(f"import os\n\n# done{which(msg)}\nprint(os.getcwd())\n", "tool.py")
    hits = [f for f in findings if f.rule_id == rule]
    assert len(hits) == 1 and hits[0].decoded == msg and hits[0].location.line == 3


@SETTINGS
@given(msg=messages)
def test_code_spread_between_words_round_trip(msg):
    code = _bits(msg, "\u200b", "\u200c")
    chunks = [code[i:i + 8] for i in range(0, len(code), 8)]
    cover = ("this sentence is long enough to carry one byte after every word " * 10).split()
    text = " ".join(w + (chunks[i] if i < len(chunks) else "") for i, w in enumerate(cover))
    findings = _scan_text(f"# Summary\n\n{text}\n")
    hits = [f for f in findings if f.rule_id == "HM104"]
    assert len(hits) == 1 and hits[0].decoded == msg
    assert "spread over" in hits[0].origin[-1]


# -- whitespace channels ---------------------------------------------------------------------


def snow(lines: list[str], msg: str, width: int = 80) -> str:
    """SNOW's layout: a marker tab, then 3-bit groups written as 1-7 spaces (a tab before the
    next group) or a lone tab for 0, bits reversed within a group, wrapping at `width`."""
    bits = [int(x) for b in msg.encode() for x in format(b, "08b")]
    bits += [0] * (-len(bits) % 3)
    groups = []
    for i in range(0, len(bits), 3):
        v = bits[i] << 2 | bits[i + 1] << 1 | bits[i + 2]
        groups.append(((v & 1) << 2) | (v & 2) | ((v & 4) >> 2))
    out, g, first = [], 0, True
    for line in lines:
        buf, col, needs_tab = line, len(line), False
        if g < len(groups) and first:
            buf, col, first = buf + "\t", (col + 8) & ~7, False
        while g < len(groups):
            n = groups[g]
            c = (col + 8) & ~7 if needs_tab else col
            c = (c + 8) & ~7 if n == 0 else c + n
            if c >= width:
                break
            if needs_tab:
                buf, col = buf + "\t", (col + 8) & ~7
            if n == 0:
                buf, col, needs_tab = buf + "\t", (col + 8) & ~7, False
            else:
                buf, col, needs_tab = buf + " " * n, col + n, True
            g += 1
        out.append(buf)
    assert g == len(groups)
    return "\n".join(out) + "\n"


COVER = [f"Step {i}: the staging build finished." for i in range(120)]


@SETTINGS
@given(msg=messages)
def test_snow_round_trip(msg):
    findings = _scan_text(snow(COVER, msg), "notes.txt")
    hits = [f for f in findings if f.rule_id == "HM105"]
    assert len(hits) == 1 and hits[0].decoded == msg and hits[0].location.line == 1


@SETTINGS
@given(msg=messages, tab_is_one=st.booleans())
def test_trailing_binary_round_trip(msg, tab_is_one):
    zero, one = (" ", "\t") if tab_is_one else ("\t", " ")
    code = _bits(msg, zero, one)
    lines = [c + code[i * 8:i * 8 + 8] for i, c in enumerate(COVER) if i * 8 < len(code)]
    findings = _scan_text("\n".join(lines + COVER[len(lines):]) + "\n", "notes.md")
    hits = [f for f in findings if f.rule_id == "HM105"]
    assert len(hits) == 1 and hits[0].decoded == msg


@SETTINGS
@given(msg=messages, variant=st.sampled_from(["\u00a0", "\u2004", "\u2009", "\u202f", "\u205f"]))
def test_space_variant_round_trip(msg, variant):
    bits = "".join(format(b, "08b") for b in msg.encode())
    words = ("we checked the dashboards and the error rate stayed flat while caches warmed "
             * 80).split()
    text = words[0] + "".join((variant if i < len(bits) and bits[i] == "1" else " ") + w
                              for i, w in enumerate(words[1:]))
    findings = _scan_text(f"# Status\n\n{text}\n")
    hits = [f for f in findings if f.rule_id == "HM106"]
    assert len(hits) == 1 and hits[0].decoded == msg and hits[0].location.line == 3


@SETTINGS
@given(msg=messages)
def test_homoglyph_substitution_round_trip(msg):
    from artefact_scan import confusables as cf

    swap = {v: k for k, v in cf.LOOKALIKES.items() if v.islower()}
    bits = "".join(format(b, "08b") for b in msg.encode())
    cover = "we checked every dashboard twice this morning and the error rate stayed flat " * 30
    out, i = [], 0
    for ch in cover:
        if ch in cf.CAPABLE and i < len(bits):
            out.append(swap[ch] if bits[i] == "1" else ch)
            i += 1
        else:
            out.append(ch)
    findings = _scan_text("# Status\n\n" + "".join(out) + "\n")
    hits = [f for f in findings if f.rule_id == "HM115"]
    assert len(hits) == 1 and hits[0].decoded == msg


def test_notebook_cells_report_once(tmp_path):
    import json

    msg = "Note to my next instance: keep going."
    code = _bits(msg, "\u200b", "\u200c")
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Results\n", "All good." + code + "\n"]},
                    {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
                     "source": ["x = 1  # done" + code + "\n"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    p = tmp_path / "run.ipynb"
    p.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    hits = [f for f in scan([p], rules=load_rules(select=["HM1"])).findings if f.rule_id == "HM104"]
    assert sorted(f.location.line for f in hits) == [8, 17]
    assert all(f.decoded == msg for f in hits)
