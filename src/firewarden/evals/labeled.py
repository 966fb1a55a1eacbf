"""``eval labeled``'s core: how well the product's own toxicity decision matches labelled text.

The decision is exactly the check's (the model's committed threshold), never a threshold fitted
to the labels being measured. Reading files lives here too, with errors that name the file and
line; the click command in :mod:`firewarden.evals.cli` only parses options and prints.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from firewarden.checks.toxicity.data import Labelled, read_tweeteval
from firewarden.checks.toxicity.model import MODEL_NAMES, EnglishText, LinearModel
from firewarden.errors import InputError
from firewarden.text.normalize import fold

_POSITIVE = frozenset(
    ("1", "true", "yes", "y", "offensive", "off", "hate", "hateful", "toxic", "abusive",
     "positive", "flag", "flagged")
)  # fmt: skip
_NEGATIVE = frozenset(
    ("0", "false", "no", "n", "not", "not-offensive", "notoffensive", "non-offensive",
     "not_offensive", "not-hate", "nothate", "non-hate", "not_hate", "not-toxic", "non-toxic",
     "nontoxic", "not_toxic", "none", "neither", "clean", "negative", "ok", "pass")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Metrics:
    """Confusion counts and the figures derived from them (positive class = flagged)."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _f1(self.tp, self.fp, self.fn)

    @property
    def macro_f1(self) -> float:
        """The mean of the F1 of the positive class and of the negative class."""
        return (self.f1 + _f1(self.tn, self.fn, self.fp)) / 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "positives": self.tp + self.fn,
            "flagged": self.tp + self.fp,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "macro_f1": round(self.macro_f1, 4),
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(tp: int, fp: int, fn: int) -> float:
    return _ratio(2 * tp, 2 * tp + fp + fn)


def compute_metrics(gold: Sequence[int], predicted: Sequence[int]) -> Metrics:
    """Confusion counts of ``predicted`` against ``gold`` (both 0/1, same length)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted labels differ in length")
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    return Metrics(tp=tp, fp=fp, fn=fn, tn=len(gold) - tp - fp - fn)


def probabilities(model: LinearModel, texts: Sequence[str]) -> list[float]:
    """The model's probability for each text, computed as the check computes it."""
    out: list[float] = []
    for text in texts:
        folded = fold(text)
        english = EnglishText(folded) if model.language == "en" else None
        out.append(model.probability(folded, english))
    return out


def predict(model: LinearModel, texts: Sequence[str]) -> list[int]:
    """The product's decision (flag or not) for each text."""
    return [int(model.flags(p)) for p in probabilities(model, texts)]


def parse_label(value: str) -> int | None:
    """1 for a positive label, 0 for a negative one, None when it is neither."""
    v = value.strip().lower().replace(" ", "-")
    if v in _POSITIVE:
        return 1
    if v in _NEGATIVE:
        return 0
    return None


def read_labelled_csv(path: Path, text_column: str, label_column: str) -> Labelled:
    """Texts and 0/1 labels from a CSV file with a header row."""
    texts: list[str] = []
    labels: list[int] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = reader.fieldnames or []
            for col in (text_column, label_column):
                if col not in columns:
                    raise InputError(
                        f"no column named {col!r} (columns: {', '.join(columns) or 'none'})",
                        where=str(path),
                        hint="name the columns with --text-column and --label-column",
                    )
            for row in reader:
                value = row[label_column] or ""
                label = parse_label(value)
                if label is None:
                    raise InputError(
                        f"label {value!r} is neither positive nor negative",
                        where=f"{path}:{reader.line_num}",
                        hint="use 0/1, or names such as offensive/not, hate/not-hate, toxic/clean",
                    )
                texts.append(row[text_column] or "")
                labels.append(label)
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", where=str(path)) from None
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file ({exc})", where=str(path)) from None
    if not texts:
        raise InputError("no labelled rows", where=str(path))
    return texts, labels


def read_tweeteval_split(task_dir: Path, split: str) -> Labelled:
    """A TweetEval task folder's split, with errors a user can act on."""
    if not task_dir.is_dir():
        raise InputError(
            "not a folder",
            where=str(task_dir),
            hint="point --tweeteval at a task folder such as tweeteval/offensive",
        )
    texts, labels = read_tweeteval(task_dir, split)
    if not texts:
        raise InputError(f"no lines in {split}_text.txt", where=str(task_dir))
    return texts, labels


def default_model_name(task_dir: Path | None) -> str:
    """The model a TweetEval task folder is measured with (its folder name when it is one)."""
    if task_dir is not None and task_dir.name in MODEL_NAMES:
        return task_dir.name
    return "offensive"
