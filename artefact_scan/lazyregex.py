"""Patterns compiled on first use.

The `regex` module parses patterns in Python, so a module full of rich patterns can cost tens of
milliseconds to import; a pre-commit hook scanning one file pays that for patterns it never
uses.  `lazy(...)` takes the arguments of `regex.compile` and compiles on first use.
"""
from __future__ import annotations

import regex


class LazyPattern:
    __slots__ = ("_args", "_kwargs", "_compiled")

    def __init__(self, *args, **kwargs):
        self._args, self._kwargs, self._compiled = args, kwargs, None

    def compiled(self) -> regex.Pattern:
        if self._compiled is None:
            self._compiled = regex.compile(*self._args, **self._kwargs)
        return self._compiled

    def __getattr__(self, name):
        return getattr(self.compiled(), name)


def lazy(*args, **kwargs) -> LazyPattern:
    return LazyPattern(*args, **kwargs)
