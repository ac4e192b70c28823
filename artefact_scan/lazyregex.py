"""Patterns compiled on first use.

The `regex` module parses patterns in Python, so a module full of rich patterns can cost tens of
milliseconds to import; a pre-commit hook scanning one file pays that for every pattern of every
detector, used or not.  `lazy(...)` / `lazy_re(...)` take the arguments of `regex.compile` /
`re.compile` and compile on first use.  After that the compiled pattern's attributes are copied
onto the object, so hot loops pay a plain attribute lookup, not a `__getattr__` call.
"""
from __future__ import annotations

_COPIED = ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split",
           "pattern", "flags", "groups", "groupindex", "scanner")


class LazyPattern:
    def __init__(self, *args, **kwargs):
        self._args, self._kwargs = args, kwargs

    def _compile(self):
        import regex

        return regex.compile(*self._args, **self._kwargs)

    def compiled(self):
        p = self.__dict__.get("_compiled")
        if p is None:
            p = self._compile()
            self.__dict__["_compiled"] = p
            for name in _COPIED:
                if hasattr(p, name):
                    self.__dict__[name] = getattr(p, name)
        return p

    def __getattr__(self, name):
        if name.startswith("__") or name in ("_args", "_kwargs", "_compiled"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"lazy({self._args[0]!r})"


class LazyRe(LazyPattern):
    """The same for the standard `re` module."""

    def _compile(self):
        import re

        return re.compile(*self._args, **self._kwargs)


def lazy(*args, **kwargs) -> LazyPattern:
    return LazyPattern(*args, **kwargs)


def lazy_re(*args, **kwargs) -> LazyRe:
    return LazyRe(*args, **kwargs)
