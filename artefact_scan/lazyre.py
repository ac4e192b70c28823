"""Regular expressions compiled on first use.

Large patterns (dozens of alternatives, case-insensitive) take tens of milliseconds to compile;
a one-file scan from a pre-commit hook should not pay for patterns that the file never reaches.
`lazy(compile_fn, *args)` returns an object that behaves like the compiled pattern and compiles
it the first time one of its methods is used.
"""
from __future__ import annotations


class LazyPattern:
    __slots__ = ("_make", "_args", "_pattern")

    def __init__(self, make, *args):
        self._make = make
        self._args = args
        self._pattern = None

    def compiled(self):
        if self._pattern is None:
            self._pattern = self._make(*self._args)
        return self._pattern

    def __getattr__(self, name):
        return getattr(self.compiled(), name)


def lazy(make, *args) -> LazyPattern:
    return LazyPattern(make, *args)
