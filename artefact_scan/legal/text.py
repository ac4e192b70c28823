"""The vocabulary of legal instruments: dates, names, placeholders and labelled values.

Everything works on short spans (a block of a few lines around a marker), so the patterns may be
richer than the prefilters that select those blocks.  Dates keep their day/month ambiguity as a
range (`03/04/2025` is 3 April or 4 March), so that a consistency check only fires when the
contradiction holds under every reading.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import regex

from ..lazyregex import lazy

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
          r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?")
_ORD = r"(?:st|nd|rd|th)?"
DATE_RE = lazy(
    rf"""(?ix)
    (?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}){_ORD}\s*,?\s*(?:A\.?D\.?\s+)?(?P<y1>\d{{4}})\b
  | \b(?P<d2>\d{{1,2}}){_ORD}(?:\s+|-)(?:day\s+)?(?:of\s+)?(?P<m2>{_MONTH}),?(?:\s+|-)(?:in\s+the\s+year\s+)?(?:of\s+)?(?:(?:A\.?D\.?|anno\s+domini)\s+)?(?P<y2>\d{{4}})\b
  | \b(?P<y4>\d{{4}})-(?P<mo4>\d{{1,2}})-(?P<d4>\d{{1,2}})\b
  | (?<![\d/.-])(?P<a3>\d{{1,2}})(?P<sep>[/.-])(?P<b3>\d{{1,2}})(?P=sep)(?P<y3>\d{{4}}|\d{{2}})(?![\d/-])
    """)
# A date to be filled in: "____ day of ________, 20__", "XX/XX/XXXX", "[DATE]", "__/__/____".
BLANK_DATE_RE = lazy(
    r"""(?ix)
    _{2,}[ \t]*(?:day[ \t]+of[ \t]+)?_{2,}
  | \b(?:19|20)_{1,2}(?!\w)
  | \b(?:XX|MM|DD)[/.-](?:XX|DD|MM)[/.-](?:XX){1,2}\b|\b(?:mm|dd)[/.-](?:dd|mm)[/.-](?:yy){1,2}\b
  | _{1,2}[/.-]_{1,2}[/.-]_{2,4}
  | \[\s*(?:date|day|month|year)[^\]\n]{0,20}\]
  | \{\{\s*\w*date\w*\s*\}\}|<<\s*\w*date\w*\s*>>|<\s*date\s*>
    """)
# Blanks and placeholders of templates and forms.
PLACEHOLDER_RE = lazy(
    r"""(?ix)
    _{3,}|\.{6,}|\u2026{3,}
  | \[\s*(?:\u25cf|\u2022|\*|x+|\?+|\.\.\.)\s*\]
  | \[\s*(?:name|full[ \t]name|printed[ \t]name|date|signature|signer|county|state|title|address
        |notary[^\]\n]{0,20}|insert[^\]\n]{0,40}|your[^\]\n]{0,30}|party[^\]\n]{0,20}|client[^\]\n]{0,20}
        |judge[^\]\n]{0,20}|clerk[^\]\n]{0,20}|number|no\.?|case[^\]\n]{0,15}|company[^\]\n]{0,20}
        |attorney[^\]\n]{0,20}|bar[^\]\n]{0,15}|seal[ \t]of[^\]\n]{0,20}|declarant[^\]\n]{0,15}|affiant[^\]\n]{0,15}
        |[a-z]+[ \t]name|month|day|year|city|country|place|amount|witness[^\]\n]{0,15})\s*\]
  | \{\{[^{}\n]{1,40}\}\}|<<[^<>\n]{1,40}>>|\$\{[^{}\n]{1,40}\}|%\([a-z_]+\)s
  | <\s*(?:name|date|signature|notary[ \t]name|judge|county|state|number)\s*>
  | \b(?:XX|MM|DD)[/.-](?:XX|DD|MM)[/.-](?:XX){1,2}\b
  | \b(?:19|20)_{1,2}(?!\w)
  | \b(?:john|jane|richard|mary)[ \t]+(?:q\.[ \t]+)?(?:doe|roe|public)\b
  | \((?:name|signature|printed[ \t]name|seal|date|print[ \t]name|signature[ \t]of[^)\n]{0,25}|type[ \t]or[ \t]print[^)\n]{0,20})\)
    """)

# Words that are never part of a personal name in these blocks.
_STOP = {
    "notary", "public", "state", "county", "commission", "expires", "court", "judge", "district",
    "clerk", "signature", "name", "date", "title", "the", "this", "my", "united", "states",
    "america", "of", "seal", "official", "before", "me", "subscribed", "sworn", "witness",
    "acknowledged", "personally", "appeared", "deputy", "superior", "supreme", "circuit",
    "magistrate", "justice", "honorable", "hon", "esq", "attorney", "plaintiff", "defendant",
    "by", "print", "printed", "sign", "here", "and", "or", "for", "to", "in", "at", "on", "is",
    "a", "an", "city", "town", "registrar", "secretary", "department", "office", "agency",
    "apostille", "country", "document", "certificate", "certified", "copy", "true", "original",
    "filed", "entered", "order", "ordered", "so", "it", "hereby", "declare", "declarant", "affiant",
    "signed", "dated", "executed", "envelope", "id", "no", "number", "page", "case", "document",
    "inc", "llc", "ltd", "corp", "corporation", "company", "co", "bank", "agreement", "party",
    "parties", "whereof", "in", "we", "i", "you", "he", "she", "they", "his", "her", "its", "our",
    "mr", "ms", "mrs", "dr", "sir", "madam", "january", "february", "march", "april", "june",
    "july", "august", "september", "october", "november", "december", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "commissioner", "oaths", "peace",
    "bar", "law", "firm", "street", "avenue", "road", "suite", "floor", "box",
    "cir", "supp", "ct", "app", "dist", "div", "stamp", "place", "capacity", "acting", "bears",
    "has", "been", "was", "were", "be", "who", "that", "which", "with", "from", "under",
    "authority", "issued", "issuing", "government", "ministry", "embassy", "consulate",
    "registry", "records", "custodian", "recorder", "examiner", "administrator", "director",
    "officer", "chief", "president", "vice", "manager", "member", "partner", "counsel",
    "defendants", "plaintiffs", "petitioner", "respondent", "appellant", "appellee", "debtor",
    "creditor", "trustee", "estate", "re", "matter", "v", "vs", "not", "applicable", "none", "n",
    "tbd", "pending", "unknown", "blank", "sample", "example", "template", "draft", "form",
    "insert", "here", "your", "full", "legal", "company", "address", "email", "phone", "fax",
    "telephone", "mobile", "tel", "docusign", "adobe", "sign", "dropbox", "hellosign",
}
_PARTICLES = {"de", "van", "von", "der", "den", "da", "del", "della", "la", "le", "di", "du",
              "bin", "ibn", "al", "st", "mac", "mc", "y", "dos", "das", "ten", "ter"}
_NAME_TOKEN = lazy(r"(?:\p{Lu}[\p{Ll}\p{Lu}'\u2019-]*\.?|\p{Lu}\.)")
NAME_RE = lazy(
    r"(?<![\p{L}\d])(?:\p{Lu}[\p{L}'\u2019-]*\.?|\p{Lu}\.)"
    r"(?:[ \t]{1,2}(?:(?:de|van|von|der|den|da|del|della|la|le|di|du|bin|al|dos)[ \t]{1,2}){0,2}(?:\p{Lu}[\p{L}'\u2019-]*\.?|\p{Lu}\.)){1,4}"
    r"(?:,?[ \t]{1,2}(?:Jr\.?|Sr\.?|II|III|IV|Esq\.?))?")
# (at most two blanks between the words of a name: a wider gap is a column or markup blanked out
# of an HTML page, "/s/ Jane Roe<br>Jane Roe, Esq." is one name, not "Jane Roe Jane Roe")


US_STATES = frozenset(x.lower() for x in (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
    "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
    "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
    "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
    "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia"))


@dataclass(frozen=True)
class DateValue:
    """A date as written: its span and the range of days it can mean."""

    start: int
    end: int
    lo: _dt.date
    hi: _dt.date
    text: str

    @property
    def year(self) -> int:
        return self.lo.year


def _year(y: str) -> int | None:
    if len(y) == 4:
        return int(y)
    v = int(y)
    return 2000 + v if v < 70 else 1900 + v


def _mk(y: int | None, m: int, d: int) -> _dt.date | None:
    if y is None or not (1600 <= y <= 2999):
        return None
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateValue]:
    """Every date written in `text[start:end]`, offsets in `text`."""
    out = []
    for m in DATE_RE.finditer(text, start, len(text) if end is None else end, timeout=1.0):
        g = m.groupdict()
        cands: list[_dt.date] = []
        if g["m1"]:
            d = _mk(int(g["y1"]), MONTHS[g["m1"].lower().rstrip(".")], int(g["d1"]))
            cands = [d] if d else []
        elif g["m2"]:
            d = _mk(int(g["y2"]), MONTHS[g["m2"].lower().rstrip(".")], int(g["d2"]))
            cands = [d] if d else []
        elif g["y4"]:
            d = _mk(int(g["y4"]), int(g["mo4"]), int(g["d4"]))
            cands = [d] if d else []
        else:
            a, b, y = int(g["a3"]), int(g["b3"]), _year(g["y3"])
            if g["sep"] == "." and len(g["y3"]) == 2:
                continue  # version numbers such as 1.2.10
            for mo, dd in ((a, b), (b, a)):
                d = _mk(y, mo, dd)
                if d and d not in cands:
                    cands.append(d)
        if cands:
            out.append(DateValue(m.start(), m.end(), min(cands), max(cands), m.group()))
    return out


def first_date(text: str, start: int = 0, end: int | None = None) -> DateValue | None:
    ds = find_dates(text, start, end)
    return ds[0] if ds else None


def is_placeholder(value: str) -> bool:
    """True when a slot's value is a blank or a placeholder rather than a real value."""
    v = value.strip(" \t:;,.-*\u2013\u2014|")
    if not v:
        return True
    if PLACEHOLDER_RE.search(v) or BLANK_DATE_RE.search(v):
        return True
    low = v.lower()
    return low in {"n/a", "na", "tbd", "tba", "pending", "none", "blank", "name", "date", "title",
                   "signature", "seal", "x", "xx", "xxx", "xxxx", "?"} or set(low) <= set("x-/ .")


