"""Simulated mention streams with a firestorm in them (pure: a seed in, mentions out).

Ordinary traffic is a Poisson process whose rate follows a daily rhythm (quiet at night,
busy in the evening) and a weekly one (quieter weekends). At the onset a spark post starts a
self-exciting cascade (a Hawkes process): every mention triggers on average ``branching``
further mentions after exponential delays, and authors with many followers trigger more
(a repost by a large account widens the audience). Some hours later the news picks the story
up: an exogenous burst that decays. The cascade is subcritical, so it burns out.
What the mentions say (varied ordinary vocabulary, benign bursts, storm wording, and the
storm's kind: the brand's post, or an employee-misconduct video) is written by
:mod:`firewarden.detect.sim_text` with its own random source, so the count process does not
depend on it.
Optionally (``simmer_rate``, off by default) more people find the post on their own before
the news, each starting a cascade: a firestorm that simmers for hours. ``negative_share``
(12 % by default) makes a watch whose ordinary mentions are mostly negative (an airline's,
say): the storm is then at least as negative as usual, and launches keep the default mix.

The true onset is recorded so detectors can be measured on time-to-detect and false alarms.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from firewarden.detect.sim_text import DEFAULT_NEGATIVE_SHARE, Voice

#: How many phrasings the first simulator had per pool (English/Japanese, ordinary/storm).
#: The count process still draws a phrasing index from them, so that its random sequence -
#: and so the timing of every mention - is the same as before the texts became varied; the
#: words themselves come from :class:`firewarden.detect.sim_text.Voice`.
_LEGACY_POOLS = {"en": 5, "ja": 4}


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """What to simulate. Rates are mentions per hour at the daily mean."""

    days: int = 14
    start: datetime = datetime(2026, 1, 5)  # a Monday
    base_rate: float = 20.0
    #: Day (0-based) and hour of the onset; None picks one in the last third at random.
    onset_day: int | None = None
    onset_hour: float | None = None
    storm: bool = True
    branching: float = 0.7  # mean offspring of an ordinary author's storm mention
    delay_minutes: float = 25.0  # mean delay between a mention and those it triggers
    news_delay_hours: tuple[float, float] = (2.0, 8.0)
    news_rate: float = 300.0  # extra mentions per hour when the news breaks
    news_decay_hours: float = 3.0
    #: Storm mentions per hour arriving independently between the spark and the news
    #: pickup (people finding the post on their own), each starting its own cascade: a
    #: firestorm that simmers before the news. 0 (the default): only the spark's cascade.
    simmer_rate: float = 0.0
    max_storm: int = 50_000
    brand: str = "Acme"
    japanese_share: float = 0.4
    #: ``post`` (the brand's post offends; people reply to it), ``misconduct`` (a part-time
    #: worker's kitchen video, reposted; few replies to the brand) or ``mixed`` (either, per
    #: seed). The count process is the same for all.
    kind: str = "post"
    #: Share of ordinary mentions that are negative (the rest: positive and neutral in the
    #: default's proportion, 33 : 55). Storm mentions are ``max(0.75, negative_share)``
    #: negative; launch and campaign mentions keep the default's number and mix (12 %
    #: negative; see :class:`firewarden.detect.sim_text.Voice`). At the default 0.12 the
    #: stream is exactly the one simulated before this option existed.
    negative_share: float = DEFAULT_NEGATIVE_SHARE

    def __post_init__(self) -> None:
        if not 0.0 < self.negative_share < 1.0:
            raise ValueError("negative_share must be between 0 and 1 (exclusive)")


@dataclass(frozen=True, slots=True)
class SimMention:
    timestamp: datetime
    author: str
    followers: int
    text: str
    lang: str
    sentiment: str  # negative, neutral, positive
    reply_to_brand: bool
    storm: bool  # ground truth: part of the firestorm
    media: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "timestamp": self.timestamp.isoformat(sep=" "),
            "author": self.author,
            "followers": self.followers,
            "text": self.text,
            "lang": self.lang,
            "sentiment": self.sentiment,
            "reply_to_brand": self.reply_to_brand,
            "storm": self.storm,
            "media": list(self.media),
        }


@dataclass(frozen=True, slots=True)
class Simulation:
    start: datetime
    end: datetime
    onset: datetime | None
    mentions: list[SimMention] = field(default_factory=list)


def rhythm(ts: datetime) -> float:
    """Relative rate at this time: a daily wave (low ~04:00, high ~20:00), weekends at 75 %."""
    hour = ts.hour + ts.minute / 60.0
    daily = 1.0 + 0.7 * math.sin((hour - 10.0) / 24.0 * 2.0 * math.pi)
    return max(0.05, daily) * (0.75 if ts.weekday() >= 5 else 1.0)


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (inversion for small means, normal approximation for large ones)."""
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    k, p, threshold = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _followers(rng: random.Random) -> int:
    # Heavy-tailed: median ~300, a few accounts with hundreds of thousands.
    return int(math.exp(rng.gauss(math.log(300.0), 1.8)))


