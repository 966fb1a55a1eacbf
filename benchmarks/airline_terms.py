"""False alarms of the content signals on real text: airline tweets replayed per airline.

The airline sentiment tweets (columns tweet_id, airline_sentiment, negativereason, airline,
text, tweet_created) are about a week of mentions of six airlines. Each airline's tweets are
replayed, in time order, as one watch's mention stream (5-minute buckets) through the
emerging-term detector (``firewarden.detect.terms``); the negative flag is the sentiment
label. The file has no author column, so every tweet counts as its own author (this makes
the distinct-author requirement weaker than on a real stream), and no media, so the
misconduct signal has nothing to read here. Prints, per airline, how many times the signal
became active (an alert a watch would raise, at most once per 12 hours as in the watch
detector) per week, and on which terms (``--examples N``: and N of the tweets behind the
first term, ``-`` negative, ``+`` not).

    .venv/bin/python benchmarks/airline_terms.py \
        --data ../shared/data/airline-sentiment/tweets-dev.csv
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from firewarden.detect.series import MentionSignal, bucketize
from firewarden.detect.terms import WATCH_TERMS, TermBurst
from firewarden.listen.sentiment import negative_cues
from firewarden.text.terms import content_terms, term_filter

#: Each airline's names and handles (the watch's keywords, excluded from its terms).
NAMES = {
    "Virgin America": ("Virgin America", "VirginAmerica", "virgin"),
    "United": ("United", "united"),
    "Southwest": ("Southwest", "SouthwestAir"),
    "Delta": ("Delta", "JetBlue"),  # the file's "Delta" tweets address @JetBlue
    "US Airways": ("US Airways", "USAirways", "usairways"),
    "American": ("American", "AmericanAir", "americanair"),
}
COOLDOWN = timedelta(hours=12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="tweets CSV (airline sentiment)")
    parser.add_argument("--min-authors", type=int, default=WATCH_TERMS.min_authors)
    parser.add_argument("--threshold", type=float, default=WATCH_TERMS.threshold)
    parser.add_argument("--negative-surprise", type=float, default=WATCH_TERMS.negative_surprise)
    parser.add_argument(
        "--examples",
        type=int,
        default=0,
        help="print this many of the window's tweets using each alert's first term",
    )
    args = parser.parse_args()
    config = replace(
        WATCH_TERMS,
        min_authors=args.min_authors,
        threshold=args.threshold,
        negative_surprise=args.negative_surprise,
    )
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(args.data, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["airline"]].append(row)
    total_alerts = 0
    total_weeks = 0.0
    print(
        f"min_authors {config.min_authors}, threshold {config.threshold}, "
        f"negative_surprise {config.negative_surprise}"
    )
    for airline, tweets in sorted(rows.items()):
        skip = term_filter(NAMES.get(airline, (airline,))) | negative_cues()  # as the pipeline
        signals = sorted(
            (
                MentionSignal(
                    datetime.strptime(t["tweet_created"], "%m/%d/%Y %H:%M"),
                    t["airline_sentiment"] == "negative",
                    author=t["tweet_id"],
                    terms=content_terms(t["text"], skip),
                )
                for t in tweets
            ),
            key=lambda m: m.timestamp,
        )
        detector = TermBurst(config)
        alerts: list[tuple[datetime, str, list[str]]] = []
        was_active = False
        last: datetime | None = None
        first = signals[0].timestamp
        for b in bucketize(signals, timedelta(minutes=5)):
            r = detector.update(b.start, b.content)
            if (
                r.active
                and not was_active
                and r.hits
                and (last is None or b.start - last >= COOLDOWN)
            ):
                terms = ", ".join(
                    f"{h.term} ({h.authors} in {h.window_minutes / 60:g} h)" for h in r.hits[:4]
                )
                top = r.hits[0]
                since = b.start + timedelta(minutes=5) - timedelta(minutes=top.window_minutes)
                examples = [
                    f"{'-' if t['airline_sentiment'] == 'negative' else '+'} {t['text']}"
                    for t in tweets
                    if top.term in content_terms(t["text"], skip)
                    and since
                    <= datetime.strptime(t["tweet_created"], "%m/%d/%Y %H:%M")
                    < b.start + timedelta(minutes=5)
                ]
                alerts.append((b.start, terms, examples[: args.examples]))
                last = b.start
            was_active = r.active
        span = (signals[-1].timestamp - first).total_seconds() / 86400.0
        judged = max(span - config.warmup_days, 1e-9)
        weeks = judged / 7.0
        total_alerts += len(alerts)
        total_weeks += weeks
        neg = sum(s.negative for s in signals) / len(signals)
        print(
            f"\n{airline}: {len(signals)} tweets ({neg:.0%} negative), {span:.1f} days, "
            f"{judged:.1f} judged after the warm-up: {len(alerts)} alerts, "
            f"{len(alerts) / weeks:.1f} per week"
        )
        for when, terms, examples in alerts:
            print(f"  {when:%Y-%m-%d %H:%M}  {terms}")
            for text in examples:
                print("      " + " ".join(text.split()))
    rate = total_alerts / total_weeks
    print(f"\nall airlines: {total_alerts} alerts, {rate:.2f} per week per watch")


if __name__ == "__main__":
    main()
