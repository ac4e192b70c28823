"""Rules as data: load and validate `rules/**/*.toml`.

A rule file holds one rule (top-level keys) and may declare pattern signals (`[[signals]]`
tables: a regex for the `regex` module, with lower-case prefilter literals and the kinds it reads).
A file with no `id` only declares signals shared by several rules.  Every problem is reported
with the file, the rule and the field, so a user writing rules sees exactly what to fix.

Schema (see README "Writing rules"):
    id, name, category, severity, confidence, title, message, kinds?, tags?, aliases?,
    supersedes? (rule ids whose finding at the same place this rule's finding replaces)
    [match]  all? any? at_least? none? scope? window? merge? anchor? lower_if? raise_if? where?
             (at_least = 0 with `all`: the `any` signals are optional parts of the finding)
    [docs]   summary, why, example, benign, references?
    [[signals]] name, pattern, literals?, kinds?, group?, non_ascii?
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .model import CATEGORIES, CONFIDENCES, SEVERITIES

ID_RE = regex.compile(r"^[A-Z]{1,3}[0-9]{3}$")
NAME_RE = regex.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SIGNAL_RE = regex.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
SCOPES = ("signal", "line", "window", "function", "file")
RULE_KEYS = {"id", "name", "category", "severity", "confidence", "title", "message", "kinds",
             "tags", "aliases", "match", "docs", "signals", "status", "supersedes"}
MATCH_KEYS = {"all", "any", "at_least", "none", "scope", "window", "merge", "anchor", "lower_if",
              "raise_if", "where"}
DOC_KEYS = {"summary", "why", "example", "benign", "references", "limitations"}
REQUIRED_DOCS = ("summary", "why", "example", "benign")
SIGNAL_KEYS = {"name", "pattern", "literals", "kinds", "group", "non_ascii", "description", "label"}


class RuleError(Exception):
    def __init__(self, file: str, rule: str | None, fld: str | None, message: str):
        self.file, self.rule, self.field = file, rule, fld
        where = file
        if rule:
            where += f": rule {rule}"
        if fld:
            where += f": field '{fld}'"
        super().__init__(f"{where}: {message}")


@dataclass
class PatternSignal:
    name: str
    pattern: regex.Pattern
    literals: tuple[str, ...]
    kinds: frozenset[str] | None
    group: int | str
    non_ascii: bool
    source: str
    description: str = ""
    label: str = ""  # a short noun phrase for messages ("a filled commission expiry")


@dataclass
class Match:
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    at_least: int = 1
    none: tuple[str, ...] = ()
    scope: str = "signal"
    window: int = 0
    merge: bool = True  # scope "window": anchors in overlapping windows make one finding
    anchor: tuple[str, ...] = ()
    lower_if: tuple[str, ...] = ()
    raise_if: tuple[str, ...] = ()
    where: dict = field(default_factory=dict)

    def signals(self) -> set[str]:
        return set(self.all) | set(self.any) | set(self.none) | set(self.lower_if) | set(self.raise_if)


@dataclass
class Rule:
    id: str
    name: str
    category: str
    severity: str
    confidence: str
    title: str
    message: str
    match: Match
    docs: dict
    source: str
    kinds: frozenset[str] | None = None
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    status: str = "stable"
    supersedes: tuple[str, ...] = ()


@dataclass
class RuleSet:
    rules: dict[str, Rule] = field(default_factory=dict)
    patterns: dict[str, PatternSignal] = field(default_factory=dict)

    def select(self, select: list[str] | None, ignore: list[str] | None) -> RuleSet:
        """Keep rules matched by `select` (ids, id prefixes or categories; default all) and not
        by `ignore`."""
        def hit(rule: Rule, keys: list[str]) -> bool:
            for k in keys:
                k = k.strip()
                if not k:
                    continue
                if k.upper() == "ALL" or k == rule.category or rule.id.startswith(k.upper()) \
                        or k in rule.aliases or k == rule.name:
                    return True
            return False

        rules = {i: r for i, r in self.rules.items()
                 if (not select or hit(r, select)) and not (ignore and hit(r, ignore))}
        return RuleSet(rules, self.patterns)


def builtin_rules_dir() -> Path:
    """The shipped rules: `artefact_scan/rules` in a wheel, the checkout's `rules/` otherwise."""
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    if installed.is_dir():
        return installed
    return here.parent / "rules"


def _str(data: dict, key: str, file: str, rid: str | None, required: bool = True) -> str:
    if key not in data:
        if required:
            raise RuleError(file, rid, key, "is required")
        return ""
    val = data[key]
    if not isinstance(val, str) or (required and not val.strip()):
        raise RuleError(file, rid, key, "must be a non-empty string")
    return val


