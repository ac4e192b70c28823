"""Extractors: containers whose parts are analysed as artefacts of their own.

An extractor is a function `fn(artefact, ctx)` registered with `@extractor(kinds=...)` that calls
`ctx.child(...)` once per embedded part (a Markdown code fence, a notebook cell, an archive
member…).  Children are analysed with every rule, and their findings point back into the
containing file through the child's segments and origin chain.  Adding a container format is
adding one module here.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Extractor:
    name: str
    kinds: frozenset[str]
    fn: Callable
    binary: bool = False  # reads `artefact.meta["bytes"]` rather than text


_REGISTRY: dict[str, Extractor] = {}


def extractor(name: str, kinds, *, binary: bool = False):
    def wrap(fn):
        _REGISTRY[name] = Extractor(name, frozenset(kinds), fn, binary)
        return fn

    return wrap


_loaded = False


def load_all() -> dict[str, Extractor]:
    global _loaded
    if not _loaded:
        for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            importlib.import_module(f"{__name__}.{mod.name}")
        _loaded = True
    return _REGISTRY


def for_kind(kind: str) -> list[Extractor]:
    return [e for e in load_all().values() if kind in e.kinds]
