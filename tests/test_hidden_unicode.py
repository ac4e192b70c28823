"""The invisible-Unicode pack: character policy, context judgment, decoders, bidi, reports."""
from __future__ import annotations

import json

from artefact_scan import charpolicy as cp
from artefact_scan.carrier_decoders import (decode_plane14, decode_symbols,
                                            decode_variation_selectors)
from artefact_scan.codelex import literals

from .conftest import run_cli


def _flagged(text: str) -> list[str]:
    return [f"U+{ord(text[i]):04X}" for i in cp.unexplained(text)]


def test_unicode_version_is_reported_and_current():
    v = cp.unicode_version()
    assert v != "unknown" and int(v.split(".")[0]) >= 15
    # a Unicode 15 emoji is assigned in the policy's data, whatever the interpreter's is
    assert not cp.is_carrier("\U0001FAE8")


def test_policy_covers_what_category_based_checks_miss():
    for ch in ("\u200b", "\u2062", "\ufe0f", "\U000E0100", "\U000E0041", "\U000E0ABC", "\u3164",
               "\u115f", "\uffa0", "\u2800", "\u180e", "\u00ad", "\u034f", "\u202e", "\u2066",
               "\u061c", "\ufeff", "\u180b"):
        assert cp.is_carrier(ch), f"U+{ord(ch):04X}"
    for ch in ("a", " ", "\u00e9", "\u0430", "\u4e00", "\U0001F600", "\u00a0", "\u2019"):
        assert not cp.is_carrier(ch)


def test_context_explains_legitimate_sequences():
    ok = [
        "\U0001F468\u200d\U0001F469\u200d\U0001F467",  # family
        "\U0001F408\u200d\u2B1B",  # black cat: a BMP pictograph after the ZWJ
        "\u2764\ufe0f\u200d\U0001F525",  # heart on fire
        "\U0001F469\U0001F3FD\u200d\U0001F4BB",  # skin tone, then ZWJ
        "1\ufe0f\u20e3 #\ufe0f\u20e3",  # keycaps
        "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",  # Scotland
        "\u845b\U000E0100",  # ideographic variation sequence
        "\u2229\ufe00",  # standardized variant
        "\u0645\u06cc\u200c\u0631\u0648\u0645",  # Persian ZWNJ
        "\u0915\u094d\u200d\u0937",  # Devanagari ZWJ
        "\u0dc1\u0dca\u200d\u0dbb\u0dd3",  # Sinhala ZWJ
        "\u05e9\u05dc\u05d5\u05dd\u200f (1)",  # RLM beside Hebrew
        "\u0600\u0661\u0662",  # Arabic number sign before digits
        "Donau\u00addampf",  # soft hyphen inside a word
        "\ufeffheading",  # BOM at offset 0
        "\u0e20\u0e32\u0e29\u0e32\u200b\u0e44\u0e17\u0e22",  # Thai word break
    ]
    for text in ok:
        assert _flagged(text) == [], text


def test_context_does_not_explain_carriers():
    assert _flagged("a\u200bb") == ["U+200B"]
    assert _flagged("x\u200dy") == ["U+200D"]  # ZWJ between Latin letters
    assert _flagged("\u2764\ufe0f\ufe01") == ["U+FE0F", "U+FE01"]  # two selectors
    assert _flagged("A\U000E0100") == ["U+E0100"]  # IVS after a non-Han base
    assert _flagged("\U0001F3F4\U000E0048\U000E0049\U000E007F") == ["U+E0048", "U+E0049", "U+E007F"]
    assert _flagged("1\ufe0f") == ["U+FE0F"]  # VS16 after a digit without a keycap
    assert _flagged("plain \u200f text") == ["U+200F"]  # RLM in Latin text
    assert _flagged("mid\ufefffile") == ["U+FEFF"]
    assert _flagged("\u3164") == ["U+3164"]


def test_variation_selector_mappings():
    msg = "Long live the data point."
    butler = "".join(chr(0xFE00 + b) if b < 16 else chr(0xE0100 + b - 16) for b in msg.encode())
    assert decode_variation_selectors(butler).text == msg
    assert decode_variation_selectors("\ufe0f" + butler).text == msg
    garak = "".join(chr(0xE0100 + ord(c)) for c in msg)
    assert decode_variation_selectors(garak).text == msg


def test_plane14_rejects_foreign_code_points():
    assert decode_plane14("\U000E0100a\U000E0101") is None


def test_symbol_decoder_needs_a_real_alphabet():
    assert decode_symbols("\u200b" * 40) is None  # one symbol carries nothing
    assert decode_symbols("\u200b\u200c") is None  # too short


def test_code_lexer_finds_strings_and_comments():
    text = 'x = "a # b"  # c\ny = \'\'\'q\nr\'\'\' + 1\n'
    lits = literals(text, "python")
    kinds = [(text[s.start:s.end], s.what) for s in lits.spans]
    assert kinds == [('"a # b"', "string"), ("# c", "comment"), ("'''q\nr'''", "string")]
    js = "const r = /a'b/; // x\nconst s = `t${1}`;"
    assert [s.what for s in literals(js, "javascript").spans] == ["string", "comment", "string"]
    sh = "echo '#x' # y\n"
    assert [(sh[s.start:s.end], s.what) for s in literals(sh, "shell").spans] == [("'#x'", "string"), ("# y", "comment")]