def _strlist(data: dict, key: str, file: str, rid: str | None) -> tuple[str, ...]:
    val = data.get(key, [])
    if isinstance(val, str):
        val = [val]
    if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
        raise RuleError(file, rid, key, "must be a list of strings")
    return tuple(val)


def _parse_signal(raw: dict, file: str, rid: str | None = None) -> PatternSignal:
    if not isinstance(raw, dict):
        raise RuleError(file, rid, "signals", "each [[signals]] entry must be a table")
    name = _str(raw, "name", file, rid)
    if not SIGNAL_RE.match(name):
        raise RuleError(file, rid, f"signals.{name}.name", "must be lower-case words joined by '.' or '-'")
    unknown = set(raw) - SIGNAL_KEYS
    if unknown:
        raise RuleError(file, rid, f"signals.{name}", f"unknown keys: {', '.join(sorted(unknown))}")
    pat = _str(raw, "pattern", file, rid)
    try:
        compiled = regex.compile(pat, regex.MULTILINE | regex.VERSION1)
    except regex.error as e:
        raise RuleError(file, rid, f"signals.{name}.pattern", f"invalid regex: {e}") from None
    literals = tuple(s.lower() for s in _strlist(raw, "literals", file, rid))
    kinds = _strlist(raw, "kinds", file, rid)
    group = raw.get("group", 0)
    if not isinstance(group, (int, str)):
        raise RuleError(file, rid, f"signals.{name}.group", "must be a group number or name")
    if isinstance(group, int) and group > compiled.groups:
        raise RuleError(file, rid, f"signals.{name}.group", f"the pattern has only {compiled.groups} groups")
    if isinstance(group, str) and group not in compiled.groupindex:
        raise RuleError(file, rid, f"signals.{name}.group", f"the pattern has no group named {group!r}")
    return PatternSignal(name, compiled, literals, frozenset(kinds) if kinds else None, group,
                         bool(raw.get("non_ascii", False)), file, str(raw.get("description", "")),
                         str(raw.get("label", "")))


def _parse_match(raw, file: str, rid: str) -> Match:
    if not isinstance(raw, dict):
        raise RuleError(file, rid, "match", "must be a table")
    unknown = set(raw) - MATCH_KEYS
    if unknown:
        raise RuleError(file, rid, "match", f"unknown keys: {', '.join(sorted(unknown))}")
    m = Match(
        all=_strlist(raw, "all", file, rid), any=_strlist(raw, "any", file, rid),
        none=_strlist(raw, "none", file, rid), anchor=_strlist(raw, "anchor", file, rid),
        lower_if=_strlist(raw, "lower_if", file, rid), raise_if=_strlist(raw, "raise_if", file, rid),
    )
    if not m.all and not m.any:
        raise RuleError(file, rid, "match", "needs 'all' or 'any' (the signals the rule combines)")
    at_least = raw.get("at_least", 1)
    if not isinstance(at_least, int) or at_least < 0 or (m.any and at_least > len(m.any)):
        raise RuleError(file, rid, "match.at_least", "must be an integer from 1 to the length of 'any'")
    if at_least == 0 and not m.all:
        # 0 makes `any` a list of optional parts: listed when present, never required
        raise RuleError(file, rid, "match.at_least", "0 (optional parts) needs 'all'")
    m.at_least = at_least
    scope = raw.get("scope", "signal" if len(m.all) + len(m.any) == 1 or not m.all else "file")
    if scope not in SCOPES:
        raise RuleError(file, rid, "match.scope", f"must be one of {', '.join(SCOPES)}")
    m.scope = scope
    window = raw.get("window", 0)
    if not isinstance(window, int) or window < 0:
        raise RuleError(file, rid, "match.window", "must be a non-negative integer (lines)")
    if scope == "window" and window == 0:
        raise RuleError(file, rid, "match.window", "scope 'window' needs a window of 1 or more lines")
    m.window = window
    merge = raw.get("merge", True)
    if not isinstance(merge, bool):
        raise RuleError(file, rid, "match.merge", "must be true or false")
    m.merge = merge
    where = raw.get("where", {})
    if not isinstance(where, dict):
        raise RuleError(file, rid, "match.where", "must be a table of signal data conditions")
    m.where = where
    for a in m.anchor:
        if a not in m.all and a not in m.any:
            raise RuleError(file, rid, "match.anchor", f"{a!r} is not one of the rule's signals")
    return m


