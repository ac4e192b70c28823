"""Execution and authentication markers of legal instruments, by family, with slots.

Third-party marks (only a notary, a court, a clerk, an apostille authority, an e-signature
platform, an agency or a business registry can make them): notarial certificates, apostilles,
clerk filing stamps and CM/ECF headers, signed court orders, certified true copies, e-signature
envelope stamps and audit trails, issued official approvals, certificates of incorporation and
registry filing stamps.  A principal's own marks: conformed `/s/` signatures, filled
execution blocks, attorney blocks with bar numbers, sworn declarations.

Each family finds its anchor phrases (after a literal prefilter), groups the ones within a few
lines into a block, reads the slots it expects, and emits one signal per *filled* block with
the slots in its data (`slots`, `filled`, `empty`, `fill`).  A blank form emits nothing; a block
with blanks left also emits `<signal>-blanks`, which rules use to lower the severity.  The same
blocks feed the consistency checks (commission expired before the notarial act, acts dated in
the future, a docket number younger than the order), each emitted with the contradiction named.
"""
from __future__ import annotations

import datetime as _dt

import regex

from ..legal.blocks import Block, Lines, Slot, cluster_text, lines_down, lines_up
from ..legal.gate import PROSE_KINDS, has, has_exact, view, windows
from ..legal.slots import (blank_at, date_slot, name_before, name_on_line_above, name_slot,
                           today, value_slot)
from ..legal.text import MONTHS, US_STATES, DateValue, find_dates, find_name, is_placeholder, name_in
from ..lazyregex import lazy
from . import detector

# -- shared ---------------------------------------------------------------------------------


LOOKAHEAD = 400


def _blocks(text: str, anchor_re: regex.Pattern, *, gap: int, before: int, after: int,
            lines: Lines | None = None, spans: list[tuple[int, int]] | None = None,
            starts=None, keep=None):
    """Yield (group of anchor matches, block start, block end, lines); `spans` restricts where
    anchors are looked for."""
    if spans is None:
        matches = list(anchor_re.finditer(text, timeout=2.0))
    else:
        # an anchor starts inside a span; what it looks ahead at may lie past it ("do hereby
        # certify" … "in good standing" three lines on)
        matches = [m for s, e in spans for m in anchor_re.finditer(text, s, min(len(text), e + LOOKAHEAD), timeout=2.0)
                   if m.start() < e]
    if keep is not None:
        matches = [m for m in matches if keep(m)]
    if not matches:
        return
    lines = lines or Lines(text, starts)  # built only if a detector asks for line numbers
    by_span = {m.span(): m for m in matches}
    for group in cluster_text(text, list(by_span), gap):
        s = lines_up(text, group[0][0], before)
        e = lines_down(text, max(sp[1] for sp in group), after)
        yield [by_span[sp] for sp in group], s, e, lines


_OPEN_QUOTES = "\"'\u201c\u2018\u00ab"
_CLOSE_QUOTES = "\"'\u201d\u2019\u00bb"


def _in_quotes(text: str, start: int, end: int) -> bool:
    """A phrase quoted inline ("'IT IS SO ORDERED,' the judge wrote") is reported speech."""
    i = start - 1
    while i >= 0 and text[i] in " \t*_":
        i -= 1
    if i >= 0 and text[i] in _OPEN_QUOTES:
        return True
    j = end
    while j < len(text) and j < end + 3 and text[j] in " \t.,;!*_":
        j += 1
    return j < len(text) and text[j] in _CLOSE_QUOTES and text[j - 1] != " "


def _emit(ctx, art, signal: str, block: Block) -> None:
    a0, a1 = block.anchor
    ctx.signal(art, signal, a0, a1, **block.data())
    if block.n_empty and block.fill < 0.75:
        ctx.signal(art, signal + "-blanks", a0, a1, empty=block.n_empty, fill=round(block.fill, 2))


def _future(ctx, art, block: Block, slot: Slot | None, what: str) -> None:
    """An act cannot be dated after the scan (one day of tolerance for time zones)."""
    if slot is None or slot.date is None:
        return
    now = today()
    if slot.date.lo.toordinal() > now.toordinal() + 1:
        ctx.signal(art, "lf.future-dated-act", slot.start, slot.end, act=what, date=slot.value,
                   today=now.isoformat(), family=block.family)


_DOCKET = lazy(
    r"(?<![\w:])(?:\d{1,2}:)?(?P<yy>\d{2})-(?P<type>cv|cr|mj|mc|md|bk|ap|po|sw|gj|cb|dp|ml|misc|civ|crim)"
    r"-(?P<seq>\d{2,6})(?:-[A-Za-z0-9]{1,5}){0,4}\b", regex.I)
_INDEX_NO = lazy(r"(?i)\bIndex\s+No\.?\s*:?\s*(?P<seq>\d{3,7})/(?P<yyyy>(?:19|20)\d{2})\b")


_CASE_LABEL = lazy(r"(?i)\b(?:case|civil\s+action|criminal|docket|cause|action|index|file)\s*(?:no\.?|number|#)\s*:?\s*$")


def _docket_years(text: str, start: int, end: int, labelled: bool = False) -> list[tuple[int, int, int, str]]:
    """Docket numbers and their years; `labelled`: only this case's own number, introduced by
    "Case No." (a caption), not the numbers of cases the text cites."""
    out = []
    for m in _DOCKET.finditer(text, start, end, timeout=1.0):
        if labelled and not _CASE_LABEL.search(text, max(0, m.start() - 30), m.start()):
            continue
        yy = int(m.group("yy"))
        out.append((m.start(), m.end(), 2000 + yy if yy < 70 else 1900 + yy, m.group()))
    for m in _INDEX_NO.finditer(text, start, end, timeout=1.0):
        out.append((m.start(), m.end(), int(m.group("yyyy")), m.group()))
    return out


def _docket_check(ctx, art, block: Block, act: Slot | None, what: str, dockets) -> None:
    """A case cannot be decided (or filed) in a year before its docket number's year."""
    if act is None or act.date is None:
        return
    for s, e, year, docket in dockets:
        if year > act.date.hi.year:
            ctx.signal(art, "lf.docket-after-act", act.start, act.end, docket=docket,
                       docket_year=year, act=what, date=act.value, family=block.family)
            return


# -- notarial certificates (LM3) ------------------------------------------------------------

_NOTARY_ANCHOR = lazy(r"""(?ix)
    \bnotary\s+public\b | \bnotarial\s+(?:officer|seal|certificate)\b | \bnotary(?:'s)?\s+seal\b
  | \bsubscribed\s+and\s+sworn | \bsworn\s+(?:to\s+)?(?:\(or\s+affirmed\)\s+)?(?:and\s+subscribed\s+)?before\s+me
  | \b(?:acknowledged|affirmed|declared)\s+before\s+me | \bpersonally\s+appeared
  | \b(?:commission|appointment)\s+expires | \bcommissioner\s+(?:for|of)\s+oaths | \bjustice\s+of\s+the\s+peace
  | \bappeared\s+before\s+me | \bsatisfactory\s+evidence
  """)
_NOTARY_ID = lazy(r"(?i)\bnotary\s+public\b|\bcommissioner\s+(?:for|of)\s+oaths\b|\bjustice\s+of\s+the\s+peace\b|\bnotarial\s+officer\b|\bnotary\b")
_ACT_PHRASE = lazy(
    r"(?i)\b(?:subscribed\s+and\s+sworn(?:\s+to)?|sworn\s+(?:to\s+)?(?:\(or\s+affirmed\)\s+)?(?:and\s+subscribed\s+)?|"
    r"(?:acknowledged|affirmed|declared|signed\s+and\s+sealed))\s*(?:\([^)\n]{0,30}\)\s*)?before\s+me\b"
    r"|\bbefore\s+me\s*,[^\n]{0,60}\bnotary\b|\b(?:sworn|affirmed|declared)\s+at\b")
_BEFORE_ME_NAME = lazy(r"(?i)\bbefore\s+me\s*,?\s*(?=[^\n]{2,60}?(?:,|\s)\s*(?:a\s+|the\s+undersigned\s+)?(?:notary|commissioner|justice|solicitor|officer)\b)"
                                r"|\bbefore\s+me\s*,?\s*(?=[^\n]{2,60}\n[ \t]*(?:a\s+)?(?:notary|commissioner|solicitor|justice)\b)")
