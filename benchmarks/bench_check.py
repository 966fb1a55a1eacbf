"""Benchmark the pre-publication check: throughput, latency, start-up time and peak memory.

Run:  .venv/bin/python benchmarks/bench_check.py [--limit N] [--stages] [--profile N]

Reads the shared corpora beside the repository (../shared/data: TweetEval, the airline tweets,
the Japanese toxic subset) as a realistic mix of English and Japanese posts, checks them all
in one process with the default configuration, and prints the figures. Nothing is asserted.

Every figure is given twice: wall-clock time, and CPU time of this process (or, for start-up,
of the child process). On a shared, busy machine wall time also counts the time the process
waits for a core; CPU time does not, so it is the figure to compare between runs.

``--stages`` adds the CPU cost per post of each stage of the analysis (fold, language,
tokenise, intents, moments) and of each detector; ``--profile N`` prints the N costliest
functions (cProfile, cumulative). ``fingerprint`` is a hash of every report: equal
fingerprints before and after an optimisation show the check's output did not change.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
FIRST_CHECK = "import firewarden; firewarden.check('Our new spring collection is available now!')"


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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def first_result_seconds() -> tuple[float, float]:
    """Wall and CPU time of a fresh process that imports firewarden and checks one draft."""
    cpu0 = _children_cpu()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FIRST_CHECK], check=True)
    return time.perf_counter() - start, _children_cpu() - cpu0


def _percentile(sorted_ms: Sequence[float], q: float) -> float:
    return sorted_ms[max(0, int(len(sorted_ms) * q) - 1)]


def _report_key(report: Any) -> str:
    findings = ";".join(
        f"{f.rule_id}|{f.severity}|{f.field}|{f.start}|{f.end}|{f.message}|{f.evidence}"
        for f in (*report.findings, *report.suppressed)
    )
    return f"{report.level.label}|{report.score:.6f}|{report.language}|{findings}\n"


def stages(texts: Sequence[str]) -> None:
    """CPU µs per post of each analysis stage and each detector."""
    from firewarden.checks import resolve_guidelines
    from firewarden.checks.context import Context
    from firewarden.checks.detectors import default_detectors
    from firewarden.checks.engine import analyse
    from firewarden.checks.intent import detect_intents
    from firewarden.text.language import detect_language
    from firewarden.text.normalize import fold
    from firewarden.text.tokens import tokenize

    guidelines = resolve_guidelines(None)
    ctx = Context()
    clock = time.process_time_ns
    n = len(texts)

    def cost(label: str, fn: Callable[[Any], object], items: Sequence[Any]) -> None:
        start = clock()
        for item in items:
            fn(item)
        print(f"  {label:<22} {(clock() - start) / 1e3 / n:8.1f} µs/post (CPU)")

    folded = [fold(t).text for t in texts]
    print("analysis stages:")
    cost("fold", fold, texts)
    cost("detect_language", detect_language, texts)
    cost("tokenize", tokenize, folded)
    cost("detect_intents", detect_intents, folded)
    cost("analyse (all)", lambda t: analyse(t, ctx, guidelines), texts)
    drafts = [analyse(t, ctx, guidelines) for t in texts]
    print("detectors:")
    for detector in default_detectors():

        def findings(draft: Any, det: Any = detector) -> object:
            return list(det.findings(draft, guidelines))

        cost(detector.name, findings, drafts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="check at most N posts")
    parser.add_argument("--stages", action="store_true", help="cost of each stage and detector")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="top N of cProfile")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up figure")
    args = parser.parse_args()

    startups = [] if args.no_startup else [first_result_seconds() for _ in range(3)]

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

    digest = hashlib.sha256()
    levels: dict[str, int] = {}
    cpu0, start = time.process_time(), time.perf_counter()
    for text in texts:
        report = run(text, ctx, guidelines, detectors)
        levels[report.level.label] = levels.get(report.level.label, 0) + 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    # Again, now that every rule the corpus reaches is compiled and words are cached.
    cpu0, start = time.process_time(), time.perf_counter()
    for text in texts:
        run(text, ctx, guidelines, detectors)
    warm_elapsed, warm_cpu = time.perf_counter() - start, time.process_time() - cpu0
    for text in texts:  # outside the timed loops: hashing is not part of the check
        digest.update(_report_key(run(text, ctx, guidelines, detectors)).encode())

    sample = texts[:2000]
    wall_ms, cpu_ms = [], []
    for text in sample:
        c0, t0 = time.process_time_ns(), time.perf_counter_ns()
        run(text, ctx, guidelines, detectors)
        wall_ms.append((time.perf_counter_ns() - t0) / 1e6)
        cpu_ms.append((time.process_time_ns() - c0) / 1e6)
    wall_ms.sort()
    cpu_ms.sort()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"posts checked:           {len(texts):,}")
    print(
        f"throughput (1 process):  {len(texts) / elapsed:,.0f} posts/s wall, "
        f"{len(texts) / cpu:,.0f} posts/s CPU (first pass)"
    )
    print(
        f"throughput, second pass: {len(texts) / warm_elapsed:,.0f} posts/s wall, "
        f"{len(texts) / warm_cpu:,.0f} posts/s CPU (rules compiled, words cached)"
    )
    print(
        f"latency p50 / p99 warm:  {statistics.median(wall_ms):.3f} / "
        f"{_percentile(wall_ms, 0.99):.3f} ms wall, {statistics.median(cpu_ms):.3f} / "
        f"{_percentile(cpu_ms, 0.99):.3f} ms CPU (max {cpu_ms[-1]:.3f} ms CPU)"
    )
    if startups:
        print(
            f"process start to result: {min(w for w, _ in startups):.2f} s wall, "
            f"{min(c for _, c in startups):.2f} s CPU (best of 3)"
        )
    print(f"peak memory:             {peak_mb:,.0f} MB")
    print(f"levels:                  {dict(sorted(levels.items()))}")
    print(f"fingerprint:             {digest.hexdigest()[:16]}")

    if args.stages:
        stages(texts)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for text in texts:
            run(text, ctx, guidelines, detectors)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