def _parse_rule(data: dict, file: str) -> Rule:
    rid = data.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        raise RuleError(file, str(rid) if rid else None, "id",
                        "must be 1-3 capital letters and 3 digits, like HM101")
    unknown = set(data) - RULE_KEYS
    if unknown:
        raise RuleError(file, rid, None, f"unknown keys: {', '.join(sorted(unknown))}")
    name = _str(data, "name", file, rid)
    if not NAME_RE.match(name):
        raise RuleError(file, rid, "name", "must be kebab-case, like tag-character-smuggling")
    category = _str(data, "category", file, rid)
    if category not in CATEGORIES:
        raise RuleError(file, rid, "category", f"must be one of {', '.join(CATEGORIES)}")
    severity = _str(data, "severity", file, rid)
    if severity not in SEVERITIES:
        raise RuleError(file, rid, "severity", f"must be one of {', '.join(SEVERITIES)}")
    confidence = _str(data, "confidence", file, rid)
    if confidence not in CONFIDENCES:
        raise RuleError(file, rid, "confidence", f"must be one of {', '.join(CONFIDENCES)}")
    docs = data.get("docs")
    if not isinstance(docs, dict):
        raise RuleError(file, rid, "docs", "is required: a table with summary, why, example, benign")
    unknown = set(docs) - DOC_KEYS
    if unknown:
        raise RuleError(file, rid, "docs", f"unknown keys: {', '.join(sorted(unknown))}")
    for key in REQUIRED_DOCS:
        if key not in docs or not isinstance(docs[key], str) or not docs[key].strip():
            raise RuleError(file, rid, f"docs.{key}", "is required and must be non-empty text")
    if "match" not in data:
        raise RuleError(file, rid, "match", "is required")
    kinds = _strlist(data, "kinds", file, rid)
    status = data.get("status", "stable")
    if status not in ("stable", "preview", "deprecated"):
        raise RuleError(file, rid, "status", "must be stable, preview or deprecated")
    return Rule(
        id=rid, name=name, category=category, severity=severity, confidence=confidence,
        title=_str(data, "title", file, rid), message=_str(data, "message", file, rid),
        match=_parse_match(data["match"], file, rid), docs=docs, source=file,
        kinds=frozenset(kinds) if kinds and "*" not in kinds else None,
        tags=_strlist(data, "tags", file, rid), aliases=_strlist(data, "aliases", file, rid),
        status=status, supersedes=_strlist(data, "supersedes", file, rid),
    )


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def load_dirs(dirs: list[Path], known_signals: set[str]) -> RuleSet:
    """Load every `*.toml` under `dirs` (in order); later directories may not redefine ids."""
    rs = RuleSet()
    for d in dirs:
        d = Path(d)
        if not d.exists():
            raise RuleError(str(d), None, None, "rules directory does not exist")
        files = [d] if d.is_file() else sorted(p for p in d.rglob("*.toml") if p.is_file())
        base = d.parent if d.is_dir() else d.parent
        for path in files:
            file = _display(path, base)
            try:
                with open(path, "rb") as fh:
                    data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as e:
                raise RuleError(file, None, None, f"not valid TOML: {e}") from None
            except OSError as e:
                raise RuleError(file, None, None, f"cannot read: {os.strerror(e.errno or 0)}") from None
            sigs = data.get("signals", [])
            if not isinstance(sigs, list):
                raise RuleError(file, data.get("id"), "signals", "must be an array of tables ([[signals]])")
            for raw in sigs:
                ps = _parse_signal(raw, file, data.get("id") if isinstance(data.get("id"), str) else None)
                if ps.name in rs.patterns or ps.name in known_signals:
                    other = rs.patterns[ps.name].source if ps.name in rs.patterns else "a detector"
                    raise RuleError(file, None, f"signals.{ps.name}", f"already defined in {other}")
                rs.patterns[ps.name] = ps
            if "id" not in data:
                if set(data) - {"signals"}:
                    raise RuleError(file, None, "id", "is required (a file without id may only hold [[signals]])")
                continue
            rule = _parse_rule(data, file)
            if rule.id in rs.rules:
                raise RuleError(file, rule.id, "id", f"already defined in {rs.rules[rule.id].source}")
            rs.rules[rule.id] = rule
    # every signal a rule names must exist
    available = known_signals | set(rs.patterns)
    for rule in rs.rules.values():
        for sig in sorted(rule.match.signals()):
            if sig not in available:
                raise RuleError(rule.source, rule.id, "match",
                                f"unknown signal {sig!r} (not emitted by any detector or [[signals]] pattern)")
    for rule in rs.rules.values():
        for other in rule.supersedes:
            if other not in rs.rules or other == rule.id:
                raise RuleError(rule.source, rule.id, "supersedes", f"names no other rule: {other!r}")
    names: dict[str, str] = {}
    for rule in rs.rules.values():
        if rule.name in names:
            raise RuleError(rule.source, rule.id, "name", f"already used by rule {names[rule.name]}")
        names[rule.name] = rule.id
    return rs
