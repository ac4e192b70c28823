"""Registration numbers with impossible check digits: NPI, DEA registration, ABA routing.

Only numbers introduced by their label ("NPI: …", "DEA No. …", "routing number …") are read, so
an arbitrary ten-digit number is never judged.  Signal `lf.bad-check-digit`: data `kind`,
`number`, `reason`.
"""
from __future__ import annotations

import regex

from ..legal.identifiers import aba_problem, dea_problem, npi_problem, placeholder_digits
from ..legal.gate import PROSE_KINDS, has_exact, view, windows, word_exact
from . import detector
from ..lazyregex import lazy

_NPI = lazy(r"\bNPI\b(?:[ \t]*(?:No\.?|Number|#|ID))?[ \t]*[:#]?[ \t]*(?P<n>\d{10})\b")
_DEA = lazy(r"\bDEA\b(?:[ \t]*(?:Reg(?:istration)?\.?))?(?:[ \t]*(?:No\.?|Number|#))?[ \t]*[:#]?[ \t]*(?P<n>[A-Za-z]{2}\d{7})\b")
_ABA = lazy(r"\b(?:ABA|RTN|[Rr]outing|ROUTING)(?:[ \t]+(?:[Tt]ransit|[Rr]outing|TRANSIT|ROUTING))?(?:[ \t]*(?:No\.?|[Nn]umber|NUMBER|#|[Cc]ode))?[ \t]*[:#]?[ \t]*(?P<n>\d{9})\b")
_CHECKS = ((_NPI, "NPI", npi_problem), (_DEA, "DEA registration number", dea_problem),
           (_ABA, "ABA routing number", aba_problem))


@detector("legal-identifiers", ("lf.bad-check-digit",), kinds=PROSE_KINDS,
          prefilter=lambda art: word_exact(art, "NPI", "DEA", "ABA", "RTN") or has_exact(art, "outing", "OUTING"))
def detect_bad_check_digits(art, ctx):
    for (rx, kind, problem), lits in zip(_CHECKS, (("npi",), ("dea",), ("aba", "rtn", "routing"))):
        for m in (m for ws, we in windows(art, lits, 60, 60) for m in rx.finditer(view(art).text, ws, we, timeout=ctx.limits.regex_timeout)):
            num = m.group("n")
            if placeholder_digits(num[2:] if kind.startswith("DEA") else num):
                continue
            why = problem(num)
            if why:
                ctx.signal(art, "lf.bad-check-digit", m.start("n"), m.end("n"), kind=kind,
                           number=num, reason=why)
