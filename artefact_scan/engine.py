"""The engine: one artefact tree in, findings out.

For each artefact (the file, then every child that extractors and decoders make, breadth first):
pick the rules for its kind, run only the detectors that emit signals those rules need (and whose
prefilter passes), run the extractors for its kind, evaluate the rules' conditions over the
signals, and turn each hit into a `Finding` located in the file on disk.  A detector that raises
is reported in `errors` and the other detectors still run.
"""
from __future__ import annotations

import re
import time
from collections import deque

from . import conditions, detectors, extractors
from .context import Context, Deadline
from .escape import one_line, visible
from .kinds import TEXT_KINDS
from .model import Artefact, Finding, Location, Related, Signal
from .ruleset import PatternSignal, Rule, RuleSet

MAX_DECODED = 2000
# What can fire on a file without content: its name (file-names) and the facts of its path.
NAME_DETECTORS = frozenset({"file-names", "facts"})
MAX_SNIPPET_LINE = 300


def _pattern_detector(ps: PatternSignal) -> detectors.Detector:
    def run(art: Artefact, ctx: Context) -> None:
        for m in ctx.finditer(ps.pattern, art, what=ps.name):
            s, e = m.span(ps.group)
            if s < 0:
                continue
            data = {k: v[:200] for k, v in m.groupdict().items() if v is not None}
            data["match"] = m.group(ps.group)[:200]
            ctx.signal(art, ps.name, s, e, **data)

    return detectors.Detector(f"pattern:{ps.name}", (ps.name,), run, ps.kinds, ps.literals,
                              ps.non_ascii)


def _all_detectors() -> dict[str, detectors.Detector]:
    """Every registered detector, with the facts detector emitting every declared fact."""
    from dataclasses import replace

    from .detectors import facts

    regs = detectors.load_all()
    extractors.load_all()  # extractor modules may declare facts
    regs["facts"] = replace(regs["facts"], signals=facts.signals())
    return regs


def known_signals() -> set[str]:
    return {s for d in _all_detectors().values() for s in d.signals}


_WRAPPED = re.compile(r"(?:[ \t\r]*\n[ \t]*)+")


def format_message(template: str, data: dict) -> str:
    import re

    def sub(m):
        key = m.group(1)
        if key in data and data[key] is not None:
            val = data[key]
            if isinstance(val, float):
                return f"{val:.2f}".rstrip("0").rstrip(".")
            val = str(val)
            # a field inside a sentence is cut short with an ellipsis; the signals' own data
            # stay whole in the finding's evidence (and a decoded payload in `decoded`)
            val = _WRAPPED.sub(" ", val)  # a value wrapped over lines in the source is one value
            return one_line(val) if len(val) <= 200 else one_line(val[:200]) + "\u2026"
        return m.group(0)

    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", sub, template)


