"""``firewarden detect series`` and ``firewarden simulate firestorm|evaluate``."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import click

from firewarden.detect.simulate import SimulationConfig
from firewarden.detect.types import Decision, Direction

#: The simulator's defaults, shown by (and the defaults of) the simulate commands' options.
_SIM = SimulationConfig()


_NEGATIVE_SHARE = click.option(
    "--negative-share",
    type=click.FloatRange(0.01, 0.95),
    default=_SIM.negative_share,
    show_default=True,
    help="Share of ordinary mentions that are negative (0.75: a mostly negative watch, "
    "like an airline's). Storm mentions are at least as negative; launches keep the "
    "default's mix.",
)


@click.group("detect")
def detect_group() -> None:
    """Early warning: run the online firestorm detector over series."""


def _in_a_folder(path: Path | None) -> Path | None:
    """An output path whose folder exists (else a usage error that says so, not a traceback)."""
    if path is not None and not path.parent.is_dir():
        raise click.BadParameter(
            f"the folder {str(path.parent)!r} does not exist: create it first, or write "
            "somewhere else",
            param_hint="--out",
        )
    return path


@detect_group.command("series")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=lambda _ctx, _param, value: _in_a_folder(value),
    help="Write the result here (default: standard output).",
)
@click.option(
    "--direction",
    type=click.Choice([d.value for d in Direction]),
    default="both",
    show_default=True,
    help="Which departures count: rises, drops or both.",
)
@click.option(
    "--counts/--no-counts",
    default=None,
    help="Treat values as counts (default: decide from the data).",
)
def series_command(file: Path, out_path: Path | None, direction: str, counts: bool | None) -> None:
    """Run the detector over a `timestamp,value` CSV and write
    `timestamp,value,alert,level,score` (alert=1 where an episode starts or escalates).

    The file is streamed: the detector sees each row once, in order, never the future.
    """
    from firewarden.detect.csvio import read_series, write_decisions
    from firewarden.detect.detector import DetectorConfig, SeriesDetector

    config = replace(DetectorConfig(), direction=Direction(direction), counts=counts)
    detector = SeriesDetector(config)

    seen = 0

    def rows() -> Iterator[tuple[datetime, float, Decision]]:
        nonlocal seen
        for ts, value in read_series(file):
            seen += 1
            yield ts, value, detector.update(ts, value)

    if out_path is None:
        alerts = write_decisions(sys.stdout, rows())
    else:
        tmp = out_path.with_name(out_path.name + ".part")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as out:
                alerts = write_decisions(out, rows())
        except BaseException:
            tmp.unlink(missing_ok=True)  # no half-written output if the input turns out bad
            raise
        tmp.replace(out_path)
        click.echo(f"wrote {out_path} ({alerts} alerts)", err=True)
    if not seen:
        click.echo(
            f"note: {file} has a header but no rows: there was nothing to run the detector on",
            err=True,
        )


@click.group("simulate")
def simulate_group() -> None:
    """Simulated mention streams with firestorms, and measurements on them."""


@simulate_group.command("firestorm")
@click.option("--days", type=click.IntRange(1, 365), default=_SIM.days, show_default=True,
              help="How many days of mentions to generate.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed gives the same stream (for drills and tests).")  # fmt: skip
@click.option(
    "--rate",
    type=click.FloatRange(0.1, 100_000),
    default=_SIM.base_rate,
    show_default=True,
    help="Ordinary mentions per hour (daily mean).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=lambda _ctx, _param, value: _in_a_folder(value),
    help="Write here (default: standard output).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
    help="csv: one row per mention; jsonl: one mention per line, as `listen import` reads it.",
)  # fmt: skip
@click.option(
    "--counts",
    "bucket_minutes",
    type=click.IntRange(1, 1440),
    default=None,
    help="Write counts per bucket of this many minutes instead of mentions "
    "(columns timestamp,value,negative,reach_negative,reply_share).",
)
@click.option(
    "--kind",
    type=click.Choice(["post", "misconduct", "mixed"]),
    default=_SIM.kind,
    show_default=True,
    help="The storm's spark: the brand's post, an employee-misconduct video, or either.",
)
@_NEGATIVE_SHARE
def firestorm_command(
    days: int,
    seed: int,
    rate: float,
    out_path: Path | None,
    fmt: str,
    bucket_minutes: int | None,
    kind: str,
    negative_share: float,
) -> None:
    """Generate ordinary traffic with a firestorm (Hawkes cascade, large accounts, news
    pickup). The true onset is printed on standard error."""
    from firewarden.detect.simulate import simulate

    config = SimulationConfig(days=days, base_rate=rate, kind=kind, negative_share=negative_share)
    sim = simulate(config, seed=seed)
    out: TextIO
    with out_path.open("w", encoding="utf-8", newline="") if out_path else _stdout() as out:
        if bucket_minutes:
            _write_counts(out, sim, timedelta(minutes=bucket_minutes), fmt)
        elif fmt == "jsonl":
            for m in sim.mentions:
                out.write(json.dumps(m.to_dict(), ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(
                [
                    "timestamp",
                    "author",
                    "followers",
                    "text",
                    "lang",
                    "sentiment",
                    "reply_to_brand",
                    "storm",
                ]
            )
            for m in sim.mentions:
                d = m.to_dict()
                writer.writerow(
                    [
                        d["timestamp"],
                        d["author"],
                        d["followers"],
                        d["text"],
                        d["lang"],
                        d["sentiment"],
                        int(m.reply_to_brand),
                        int(m.storm),
                    ]
                )
    onset = f"{sim.onset.isoformat(sep=' ', timespec='seconds')} UTC" if sim.onset else "none"
    click.echo(f"true onset: {onset} ({len(sim.mentions)} mentions)", err=True)


class _stdout:
    """``sys.stdout`` as a context manager that does not close it."""

    def __enter__(self) -> TextIO:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()


def _write_counts(out: TextIO, sim: object, width: timedelta, fmt: str) -> None:
    from firewarden.detect.series import MentionSignal, bucketize
    from firewarden.detect.simulate import Simulation

    assert isinstance(sim, Simulation)
    signals = (
        MentionSignal(m.timestamp, m.sentiment == "negative", m.followers, m.reply_to_brand)
        for m in sim.mentions
    )
    writer = csv.writer(out, lineterminator="\n")
    if fmt == "csv":
        writer.writerow(["timestamp", "value", "negative", "reach_negative", "reply_share"])
    for b in bucketize(signals, width, until=sim.end):
        row = {
            "timestamp": b.start.isoformat(sep=" "),
            "value": b.volume,
            "negative": b.negative,
            "reach_negative": round(b.reach_negative, 3),
            "reply_share": round(b.reply_share, 4),
        }
        if fmt == "jsonl":
            out.write(json.dumps(row) + "\n")
        else:
            writer.writerow(row.values())


@simulate_group.command("evaluate")
@click.option("--runs", type=click.IntRange(1, 10_000), default=50, show_default=True,
              help="How many simulated streams (each with one firestorm).")  # fmt: skip
@click.option(
    "--seed-start",
    type=click.IntRange(0, None),
    default=0,
    show_default=True,
    help="First seed (runs use seeds N..N+runs-1); keep tuning and reporting seeds apart.",
)
@click.option("--days", type=click.IntRange(2, 365), default=_SIM.days, show_default=True,
              help="Days per stream; the storm breaks in the last third.")  # fmt: skip
@click.option(
    "--rate", type=click.FloatRange(0.1, 100_000), default=_SIM.base_rate, show_default=True,
    help="Ordinary mentions per hour (daily mean).",
)  # fmt: skip
@click.option(
    "--branching",
    type=click.FloatRange(0.0, 0.95),
    default=_SIM.branching,
    show_default=True,
    help="Mean further mentions each storm mention of an ordinary author triggers.",
)
@click.option(
    "--news-rate",
    type=click.FloatRange(0.0, 100_000),
    default=_SIM.news_rate,
    show_default=True,
    help="Extra mentions per hour when the news picks the story up (0: no news pickup).",
)
@click.option(
    "--simmer-rate",
    type=click.FloatRange(0.0, 100_000),
    default=_SIM.simmer_rate,
    show_default=True,
    help="Storm mentions per hour found independently before the news pickup, each "
    "starting its own cascade (0: only the spark's cascade).",
)
@click.option(
    "--scan/--no-scan",
    default=True,
    show_default=True,
    help="Include the multi-window scan for sustained small excesses.",
)
@click.option(
    "--kind",
    type=click.Choice(["post", "misconduct", "mixed"]),
    default=_SIM.kind,
    show_default=True,
    help="The storm's spark: the brand's post, an employee-misconduct video, or either "
    "per seed (the count process is the same).",
)
@click.option(
    "--content/--no-content",
    default=True,
    show_default=True,
    help="Include the content signals (emerging terms, misconduct content).",
)
@_NEGATIVE_SHARE
@click.option(
    "--negative-from",
    type=click.Choice(["label", "model"]),
    default="label",
    show_default=True,
    help="Which mentions count as negative: the simulator's label, or what the listening "
    "pipeline's sentiment and offensive-language models read in the text (slower; includes "
    "the models' mistakes).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text for people, json for scripts.")  # fmt: skip
def evaluate_command(
    runs: int,
    seed_start: int,
    days: int,
    rate: float,
    branching: float,
    news_rate: float,
    simmer_rate: float,
    scan: bool,
    kind: str,
    content: bool,
    negative_share: float,
    negative_from: str,
    fmt: str,
) -> None:
    """Median time from onset to first alert, and false alarms per week of ordinary traffic,
    over seeded simulations (seeds N..N+runs-1, N from --seed-start)."""
    from firewarden.detect.evaluate import NO_CONTENT, Content, evaluate
    from firewarden.detect.scan import WATCH_SCAN

    sim = SimulationConfig(
        days=days,
        base_rate=rate,
        branching=branching,
        news_rate=news_rate,
        simmer_rate=simmer_rate,
        kind=kind,
        negative_share=negative_share,
    )
    result = evaluate(
        runs,
        sim,
        first_seed=seed_start,
        scan=WATCH_SCAN if scan else None,
        content=Content() if content else NO_CONTENT,
        negative=negative_from,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    delay = result.median_delay
    click.echo(f"runs:                      {runs} (seeds {seed_start}..{seed_start + runs - 1})")
    click.echo(f"storms detected:           {result.detected}/{runs}")
    click.echo("median minutes to detect:  " + (f"{delay:.0f}" if delay is not None else "-"))
    click.echo(f"false alarms per week:     {result.false_alarms_per_week:.3f}")
    click.echo(
        f"coincident alerts:         {result.coincident} (after an onset, raised by the "
        "ordinary traffic alone: not counted as detections)"
    )
