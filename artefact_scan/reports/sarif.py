"""SARIF 2.1.0 for code scanning: one run, every rule with its help, results with regions,
partial fingerprints and related locations, and files that could not be fully analysed as tool
execution notifications.  Paths are relative URIs (as given on the command line), with
`%SRCROOT%` as their base; the file is written even when there are no results, which is how
code scanning closes fixed alerts."""
from __future__ import annotations

import json
import os
import sys
from urllib.parse import quote

from .. import __version__
from ..charpolicy import unicode_version
from ..components import versions
from ..docs import rule_markdown
from ..escape import json_visible, one_line
from .json_report import clean
from . import renderer

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "note": "note"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
SECURITY = {"error": 8.0, "warning": 5.5, "note": 2.0}


def repo_root(start: str | None = None) -> str | None:
    """The work tree holding the current directory: the nearest folder upwards with a `.git`
    (looked up on disk; git is not run)."""
    d = os.path.abspath(start or os.getcwd())
    while True:
        if os.path.lexists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def repo_path(path: str, root: str | None) -> str:
    """A finding's path relative to the repository root, which is how code scanning matches
    results to files; paths outside the repository stay as they are."""
    p = clean(path)
    if root is None:
        return p
    ap = os.path.abspath(p)
    rel = os.path.relpath(ap, root)
    if rel.startswith("..") or os.path.isabs(rel):
        return p
    return rel


def uri(path: str, root: str | None = None) -> dict:
    p = repo_path(path, root)
    if os.sep != "/":
        p = p.replace(os.sep, "/")
    while p.startswith("./"):
        p = p[2:]
    if p.startswith("/"):
        return {"uri": "file://" + quote(p)}
    return {"uri": quote(p), "uriBaseId": "%SRCROOT%"}


# -- primaryLocationLineHash ----------------------------------------------------------------
# GitHub code scanning de-duplicates alerts across runs by `primaryLocationLineHash`, a rolling
# hash of the first 100 non-blank characters from the start of the finding's line, as computed
# by the codeql-action's upload step (src/fingerprints.ts).  The REST upload does not compute
# it, so it is written here with the same algorithm: UTF-16 code units, spaces and tabs
# skipped, CR, LF and CRLF as LF, a rolling polynomial hash mod 2^64 over a 100-unit window.
_MASK = (1 << 64) - 1
_BLOCK = 100
_FIRST_MOD = pow(37, _BLOCK, 1 << 64)
MAX_HASH_BYTES = 4 << 20
MAX_RESULTS = 25000


