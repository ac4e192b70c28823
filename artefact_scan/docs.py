"""Rule documentation rendered from rule metadata: for `artefact-scan explain`, SARIF help and
the README catalogue.  One renderer, so every place shows the same text."""
from __future__ import annotations


def rule_markdown(rule) -> str:
    d = rule.docs
    parts = [f"## {rule.id} {rule.name}", "",
             f"**{rule.title}** — {rule.category}, {rule.severity}, confidence {rule.confidence}", "",
             "### What it finds", d["summary"].strip(), "",
             "### Why it matters", d["why"].strip(), "",
             "### Example (reported)", "```", d["example"].rstrip(), "```", "",
             "### Look-alikes it does not report", d["benign"].strip(), ""]
    if d.get("limitations"):
        parts += ["### Known limits", d["limitations"].strip(), ""]
    if d.get("references"):
        parts += ["### References"] + [f"- {r}" for r in d["references"]] + [""]
    return "\n".join(parts)


def rule_text(rule) -> str:
    d = rule.docs
    def block(title, body):
        lines = [title]
        lines += ["  " + ln for ln in body.strip("\n").splitlines()]
        return "\n".join(lines)

    parts = [f"{rule.id}  {rule.name}",
             f"{rule.title}",
             f"category: {rule.category}   severity: {rule.severity}   confidence: {rule.confidence}"
             + (f"   kinds: {', '.join(sorted(rule.kinds))}" if rule.kinds else ""),
             "", block("What it finds:", d["summary"]), "", block("Why it matters:", d["why"]),
             "", block("Example (reported):", d["example"]),
             "", block("Look-alikes it does not report:", d["benign"])]
    if d.get("limitations"):
        parts += ["", block("Known limits:", d["limitations"])]
    if d.get("references"):
        parts += ["", "References:"] + [f"  - {r}" for r in d["references"]]
    parts += ["", f"Defined in {rule.source}"]
    return "\n".join(parts) + "\n"


def catalogue_markdown(rules) -> str:
    lines = ["| id | name | category | severity | confidence | what it finds |",
             "|---|---|---|---|---|---|"]
    for r in sorted(rules, key=lambda r: r.id):
        summary = " ".join(r.docs["summary"].split())
        lines.append(f"| {r.id} | {r.name} | {r.category} | {r.severity} | {r.confidence} | {summary} |")
    return "\n".join(lines) + "\n"


START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def readme_with_catalogue(readme: str, rules) -> str:
    """README text with the generated rule table between the markers."""
    a, b = readme.index(START) + len(START), readme.index(END)
    return readme[:a] + "\n" + catalogue_markdown(rules) + readme[b:]


if __name__ == "__main__":  # python -m artefact_scan.docs README.md : regenerate the catalogue
    import sys
    from pathlib import Path

    from . import load_rules

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(readme_with_catalogue(path.read_text(encoding="utf-8"), load_rules().rules.values()),
                    encoding="utf-8")