def _offspring_mean(cfg: SimulationConfig, followers: int) -> float:
    # Large accounts carry the story further; capped so the cascade stays subcritical overall.
    boost = max(0.0, math.log10(max(followers, 1) / 1000.0))
    return min(cfg.branching * (1.0 + 0.8 * boost), 6.0)


def _sentiment_cuts(negative_share: float) -> tuple[float, float, float]:
    """(negative below, positive below) for an ordinary mention's draw, and a storm
    mention's negative share; the default's literal values at the default share."""
    if negative_share == DEFAULT_NEGATIVE_SHARE:
        return 0.12, 0.45, 0.75
    return (
        negative_share,
        negative_share + (1.0 - negative_share) * 0.375,
        max(0.75, negative_share),
    )


def _mention(
    rng: random.Random,
    cfg: SimulationConfig,
    ts: datetime,
    storm: bool,
    voice: Voice,
    spark: bool = False,
) -> SimMention:
    ja = rng.random() < cfg.japanese_share
    negative, positive, storm_negative = _sentiment_cuts(cfg.negative_share)
    if storm:
        sentiment = "negative" if rng.random() < storm_negative else "neutral"
        draw = rng.random()
        # Misconduct content is reposted and quoted, rarely answered under the brand's posts.
        reply = draw < (0.1 if voice.kind == "misconduct" else 0.45) and not (
            spark and voice.kind == "misconduct"
        )
    else:
        roll = rng.random()
        sentiment = "negative" if roll < negative else "positive" if roll < positive else "neutral"
        reply = rng.random() < 0.08
    rng.randrange(
        _LEGACY_POOLS["ja" if ja else "en"]
    )  # the phrasing draw of the first simulator (see _LEGACY_POOLS)
    author = f"user{rng.randrange(10**7):07d}"
    followers = _followers(rng)
    if storm:
        text, media = voice.storm(ja, sentiment, spark)
    else:
        text, media = voice.ordinary(ts, ja, sentiment)
    return SimMention(
        ts, author, followers, text, "ja" if ja else "en", sentiment, reply, storm, media
    )


def simulate(cfg: SimulationConfig, seed: int = 0) -> Simulation:
    """Generate the stream (time-ordered mentions) and its true onset."""
    rng = random.Random(seed)
    end = cfg.start + timedelta(days=cfg.days)
    voice = Voice(seed, cfg.brand, cfg.start, end, cfg.kind, cfg.negative_share)
    mentions: list[SimMention] = []
    minute = timedelta(minutes=1)
    t = cfg.start
    while t < end:
        for _ in range(poisson(rng, cfg.base_rate / 60.0 * rhythm(t))):
            ts = t + timedelta(seconds=rng.random() * 60.0)
            mentions.append(_mention(rng, cfg, ts, False, voice))
        t += minute
    onset = None
    if cfg.storm and cfg.days >= 1:
        day = cfg.onset_day
        if day is None:
            day = rng.randrange(max(0, cfg.days - max(1, cfg.days // 3)), cfg.days)
        hour = cfg.onset_hour if cfg.onset_hour is not None else rng.uniform(8.0, 20.0)
        onset = cfg.start + timedelta(days=day, hours=hour)
        mentions.extend(m for m in _storm(rng, cfg, onset, voice) if m.timestamp < end)
    mentions.sort(key=lambda m: m.timestamp)
    return Simulation(cfg.start, end, onset, mentions)


def _storm(
    rng: random.Random, cfg: SimulationConfig, onset: datetime, voice: Voice
) -> list[SimMention]:
    """The spark, its cascade, and the news pickup with its own cascades."""
    seeds = [_mention(rng, cfg, onset, True, voice, spark=True)]
    news_at = onset + timedelta(hours=rng.uniform(*cfg.news_delay_hours))
    if cfg.simmer_rate > 0:
        # Independent discoveries before the news (a Poisson process of new cascades).
        t = onset + timedelta(hours=rng.expovariate(cfg.simmer_rate))
        while t < news_at:
            seeds.append(_mention(rng, cfg, t, True, voice))
            t += timedelta(hours=rng.expovariate(cfg.simmer_rate))
    # News pickup: an exogenous burst with exponentially decaying rate (thinned per minute).
    t = news_at
    while t < news_at + timedelta(hours=cfg.news_decay_hours * 6):
        hours = (t - news_at).total_seconds() / 3600.0
        lam = cfg.news_rate / 60.0 * math.exp(-hours / cfg.news_decay_hours)
        for _ in range(poisson(rng, lam)):
            at = t + timedelta(seconds=rng.random() * 60)
            seeds.append(_mention(rng, cfg, at, True, voice))
        t += timedelta(minutes=1)
    out: list[SimMention] = []
    frontier = seeds
    while frontier and len(out) < cfg.max_storm:
        out.extend(frontier)
        nxt = []
        for parent in frontier:
            for _ in range(poisson(rng, _offspring_mean(cfg, parent.followers))):
                delay = rng.expovariate(1.0 / cfg.delay_minutes)
                at = parent.timestamp + timedelta(minutes=delay)
                nxt.append(_mention(rng, cfg, at, True, voice))
        frontier = nxt
    return out[: cfg.max_storm]
