"""A structural check of SARIF 2.1.0 output: the properties the OASIS schema requires, the value
constraints it states (1-based lines and columns, levels), and what GitHub code scanning adds
(rules for every ruleId, non-empty descriptions, one run, partial fingerprints).  Written from
the specification for the tests; it is not the schema file itself."""
from __future__ import annotations

LEVELS = {"none", "note", "warning", "error"}


def _region(reg: dict, where: str) -> None:
    for key in ("startLine", "startColumn", "endLine", "endColumn"):
        assert key in reg, f"{where}: region lacks {key}"
        assert isinstance(reg[key], int) and reg[key] >= 1, f"{where}: {key} must be an integer >= 1"
    assert (reg["endLine"], reg["endColumn"]) >= (reg["startLine"], reg["startColumn"]), f"{where}: region ends before it starts"


def _location(loc: dict, where: str) -> None:
    phys = loc["physicalLocation"]
    art = phys["artifactLocation"]
    assert isinstance(art["uri"], str) and art["uri"], f"{where}: empty uri"
    assert not art["uri"].startswith(("./", "/")), f"{where}: uri must be relative or file://"
    if "region" in phys:
        _region(phys["region"], where)


def check_sarif(doc: dict) -> None:
    assert doc.get("version") == "2.1.0"
    assert "$schema" in doc
    runs = doc["runs"]
    assert isinstance(runs, list) and len(runs) == 1, "exactly one run"
    run = runs[0]
    driver = run["tool"]["driver"]
    assert driver["name"]
    rules = driver.get("rules", [])
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "duplicate rule ids"
    for r in rules:
        assert r["shortDescription"]["text"].strip()
        assert r["fullDescription"]["text"].strip()
        assert r["help"]["text"].strip() and r["help"]["markdown"].strip()
        assert r["defaultConfiguration"]["level"] in {"note", "warning", "error"}
        sev = float(r["properties"]["security-severity"])
        assert 0 < sev <= 10
        assert len(r["name"]) <= 255
    assert isinstance(run["results"], list)
    for i, res in enumerate(run["results"]):
        where = f"result {i}"
        assert res["message"]["text"].strip(), f"{where}: empty message"
        assert res["ruleId"] in ids, f"{where}: ruleId without a rules[] entry"
        if "ruleIndex" in res:
            assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in LEVELS
        assert res["locations"], f"{where}: no location"
        for loc in res["locations"]:
            _location(loc, where)
        for loc in res.get("relatedLocations", []):
            _location(loc, where + " related")
        fps = res["partialFingerprints"]
        assert all("/" in k or k == "primaryLocationLineHash" for k in fps), "fingerprint keys must be versioned names"
        if "primaryLocationLineHash" in fps:
            h, _, n = fps["primaryLocationLineHash"].partition(":")
            assert h and int(h, 16) >= 0 and int(n) >= 1, "primaryLocationLineHash is HEX:COUNT"
    for inv in run.get("invocations", []):
        assert isinstance(inv["executionSuccessful"], bool)
