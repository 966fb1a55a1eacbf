"""Benchmark the pre-publication check: throughput, latency, start-up time and peak memory.

Run:  .venv/bin/python benchmarks/bench_check.py [--limit N]

Reads the shared corpora beside the repository (../shared/data: TweetEval, the airline tweets,
the Japanese toxic subset) as a realistic mix of English and Japanese posts, checks them all
in one process with the default configuration, and prints the figures. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"


def corpus(limit: int) -> list[str]:
    texts: list[str] = []
    for task in ("offensive", "hate", "emotion", "irony"):
        for split in ("train", "val"):
            path = SHARED / "tweeteval" / task / f"{split}_text.txt"
            if path.exists():
                texts.extend(path.read_text(encoding="utf-8").splitlines())
    airline = SHARED / "airline-sentiment" / "tweets-dev.csv"
    if airline.exists():
        with airline.open(encoding="utf-8", newline="") as fh:
            texts.extend(row["text"] for row in csv.DictReader(fh) if row.get("text"))
    ja = SHARED / "japanese-toxic" / "subset-dev.csv"
    if ja.exists():
        with ja.open(encoding="utf-8", newline="") as fh:
            texts.extend(row["text"] for row in csv.DictReader(fh) if row.get("text"))
    texts = [t for t in texts if t.strip()]
    if not texts:
        sys.exit("no corpora found beside the repository (expected ../shared/data)")
    return texts[:limit] if limit else texts


def first_result_seconds() -> float:
    """Wall time of a fresh process that imports firewarden and checks one draft."""
    code = "import firewarden; firewarden.check('Our new spring collection is available now!')"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="check at most N posts")
    args = parser.parse_args()

    startup = min(first_result_seconds() for _ in range(3))

    import firewarden
    from firewarden.checks import resolve_guidelines
    from firewarden.checks.context import Context
    from firewarden.checks.detectors import default_detectors
    from firewarden.checks.engine import run

    texts = corpus(args.limit)
    guidelines = resolve_guidelines(None)
    detectors = default_detectors()
    ctx = Context()
    firewarden.check("warm up")

    start = time.perf_counter()
    levels: dict[str, int] = {}
    for text in texts:
        level = run(text, ctx, guidelines, detectors).level.label
        levels[level] = levels.get(level, 0) + 1
    elapsed = time.perf_counter() - start

    sample = texts[:2000]
    latencies = []
    for text in sample:
        t0 = time.perf_counter_ns()
        run(text, ctx, guidelines, detectors)
        latencies.append((time.perf_counter_ns() - t0) / 1e6)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"posts checked:           {len(texts):,}")
    print(f"throughput (1 process):  {len(texts) / elapsed:,.0f} posts/s")
    print(f"latency p50 / p99 warm:  {p50:.3f} ms / {p99:.3f} ms")
    print(f"process start to result: {startup:.2f} s")
    print(f"peak memory:             {peak_mb:,.0f} MB")
    print(f"levels:                  {dict(sorted(levels.items()))}")


if __name__ == "__main__":
    main()
