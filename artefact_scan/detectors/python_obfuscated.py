"""Obfuscated payloads in Python: exec / eval / compile of data that is decoded at run time.

A literal argument is decoded statically by `artefact_scan.pyflow.deobfuscate` (never executed,
never unmarshalled) and becomes a child artefact of kind python, which every rule then scans as
plain code: a base64-wrapped worm is reported as a worm, inside the decoded layer, and the finding
points at the exec in the file.  Marshalled code is reported as opaque.

Signals: `sr.py.obfuscated-exec` (data: `decoded`, `layers`, `size`), `sr.py.opaque-exec`
(data: `layers`, `size`).
"""
from __future__ import annotations

import re

from . import detector
from ..lazyregex import lazy_re

_EXEC = ("exec(", "eval(", "compile(")
_DECODERS = ("b64decode", "b32decode", "b16decode", "a85decode", "b85decode", "decodebytes", "decompress",
             "fromhex", "unhexlify", "a2b_", "codecs.decode", "rot13", "rot_13", "marshal", "[::-1]", "chr(",
             "bytes([", "bytearray([")
# a long run of base64 / hex / escaped bytes inside quotes: the data a decoder would work on
_BLOB = lazy_re(r"""["'](?:[A-Za-z0-9+/=_-]{80,}|(?:\\x[0-9a-fA-F]{2}){20,})""")


def _exec_sites(text: str):
    """Offsets just after `exec(` / `eval(` / `compile(` used as the builtins."""
    for lit in _EXEC:
        i = text.find(lit)
        n = 0
        while i != -1 and n < 500:
            n += 1
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "._"):
                yield i + len(lit)
            i = text.find(lit, i + 1)


def _candidate(art) -> bool:
    text = art.text
    if not any(e in text for e in _EXEC) or not any(d in text for d in _DECODERS):
        return False
    blob = None
    for at in _exec_sites(text):
        window = text[at:at + 400]
        if any(d in window for d in _DECODERS):
            return True
        if _NAME_ONLY.match(window):
            if blob is None:
                blob = bool(_BLOB.search(text))
            if blob:
                return True
    return False


# exec(PAYLOAD) / exec(_(b"..")): the decoding may sit in the name's assignment
_NAME_ONLY = lazy_re(r"\s*\(?\s*[A-Za-z_]\w*\s*\)?\s*(?:\(\s*b?[\"']|\))")


@detector("python-obfuscated-exec", ("sr.py.obfuscated-exec", "sr.py.opaque-exec"), kinds={"python"},
          prefilter=_candidate)
def detect_obfuscated(art, ctx):
    from ..pyflow.deobfuscate import decode_exec_payloads
    from ..pyflow.source import Offsets, parse
    from .python_selfrep import flow_allowed

    if not flow_allowed(art, ctx):
        return
    res = art.meta.get("_pyflow")
    tree = res.tree if res is not None else None
    if tree is None:
        from ..pyflow.source import relevant_slice

        sliced = relevant_slice(art.text, _EXEC)
        if sliced is not None:
            tree, _err = parse(sliced, allow_magics=False)
        if tree is None:
            tree, _err = parse(art.text)
        if tree is None:
            return  # the data-flow detector reports the parse failure
    lines = {art.index.position(at)[0] for at in _exec_sites(art.text)}
    found = decode_exec_payloads(tree, lines=lines)
    if not found:
        return
    off = Offsets(art.text, art.index.starts)
    for d in found:
        s, e = off.span(d.node)
        layers = " \u2192 ".join(d.layers)
        if d.text is None:
            ctx.signal(art, "sr.py.opaque-exec", s, e, layers=layers, size=d.size, what=d.opaque)
            continue
        ctx.signal(art, "sr.py.obfuscated-exec", s, e, decoded=d.text[:2000], layers=layers, size=d.size)
        line = art.index.position(s)[0]
        ctx.child(art, d.text, label=f"{layers} payload of exec at line {line}", kind="python",
                  name=art.name + ".decoded.py", span=(s, e), decoded_from="python-exec-payload")
