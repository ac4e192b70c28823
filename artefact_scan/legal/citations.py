"""Case citations: find them, then prove the impossible ones impossible, offline.

A generic shape (`volume Reporter page[, pin] (court year)`) finds candidates, whitespace
normalised first so that a citation broken across lines is still one citation.  Each candidate
is checked against what a reporter and a court can publish:

- the year is not after the scan date (the raw year is used: eyecite drops future years);
- the year lies in the reporter series' span, with a one-year tolerance and a corrections table
  for reporters-db's known errors (F. Supp. did not end in 1988, F.3d did close in 2021);
- the volume is not past a closed series' final volume, and the year fits the volume: each
  series has anchor volumes with the year of a known decision in them (`volumes.py`), and a
  volume's decisions lie between the years of the anchors around it (three years' tolerance);
- the court existed in that year; the reporter publishes that kind of court;
- a pin cite is not before the first page;
- the reporter exists: a known family with an unknown series (`F.5th`), or, with the optional
  extra, any reporter that eyecite / reporters-db do not know, after a case name (`X v. Y,`).

Outcomes are three-valued: impossible (with the contradiction named), suspicious (a case name
known to be fabricated, such as the opinions invented in Mata v. Avianca), unchecked (with the
reason: Westlaw/Lexis numbers, neutral citations, unknown reporters without the extra).

Without the `artefact-scan[legal]` extra (eyecite, reporters-db, courts-db) the built-in tables
below cover the big federal and regional reporters and the federal appellate courts, and every
report says that citations were only partly checked.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import regex

from ..lazyregex import lazy
from . import volumes

# -- built-in tables ------------------------------------------------------------------------
# reporter -> (first year, last year or None, final volume or None, what it publishes)
# Years and final volumes of the closed series are the publisher's; they also correct
# reporters-db where it is known to be wrong (F. Supp. to 1998, F. Supp. 2d to 2014, F.3d
# closed in 2021, F.R.D. began in 1940, not 2001).  Which years each volume holds is in
# `volumes.py`.  "appellate": federal courts of appeals (and the Court of Claims, C.C.P.A.,
# Emergency Court of Appeals); "district": district and specialised trial courts; "state":
# state courts only.
REPORTERS: dict[str, tuple[int, int | None, int | None, str]] = {
    "U.S.": (1754, None, None, "scotus"),
    "S. Ct.": (1882, None, None, "scotus"),
    "L. Ed.": (1754, 1956, 100, "scotus"),  # volume 1 reprints 1 U.S. (1 Dall.), from 1754
    "L. Ed. 2d": (1956, None, None, "scotus"),
    "F.": (1880, 1924, 300, "federal"),
    "F.2d": (1924, 1993, 999, "federal"),
    "F.3d": (1993, 2021, 999, "appellate"),
    "F.4th": (2021, None, None, "appellate"),
    "F. Supp.": (1932, 1998, 999, "district"),
    "F. Supp. 2d": (1998, 2014, 999, "district"),
    "F. Supp. 3d": (2014, None, None, "district"),
    "F. App'x": (2001, 2021, None, "appellate"),
    "B.R.": (1979, None, None, "bankruptcy"),
    "F.R.D.": (1940, None, None, ""),  # mostly district courts, also rules and their notes
    "Fed. Cl.": (1992, None, None, "fedcl"),
    "A.": (1885, 1938, 200, "state"), "A.2d": (1938, 2010, 999, "state"), "A.3d": (2010, None, None, "state"),
    "So.": (1886, 1941, 200, "state"), "So. 2d": (1941, 2008, 999, "state"), "So. 3d": (2008, None, None, "state"),
    "P.": (1883, 1931, 300, "state"), "P.2d": (1931, 2000, 999, "state"), "P.3d": (2000, None, None, "state"),
    "N.E.": (1885, 1936, 200, "state"), "N.E.2d": (1936, 2014, 999, "state"), "N.E.3d": (2013, None, None, "state"),
    "N.W.": (1879, 1941, 300, "state"), "N.W.2d": (1941, None, None, "state"), "N.W.3d": (2024, None, None, "state"),
    "S.E.": (1887, 1939, 200, "state"), "S.E.2d": (1939, None, None, "state"),
    "S.W.": (1886, 1928, 300, "state"), "S.W.2d": (1928, 1999, 999, "state"), "S.W.3d": (1999, None, None, "state"),
    "Cal. Rptr.": (1959, 1991, None, "state"), "Cal. Rptr. 2d": (1991, 2003, None, "state"),
    "Cal. Rptr. 3d": (2003, None, None, "state"),
}
# Families whose series we know completely: a series beyond these does not exist.
FAMILIES: dict[str, tuple[str, ...]] = {
    "F.": ("F.", "F.2d", "F.3d", "F.4th"), "F. Supp.": ("F. Supp.", "F. Supp. 2d", "F. Supp. 3d"),
    "S. Ct.": ("S. Ct.",), "L. Ed.": ("L. Ed.", "L. Ed. 2d"), "U.S.": ("U.S.",),
    "F. App'x": ("F. App'x",), "A.": ("A.", "A.2d", "A.3d"), "So.": ("So.", "So. 2d", "So. 3d"),
    "P.": ("P.", "P.2d", "P.3d"), "N.E.": ("N.E.", "N.E.2d", "N.E.3d"), "S.W.": ("S.W.", "S.W.2d", "S.W.3d"),
}
# Courts: id -> (first year, last year or None, kind).  Federal appellate and special courts.
COURTS: dict[str, tuple[int, int | None, str]] = {
    "scotus": (1789, None, "scotus"),
    **{f"ca{n}": (1891, None, "appellate") for n in range(1, 11)},
    "ca11": (1981, None, "appellate"), "cadc": (1893, None, "appellate"), "cafc": (1982, None, "appellate"),
    "cc": (1855, 1982, "appellate"), "ccpa": (1909, 1982, "appellate"), "cit": (1980, None, "district"),
    "cusc": (1926, 1980, "district"), "uscfc": (1982, None, "fedcl"), "jpml": (1968, None, "district"),
}
STATES = {
    "Ala.": "al", "Alaska": "ak", "Ariz.": "az", "Ark.": "ar", "Cal.": "ca", "Colo.": "co", "Conn.": "ct",
    "Del.": "de", "D.C.": "dc", "Fla.": "fl", "Ga.": "ga", "Haw.": "hi", "Idaho": "id", "Ill.": "il",
    "Ind.": "in", "Iowa": "ia", "Kan.": "ks", "Ky.": "ky", "La.": "la", "Me.": "me", "Md.": "md",
    "Mass.": "ma", "Mich.": "mi", "Minn.": "mn", "Miss.": "ms", "Mo.": "mo", "Mont.": "mt", "Neb.": "ne",
    "Nev.": "nv", "N.H.": "nh", "N.J.": "nj", "N.M.": "nm", "N.Y.": "ny", "N.C.": "nc", "N.D.": "nd",
    "Ohio": "oh", "Okla.": "ok", "Or.": "or", "Pa.": "pa", "R.I.": "ri", "S.C.": "sc", "S.D.": "sd",
    "Tenn.": "tn", "Tex.": "tx", "Utah": "ut", "Vt.": "vt", "Va.": "va", "Wash.": "wa", "W. Va.": "wv",
    "Wis.": "wi", "Wyo.": "wy", "P.R.": "pr", "V.I.": "vi", "Guam": "gu",
}
# Opinions invented by a language model and filed in Mata v. Avianca, Inc., No. 22-cv-1461
# (S.D.N.Y.), as listed in the court's sanctions opinion (ECF No. 54), with the citations given.
FABRICATED = [
    ("Varghese v. China Southern Airlines", r"Varghese\s+v\.?\s+China\s+South(?:ern)?\s+Airlines", "925 F.3d 1339"),
    ("Shaboon v. Egyptair", r"Shaboon\s+v\.?\s+Egypt\s?air", "2013 IL App (1st) 111279-U"),
    ("Petersen v. Iran Air", r"Petersen\s+v\.?\s+Iran\s+Air", "905 F. Supp. 2d 121"),
    ("Martinez v. Delta Air Lines", r"Martinez\s+v\.?\s+Delta\s+Air\s?lines", "2019 WL 4639462"),
    ("Estate of Durden v. KLM Royal Dutch Airlines", r"Durden\s+v\.?\s+KLM\s+Royal\s+Dutch\s+Airlines", "2017 WL 2418825"),
    ("Miller v. United Airlines", r"Miller\s+v\.?\s+United\s+Airlines", "174 F.3d 366"),
]
FABRICATED_RE = lazy("|".join(f"(?P<f{i}>{p})" for i, (_n, p, _c) in enumerate(FABRICATED)))

_TOKEN = r"(?:[A-Z][A-Za-z'\u2019]*\.?|(?:2d|3d|[4-9]th|1st)|&)"
SHAPE = lazy(
    rf"(?<![\w.\u00a7$/-])(?P<vol>\d{{1,4}})\s+(?P<rep>{_TOKEN}(?:(?:\s|(?<=[.&])|(?=&)){_TOKEN}){{0,5}})\s+(?P<page>\d{{1,7}})(?![\w.-])"
    r"(?:,\s*(?:at\s+)?(?P<pin>\d{1,7})(?:\s*[-\u2013]\s*\d{1,7})?(?:\s*(?:&|n\.)\s*\d+)?)?"
    r"\s*\((?P<paren>[^()\n]{0,60}?)(?P<year>\d{4})\)")
# a parallel citation before the one that carries the year: "347 U.S. 483, 74 S. Ct. 686, (1954)"
PARALLEL = lazy(
    rf"(?<![\w.\u00a7$/-])(?P<vol>\d{{1,4}})\s+(?P<rep>{_TOKEN}(?:(?:\s|(?<=[.&])|(?=&)){_TOKEN}){{0,5}})\s+(?P<page>\d{{1,7}})"
    r"(?:,\s*(?:at\s+)?(?P<pin>\d{1,7})(?:\s*[-\u2013]\s*\d{1,7})?(?:\s*(?:&|n\.)\s*\d+)?)?\s*,\s*\Z")
WL_LEXIS = lazy(r"\b(?:19|20)\d{2}\s+(?:WL|U\.S\.\s+(?:Dist\.|App\.)\s+LEXIS|[A-Z][\w.]*\s+LEXIS|LEXIS)\s+\d+")
NEUTRAL = lazy(r"\b(?:19|20)\d{2}\s+(?:IL\s+App\s+\(\d\w+\)|[A-Z]{2}\s+(?:App\s+)?\d+|NY\s+Slip\s+Op)\b")
CASE_BEFORE = lazy(r"(?:\b[A-Z][\w'&.-]*[ \t]+)(?:[\w'&.,-]+[ \t]+){0,6}v(?:s)?\.[ \t]+[A-Z][^;()\n]{0,90},\s*$")
_CIRCUIT = lazy(r"\b(?P<n>1st|2d|2nd|3d|3rd|4th|5th|6th|7th|8th|9th|10th|11th|D\.\s?C\.|Fed\.)\s*Cir\.")
_DISTRICT = lazy(r"\b(?:(?P<part>[NSEWCM])\.\s?D\.|D\.)\s?(?P<state>" + "|".join(regex.escape(s) for s in sorted(STATES, key=len, reverse=True)) + r")(?=\s|$|,|\))")


def norm_reporter(rep: str) -> str:
    """Canonical spacing: 'F. 3d' -> 'F.3d', 'F.Supp.2d' -> 'F. Supp. 2d', 'S.Ct.' -> 'S. Ct.'."""
    r = regex.sub(r"\s+", " ", rep.strip()).replace("\u2019", "'")
    r = regex.sub(r"\.(?=[A-Z][a-z])", ". ", r)  # F.Supp. -> F. Supp.
    # Bluebook spacing of series: none after a single capital (F.3d, N.Y.S.2d), one after a
    # longer abbreviation (So. 2d, F. Supp. 3d, Cal. Rptr. 3d)
    r = regex.sub(r"(?<=(?:^|[\s.])[A-Z]\.)\s(?=(?:2d|3d|[4-9]th)\b)", "", r)
    r = regex.sub(r"(?<=[A-Z][a-z']+\.)(?=(?:2d|3d|[4-9]th)\b)", " ", r)
    r = r.replace("App. x", "App'x").replace("Appx", "App'x")
    return r


def court_of(paren: str) -> tuple[str | None, str]:
    """The court named in a citation's parenthetical: (id or None, kind)."""
    p = paren.strip()
    m = _CIRCUIT.search(p)
    if m:
        n = m.group("n").replace(" ", "")
        if n == "D.C.":
            return "cadc", "appellate"
        if n == "Fed.":
            return "cafc", "appellate"
        num = int(regex.match(r"\d+", n).group())
        return f"ca{num}", "appellate"
    if regex.search(r"\bBankr\.|\bB\.A\.P\.", p):
        return None, "bankruptcy"
    if regex.search(r"\bCt\.\s?Int'l\s+Trade\b", p):
        return "cit", "district"
    if regex.search(r"\bFed\.\s?Cl\.", p):
        return "uscfc", "fedcl"
    if regex.search(r"\bJ\.P\.M\.L\.", p):
        return "jpml", "district"
    m = _DISTRICT.search(p)
    if m:
        st = STATES[m.group("state")]
        part = (m.group("part") or "").lower()
        return f"{st}{part}d", "district"
    if regex.match(r"^(?:U\.S\.|S\.\s?Ct\.)\s*$", p):
        return "scotus", "scotus"
    first = p.split(" ")[0] if p else ""
    if first and any(p.startswith(s) for s in STATES):
        return None, "state"
    return None, "unknown" if p else "none"