_TITLES = {"hon", "honorable", "mr", "mrs", "ms", "dr", "judge", "justice", "sir", "the", "by",
           "attest", "signed", "signature", "name", "notary", "public", "before", "me", "i"}
_SUFFIX = ("jr", "sr", "ii", "iii", "iv", "esq")


def find_name(text: str) -> tuple[int, int, str] | None:
    """The first personal name in `text` (two to five capitalised words, not legal vocabulary)
    as (start, end, name with single spaces); leading titles ("Hon.", "Judge") are dropped and
    the name ends at the first legal word."""
    for m in NAME_RE.finditer(text, timeout=1.0):
        toks = list(regex.finditer(r"[^ \t]+", m.group()))
        while toks and toks[0].group().strip(".,").lower() in _TITLES:
            toks = toks[1:]
        head = []
        for i, tok in enumerate(toks):
            low = tok.group().strip(".,").lower()
            # a middle initial ("Jennifer A. Collins") is no stop word ("a", "i"): one letter with
            # its full stop between two name words
            initial = i > 0 and i + 1 < len(toks) and regex.fullmatch(r"\p{Lu}\.", tok.group()) is not None
            if low in _STOP and not initial:
                break
            # "P. O. Box" / "P.O." ends a name; a single P or O elsewhere is a middle initial
            nxt = toks[i + 1].group().strip(".,").lower() if i + 1 < len(toks) else ""
            after = text[m.start() + tok.end():m.start() + tok.end() + 1]
            if low == "p.o" or low in ("p", "po") and (nxt in ("o", "box") or after in ("O", "o")):
                break
            head.append(tok)
        tokens = [t.group().strip(".,").lower() for t in head]
        core = [t for t in tokens if t not in _PARTICLES and t not in _SUFFIX]
        words = [t for t in core if len(t) > 1]
        if len(core) < 2 or not words:
            continue
        cand = " ".join(t.group() for t in head).rstrip(",")
        if is_placeholder(cand):
            continue
        name = _trim(cand)
        start = m.start() + head[0].start()
        end = m.start() + head[-1].end()
        end -= len(cand) - len(name) + (len(" ".join(t.group() for t in head)) - len(cand))
        return start, end, name
    return None


