"""Train the toxicity models and write their artifacts (needs the ``train`` extra).

    python -m firewarden.checks.toxicity.train \
        --data ../shared/data --out src/firewarden/checks/toxicity/

English ``offensive`` and ``hate`` learn from TweetEval's train splits only; Japanese ``ja``
from the Japanese toxic comments. Hyperparameters (the regularisation ``C``) and the decision
threshold are chosen by stratified cross-validation on the training data; the validation split
is read once, after the artifact is written, through the same pure-Python code the check uses.
Everything is seeded, so the same data gives the same artifact.

The learner is NB-LR: each feature is scaled by its naive-Bayes log-count ratio, then a
class-balanced logistic regression is fitted; the ratio is folded into the stored weights, so
inference is a plain sparse dot product.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
)

from firewarden.checks.toxicity.data import read_japanese_toxic, read_tweeteval
from firewarden.checks.toxicity.features import FEATURES_VERSION, en_feature_counts, ja_char_ngrams
from firewarden.checks.toxicity.lexicon import lexicon_count
from firewarden.checks.toxicity.model import load_model_file
from firewarden.evals.labeled import compute_metrics, predict
from firewarden.text.normalize import fold

SEED = 0
#: (word n-grams, character n-grams, lexicon count) of one text.
Row = tuple[list[str], list[str], float]
LEX = "x:lex"
#: CV macro-F1 differences smaller than this are noise (about one standard error here).
TOLERANCE = 0.005


def en_rows(texts: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    for t in texts:
        words, chars = en_feature_counts(fold(t))
        rows.append((words, chars, 0.0))
    return rows


def ja_rows(texts: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    for t in texts:
        folded = fold(t)
        rows.append(([], [g for g, _, _ in ja_char_ngrams(folded.text)], lexicon_count(folded)))
    return rows


def build_vocab(rows: Sequence[Row], min_df: int) -> dict[str, int]:
    df: Counter[str] = Counter()
    for words, chars, _ in rows:
        df.update({"w:" + w for w in words})
        df.update({"c:" + c for c in chars})
    keys = sorted(k for k, v in df.items() if v >= min_df)
    keys.append(LEX)
    return {k: i for i, k in enumerate(keys)}


def matrix(rows: Sequence[Row], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Each block length-normalised by its number of n-grams, as the model scores."""
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for words, chars, lex in rows:
        for prefix, block in (("w:", words), ("c:", chars)):
            if block:
                scale = 1.0 / math.sqrt(len(block))
                for g in block:
                    j = vocab.get(prefix + g)
                    if j is not None:
                        cols.append(j)
                        data.append(scale)
        if lex:
            cols.append(vocab[LEX])
            data.append(lex)
        indptr.append(len(cols))
    x = sparse.csr_matrix((data, cols, indptr), shape=(len(rows), len(vocab)))
    x.sum_duplicates()
    return x


def nb_ratio(x: sparse.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    b = (x > 0).astype(np.float64)
    p = alpha + np.asarray(b[y == 1].sum(0)).ravel()
    q = alpha + np.asarray(b[y == 0].sum(0)).ravel()
    ratio: np.ndarray = np.log((p / p.sum()) / (q / q.sum()))
    return ratio


def fit(rows: Sequence[Row], y: np.ndarray, c: float, keep: int, min_df: int) -> dict[str, Any]:
    """Fit NB-LR and keep the ``keep`` features with the largest weights."""
    vocab = build_vocab(rows, min_df)
    x = matrix(rows, vocab)
    r = nb_ratio(x, y)
    clf = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=SEED
    )
    clf.fit(x.multiply(r).tocsr(), y)
    w = clf.coef_.ravel() * r
    names = list(vocab)
    order = np.argsort(-np.abs(w), kind="stable")[:keep]
    weights = {names[i]: float(w[i]) for i in order if w[i] != 0.0}
    weights[LEX] = float(w[vocab[LEX]])
    return {"bias": float(clf.intercept_[0]), "weights": weights}


def score(model: dict[str, Any], rows: Sequence[Row]) -> np.ndarray:
    """Probabilities, by the same formula as the pure-Python model."""
    w = model["weights"]
    out = np.empty(len(rows))
    for i, (words, chars, lex) in enumerate(rows):
        z = model["bias"] + w.get(LEX, 0.0) * lex
        if words:
            z += sum(w.get("w:" + g, 0.0) for g in words) / math.sqrt(len(words))
        if chars:
            z += sum(w.get("c:" + g, 0.0) for g in chars) / math.sqrt(len(chars))
        out[i] = z
    return 1.0 / (1.0 + np.exp(-out))


def macro_f1(y: np.ndarray, flagged: np.ndarray) -> float:
    m = compute_metrics(y.tolist(), flagged.astype(int).tolist())
    return m.macro_f1


def out_of_fold(
    rows: Sequence[Row], y: np.ndarray, c: float, keep: int, min_df: int, repeats: int
) -> np.ndarray:
    """Out-of-fold probabilities (averaged over repeats) from stratified 5-fold CV."""
    splitter: RepeatedStratifiedKFold | StratifiedKFold
    if repeats > 1:
        splitter = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=SEED)
    else:
        splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    total = np.zeros(len(y))
    for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
        model = fit([rows[i] for i in train_idx], y[train_idx], c, keep, min_df)
        total[test_idx] += score(model, [rows[i] for i in test_idx])
    return total / repeats


def best_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The threshold (on a 0.01 grid) with the best macro-F1, and that F1."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    scores = [macro_f1(y, p >= t) for t in grid]
    i = int(np.argmax(scores))
    return float(grid[i]), float(scores[i])


