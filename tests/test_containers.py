"""Containers a sandbox sweep opens: bounds that make a bomb a finding, never a hang; nested
formats; members that cannot be read; e-mail parts; transcripts.  The rule fixtures under
fixtures/rules/run and fixtures/rules/engine/AS010 cover the findings; these cover the edges."""
from __future__ import annotations

import gzip
import io
import json
import time
import zipfile

import artefact_scan
from artefact_scan.context import Context, Limits
from artefact_scan.extractors.archive import extract_archive
from artefact_scan.model import Artefact


def scan(path, **kw):
    # the rules these tests count; other packs' rules may find more in the same files
    kw.setdefault("select", ["SR201", "HM101", "AS"])
    return artefact_scan.scan([path], jobs=1, **kw)


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return buf.getvalue()


def test_a_copy_of_an_enclosing_archive_is_a_quine_bomb():
    data = zip_of({"a.txt": b"hello\n"})
    ctx = Context("x.zip", Limits())
    outer = Artefact("x.zip", "x.zip", "zip", "", meta={"bytes": data})
    extract_archive(outer, ctx)
    inner = Artefact("x.zip", "x.zip", "zip", "", parent=outer, origin=("x.zip",), depth=1, meta={"bytes": data})
    extract_archive(inner, ctx)
    sigs = ctx.signals_of(inner)
    assert [s.name for s in sigs] == ["archive.bomb"] and "quine" in sigs[0].data["detail"]


def test_nested_bomb_stops_quickly(tmp_path):
    # 42.zip style: many copies of a compressible member, nested; the budget stops it
    layer = zip_of({f"z{i}.bin": b"\0" * (4 << 20) for i in range(8)})
    for _ in range(3):
        layer = zip_of({f"l{i}.zip": layer for i in range(8)})
    f = tmp_path / "nested.zip"
    f.write_bytes(layer)
    t = time.monotonic()
    res = scan(f)
    assert time.monotonic() - t < 60
    assert res.errors, "the budget must be reported"
    assert any("not analysed" in e.message for e in res.errors)
    assert [f.rule_id for f in res.findings] == ["AS010"]
    assert "nested archives" in res.findings[0].message


