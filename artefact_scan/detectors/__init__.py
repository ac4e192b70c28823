"""Detectors: code that turns an artefact into signals.

A detector is a function `fn(artefact, ctx)` registered with `@detector(...)`, naming the signals
it can emit, the artefact kinds it reads and a cheap prefilter (lower-case literals that must
occur, or "non-ASCII only").  The engine runs a detector only when an enabled rule needs one of
its signals and its prefilter passes, so expensive work (libcst, decoders) sees only candidate
text.  Detector modules keep heavy imports inside their functions.

Every module in this package is loaded by `load_all`; adding a detector is adding a module.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Artefact


@dataclass(frozen=True)
class Detector:
    name: str
    signals: tuple[str, ...]
    fn: Callable
    kinds: frozenset[str] | None = None  # None: every text kind
    literals: tuple[str, ...] = ()  # lower-case; at least one must occur in the text
    non_ascii: bool = False  # only text with a non-ASCII character can hold these signals
    prefilter: Callable[[Artefact], bool] | None = None
    # reads `ctx.focus`: when it runs only to corroborate rules scoped to lines or a window of
    # lines, the engine hands it the spans around their anchors and it need not read the rest
    focus: bool = False

    def wants(self, art: Artefact) -> bool:
        if self.kinds is not None and art.kind not in self.kinds:
            return False
        if self.non_ascii and art.isascii:
            return False
        if self.literals:
            if not any(map(art.has_literal, self.literals)):
                return False
        if self.prefilter is not None and not self.prefilter(art):
            return False
        return True


_REGISTRY: dict[str, Detector] = {}


def detector(name: str, signals: tuple[str, ...] | list[str], *, kinds=None, literals=(),
             non_ascii: bool = False, prefilter=None, focus: bool = False):
    """Register the decorated function as a detector."""

    def wrap(fn):
        if name in _REGISTRY and _REGISTRY[name].fn is not fn:
            raise ValueError(f"detector {name!r} registered twice")
        _REGISTRY[name] = Detector(
            name, tuple(signals), fn, frozenset(kinds) if kinds is not None else None,
            tuple(lit.lower() for lit in literals), non_ascii, prefilter, focus)
        return fn

    return wrap


def register(det: Detector) -> None:
    _REGISTRY[det.name] = det


_loaded = False


def load_all() -> dict[str, Detector]:
    global _loaded
    if not _loaded:
        for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            importlib.import_module(f"{__name__}.{mod.name}")
        _loaded = True
    return _REGISTRY
