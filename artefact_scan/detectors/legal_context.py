"""Context around legal markers: what lowers a finding (never hides it) and what only
corroborates it.

These signals are only ever computed where a legal rule's primary signal was found (the engine's
second phase), so they may be generous:
- `lf.template` (whole artefact): a DRAFT / SAMPLE / TEMPLATE / SPECIMEN / "Form of" /
  "[PROPOSED] ORDER" title in the opening lines or a heading, or such a word in the file name;
- `lf.teaching`: pedagogical phrasing near a marker ("for example", "a sample jurat",
  "should read", "how to complete", "reads:");
- `lf.blockquote`: quoted material — Markdown block quotes (`> …`), HTML `<blockquote>`, long
  inline quotations, and the lines of Markdown code fences;
- `lf.placeholder`: blanks and placeholders (`____`, `[NAME]`, `{{date}}`, `XX/XX/XXXX`, …);
- `lf.licence-or-policy` (whole artefact): licence texts, SPDX identifiers, terms of service,
  privacy policies and contributor agreements, recognised in the opening text;
- `lf.boilerplate`: clauses every template carries ("IN WITNESS WHEREOF", "true and correct",
  "(SEAL)", "being first duly sworn"), listed as parts of a finding, never enough alone;
- `lf.executed-name` (whole artefact): the file is named as the executed instrument
  (`signed_lease.md`, `executed-agreement.txt`, `notarized_affidavit.html`), which raises a
  principal's own marks.
"""
from __future__ import annotations

import posixpath


from ..legal.text import PLACEHOLDER_RE
from ..lazyregex import lazy
from . import detector

_TITLE_WORDS = lazy(
    r"(?i)\b(?:draft|sample|template|specimen|example|form\s+of|model\s+form|mock|exemplar|boilerplate|practice\s+exercise|for\s+discussion\s+purposes|not\s+for\s+(?:execution|filing|signature))\b"
    r"|\[\s*proposed\s*\]|\bproposed\s+(?:order|judgment|findings)\b")