class Engine:
    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.rules: list[Rule] = sorted(ruleset.rules.values(), key=lambda r: r.id)
        self.detectors: dict[str, detectors.Detector] = dict(_all_detectors())
        for ps in ruleset.patterns.values():
            det = _pattern_detector(ps)
            self.detectors[det.name] = det
        self.producers: dict[str, list[detectors.Detector]] = {}
        for det in self.detectors.values():
            for s in det.signals:
                self.producers.setdefault(s, []).append(det)
        self._by_kind: dict[tuple, tuple[list[Rule], list[detectors.Detector]]] = {}
        # fact signals that only the facts detector emits: present exactly when the artefact
        # has the fact, so rules requiring them can be planned from `artefact.facts`
        self._pure_facts = {s for s, dets in self.producers.items()
                            if s.startswith("fact.") and [d.name for d in dets] == ["facts"]}
        self._second: dict[tuple, list[detectors.Detector]] = {}
        self.labels = {name: ps.label for name, ps in ruleset.patterns.items() if ps.label}
        extractors.load_all()

    def plan(self, kind: str, facts: frozenset[str] = frozenset()) -> tuple[list[Rule], list[detectors.Detector]]:
        """The rules that apply to a kind and the detectors of their primary signals (those a
        rule cannot fire without: its `all`, or its `any` when it has no `all`), per kind and
        set of facts: a rule that requires a fact the artefact lacks (`all = ["fact.pdf", …]`)
        cannot fire there, so its detectors do not run."""
        key = (kind, facts)
        if key not in self._by_kind:
            rules = [r for r in self.rules
                     if ((r.kinds is None and kind in TEXT_KINDS) or (r.kinds is not None and kind in r.kinds))
                     and all(n[5:] in facts for n in r.match.all if n in self._pure_facts)]
            needed = set()
            for r in rules:
                needed |= set(r.match.all or r.match.any)
            self._by_kind[key] = (rules, self._producers(needed, kind))
        return self._by_kind[key]

    def _producers(self, signals: set[str], kind: str) -> list[detectors.Detector]:
        dets = {d.name: d for s in signals for d in self.producers.get(s, ())
                if d.kinds is None or kind in d.kinds}
        return [dets[k] for k in sorted(dets)]

    def second_phase(self, kind: str, rules: list[Rule], present: set[str],
                     ran: set[str]) -> list[detectors.Detector]:
        """Detectors for the other signals (corroboration, vetoes, severity context) of the rules
        whose primary signals were found; the rest never pay for them."""
        live = tuple(r.id for r in rules
                     if all(n in present for n in r.match.all)
                     and (r.match.all or any(n in present for n in r.match.any)))
        if not live:
            return []
        key = (kind, live)
        if key not in self._second:
            needed = set()
            for r in rules:
                if r.id in live:
                    needed |= r.match.signals()
            self._second[key] = self._producers(needed, kind)
        return [d for d in self._second[key] if d.name not in ran]

    # lines read past a focus window: a phrase that starts inside may wrap onto the next lines
    FOCUS_SLACK_LINES = 3

    def focus(self, det: detectors.Detector, art: Artefact, rules: list[Rule], present: set[str],
              ctx: Context) -> list[tuple[int, int]] | None:
        """The spans a second-phase detector must read: when every live rule that uses its
        signals is scoped to a line or a window of lines around anchors it does not produce,
        only those lines matter (a signal elsewhere cannot join any finding).  None: read all.

        A concealment phrase 300 lines away from the one address in a file changes no finding,
        so the companion detectors need not run their phrase patterns over the whole file."""
        mine = set(det.signals)
        ranges: list[tuple[int, int]] = []
        signals = ctx.signals_of(art)
        for r in rules:
            m = r.match
            if not (mine & m.signals()) or not all(n in present for n in m.all) \
                    or not (m.all or any(n in present for n in m.any)):
                continue  # not live, or not a user of this detector
            if m.scope not in ("line", "window"):
                return None
            anchor_names = set(m.anchor or ((m.all[0],) if m.all else m.any))
            if anchor_names & mine:
                return None
            reach = m.window if m.scope == "window" else 0
            for sig in signals:
                if sig.name not in anchor_names:
                    continue
                if sig.data.get("whole"):
                    return None
                if m.where and not conditions.where_ok(m.where, sig.data):
                    continue
                ln = art.index.position(sig.start)[0]
                ranges.append((ln - reach, ln + reach + self.FOCUS_SLACK_LINES))
        if not ranges:
            return []
        ranges.sort()
        spans: list[list[int]] = []
        for lo, hi in ranges:
            s0 = art.index.line_span(max(1, lo))[0]
            e0 = art.index.line_span(hi)[1]
            if spans and s0 <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], e0)
            else:
                spans.append([s0, e0])
        return [(a, b) for a, b in spans]

    def _run(self, det: detectors.Detector, art: Artefact, ctx: Context) -> None:
        if not det.wants(art):
            return
        try:
            det.fn(art, ctx)
        except (Deadline, KeyboardInterrupt):
            raise
        except RecursionError:
            ctx.error(art, f"detector {det.name}: input nested too deeply; not fully analysed")
        except Exception as e:  # a crafted file must not stop the scan
            ctx.error(art, f"detector {det.name} failed ({type(e).__name__}: {one_line(str(e), 120)}); not fully analysed")

    def analyse(self, root: Artefact, ctx: Context, display_path: str,
                names_only: bool = False) -> list[Finding]:
        """The findings of one file.  With `names_only` (an empty file) only what reads the
        name and path runs: a tree of 100,000 empty files costs their names, not 27 detectors
        and the extractors each."""
        findings: list[Finding] = []
        places: dict[int, tuple] = {}
        queue: deque[Artefact] = deque([root])
        deadline = ctx.started + ctx.limits.file_timeout
        while queue:
            art = queue.popleft()
            if time.monotonic() > deadline:
                raise Deadline()
            rules, dets = self.plan(art.kind, art.facts)
            if names_only:
                dets = [d for d in dets if d.name in NAME_DETECTORS]
            for det in dets:
                self._run(det, art, ctx)
            present = {sig.name for sig in ctx.signals_of(art)} if rules else None
            if present:  # no primary signal: no rule can be live, no corroboration to compute
                ran = {d.name for d in dets}
                for det in self.second_phase(art.kind, rules, present, ran):
                    ctx.focus = self.focus(det, art, rules, present, ctx) if det.focus else None
                    try:
                        self._run(det, art, ctx)
                    finally:
                        ctx.focus = None
            for ex in (() if names_only else extractors.for_kind(art.kind)):
                try:
                    for _ in ex.fn(art, ctx) or ():
                        pass
                except (Deadline, KeyboardInterrupt):
                    raise
                except Exception as e:
                    ctx.error(art, f"extractor {ex.name} failed ({type(e).__name__}: {one_line(str(e), 120)}); parts not analysed")
            if rules:
                for hit in conditions.evaluate(rules, art, ctx.signals_of(art)):
                    f = self.finding(hit, art, root, display_path)
                    findings.append(f)
                    if not root.text:
                        # signals on the container itself (no text) are told apart by what they say
                        places[id(f)] = (self.place_in_part(hit.anchor, art, root) if art is not root
                                         else ("container", f.message))
            # a parsed syntax tree or shell model is only needed while its own artefact is
            # analysed: kept, it would cost memory per part (20,000 fences in one file)
            art.meta.pop("_pyflow", None)
            art.meta.pop("_shell_model", None)
            # the legal detectors' view holds a copy of the text, its lower case and the
            # artefact itself (a cycle, freed only by a full garbage collection: 68 MB kept
            # after an 8 MB page)
            art.meta.pop("_lf_view", None)
            art.meta.pop("_ps_model", None)
            queue.extend(ctx.take_pending())
        return self.dedupe(self.drop_superseded(findings, places), places,
                           merge=root.kind in ("docx", "pdf"))

    def drop_superseded(self, findings: list[Finding], places: dict[int, tuple]) -> list[Finding]:
        """A rule that `supersedes` another replaces that rule's finding at the same place: an
        executed blob (HM205) is not also reported as a mere blob (HM201)."""
        rules = self.ruleset.rules
        if not any(rules[f.rule_id].supersedes for f in findings if f.rule_id in rules):
            return findings

        def place(f: Finding) -> tuple:
            loc = f.location
            return (loc.line, loc.column, loc.end_line, loc.end_column) + places.get(id(f), ())

        gone = {(old, place(f)) for f in findings if f.rule_id in rules
                for old in rules[f.rule_id].supersedes}
        return [f for f in findings if (f.rule_id, place(f)) not in gone]

    @staticmethod
    def place_in_part(sig: Signal, art: Artefact, root: Artefact) -> tuple:
        """Where a signal lies in the outermost part of a binary container that has text (a
        page, a body, an archive member, a page of a document inside an archive): that part's
        way in and the span in its text."""
        top, start, end = Engine.member_span(art, sig)
        return top.origin, start, end

    @staticmethod
    def dedupe(findings: list[Finding], places: dict[int, tuple] | None = None,
               merge: bool = False) -> list[Finding]:
        """One finding per rule and span: where a container and its part (a document and its
        code fence) both report the same span, keep the part's, which knows its context.  In a
        binary container (DOCX, PDF, archive) every finding sits at line 1, so there the span
        is taken in the container's outermost part (`places`)."""
        best: dict[tuple, Finding] = {}
        for i, f in enumerate(findings):
            loc = f.location
            key = (f.rule_id, loc.line, loc.column, loc.end_line, loc.end_column)
            if places and id(f) in places:
                key += places[id(f)]
            if key not in best or len(f.origin) > len(best[key].origin):
                best[key] = f
        keep = {id(f) for f in best.values()}
        out = [f for f in findings if id(f) in keep]
        if places and merge:
            out = Engine.merge_repeats(out, places)
        return out

    @staticmethod
    def merge_repeats(findings: list[Finding], places: dict[int, tuple]) -> list[Finding]:
        """In a document (DOCX, PDF), the same rule on the same words in several parts (a
        "Digitally signed by" stamp on every page) is one finding that lists where else the
        words appear (`evidence["also_in"]`), not one finding per page.  Members of an archive
        are files of their own and keep their findings."""
        first: dict[tuple, Finding] = {}
        out = []
        for f in findings:
            if id(f) not in places:
                out.append(f)
                continue
            key = (f.rule_id, f.fingerprint or f.message)
            if key in first:
                also = first[key].evidence.setdefault("also_in", [])
                if len(also) < 20:
                    also.append(" \u2192 ".join(f.origin[1:]))
                first[key].evidence["repeats"] = first[key].evidence.get("repeats", 1) + 1
                continue
            first[key] = f
            out.append(f)
        return out

    @staticmethod
    def member_span(art: Artefact, sig: Signal) -> tuple[Artefact, int, int]:
        """The first text artefact on the way into a binary container, and the signal's span
        mapped onto it."""
        chain = []
        a = art
        while a is not None:
            chain.append(a)
            a = a.parent
        top = next((a for a in reversed(chain) if a.text), art)
        start, end = sig.start, sig.end
        a = art
        while a is not top and a.parent is not None:
            s0, s1 = a.to_parent(start)
            e0, e1 = a.to_parent(max(start, end - 1)) if end > start else (s0, s1)
            start, end = s0, max(s1, e1, e0 + (1 if end > start else 0))
            a = a.parent
        return top, start, end

    # -- hits → findings ------------------------------------------------------------------
    def locate(self, sig: Signal, art: Artefact, root: Artefact) -> tuple[Location, bool]:
        if not root.text:
            return Location(1, 1, 1, 1), False
        s, e, exact = art.to_root(sig.start, sig.end)
        line, col = root.index.position(s)
        end_line, end_col = root.index.position(e) if e > s else (line, col)
        if end_line > line and end_col == 1 and e > s:
            # a span ending with a newline ends at the end of the previous line
            end_line -= 1
            ls, le = root.index.line_span(end_line)
            end_col = le - ls + 1
        return Location(line, col, end_line, max(end_col, col if end_line == line else end_col)), exact

    def finding(self, hit: conditions.Hit, art: Artefact, root: Artefact, display_path: str) -> Finding:
        rule, anchor = hit.rule, hit.anchor
        loc, _exact = self.locate(anchor, art, root)
        origin: tuple[str, ...] = (display_path,)
        if art is not root:
            origin = origin + art.origin + (self.position_label(art, anchor.start),)
        if isinstance(anchor.data.get("chain"), str):
            # a decoder names the way from the carrier to the payload it shows in `decoded`
            origin = origin + (anchor.data["chain"],)
        data = dict(anchor.data)
        data.setdefault("match", art.text[anchor.start:anchor.end][:200])
        data.setdefault("count", hit.count)
        data["hits"] = hit.count
        data["parts"] = ", ".join(self.labels.get(p.name) or str(p.data.get("part_label") or p.name) for p in hit.parts)
        message = format_message(rule.message, data)
        if hit.adjusted:
            message += " (" + "; ".join(hit.adjusted) + ")"
        decoded = anchor.data.get("decoded")
        if decoded is None and "decoded" in art.facts:
            a = art
            while a is not None and a.decoded_from is None:
                a = a.parent
            if a is not None:
                decoded = a.text
        snippet, caret = self.snippet(root, loc)
        snippet_line = None
        if not root.text and art.text:
            # a binary container has no lines: show the line of the member that holds the match
            top, ms, me = self.member_span(art, anchor)
            if top.text:
                l0, c0 = top.index.position(ms)
                l1, c1 = top.index.position(me) if me > ms else (l0, c0)
                snippet, caret = self.snippet(top, Location(l0, c0, l1, max(c1, c0) if l1 == l0 else c1))
                snippet_line = l0
        excerpt = None
        if art is not root and art.text and root.text and "decoded" not in art.facts:
            ls, le = art.index.line_span(art.index.position(anchor.start)[0])
            part_line = art.text[ls:le].strip()
            if part_line and part_line not in root.text[root.index.line_span(loc.line)[0]:
                                                         root.index.line_span(loc.line)[1]]:
                excerpt = visible(part_line[:MAX_SNIPPET_LINE], compress=True)
        related = []
        for st in anchor.data.get("steps") or ():
            # a chain detector lists its own steps (source → … → sink); the anchor is one of them
            if not isinstance(st, dict) or (st.get("start"), st.get("end")) == (anchor.start, anchor.end):
                continue
            sloc, _ = self.locate(Signal("step", int(st["start"]), int(st["end"])), art, root)
            related.append(Related(one_line(str(st.get("label", "step")), 160), sloc))
        for p in hit.parts:
            if p.data.get("whole"):
                continue
            ploc, _ = self.locate(p, art, root)
            text = art.text[p.start:p.end]
            related.append(Related(f"{p.name}: {one_line(text, 80)}" if text else p.name, ploc))
        evidence = {k: v for k, v in anchor.data.items()
                    if k not in ("decoded", "match", "whole", "steps") and isinstance(v, (str, int, float, bool, list))}
        if anchor.data.get("steps"):
            evidence["chain"] = [one_line(str(st.get("label", "")), 160) for st in anchor.data["steps"]
                                 if isinstance(st, dict)]
        evidence["signals"] = [anchor.name] + [p.name for p in hit.parts]
        if hit.count > 1:
            evidence["count"] = hit.count
        if hit.adjusted:
            evidence["adjusted"] = hit.adjusted
        return Finding(
            rule_id=rule.id, category=rule.category, severity=hit.severity,
            confidence=rule.confidence, path=display_path, location=loc, message=message,
            snippet=snippet, caret=caret, snippet_line=snippet_line, excerpt=excerpt,
            decoded=visible(decoded, MAX_DECODED) if decoded is not None else None,
            origin=origin, related=related, rule_name=rule.name, title=rule.title,
            evidence=evidence,
            # the text the fingerprint hashes: what matched, not where
            fingerprint=" ".join(art.text[anchor.start:anchor.end].split())[:500],
        )

    @staticmethod
    def position_label(art: Artefact, offset: int) -> str:
        """Where an offset lies in a child: `line L column C`, or the child's own name for
        that line when its extractor gave one (`meta["line_labels"]`: "paragraph 12",
        "comment 3 by J. Roe"), since a document's lines only exist inside the scanner."""
        line, col = art.index.position(offset)
        labels = art.meta.get("line_labels")
        if labels and 0 < line <= len(labels):
            return f"{labels[line - 1]}, column {col}"
        return f"line {line} column {col}"

    @staticmethod
    def snippet(root: Artefact, loc: Location) -> tuple[str, tuple[int, int]]:
        """The finding's line(s) of the file, escaped, and where the match sits in the first."""
        if not root.text:
            return "", (0, 1)
        lines = []
        caret = (0, 1)
        for ln in range(loc.line, min(loc.end_line, loc.line + 2) + 1):
            s, e = root.index.line_span(ln)
            text = root.text[s:e].rstrip("\r")
            lo = 0
            if len(text) > MAX_SNIPPET_LINE:
                lo = max(0, (loc.column - 1) - MAX_SNIPPET_LINE // 2) if ln == loc.line else 0
                shown = ("\u2026" if lo else "") + text[lo:lo + MAX_SNIPPET_LINE] + "\u2026"
            else:
                shown = text
            if ln == loc.line:
                c0 = loc.column - 1
                c1 = (loc.end_column - 1) if loc.end_line == loc.line else len(text)
                prefix = ("\u2026" if lo else "") + text[lo:c0]
                width = len(visible(text[c0:max(c1, c0 + 1)], compress=True))
                caret = (len(visible(prefix, compress=True)), max(1, min(width, 120)))
            lines.append(visible(shown, compress=True))
        return "\n".join(lines), caret