@dataclass
class Cite:
    start: int
    end: int
    volume: int
    reporter: str
    page: int
    pin: int | None
    paren: str
    year: int
    text: str
    case_name: bool = False
    parallel: bool = False  # a parallel citation: its year is the one after the last of the chain
    recognised: str | None = None  # the edition eyecite recognised ("F.3d"), or the kind ("journal")
    outcome: str = "checked"  # checked | impossible | unknown-reporter | unchecked
    reasons: list[str] = field(default_factory=list)


class Data:
    """Reference data: the built-in tables, and the extra's when installed (loaded once)."""

    def __init__(self):
        self.extra = False
        self.versions: dict[str, str] = {}
        self.editions: dict[str, tuple[int | None, int | None]] = {}
        self.court_dates: dict[str, tuple[int, int | None]] = {}
        self.get_citations = None
        try:
            import courts_db
            import reporters_db
            from eyecite import get_citations
        except Exception:  # the extra is optional; any failure means "not installed"
            return
        from importlib import metadata

        import logging

        logging.getLogger("eyecite").setLevel(logging.ERROR)  # its overlap notices are not ours
        self.extra = True
        for pkg in ("eyecite", "reporters-db", "courts-db"):
            try:
                self.versions[pkg] = metadata.version(pkg)
            except metadata.PackageNotFoundError:
                self.versions[pkg] = "unknown"
        self.get_citations = get_citations
        for key, reps in reporters_db.REPORTERS.items():
            for rep in reps:
                for ed, info in rep.get("editions", {}).items():
                    s, e = info.get("start"), info.get("end")
                    self.editions[norm_reporter(ed)] = (s.year if s else None, e.year if e else None)
                for var, ed in rep.get("variations", {}).items():
                    self.editions.setdefault(norm_reporter(var), self.editions.get(norm_reporter(ed), (None, None)))
        for c in courts_db.courts:
            dates = c.get("dates") or []
            starts = [d.get("start") for d in dates if d.get("start")]
            ends = [d.get("end") for d in dates]
            if starts:
                end = None if any(e is None for e in ends) else max(e for e in ends if e)
                self.court_dates[c["id"]] = (int(min(starts)[:4]), int(end[:4]) if end else None)

    def recognise(self, cites: list[Cite]) -> None:
        """Let eyecite read every candidate (one call, whitespace normalised) and record which
        reporter edition it recognised; what it does not recognise is unknown to it."""
        if not self.extra or not cites:
            return
        parts, spans, pos = [], [], 0
        for c in cites:
            s = regex.sub(r"\s+", " ", c.text)
            parts.append(s)
            spans.append((pos, pos + len(s), c))
            pos += len(s) + 2
        joined = "\n\n".join(parts)
        import bisect

        starts = [sp[0] for sp in spans]
        for ec in self.get_citations(joined):
            name = type(ec).__name__
            if name not in ("FullCaseCitation", "FullLawCitation", "FullJournalCitation"):
                continue
            at = ec.span()[0]
            i = bisect.bisect_right(starts, at) - 1
            if i < 0 or not (spans[i][0] <= at < spans[i][1]):
                continue
            c = spans[i][2]
            if name != "FullCaseCitation":
                c.recognised = "law" if name == "FullLawCitation" else "journal"
                continue
            ed = ec.edition_guess or (ec.all_editions[0] if getattr(ec, "all_editions", None) else None)
            c.recognised = norm_reporter(ed.short_name) if ed is not None else norm_reporter(ec.groups.get("reporter", c.reporter))

    def known(self, rep: str, recognised: str | None = None) -> bool | None:
        """True/False when we can tell whether a reporter exists; None when we cannot."""
        if recognised is not None or rep in REPORTERS or rep in self.editions:
            return True
        for fam, series in FAMILIES.items():
            if regex.fullmatch(regex.escape(fam) + r"\s?(?:2d|3d|[4-9]th)", rep) and rep not in series:
                return False
        if self.extra:
            return False
        return None

    def span(self, rep: str) -> tuple[int | None, int | None, int | None]:
        if rep in REPORTERS:
            s, e, last, _ = REPORTERS[rep]
            return s, e, last
        s, e = self.editions.get(rep, (None, None))
        return s, e, None

    def court_years(self, court: str | None) -> tuple[int, int | None] | None:
        if court is None:
            return None
        if court in COURTS:
            s, e, _ = COURTS[court]
            return s, e
        return self.court_dates.get(court)


