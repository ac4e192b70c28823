#!/usr/bin/env python3
"""Sandbox sweep benchmark: a folder of many small agent run folders, scanned the way a user
would (the installed `artefact-scan` command on a terminal, with `--group-by top`), timed next to
a plain read of the same files.

Each run folder holds what an agent run typically leaves: a JSONL transcript, a Markdown report,
a Python script, a shell script, a log; every 25th run also a zip of its outputs, every 50th an
e-mail.  A few runs carry something to find (a hidden tag-character note, a fork bomb in a tool
call, a fork bomb in a zipped script), so the per-run summary has content.  The scan runs under a
pseudo-terminal, so its progress bar is drawn; the script checks that it was, and that the
summary lists every run.

    python bench/sweep.py                      # 1,000 runs, all cores
    python bench/sweep.py --runs 200 --jobs 1 --json
"""
from __future__ import annotations

import argparse
import io
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HIDDEN = "".join(chr(0xE0000 + ord(c)) for c in "resume from step 4 next session")


def build(root: Path, runs: int) -> tuple[int, int, int]:
    """Write `runs` run folders under `root`; returns (files, bytes, runs with a planted finding)."""
    files = size = planted = 0
    for i in range(1, runs + 1):
        d = root / f"run-{i:04d}"
        d.mkdir(parents=True)
        bad = i % 97 == 0
        cmd = "bomb(){ bomb|bomb& }; bomb" if bad else f"pytest -q tests/test_{i}.py"
        records = [
            {"type": "user", "message": {"role": "user", "content": f"Task {i}: fix the failing test."}},
            {"type": "assistant", "message": {"content": [{"type": "tool_use", "id": f"t{i}", "name": "Bash",
                                                           "input": {"command": cmd}}]}},
            {"type": "tool_result", "tool_use_id": f"t{i}", "content": "1 passed in 0.01s\n" * 3},
            {"type": "assistant", "message": {"content": [{"type": "text", "text": f"Fixed run {i}.\n\nDone."}]}},
        ]
        report = f"# Run {i}\n\nAll checks pass.{HIDDEN if i % 89 == 0 else ''}\n\n```bash\npytest -q\n```\n"
        script = f"import sys\n\n\ndef main():\n    return {i}\n\n\nif __name__ == '__main__':\n    sys.exit(main())\n"
        shell = "#!/bin/sh\nset -e\npython3 fix.py\necho done\n"
        log = "".join(f"2026-01-02T03:04:{s % 60:02d} INFO step {s} ok\n" for s in range(40))
        out = {"transcript.jsonl": "\n".join(json.dumps(r) for r in records) + "\n", "REPORT.md": report,
               "fix.py": script, "run.sh": shell, "run.log": log}
        for name, text in out.items():
            (d / name).write_text(text, encoding="utf-8")
        if i % 25 == 0:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("outputs/fix.py", script)
                z.writestr("outputs/stress.sh", "#!/bin/sh\nf(){ f|f& }; f\n" if i % 100 == 0 else shell)
            (d / "outputs.zip").write_bytes(buf.getvalue())
        if i % 50 == 0:
            (d / "sent.eml").write_text("From: agent@example.invalid\nTo: ops@example.invalid\nSubject: run "
                                        f"{i}\n\nRun {i} finished.\n", encoding="utf-8")
        planted += bad or i % 89 == 0 or i % 100 == 0
        for p in d.iterdir():
            files += 1
            size += p.stat().st_size
    return files, size, planted


def plain_read(root: Path) -> float:
    t = time.perf_counter()
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            with open(os.path.join(dirpath, n), "rb") as fh:
                fh.read().decode("utf-8", "surrogateescape")
    return time.perf_counter() - t


def scan_on_tty(cmd: list[str]) -> tuple[float, int, str, str]:
    """Run `cmd` with stdout and stderr on a pseudo-terminal; returns wall time, exit status,
    what it printed, and the raw terminal stream (progress bar included)."""
    master, slave = pty.openpty()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait()
    wall = time.perf_counter() - t
    os.close(master)
    raw = b"".join(chunks).decode("utf-8", "replace")
    return wall, proc.returncode, raw.replace("\r\n", "\n"), raw


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=0, help="worker processes for the scan (0: all cores)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", help="build the runs in this folder and keep them")
    args = ap.parse_args()
    exe = shutil.which("artefact-scan") or str(Path(sys.executable).with_name("artefact-scan"))
    tmp = None
    if args.keep:
        root = Path(args.keep)
        shutil.rmtree(root, ignore_errors=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="as-sweep-")
        root = Path(tmp.name) / "runs"
    try:
        files, nbytes, planted = build(root, args.runs)
        plain_read(root)  # warm the page cache for both
        read_s = min(plain_read(root) for _ in range(3))
        cmd = [exe, "scan", str(root), "--group-by", "top", "--no-color", "--jobs", str(args.jobs)]
        wall, status, out, raw = scan_on_tty(cmd)
        m = re.search(r"Per run: (\d+) in all, (\d+) with findings", out)
        figures = {
            "runs": args.runs, "files": files, "mb": round(nbytes / 1e6, 2), "jobs": args.jobs or os.cpu_count(),
            "read_s": round(read_s, 3), "scan_s": round(wall, 2), "ratio": round(wall / read_s, 1),
            "exit_status": status, "runs_in_summary": int(m.group(1)) if m else None,
            "runs_with_findings": int(m.group(2)) if m else None, "planted": planted,
            "progress_bar": bool(re.search(r"\[[#.]{30}\] \d+/\d+ files", raw)),
        }
    finally:
        if tmp is not None:
            tmp.cleanup()
    ok = (figures["runs_in_summary"] == args.runs and figures["progress_bar"] and status == 1
          and figures["runs_with_findings"] == planted)
    if args.json:
        print(json.dumps({**figures, "ok": ok}, indent=2))
    else:
        print(f"sweep of {args.runs} run folders: {files} files, {figures['mb']} MB")
        print(f"  plain read + decode      {read_s:8.3f} s")
        print(f"  artefact-scan (jobs={figures['jobs']})  {wall:8.2f} s   ({figures['ratio']}x the read)")
        print(f"  per-run summary: {figures['runs_in_summary']} runs, {figures['runs_with_findings']} with "
              f"findings ({planted} planted); progress bar drawn: {figures['progress_bar']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