def test_reports_carry_the_unicode_version(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("hi\n")
    doc = json.loads(run_cli("scan", f, "--format", "json", cwd=tmp_path).stdout)
    assert doc["tool"]["unicode_version"] == cp.unicode_version()
    sarif = json.loads(run_cli("scan", f, "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["runs"][0]["tool"]["driver"]["properties"]["unicode_version"] == cp.unicode_version()


def test_decoded_payload_and_chain_in_json(tmp_path):
    msg = "Note to my next instance: keep going."
    bits = "".join(format(b, "08b") for b in msg.encode())
    code = "".join("\u200b" if c == "0" else "\u200c" for c in bits)
    f = tmp_path / "notes.md"
    f.write_text("# Notes\n\nAll done." + code + "\n", encoding="utf-8")
    doc = json.loads(run_cli("scan", f, "--format", "json", cwd=tmp_path).stdout)
    hm = [x for x in doc["findings"] if x["rule_id"] == "HM104"]
    assert len(hm) == 1 and hm[0]["decoded"] == msg and hm[0]["line"] == 3
    assert hm[0]["severity"] == "error"
    assert "U+200B=0, U+200C=1, MSB first" in hm[0]["origin"][-1]
    assert "\u200b" not in hm[0]["snippet"]


def test_fast_carrier_class_covers_the_whole_code_space():
    import regex

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    full = {ord(m.group()) for m in regex.finditer(cp.CARRIER_CLASS, every, flags=regex.V1)}
    assert full == set(cp.carrier_codepoints())
    fast = cp.fast_carrier_run()
    assert {ord(c) for m in fast.finditer(every) for c in m.group()} == full


def test_utf8_gate_agrees_with_the_class():
    for c in cp.carrier_codepoints()[::7]:
        assert cp.has_carrier("abc " + chr(c) + " \u00e9")
    assert not cp.has_carrier("caf\u00e9 \u2019quoted\u2019 \u4e2d\u6587 \U0001F600 \udce9")


def test_many_signals_of_one_rule_evaluate_in_linear_time():
    import time

    from artefact_scan import load_rules
    from artefact_scan.conditions import evaluate
    from artefact_scan.model import Artefact, Signal

    rule = load_rules(select=["HM113"]).rules["HM113"]  # signal scope, lower_if a fact
    art = Artefact(path="x.js", name="x.js", kind="javascript", text="x\n" * 30000)
    sigs = [Signal("hm.homoglyph-identifier", 2 * i, 2 * i + 1, {"identifier": "x", "reason": "r"})
            for i in range(30000)]
    t = time.monotonic()
    hits = evaluate([rule], art, sigs)
    assert len(hits) == 30000 and time.monotonic() - t < 5


def test_zwj_judgment_agrees_with_grapheme_clusters():
    """A ZWJ between pictographs is inside one extended grapheme cluster (UAX #29 GB11), as
    `regex`'s \\X segments it; a ZWJ the policy flags is not joining two pictographs."""
    import regex

    samples = ["\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U0001F3F3\ufe0f\u200d\U0001F308",
               "\U0001F469\U0001F3FD\u200d\U0001F4BB", "a\u200d\U0001F600", "\U0001F600\u200dx",
               "\U0001F408\u200d\u2B1B"]
    for text in samples:
        clusters = regex.findall(r"\X", text)
        joined = any("\u200d" in c[1:-1] and regex.match(r"\p{Extended_Pictographic}", c) for c in clusters)
        assert joined == (cp.unexplained(text) == []), text


def test_file_names_are_a_channel(tmp_path):
    from artefact_scan import load_rules, scan

    (tmp_path / "CLAUDE\u200b.md").write_text("# memory\n", encoding="utf-8")
    (tmp_path / "invoice\u202efdp.exe.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / ("notes" + "".join(chr(0xE0000 + ord(c)) for c in "run me later") + ".md")).write_text("ok\n")
    (tmp_path / "\U0001F468\u200d\U0001F469\u200d\U0001F467 family.md").write_text("ok\n", encoding="utf-8")
    (tmp_path / "\u0645\u06cc\u200c\u0631\u0648\u0645.md").write_text("ok\n", encoding="utf-8")
    res = scan([tmp_path], rules=load_rules(select=["HM1"]))
    got = sorted((f.rule_id, f.path.rsplit("/", 1)[-1]) for f in res.findings)
    assert [r for r, _ in got] == ["HM101", "HM117", "HM117"], got
    tag = next(f for f in res.findings if f.rule_id == "HM101")
    assert tag.decoded == "run me later" and "in the file name" in tag.origin[-1]
    assert any("override" in f.message for f in res.findings if f.rule_id == "HM117")
