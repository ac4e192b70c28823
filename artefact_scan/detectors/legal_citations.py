"""Case citations that cannot be right, and citations of opinions known to be fabricated.

Signals (data `citation`, `reason`):
- `lf.citation-impossible`: a contradiction proves the citation wrong (future year, year outside
  the reporter's span, volume past a closed series, court that did not exist, reporter that
  does not publish that court, pin cite before the first page, a series that does not exist);
- `lf.citation-unknown-reporter`: after a case name, a reporter that eyecite / reporters-db do
  not know (only with the `artefact-scan[legal]` extra);
- `lf.citation-fabricated`: a case name invented in Mata v. Avianca (`mata` in the data when
  the text discusses that case, which lowers the finding);
- `lf.citations-unchecked`: once per artefact, how many citations could not be checked and why;
- `lf.mata-discussed` (whole artefact): the text names Mata v. Avianca, so its fabricated
  opinions may be discussed rather than cited.
"""
from __future__ import annotations

import regex

from ..legal import citations as C
from ..legal.gate import PROSE_KINDS, view, has, windows
from ..legal.slots import today
from ..lazyregex import lazy
from . import detector

MAX_CITATIONS = 1000
_MATA = lazy(r"(?i)\bMata\s+v\.?\s+Avianca\b")


@detector("legal-citations", ("lf.citation-impossible", "lf.citation-unknown-reporter",
                              "lf.citation-fabricated", "lf.citations-unchecked", "lf.mata-discussed"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, " v. ", "cir."))
def detect_citations(art, ctx):
    vspans = windows(art, (" v. ", " vs. "), 80, 40)
    cspans = windows(art, (" v. ", "cir.", " vs. "), 300, 300)
    wspans = windows(art, (" wl ", "lexis"), 20, 60)
    text = view(art).text
    mata = _MATA.search(art.text) is not None
    if mata:
        ctx.signal(art, "lf.mata-discussed", 0, 0, whole=True)
    for m in (m for ws, we in vspans for m in C.FABRICATED_RE.finditer(text, ws, we, timeout=ctx.limits.regex_timeout)):
        i = next(int(k[1:]) for k, v in m.groupdict().items() if v)
        name, _p, cite = C.FABRICATED[i]
        after = regex.sub(r"\s+", " ", text[m.end():m.end() + 160])
        # the same name with a different, real citation is another case
        other = C.SHAPE.search(after)
        if other and cite not in after and other.start() < 60:
            continue
        ctx.signal(art, "lf.citation-fabricated", m.start(), m.end(), case=name, citation=cite,
                   mata=mata)
    # the citation parser costs about half a millisecond per part, whatever its size: like the
    # syntax trees of code parts, it reads the file and at most `max_parsed_parts` parts of it
    n = ctx.limits.max_parsed_parts
    if not ctx.quota(art, "legal-citations", n,
                     f"more than {n} embedded parts with case citations; citations were checked in "
                     f"the first {n} only"):
        return
    cites = C.find(text, limit=MAX_CITATIONS, timeout=ctx.limits.regex_timeout, spans=cspans)
    if len(cites) >= MAX_CITATIONS:
        ctx.error(art, f"more than {MAX_CITATIONS} case citations; the later ones were not checked")
    extra_uncheckable = [m for ws, we in wspans
                         for m in C.WL_LEXIS.finditer(text, ws, we, timeout=ctx.limits.regex_timeout)]
    neutral = [m for ws, we in cspans for m in C.NEUTRAL.finditer(text, ws, we, timeout=ctx.limits.regex_timeout)]
    if not cites and not extra_uncheckable and not neutral:
        return
    d = C.data()
    try:
        d.recognise(cites)
    except Exception as e:  # eyecite failing on hostile text must not hide the rest
        ctx.error(art, f"citation parser failed ({type(e).__name__}); citations checked with the built-in tables only")
    now = today()
    unchecked: dict[str, int] = {}
    seen_wl = set()
    for c in cites:
        C.check(c, now, d)
        if c.outcome == "impossible":
            ctx.signal(art, "lf.citation-impossible", c.start, c.end, citation=" ".join(c.text.split()),
                       reason="; ".join(c.reasons))
        elif c.outcome == "unknown-reporter":
            ctx.signal(art, "lf.citation-unknown-reporter", c.start, c.end,
                       citation=" ".join(c.text.split()), reporter=c.reporter, reason="; ".join(c.reasons))
        elif c.outcome == "unchecked":
            unchecked[c.reasons[0]] = unchecked.get(c.reasons[0], 0) + 1
            if c.reporter in ("WL",) or "LEXIS" in c.reporter:
                seen_wl.add(c.start)
    wl = sum(1 for m in extra_uncheckable if not any(abs(m.start() - s) < 3 for s in seen_wl))
    if wl:
        key = "a Westlaw or Lexis number cannot be checked offline"
        unchecked[key] = unchecked.get(key, 0) + wl
    if neutral:
        key = "a neutral (public-domain) citation cannot be checked offline"
        unchecked[key] = unchecked.get(key, 0) + len(neutral)
    if unchecked or (cites and not d.extra):
        first = min([c.start for c in cites] + [m.start() for m in extra_uncheckable] + [m.start() for m in neutral])
        reasons = [f"{n} because {why}" for why, n in sorted(unchecked.items())]
        if not d.extra:
            reasons.insert(0, "checked with built-in tables only (install artefact-scan[legal])")
        ctx.signal(art, "lf.citations-unchecked", first, first, count=sum(unchecked.values()),
                   total=len(cites) + wl + len(neutral), reason="; ".join(reasons), extra=d.extra)
