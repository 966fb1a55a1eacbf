"""``firewarden check``: check one draft, or a batch of them, from the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from firewarden.checks.context import Context, parse_when
from firewarden.checks.engine import Detector
from firewarden.checks.records import BadRecord, read_records
from firewarden.checks.render import render_report
from firewarden.checks.types import Level, Report
from firewarden.errors import FirewardenError, InputError
from firewarden.guidelines.model import Guidelines

_LEVELS = [lv.label for lv in Level]


@click.command("check")
@click.argument("text", required=False)
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check every record of a JSONL file or YAML list (id, text, context).",
)
@click.option("--at", "at", metavar="DATE", help="When the post goes out (YYYY-MM-DD[THH:MM]).")
@click.option(
    "--event",
    "events",
    multiple=True,
    metavar="TEXT",
    help="Something happening in the world at that time (repeatable).",
)
@click.option(
    "--events-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML or text file of active events (one per line).",
)
@click.option(
    "--account",
    type=click.Choice(["corporate", "personal"]),
    default=None,
    help="The kind of account the post goes out from (default: corporate).",
)
@click.option("--handle", default="", help="The account's handle (for per-account guidelines).")
@click.option("--sponsored", is_flag=True, help="The post is paid for or sponsored.")
@click.option(
    "--attachment",
    default="",
    metavar="TEXT",
    help="A description (alt text) of the attached image or video.",
)
@click.option(
    "--past-post",
    "past_posts",
    multiple=True,
    metavar="TEXT",
    help="An example of the account's usual voice (repeatable).",
)
@click.option(
    "--guidelines",
    "guideline_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A company guideline pack (file or folder) layered over the built-in packs.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text for people; json for one report; jsonl for one report per line of --input.",
)
@click.option(
    "--fail-on",
    type=click.Choice(_LEVELS),
    default=None,
    help="Exit 1 when any report is at or above this level.",
)
@click.option(
    "--color/--no-color", default=None, help="Highlight findings (default: on a terminal)."
)
def check_command(
    text: str | None,
    input_path: Path | None,
    at: str | None,
    events: Sequence[str],
    events_file: Path | None,
    account: str | None,
    handle: str,
    sponsored: bool,
    attachment: str,
    past_posts: Sequence[str],
    guideline_paths: Sequence[Path],
    fmt: str,
    fail_on: str | None,
    color: bool | None,
) -> None:
    """Check a draft for firestorm risks and explain each finding.

    TEXT is the draft; use - to read it from standard input, or --input for a batch.
    Exit status: 0 below --fail-on, 1 at or above it, 2 for usage or input errors.
    """
    from firewarden.checks import resolve_guidelines
    from firewarden.checks.detectors import default_detectors
    from firewarden.checks.engine import run
    from firewarden.cli import current_config
    from firewarden.world.events import read_events_file

    if (text is None) == (input_path is None):
        raise click.UsageError("give the draft TEXT or --input FILE (one of them)")
    config = current_config()
    packs = list(guideline_paths) or list(config.guideline_packs)
    guidelines = resolve_guidelines(packs or None)
    detectors = default_detectors()
    events_file = events_file or config.events_file
    file_events = read_events_file(events_file) if events_file else ()
    threshold = Level.parse(fail_on) if fail_on else None
    use_color = sys.stdout.isatty() if color is None else color

    def with_options(ctx: Context) -> Context:
        from dataclasses import replace

        return replace(
            ctx,
            at=parse_when(at, where="--at") if at else ctx.at,
            events=ctx.events + tuple(events) + file_events,
            account=account or ctx.account,
            handle=handle or ctx.handle,
            sponsored=sponsored or ctx.sponsored,
            attachment=attachment or ctx.attachment,
            past_posts=ctx.past_posts + tuple(past_posts),
        )

    worst = Level.NONE
    if text is not None:
        if text == "-":
            text = _read_stdin()
        report = run(text, with_options(Context()), guidelines, detectors)
        worst = report.level
        if fmt == "text":
            click.echo(render_report(text, attachment, report, color=use_color))
        elif fmt == "json":
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(json.dumps({"id": "1", **_line(report)}, ensure_ascii=False))
    else:
        assert input_path is not None
        worst, failures = _batch(input_path, with_options, guidelines, detectors, fmt, use_color)
        if failures:
            click.echo(
                f"{failures} record(s) could not be checked; see the messages above.", err=True
            )
            sys.exit(2)
    if threshold is not None and worst >= threshold:
        sys.exit(1)


def _batch(
    path: Path,
    with_options: Callable[[Context], Context],
    guidelines: Guidelines,
    detectors: Sequence[Detector],
    fmt: str,
    use_color: bool,
) -> tuple[Level, int]:
    from firewarden.checks.engine import run

    records = list(read_records(path))
    worst = Level.NONE
    failures = 0
    collected: list[dict[str, object]] = []
    show_progress = sys.stderr.isatty() and len(records) > 50
    with click.progressbar(
        records, label="checking", file=sys.stderr, hidden=not show_progress
    ) as bar:
        for rec in bar:
            if isinstance(rec, BadRecord):
                failures += 1
                click.echo(f"error: {rec.error}", err=True)
                if fmt == "jsonl":
                    click.echo(
                        json.dumps(
                            {"id": rec.id, "error": str(rec.error.message), "where": rec.where},
                            ensure_ascii=False,
                        )
                    )
                continue
            try:
                report = run(rec.text, with_options(rec.context), guidelines, detectors)
            except FirewardenError as exc:
                failures += 1
                click.echo(f"error: {rec.where}: {exc}", err=True)
                if fmt == "jsonl":
                    click.echo(
                        json.dumps(
                            {"id": rec.id, "error": exc.message, "where": rec.where},
                            ensure_ascii=False,
                        )
                    )
                continue
            worst = max(worst, report.level)
            if fmt == "jsonl":
                click.echo(json.dumps({"id": rec.id, **_line(report)}, ensure_ascii=False))
            elif fmt == "json":
                collected.append({"id": rec.id, **report.to_dict()})
            else:
                click.echo(f"── {rec.id} ──")
                click.echo(render_report(rec.text, rec.context.attachment, report, color=use_color))
    if fmt == "json":
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    return worst, failures


def _line(report: Report) -> dict[str, object]:
    d = report.to_dict()
    return {"level": d["level"], "score": d["score"], "findings": d["findings"]}


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"standard input is not valid UTF-8 (byte {exc.start})", hint="send the draft as UTF-8"
        ) from None