_PERSONALLY = lazy(r"(?i)\bpersonally\s+(?:came\s+and\s+)?appeared(?:\s+before\s+me)?\s*,?")
_PRINTED_NAME = lazy(r"(?im)^[ \t>*|_-]*(?:print(?:ed)?|typed)\s+name(?:\s+of\s+notary)?\s*:")
_EXPIRES = lazy(r"(?i)\b(?:commission|appointment)\s+expires?\s*(?:on\s*)?:?")
_NOTARY_LABEL = lazy(r"(?i)\b(?:signature|name)\s+of\s+(?:the\s+)?notary(?:\s+public)?\s*:")
_DATED = lazy(r"(?im)^[ \t>*|_-]*dated?\s*:")
_COMM_NO = lazy(r"(?i)\b(?:commission|notary\s+(?:registration|reg\.?|id)|registration)\s*(?:no\.?|number|#|id)\s*[:.]?")
_VENUE = lazy(r"(?i)\b(?P<kind>state|county|commonwealth|parish|city)\s+of\s*:?[ \t]*")
_SEAL = lazy(r"(?i)\(\s*(?:notary\s+|official\s+)?seal\s*\)|\[\s*(?:notary\s+|official\s+|notarial\s+)?seal\s*\]|\bnotary\s+seal\b|\bofficial\s+seal\b")
_BY = lazy(r"(?i)\bby\s+")
_STATE_NAME = r"(?P<st>\p{Lu}[\p{L}]+(?:[ \t]+\p{Lu}[\p{L}]+){0,2})"
_COMMISSION_STATE = lazy(
    r"(?i:\bnotary\s+public\b[ \t,:-]*(?:(?:in\s+and\s+)?for\s+(?:the\s+)?)?(?:said\s+county\s+and\s+)?(?:state|commonwealth)\s+of)[ \t]+" + _STATE_NAME)
_VENUE_STATE = lazy(r"(?m)^[ \t>*|#]*(?i:state|commonwealth)[ \t]+(?i:of)[ \t]+" + _STATE_NAME)
_REMOTE = lazy(r"(?i)audio-?video|remote(?:ly)?\s+(?:online\s+)?notar|online\s+notar|electronic\s+notar|by\s+means\s+of\s+communication\s+technology")


def _state_norm(name: str) -> str | None:
    """A US state's name as written, matched against the list (longest prefix of the words)."""
    words = name.lower().split()
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n])
        if cand in US_STATES:
            return cand
    return None


# an apostille's fields name the notary whose signature it authenticates ("3. acting in the
# capacity of Notary Public"): that is the apostille's text, not a notarial certificate
_AP_NOTARY_FIELD = lazy(
    r"(?i)(?:acting\s+in\s+the\s+capacity\s+of|bears\s+the\s+(?:seal|stamp)(?:\s*/\s*(?:seal|stamp))?\s+of|has\s+been\s+signed\s+by"
    r"|en\s+calidad\s+de|en\s+qualit[e\u00e9]\s+de|(?:revestido|rev[e\u00ea]tu)\s+del?\s+(?:sello|sceau))\b")


def _in_apostille_field(text: str, m) -> bool:
    ls = text.rfind("\n", 0, m.start()) + 1
    return _AP_NOTARY_FIELD.search(text, ls, m.start()) is not None


def _notarial_block(text: str, group, s: int, e: int, dockets) -> Block | None:
    ident = [m for m in _NOTARY_ID.finditer(text, s, e) if not _in_apostille_field(text, m)]
    if not ident:
        return None
    # the notary's own line ("Notary Public, State of Ohio"), not a disclaimer that mentions one
    pub = next((m for m in ident if m.group() in ("Notary Public", "NOTARY PUBLIC")), None) \
        or next((m for m in ident if m.group().lower().startswith("notary public")), ident[0])
    b = Block("notarial certificate", s, e, pub.span())
    # the notarial act: its date and the person who swore or acknowledged
    for m in _ACT_PHRASE.finditer(text, s, e):
        seg_start = max(s, text.rfind("\n\n", s, m.start()) + 1, m.start() - 120)
        d = date_slot("act-date", text, m.end(), e, reach=160)
        d0 = date_slot("act-date", text, seg_start, m.start(), reach=m.start() - seg_start)
        b.add(d if d is not None else d0)
        for by in _BY.finditer(text, m.end(), min(e, m.end() + 200)):
            sl = name_slot("signer", text, by.end(), e)
            if sl is not None:
                b.add(sl)
                break
    for m in _PERSONALLY.finditer(text, s, e):
        b.add(name_slot("signer", text, m.end(), e))
    # the notary: "before me, NAME, Notary Public", "NAME, Notary Public", a signature line above
    for m in _BEFORE_ME_NAME.finditer(text, s, e):
        b.add(name_slot("notary", text, m.end(), e))
    for m in ident:
        if m.group().lower() == "notary" and not regex.match(r"(?i)notary\s*(?:'s)?\s*(?:signature|name)", text[m.start():m.start() + 20]):
            continue
        b.add(name_before("notary", text, m.start(), s))
        b.add(name_on_line_above("notary", text, m.start(), s))
        lab = regex.match(r"(?i)notary(?:\s+public)?(?:(?:'s)?\s+(?:signature|name|printed\s+name))?\s*:", text[m.start():m.start() + 40])
        if lab:
            b.add(name_slot("notary", text, m.start() + lab.end(), e))
    for m in _PRINTED_NAME.finditer(text, s, e):
        b.add(name_slot("notary", text, m.end(), e, reach=3))
    for m in _NOTARY_LABEL.finditer(text, s, e):
        b.add(name_slot("notary", text, m.end(), e, reach=3))
    if not b.filled("act-date"):
        # a certificate dated on its own line ("Dated: January 15, 2026")
        for m in _DATED.finditer(text, s, e):
            b.add(date_slot("act-date", text, m.end(), e, reach=40))
    for m in _EXPIRES.finditer(text, s, e):
        b.add(date_slot("commission-expiry", text, m.end(), e, reach=40))
    for m in _COMM_NO.finditer(text, s, e):
        b.add(value_slot("commission-number", text, m.end(), e, need_digit=True, token=True))
    for m in _VENUE.finditer(text, s, e):
        b.add(value_slot(m.group("kind").lower(), text, m.end(), e, capital=True, strong=False, trim=" )"))
    if _SEAL.search(text, s, e):
        b.extra["seal"] = True
    # where the act took place and where the notary is commissioned
    cs = _COMMISSION_STATE.search(text, s, e)
    vs = _VENUE_STATE.search(text, s, e)
    if cs and vs:
        b.extra["_states"] = (vs, cs)
    return b