def test_corrupt_and_encrypted_members_are_errors(tmp_path):
    good = zip_of({"a.md": b"# ok\n"})
    (tmp_path / "cut.zip").write_bytes(good[: len(good) // 2])
    import random

    (tmp_path / "cut.gz").write_bytes(gzip.compress(random.Random(1).randbytes(100000))[:2000])
    enc = bytearray(zip_of({"secret.txt": b"hidden\n"}))
    enc[6] |= 1  # local header: encrypted
    cd = enc.rindex(b"PK\x01\x02")
    enc[cd + 8] |= 1  # central directory: encrypted
    (tmp_path / "enc.zip").write_bytes(bytes(enc))
    res = scan(tmp_path)
    msgs = {e.path.rsplit("/", 1)[1]: e.message for e in res.errors}
    assert "corrupt" in msgs["cut.zip"]
    assert "truncated" in msgs["cut.gz"]
    assert "encrypted" in msgs["enc.zip"]


def test_member_names_are_only_labels(tmp_path):
    f = tmp_path / "evil.zip"
    f.write_bytes(zip_of({"../../outside.sh": b"#!/bin/sh\nf(){ f|f& }; f\n"}))
    res = scan(f)
    # analysed as a member, never written; the name itself is reported (zip-slip)
    assert [x.rule_id for x in res.findings] == ["AS011", "SR201"]
    assert res.findings[1].origin[1] == "../../outside.sh"
    assert not (tmp_path.parent.parent / "outside.sh").exists()


def test_eml_with_crlf_and_quoted_printable(tmp_path):
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ping me later")
    body = ("Hello=2C\r\nthe report is ready." + hidden).encode("utf-8")
    import quopri

    qp = quopri.encodestring(body).decode("ascii")
    msg = ("From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: hi\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
           + qp.replace("\n", "\r\n") + "\r\n")
    f = tmp_path / "m.eml"
    f.write_bytes(msg.encode("ascii"))
    res = scan(f)
    [hm] = [x for x in res.findings if x.rule_id == "HM101"]
    assert hm.decoded == "ping me later"
    assert hm.location.line >= 7


def test_transcript_strings_map_to_their_line(tmp_path):
    rec = [{"role": "user", "content": "hi"},
           {"role": "assistant", "content": "ok", "tool_calls": [
               {"function": {"name": "bash", "arguments": json.dumps({"command": "echo a\nw(){ w|w& }; w"})}}]}]
    f = tmp_path / "log.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rec) + "\n")
    res = scan(f)
    [fb] = res.findings
    assert fb.rule_id == "SR201" and fb.location.line == 2
    assert fb.origin[1].startswith("line 2 $[1].tool_calls") or "tool_calls" in fb.origin[1]
    # an invalid record is an error, the valid ones are still read
    f.write_text("{bad json\n" + json.dumps(rec[1]) + "\n")
    res = scan(f)
    assert [x.rule_id for x in res.findings] == ["SR201"]
    assert any("not valid JSON" in e.message for e in res.errors)


def test_mutated_containers_never_break_an_extractor(tmp_path):
    """Flipped and cut bytes in every container format end as reported errors, never as an
    extractor failure or a hang."""
    import bz2
    import lzma
    import random
    import tarfile

    rnd = random.Random(7)
    tar_buf = io.BytesIO()
    with tarfile.open(fileobj=tar_buf, mode="w") as t:
        data = b"#!/bin/sh\necho hi\n" * 20
        info = tarfile.TarInfo("a/run.sh")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    tar = tar_buf.getvalue()
    eml = (b"From: a@example.invalid\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
           b"--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQK\n--b--\n")
    seeds = {"x.zip": zip_of({"a.md": b"# hi\n" * 50, "b.json": b'{"a": "b\\nc"}'}), "x.tar": tar,
             "x.tar.gz": gzip.compress(tar), "x.tar.bz2": bz2.compress(tar), "x.tar.xz": lzma.compress(tar),
             "x.eml": eml, "x.jsonl": b'{"command": "echo hi\\nls"}\n{"content": "a\\u200bb"}\n'}
    n = 0
    for name, blob in seeds.items():
        for _ in range(12):
            b = bytearray(blob)
            for _ in range(rnd.randint(1, 8)):
                b[rnd.randrange(len(b))] = rnd.randrange(256)
            if rnd.random() < 0.3:
                b = b[: rnd.randrange(1, len(b))]
            (tmp_path / f"{n:03d}-{name}").write_bytes(bytes(b))
            n += 1
    t = time.monotonic()
    res = artefact_scan.scan([tmp_path], jobs=1)
    assert time.monotonic() - t < 120
    bad = [e for e in res.errors if "failed (" in e.message or "internal error" in e.message]
    assert not bad, "\n".join(f"{e.path} {e.origin}: {e.message}" for e in bad[:10])


def test_json_string_maps_are_exact():
    """Every character of a parsed JSON string maps back onto the raw text that produced it: the
    same character where it is written as is, an escape that decodes to it where it is not."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from artefact_scan import jsonpos

    values = st.recursive(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.integers() | st.none(),
        lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4),
        max_leaves=12)

    @settings(max_examples=150, deadline=None)
    @given(values, st.booleans(), st.integers(min_value=0, max_value=3))
    def check(value, ascii_only, pad):
        raw = " " * pad + json.dumps(value, ensure_ascii=ascii_only)
        parsed = jsonpos.parse_prefix("x" * 3 + "\n" + raw, 4, 4 + len(raw)) if pad else jsonpos.parse(raw)
        text = "x" * 3 + "\n" + raw if pad else raw
        assert json.loads(raw) == _plain(parsed)
        for s in jsonpos.iter_strings(parsed):
            segs = s.segments
            for i, seg in enumerate(segs):
                end = segs[i + 1].child_start if i + 1 < len(segs) else len(s)
                piece = s[seg.child_start:end]
                if seg.exact:
                    assert text[seg.parent_start:seg.parent_start + len(piece)] == piece
                else:
                    assert json.loads('"' + text[seg.parent_start:seg.parent_end] + '"') == piece

    check()


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return str(v) if isinstance(v, str) else v


def test_json_with_comments_is_read_with_exact_positions(tmp_path):
    f = tmp_path / "tsconfig.json"
    f.write_text('{\n  // build settings\n  "compilerOptions": {"strict": true, /* was false */},\n'
                 '  "scripts": {"postinstall": "g(){ g|g& }; g"},\n}\n')
    res = scan(f)
    assert not res.errors
    [fb] = res.findings
    assert (fb.rule_id, fb.location.line, fb.location.column) == ("SR201", 4, 31)


def test_transcript_values_get_the_kind_they_hold():
    from artefact_scan.extractors.jsonlog import extract_json

    recs = [
        {"type": "tool_use", "name": "Bash", "input": {"command": "ls -la\necho hi", "description": "list\nfiles"}},
        {"type": "tool_use", "name": "Write", "input": {"file_path": "src/app.py", "content": "import os\nprint(1)\n"}},
        {"role": "tool", "name": "bash", "content": "total 0\nfile.txt\n"},
        {"type": "function_call", "name": "run", "arguments": json.dumps({"code": "print(2)\nprint(3)", "language": "python"})},
        {"role": "assistant", "content": "Done:\n```sh\nmake\n```\n"},
        {"name": "x", "scripts": {"build": "tsc -p .\nnode ."}},
    ]
    text = "\n".join(json.dumps(r) for r in recs) + "\n"
    ctx = Context("t.jsonl", Limits())
    art = Artefact("t.jsonl", "t.jsonl", "jsonl", text)
    extract_json(art, ctx)
    kinds = {c.origin[-1]: c.kind for c in ctx.pending}
    assert kinds["line 1 $.input.command"] == "shell"
    assert kinds["line 1 $.input.description"] == "text"
    assert kinds["line 2 $.input.content"] == "python"
    assert kinds["line 3 $.content"] == "text"  # a tool's output is not its language
    assert kinds["line 4 $.arguments"] == "json"
    assert kinds["line 5 $.content"] == "markdown"
    assert kinds["line 6 $.scripts.build"] == "shell"
    py = next(c for c in ctx.pending if c.origin[-1] == "line 2 $.input.content")
    assert py.name == "src/app.py" and py.text == "import os\nprint(1)\n"


def test_bzip2_and_xz_bombs(tmp_path):
    import bz2
    import lzma

    zeros = b"\0" * (20 << 20)
    (tmp_path / "z.log.bz2").write_bytes(bz2.compress(zeros))
    (tmp_path / "z.log.xz").write_bytes(lzma.compress(zeros))
    res = scan(tmp_path)
    assert sorted((f.rule_id, f.path.rsplit("/", 1)[1]) for f in res.findings) == [
        ("AS010", "z.log.bz2"), ("AS010", "z.log.xz")]


def test_embedded_budget_is_a_reported_option(tmp_path):
    import subprocess
    import sys
    import tarfile
    from pathlib import Path

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for i in range(6):
            data = ("line of a log %d\n" % i * 40000).encode()
            info = tarfile.TarInfo(f"run/log{i}.txt")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        bomb = b"#!/bin/sh\nq(){ q|q& }; q\n"
        info = tarfile.TarInfo("run/z-last.sh")
        info.size = len(bomb)
        t.addfile(info, io.BytesIO(bomb))
    (tmp_path / "runs.tar.gz").write_bytes(gzip.compress(buf.getvalue()))
    cli = str(Path(sys.executable).with_name("artefact-scan"))
    small = subprocess.run([cli, "scan", str(tmp_path), "--max-embedded-size", "1MB", "--format", "json",
                            "--select", "SR201"], capture_output=True, text=True)
    doc = json.loads(small.stdout)
    assert doc["findings"] == [] and any("expand past 1.0 MB" in e["message"] for e in doc["errors"])
    big = subprocess.run([cli, "scan", str(tmp_path), "--format", "json", "--select", "SR201"],
                         capture_output=True, text=True)
    doc = json.loads(big.stdout)
    assert [f["rule_id"] for f in doc["findings"]] == ["SR201"] and not doc["errors"]
    assert subprocess.run([cli, "scan", str(tmp_path), "--max-embedded-size", "lots"],
                          capture_output=True).returncode == 2
