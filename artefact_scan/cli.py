"""The command line: `artefact-scan scan | rules | explain`.

Exit status of `scan`: 0 when nothing at or above `--fail-on` was found, 1 when something was,
2 for usage or configuration errors (an invalid rule file, an unknown option, a missing path).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .config import FAIL_ON, Config, ConfigError, find_config, load, parse_size
from .model import SEVERITIES

FORMATS = ("text", "json", "sarif", "github", "html", "markdown")


def _split(values) -> list[str]:
    out = []
    for v in values or ():
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def _config(path: str | None) -> Config:
    try:
        return load(Path(path) if path else find_config())
    except ConfigError as e:
        raise click.UsageError(f"configuration: {e}") from None


def _rules(cfg: Config, extra: tuple[str, ...], select, ignore):
    from .engine import known_signals
    from .ruleset import RuleError, builtin_rules_dir, load_dirs

    dirs = [builtin_rules_dir(), *cfg.rules, *[Path(d) for d in extra]]
    try:
        rs = load_dirs(dirs, known_signals())
    except RuleError as e:
        raise click.UsageError(f"invalid rules: {e}") from None
    return rs.select(select, ignore)


class _Progress:
    """A one-line progress bar on stderr, shown only on a terminal and only for long scans."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int, nbytes: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < 0.5 or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        fill = int(width * done / max(total, 1))
        rate = nbytes / 1e6 / max(now - self.start, 1e-6)
        sys.stderr.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} files  "
                         f"{nbytes / 1e6:.1f} MB  {rate:.1f} MB/s ")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 78 + "\r")
            sys.stderr.flush()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="artefact-scan")
def main() -> None:
    """Find self-replication, legal forgery and hidden messages in what AI agents leave behind."""


def _scan_options(fn):
    """Options shared by `scan` and `baseline`."""
    opts = [
        click.option("--select", multiple=True, help="Only these rules: ids, id prefixes or categories (comma-separated)."),
        click.option("--ignore", multiple=True, help="Not these rules: ids, id prefixes or categories."),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
                     help="Worker processes (default: all cores; 1 scans in this process)."),
        click.option("--strict", is_flag=True, default=None,
                     help="Ignore inline `artefact-scan: ignore[...]` directives."),
        click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
                     help="Configuration file (default: artefact-scan.toml or [tool.artefact-scan] in "
                          "pyproject.toml, from the current directory upwards; with --diff, from the base ref)."),
        click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True),
                     help="Add the rules in this directory (or file)."),
        click.option("--exclude", multiple=True, help="Skip paths matching this .gitignore-style pattern."),
        click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                     help="Skip what the scanned tree's .gitignore files ignore (off by default: the tree is untrusted)."),
        click.option("--max-file-size", default=None, help="Analyse at most this much of each file (default 16MiB)."),
        click.option("--max-embedded-size", default=None,
                     help="Analyse at most this much embedded content per file: archive members, "
                          "attachments, code blocks, decoded blobs (default 64MiB; held in memory)."),
        click.option("--progress/--no-progress", default=True, help="Progress bar on a terminal."),
    ]
    for o in reversed(opts):
        fn = o(fn)
    return fn


def _options(cfg: Config, jobs, strict, exclude, respect_gitignore, max_file_size, max_embedded_size=None):
    from dataclasses import replace

    from .context import Limits
    from .scanner import Options

    limits = Limits()
    def size_option(value, default, hint):
        try:
            return parse_size(value) if value else default
        except ConfigError as e:
            raise click.BadParameter(str(e), param_hint=hint) from None

    size = size_option(max_file_size, cfg.max_file_size, "--max-file-size")
    if size:
        limits = replace(limits, max_file_bytes=size)
    if cfg.file_timeout:
        limits = replace(limits, file_timeout=cfg.file_timeout)
    if cfg.regex_timeout:
        limits = replace(limits, regex_timeout=cfg.regex_timeout)
    if cfg.max_depth:
        limits = replace(limits, max_depth=cfg.max_depth)
    embedded = size_option(max_embedded_size, cfg.max_embedded_size, "--max-embedded-size")
    if embedded:
        limits = replace(limits, max_child_bytes=embedded)
    return Options(
        limits=limits,
        strict=bool(strict if strict is not None else cfg.strict),
        jobs=jobs if jobs is not None else (cfg.jobs or 0),
        excludes=list(exclude) + cfg.exclude,
        respect_gitignore=respect_gitignore if respect_gitignore is not None else cfg.respect_gitignore,
        default_excludes=cfg.default_excludes,
    )