_NAME_WORDS = lazy(r"(?i)(?:^|[^a-z])(?:draft|sample|template|specimen|example|examples|mock|form|forms|proposed)(?:[^a-z]|$)")
_HEADING = lazy(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+[^\n]*$|^[ \t]*<h[1-6][^>]*>[^\n]*$|^[^\na-z]{6,}$")
_ADDRESS = lazy(r"[\w.+-]+@[\w.-]+|\b(?:https?|ftp)://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|invalid|test|example|localhost|edu|gov)\b")
_TEACHING = lazy(
    r"(?i)\bfor\s+(?:example|instance)\b|\be\.g\.|(?<![@./\w-])(?:examples?|samples?|specimens?|illustrat\w+|templates?)\b(?![.-]\w)"
    r"|\bshould\s+(?:read|look\s+like)\b|\blooks?\s+like\s+(?:this|the\s+following)\b|\bwould\s+(?:read|look)\s+like\b"
    r"|\bhow\s+to\s+(?:complete|fill|write|draft|notari[sz]e|read|format|sign)\b|\bwording\s+(?:of|for)\b|\bsuch\s+as\s+the\s+following\b"
    r"|\b(?:reads|read\s+as\s+follows|reading)\s*:")
# block quotes, and long inline quotations ("The jurat reads: \u201cSubscribed and sworn …\u201d")
_QUOTE = lazy(r"(?m)^[ \t]{0,3}>[^\n]*$|<blockquote\b|\"[^\"\n]{40,600}\"|\u201c[^\u201d\n]{40,600}\u201d")
_POLICY = lazy(
    r"(?i)SPDX-License-Identifier|permission\s+is\s+hereby\s+granted,\s+free\s+of\s+charge|GNU\s+(?:lesser\s+|library\s+|affero\s+)?general\s+public\s+licen[cs]e"
    r"|\bapache\s+licen[cs]e\b|mozilla\s+public\s+licen[cs]e|creative\s+commons|the\s+software\s+is\s+provided\s+\"?as\s+is|\bterms\s+(?:of|and\s+conditions\s+of)\s+(?:service|use)\b"
    r"|\bprivacy\s+(?:policy|notice|statement)\b|\bcontributor\s+licen[cs]e\s+agreement\b|\bend[- ]user\s+licen[cs]e\s+agreement\b|\blicen[cs]e\s+agreement\b"
    r"|\bredistribution\s+and\s+use\s+in\s+source\s+and\s+binary\s+forms\b|\bopenrail\b|\bacceptable\s+use\s+policy\b")
_BOILERPLATE = lazy(
    r"(?i)\bIN\s+WITNESS\s+WHEREOF\b|\btrue\s+and\s+correct\b|\bsigned,\s+sealed\s+and\s+delivered\b|\bbeing\s+(?:first\s+)?duly\s+sworn\b"
    r"|\baffiant\s+further\s+sayeth\s+naught\b|\(\s*(?:notary\s+|official\s+)?SEAL\s*\)|\[\s*(?:CORPORATE|NOTARY|NOTARIAL|OFFICIAL)?\s*SEAL\s*\]|\bWITNESS\s+my\s+hand\s+and\s+(?:official\s+)?seal\b")

CONTEXT_SIGNALS = ("lf.template", "lf.teaching", "lf.blockquote", "lf.placeholder",
                   "lf.licence-or-policy", "lf.boilerplate", "lf.executed-name")
_EXECUTED_NAME = lazy(r"(?i)(?:^|[^a-z])(?:signed|executed|notari[sz]ed|countersigned|sworn|apostilled)(?:[^a-z]|$)")


@detector("legal-context", CONTEXT_SIGNALS)
def detect_legal_context(art, ctx):
    text = art.text
    # the title: the first non-blank lines and every heading, without addresses
    # ("name@example.org" is no example)
    opening = [ln for ln in text[:2000].split("\n") if ln.strip()][:4]
    title_zone = [_ADDRESS.sub(" ", z) for z in opening + [m.group() for m in _HEADING.finditer(text, 0, min(len(text), 200000))][:200]]
    base = posixpath.basename(art.name.replace("\\", "/"))
    tm = next((m for z in title_zone for m in [_TITLE_WORDS.search(z)] if m), None)
    if tm is not None or _NAME_WORDS.search(base):
        ctx.signal(art, "lf.template", 0, 0, whole=True, cue=(tm.group() if tm else base))
    if _EXECUTED_NAME.search(base) and not _NAME_WORDS.search(base):
        ctx.signal(art, "lf.executed-name", 0, 0, whole=True, cue=base)
    pm = _POLICY.search(text, 0, min(len(text), 3000))
    if pm is not None:
        ctx.signal(art, "lf.licence-or-policy", 0, 0, whole=True, cue=pm.group())
    regions = _regions(art, ctx)
    if art.kind == "markdown" and ("```" in text or "~~~" in text):
        _fenced_lines(art, ctx, regions)
    for s, e in regions:
        for rx, name in ((_TEACHING, "lf.teaching"), (_QUOTE, "lf.blockquote"),
                         (PLACEHOLDER_RE, "lf.placeholder"), (_BOILERPLATE, "lf.boilerplate")):
            n = 0
            try:
                for m in rx.finditer(text, s, e, timeout=ctx.limits.regex_timeout):
                    ctx.signal(art, name, m.start(), m.end())
                    n += 1
                    if n >= 500:
                        break
            except TimeoutError:
                ctx.error(art, f"pattern {name!r} timed out; legal context not fully read")


def _fenced_lines(art, ctx, regions) -> None:
    """Lines inside Markdown code fences are quoted material: mark each one near a legal marker
    (the fence's own child is judged with `fact.code-block`; this covers the containing file,
    and fences in languages the legal rules do not read)."""
    from ..extractors.markdown import fences

    text = art.text
    n = 0
    for _i, _lang, _indent, start, end, _open in fences(text):
        if not any(start < e and s < end for s, e in regions):
            continue
        pos = start
        while pos < end and n < 5000:
            ctx.signal(art, "lf.blockquote", pos, pos, fence=True)
            n += 1
            nl = text.find("\n", pos, end)
            if nl < 0:
                break
            pos = nl + 1


REACH = 40  # lines around a legal marker that can hold its context (rules use windows <= 15)


def _regions(art, ctx) -> list[tuple[int, int]]:
    """The text around the legal signals already found (context is only read there); the whole
    text when there are none (another rule asked for context on its own)."""
    marks = [sig for sig in ctx.signals_of(art) if sig.name.startswith("lf.")
             and not sig.data.get("whole") and sig.name not in CONTEXT_SIGNALS]
    if not marks:
        return [(0, len(art.text))]
    index = art.index
    spans: list[list[int]] = []
    for sig in sorted(marks, key=lambda x: x.start):
        line = index.position(sig.start)[0]
        s = index.line_span(max(1, line - REACH))[0]
        e = index.line_span(line + REACH)[1]
        if spans and s <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], e)
        else:
            spans.append([s, e])
    return [(s, e) for s, e in spans]