def name_in(text: str) -> str | None:
    found = find_name(text)
    return found[2] if found else None


def _trim(name: str) -> str:
    """Drop a sentence's full stop after a name (keep it after an initial or Jr.)."""
    last = name.rsplit(None, 1)[-1]
    if name.endswith(".") and len(last) > 2 and last.lower() not in ("jr.", "sr.", "esq."):
        return name[:-1]
    return name


def lines_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of text[start:end], end excluding the newline."""
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl < 0:
            out.append((pos, end))
            break
        out.append((pos, nl))
        pos = nl + 1
    return out


def after_label(text: str, label_end: int, line_end: int, follow: bool = True) -> tuple[int, int]:
    """The value after a label ("Date: ___"): the rest of its line, or the next line when the
    rest is empty and `follow` is set.  Returns (start, end) offsets in text."""
    s = label_end
    while s < line_end and text[s] in " \t:-\u2013\u2014":
        s += 1
    e = line_end
    while e > s and text[e - 1] in " \t\r":
        e -= 1
    if s >= e and follow and line_end < len(text):
        nxt = text.find("\n", line_end + 1)
        nxt = len(text) if nxt < 0 else nxt
        s2 = line_end + 1
        while s2 < nxt and text[s2] in " \t":
            s2 += 1
        return s2, nxt
    return s, e
