"""Benchmark the context-aware detectors (timing, hashtags, voice) and show how often they fire.

Run:  .venv/bin/python benchmarks/bench_context_detectors.py [--limit N]

Reads the shared corpora beside the repository (../shared/data) as everyday posts, analyses each
once, then times each detector alone (µs per post) in two settings: no context (an ordinary
day) and a busy context (a disaster event, an anniversary date, five past posts). Also prints
how many posts got a finding of medium or above from each detector: in the busy setting many
everyday posts are promotions, so timing fires; on an ordinary day it must not. Nothing is
asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import corpus

from firewarden.checks.context import Context
from firewarden.checks.detectors.hashtags import HashtagDetector
from firewarden.checks.detectors.timing import TimingDetector
from firewarden.checks.detectors.voice import VoiceDetector
from firewarden.checks.engine import analyse
from firewarden.guidelines.model import Guidelines
from firewarden.world.calendar import builtin_dates
from firewarden.world.hashtag_notes import builtin_hashtag_notes

PAST = (
    "Our spring menu is here! Come try the new matcha latte today.",
    "We're open 8am-10pm all week. See you soon!",
    "Thank you for 10 years of coffee with us. Here's to the next ten!",
    "Rainy day? Our hot chocolate is waiting for you.",
    "New mugs just landed in all our stores.",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=20000)
    args = parser.parse_args()
    texts = corpus(args.limit)
    g = Guidelines(sensitive_dates=builtin_dates(), hashtag_notes=builtin_hashtag_notes())
    settings = {
        "ordinary day": Context(at=dt.datetime(2025, 7, 2, 10)),
        "busy context": Context(
            at=dt.datetime(2025, 3, 11, 10),
            events=("Hurricane Milton making landfall in Florida",),
            past_posts=PAST,
        ),
    }
    detectors = [TimingDetector(), HashtagDetector(), VoiceDetector()]
    print(f"{len(texts):,} posts")
    for label, ctx in settings.items():
        drafts = [analyse(t, ctx, g) for t in texts]
        for det in detectors:
            fired: Counter[str] = Counter()
            start = time.perf_counter()
            for d in drafts:
                for f in det.findings(d, g):
                    fired[f.severity.label] += 1
            took = time.perf_counter() - start
            us = took / len(drafts) * 1e6
            counts = ", ".join(f"{k} {v}" for k, v in sorted(fired.items()))
            print(f"{label:13} {det.name:9} {us:6.1f} µs/post   findings: {counts or 'none'}")


if __name__ == "__main__":
    main()