def _check_paths(paths) -> list[str]:
    paths = list(paths) or ["."]
    missing = [p for p in paths if not Path(p).exists() and not Path(p).is_symlink()]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    return paths


def _run(paths, ruleset, opts, progress: bool):
    from .scanner import run

    bar = _Progress(progress and sys.stderr.isatty())
    try:
        return run(paths, ruleset, opts, progress=bar)
    finally:
        bar.close()


def _write(path: str | None, text: str) -> None:
    if path:
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _parse_reports(values) -> list[tuple[str, str]]:
    out = []
    for v in values or ():
        fmt, sep, path = v.partition(":")
        if not sep or fmt not in FORMATS or not path:
            raise click.BadParameter(f"{v!r}: use FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}",
                                     param_hint="--report")
        out.append((fmt, os.path.abspath(path)))
    return out


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format (default: text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE instead of standard output.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT:FILE",
              help="Also write a report in FORMAT to FILE (repeatable), e.g. sarif:out.sarif.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Exit 1 when a finding of this severity or higher is reported (default: warning).")
@click.option("--group-by", "group_by", default=None, metavar="top|root|N|none",
              help="Summarise per run: per top-level folder under each scanned path (top), per path "
                   "given (root) or per folder N levels deep. HTML defaults to top.")
@click.option("--diff", "diff_base", default=None, metavar="BASE",
              help="Gate mode: scan the files changed since the merge base of git ref BASE and HEAD, and "
                   "report only findings on changed lines. Config and suppressions come from BASE.")
@click.option("--whole-files", is_flag=True, help="With --diff: report every finding in a changed file.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), default=None,
              help="Leave out findings listed in this baseline (see `artefact-scan baseline`).")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: on a terminal).")
@_scan_options
def scan(paths, fmt, output, reports, fail_on, group_by, diff_base, whole_files, baseline_path, color,
         select, ignore, jobs, strict, config_path, rules_dirs, exclude, respect_gitignore,
         max_file_size, max_embedded_size, progress) -> None:
    """Scan PATHS (files or directories; default: the current directory)."""
    from .reports import render
    from .reports.groups import parse_group_by

    try:
        group = parse_group_by(group_by)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--group-by") from None
    if whole_files and diff_base is None:
        raise click.UsageError("--whole-files needs --diff BASE")
    extra = _parse_reports(reports)
    output = os.path.abspath(output) if output else None
    rules_dirs = tuple(os.path.abspath(r) for r in rules_dirs)  # the gate changes directory
    baseline_abs = os.path.abspath(baseline_path) if baseline_path else None
    if baseline_abs and diff_base is None and not os.path.isfile(baseline_abs):
        raise click.UsageError(f"no such baseline file: {baseline_path}")
    workdir = None
    d = None
    try:
        if diff_base is not None:
            workdir = _TempDir()
            d, cfg, scan_paths, dirty, skipped = _prepare_gate(diff_base, paths, config_path, exclude, workdir)
        else:
            cfg = _config(config_path)
            scan_paths = _check_paths(paths)
        sel = _split(select) or cfg.select
        ign = _split(ignore) or cfg.ignore
        ruleset = _rules(cfg, rules_dirs, sel, ign)
        opts = _options(cfg, jobs, strict, exclude, respect_gitignore, max_file_size, max_embedded_size)
        fmt = fmt or cfg.format or "text"
        if fmt not in FORMATS:
            raise click.UsageError(f"unknown format {fmt!r} in configuration (one of {', '.join(FORMATS)})")
        if d is not None:
            opts.strict = True  # directives are judged against the change below
        result = _run(scan_paths, ruleset, opts, progress)
        if d is not None:
            result.errors = sorted(result.errors + skipped, key=lambda e: e.sort_key())
            _apply_gate(result, d, ruleset, scan_paths, whole_files, dirty)
        if baseline_abs:
            _apply_baseline(result, baseline_abs, d)
    finally:
        if workdir is not None:
            workdir.cleanup()
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    _write(output, render(fmt, result, color=bool(use_color and fmt == "text"), group_by=group))
    for efmt, path in extra:
        _write(path, render(efmt, result, color=False, group_by=group))
    threshold = fail_on or cfg.fail_on
    if threshold != "never":
        rank = SEVERITIES.index(threshold)
        if any(SEVERITIES.index(f.severity) >= rank for f in result.findings):
            sys.exit(1)
    sys.exit(0)


