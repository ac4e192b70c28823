#!/usr/bin/env python3
"""Benchmark: artefact-scan's throughput as a ratio against baselines run in the same command.

Corpora (named, rebuilt on every run from what this machine has):
  stdlib  every .py file of the running interpreter's standard library (site-packages excluded)
  mixed   stdlib plus text under /usr/share/doc and /usr/share/common-licenses (capped, see --cap)

Baselines, timed in the same invocation on the same files:
  ast     `ast.parse` of every .py file (the cost of the cheapest real Python parser)
  read    reading and decoding every file (the floor for any scanner)

Every corpus also reports its scan time against the plain read (`x read`), so the stdlib line
shows how close the ASCII fast paths keep a pure-ASCII corpus to the cost of reading it.

Every figure is the median of --runs runs; ratios are per run (scan / baseline), then the median,
so drift on a shared machine affects both sides alike.  Scans run in this process with one job
(one core) unless --jobs says otherwise.

    python bench/bench.py                      # everything
    python bench/bench.py --corpus stdlib --select self-replication --runs 5
    python bench/bench.py --corpus stdlib --select none --select HM1 --select hidden-message

`--select none` times the engine with no rule (finding, reading, decoding and naming each file:
the floor every pack stands on); an id prefix such as HM1 times a family of rules (HM1xx: the
invisible-Unicode, whitespace and homoglyph channels, which pure-ASCII text skips in one check).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import sys
import sysconfig
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def stdlib_files() -> list[Path]:
    lib = Path(sysconfig.get_paths()["stdlib"])
    out = []
    for p in sorted(lib.rglob("*.py")):
        parts = p.relative_to(lib).parts
        if "site-packages" in parts or "dist-packages" in parts:
            continue
        if p.is_file() and not p.is_symlink():
            out.append(p)
    return out


def text_files(roots: list[Path], cap: int) -> list[Path]:
    out, total = [], 0
    for root in roots:
        if not root.exists():
            continue
        for p in sorted(root.rglob("*")):
            if total >= cap:
                return out
            try:
                if p.is_symlink() or not p.is_file() or p.suffix in (".gz", ".xz", ".bz2", ".zip", ".png", ".jpg"):
                    continue
                head = p.read_bytes()[:4096]
            except OSError:
                continue
            if b"\x00" in head:
                continue
            out.append(p)
            total += p.stat().st_size
    return out


def corpus(name: str, cap_mb: float) -> list[Path]:
    py = stdlib_files()
    if name == "stdlib":
        return py
    cap = int(cap_mb * 1e6)
    rest = text_files([Path("/usr/share/common-licenses"), Path("/usr/share/doc")], cap - sum(p.stat().st_size for p in py))
    return py + rest


def base_read(files):
    for p in files:
        p.read_bytes().decode("utf-8", "surrogateescape")


def base_ast(files):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p in files:
            if p.suffix != ".py":
                continue
            try:
                ast.parse(p.read_bytes())
            except (SyntaxError, ValueError, RecursionError):
                pass


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=["stdlib", "mixed", "all"], default="all")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--cap", type=float, default=60.0, help="size of the mixed corpus in MB (default 60)")
    ap.add_argument("--select", action="append", default=[],
                    help="rule selection to time (repeatable; default: every pack together and each alone)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    import artefact_scan
    from artefact_scan import load_rules

    selections = args.select or ["ALL", "hidden-message", "self-replication", "legal-forgery"]
    corpora = ["stdlib", "mixed"] if args.corpus == "all" else [args.corpus]
    report = {"python": sys.version.split()[0], "version": artefact_scan.__version__,
              "runs": args.runs, "jobs": args.jobs, "corpora": {}}
    for cname in corpora:
        files = corpus(cname, args.cap)
        nbytes = sum(p.stat().st_size for p in files)
        mb = nbytes / 1e6
        baseline_name = "ast" if cname == "stdlib" else "read"
        baseline = base_ast if cname == "stdlib" else base_read
        entry = {"files": len(files), "mb": round(mb, 2), "baseline": baseline_name, "scans": {}}
        base_read(files)  # warm the page cache
        paths = [str(p) for p in files]
        for sel in selections:
            rules = load_rules(select=[sel])
            if sel == "none":  # the engine alone: discover, read, decode, kind and path facts
                rules = type(rules)({}, rules.patterns)
            scan_t, base_t, ratios, read_ratios, counts = [], [], [], [], None
            for _ in range(args.runs):
                b = timed(baseline, files)
                rd = b if baseline is base_read else timed(base_read, files)
                t0 = time.perf_counter()
                res = artefact_scan.scan(paths, rules=rules, jobs=args.jobs)
                s = time.perf_counter() - t0
                base_t.append(b)
                scan_t.append(s)
                ratios.append(s / b)
                read_ratios.append(s / rd)
                counts = (res.counts(), len(res.errors))
            med_s, med_b = statistics.median(scan_t), statistics.median(base_t)
            entry["scans"][sel] = {
                "rules": len(rules.rules), "scan_s": round(med_s, 3), "scan_mb_s": round(mb / med_s, 2),
                "baseline_s": round(med_b, 3), "baseline_mb_s": round(mb / med_b, 2),
                "ratio": round(statistics.median(ratios), 2), "read_ratio": round(statistics.median(read_ratios), 1),
                "findings": counts[0], "errors": counts[1],
            }
        report["corpora"][cname] = entry
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"artefact-scan {report['version']} on Python {report['python']}, median of {args.runs} runs, "
          f"jobs={args.jobs}")
    for cname, e in report["corpora"].items():
        print(f"\ncorpus {cname}: {e['files']} files, {e['mb']} MB; baseline: {e['baseline']}")
        print(f"  {'rules':<18}{'scan s':>9}{'MB/s':>9}{'base s':>9}{'base MB/s':>11}{'ratio':>8}{'x read':>9}  findings (e/w/n), errors")
        for sel, r in e["scans"].items():
            f = r["findings"]
            print(f"  {sel:<18}{r['scan_s']:>9.2f}{r['scan_mb_s']:>9.2f}{r['baseline_s']:>9.2f}"
                  f"{r['baseline_mb_s']:>11.2f}{r['ratio']:>7.2f}x{r['read_ratio']:>8.1f}x  {f['error']}/{f['warning']}/{f['note']}, {r['errors']}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
