"""Signals of the pre-merge gate (`artefact_scan/gate.py`), declared so rules can name them.

The gate, not a detector, finds these: it alone knows which lines a change adds.  Scanner
directives added by the change (`gate.directive-added`) and scanner settings it adds or edits
(`gate.settings-changed`) are reported by rules AS020 and AS021 in `--diff` mode only.
"""
from __future__ import annotations

from . import Detector, register

register(Detector("gate", ("gate.directive-added", "gate.settings-changed"), lambda art, ctx: None,
                  kinds=frozenset()))
