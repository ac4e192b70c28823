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


_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github",
            "html": "html", "markdown": "markdown"}


def render(fmt: str, result, **kw) -> str:
    if fmt not in FORMATS:
        import importlib

        # only the format asked for is imported: a pre-commit run stays light
        importlib.import_module(f"{__name__}.{_MODULES.get(fmt, fmt)}")
    return FORMATS[fmt](result, **kw)


def names() -> list[str]:
    from . import github, html, json_report, markdown, sarif, text  # noqa: F401

    return sorted(FORMATS)
