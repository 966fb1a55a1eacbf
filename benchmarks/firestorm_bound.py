"""How early could *any* count-based detector see the simulated firestorms? An oracle bound.

The oracle knows what no real detector knows: the simulator's true ordinary rate at every
minute (daily and weekly rhythm, base rate, the shares of negative mentions and replies).
It scans four counts per 5-minute bucket (negative, replies to the brand, negative replies,
negative or reply) over windows of 1 to 64 buckets with exact Poisson tails (Bonferroni for
the 28 tests), and alerts when the corrected surprise reaches a threshold (at most once per
12 hours in ordinary traffic, after the first day). For each threshold it prints false
alarms per week of ordinary traffic, storms detected and the median minutes from the spark
post to the first alert: no detector working on these counts can be much earlier at the
same false-alarm rate.

Run: .venv/bin/python benchmarks/firestorm_bound.py [--runs 100 --seed-start 0]
     [--rate 20 --branching 0.7 --news-rate 300 --simmer-rate 0]
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
from datetime import timedelta

from firewarden.detect.simulate import SimulationConfig, rhythm, simulate
from firewarden.detect.stats import poisson_upper_surprise

WIDTH = timedelta(minutes=5)
WINDOWS = (1, 2, 4, 8, 16, 32, 64)
NEGATIVE, REPLY = 0.12, 0.08  # the simulator's ordinary shares
SHARES = {
    "negative": NEGATIVE,
    "replies": REPLY,
    "negative replies": NEGATIVE * REPLY,
    "negative or reply": 1 - (1 - NEGATIVE) * (1 - REPLY),
}


EARLY_HOURS = (1, 2, 4)


def best_scores(sim: SimulationConfig, seed: int) -> tuple[list[float], int, list[int]]:
    """Per bucket, the best corrected surprise over counts and windows; the onset bucket;
    the number of storm mentions in the first 1, 2 and 4 hours after the spark."""
    s = simulate(sim, seed)
    assert s.onset is not None
    early = [
        sum(1 for m in s.mentions if m.storm and m.timestamp < s.onset + timedelta(hours=h))
        for h in EARLY_HOURS
    ]
    n = int((s.end - s.start) / WIDTH)
    counts = {k: [0] * n for k in SHARES}
    for m in s.mentions:
        i = int((m.timestamp - s.start) / WIDTH)
        neg, rep = m.sentiment == "negative", m.reply_to_brand
        counts["negative"][i] += neg
        counts["replies"][i] += rep
        counts["negative replies"][i] += neg and rep
        counts["negative or reply"][i] += neg or rep
    rate = [sim.base_rate * rhythm(s.start + i * WIDTH + WIDTH / 2) / 12 for i in range(n)]
    correction = math.log10(len(SHARES) * len(WINDOWS))
    best = [0.0] * n
    for name, share in SHARES.items():
        cum_k = [0, *itertools.accumulate(counts[name])]
        cum_e = [0.0, *itertools.accumulate(r * share for r in rate)]
        for t in range(n):
            for w in WINDOWS:
                if t + 1 < w:
                    break
                k = cum_k[t + 1] - cum_k[t + 1 - w]
                e = cum_e[t + 1] - cum_e[t + 1 - w]
                if k > e:
                    best[t] = max(best[t], poisson_upper_surprise(k, e) - correction)
    onset = int((s.onset - s.start) / WIDTH)
    return best, onset, early


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed-start", type=int, default=0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--branching", type=float, default=0.7)
    parser.add_argument("--news-rate", type=float, default=300.0)
    parser.add_argument("--simmer-rate", type=float, default=0.0)
    parser.add_argument("--thresholds", default="2,2.5,3,3.5,4")
    args = parser.parse_args()
    sim = SimulationConfig(
        base_rate=args.rate,
        branching=args.branching,
        news_rate=args.news_rate,
        simmer_rate=args.simmer_rate,
    )
    runs = [best_scores(sim, args.seed_start + i) for i in range(args.runs)]
    day = 288
    print(f"seeds {args.seed_start}..{args.seed_start + args.runs - 1}")
    for j, hours in enumerate(EARLY_HOURS):
        counts = sorted(r[2][j] for r in runs)
        p90 = counts[min(len(counts) - 1, int(0.9 * len(counts)))]
        print(
            f"storm mentions in the first {hours} h: median {statistics.median(counts):g},"
            f" 90th percentile {p90}"
        )
    print("oracle bound:")
    print("threshold  false alarms/week  detected  median minutes to detect")
    for threshold in (float(x) for x in args.thresholds.split(",")):
        alarms, days, delays = 0, 0.0, []
        for best, onset, _ in runs:
            last = -(10**9)
            for i in range(day, onset):
                if best[i] >= threshold and i - last > day // 2:
                    alarms += 1
                    last = i
            days += (onset - day) / day
            hit = next((i for i in range(onset, len(best)) if best[i] >= threshold), None)
            if hit is not None:
                delays.append((hit - onset + 1) * 5.0)
        median = f"{statistics.median(delays):.0f}" if delays else "-"
        print(
            f"{threshold:9.1f}  {7 * alarms / days:17.2f}  {len(delays):4d}/{len(runs):<4d}"
            f"  {median:>8}"
        )


if __name__ == "__main__":
    main()