def confident_threshold(p: np.ndarray, y: np.ndarray, floor: float, precision: float) -> float:
    """The lowest probability above which the flagged texts are at least ``precision`` right."""
    for t in np.round(np.arange(floor, 0.99, 0.01), 2):
        flagged = p >= t
        if flagged.sum() >= 5 and y[flagged].mean() >= precision:
            return float(t)
    return 0.99


def train_one(
    name: str,
    language: str,
    rows: list[Row],
    labels: Sequence[int],
    *,
    grid: Sequence[float],
    keep: int,
    min_df: int,
    repeats: int,
    note: str,
) -> dict[str, Any]:
    """Select C by CV, pick the thresholds from the out-of-fold probabilities, fit on all."""
    y = np.asarray(labels)
    runs: list[tuple[float, float, float, np.ndarray]] = []
    for c in sorted(grid):
        t0 = time.time()
        oof = out_of_fold(rows, y, c, keep, min_df, repeats)
        thr, f1 = best_threshold(oof, y)
        print(
            f"  {name}: C={c:g} cv macro-F1 {f1:.4f} at threshold {thr:.2f} "
            f"({time.time() - t0:.0f}s)",
            flush=True,
        )
        runs.append((c, f1, thr, oof))
    # When CV cannot tell settings apart, prefer the more regularised one: rare words then
    # weigh less, which matters on brand posts, far from the training tweets.
    top = max(r[1] for r in runs)
    c, f1, thr, oof = next(r for r in runs if r[1] >= top - TOLERANCE)
    cv = compute_metrics(y.tolist(), (oof >= thr).astype(int).tolist())
    model = fit(rows, y, c, keep, min_df)
    w = model["weights"]
    return {
        "name": name,
        "language": language,
        "features_version": FEATURES_VERSION,
        "bias": round(model["bias"], 6),
        "threshold": thr,
        "high": confident_threshold(oof, y, floor=thr + 0.1, precision=0.9),
        "lexicon_weight": round(w.get(LEX, 0.0), 6),
        "word": {k[2:]: _round(v) for k, v in sorted(w.items()) if k.startswith("w:")},
        "char": {k[2:]: _round(v) for k, v in sorted(w.items()) if k.startswith("c:")},
        "metrics": {"C": c, "cv": cv.to_dict(), "train_size": len(y), "data": note},
    }


def _round(v: float) -> float:
    return float(f"{v:.4g}")


def write(artifact: dict[str, Any], out: Path) -> Path:
    path = out / f"{artifact['name']}.json.gz"
    raw = json.dumps(artifact, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0 keeps the file byte-identical between runs on the same data.
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw.encode("utf-8"))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="the shared data folder")
    ap.add_argument("--out", type=Path, required=True, help="where to write the artifacts")
    ap.add_argument("--only", choices=["offensive", "hate", "ja"], action="append")
    args = ap.parse_args(argv)
    only = set(args.only or ["offensive", "hate", "ja"])
    for task in ("offensive", "hate"):
        if task not in only:
            continue
        texts, labels = read_tweeteval(args.data / "tweeteval" / task, "train")
        print(f"{task}: {len(texts)} training tweets", flush=True)
        artifact = train_one(
            task,
            "en",
            en_rows(texts),
            labels,
            grid=(0.25, 0.5, 1.0, 2.0),
            keep=40_000,
            min_df=2,
            repeats=1,
            note=f"TweetEval {task} train split",
        )
        report(artifact, write(artifact, args.out), args.data / "tweeteval" / task)
    if "ja" in only:
        texts, labels = read_japanese_toxic(args.data / "japanese-toxic" / "subset-dev.csv")
        print(f"ja: {len(texts)} comments, {sum(labels)} toxic", flush=True)
        artifact = train_one(
            "ja",
            "ja",
            ja_rows(texts),
            labels,
            grid=(0.1, 0.5, 1.0),
            keep=20_000,
            min_df=1,
            repeats=5,
            note="japanese-toxic subset-dev (5x repeated 5-fold CV)",
        )
        report(artifact, write(artifact, args.out), None)
        ablate_lexicon(texts, labels)
    return 0


def ablate_lexicon(texts: Sequence[str], labels: Sequence[int]) -> None:
    """What the lexicon alone, and the model without it, reach on the same data."""
    y = np.asarray(labels)
    lex = np.array([lexicon_count(fold(t)) > 0 for t in texts])
    m = compute_metrics(labels, lex.astype(int).tolist())
    print(f"  lexicon alone: P {m.precision:.3f} R {m.recall:.3f} macro-F1 {m.macro_f1:.4f}")
    rows = [(w, c, 0.0) for w, c, _ in ja_rows(texts)]
    thr, f1 = best_threshold(out_of_fold(rows, y, 1.0, 20_000, 1, 5), y)
    print(f"  model without the lexicon: cv macro-F1 {f1:.4f} at threshold {thr:.2f}")


def report(artifact: dict[str, Any], path: Path, task_dir: Path | None) -> None:
    cv = artifact["metrics"]["cv"]
    print(
        f"  wrote {path} ({path.stat().st_size / 1024:.0f} KiB, "
        f"{len(artifact['word']) + len(artifact['char'])} features); "
        f"threshold {artifact['threshold']:.2f}, high {artifact['high']:.2f}"
    )
    print(
        f"  cross-validated: P {cv['precision']:.3f} R {cv['recall']:.3f} "
        f"macro-F1 {cv['macro_f1']:.4f}"
    )
    if task_dir is not None and (task_dir / "val_text.txt").exists():
        texts, labels = read_tweeteval(task_dir, "val")
        m = compute_metrics(labels, predict(load_model_file(path), texts))
        print(
            f"  val (held out, read once): P {m.precision:.3f} R {m.recall:.3f} "
            f"macro-F1 {m.macro_f1:.4f}"
        )


if __name__ == "__main__":
    sys.exit(main())
