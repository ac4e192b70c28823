"""Obfuscated payloads in Python: exec / eval / compile of data that is decoded at run time.

A literal argument is decoded statically by `artefact_scan.pyflow.deobfuscate` (never executed,
never unmarshalled) and becomes a child artefact of kind python, which every rule then scans as
plain code: a base64-wrapped worm is reported as a worm, inside the decoded layer, and the finding
points at the exec in the file.  Marshalled code is reported as opaque.

Signals: `sr.py.obfuscated-exec` (data: `decoded`, `layers`, `size`), `sr.py.opaque-exec`
(data: `layers`, `size`).
"""
from __future__ import annotations

from . import detector

_EXEC = ("exec(", "eval(", "compile(")
_DECODERS = ("b64decode", "b32decode", "b16decode", "a85decode", "b85decode", "decodebytes", "decompress",
             "fromhex", "unhexlify", "a2b_", "codecs", "rot13", "rot_13", "marshal", "[::-1]", "chr(",
             "bytes([", "bytearray([")


def _candidate(art) -> bool:
    low = art.lower
    return any(e in low for e in _EXEC) and any(d in low for d in _DECODERS)


@detector("python-obfuscated-exec", ("sr.py.obfuscated-exec", "sr.py.opaque-exec"), kinds={"python"},
          prefilter=_candidate)
def detect_obfuscated(art, ctx):
    from ..pyflow.deobfuscate import decode_exec_payloads
    from ..pyflow.source import Offsets, parse

    res = art.meta.get("_pyflow")
    tree = res.tree if res is not None else None
    if tree is None:
        tree, err = parse(art.text)
        if tree is None:
            return  # the data-flow detector reports the parse failure
    found = decode_exec_payloads(tree)
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
