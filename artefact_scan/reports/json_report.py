"""JSON: the output contract (see README "JSON output"); fields are only ever added."""
from __future__ import annotations

import json
import re

from .. import __version__
from ..charpolicy import unicode_version
from ..components import versions
from ..escape import json_visible
from ..model import CATEGORIES
from . import renderer
from ..lazyregex import lazy_re

_SURROGATE = lazy_re("[\ud800-\udfff]")


def clean(s):
    """Strings as valid Unicode: bytes that were not UTF-8 (lone surrogates) as ⟨0xNN⟩."""
    if isinstance(s, str) and not s.isascii() and _SURROGATE.search(s):
        return _SURROGATE.sub(lambda m: f"\u27e80x{ord(m.group()) - 0xDC00:02X}\u27e9"
                              if 0xDC80 <= ord(m.group()) <= 0xDCFF else "\ufffd", s)
    return s


def _loc(loc):
    return {"line": loc.line, "column": loc.column, "end_line": loc.end_line, "end_column": loc.end_column}


def finding_dict(f) -> dict:
    d = {
        "rule_id": f.rule_id, "category": f.category, "severity": f.severity,
        "confidence": f.confidence, "path": clean(f.path), "line": f.location.line,
        "column": f.location.column, "end_line": f.location.end_line,
        "end_column": f.location.end_column, "message": clean(f.message),
        "snippet": clean(f.snippet), "decoded": clean(f.decoded),
        "origin": [clean(o) for o in f.origin], "fingerprint": f.fingerprint,
        # additions to the contract
        "rule_name": f.rule_name, "title": f.title,
        "related": [{"label": clean(r.label), **_loc(r.location),
                     **({"path": clean(r.path)} if r.path else {})} for r in f.related],
        "evidence": {k: clean(v) if isinstance(v, str) else v for k, v in f.evidence.items()},
    }
    if getattr(f, "snippet_line", None):  # inside a binary container: the member's line
        d["snippet_line"] = f.snippet_line
    if getattr(f, "excerpt", None):  # the embedded part's own line (a JSON string unescaped)
        d["excerpt"] = clean(f.excerpt)
    return d


def summary_dict(result) -> dict:
    by_cat = {c: {"error": 0, "warning": 0, "note": 0} for c in CATEGORIES}
    for f in result.findings:
        by_cat.setdefault(f.category, {"error": 0, "warning": 0, "note": 0})[f.severity] += 1
    return {
        "files": result.files, "bytes": result.bytes, "findings": result.counts(),
        "suppressed": result.suppressed, "seconds": result.seconds,
        # additions to the contract
        "errors": len(result.errors), "by_category": by_cat,
        "undecodable_bytes": result.undecodable_bytes,
        "rules": len(result.ruleset.rules),
        "baselined": getattr(result, "baselined", 0),
    }


def document(result, group_by: str | None = None) -> dict:
    doc = {
        # additions to the contract: the Unicode data of the character policy, and optional
        # packages whose data can change findings ("components")
        "tool": {"name": "artefact-scan", "version": __version__,
                 "unicode_version": unicode_version(), "components": versions()},
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [{"path": clean(e.path), "message": clean(e.message),
                    "origin": [clean(o) for o in e.origin]} for e in result.errors],
        "summary": summary_dict(result),
    }
    if getattr(result, "gate", None):  # an addition: what --diff compared
        doc["gate"] = result.gate
    if group_by:  # an addition to the contract: per-run summaries (`--group-by`)
        from .groups import summarise

        doc["groups"] = {"by": "top" if group_by == "1" else group_by,
                         "groups": [{**g.as_dict(), "name": clean(g.name)} for g in summarise(result, group_by)]}
    return doc


@renderer("json")
def render(result, group_by: str | None = None, **kw) -> str:
    return json_visible(json.dumps(document(result, group_by), indent=2, ensure_ascii=False)) + "\n"
