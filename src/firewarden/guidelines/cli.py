"""``firewarden guidelines``: lint packs, test their examples, list the active rules."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

_PATHS = click.Path(exists=True, path_type=Path)


@click.group("guidelines")
def guidelines_group() -> None:
    """Work with guideline packs (the company's rules as YAML)."""


@guidelines_group.command("lint")
@click.argument("paths", nargs=-1, type=_PATHS)
def lint_command(paths: Sequence[Path]) -> None:
    """Report every problem in the packs at PATHS (default: the built-in packs).

    Exit status: 1 if any error, 0 if only warnings or nothing.
    """
    from firewarden.guidelines.lint import lint_paths

    problems = lint_paths(list(paths))
    order = {"error": 0, "warning": 1, "info": 2}
    problems.sort(key=lambda p: (order.get(p.level, 3), p.file, p.line))
    for p in problems:
        click.echo(str(p))
    errors = sum(p.level == "error" for p in problems)
    warnings = sum(p.level == "warning" for p in problems)
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        sys.exit(1)


@guidelines_group.command("test")
@click.argument("paths", nargs=-1, type=_PATHS)
@click.option("--no-builtin", is_flag=True, help="Test the given packs without the built-in ones.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the examples that passed.")
def test_command(paths: Sequence[Path], no_builtin: bool, verbose: bool) -> None:
    """Run the examples embedded in every active rule through the check.

    PATHS are company packs layered over the built-in packs; with none, the packs named in
    firewarden.toml (if any) and the built-in packs are tested. Exit status: 1 if any example
    fails.
    """
    from firewarden.checks.detectors import default_detectors
    from firewarden.cli import current_config
    from firewarden.guidelines.examples import run_examples
    from firewarden.guidelines.loader import builtin_guidelines, load_guidelines

    paths = list(paths) or list(current_config().guideline_packs)

    if paths or no_builtin:
        guidelines = load_guidelines(list(paths), builtin=not no_builtin)
    else:
        guidelines = builtin_guidelines()
    results = run_examples(guidelines, default_detectors())
    failed = [r for r in results if not r.ok]
    for r in results if verbose else failed:
        click.echo(str(r))
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        sys.exit(1)


@guidelines_group.command("list")
@click.option("--guidelines", "paths", multiple=True, type=_PATHS,
              help="A company pack (file or folder) layered over the built-in packs.")  # fmt: skip
@click.option("--handle", default="", help="Show the rules as they apply to this account.")
def list_command(paths: Sequence[Path], handle: str) -> None:
    """List the rules: id, category, severity, language and the pack each came from.

    Without --guidelines, the packs named in firewarden.toml (if any) are layered in.
    """
    from firewarden.cli import current_config
    from firewarden.guidelines.loader import load_layered

    layered = load_layered(list(paths) or list(current_config().guideline_packs))
    errors = [p for p in layered.problems if p.level == "error"]
    if errors:
        raise errors[0].to_error(len(errors) - 1)
    g = layered.guidelines.for_account(handle)
    rows = []
    for rule in g.rules:
        sev = g.severity_of(rule.id, rule.severity)
        severity = sev.label if sev == rule.severity else f"{sev.label} (was {rule.severity.label})"
        status = "disabled" if not g.is_enabled(rule.id) else "active"
        lang = "any" if len(rule.languages) > 1 else rule.languages[0]
        rows.append((rule.id, rule.category, severity, lang, status,
                     f"{rule.origin} ({rule.source}:{rule.line})"))  # fmt: skip
    for old, new in layered.replaced:
        origin = f"{old.origin} ({old.source}:{old.line})"
        rows.append((old.id, old.category, old.severity.label, "-", f"replaced by {new.origin}",
                     origin))  # fmt: skip
    header = ("id", "category", "severity", "lang", "status", "from")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths, strict=True)]
        click.echo("  ".join([*cells, row[-1]]))
    active = sum(1 for r in rows if r[4] == "active")
    click.echo(f"{active} active rule(s) from {len(layered.packs)} pack(s)", err=True)
