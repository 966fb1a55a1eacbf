"""The term signal does not echo the sentiment model: a launch's "not bad", which the model
reads as negative, is not reported as the emerging negative term «bad»."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from firewarden.detect.evaluate import negative_reader, signals
from firewarden.detect.series import bucketize
from firewarden.detect.simulate import SimMention, SimulationConfig, simulate
from firewarden.detect.terms import WATCH_TERMS
from firewarden.detect.watch import WatchDetector

LAUNCH = "Got the new pumpkin latte at Acme, not bad"


def test_not_bad_on_a_launch_day_is_not_the_new_term_bad() -> None:
    quiet = simulate(SimulationConfig(days=4, storm=False), seed=3)
    read = negative_reader("model")
    assert read(replace(quiet.mentions[0], text=LAUNCH, lang="en"))  # the model's mistake
    burst_at = quiet.start + timedelta(days=3, hours=12)
    when = [burst_at + timedelta(minutes=3 * i) for i in range(18)]
    burst = [
        SimMention(t, f"fan{i}", 150, LAUNCH, "en", "positive", False, False)
        for i, t in enumerate(when)
    ]
    mentions = sorted([*quiet.mentions, *burst], key=lambda m: m.timestamp)
    detector = WatchDetector(terms=WATCH_TERMS)
    named: set[str] = set()
    for b in bucketize(signals(mentions, "Acme", read), timedelta(minutes=5), until=quiet.end):
        if detector.update(b).alert:
            for e in detector.explanations:
                named.update(e.terms)
    # The launch's own words may rise; the model's cue may not be reported as news.
    assert "bad" not in named
    assert named & {"pumpkin", "latte"}, named  # the signal is alive and saw the burst
