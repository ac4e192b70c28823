"""Context around legal markers: what lowers a finding (never hides it) and what only
corroborates it.

These signals are only ever computed where a legal rule's primary signal was found (the engine's
second phase), so they may be generous:
- `lf.template` (whole artefact): a DRAFT / SAMPLE / TEMPLATE / SPECIMEN / "Form of" /
  "[PROPOSED] ORDER" title in the opening lines or a heading, or such a word in the file name;
- `lf.teaching`: pedagogical phrasing near a marker ("for example", "a sample jurat",
  "should read", "how to complete");
- `lf.blockquote`: Markdown block quotes (`> …`) and HTML `<blockquote>`;
- `lf.placeholder`: blanks and placeholders (`____`, `[NAME]`, `{{date}}`, `XX/XX/XXXX`, …);
- `lf.licence-or-policy` (whole artefact): licence texts, SPDX identifiers, terms of service,
  privacy policies and contributor agreements, recognised in the opening text;
- `lf.boilerplate`: clauses every template carries ("IN WITNESS WHEREOF", "true and correct",
  "(SEAL)", "being first duly sworn"), listed as parts of a finding, never enough alone.
"""
from __future__ import annotations

import posixpath

import regex

from ..legal.text import PLACEHOLDER_RE
from . import detector

_TITLE_WORDS = regex.compile(
    r"(?i)\b(?:draft|sample|template|specimen|example|form\s+of|model\s+form|mock|exemplar|boilerplate|practice\s+exercise|for\s+discussion\s+purposes|not\s+for\s+(?:execution|filing|signature))\b"
    r"|\[\s*proposed\s*\]|\bproposed\s+(?:order|judgment|findings)\b")
_NAME_WORDS = regex.compile(r"(?i)(?:^|[^a-z])(?:draft|sample|template|specimen|example|examples|mock|form|forms|proposed)(?:[^a-z]|$)")
_HEADING = regex.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+[^\n]*$|^[ \t]*<h[1-6][^>]*>[^\n]*$|^[^\na-z]{6,}$")
_ADDRESS = regex.compile(r"[\w.+-]+@[\w.-]+|\b(?:https?|ftp)://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|invalid|test|edu|gov)\b")
_TEACHING = regex.compile(
    r"(?i)\bfor\s+example\b|\be\.g\.|\bfor\s+instance\b"
    r"|\b(?:an?|the\s+following|this|sample|example)\s+(?:example|sample|specimen|illustration|template|model)s?\b"
    r"|\b(?:example|sample|specimen|illustration|template)s?\s+(?:of|for|shows?|below|above|jurat|certificate|acknowledg\w*|form|wording|block|order|declaration|apostille|stamp|signature|language|clause|text)\b"
    r"|^[ \t#*>]*(?:example|sample|template|specimen)s?\b"
    r"|\bshould\s+(?:read|look\s+like)\b|\blooks?\s+like\s+(?:this|the\s+following)\b|\bwould\s+(?:read|look)\s+like\b"
    r"|\bhow\s+to\s+(?:complete|fill|write|draft|notari[sz]e|read|format|sign)\b|\bwording\s+(?:of|for)\b|\bsuch\s+as\s+the\s+following\b")
_QUOTE = regex.compile(r"(?m)^[ \t]{0,3}>[^\n]*$|<blockquote\b")
_POLICY = regex.compile(
    r"(?i)SPDX-License-Identifier|permission\s+is\s+hereby\s+granted,\s+free\s+of\s+charge|GNU\s+(?:lesser\s+|library\s+|affero\s+)?general\s+public\s+licen[cs]e"
    r"|\bapache\s+licen[cs]e\b|mozilla\s+public\s+licen[cs]e|creative\s+commons|the\s+software\s+is\s+provided\s+\"?as\s+is|\bterms\s+(?:of|and\s+conditions\s+of)\s+(?:service|use)\b"
    r"|\bprivacy\s+(?:policy|notice|statement)\b|\bcontributor\s+licen[cs]e\s+agreement\b|\bend[- ]user\s+licen[cs]e\s+agreement\b|\blicen[cs]e\s+agreement\b"
    r"|\bredistribution\s+and\s+use\s+in\s+source\s+and\s+binary\s+forms\b|\bopenrail\b|\bacceptable\s+use\s+policy\b")
_BOILERPLATE = regex.compile(
    r"(?i)\bIN\s+WITNESS\s+WHEREOF\b|\btrue\s+and\s+correct\b|\bsigned,\s+sealed\s+and\s+delivered\b|\bbeing\s+(?:first\s+)?duly\s+sworn\b"
    r"|\baffiant\s+further\s+sayeth\s+naught\b|\(\s*(?:notary\s+|official\s+)?SEAL\s*\)|\[\s*(?:CORPORATE|NOTARY|NOTARIAL|OFFICIAL)?\s*SEAL\s*\]|\bWITNESS\s+my\s+hand\s+and\s+(?:official\s+)?seal\b")

CONTEXT_SIGNALS = ("lf.template", "lf.teaching", "lf.blockquote", "lf.placeholder",
                   "lf.licence-or-policy", "lf.boilerplate")


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
    pm = _POLICY.search(text, 0, min(len(text), 3000))
    if pm is not None:
        ctx.signal(art, "lf.licence-or-policy", 0, 0, whole=True, cue=pm.group())
    for rx, name in ((_TEACHING, "lf.teaching"), (_QUOTE, "lf.blockquote"),
                     (PLACEHOLDER_RE, "lf.placeholder"), (_BOILERPLATE, "lf.boilerplate")):
        n = 0
        for m in ctx.finditer(rx, art, what=name):
            ctx.signal(art, name, m.start(), m.end())
            n += 1
            if n >= 2000:
                break
