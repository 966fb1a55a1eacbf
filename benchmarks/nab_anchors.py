"""The published NAB detectors' scores on the files available here, beside the product's.

NAB's published anchors (ARTime 74.9, Numenta HTM 70.5, CAD OSE 69.9 on the standard profile)
are over the whole benchmark, part of which is held back from ``../shared/data/nab``. NAB's
repository publishes each detector's per-file raw scores (at the threshold NAB optimised
for it on the labels of the whole corpus); this script normalises them over the same file
sets as ``nab_split.py`` (the available files, the dev and check halves, the available
realTweets files), so the comparison with the product's own alerts is like for like.

Needs a checkout of NAB's results folder (it is not copied here):

    git clone --depth 1 https://github.com/numenta/NAB /some/dir/NAB
    .venv/bin/python benchmarks/nab_anchors.py --results /some/dir/NAB/results

Normalisation is the one of :mod:`firewarden.evals.nab` (null = every window missed, perfect =
1 per window); NAB's own perfect detector scores about 0.987 per window, so the published
corpus figures come out within about one point of what this prints for all their files.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path

from nab_split import DEFAULT_NAB, split

from firewarden.evals.nab import PROFILES, evaluate_corpus, load_windows, product_alerts

DETECTORS = ("ARTime", "numenta", "contextOSE", "twitterADVec")


def published(results: Path, detector: str, profile: str) -> dict[str, float] | None:
    """File -> raw score from NAB's ``<detector>_<profile>_scores.csv`` (None if absent)."""
    path = results / detector / f"{detector}_{profile}_scores.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["File"]: float(row["Score"]) for row in csv.DictReader(fh) if row.get("File")}


def normalised(raw: dict[str, float], windows: dict[str, int], profile: str) -> float:
    cost = PROFILES[profile]
    total = sum(raw[f] for f in windows)
    null = -cost.fn * sum(windows.values())
    perfect = cost.tp * sum(windows.values())
    return 100.0 * (total - null) / (perfect - null)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, required=True, help="NAB's results/ folder")
    parser.add_argument("--nab", type=Path, default=DEFAULT_NAB)
    parser.add_argument("--detectors", nargs="+", default=list(DETECTORS))
    args = parser.parse_args()
    labels = load_windows(args.nab / "labels" / "combined_windows.json")
    halves = split(list(labels))
    sets: dict[str, Callable[[str], bool]] = {
        "available": lambda n: True,
        "dev": lambda n: halves[n] == "dev",
        "check": lambda n: halves[n] == "check",
        "realTweets": lambda n: n.startswith("realTweets/"),
    }
    ours = evaluate_corpus(args.nab / "data", labels, product_alerts())
    print(f"{len(labels)} files available here, {sum(map(len, labels.values()))} windows\n")
    print("| detector | profile | " + " | ".join(sets) + " |")
    print("| --- | --- |" + " --- |" * len(sets))
    for profile in PROFILES:
        rows: list[tuple[str, dict[str, float]]] = []
        for detector in args.detectors:
            raw = published(args.results, detector, profile)
            if raw is None:
                print(f"| {detector} | {profile} | (no published scores in --results) |")
                continue
            missing = [n for n in labels if n not in raw]
            if missing:
                raise SystemExit(f"{detector} has no published score for {missing[0]}")
            rows.append((detector, raw))
        rows.append(("firewarden", {n: s.raw for n, s in ours.files[profile].items()}))
        for detector, raw in rows:
            cells = []
            for keep in sets.values():
                counts = {n: len(w) for n, w in labels.items() if keep(n)}
                cells.append(f"{normalised(raw, counts, profile):.1f}")
            print(f"| {detector} | {profile} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
