"""The simulator's ``negative_share``: a watch whose ordinary mentions are mostly negative,
with the same timing and authors, a storm at least as negative as usual, and launches that
keep the default's mix."""

from __future__ import annotations

import pytest

from firewarden.detect.sim_text import LAUNCH_EN
from firewarden.detect.simulate import SimMention, SimulationConfig, simulate


def _share(mentions: list[SimMention]) -> float:
    return sum(m.sentiment == "negative" for m in mentions) / len(mentions)


def test_the_timing_and_authors_do_not_depend_on_the_share() -> None:
    def view(share: float) -> list[tuple[object, ...]]:
        s = simulate(SimulationConfig(days=5, negative_share=share), 2)
        return [(m.timestamp, m.author, m.followers, m.reply_to_brand, m.storm) for m in s.mentions]

    assert view(0.12) == view(0.5) == view(0.75)


def test_a_mostly_negative_watch() -> None:
    s = simulate(SimulationConfig(days=14, negative_share=0.75), 4)
    ordinary = [m for m in s.mentions if not m.storm]
    storm = [m for m in s.mentions if m.storm]
    assert 0.72 < _share(ordinary) < 0.78
    assert _share(storm) >= 0.72  # at least as negative as the watch usually is
    default = simulate(SimulationConfig(days=14), 4)
    assert 0.09 < _share([m for m in default.mentions if not m.storm]) < 0.15


def test_launches_keep_the_default_mix_in_a_mostly_negative_watch() -> None:
    # Only launch and campaign mentions name a launch flavour (English ones, with spaces).
    def launch(share: float) -> list[SimMention]:
        s = simulate(SimulationConfig(days=14, storm=False, negative_share=share), 5)
        return [
            m
            for m in s.mentions
            if m.lang == "en" and any(f" {n} " in f" {m.text} " for n in LAUNCH_EN)
        ]

    usual, mostly_negative = launch(0.12), launch(0.75)
    assert len(usual) > 50
    assert _share(usual) < 0.2
    assert _share(mostly_negative) < 0.2  # a launch is mostly happy, whatever the watch's mood
    assert abs(len(mostly_negative) - len(usual)) < 0.35 * len(usual)


def test_the_share_must_be_a_share() -> None:
    with pytest.raises(ValueError, match="negative_share"):
        SimulationConfig(negative_share=1.0)
