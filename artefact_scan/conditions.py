"""Rules over signals: decide which rule fires where, and how strongly.

For each anchor signal (by default the first of `all`, or any of `any`), the signals in the
anchor's scope are gathered — the same line, a window of lines, the enclosing function, or the
whole artefact — and the rule's condition is checked: every `all` signal present, at least
`at_least` distinct `any` signals, no `none` signal.  `lower_if` / `raise_if` signals in scope
move the severity one step.  Anchors that fall in the same scope instance (the same file, the
same function, overlapping windows) make one hit, so several markers of one document become one
finding listing every part.  Fact signals (`whole=True`) are present in every scope.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import SEVERITIES, Artefact, Signal
from .ruleset import Rule
from .scopes import function_at


@dataclass
class Hit:
    rule: Rule
    anchor: Signal
    parts: list[Signal] = field(default_factory=list)
    severity: str = "warning"
    count: int = 1
    adjusted: list[str] = field(default_factory=list)


def where_ok(where: dict, data: dict) -> bool:
    for key, want in where.items():
        have = data.get(key)
        if isinstance(want, list):
            if have not in want:
                return False
        elif isinstance(want, str) and want[:2] in (">=", "<=") or isinstance(want, str) and want[:1] in "<>":
            op = want[:2] if want[:2] in (">=", "<=") else want[:1]
            try:
                ref = float(want[len(op):])
                val = float(have)
            except (TypeError, ValueError):
                return False
            if not {">=": val >= ref, "<=": val <= ref, ">": val > ref, "<": val < ref}[op]:
                return False
        elif isinstance(want, bool):
            if bool(have) != want:
                return False
        elif have != want:
            return False
    return True


def _shift(severity: str, steps: int) -> str:
    i = max(0, min(len(SEVERITIES) - 1, SEVERITIES.index(severity) + steps))
    return SEVERITIES[i]


def evaluate(rules: list[Rule], art: Artefact, signals: list[Signal]) -> list[Hit]:
    if not signals:
        return []
    by_name: dict[str, list[Signal]] = {}
    for s in signals:
        by_name.setdefault(s.name, []).append(s)
    index = art.index
    line_of: dict[int, int] = {}

    def line(sig: Signal) -> int:
        key = id(sig)
        if key not in line_of:
            line_of[key] = index.position(sig.start)[0]
        return line_of[key]

    hits: list[Hit] = []
    for rule in rules:
        m = rule.match
        anchors_names = m.anchor or ((m.all[0],) if m.all else m.any)
        anchors = [s for n in anchors_names for s in by_name.get(n, ()) if not s.data.get("whole")]
        if not anchors:
            # a rule made only of facts anchors at the start of the artefact
            anchors = [s for n in anchors_names for s in by_name.get(n, ())][:1]
        if m.where:
            anchors = [s for s in anchors if where_ok(m.where, s.data)]
        if not anchors:
            continue
        anchors.sort(key=lambda s: (s.start, s.end))
        wanted = m.signals()
        groups: dict[tuple, Hit] = {}
        failed: set[tuple] = set()
        order: list[tuple] = []
        for anchor in anchors:
            # the scope instance and the signals inside it
            if m.scope == "signal":
                key: tuple = (anchor.start, anchor.end, anchor.name, id(anchor))
                # other signals of the anchor's own name change nothing here (the name is
                # present already and parts skip it); leaving them out keeps this linear
                members = [anchor] if len(wanted) == 1 else [anchor] + [
                    s for n in wanted if n != anchor.name for s in by_name.get(n, ())
                    if s.data.get("whole") or (s.start < anchor.end and s.end > anchor.start)]
            else:
                if m.scope == "line":
                    ln = line(anchor)
                    key = (ln,)
                elif m.scope == "window":
                    ln = line(anchor)
                    key = ("w", ln)  # merge = false: one finding per line with an anchor, not per phrase
                elif m.scope == "function":
                    fs, fe, _name = function_at(art, anchor.start)
                    key = (fs, fe)
                else:  # file
                    key = ("file",)
                # every anchor of one scope instance sees the same signals: judge the instance
                # once (a file with thousands of anchors is not judged thousands of times)
                if not (m.scope == "window" and m.merge):
                    if key in groups:
                        groups[key].count += 1
                        continue
                    if key in failed:
                        continue
                if m.scope == "line":
                    members = [s for n in wanted for s in by_name.get(n, ())
                               if s.data.get("whole") or line(s) == ln]
                elif m.scope == "window":
                    members = [s for n in wanted for s in by_name.get(n, ())
                               if s.data.get("whole") or abs(line(s) - ln) <= m.window]
                elif m.scope == "function":
                    members = [s for n in wanted for s in by_name.get(n, ())
                               if s.data.get("whole") or (fs <= s.start < fe)]
                else:
                    members = [s for n in wanted for s in by_name.get(n, ())]
            present = {s.name for s in members}
            if any(n not in present for n in m.all) or \
                    (m.any and sum(1 for n in set(m.any) if n in present) < m.at_least) or \
                    any(n in present for n in m.none):
                if m.scope != "signal" and not (m.scope == "window" and m.merge):
                    failed.add(key)
                continue
            parts: list[Signal] = []
            seen = set()
            for n in m.all + m.any:
                for s in members:
                    if s.name == n and id(s) not in seen and s.name != anchor.name:
                        parts.append(s)
                        seen.add(id(s))
                        break
            severity = rule.severity
            adjusted = []
            lowered = [n for n in m.lower_if if n in present]
            raised = [n for n in m.raise_if if n in present]
            if lowered:
                severity = _shift(severity, -1)
                adjusted.append("lowered by " + ", ".join(lowered))
            if raised:
                severity = _shift(severity, +1)
                adjusted.append("raised by " + ", ".join(raised))
            if m.scope == "window" and m.merge:
                # merge with the previous group if this anchor is within its window
                prev = groups.get(order[-1]) if order else None
                if prev is not None and line(anchor) - line(prev.anchor) <= m.window:
                    prev.count += 1
                    for p in parts:
                        if all(p is not q for q in prev.parts) and p is not prev.anchor:
                            prev.parts.append(p)
                    continue
            if m.scope in ("file", "function", "line", "window") and key in groups:
                groups[key].count += 1
                continue
            groups[key] = Hit(rule, anchor, parts, severity, 1, adjusted)
            order.append(key)
        hits.extend(groups[k] for k in order)
    return hits
