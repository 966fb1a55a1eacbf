"""NAB figures of the product's alerts on a fixed dev / check split of the available files.

Mechanisms and the few global parameters are chosen on the "dev" half only; the "check" half
is the honest figure. The split is deterministic: within each category, files are ordered by
the SHA-1 of their relative path and alternately assigned to dev and check (so every category
is in both halves).

Run: .venv/bin/python benchmarks/nab_split.py [--nab DIR] [--sets dev]
(default: ../shared/data/nab, every set; ``--sets dev`` while tuning, so the held-out half
is not looked at by accident, and scores only the dev files)
"""

from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict
from pathlib import Path

from firewarden.evals.nab import (
    PROFILES,
    NabResult,
    evaluate_corpus,
    load_windows,
    product_alerts,
    summarise,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NAB = REPO_ROOT.parent / "shared" / "data" / "nab"


def split(names: list[str]) -> dict[str, str]:
    """File name -> "dev" or "check" (stratified by category, ordered by SHA-1)."""
    by_category: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_category[name.split("/", 1)[0]].append(name)
    out: dict[str, str] = {}
    for files in by_category.values():
        files.sort(key=lambda n: hashlib.sha1(n.encode("utf-8")).hexdigest())
        for i, name in enumerate(files):
            out[name] = "dev" if i % 2 == 0 else "check"
    return out


SETS = ("dev", "check", "whole", "realTweets")


def table(
    result: NabResult, halves: dict[str, str], sets: tuple[str, ...] = SETS
) -> list[tuple[str, str, float, int, int, int]]:
    """Rows (set, profile, score, detected, windows, false positives); ``halves`` is the
    split of the whole corpus (files not in ``result`` are left out)."""
    rows = []
    for label, keep in (
        ("dev", lambda n: halves[n] == "dev"),
        ("check", lambda n: halves[n] == "check"),
        ("whole", lambda n: True),
        ("realTweets", lambda n: n.startswith("realTweets/")),
    ):
        if label not in sets:
            continue
        for profile in PROFILES:
            scores = [sc for n, sc in result.files[profile].items() if keep(n)]
            if not scores:
                continue
            s = summarise(scores)
            rows.append((label, profile, s.score, s.detected, s.windows, s.false_positives))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nab", type=Path, default=DEFAULT_NAB)
    parser.add_argument(
        "--sets", nargs="+", choices=SETS, default=list(SETS), help="which rows to print"
    )
    args = parser.parse_args()
    sets = tuple(args.sets)
    windows = load_windows(args.nab / "labels" / "combined_windows.json")
    halves = split(list(windows))
    if sets == ("dev",):
        windows = {n: w for n, w in windows.items() if halves[n] == "dev"}
    result = evaluate_corpus(args.nab / "data", windows, product_alerts())
    for half in ("dev", "check"):
        names = sorted(n for n, h in halves.items() if h == half)
        print(f"{half} ({len(names)} files): {' '.join(names)}\n")
    print("| set | profile | score | windows found | false positives |")
    print("| --- | --- | --- | --- | --- |")
    for label, profile, score, found, total, fps in table(result, halves, sets):
        print(f"| {label} | {profile} | {score:.1f} | {found} / {total} | {fps} |")


if __name__ == "__main__":
    main()