_DATA: Data | None = None


def data() -> Data:
    global _DATA
    if _DATA is None:
        _DATA = Data()
    return _DATA


def find(text: str, limit: int = 2000, timeout: float = 2.0,
         spans: list[tuple[int, int]] | None = None) -> list[Cite]:
    out = []
    spans = [(0, len(text))] if spans is None else spans
    for m in (m for s, e in spans for m in SHAPE.finditer(text, s, e, timeout=timeout)):
        rep = norm_reporter(m.group("rep"))
        if not ("." in rep or rep.isupper()):
            continue
        before = text[max(0, m.start() - 140):m.start()].replace("\n", " ")
        paren, year = m.group("paren").strip(" ,"), int(m.group("year"))
        case_name = bool(CASE_BEFORE.search(before))
        out.append(Cite(m.start(), m.end(), int(m.group("vol")), rep, int(m.group("page")),
                        int(m.group("pin")) if m.group("pin") else None, paren, year, m.group(), case_name))
        out.extend(_parallel(text, m.start(), paren, year, case_name, timeout))
        if len(out) >= limit:
            break
    return out


def _parallel(text: str, end: int, paren: str, year: int, case_name: bool, timeout: float) -> list[Cite]:
    """The parallel citations just before a citation ("347 U.S. 483, 74 S. Ct. 686, 98 L. Ed. 873
    (1954)"): they share its year.  Only reporters of the built-in tables are taken, so that a
    statute or a state's official report before a citation is never judged as one."""
    out = []
    for _ in range(3):
        p = PARALLEL.search(text, max(0, end - 80), end, timeout=timeout)
        if p is None:
            break
        end = p.start()
        rep = norm_reporter(p.group("rep"))
        if rep not in REPORTERS:
            continue
        seg = " ".join(text[p.start():p.end("page")].split())
        out.append(Cite(p.start(), p.end("page"), int(p.group("vol")), rep, int(p.group("page")),
                        int(p.group("pin")) if p.group("pin") else None, paren, year,
                        f"{seg} ({year})", case_name, parallel=True))
    return out


