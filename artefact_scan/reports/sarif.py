"""SARIF 2.1.0 for code scanning: one run, every rule with its help, results with regions,
partial fingerprints and related locations, and files that could not be fully analysed as tool
execution notifications.  Paths are relative URIs (as given on the command line), with
`%SRCROOT%` as their base; the file is written even when there are no results, which is how
code scanning closes fixed alerts."""
from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..components import versions
from ..docs import rule_markdown
from ..escape import one_line
from .json_report import clean
from . import renderer

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "note": "note"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
SECURITY = {"error": 8.0, "warning": 5.5, "note": 2.0}


def uri(path: str) -> dict:
    p = clean(path).replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    if p.startswith("/"):
        return {"uri": "file://" + quote(p)}
    return {"uri": quote(p), "uriBaseId": "%SRCROOT%"}


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
    results = []
    for f in result.findings:
        res = {
            "ruleId": f.rule_id,
            "level": LEVEL[f.severity],
            "message": {"text": one_line(f.message) + (f" Decoded: {one_line(f.decoded, 500)}"
                                                        if f.decoded and f.decoded not in f.message else "")},
            "locations": [{"physicalLocation": {"artifactLocation": uri(f.path),
                                                "region": _region(f.location, f.snippet)}}],
            "partialFingerprints": {"artefactScan/v1": f.fingerprint},
            "properties": {"category": f.category, "confidence": f.confidence,
                           "origin": [clean(o) for o in f.origin]},
        }
        if f.rule_id in index:
            res["ruleIndex"] = index[f.rule_id]
        if f.decoded:
            res["properties"]["decoded"] = f.decoded
        if f.related:
            res["relatedLocations"] = [
                {"id": i + 1, "message": {"text": one_line(r.label)},
                 "physicalLocation": {"artifactLocation": uri(f.path), "region": _region(r.location)}}
                for i, r in enumerate(f.related[:100])]
            if f.evidence.get("flow"):
                steps = [{"location": {"physicalLocation": {"artifactLocation": uri(f.path),
                                                            "region": _region(f.location)},
                                       "message": {"text": one_line(f.title)}}}]
                steps += [{"location": {"physicalLocation": {"artifactLocation": uri(f.path),
                                                             "region": _region(r.location)},
                                        "message": {"text": one_line(r.label)}}}
                          for r in f.related[:100]]
                res["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
        results.append(res)
    notes = [{"level": "warning", "message": {"text": one_line(e.message)},
              "locations": [{"physicalLocation": {"artifactLocation": uri(e.path)}}]}
             for e in result.errors]
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "artefact-scan", "version": __version__, "semanticVersion": __version__,
                "rules": [rule_descriptor(r) for r in rules],
            }, "extensions": [{"name": name, "version": ver} for name, ver in versions().items() if ver]},
            "automationDetails": {"id": "artefact-scan/"},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes}],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
