"""Self-replication chains in Python: the provenance data flow of `artefact_scan.pyflow`,
one signal per chain.

A cheap textual gate comes first (`pyflow.gate`): every chain is a conjunction of literal groups
(a source such as its own path used for more than its folder, argv[0], getsource, weights, host
files, a quine shape; a sink such as writing, spawning, remote access, uploads, persistence);
only a file that satisfies one is parsed.  On the standard library this leaves about 6 % of the
files to parse.

Signals (`sr.py.<chain>`, anchored on the sink; data: `steps` for related locations and the code
flow, message fields, `level` on the replication or persistence ladder):
  file-infector, self-copy-spawn, unbounded-spawn, shutdown-resistance, network-worm,
  self-exfiltration, persist-self, llm-self-rewrite, agent-replica, rogue-agent, cloud-replica,
  registry-publish, successor-overwrite, oversight-off, self-relaunch.
`sr.py.partial-chain` spans the same sink when the chain lacks its strongest evidence (rules
lower the severity with it); `sr.py.strong-chain` when it has evidence beyond the rule's base
case (rules raise the severity with it).
"""
from __future__ import annotations

from . import detector

CHAINS = ("file-infector", "self-copy-spawn", "unbounded-spawn", "shutdown-resistance", "network-worm",
          "self-exfiltration", "persist-self", "llm-self-rewrite", "agent-replica", "rogue-agent",
          "cloud-replica", "registry-publish", "successor-overwrite", "oversight-off", "self-relaunch")
SIGNALS = tuple(f"sr.py.{c}" for c in CHAINS) + ("sr.py.partial-chain", "sr.py.strong-chain")

def candidate(art) -> bool:
    from ..pyflow.gate import candidate as gate

    return gate(art.text, art.lower)


def flow_allowed(art, ctx) -> bool:
    """The syntax tree and data flow are built for the file and at most `max_parsed_parts`
    embedded parts of it (fences, cells, decoded payloads): 20,000 Python fences in one
    Markdown file would otherwise cost minutes."""
    return ctx.quota(art, "python-flow", ctx.limits.max_parsed_parts,
                     f"more than {ctx.limits.max_parsed_parts} embedded Python parts; the data-flow and "
                                        f"obfuscated-exec rules ran on the first {ctx.limits.max_parsed_parts} only")


def analysis(art):
    """The flow analysis of an artefact, computed once and shared by the Python detectors."""
    res = art.meta.get("_pyflow")
    if res is None:
        from ..pyflow.chains import analyse

        res = analyse(art.text, allow_magics=True)
        art.meta["_pyflow"] = res
    return res


@detector("python-self-replication", SIGNALS, kinds={"python"}, prefilter=candidate)
def detect_chains(art, ctx):
    from ..pyflow.source import Offsets

    if not flow_allowed(art, ctx):
        return
    res = analysis(art)
    if res.error is not None:
        ctx.error(art, f"Python could not be parsed ({res.error}); the data-flow rules did not run, "
                       "text-level rules did")
        return
    if res.truncated:
        ctx.error(art, "Python data flow stopped at its work limit; later statements not followed")
    if not res.chains:
        return
    off = Offsets(art.text, art.index.starts, res.moved)
    for ch in res.chains:
        s, e = off.span(ch.node)
        steps = []
        for label, node in ch.steps:
            ss, se = off.span(node)
            steps.append({"label": label, "start": ss, "end": se})
        data = dict(ch.data)
        data["steps"] = steps
        data["weaker"] = f" Weaker evidence: {ch.partial}." if ch.partial else ""
        if ch.partial:
            data["partial"] = ch.partial
        strong = data.pop("strong", False)
        ctx.signal(art, ch.signal, s, e, **data)
        if ch.partial:
            ctx.signal(art, "sr.py.partial-chain", s, e, why=ch.partial)
        elif strong:
            ctx.signal(art, "sr.py.strong-chain", s, e)