def check(c: Cite, today: _dt.date, d: Data) -> None:
    """Fill `c.outcome` and `c.reasons` (each reason names a contradiction)."""
    rep = c.reporter
    if rep in ("WL", "LEXIS") or rep.endswith("LEXIS"):
        c.outcome, c.reasons = "unchecked", ["a Westlaw or Lexis number cannot be checked offline"]
        return
    if c.recognised in ("law", "journal"):
        return  # statutes and journals: extracted, not judged
    if c.recognised is not None and c.recognised != rep and c.recognised in REPORTERS:
        rep = c.recognised  # a variation eyecite maps onto a series we know ("F. 2d")
    known = d.known(rep, c.recognised)
    if known is None:
        c.outcome, c.reasons = "unchecked", [f"reporter {rep} is not in the built-in tables"]
        return
    reasons = []
    if c.year > today.year:
        reasons.append(f"the year {c.year} is after the scan date ({today.isoformat()})")
    if known is False:
        fam = next((f for f, s in FAMILIES.items() if rep.startswith(f) and rep not in s), None)
        if fam is not None:
            c.outcome = "impossible"
            c.reasons = reasons + [f"there is no reporter {rep}: the {fam} series are {', '.join(FAMILIES[fam])}"]
            return
        if not c.case_name:
            c.outcome = "checked"  # a shape without a case name may be anything (a journal, a manual)
            return
        c.outcome = "unknown-reporter"
        c.reasons = reasons + [f"{rep!r} is not a reporter known to reporters-db"]
        return
    start, end, last = d.span(rep)
    if last is not None and c.volume > last:
        reasons.append(f"{rep} closed with volume {last}, so volume {c.volume} does not exist")
    if start is not None and c.year < start - 1:
        reasons.append(f"{rep} began in {start}, after {c.year}")
    if end is not None and c.year > end + 1:
        reasons.append(f"{rep} ended in {end}, before {c.year}")
    if not reasons:  # the year is plausible for the series: is it for the volume?
        why = volumes.impossible(rep, c.volume, c.year, end)
        if why:
            reasons.append(why)
    if c.pin is not None and c.pin < c.page:
        reasons.append(f"the pin cite {c.pin} is before the first page {c.page}")
    court, kind = court_of(c.paren)
    years = d.court_years(court)
    if years is not None:
        cs, ce = years
        if c.year < cs:
            reasons.append(f"the court ({c.paren}) did not exist before {cs}")
        elif ce is not None and c.year > ce + 1:
            reasons.append(f"the court ({c.paren}) was abolished in {ce}")
    publishes = REPORTERS.get(rep, (0, 0, 0, ""))[3]
    if publishes and kind not in ("none", "unknown"):
        bad = (publishes == "scotus" and kind != "scotus"
               or publishes in ("appellate",) and kind in ("district", "state", "scotus")
               or publishes == "federal" and (kind in ("state", "scotus") or kind == "district" and c.year >= 1933)
               or publishes == "district" and kind in ("appellate", "state", "scotus")
               or publishes == "state" and kind in ("appellate", "district", "scotus", "bankruptcy", "fedcl"))
        if bad:
            reasons.append(f"{rep} does not publish opinions of the court in ({c.paren})")
    if reasons:
        c.outcome, c.reasons = "impossible", reasons
