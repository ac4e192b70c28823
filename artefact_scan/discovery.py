"""Discovery: which files to scan, in a deterministic order, without trusting the tree.

The tree was written by the agent under audit.  So: symbolic links are never followed (a link
that points outside the scanned roots is reported; one that points inside is scanned where its
target lives); FIFOs, sockets and devices are reported and never opened; unreadable directories
are reported; directory depth is bounded.  Excludes use .gitignore syntax; `.gitignore` files of
the tree are honoured only on request, because the agent writes them too.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass

import pathspec

from .model import ScanError

# Git's object store is compressed and says nothing a checkout does not; hooks and config stay in.
DEFAULT_EXCLUDES = (".git/objects/", ".git/lfs/", ".git/logs/", ".hg/store/")
_KIND_NAMES = {
    stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
}


@dataclass(frozen=True)
class Entry:
    abspath: str  # what is opened
    display: str  # what is reported: the path as given, joined with the path inside it
    rel: str  # the path relative to the scanned root (for path facts and excludes)
    size: int


def _kind_name(mode: int) -> str:
    return _KIND_NAMES.get(stat.S_IFMT(mode), "not a regular file")


def not_read(path: str, disp: str, mode: int, roots_real: list[str] = ()) -> ScanError:
    """Why the non-regular file `path` (lstat mode `mode`) is not read, shown as `disp`: a
    symbolic link is never followed, a FIFO, socket or device never opened."""
    if not stat.S_ISLNK(mode):
        return ScanError(disp, f"is {_kind_name(mode)}; not read")
    try:
        target = os.path.realpath(path)
    except (OSError, RuntimeError):
        target = ""
    if not target or not os.path.exists(target):
        return ScanError(disp, "broken or looping symbolic link; not followed")
    try:
        link = os.readlink(path)
    except OSError:
        link = "?"
    if roots_real and _within(target, roots_real):
        return ScanError(disp, f"symbolic link to {link!r}; not followed (its target is scanned where it lives)")
    return ScanError(disp, f"symbolic link to {link!r}, outside the scanned roots; not followed")


def _resolved(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        try:
            out.append(os.path.realpath(p))
        except OSError:
            pass
    return out


def _within(path: str, roots: list[str]) -> bool:
    for r in roots:
        if path == r or path.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


class _Ignores:
    """Exclude patterns plus, on request, the .gitignore files met on the way down."""

    def __init__(self, excludes: list[str]):
        self.base = pathspec.GitIgnoreSpec.from_lines(list(excludes)) if excludes else None

    def excluded(self, rel: str, is_dir: bool, stack: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
        target = rel + "/" if is_dir else rel
        if self.base is not None and self.base.match_file(target):
            return True
        for base, spec in reversed(stack):  # the deepest .gitignore decides first
            sub = target[len(base) + 1:] if base else target
            res = spec.check_file(sub)
            if res.include is not None:
                return bool(res.include)
        return False


def _read_gitignore(path: str) -> pathspec.GitIgnoreSpec | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, 1 << 20)
    finally:
        os.close(fd)
    lines = data.decode("utf-8", "replace").splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


def discover(paths: list[str], excludes: list[str] = (), respect_gitignore: bool = False,
             default_excludes: bool = True, max_depth: int = 64) -> tuple[list[Entry], list[ScanError]]:
    entries: list[Entry] = []
    errors: list[ScanError] = []
    pats = list(excludes) + (list(DEFAULT_EXCLUDES) if default_excludes else [])
    ignores = _Ignores(pats)
    roots_real: list[str] | None = None  # resolved when the first link is met (a cost per root)
    seen: set[str] = set()
    for given in paths:
        display_root = os.path.normpath(given)
        try:
            st = os.stat(given)  # a root the user named explicitly may be a link
        except FileNotFoundError:
            errors.append(ScanError(display_root, "does not exist"))
            continue
        except OSError as e:
            errors.append(ScanError(display_root, f"cannot be read: {e.strerror}"))
            continue
        if stat.S_ISREG(st.st_mode):
            key = f"{st.st_dev}:{st.st_ino}"
            if key not in seen:
                seen.add(key)
                # a relative file path keeps its folders for path facts (docs/, memory/, tests/)
                rel = display_root.replace(os.sep, "/")
                if os.path.isabs(display_root) or rel.startswith("../") or rel == "..":
                    rel = os.path.basename(display_root)
                entries.append(Entry(given, display_root, rel, st.st_size))
            continue
        if not stat.S_ISDIR(st.st_mode):
            errors.append(ScanError(display_root, f"is {_kind_name(st.st_mode)}; not read"))
            continue
        stack: list[tuple[str, str, int, list]] = [(given, "", 0, [])]
        while stack:
            dpath, drel, depth, gstack = stack.pop()
            disp_dir = os.path.normpath(os.path.join(display_root, drel)) if drel else display_root
            if depth > max_depth:
                errors.append(ScanError(disp_dir, f"directory nesting deeper than {max_depth}; not descended"))
                continue
            if respect_gitignore:
                spec = _read_gitignore(os.path.join(dpath, ".gitignore"))
                if spec is not None:
                    gstack = gstack + [(drel, spec)]
            try:
                with os.scandir(dpath) as it:
                    items = sorted(it, key=lambda e: e.name)
            except PermissionError:
                errors.append(ScanError(disp_dir, "permission denied: directory not read"))
                continue
            except OSError as e:
                errors.append(ScanError(disp_dir, f"directory not read: {e.strerror}"))
                continue
            subdirs = []
            for item in items:
                rel = f"{drel}/{item.name}" if drel else item.name
                disp = os.path.join(display_root, rel) if display_root != "." else rel
                try:
                    st = item.stat(follow_symlinks=False)
                except OSError as e:
                    errors.append(ScanError(disp, f"cannot stat: {e.strerror}"))
                    continue
                mode = st.st_mode
                if stat.S_ISLNK(mode):
                    if roots_real is None:
                        roots_real = _resolved(paths)
                    err = not_read(item.path, disp, mode, roots_real)
                    if "outside" in err.message or "broken" in err.message:
                        errors.append(err)
                    # a link inside the roots: its target is scanned where it lives
                    continue
                if stat.S_ISDIR(mode):
                    if not ignores.excluded(rel, True, gstack):
                        subdirs.append((item.path, rel, depth + 1, gstack))
                    continue
                if ignores.excluded(rel, False, gstack):
                    continue
                if not stat.S_ISREG(mode):
                    errors.append(not_read(item.path, disp, mode))
                    continue
                key = f"{st.st_dev}:{st.st_ino}"
                if key in seen:
                    continue
                seen.add(key)
                entries.append(Entry(item.path, disp, rel, st.st_size))
            stack.extend(reversed(subdirs))
    return entries, errors
