"""Reports: a `ScanResult` rendered for people (text, html, markdown) and machines (json, sarif,
github).

Reports know nothing about detectors; they read findings, errors and rule metadata.  Every string
that came from the scanned tree is escaped for its destination (terminal, CI log, JSON).
"""
from __future__ import annotations

from collections.abc import Callable

FORMATS: dict[str, Callable] = {}


def renderer(name: str):
    def wrap(fn):
        FORMATS[name] = fn
        return fn

    return wrap


def render(fmt: str, result, **kw) -> str:
    from . import github, html, json_report, markdown, sarif, text  # noqa: F401  (registration)

    return FORMATS[fmt](result, **kw)


def names() -> list[str]:
    from . import github, html, json_report, markdown, sarif, text  # noqa: F401

    return sorted(FORMATS)
