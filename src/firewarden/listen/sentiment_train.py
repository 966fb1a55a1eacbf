"""Train the English sentiment model (needs the ``train`` extra: scikit-learn, numpy).

Reproducible: ``python -m firewarden.listen.sentiment_train [--data CSV] [--out FILE]``;
by default it reads ``shared/data/airline-sentiment/tweets-dev.csv`` beside the repository
and writes ``sentiment_en.json.gz`` beside this module. A multinomial logistic regression
(balanced classes, so the airline data's many complaints do not make everything negative)
on the features of :func:`firewarden.listen.sentiment.en_features`; weights below a small
magnitude are pruned to keep the artifact and inference small. Five-fold cross-validated
figures are stored in the artifact's ``metrics``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
from pathlib import Path
from typing import Any

from firewarden.listen.sentiment import ARTIFACT, FEATURES_VERSION, LABELS, en_features
from firewarden.text.normalize import fold

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "airline-sentiment" / "tweets-dev.csv"
PRUNE = 0.02
C = 2.0


def read_rows(path: Path) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row.get("airline_sentiment", "")
            if label in LABELS:
                texts.append(fold(row["text"]).text)
                labels.append(LABELS.index(label))
    return texts, labels


def train(texts: list[str], labels: list[int]) -> dict[str, Any]:
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer  # type: ignore[import-untyped, unused-ignore]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped, unused-ignore]
    from sklearn.metrics import f1_score  # type: ignore[import-untyped, unused-ignore]
    from sklearn.model_selection import StratifiedKFold, cross_val_predict  # type: ignore[import-untyped, unused-ignore]
    from sklearn.pipeline import make_pipeline  # type: ignore[import-untyped, unused-ignore]

    def vectorizer() -> CountVectorizer:
        return CountVectorizer(analyzer=en_features, binary=False, min_df=2)

    def model() -> Any:
        return make_pipeline(
            vectorizer(),
            # The same 1/sqrt(n features) scaling as inference does.
            _SqrtScale(),
            LogisticRegression(C=C, class_weight="balanced", max_iter=2000),
        )

    y = np.array(labels)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    predicted = cross_val_predict(model(), texts, y, cv=folds)
    neg_true, neg_pred = y == 0, predicted == 0
    metrics = {
        "data": "airline-sentiment tweets-dev.csv",
        "rows": len(texts),
        "cv_accuracy": round(float((predicted == y).mean()), 4),
        "cv_macro_f1": round(float(f1_score(y, predicted, average="macro")), 4),
        "cv_negative_precision": round(float((neg_true & neg_pred).sum() / neg_pred.sum()), 4),
        "cv_negative_recall": round(float((neg_true & neg_pred).sum() / neg_true.sum()), 4),
    }
    final = model().fit(texts, y)
    vocab = final.steps[0][1].vocabulary_
    coef = final.steps[-1][1].coef_
    weights = {}
    for feat, j in vocab.items():
        w = [float(coef[k][j]) for k in range(3)]
        if max(abs(v) for v in w) >= PRUNE:
            weights[feat] = [round(v, 4) for v in w]
    return {
        "features_version": FEATURES_VERSION,
        "labels": list(LABELS),
        "bias": [round(float(b), 4) for b in final.steps[-1][1].intercept_],
        "weights": dict(sorted(weights.items())),
        "metrics": metrics,
    }


class _SqrtScale:
    """Divide each row by sqrt(number of features), as :class:`SentimentModel` does."""

    def fit(self, x: Any, y: Any = None) -> _SqrtScale:
        return self

    def transform(self, x: Any) -> Any:
        import numpy as np
        from scipy.sparse import diags  # type: ignore[import-untyped, unused-ignore]

        n = np.asarray(x.sum(axis=1)).ravel()
        return diags(1.0 / np.sqrt(np.maximum(n, 1.0))) @ x

    def fit_transform(self, x: Any, y: Any = None) -> Any:
        return self.transform(x)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {}

    def set_params(self, **params: Any) -> _SqrtScale:
        return self


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=ARTIFACT)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        raise SystemExit(f"no training data at {args.data}; pass --data PATH")
    texts, labels = read_rows(args.data)
    data = train(texts, labels)
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:
        fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    print(f"wrote {args.out} ({len(data['weights'])} features): {data['metrics']}")


if __name__ == "__main__":
    main()
