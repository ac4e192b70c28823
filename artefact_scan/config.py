"""Configuration: `[tool.artefact-scan]` in pyproject.toml, or an artefact-scan.toml.

Looked up from the current directory upwards (or given with `--config`), never from inside the
scanned tree: the tree is written by the agent under audit, so a config file there could switch
rules off.  Command-line options override the file.  Paths in the file (extra rule directories)
are relative to the file.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

KEYS = {
    "select", "ignore", "exclude", "default-excludes", "respect-gitignore", "fail-on", "strict",
    "rules", "format", "jobs", "max-file-size", "file-timeout", "regex-timeout", "max-depth",
    "max-embedded-size",
}
FAIL_ON = ("error", "warning", "note", "never")


class ConfigError(Exception):
    pass


@dataclass
class Config:
    source: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    default_excludes: bool = True
    respect_gitignore: bool = False
    fail_on: str = "warning"
    strict: bool = False
    rules: list[Path] = field(default_factory=list)
    format: str | None = None
    jobs: int | None = None
    max_file_size: int | None = None
    file_timeout: float | None = None
    regex_timeout: float | None = None
    max_depth: int | None = None
    max_embedded_size: int | None = None  # archive members, fences, decoded blobs of one file


def parse_size(value) -> int:
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str):
        v = value.strip().upper().replace(" ", "")
        mult = 1
        for suffix, m in (("KIB", 1024), ("MIB", 1 << 20), ("GIB", 1 << 30), ("KB", 1000),
                          ("MB", 10**6), ("GB", 10**9), ("K", 1024), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)):
            if v.endswith(suffix):
                v, mult = v[: -len(suffix)], m
                break
        try:
            n = int(float(v) * mult)
        except ValueError:
            raise ConfigError(f"not a size: {value!r} (use bytes or e.g. 16MB)") from None
        if n > 0:
            return n
    raise ConfigError(f"not a size: {value!r} (use bytes or e.g. 16MB)")


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for d in [here, *here.parents]:
        cand = d / "artefact-scan.toml"
        if cand.is_file():
            return cand
        py = d / "pyproject.toml"
        if py.is_file():
            try:
                with open(py, "rb") as fh:
                    data = tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError):
                continue
            if isinstance(data.get("tool"), dict) and "artefact-scan" in data["tool"]:
                return py
    return None


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        section = data.get("tool", {}).get("artefact-scan", {})
    else:
        section = data.get("tool", {}).get("artefact-scan", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.artefact-scan] must be a table")
    unknown = set(section) - KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown keys: {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    cfg = Config(source=str(path))

    def strlist(key):
        v = section.get(key, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ConfigError(f"{path}: '{key}' must be a list of strings")
        return v

    def boolean(key, default):
        v = section.get(key, default)
        if not isinstance(v, bool):
            raise ConfigError(f"{path}: '{key}' must be true or false")
        return v

    cfg.select, cfg.ignore, cfg.exclude = strlist("select"), strlist("ignore"), strlist("exclude")
    cfg.default_excludes = boolean("default-excludes", True)
    cfg.respect_gitignore = boolean("respect-gitignore", False)
    cfg.strict = boolean("strict", False)
    fail_on = section.get("fail-on", "warning")
    if fail_on not in FAIL_ON:
        raise ConfigError(f"{path}: 'fail-on' must be one of {', '.join(FAIL_ON)}")
    cfg.fail_on = fail_on
    base = path.parent
    cfg.rules = [(base / p) for p in strlist("rules")]
    if "format" in section:
        cfg.format = str(section["format"])
    if "jobs" in section:
        if not isinstance(section["jobs"], int) or section["jobs"] < 0:
            raise ConfigError(f"{path}: 'jobs' must be a non-negative integer")
        cfg.jobs = section["jobs"]
    if "max-file-size" in section:
        cfg.max_file_size = parse_size(section["max-file-size"])
    for key, attr in (("file-timeout", "file_timeout"), ("regex-timeout", "regex_timeout")):
        if key in section:
            v = section[key]
            if not isinstance(v, (int, float)) or v <= 0:
                raise ConfigError(f"{path}: '{key}' must be a positive number of seconds")
            setattr(cfg, attr, float(v))
    if "max-embedded-size" in section:
        cfg.max_embedded_size = parse_size(section["max-embedded-size"])
    if "max-depth" in section:
        v = section["max-depth"]
        if not isinstance(v, int) or v < 1:
            raise ConfigError(f"{path}: 'max-depth' must be a positive integer")
        cfg.max_depth = v
    return cfg


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