@detector("legal-notarial", ("lf.notarial", "lf.notarial-blanks", "lf.commission-expired", "lf.notary-state-mismatch",
                             "lf.future-dated-act", "lf.docket-after-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "notar", "oaths"))
def detect_notarial(art, ctx):
    dockets = None
    spans = windows(art, ("notar", "oaths", "justice of the peace"), 1500, 1500)
    text = view(art).text
    for group, s, e, lines in _blocks(text, _NOTARY_ANCHOR, gap=10, before=6, after=6, spans=spans,
                                      starts=lambda: view(art).starts):
        b = _notarial_block(text, group, s, e, dockets)
        if b is None:
            continue
        strong = {sl.name for sl in b.slots if sl.filled and sl.strong}
        venue = any(sl.filled and not sl.strong for sl in b.slots)
        if len(strong) < 2 and not (strong and (b.extra.get("seal") or venue)):
            continue
        _emit(ctx, art, "lf.notarial", b)
        if len(strong) < 2 and not (b.n_empty and b.fill < 0.75):
            # one filled specific with a seal or a venue: a partly filled mark, a warning
            ctx.signal(art, "lf.notarial-blanks", *b.anchor, empty=b.n_empty, fill=round(b.fill, 2))
        act, exp = b.filled("act-date"), b.filled("commission-expiry")
        if act and exp and act.date and exp.date and act.date.lo > exp.date.hi:
            ctx.signal(art, "lf.commission-expired", exp.start, exp.end, act=act.value,
                       expiry=exp.value, family=b.family)
        _future(ctx, art, b, act, "notarial act")
        states = b.extra.pop("_states", None)
        if states and not _REMOTE.search(text, b.start, b.end):
            vs, cs = states
            v, c = _state_norm(vs.group("st")), _state_norm(cs.group("st"))
            if v and c and v != c:
                ctx.signal(art, "lf.notary-state-mismatch", cs.start("st"), cs.end("st"),
                           venue=vs.group("st"), commission=cs.group("st"), family=b.family)


# -- apostilles (LM4) -----------------------------------------------------------------------

_APOSTILLE = lazy(r"(?i)\bapostill[ea]\b|\bconvention\s+de\s+la\s+haye\b|\bhague\s+convention\s+of\s+(?:5|the\s+5th)\s+october,?\s+1961\b")
# The model certificate's ten fields, in the English, French and Spanish wording that official
# (often trilingual) certificates print, with or without their numbers.
_AP_FIELDS = [
    ("country", r"(?:country|pays|pa[i\u00ed]s)(?:\s*/\s*(?:pays|pa[i\u00ed]s))*", "place"),
    ("signed-by", r"(?:(?:this\s+public\s+document\s+)?has\s+been\s+signed\s+by|a\s+[e\u00e9]t[e\u00e9]\s+sign[e\u00e9]\s+par|ha\s+sido\s+firmad[oa]\s+por)", "name"),
    ("capacity", r"(?:acting\s+in\s+the\s+capacity\s+of|agissant\s+en\s+qualit[e\u00e9]\s+de|quien\s+act[u\u00fa]a\s+en\s+calidad\s+de)", "text"),
    ("seal-of", r"(?:bears\s+the\s+(?:seal\s*/\s*stamp|seal|stamp)\s+of|est\s+rev[e\u00ea]tu\s+du\s+sceau\s*/\s*timbre\s+de|y\s+est[a\u00e1]\s+revestido\s+del\s+sello\s*/\s*timbre\s+de)", "text"),
    ("place", r"(?:certified\s+)?(?:at|[a\u00e0]|en)", "place"),
    ("date", r"(?:the|le|el\s+d[i\u00ed]a)", "date"),
    ("authority", r"(?:by|par|por)", "text"),
    ("number", r"(?:no\.?|n[\u00b0\u00ba]|number|sous\s+n[\u00b0\u00ba]|bajo\s+el\s+n[u\u00fa]mero)", "number"),
    ("seal", r"(?:seal\s*/\s*stamp|sceau\s*/\s*timbre|sello\s*/\s*timbre)", "weak"),
    ("signature", r"(?:signature|firma)", "weak"),
]
_AP_RES = []
for _i, (_name, _lab, _kind) in enumerate(_AP_FIELDS, 1):
    _AP_RES.append((_name, _kind, lazy(
        rf"(?im)(?:(?<![\w.])(?P<num>{_i})\s*[.)|]\s*{_lab}(?!\w)|^[ \t>*|-]*{_lab}(?!\w)(?=\s*:|\s+\S))[ \t]*(?P<colon>:?)[ \t]*")))
_NEXT_FIELD = lazy(r"\s(?:10|[1-9])\s*[.)]\s+\p{L}")
# a line that starts another field (or the certificate's own words), so it is no value
_FIELD_LINE = lazy(r"(?im)^[ \t>*|-]*(?:(?:10|[1-9])\s*[.)|]|this\s+public\s+document\b|le\s+pr[e\u00e9]sent\s+acte\b|el\s+presente\s+documento\b|certifi|attest|$)")


def _field_value(text: str, m, e: int) -> tuple[int, int]:
    """Where a field's value lies: the rest of its line (up to the next numbered field on the
    same line), or the next line when the label ends its line ("6. the" / "   12 March 2025")."""
    le = text.find("\n", m.end(), e)
    le = e if le < 0 else le
    nf = _NEXT_FIELD.search(text, m.end(), le)
    if nf:
        le = nf.start()
    if text[m.end():le].strip(" \t:|*.") or le >= e or not (m.group("num") or m.group("colon")):
        return m.end(), le
    ns = le + 1
    ne = text.find("\n", ns, e)
    ne = e if ne < 0 else ne
    if _FIELD_LINE.match(text, ns, ne):
        return m.end(), le
    return ns, ne


def _apostille_block(text: str, s: int, e: int, anchor) -> Block:
    b = Block("apostille", s, e, anchor)
    for name, kind, rx in _AP_RES:
        for m in rx.finditer(text, s, e):
            vs, le = _field_value(text, m, e)
            val = text[vs:le].lstrip(" \t:|*.").rstrip(" \t:|*")
            if not val or is_placeholder(val) or blank_at(text, vs, le):
                b.add(Slot(name, vs, le, val, False, strong=kind != "weak"))
                continue
            ok = False
            if kind == "date":
                ds = find_dates(val)
                ok = bool(ds) and ds[0].start <= 3
                if ok:
                    slot = Slot(name, vs, le, val[:60], True, date=ds[0])
                    b.add(slot)
                    continue
            elif kind == "number":
                ok = any(c.isdigit() for c in val[:30])
            elif kind == "name":
                ok = bool(name_in(val)) or val[:1].isupper()
            elif kind in ("place", "text"):
                ok = val[:1].isupper() and not val.lower().startswith(("the name", "name of", "the country", "the date", "the official", "the title", "the place", "the authority", "the seal", "the number"))
            else:
                ok = True
            if ok:
                b.add(Slot(name, vs, le, val[:60], True, strong=kind != "weak"))
    return b


@detector("legal-apostille", ("lf.apostille", "lf.apostille-blanks", "lf.future-dated-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "apostil"))
def detect_apostille(art, ctx):
    spans = windows(art, ("apostil", "la haye", "hague"), 40, 80)
    text = view(art).text
    for group, s, e, lines in _blocks(text, _APOSTILLE, gap=25, before=2, after=22, spans=spans,
                                      starts=lambda: view(art).starts):
        b = _apostille_block(text, s, e, group[0].span())
        signer = b.get("signed-by")
        if signer is not None and not signer.filled:
            continue  # an apostille authenticates a signature: without its signer it is a form or a specimen
        strong = {sl.name for sl in b.slots if sl.filled and sl.strong}
        if len(strong) >= 3 and strong & {"signed-by", "date", "number"}:
            _emit(ctx, art, "lf.apostille", b)
            _future(ctx, art, b, b.filled("date"), "apostille")


# -- clerk filing stamps and CM/ECF headers (LM5) -------------------------------------------

_CMECF = lazy(
    r"\bCase\s+(?P<case>\d{1,2}:\d{2}-[A-Za-z]{1,4}-\d{2,6}(?:-[A-Z0-9]{1,5}){0,4})\s+(?:Doc(?:ument)?|Dkt\.?|DE|ECF\s+No\.?)\s*#?\s*(?P<doc>\d+(?:-\d+)?)"
    r"\s+(?:Filed|Entered\s+on\s+[A-Z]{2,6}\s+Docket)\s*:?\s*(?P<filed>\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:\s+Entered\s*:?\s*(?P<entered>\d{1,2}/\d{1,2}/\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)?"
    r"(?:\s+(?:Page|Pg)\s*(?P<page>\d+)\s+of\s+(?P<pages>\d+))?(?:\s+Page\s*ID\s*#?\s*:?\s*(?P<pageid>\d+))?")
_STATE_STAMP = lazy(
    r"\bFILED\s*:\s*(?P<county>[A-Z][A-Z .'-]{1,40}?)\s+COUNTY\s+CLERK\s+(?P<filed>\d{1,2}/\d{1,2}/\d{2,4})(?:\s+(?P<time>\d{1,2}:\d{2}\s*[AP]\.?M\.?))?"
    r"|\bNYSCEF\s+DOC\.?\s+NO\.?\s*(?P<doc>\d+)|\bRECEIVED\s+NYSCEF\s*:?\s*(?P<received>\d{1,2}/\d{1,2}/\d{4})")
_STAMP_WORD = lazy(r"(?m)^[ \t>*|#\[(-]*(?:ELECTRONICALLY\s+|ENDORSED\s+|CONFORMED\s+COPY\s+)?(?:FILED|ENTERED|RECEIVED|LODGED)\b(?![ \t]+(?:UNDER|WITH|IN|BY|ON|AS|FOR|PURSUANT|HEREWITH|CONCURRENTLY|SEPARATELY|AND))")
_CLERK = lazy(r"\bCLERK\b|\b(?:U\.\s?S\.\s+)?(?:DISTRICT|SUPERIOR|CIRCUIT|BANKRUPTCY|COUNTY|SUPREME|MUNICIPAL|PROBATE|FAMILY)\s+COURT\b|\b(?:Deputy|County|Court|District|Circuit|Chief\s+Deputy)\s+Clerk\b|\bClerk\s+of\s+(?:the\s+)?(?:[A-Z][a-z]+\s+){0,3}Courts?\b|\bClerk,\s+U\.\s?S\.")
_CLERK_NAME = lazy(r"(?i)\bby\s*:?\s*(?=[^\n]{2,60}?,?\s+(?:deputy|clerk|d\.c\.))|\b(?:deputy\s+clerk|clerk)\s*:\s*")
_TIME = lazy(r"(?i)\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?")


@detector("legal-filing-stamp", ("lf.filing-stamp", "lf.filing-stamp-blanks", "lf.future-dated-act",
                                 "lf.docket-after-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "filed", "docket"))
def detect_filing_stamp(art, ctx):
    stamp_spans = windows(art, ("filed", "nyscef", "docket"), 120, 120)
    word_spans = windows(art, ("filed", "entered"), 80, 40)
    text = view(art).text
    lines = None
    done: list[int] = []  # stamps already reported by their exact form
    for rx, kind in ((_CMECF, "CM/ECF header"), (_STATE_STAMP, "state e-filing stamp")):
        for m in (m for ws, we in stamp_spans for m in rx.finditer(text, ws, we, timeout=2.0)):
            g = m.groupdict()
            if kind == "CM/ECF header" and not (g.get("page") or g.get("entered") or g.get("pageid")
                                                 or "Docket" in m.group()):
                continue
            b = Block("court filing stamp", m.start(), m.end(), m.span(), extra={"stamp": kind})
            for key in ("case", "doc", "county", "time", "page"):
                if g.get(key):
                    b.add(Slot(key.replace("doc", "document"), m.start(key), m.end(key), g[key], True))
            for key in ("filed", "received"):
                if g.get(key):
                    d = find_dates(g[key])
                    b.add(Slot("filed", m.start(key), m.end(key), g[key], True, date=d[0] if d else None))
            _emit(ctx, art, "lf.filing-stamp", b)
            done.append(m.start())
            filed = b.filled("filed")
            _future(ctx, art, b, filed, "filing")
            if g.get("case"):
                _docket_check(ctx, art, b, filed, "filing", _docket_years(g["case"] + " ", 0, len(g["case"]) + 1))
    # a clerk's stamp: FILED / ENTERED on its own line, a clerk and a date nearby
    for group, s, e, lines in _blocks(text, _STAMP_WORD, gap=3, before=4, after=5, lines=lines,
                                      spans=word_spans,
                                      starts=lambda: view(art).starts):
        if any(s <= d < e for d in done) or not _CLERK.search(text, s, e):
            continue
        a = group[0]
        b = Block("court filing stamp", s, e, (a.start() + len(a.group()) - len(a.group().lstrip(" \t>*|#[(-")), a.end()),
                  extra={"stamp": "clerk's stamp"})
        b.add(date_slot("filed", text, a.end(), e, reach=200))
        if not b.filled("filed"):
            b.add(date_slot("filed", text, s, e, reach=e - s))
        tm = _TIME.search(text, a.end(), e)
        if tm:
            b.add(Slot("time", tm.start(), tm.end(), tm.group(), True))
        for m in _CLERK_NAME.finditer(text, s, e):
            b.add(name_slot("clerk", text, m.end(), e))
        for m in _CLERK.finditer(text, s, e):
            b.add(name_before("clerk", text, m.start(), s))
        if b.filled("filed"):
            _emit(ctx, art, "lf.filing-stamp", b)
            _future(ctx, art, b, b.filled("filed"), "filing")
            _docket_check(ctx, art, b, b.filled("filed"), "filing", _docket_years(text, 0, min(len(text), 6000), labelled=True))


# -- signed court orders (LM5) --------------------------------------------------------------

_ORDER = lazy(
    r"\b(?:IT\s+IS\s+(?:(?:SO|HEREBY|FURTHER|THEREFORE|ACCORDINGLY)\s+)*(?:ORDERED|DECREED)"
    r"|SO\s+ORDERED|ORDERED,?\s+ADJUDGED,?\s+AND\s+DECREED|BY\s+THE\s+COURT\b"
    # the Florida and other state forms: "DONE AND ORDERED in Chambers…", "ORDERED AND ADJUDGED"
    r"|DONE\s+AND\s+ORDERED|ORDERED\s+AND\s+ADJUDGED"
    r"|It\s+is\s+(?:(?:so|hereby|further|therefore)\s+)+ordered|It\s+is\s+(?:(?:HEREBY|FURTHER|hereby|further)\s+)?ORDERED"
    r"|So\s+ordered\b)")
_JUDGE_TITLE = lazy(
    r"(?i:judge\s+of\s+the\s+(?:superior|circuit|district|county|probate|family|municipal|supreme)\s+court)"
    r"|(?i:(?:united\s+states|u\.\s?s\.)\s+(?:chief\s+|senior\s+)?(?:district|magistrate|circuit|bankruptcy)\s+(?:court\s+)?judge)"
    r"|\b(?:CHIEF\s+|PRESIDING\s+|SENIOR\s+)?(?:DISTRICT|CIRCUIT|SUPERIOR\s+COURT|MAGISTRATE|PROBATE|BANKRUPTCY)\s+(?:JUDGE|JUSTICE)\b"
    r"|(?:United\s+States|U\.\s?S\.)\s+(?:Chief\s+|Senior\s+)?(?:District|Magistrate|Circuit|Bankruptcy)\s+(?:Court\s+)?Judge"
    r"|\bU\.\s?S\.\s?(?:D|M|B)\.\s?J\.|\bJ\.\s?S\.\s?C\.|\bA\.?J\.S\.C\."
    r"|\b(?:Chief\s+|Presiding\s+|Associate\s+|Senior\s+)?(?:District\s+|Circuit\s+|Superior\s+Court\s+|Magistrate\s+|Probate\s+|Family\s+Court\s+|Bankruptcy\s+|Administrative\s+Law\s+)?(?:Judge|Justice)\b(?!\s+of\b)")
_HON = lazy(r"\b(?:Hon\.|Honorable|HON\.|HONORABLE|Judge|JUDGE)\s+")
# "Dated:", "Entered on", and the decree's own "DONE AND ORDERED in Chambers at Miami, Florida,
# this 11th day of …" (the date of the order, not one the order mentions)
_ORDER_DATE = lazy(r"(?i)\b(?:dated|date|entered|signed|so\s+ordered|ordered)\b"
                   r"(?:[^\n]{0,12}?(?:this\b|on\b|:|,|\n)|[^\n]{0,100}?\bthis\s+\d)")


@detector("legal-court-order", ("lf.court-order", "lf.court-order-blanks", "lf.future-dated-act",
                                "lf.docket-after-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "ordered", "by the court"))
def detect_court_order(art, ctx):
    dockets = None
    spans = windows(art, ("ordered", "by the court", "decreed"), 80, 40)
    text = view(art).text
    for group, s, e, lines in _blocks(text, _ORDER, gap=12, before=2, after=12, spans=spans,
                                      keep=lambda m: not _in_quotes(text, m.start(), m.end()),
                                      starts=lambda: view(art).starts):
        b = Block("court order", s, e, group[0].span())
        for m in _JUDGE_TITLE.finditer(text, s, e):
            ls = text.rfind("\n", s, m.start()) + 1
            prefix = text[ls:m.start()]
            if prefix.strip() and not prefix.rstrip().endswith((",", "/s/")) and name_in(prefix) is None:
                continue  # "the judge" in prose
            b.add(name_before("judge", text, m.start(), s))
            b.add(name_on_line_above("judge", text, m.start(), s))
        for m in _HON.finditer(text, s, e):
            b.add(name_slot("judge", text, m.end(), e, reach=0))
        if not b.filled("judge"):
            # a conformed signature under the decree is the judge's
            for m in _CONFORMED.finditer(text, group[0].end(), e):
                b.add(name_slot("judge", text, m.end(), e, reach=0))
        for m in _ORDER_DATE.finditer(text, s, e):
            b.add(date_slot("date", text, m.start(), e, reach=120))
        if not b.get("date"):
            b.add(date_slot("date", text, group[0].end(), e, reach=e - group[0].end()))
        if b.filled("judge") and b.filled("date"):
            _emit(ctx, art, "lf.court-order", b)
            _future(ctx, art, b, b.filled("date"), "court order")
            if dockets is None:
                dockets = _docket_years(text, 0, min(len(text), 6000), labelled=True)
            _docket_check(ctx, art, b, b.filled("date"), "court order", dockets)


# -- certified true copies (LM8) ------------------------------------------------------------

_CERT_COPY = lazy(
    r"(?i)\bcertif(?:y|ies|ied)\b(?:[^.\n]|\n(?![ \t]*\n)){0,120}?\btrue(?:,?\s+(?:and\s+)?(?:correct|complete|exact|accurate|full|compared))*\s+(?:photo)?cop(?:y|ies)\b"
    r"|\bCERTIFIED\s+(?:TRUE\s+)?COPY\b|\bA\s+TRUE\s+COPY\b[,.]?\s*(?:ATTEST|TESTE)?|\btrue\s+copy\s+of\s+the\s+original\b")
_SERVICE = lazy(r"(?i)\b(?:served|serve|mailed|sent|delivered|transmitted|e-?mailed|forwarded|furnished|via\s+(?:cm/)?ecf|electronic(?:ally)?\s+(?:filing|filed|mail)|u\.\s?s\.\s+mail|service)\b")
_OFFICIAL = lazy(
    r"\b(?:(?:Deputy|Chief|County|Circuit|District|Superior\s+Court|Court)\s+)?Clerk\b|\bCLERK\b|\bRegistrar\b|\bREGISTRAR\b|\bRecorder\b|\bCustodian\s+of\s+(?:the\s+)?Records\b"
    r"|\bSecretary\s+of\s+State\b|\bCorporate\s+Secretary\b|\bSecretary\b|\bNotary\s+Public\b|\bKeeper\s+of\s+(?:the\s+)?Records\b|\bProthonotary\b|\bArchivist\b"
    # those who certify copies of private documents (identity papers, diplomas) for banks and registries
    r"|\b(?:Solicitor|Barrister|Notary|Commissioner\s+(?:for|of)\s+(?:Oaths|Deeds)|Justice\s+of\s+the\s+Peace|(?:Vice[ -])?Consul|Consular\s+Officer"
    r"|Certifying\s+(?:Officer|Official)|Chartered\s+Accountant|Register\s+of\s+Deeds)\b|\bSOLICITOR\b|\bNOTARY\b")
# the certifier's own line: "By: Jane Roe", "Signed: Jane Roe", "Certified by: Jane Roe"
_CERTIFIER_LABEL = lazy(r"(?i)\b(?:by|attest|signed|signature(?:\s+of\s+certifier)?|(?:printed\s+|print\s+)?name(?:\s+of\s+certifier)?|certifier)\s*:?[ \t]*")


@detector("legal-certified-copy", ("lf.certified-copy", "lf.certified-copy-blanks", "lf.future-dated-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "true and", "true cop", "certified cop", "correct copy"))
def detect_certified_copy(art, ctx):
    spans = windows(art, ("true and", "true cop", "true photo", "certified cop", "certified true", "correct copy"), 200, 60)
    text = view(art).text
    for group, s, e, lines in _blocks(text, _CERT_COPY, gap=8, before=2, after=8, spans=spans,
                                      starts=lambda: view(art).starts):
        a = group[0]
        sentence_end = min(e, a.end() + 220)
        if _SERVICE.search(text, a.start(), sentence_end):
            continue  # a certificate of service: the filer's own statement
        officials = list(_OFFICIAL.finditer(text, s, e))
        if not officials:
            continue
        b = Block("certified copy", s, e, a.span())
        for m in officials:
            b.add(name_before("certifier", text, m.start(), s))
            b.add(name_on_line_above("certifier", text, m.start(), s))
            if text.startswith(":", m.end()):  # "Recorder: Justin Heap"
                b.add(name_slot("certifier", text, m.end() + 1, e))
        for m in _CERTIFIER_LABEL.finditer(text, s, e):
            if m.group().rstrip().endswith(":") or m.group()[:2].lower() in ("by", "at"):
                b.add(name_slot("certifier", text, m.end(), e))
        for m in _ORDER_DATE.finditer(text, s, e):
            b.add(date_slot("date", text, m.start(), e, reach=100))
        if not b.get("date"):
            b.add(date_slot("date", text, s, e, reach=e - s))
        if _SEAL.search(text, s, e):
            b.extra["seal"] = True
        strong = {sl.name for sl in b.slots if sl.filled}
        if len(strong) >= 2 or (strong and b.extra.get("seal")):
            b.extra["official"] = officials[0].group()
            _emit(ctx, art, "lf.certified-copy", b)
            _future(ctx, art, b, b.filled("date"), "certification")


# -- e-signature platform records (LM2) -----------------------------------------------------

_GUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
_ENVELOPE = lazy(rf"(?i)\bdocu\s?sign\s+envelope\s+id\s*:?\s*(?P<id>{_GUID})")
# the stamp over each signature: "DocuSigned by:", the signer, and the signature's hex id
_DOCUSIGNED = lazy(r"(?i)\bdocu\s?signed\s+by\s*:\s*")
_SIG_HEX = lazy(r"\b[0-9A-F]{16,32}\.{0,3}\b")
_ESIGN_ANCHOR = lazy(r"(?i)\bcertificate\s+of\s+completion\b|\b(?:final\s+)?audit\s+(?:report|trail)\b|\bsigner\s+events\b")
_ESIGN_ID = lazy(rf"(?i)\b(?:envelope|transaction|document|signature|agreement)\s+id\s*:?\s*(?P<id>{_GUID}|[A-Za-z0-9_-]{{20,64}})")
_PLATFORM = lazy(r"(?i)\bdocu\s?sign\b|\b(?:adobe|acrobat)\s+sign\b|\bdropbox\s+sign\b|\bhellosign\b|\bpandadoc\b|\bsignnow\b|\bsignwell\b|\bzoho\s+sign\b|\benvelope\s+id\b|\bsign(?:er|ing)\s+events\b|\bsigner\s+(?:ip|e-?mail)\b")
_EMAIL = lazy(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_IP = lazy(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_EVENT = lazy(r"(?i)\b(?:signed|viewed|sent|completed|delivered|e-signed)\b[^\n]{0,60}?\d{1,2}:\d{2}")


def _fake_id(v: str) -> bool:
    core = v.replace("-", "").lower()
    return len(set(core)) <= 2 or "x" in core or core in ("0123456789abcdef" * 2)[:len(core)]


@detector("legal-esignature", ("lf.esignature", "lf.esignature-blanks"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "envelope", "audit", "docusigned"))
def detect_esignature(art, ctx):
    env_spans = windows(art, ("envelope",), 20, 120)
    text = view(art).text
    for m in (m for ws, we in env_spans for m in _ENVELOPE.finditer(text, ws, we, timeout=2.0)):
        if _fake_id(m.group("id")):
            continue
        b = Block("e-signature envelope stamp", m.start(), m.end(), m.span(),
                  extra={"platform": "DocuSign"})
        b.add(Slot("envelope-id", m.start("id"), m.end("id"), m.group("id"), True))
        _emit(ctx, art, "lf.esignature", b)
    spans = windows(art, ("audit", "completion", "signer events"), 10, 40)
    text = view(art).text
    for m in (m for ws, we in windows(art, ("docusigned", "docu signed"), 10, 200)
              for m in _DOCUSIGNED.finditer(text, ws, we, timeout=2.0)):
        signer = name_slot("signer", text, m.end(), len(text), reach=2, same_line=False)
        hexid = _SIG_HEX.search(text, m.end(), min(len(text), m.end() + 160))
        if signer is None or not signer.filled or hexid is None or _fake_id(hexid.group()):
            continue
        b = Block("e-signature signature stamp", m.start(), hexid.end(), m.span(), extra={"platform": "DocuSign"})
        b.add(signer)
        b.add(Slot("signature-id", hexid.start(), hexid.end(), hexid.group(), True))
        _emit(ctx, art, "lf.esignature", b)
    for group, s, e, lines in _blocks(text, _ESIGN_ANCHOR, gap=20, before=3, after=25, spans=spans,
                                      starts=lambda: view(art).starts):
        b = Block("e-signature audit trail", s, e, group[0].span())
        for m in _ESIGN_ID.finditer(text, s, e):
            if not _fake_id(m.group("id")) and any(c.isdigit() for c in m.group("id")):
                b.add(Slot("id", m.start("id"), m.end("id"), m.group("id"), True))
        if not b.filled("id"):
            continue
        for rx, name in ((_EMAIL, "signer-email"), (_IP, "ip-address"), (_EVENT, "event-time")):
            m = rx.search(text, s, e)
            if m:
                b.add(Slot(name, m.start(), m.end(), m.group(), True))
        # a course's "certificate of completion" is no signing record: a platform must be named
        platform = _PLATFORM.search(text, s, e)
        if b.n_filled >= 2 and platform:
            b.extra["platform"] = platform.group()
            _emit(ctx, art, "lf.esignature", b)


# -- official approvals issued by an agency (LM9) -------------------------------------------

_ISSUANCE = lazy(
    r"(?i)\b(?:is|are|has\s+been|have\s+been)\s+hereby\s+(?:approved|granted|authori[sz]ed|licensed|certified|cleared|registered|permitted|designated)\b"
    r"|\bthis\s+(?:letter|certificate|permit|licen[cs]e|notice|document|decision)\s+(?:hereby\s+)?(?:confirms|certifies|grants|constitutes)\s+(?:official\s+)?(?:that|approval|authori[sz]ation|clearance)\b"
    # a state's certificate of good standing or existence ("I, …, Secretary of State, do hereby
    # certify that X is duly incorporated … and is in good standing"); a certificate of
    # incorporation alone is the registry family's (LF108)
    # (Delaware writes it without "that": DO HEREBY CERTIFY "X, INC." IS DULY INCORPORATED)
    r"|\bdo(?:es)?\s+hereby\s+certify(?:\s+that)?\b(?=(?:[^\n]|\n(?![ \t]*\n)){0,300}?\b(?:in\s+good\s+standing|duly\s+(?:registered|qualified)|legal\s+(?:corporate\s+)?existence|active\s+status)\b)"
    r"|\b(?:hereby\s+)?(?:grants?|issues?)\s+(?:final\s+|full\s+|conditional\s+)?(?:approval|clearance|authori[sz]ation|marketing\s+authori[sz]ation)\s+(?:for|to|of)\b"
    # an approval stamp: the word alone on its line, in capitals
    r"|(?m-i:^[ \t>*|#\[]*(?:APPROVED|CLEARED|GRANTED|AUTHORI[SZ]ED)\b[ \t\]*]*(?::[^\n]{0,40})?$)")
_AGENCY = lazy(
    r"\b(?i:secretary\s+of\s+state|registrar\s+of\s+companies|companies\s+house)\b"
    r"|\b(?:U\.\s?S\.\s+)?(?:Department|Ministry|Office|Bureau|Agency|Administration|Commission|Authority|Directorate|Board|Division)\s+(?:of|for)\s+(?:the\s+)?\p{Lu}[\p{L}]+(?:(?:\s+and)?\s+\p{Lu}[\p{L}]+){0,3}"
    r"|\b(?:Food\s+and\s+Drug\s+Administration|Environmental\s+Protection\s+Agency|Federal\s+(?:Communications|Trade|Aviation|Energy\s+Regulatory)\s+(?:Commission|Administration)|Securities\s+and\s+Exchange\s+Commission|Internal\s+Revenue\s+Service|Patent\s+and\s+Trademark\s+Office)\b"
    r"|\b(?:FDA|EPA|FCC|SEC|FAA|FTC|IRS|USPTO|NHTSA|OSHA|CMS|NRC|FERC|OFAC|CFPB|HHS|DOJ|NIH|CDC|EMA|MHRA|TGA|PMDA|CNIL|ICO)\b")
_APPROVAL_ID = lazy(
    r"(?i)\b(?:approval|authori[sz]ation|permit|licen[cs]e|registration|reference|ref\.?|application|certificate|clearance|file|case|docket|control)\s*(?:no\.?|number|#|id)\s*[:.]?\s*(?P<id>[A-Z0-9][A-Z0-9./-]{3,})"
    r"|\b(?i:authentication|verification)(?:\s*(?:no\.?|number|#|code|id))?\s*[:#]\s*(?P<auth>[A-Z0-9][A-Z0-9./-]{3,})"
    r"|\b(?P<fda>(?:510\(k\)\s*(?:no\.?\s*)?)?K\d{6}|(?:A?NDA|BLA)\s*\d{6}|EPA\s+Reg\.?\s+No\.?\s*\d+-\d+)\b")
_LICENCE_GRANT = lazy(r"(?i)\bpermission\s+(?:is\s+hereby\s+granted,?\s+free\s+of\s+charge|to\s+(?:use|copy|modify|distribute|redistribute)\b)|\bfree\s+of\s+charge,\s+to\s+any\s+person")
_ISSUED_DATE = lazy(r"(?i)\b(?:dated|date(?:\s+of\s+(?:issue|issuance|approval|decision))?|issued|effective|approved|signed)\b[^\n]{0,12}?(?:this\b|on\b|:|,|\n)")
_OFFICIAL_TITLE = lazy(r"\b(?:Director|Commissioner|Administrator|Secretary|Deputy\s+\p{Lu}\p{Ll}+|Chief\s+\p{Lu}\p{Ll}+|Officer|Registrar|Superintendent|Minister|Chairman|Chair)\b")


@detector("legal-approval", ("lf.official-approval", "lf.official-approval-blanks", "lf.future-dated-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "hereby", "confirms that", "certifies that")
          or has_exact(art, "APPROVED", "CLEARED"))
def detect_official_approval(art, ctx):
    literals = ("hereby", "confirms that", "certifies that")
    if has_exact(art, "APPROVED", "CLEARED"):
        literals += ("approved", "cleared", "granted", "authorized", "authorised")
    spans = windows(art, literals, 40, 60)  # anchors are short phrases around these words
    text = view(art).text
    # "Permission [to use, copy, modify…] is hereby granted" is a licence, not an agency's approval
    keep = lambda m: not _LICENCE_GRANT.search(text, max(0, m.start() - 240), m.end() + 40)  # noqa: E731
    for group, s, e, lines in _blocks(text, _ISSUANCE, gap=15, before=15, after=15, spans=spans, keep=keep,
                                      starts=lambda: view(art).starts):
        agency = _AGENCY.search(text, s, e)
        if not agency:
            continue
        b = Block("official approval", s, e, group[0].span(), extra={"agency": agency.group()})
        for m in _APPROVAL_ID.finditer(text, s, e):
            v = m.group("id") or m.group("fda") or m.group("auth")
            if v and any(c.isdigit() for c in v):
                b.add(Slot("identifier", m.start(), m.end(), v, True))
        for m in _OFFICIAL_TITLE.finditer(text, s, e):
            b.add(name_before("official", text, m.start(), s))
            b.add(name_on_line_above("official", text, m.start(), s))
        for m in _ISSUED_DATE.finditer(text, s, e):
            b.add(date_slot("date", text, m.start(), e, reach=100))
        if b.filled("identifier") and (b.filled("official") or b.filled("date")):
            _emit(ctx, art, "lf.official-approval", b)
            _future(ctx, art, b, b.filled("date"), "approval")


# -- certificates of incorporation and registry filing stamps (LM10) ------------------------

# The business registry: a state's Secretary of State (Department of State, Division of
# Corporations), the Registrar of Companies (Companies House) and their counterparts.
_REGISTRY = (r"(?:secretary\s+of\s+(?:the\s+)?state|department\s+of\s+state|division\s+of\s+corporations"
             r"|corporations?\s+(?:division|bureau|section)|registrar\s+of\s+(?:companies|corporations)|companies\s+house"
             r"|state\s+corporation\s+commission|corporate\s+registry|business\s+(?:registry|filings\s+division))")
_REGISTRY_RE = lazy(rf"(?i)\b{_REGISTRY}\b")
# The registry certifies the company's existence: "I, …, Secretary of State …, do hereby certify
# that … was incorporated / the Articles of Organization … were filed in this office", "The
# Registrar of Companies … hereby certifies that X Ltd is this day incorporated".  The authority
# must be the one certifying (before "hereby certify", in the same paragraph): "The undersigned
# incorporator hereby certifies" is the founder's own statement.
_REG_CERTIFY = lazy(
    rf"(?i)\b{_REGISTRY}\b(?:[^;.\n]|\.(?![ \t]+\p{{Lu}})|\n(?![ \t]*\n)){{0,200}}?\b(?:do(?:es)?\s+)?hereby\s+certif(?:y|ies)\b"
    # the company's name may stand alone between blank lines ("hereby certifies that / ACME
    # LTD / is this day incorporated")
    r"(?=[\s\S]{0,300}?\b(?:incorporated|formed|organi[sz]ed"
    r"|(?:articles|certificate)\s+of\s+(?:incorporation|organi[sz]ation|formation)|filed\s+(?:in|with)\s+this\s+office)\b)")
# The registry's filing stamp on the founder's document: "FILED 10:15 AM 03/04/2025",
# "ENDORSED - FILED in the office of the Secretary of State", "Filed in the Office of the
# Secretary of State of Texas", "FILED WITH THE NYS DEPARTMENT OF STATE ON: …", Delaware's
# "Delivered 10:15 AM 03/04/2025": a stamp starts its line.
_REG_STAMP = lazy(
    r"(?m)^[ \t>*|#\[(-]*(?:(?:ENDORSED|Endorsed)\s*[-\u2013\u2014:]?\s*)?(?:FILED|Filed)(?=[ \t]*$|[ \t]*[:#-]|[ \t]+\d"
    r"|[ \t]+(?:in|IN)[ \t]+(?:the|THE)[ \t]+(?:office|Office|OFFICE)|[ \t]+(?:with|WITH)[ \t]+(?:the|THE)[ \t]+\S)"
    r"|^[ \t>*|#\[(-]*Delivered[ \t]+\d{1,2}:\d{2}")
_GOOD_STANDING = lazy(r"(?i)\bgood\s+standing\b|\blegal\s+(?:corporate\s+)?existence\b|\bactive\s+status\b|\bcertificate\s+of\s+(?:existence|status)\b")
_TRUE_COPY = lazy(r"(?i)\btrue(?:,?\s+(?:and\s+)?(?:correct|complete|full|exact))*\s+(?:photo)?cop(?:y|ies)\b")
_COURT = lazy(r"\b(?:COURT|Court)\b|\bCLERK\b|\bClerk\b")
# what a registry's stamp sits on: a company's founding or amending filing ("Filed: 03/04/2025"
# over a news item about the Secretary of State is no registry stamp)
_CORP_FILING = lazy(
    r"(?i)\b(?:incorporat\w*|corporation|articles\s+of|certificate\s+of\s+(?:formation|organi[sz]ation|incorporation|amendment|merger|conversion|limited\s+partnership)"
    r"|limited\s+liability|entity|division\s+of\s+corporations|file\s+number|document\s+(?:number|#))\b|\b(?:LLC|L\.L\.C\.|Inc\.|Ltd\.?|LLP|L\.P\.)")
_REG_NUMBER = lazy(
    r"(?i)\b(?:(?:file|filing|document|entity|company|charter|registration|authentication|certificate|corporation|business|control|ubi|sos)"
    r"\s*(?:no\.?|number|#|id)|sr|doc(?:ument)?\s*#|authentication)[ \t]*[:#.]?[ \t]*(?=\S)")
_REG_DATE = lazy(r"(?i)\b(?:filed|delivered|dated?|given|effective|issued|incorporated|formed|organi[sz]ed|on|this)\b")
_YMD = lazy(r"(?i)\b(?P<y>(?:19|20)\d{2})\s+(?P<m>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d>\d{1,2})\b")
_REG_OFFICIAL = lazy(rf"(?i)\b(?:{_REGISTRY}|(?:deputy|assistant)\s+secretary\s+of\s+state|registrar)\b")


_REG_ID = lazy(r"#?[ \t]*(?P<id>[A-Za-z0-9][A-Za-z0-9./-]*(?:[ \t]\d[\d./-]*)*)")


def _registry_number(text: str, pos: int, end: int) -> Slot | None:
    """The file, document, company or authentication number after its label (digits may be
    grouped: "UBI Number: 604 881 227"), or a blank."""
    v = value_slot("number", text, pos, end, need_digit=True)
    if v is None or not v.filled:
        return v
    m = _REG_ID.match(v.value)
    if m is None or sum(c.isdigit() for c in m.group("id")) < 4:
        return None  # "Document 2", a page number: not a registry number
    return Slot("number", v.start + m.start("id"), v.start + m.end("id"), m.group("id"), True)


def _registry_date(text: str, pos: int, end: int, reach: int = 120) -> Slot | None:
    d = date_slot("filed", text, pos, end, reach=reach)
    if d is not None:
        return d
    m = _YMD.search(text, pos, min(end, pos + 60))  # Florida's "2025 MAR 04"
    if m:
        try:
            day = _dt.date(int(m.group("y")), MONTHS[m.group("m").lower()[:3]], int(m.group("d")))
        except ValueError:
            return None
        return Slot("filed", m.start(), m.end(), m.group(), True, date=DateValue(m.start(), m.end(), day, day, m.group()))
    return None


def _registry_block(text: str, group, s: int, e: int, stamp: bool) -> Block:
    b = Block("registry certificate", s, e, group[0].span())
    for m in _REG_NUMBER.finditer(text, s, e):
        b.add(_registry_number(text, m.end(), e))
    if stamp:
        # the date on the stamp itself (on its line or the few under it), not the date the
        # founder signed the certificate further down
        for m in group:
            b.add(_registry_date(text, m.end(), lines_down(text, m.end(), 4), reach=300))
    else:
        for m in _REG_DATE.finditer(text, s, e):
            b.add(_registry_date(text, m.end(), e))
    for m in _REG_OFFICIAL.finditer(text, s, e):
        b.add(name_before("official", text, m.start(), s))
        b.add(name_on_line_above("official", text, m.start(), s))
    for m in _CONFORMED.finditer(text, s, e):
        b.add(name_slot("official", text, m.end(), e, reach=0))
    if _SEAL.search(text, s, e) or "great seal" in text[s:e].lower():
        b.extra["seal"] = True
    return b


@detector("legal-registry", ("lf.registry-certificate", "lf.registry-certificate-blanks", "lf.future-dated-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "secretary of state", "department of state", "registrar of",
                                                      "division of corporations", "companies house", "corporation commission",
                                                      "corporations division", "corporate registry", "business registry"))
def detect_registry_certificate(art, ctx):
    spans = windows(art, ("secretary of state", "department of state", "registrar of", "division of corporations",
                          "companies house", "corporation commission", "corporations division", "corporate registry",
                          "business registry"), 600, 600)
    text = view(art).text
    for rx, kind in ((_REG_CERTIFY, "certificate"), (_REG_STAMP, "filing stamp")):
        for group, s, e, lines in _blocks(text, rx, gap=8, before=4, after=10, spans=spans,
                                          starts=lambda: view(art).starts):
            a = group[0]
            if kind == "certificate":
                sent_end = min(e, a.end() + 400)
                # a certified copy (LF105) and a certificate of good standing (LF107) are their own acts
                if _TRUE_COPY.search(text, a.start(), sent_end) or _GOOD_STANDING.search(text, s, e):
                    continue
            else:
                if (not _REGISTRY_RE.search(text, s, e) or not _CORP_FILING.search(text, s, e)
                        or _COURT.search(text, s, e) or _GOOD_STANDING.search(text, s, e)):
                    continue  # a stamp needs the registry named, on a company's filing; a court's is LF103's
            b = _registry_block(text, group, s, e, stamp=kind == "filing stamp")
            b.extra["kind"] = kind
            b.extra["registry"] = _REGISTRY_RE.search(text, s, e).group()
            filled = {sl.name for sl in b.slots if sl.filled} & {"number", "filed", "official"}
            if kind == "filing stamp" and "filed" in filled:
                # the stamp names the registry itself ("ENDORSED - FILED in the office of the
                # Secretary of State … MAR 04 2025"): its date is enough
                ls = lines_up(text, a.start(), 1)
                if _REGISTRY_RE.search(text, ls, lines_down(text, a.end(), 3)):
                    filled.add("registry")
            if len(filled) >= 2:
                _emit(ctx, art, "lf.registry-certificate", b)
                _future(ctx, art, b, b.filled("filed"), "registry filing")


# -- the principal's own marks (LM1, LM6, LM7) ----------------------------------------------

_CONFORMED = lazy(r"(?<![\w/.:])/s/[ \t]*")


@detector("legal-conformed-signature", ("lf.conformed-signature",), kinds=PROSE_KINDS,
          prefilter=lambda art: has(art, "/s/"))
def detect_conformed_signature(art, ctx):
    spans = windows(art, ("/s/",), 10, 120)
    text = view(art).text
    for m in (m for ws, we in spans for m in _CONFORMED.finditer(text, ws, we, timeout=2.0)):
        sl = name_slot("signer", text, m.end(), len(text), reach=0)
        if sl is None or not sl.filled:
            continue
        ctx.signal(art, "lf.conformed-signature", m.start(), sl.end, signer=sl.value,
                   slots=f"signer: {sl.value}")


_SIG_LABEL = lazy(
    r"(?im)^[ \t>*|_-]*(?:by|signature|signed(?:\s+by)?|authori[sz]ed\s+signature|signatory|executed\s+by)\s*:[ \t]*")
_COMPANION = lazy(r"(?im)^[ \t>*|_-]*(?P<lab>(?:printed\s+|print\s+)?name|title|its|date(?:\s+signed)?|position)\s*:[ \t]*")
_ENTITY = lazy(r"\b(?:LLC|L\.L\.C\.|Inc\.?|INC\.?|Corp(?:oration)?\.?|CORPORATION|Ltd\.?|LTD\.?|LLP|L\.P\.|GmbH|S\.A\.|PLC|Company|COMPANY|Trust|TRUST)\b")
_EXECUTION = lazy(r"(?i)\bin\s+witness\s+whereof\b|\bexecuted\s+(?:this|as\s+of|on)\b|\bsigned,\s+sealed\b|\bduly\s+authori[sz]ed\b|\bagreed\s+and\s+accepted\b|\baccepted\s+and\s+agreed\b")
_CONTRACT = lazy(
    r"(?i)\bin\s+witness\s+whereof\b|\bthis\s+(?:agreement|contract|lease|deed|release|amendment|instrument)\b|\bparties\s+hereto\b"
    r"|\bduly\s+authori[sz]ed\b|\bundersigned\b|\bpower\s+of\s+attorney\b|\bexecuted\s+(?:this|as\s+of|on)\b|\bsigned,\s+sealed\s+and\s+delivered\b")


@detector("legal-execution-block", ("lf.execution-block",),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "by:", "signature:"))
def detect_execution_block(art, ctx):
    spans = windows(art, ("by:", "signature:", "signed:"), 80, 40)
    text = view(art).text
    lines = Lines(text, lambda: view(art).starts)
    for m in (m for ws, we in spans for m in _SIG_LABEL.finditer(text, ws, we, timeout=2.0)):
        if regex.match(r"(?i)[ \t>*|_-]*signed-off", text[lines.bounds(lines.line(m.start()))[0]:m.end()]):
            continue
        sig = name_slot("signer", text, m.end(), len(text), reach=6)
        if sig is None or not sig.filled:
            continue
        ln = lines.line(m.start())
        s, e = lines.span(ln - 3, ln + 4)
        b = Block("execution block", s, e, (m.start() + len(m.group()) - len(m.group().lstrip(" \t>*|_-")), sig.end))
        b.add(sig)
        for c in _COMPANION.finditer(text, s, e):
            lab = c.group("lab").lower()
            if lab.startswith("date"):
                b.add(date_slot("date", text, c.end(), e, reach=40))
            elif lab.endswith("name"):
                b.add(name_slot("printed-name", text, c.end(), e, reach=3))
            else:
                b.add(value_slot("title", text, c.end(), e, capital=True))
        cs, ce = lines.span(ln - 40, ln + 10)
        if b.n_filled < 2 or not _CONTRACT.search(text, cs, ce):
            continue
        # a byline ("By: Jane Smith / Date: …") is no execution block: the signer needs a title,
        # a printed name, an entity signing above, or the execution clause just before
        es, _ee = lines.span(ln - 3, ln)
        if not (b.filled("title") or b.filled("printed-name") or _ENTITY.search(text, es, m.start())
                or _EXECUTION.search(text, lines.span(ln - 20, ln)[0], m.start())):
            continue
        _emit(ctx, art, "lf.execution-block", b)


_BAR_NO = lazy(
    r"(?i)\b(?:(?:state\s+)?bar\s+(?:no|number|roll\s+no|id|reg(?:istration)?\.?\s*no|registration\s+no)\.?|sbn|bar\s*#|ardc\s+no\.?"
    r"|attorney\s+(?:reg(?:istration)?|id|license)\.?\s+(?:no\.?|number|#)|bbo\s*(?:no\.?|#)|osb\s+no\.?|wsba\s+no\.?)\s*[:#.]?\s*(?P<num>[A-Z]{0,3}\d[\d-]{2,12})\b")
_ATTORNEY = lazy(r"(?i)\battorneys?\s+for\b|\bcounsel\s+for\b|\besq\.|\bLLP\b|\bP\.C\.|\blaw\s+(?:office|firm|group)\b|/s/|\battorney\s+at\s+law\b|\bpro\s+hac\s+vice\b")


# the spellings `_BAR_NO` knows, as literals (WSBA No., BBO #, OSB No. were never looked at);
# the gate keeps to the distinctive ones (each literal is a pass over every prose text), the
# windows look for all of them
_BAR_GATE = ("bar n", "sbn", "bar #", "wsba", "bbo", "ardc", "osb no")
_BAR_LITERALS = _BAR_GATE + ("bar id", "bar roll", "bar reg", "attorney reg", "attorney id", "attorney license")


@detector("legal-attorney-block", ("lf.attorney-block",),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, *_BAR_GATE))
def detect_attorney_block(art, ctx):
    spans = windows(art, _BAR_LITERALS, 20, 60)
    text = view(art).text
    for group, s, e, lines in _blocks(text, _BAR_NO, gap=8, before=6, after=4, spans=spans,
                                      starts=lambda: view(art).starts):
        if not _ATTORNEY.search(text, s, e):
            continue
        a = group[0]
        b = Block("attorney signature block", s, e, a.span())
        b.add(Slot("bar-number", a.start("num"), a.end("num"), a.group("num"), True))
        for m in _CONFORMED.finditer(text, s, e):
            b.add(name_slot("attorney", text, m.end(), e, reach=0))
        b.add(name_on_line_above("attorney", text, a.start(), s))
        if not b.filled("attorney"):
            for ln in range(lines.line(s), lines.line(a.start()) + 1):
                ls, le = lines.bounds(ln)
                line = text[ls:le].strip(" \t>*|")
                nm = name_in(line)
                if nm and line.startswith(nm) and len(line) - len(nm) < 8:
                    i = text.find(nm, ls, le)
                    b.add(Slot("attorney", i, i + len(nm), nm, True))
                    break
        if b.filled("attorney"):
            _emit(ctx, art, "lf.attorney-block", b)


_PERJURY = lazy(
    r"(?i)\b(?:declare|certify|verify|state|swear|affirm)s?\b(?:[^.\n]|\n(?![ \t]*\n)){0,60}?\bunder\s+(?:the\s+)?penalty\s+of\s+perjury\b"
    r"|\bunder\s+(?:the\s+)?penalty\s+of\s+perjury\b(?:[^.\n]|\n(?![ \t]*\n)){0,80}?\b(?:declare|certify|verify|state|swear|affirm)s?\b"
    r"|\bI\s+believe\s+that\s+the\s+facts\s+stated\s+in\s+this\b|\bsolemnly\s+and\s+sincerely\s+declare\b")
_DECLARANT = lazy(r"(?m)(?:^|[.:]\s+)[ \t>*]*I,\s*")
_SIGNED_LABEL = lazy(r"(?im)^[ \t>*|_-]*(?:signed(?:\s+by)?|signature|declarant|signed\s+and\s+dated\s+by)\s*:[ \t]*")
_EXECUTED = lazy(r"(?i)\b(?:executed|signed|dated|declared|sworn|date(?=\s*:))\b(?:\s+(?:on|this|at))?[^\n]{0,60}?(?=\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|_{2,}|\[)")


@detector("legal-declaration", ("lf.declaration", "lf.future-dated-act"),
          kinds=PROSE_KINDS, prefilter=lambda art: has(art, "perjury", "facts stated", "solemnly"))
def detect_declaration(art, ctx):
    spans = windows(art, ("perjury", "facts stated", "solemnly"), 160, 160)
    text = view(art).text
    for group, s, e, lines in _blocks(text, _PERJURY, gap=12, before=30, after=12, spans=spans,
                                      starts=lambda: view(art).starts):
        a = group[0]
        b = Block("sworn declaration", s, e, a.span())
        for m in _DECLARANT.finditer(text, s, e):
            b.add(name_slot("declarant", text, m.end(), e, reach=0))
        for m in _CONFORMED.finditer(text, a.start(), e):
            b.add(name_slot("declarant", text, m.end(), e, reach=0))
        for m in _SIGNED_LABEL.finditer(text, a.start(), e):
            b.add(name_slot("declarant", text, m.end(), e, reach=0))
        for m in _EXECUTED.finditer(text, a.start(), e):
            b.add(date_slot("executed", text, m.start(), e, reach=90))
        ex = b.filled("executed")
        if ex and not b.filled("declarant"):
            # the signature line under the execution date: a line that holds only a name
            first = lines.line(ex.end) + 1
            for ln in range(first, first + 4):
                ls, le = lines.bounds(ln)
                if ls >= e or ls < ex.end:
                    break
                line = text[ls:le].strip(" \t>*|_")
                if not line:
                    continue
                found = find_name(line)
                if found and found[0] == 0 and len(found[2]) >= len(line) - 2:
                    i = text.find(found[2], ls, le)
                    b.add(Slot("declarant", i, i + len(found[2]), found[2], True))
                break
        if b.filled("declarant") and b.filled("executed"):
            _emit(ctx, art, "lf.declaration", b)
            _future(ctx, art, b, b.filled("executed"), "sworn declaration")
