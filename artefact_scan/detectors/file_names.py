"""Invisible characters in file names: the name of a file is a channel too.

A zero-width or tag character in a name makes two files look identically named, an override
(U+202E) shows `invoice<RLO>fdp.exe` as `invoiceexe.pdf`, and a name can carry a short
encoded message.  The name of every file (and of every archive member another pack unpacks)
is judged with the same character policy as text; a name whose carriers decode becomes the
same signal as a code in text (HM101-HM104), with the file name in the decode chain; other
carriers are `hm.name-carriers`.
"""
from __future__ import annotations

from .. import charpolicy as cp
from ..carrier_decoders import ACCEPT
from ..escape import visible
from . import detector
from .facts import path_facts
from .invisible_unicode import _decode


def _wants(art) -> bool:
    if art.name.isascii():
        return False
    if art.parent is None:
        return True
    # a part named after its parent (`NAME.hidden` for what was decoded from it) adds no
    # characters to judge: judging them again would decode the name's payload once per level
    parent = art.parent.name
    return not (art.name.startswith(parent) and art.name[len(parent):].isascii())


@detector("file-names", ("hm.name-carriers", "hm.name-mimics-memory-file", "hm.name-override", "hm.tag-run",
                         "hm.vs-payload", "hm.plane14-payload", "hm.zero-width-code"), prefilter=_wants)
def detect_file_name(art, ctx):
    name = art.name
    pos = cp.unexplained(name)
    bidi = [i for i, c in enumerate(name) if ord(c) in cp.REORDERING]
    if not pos and not bidi:
        return
    chars = "".join(name[i] for i in pos)
    if len(chars) >= 3:
        sig, dec = _decode(chars)
        if dec is not None and (dec.score >= ACCEPT or sig == "hm.tag-run") and dec.text.strip():
            chain = f"{dec.channel} ({dec.scheme}) in the file name"
            ctx.signal(art, sig, 0, 0, decoded=dec.text, channel=dec.channel, scheme=dec.scheme,
                       count=len(chars), capacity_bits=dec.capacity_bits,
                       ranges=cp.ranges_of(chars), chain=chain)
            ctx.child(art, dec.text, label=chain, name=art.name + ".hidden", span=(0, 0),
                      decoded_from=dec.channel, facts={"hidden"})
            return
    every = "".join(name[i] for i in sorted(set(pos) | set(bidi)))
    visible_name = "".join(c for i, c in enumerate(name) if i not in set(pos) | set(bidi))
    if "memory-file" in path_facts(visible_name) and "memory-file" not in art.facts:
        # it reads as an agent memory file (CLAUDE.md, AGENTS.md…) without being one by name
        ctx.signal(art, "hm.name-mimics-memory-file", 0, 0, whole=True, looks_like=visible_name)
    overrides = any(ord(name[i]) in cp.OVERRIDES for i in bidi)
    reason = ("an override (LRO/RLO) shows the name in a different order, e.g. hiding its real "
              "extension" if overrides else "two names that look the same can differ")
    if overrides:
        ctx.signal(art, "hm.name-override", 0, 0, whole=True)
    ctx.signal(art, "hm.name-carriers", 0, 0, file=visible(name, 200), count=len(every),
               ranges=cp.ranges_of(every), family=cp.family_name(every), reason=reason,
               override=overrides)
