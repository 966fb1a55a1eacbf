"""Benchmark the guideline rules detector alone: time per post, candidates per post.

Run:  .venv/bin/python benchmarks/bench_rules.py [--limit N] [--guidelines PACK ...]

Uses the same corpus as bench_check.py (the shared data beside the repository). Drafts are
analysed (folded, tokenised) beforehand, so the figures are the detector's own cost: the
prefilter, the conditions and the compiled patterns of the candidate rules. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import corpus

from firewarden.checks.context import Context
from firewarden.checks.detectors.rules import RulesDetector, index_for
from firewarden.checks.engine import analyse
from firewarden.guidelines.loader import load_guidelines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=20000)
    parser.add_argument("--guidelines", nargs="*", default=[], type=Path)
    args = parser.parse_args()
    texts = corpus(args.limit)
    if not texts:
        sys.exit("no corpus found: put the shared data beside the repository")
    guidelines = load_guidelines(args.guidelines)
    detector = RulesDetector()
    drafts = [analyse(t, Context(), guidelines) for t in texts]
    index = index_for(guidelines.rules)
    for d in drafts[:200]:  # warm up
        list(detector.findings(d, guidelines))
    times = []
    findings = candidates = 0
    for d in drafts:
        start = time.perf_counter()
        findings += len(list(detector.findings(d, guidelines)))
        times.append(time.perf_counter() - start)
        candidates += sum(len(index.candidates(f.text)) for f in d.fields)
    times.sort()
    n = len(times)
    print(f"rules: {len(guidelines.rules)} ({len(index.always)} without a prefilter key)")
    print(f"posts: {n}, mean length {statistics.mean(len(t) for t in texts):.0f} chars")
    print(f"candidate rules per post: {candidates / n:.1f}")
    print(f"findings: {findings} ({findings / n:.3f} per post)")
    print(
        f"mean {statistics.mean(times) * 1e6:.1f} µs, median {times[n // 2] * 1e6:.1f} µs, "
        f"p99 {times[int(n * 0.99)] * 1e6:.1f} µs, max {times[-1] * 1e6:.0f} µs per post"
    )
    print(f"throughput: {n / sum(times):,.0f} posts/s (detector only, one core)")


if __name__ == "__main__":
    main()