class _TempDir:
    """A temporary folder made on first use (the base ref's configuration is written there)."""

    def __init__(self):
        self._tmp = None

    @property
    def path(self) -> Path:
        if self._tmp is None:
            import tempfile

            self._tmp = tempfile.TemporaryDirectory(prefix="artefact-scan-base-")
        return Path(self._tmp.name)

    def cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _prepare_gate(diff_base: str, paths, config_path, exclude, workdir: _TempDir):
    """Gate mode: what changed since BASE, the trusted configuration, the files to scan; then
    work from the repository root so that every path is relative to it."""
    from . import gate

    try:
        repo = gate.repo_root(".")
        d = gate.diff(repo, diff_base)
        if config_path and _inside(config_path, repo):
            # a config file in the checkout is part of the change: use its base version
            rel = os.path.relpath(os.path.realpath(config_path), os.path.realpath(repo))
            cfg = gate.base_config(d, workdir.path, names=(rel.replace(os.sep, "/"),))
            if cfg is None:
                raise gate.GateError(f"{rel} does not exist at the base ref; pass a --config "
                                     f"from outside the repository")
        elif config_path:
            cfg = _config(config_path)
        else:
            cfg = gate.base_config(d, workdir.path) or Config()
    except (gate.GateError, ConfigError) as e:
        raise click.UsageError(f"--diff: {e}") from None
    scan_paths, skipped = _gate_paths(d, paths, cfg, exclude)
    try:
        dirty = gate.uncommitted(d, scan_paths)
    except gate.GateError:
        dirty = []
    if dirty:
        from .escape import one_line

        click.echo(f"artefact-scan: {len(dirty)} changed file(s) differ from HEAD "
                   f"({', '.join(one_line(x, 200) for x in dirty[:3])}"
                   f"{', …' if len(dirty) > 3 else ''}); --diff takes changed lines from the commits, "
                   f"so uncommitted lines may be missed: commit them first", err=True)
    os.chdir(repo)
    return d, cfg, scan_paths, dirty, skipped


def _gate_paths(d, paths, cfg: Config, exclude) -> tuple[list[str], list]:
    """The changed files to scan: regular files of the checkout, under PATHS, not excluded; and
    the changed paths that are links, FIFOs, sockets or devices, reported as not read (never
    followed or opened), as a scan of the folder would."""
    import stat

    import pathspec

    from .discovery import DEFAULT_EXCLUDES, not_read

    prefixes = []
    for p in paths:
        rel = os.path.relpath(os.path.abspath(p), d.repo)
        if rel.startswith("..") or os.path.isabs(rel):
            raise click.UsageError(f"--diff: {p} is outside the repository {d.repo}")
        prefixes.append("" if rel == "." else rel.replace(os.sep, "/").rstrip("/") + "/")
    pats = list(exclude) + list(cfg.exclude) + (list(DEFAULT_EXCLUDES) if cfg.default_excludes else [])
    spec = pathspec.GitIgnoreSpec.from_lines(pats) if pats else None
    out, skipped = [], []
    for rel in sorted(d.changes):
        if prefixes and not any(rel.startswith(pf) or rel + "/" == pf for pf in prefixes):
            continue
        if spec is not None and spec.match_file(rel):
            continue
        try:
            st = os.lstat(d.repo / rel)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            out.append(rel)
        elif not stat.S_ISDIR(st.st_mode):
            skipped.append(not_read(str(d.repo / rel), rel, st.st_mode))
    return out, skipped


def _apply_gate(result, d, ruleset, scan_paths, whole_files, dirty) -> None:
    from . import gate
    from .model import Finding

    findings, outside = gate.keep_changed(result.findings, d, whole_files)
    findings, suppressed = gate.apply_trusted_directives(findings, d)
    findings += gate.directive_findings(d, ruleset, scan_paths)
    findings.sort(key=Finding.sort_key)
    result.findings = findings
    result.suppressed += suppressed
    result.gate = {"base": d.base, "base_sha": d.base_sha, "merge_base": d.merge_base, "head": d.head_sha,
                   "changed_files": len(scan_paths), "outside_change": outside, "whole_files": whole_files,
                   "uncommitted": list(dirty)}


