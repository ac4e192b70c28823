"""Baselines: the findings a project has accepted, so a gate reports only new ones.

A baseline is a JSON file written by `artefact-scan baseline`; it lists each finding's
`fingerprint` (rule, file, way in and the matched text, never the line number, so moving code
around does not re-alert) with its rule, path and line for a reader.  It stores no snippet,
message or decoded payload: a baseline never carries the hidden text it accepts.  A scan with
`--baseline FILE` drops the findings whose fingerprint is in the file and counts them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from . import __version__
from .escape import json_visible

FORMAT = "artefact-scan-baseline"
VERSION = 1


class BaselineError(Exception):
    pass


@dataclass
class Baseline:
    fingerprints: frozenset[str]
    source: str

    def __len__(self) -> int:
        return len(self.fingerprints)


def document(result) -> dict:
    items = sorted(({"fingerprint": f.fingerprint, "rule_id": f.rule_id, "path": f.path,
                     "line": f.location.line} for f in result.findings),
                   key=lambda d: (d["path"], d["line"], d["rule_id"], d["fingerprint"]))
    return {"format": FORMAT, "version": VERSION, "tool": {"name": "artefact-scan", "version": __version__},
            "findings": items}


def dumps(result) -> str:
    from .reports.json_report import clean

    doc = document(result)
    for item in doc["findings"]:
        item["path"] = clean(item["path"])
    return json_visible(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def looks_like_baseline(head: bytes) -> bool:
    return FORMAT.encode() in head[:512]


def loads(data: bytes | str, source: str) -> Baseline:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise BaselineError(f"{source}: not a baseline file (not valid JSON: {e})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BaselineError(f"{source}: not an artefact-scan baseline (write one with `artefact-scan baseline`)")
    if doc.get("version") != VERSION:
        raise BaselineError(f"{source}: baseline version {doc.get('version')!r} is not supported (expected {VERSION})")
    items = doc.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"{source}: 'findings' must be a list")
    fps = set()
    for i, item in enumerate(items):
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fp, str) or not fp:
            raise BaselineError(f"{source}: finding {i + 1} has no fingerprint")
        fps.add(fp)
    return Baseline(frozenset(fps), source)


def load(path: str) -> Baseline:
    try:
        with open(path, "rb") as fh:
            data = fh.read(64 << 20)
    except OSError as e:
        raise BaselineError(f"{path}: cannot read: {e.strerror or e}") from None
    return loads(data, path)


def apply(findings: list, baseline: Baseline) -> tuple[list, int]:
    """The findings not in the baseline, and how many were."""
    kept = [f for f in findings if f.fingerprint not in baseline.fingerprints]
    return kept, len(findings) - len(kept)
