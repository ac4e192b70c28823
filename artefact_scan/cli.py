"""The command line: `artefact-scan scan | rules | explain`.

Exit status of `scan`: 0 when nothing at or above `--fail-on` was found, 1 when something was,
2 for usage or configuration errors (an invalid rule file, an unknown option, a missing path).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import __version__
from .config import FAIL_ON, Config, ConfigError, find_config, load, parse_size
from .model import SEVERITIES

FORMATS = ("text", "json", "sarif", "github")


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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format (default: text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE instead of standard output.")
@click.option("--select", multiple=True, help="Only these rules: ids, id prefixes or categories (comma-separated).")
@click.option("--ignore", multiple=True, help="Not these rules: ids, id prefixes or categories.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Exit 1 when a finding of this severity or higher is reported (default: warning).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: all cores; 1 scans in this process).")
@click.option("--strict", is_flag=True, default=None,
              help="Ignore inline `artefact-scan: ignore[...]` directives.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (default: artefact-scan.toml or [tool.artefact-scan] in "
                   "pyproject.toml, from the current directory upwards).")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True),
              help="Add the rules in this directory (or file).")
@click.option("--exclude", multiple=True, help="Skip paths matching this .gitignore-style pattern.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None,
              help="Skip what the scanned tree's .gitignore files ignore (off by default: the tree is untrusted).")
@click.option("--max-file-size", default=None, help="Analyse at most this much of each file (default 16MiB).")
@click.option("--progress/--no-progress", default=True, help="Progress bar on a terminal.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: on a terminal).")
def scan(paths, fmt, output, select, ignore, fail_on, jobs, strict, config_path, rules_dirs,
         exclude, respect_gitignore, max_file_size, progress, color) -> None:
    """Scan PATHS (files or directories; default: the current directory)."""
    from dataclasses import replace

    from .context import Limits
    from .reports import render
    from .scanner import Options, run

    cfg = _config(config_path)
    paths = list(paths) or ["."]
    missing = [p for p in paths if not Path(p).exists() and not Path(p).is_symlink()]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    sel = _split(select) or cfg.select
    ign = _split(ignore) or cfg.ignore
    ruleset = _rules(cfg, rules_dirs, sel, ign)
    limits = Limits()
    try:
        size = parse_size(max_file_size) if max_file_size else cfg.max_file_size
    except ConfigError as e:
        raise click.BadParameter(str(e), param_hint="--max-file-size") from None
    if size:
        limits = replace(limits, max_file_bytes=size)
    if cfg.file_timeout:
        limits = replace(limits, file_timeout=cfg.file_timeout)
    if cfg.regex_timeout:
        limits = replace(limits, regex_timeout=cfg.regex_timeout)
    if cfg.max_depth:
        limits = replace(limits, max_depth=cfg.max_depth)
    opts = Options(
        limits=limits,
        strict=bool(strict if strict is not None else cfg.strict),
        jobs=jobs if jobs is not None else (cfg.jobs or 0),
        excludes=list(exclude) + cfg.exclude,
        respect_gitignore=respect_gitignore if respect_gitignore is not None else cfg.respect_gitignore,
        default_excludes=cfg.default_excludes,
    )
    fmt = fmt or cfg.format or "text"
    if fmt not in FORMATS:
        raise click.UsageError(f"unknown format {fmt!r} in configuration (one of {', '.join(FORMATS)})")
    bar = _Progress(progress and sys.stderr.isatty())
    try:
        result = run(paths, ruleset, opts, progress=bar)
    finally:
        bar.close()
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    report = render(fmt, result, color=bool(use_color and fmt == "text"))
    if output:
        with open(output, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(report)
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    threshold = fail_on or cfg.fail_on
    if threshold != "never":
        rank = SEVERITIES.index(threshold)
        if any(SEVERITIES.index(f.severity) >= rank for f in result.findings):
            sys.exit(1)
    sys.exit(0)


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