def _apply_baseline(result, path: str, d) -> None:
    from . import baseline

    try:
        if d is not None and _inside(path, d.repo):
            rel = os.path.relpath(path, d.repo).replace(os.sep, "/")
            from . import gate

            data = gate.base_blob(d, rel)
            if data is None:
                click.echo(f"artefact-scan: no baseline {rel} at the base ref; every finding is new", err=True)
                return
            bl = baseline.loads(data, f"{rel} at {d.merge_base[:12]}")
        else:
            bl = baseline.load(path)
    except baseline.BaselineError as e:
        raise click.UsageError(f"--baseline: {e}") from None
    except Exception as e:  # GateError
        raise click.UsageError(f"--baseline: {e}") from None
    result.findings, result.baselined = baseline.apply(result.findings, bl)


def _inside(path: str, root) -> bool:
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    return not (rel.startswith("..") or os.path.isabs(rel))


@main.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--output", default=".artefact-scan-baseline.json", show_default=True,
              type=click.Path(dir_okay=False, writable=True), help="Where to write the baseline.")
@_scan_options
def baseline_cmd(paths, output, select, ignore, jobs, strict, config_path, rules_dirs, exclude,
                 respect_gitignore, max_file_size, max_embedded_size, progress) -> None:
    """Write a baseline of the current findings, so `scan --baseline FILE` reports only new ones.

    Run it with the same PATHS from the same directory as the scans that use it (fingerprints
    include the path as reported). The file holds fingerprints, rules and locations only."""
    from . import baseline

    cfg = _config(config_path)
    paths = _check_paths(paths)
    ruleset = _rules(cfg, rules_dirs, _split(select) or cfg.select, _split(ignore) or cfg.ignore)
    opts = _options(cfg, jobs, strict, exclude, respect_gitignore, max_file_size, max_embedded_size)
    result = _run(paths, ruleset, opts, progress)
    _write(output, baseline.dumps(result))
    click.echo(f"artefact-scan: wrote {len(result.findings)} findings to {output}", err=True)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "markdown")), default="table")
@click.option("--select", multiple=True, help="Only these rules: ids, id prefixes or categories.")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True),
              help="Add the rules in this directory (or file).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
def rules_cmd(fmt, select, rules_dirs, config_path) -> None:
    """List the rule catalogue."""
    import json

    from .docs import catalogue_markdown

    cfg = _config(config_path)
    rs = _rules(cfg, rules_dirs, _split(select), [])
    rules = sorted(rs.rules.values(), key=lambda r: r.id)
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "category": r.category,
                                "severity": r.severity, "confidence": r.confidence,
                                "title": r.title, "kinds": sorted(r.kinds) if r.kinds else None,
                                "summary": r.docs["summary"].strip(), "source": r.source}
                               for r in rules], indent=2))
    elif fmt == "markdown":
        click.echo(catalogue_markdown(rules), nl=False)
    else:
        for r in rules:
            click.echo(f"{r.id:<7} {r.category:<17} {r.severity:<8} {r.confidence:<7} {r.name}: {r.title}")
        click.echo(f"{len(rules)} rules")


@main.command()
@click.argument("rule_id")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True))
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--markdown", is_flag=True, help="Print the Markdown page (as in SARIF help).")
def explain(rule_id, rules_dirs, config_path, markdown) -> None:
    """Show a rule's documentation: what it finds, why, an example and its look-alikes."""
    from .docs import rule_markdown, rule_text

    cfg = _config(config_path)
    rs = _rules(cfg, rules_dirs, [], [])
    rule = rs.rules.get(rule_id.upper()) or next(
        (r for r in rs.rules.values() if rule_id in r.aliases or rule_id == r.name), None)
    if rule is None:
        raise click.UsageError(f"no rule {rule_id!r}; `artefact-scan rules` lists them")
    click.echo(rule_markdown(rule) if markdown else rule_text(rule), nl=False)


if __name__ == "__main__":
    main()
