"""Unicode tag characters (U+E0000–U+E007F): invisible ASCII ("ASCII smuggling").

U+E0020–U+E007E mirror printable ASCII, so a run of them decodes by subtracting 0xE0000.  The
only legitimate use is an emoji tag sequence (a subdivision flag: U+1F3F4, 2–6 tags from the
lower-case letters and digits, then U+E007F CANCEL TAG); such a sequence is accepted, anything
else is a carrier.  The decoded text becomes a child artefact and is scanned again, so a note
hidden this way is judged like a visible one.

Signal `hm.tag-run`: data `decoded`, `count` (code points), `capacity_bits`, `ranges`.
"""
from __future__ import annotations

import re

from . import detector

_TAG_RUN = re.compile("[\\U000E0000-\\U000E007F]+")
_FLAG_TAGS = re.compile("[\\U000E0030-\\U000E0039\\U000E0061-\\U000E007A]{2,6}\\U000E007F")
BLACK_FLAG = "\U0001F3F4"


def decode_tags(run: str) -> str:
    out = []
    for ch in run:
        cp = ord(ch) - 0xE0000
        if 0x20 <= cp <= 0x7E:
            out.append(chr(cp))
        elif cp in (0x0A, 0x0D, 0x09):
            out.append(chr(cp))
    return "".join(out)


@detector("unicode-tags", ("hm.tag-run",), non_ascii=True)
def detect_tag_runs(art, ctx):
    text = art.text
    for m in _TAG_RUN.finditer(text):
        run = m.group()
        s = m.start()
        if s > 0 and text[s - 1] == BLACK_FLAG and _FLAG_TAGS.fullmatch(run):
            continue  # a subdivision flag such as England or Scotland
        decoded = decode_tags(run)
        ctx.signal(art, "hm.tag-run", s, m.end(), decoded=decoded, count=len(run),
                   capacity_bits=7 * len(run), ranges="U+E0000-U+E007F")
        if decoded.strip():
            ctx.child(art, decoded, label=f"tag characters at offset {s}", kind="text",
                      name=art.name + ".tags.txt", span=(s, m.end()), decoded_from="unicode-tags",
                      facts={"hidden"})
