"""``firewarden eval labeled``: precision, recall and macro-F1 of the toxicity flag."""

from __future__ import annotations

import json
from pathlib import Path

import click

from firewarden.errors import InputError


@click.command("labeled")
@click.option(
    "--tweeteval",
    "task_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="A TweetEval task folder (e.g. tweeteval/offensive) with "
    "<split>_text.txt and <split>_labels.txt.",
)
@click.option(
    "--split",
    default="val",
    show_default=True,
    help="Which TweetEval split to read (val, test, train).",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    help="A CSV file with a header row, a text column and a label column.",
)
@click.option("--text-column", default="text", show_default=True,
              help="The CSV column that holds the text.")  # fmt: skip
@click.option(
    "--label-column",
    default="label",
    show_default=True,
    help="Labels 0/1, or names such as offensive/not, hate/not-hate, toxic/clean.",
)
@click.option(
    "--model",
    "model_name",
    type=click.Choice(["offensive", "hate", "ja"]),
    default=None,
    help="Which model's decision to measure (default: the TweetEval task's name, else offensive).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts.",
)
def labeled_command(
    task_dir: Path | None,
    split: str,
    csv_path: Path | None,
    text_column: str,
    label_column: str,
    model_name: str | None,
    fmt: str,
) -> None:
    """Precision, recall and macro-F1 of the toxicity flag on labelled text.

    The flag is the check's own decision (the committed model and threshold), not a threshold
    fitted to these labels. Exit status 2 for unreadable or inconsistent input.
    """
    from firewarden.checks.toxicity.model import load_model
    from firewarden.evals.labeled import (
        compute_metrics,
        default_model_name,
        predict,
        read_labelled_csv,
        read_tweeteval_split,
    )

    if (task_dir is None) == (csv_path is None):
        raise click.UsageError("give --tweeteval DIR or --csv FILE (one of them)")
    if task_dir is not None:
        if split not in ("train", "val", "test"):
            raise InputError(f"unknown split {split!r}", hint="use val, test or train")
        texts, labels = read_tweeteval_split(task_dir, split)
        source = f"{task_dir} ({split})"
    else:
        assert csv_path is not None
        texts, labels = read_labelled_csv(csv_path, text_column, label_column)
        source = str(csv_path)
    name = model_name or default_model_name(task_dir)
    model = load_model(name)
    metrics = compute_metrics(labels, predict(model, texts))
    result = {"source": source, "model": name, "threshold": model.threshold, **metrics.to_dict()}
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{source}: model {name}, threshold {model.threshold:.2f}")
    click.echo(f"  {'texts':<10}{metrics.n:>8}")
    click.echo(f"  {'positive':<10}{metrics.tp + metrics.fn:>8}")
    click.echo(f"  {'flagged':<10}{metrics.tp + metrics.fp:>8}")
    click.echo(f"  {'tp/fp/fn/tn':<10}  {metrics.tp}/{metrics.fp}/{metrics.fn}/{metrics.tn}")
    click.echo(f"  {'precision':<10}{metrics.precision:>8.3f}")
    click.echo(f"  {'recall':<10}{metrics.recall:>8.3f}")
    click.echo(f"  {'F1':<10}{metrics.f1:>8.3f}")
    click.echo(f"  {'macro-F1':<10}{metrics.macro_f1:>8.3f}")
