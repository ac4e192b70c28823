"""Optional components whose data can change what a scan reports, with their versions.

The citation checks use eyecite, reporters-db and courts-db when the `artefact-scan[legal]`
extra is installed; their data (reporter spans, court dates) changes between releases, so every
report names the versions it ran with (None: not installed).  Read from package metadata,
without importing the packages.
"""
from __future__ import annotations

from importlib import metadata

OPTIONAL = ("eyecite", "reporters-db", "courts-db")


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pkg in OPTIONAL:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out
