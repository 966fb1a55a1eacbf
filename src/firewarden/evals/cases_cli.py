"""``firewarden eval cases FILE``: recall of risky cases and false blocks of benign ones."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from firewarden.checks.records import BadRecord, Record, read_records
from firewarden.checks.types import Report


@click.command("cases")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--guidelines",
    "guideline_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Company guideline packs layered over the built-in packs.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text for people, json for scripts.")  # fmt: skip
def cases_command(files: tuple[Path, ...], guideline_paths: tuple[Path, ...], fmt: str) -> None:
    """Evaluate the check on labelled cases (YAML or JSONL shaped like the case library).

    A case with risk categories should reach `medium` or above; a case with no risks (or
    `label: benign`) should stay below. Prints recall, the false-block rate, per-category
    figures, and the misses.
    """
    from firewarden.checks import resolve_guidelines
    from firewarden.checks.detectors import default_detectors
    from firewarden.checks.engine import run
    from firewarden.evals.cases import evaluate_cases

    guidelines = resolve_guidelines(list(guideline_paths) or None)
    detectors = default_detectors()
    records: list[Record] = []
    unchecked: list[BadRecord] = []
    bad = 0
    for path in files:
        for rec in read_records(path):
            if isinstance(rec, BadRecord) and rec.empty:
                unchecked.append(rec)
            elif isinstance(rec, BadRecord):
                bad += 1
                click.echo(f"error: {rec.error}", err=True)
            else:
                records.append(rec)

    def one(rec: Record) -> Report:
        return run(rec.text, rec.context, guidelines, detectors)

    result = evaluate_cases(records, one)
    if fmt == "json":
        data = result.to_dict()
        data["not_checkable"] = [{"id": u.id, "where": u.where} for u in unchecked]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        d = result.to_dict()
        click.echo(f"risky cases:  {d['risky']:>4}   caught at medium+: {result.recall:.1%}")
        click.echo(
            f"benign cases: {d['benign']:>4}   false blocks:      {result.false_block_rate:.1%}"
        )
        click.echo("")
        click.echo(f"{'category':<22}{'cases':>6}{'caught':>8}{'named':>7}")
        for cat, f in sorted(result.by_category.items()):
            click.echo(f"{cat:<22}{f.cases:>6}{f.caught:>8}{f.named:>7}")
        if result.misses:
            click.echo("\nmissed (below medium):")
            for o in result.misses:
                found = ", ".join(sorted(o.found)) or "nothing"
                click.echo(
                    f"  {o.id} [{o.level.label}] risks: {', '.join(o.risks)}; found: {found}"
                )
        if result.false_blocks:
            click.echo("\nfalse blocks (benign at medium+):")
            for o in result.false_blocks:
                click.echo(f"  {o.id} [{o.level.label}] found: {', '.join(sorted(o.found))}")
    if unchecked and fmt == "text":
        click.echo(f"\nnot checkable ({len(unchecked)}: no text and no attachment description):")
        for u in unchecked:
            click.echo(f"  {u.id} ({u.where})")
    if bad:
        click.echo(f"{bad} record(s) could not be read; see the messages above.", err=True)
        sys.exit(2)
