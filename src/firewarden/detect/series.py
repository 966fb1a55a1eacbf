"""Time-bucketed series of a watch: what the detector reads.

A watch (a brand, a campaign, a person) yields mentions; per bucket the pipeline counts

* ``volume``: all mentions;
* ``negative``: mentions labelled negative;
* ``reach_negative``: negative mentions weighted by their authors' reach (log-scaled
  followers, so one celebrity counts like a crowd but not like a nation);
* ``reply_share``: the share of mentions that are replies or quotes aimed at the brand's
  own posts (a pile-on under the brand's post is how a firestorm usually starts).

Besides the counts, a bucket carries what its mentions say for the content signals: each
mention's author, content terms and negative flag (:class:`~firewarden.detect.terms.ContentUse`,
for the emerging-term detector), and the count and reach-weighted count of mentions flagged
as employee-misconduct content.

:func:`bucketize` turns a time-ordered stream of mentions into consecutive buckets
(empty buckets included: a quiet hour is data too) in one pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from firewarden.detect.terms import ContentUse

SERIES_NAMES: tuple[str, ...] = ("volume", "negative", "reach_negative", "reply_share")


@dataclass(frozen=True, slots=True)
class MentionSignal:
    """The few facts about one mention that the series need."""

    timestamp: datetime
    negative: bool = False
    followers: int = 0
    reply_to_brand: bool = False
    #: Content, for the content signals (empty: the mention says nothing they can use).
    author: str = ""
    terms: frozenset[str] = frozenset()
    misconduct: bool = False


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bucket of a watch's series."""

    start: datetime
    volume: int = 0
    negative: int = 0
    reach_negative: float = 0.0
    replies_to_brand: int = 0
    content: tuple[ContentUse, ...] = ()
    misconduct: int = 0
    reach_misconduct: float = 0.0

    @property
    def reply_share(self) -> float:
        return self.replies_to_brand / self.volume if self.volume else 0.0

    def values(self) -> dict[str, float]:
        """The four series' values in this bucket, by name."""
        return {
            "volume": float(self.volume),
            "negative": float(self.negative),
            "reach_negative": self.reach_negative,
            "reply_share": self.reply_share,
        }


def reach_weight(followers: int) -> float:
    """How much one author's mention weighs: 1 for a small account, about +1 per 10x."""
    return 1.0 + math.log10(1.0 + max(followers, 0) / 100.0)


def floor_time(ts: datetime, width: timedelta) -> datetime:
    """The start of the bucket holding ``ts`` (buckets are aligned to midnight)."""
    midnight = ts.replace(hour=0, minute=0, second=0, microsecond=0)
    step = width.total_seconds()
    offset = (ts - midnight).total_seconds()
    return midnight + timedelta(seconds=(offset // step) * step)


def bucketize(
    mentions: Iterable[MentionSignal],
    width: timedelta = timedelta(minutes=5),
    *,
    until: datetime | None = None,
) -> Iterator[Bucket]:
    """Consecutive buckets over time-ordered mentions, empty ones included.

    Raises ValueError if a mention is earlier than the bucket already closed.
    """
    current: datetime | None = None
    volume = negative = replies = flagged = 0
    reach = flagged_reach = 0.0
    content: list[ContentUse] = []
    for m in mentions:
        start = floor_time(m.timestamp, width)
        if current is None:
            current = start
        if start < current:
            raise ValueError(f"mention at {m.timestamp} is out of order")
        while current < start:
            yield Bucket(
                current, volume, negative, reach, replies, tuple(content), flagged, flagged_reach
            )
            volume = negative = replies = flagged = 0
            reach = flagged_reach = 0.0
            content = []
            current += width
        volume += 1
        replies += m.reply_to_brand
        if m.negative:
            negative += 1
            reach += reach_weight(m.followers)
        if m.terms:
            content.append(ContentUse(m.author, m.terms, m.negative))
        if m.misconduct:
            flagged += 1
            flagged_reach += reach_weight(m.followers)
    if current is None:
        return
    yield Bucket(current, volume, negative, reach, replies, tuple(content), flagged, flagged_reach)
    current += width
    while until is not None and current < until:
        yield Bucket(current)
        current += width
