"""``firewarden eval nab``: the product's alert decisions scored by NAB's method."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("nab")
@click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="NAB's data/ folder (category/file.csv).",
)
@click.option(
    "--labels",
    "labels",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="NAB's labels/combined_windows.json.",
)
@click.option(
    "--only",
    multiple=True,
    help="Score only files whose path contains this (e.g. realTweets); repeatable.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text for people, json for scripts.")  # fmt: skip
@click.option(
    "--files/--no-files", "show_files", default=True, help="List per-file scores (text format)."
)
def nab_command(
    data_dir: Path, labels: Path, only: tuple[str, ...], fmt: str, show_files: bool
) -> None:
    """Score the detector's own alerts (alert=1 points) with NAB's scoring method under the
    standard, reward_low_FP_rate and reward_low_FN_rate profiles.

    Nothing is tuned on the labels: the detector runs with its generic defaults.
    """
    from firewarden.evals.nab import PROFILES, evaluate_corpus, load_windows, product_alerts

    result = evaluate_corpus(data_dir, load_windows(labels), product_alerts(), only)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    profiles = list(PROFILES)
    short = {"standard": "standard", "reward_low_FP_rate": "low FP", "reward_low_FN_rate": "low FN"}
    head = "".join(f"{short[p]:>10}" for p in profiles)
    if show_files:
        click.echo(f"{'file':<58}{head}{'windows':>9}{'found':>7}{'FPs':>5}")
        for name in sorted(result.files["standard"]):
            std = result.files["standard"][name]
            cells = "".join(
                f"{result.files[p][name].normalised:>10.1f}" if std.windows else f"{'-':>10}"
                for p in profiles
            )
            click.echo(
                f"{name:<58}{cells}{std.windows:>9}{std.detected:>7}{std.false_positives:>5}"
            )
        click.echo("")
    click.echo(f"{'category':<58}{head}{'windows':>9}{'found':>7}{'FPs':>5}")
    for cat in [*result.categories(), None]:
        total = result.summary("standard", cat)
        cells = "".join(f"{result.summary(p, cat).score:>10.1f}" for p in profiles)
        label = cat or "ALL"
        click.echo(
            f"{label:<58}{cells}{total.windows:>9}{total.detected:>7}{total.false_positives:>5}"
        )
    click.echo(f"\n{result.points} points, {result.alerts} alerts")