def line_hashes(text: str, wanted: set[int] | None = None) -> dict[int, str]:
    """{line: "hash:occurrence"} for every line (or the `wanted` ones) of `text`."""
    from array import array
    from itertools import chain

    units = array("H")
    units.frombytes(text.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    window = [0] * _BLOCK
    line_numbers = [-1] * _BLOCK
    counts: dict[int, int] = {}
    out: dict[int, str] = {}
    h = 0
    index = 0
    line_number = 0
    line_start = True
    prev_cr = False

    def emit(h: int, ln: int) -> None:
        n = counts.get(h, 0) + 1
        counts[h] = n
        if wanted is None or ln in wanted:
            out[ln] = f"{h:x}:{n}"

    for c in chain(units, (65535,)):
        if c == 32 or c == 9 or (prev_cr and c == 10):
            prev_cr = False
            continue
        if c == 13:
            c = 10
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[index] != -1:
            emit(h, line_numbers[index])
            line_numbers[index] = -1
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[index] = line_number
        if c == 10:
            line_start = True
        begin = window[index]
        window[index] = c
        h = (37 * h + c - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK
    for _ in range(_BLOCK):
        if line_numbers[index] != -1:
            emit(h, line_numbers[index])
            line_numbers[index] = -1
        begin = window[index]
        window[index] = 0
        h = (37 * h - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK
    return out


def _file_hashes(path: str, lines: set[int]) -> dict[int, str]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return {}
    try:
        import stat

        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_HASH_BYTES:
            return {}  # the upload action computes it from the checkout instead
        data = os.read(fd, MAX_HASH_BYTES + 1)
    finally:
        os.close(fd)
    return line_hashes(data.decode("utf-8", "replace"), lines)


def _region(loc, snippet: str | None = None) -> dict:
    r = {"startLine": loc.line, "startColumn": loc.column, "endLine": loc.end_line,
         "endColumn": max(loc.end_column, 1)}
    if snippet:
        r["snippet"] = {"text": snippet}
    return r


def rule_descriptor(rule) -> dict:
    sev = SECURITY[rule.severity]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title[:1024]},
        "fullDescription": {"text": rule.docs["summary"].strip()[:1024]},
        "help": {"text": rule.docs["summary"].strip() + "\n\n" + rule.docs["why"].strip(),
                 "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["security", rule.category, *rule.tags][:20],
            "precision": PRECISION[rule.confidence],
            "security-severity": f"{sev:.1f}",
            "category": rule.category,
        },
    }


@renderer("sarif")
def render(result, **kw) -> str:
    rules = sorted(result.ruleset.rules.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    root = repo_root()
    findings = result.findings
    left_out = 0
    if len(findings) > MAX_RESULTS:  # code scanning takes 25,000 results per run: the most severe
        order = {"error": 0, "warning": 1, "note": 2}
        keep = sorted(findings, key=lambda f: (order[f.severity], f.sort_key()))[:MAX_RESULTS]
        left_out = len(findings) - len(keep)
        findings = sorted(keep, key=lambda f: f.sort_key())
    wanted: dict[str, set[int]] = {}
    for f in findings:
        wanted.setdefault(f.path, set()).add(f.location.line)
    hashes = {p: _file_hashes(p, lines) for p, lines in wanted.items()}
    results = []
    for f in findings:
        res = {
            "ruleId": f.rule_id,
            "level": LEVEL[f.severity],
            "message": {"text": one_line(f.message) + (f" Decoded: {one_line(f.decoded, 500)}"
                                                        if f.decoded and f.decoded not in f.message else "")},
            "locations": [{"physicalLocation": {"artifactLocation": uri(f.path, root),
                                                "region": _region(f.location, f.snippet)}}],
            "partialFingerprints": {"artefactScan/v1": f.fingerprint},
            "properties": {"category": f.category, "confidence": f.confidence,
                           "origin": [clean(o) for o in f.origin]},
        }
        lh = hashes.get(f.path, {}).get(f.location.line)
        if lh:
            res["partialFingerprints"]["primaryLocationLineHash"] = lh
        if f.rule_id in index:
            res["ruleIndex"] = index[f.rule_id]
        if f.decoded:
            res["properties"]["decoded"] = f.decoded
        if f.related:
            res["relatedLocations"] = [
                {"id": i + 1, "message": {"text": one_line(r.label)},
                 "physicalLocation": {"artifactLocation": uri(r.path or f.path, root), "region": _region(r.location)}}
                for i, r in enumerate(f.related[:100])]
            if f.evidence.get("flow"):
                head = [{"location": {"physicalLocation": {"artifactLocation": uri(f.path, root),
                                                           "region": _region(f.location)},
                                      "message": {"text": one_line(f.title)}}}]
                steps = [{"location": {"physicalLocation": {"artifactLocation": uri(r.path or f.path, root),
                                                            "region": _region(r.location)},
                                       "message": {"text": one_line(r.label)}}}
                         for r in f.related[:100]]
                # flow = "end": the finding sits on the last step (a sink reached by a source)
                steps = steps + head if f.evidence.get("flow") == "end" else head + steps
                res["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
        results.append(res)
    notes = [{"level": "warning", "message": {"text": one_line(e.message)},
              "locations": [{"physicalLocation": {"artifactLocation": uri(e.path, root)}}]}
             for e in result.errors]
    if left_out:
        notes.append({"level": "warning", "message": {"text": f"{left_out} less severe results are not in "
                      f"this file (code scanning takes {MAX_RESULTS} per run); see the JSON report"}})
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "artefact-scan", "version": __version__, "semanticVersion": __version__,
                "rules": [rule_descriptor(r) for r in rules],
                # the Unicode data the character policy was built from (additive)
                "properties": {"unicode_version": unicode_version()},
            }, "extensions": [{"name": name, "version": ver} for name, ver in versions().items() if ver]},
            "automationDetails": {"id": "artefact-scan/"},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes}],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json_visible(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
