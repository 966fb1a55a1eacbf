"""Readers for the labelled data sets the toxicity models are trained and measured on.

Only training and evaluation read these; the check itself never does. Each reader returns
plain ``(texts, labels)`` lists and raises :class:`~firewarden.errors.InputError` naming the
file and line when the data is not what it should be.
"""

from __future__ import annotations

import csv
from pathlib import Path

from firewarden.errors import InputError

Labelled = tuple[list[str], list[int]]


def read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file, without their line endings."""
    try:
        with path.open(encoding="utf-8") as fh:
            return fh.read().splitlines()
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", where=str(path)) from None


def read_tweeteval(task_dir: Path, split: str) -> Labelled:
    """TweetEval's ``{split}_text.txt`` and ``{split}_labels.txt`` (one label per line)."""
    text_path = task_dir / f"{split}_text.txt"
    label_path = task_dir / f"{split}_labels.txt"
    texts = read_lines(text_path)
    raw = read_lines(label_path)
    if len(texts) != len(raw):
        raise InputError(
            f"{len(texts)} texts but {len(raw)} labels in {label_path.name}",
            where=str(text_path),
            hint="the two files must have one line per tweet, in the same order",
        )
    labels: list[int] = []
    for lineno, value in enumerate(raw, 1):
        v = value.strip()
        if v not in ("0", "1"):
            raise InputError(
                f"label {value!r} is not 0 or 1",
                where=f"{label_path}:{lineno}",
                hint="TweetEval binary tasks label each line 0 or 1",
            )
        labels.append(int(v))
    return texts, labels


def read_davidson(path: Path) -> tuple[list[str], list[int], list[int]]:
    """Davidson et al. (2017): texts, offensive-or-hateful labels, and hateful labels."""
    texts: list[str] = []
    offensive: list[int] = []
    hate: list[int] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cls = int(row["class"])  # 0 hate speech, 1 offensive, 2 neither
            texts.append(
                row["tweet"].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            )
            offensive.append(int(cls in (0, 1)))
            hate.append(int(cls == 0))
    return texts, offensive, hate


def read_japanese_toxic(path: Path) -> Labelled:
    """The Japanese toxic data set: toxic when more annotators said toxic or very toxic than
    said not toxic ("hard to say" votes count for neither)."""
    texts: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            toxic = int(row["Toxic"]) + int(row["Very Toxic"])
            texts.append(row["text"])
            labels.append(int(toxic > int(row["Not Toxic"])))
    return texts, labels
