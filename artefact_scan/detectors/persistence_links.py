"""The signal behind SR490 (a persistence entry that starts a scanned self-replicating script).

SR490's findings are made by `artefact_scan.linking` after every file is scanned, because they
join two files; this module only declares the signal so the rule is a rule like any other
(documented, selectable with `--select`/`--ignore`). The detector reads no artefact kind and never
runs.
"""
from __future__ import annotations

from . import detector


@detector("persistence-links", ("sr.persisted-replicator",), kinds=())
def never_runs(art, ctx):  # pragma: no cover - linking makes these findings
    return None
