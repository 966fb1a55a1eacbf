"""What a watch's mentions say, per bucket, for the detector's content signals.

The counts of a bucket are stored (``listen_buckets``); the content signals also need each
mention's author, content terms and negative flag, and the misconduct flags with their
reach. A running pipeline tallies them from each batch as it stores it (:class:`ContentTally`:
only the (watch, mention) pairs the store counted as new, so a redelivered mention adds
nothing, exactly as in the stored counts). What happened before the pipeline started, or
before it took the watch over, is read back from the stored mentions of the watch
(:func:`load_content`: ``listen_mentions`` joined to ``listen_mention_watches``), so a
restarted worker, or another one claiming the watch, rebuilds the content signals' state
from the same rows an uninterrupted run saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, select

from firewarden.detect.series import Bucket, floor_time, reach_weight
from firewarden.detect.terms import ContentUse
from firewarden.listen.sentiment import negative_cues
from firewarden.listen.store import LINKS, MENTIONS
from firewarden.listen.watches import Watch
from firewarden.store.types import utc
from firewarden.text.terms import content_terms, term_filter


@dataclass(slots=True)
class BucketContent:
    uses: list[ContentUse] = field(default_factory=list)
    flagged: int = 0
    flagged_reach: float = 0.0


class ContentTally:
    """The content of one watch's open buckets, tallied from the batches as they are stored."""

    __slots__ = ("_open",)

    def __init__(self) -> None:
        self._open: dict[dt.datetime, BucketContent] = {}

    def add(
        self,
        start: dt.datetime,
        author: str,
        terms: frozenset[str],
        negative: bool,
        misconduct: bool,
        followers: int,
    ) -> None:
        """One newly counted mention of the bucket starting at ``start``."""
        if not terms and not misconduct:
            return
        slot = self._open.get(start)
        if slot is None:
            slot = self._open[start] = BucketContent()
        if terms:
            slot.uses.append(ContentUse(author, terms, negative))
        if misconduct:
            slot.flagged += 1
            slot.flagged_reach += reach_weight(followers)

    def take(self, until: dt.datetime) -> dict[dt.datetime, BucketContent]:
        """The content of the buckets starting before ``until``, forgotten here."""
        done = {start: c for start, c in self._open.items() if start < until}
        for start in done:
            del self._open[start]
        return done

    def __len__(self) -> int:
        return len(self._open)


def skip_terms(watch: Watch) -> frozenset[str]:
    """The words the term signal ignores for this watch: its names and handles, and the
    sentiment model's negative cues (:func:`firewarden.listen.sentiment.negative_cues`)."""
    return term_filter((*watch.keywords, *watch.handles)) | negative_cues()


def load_content(
    conn: Connection,
    watch_id: int,
    since: dt.datetime,
    until: dt.datetime,
    width: dt.timedelta,
    skip: frozenset[str],
) -> dict[dt.datetime, BucketContent]:
    """The content of the watch's stored mentions in ``[since, until)``, per bucket start."""
    m, link = MENTIONS.c, LINKS.c
    q = (
        select(
            link.created_at,
            m.author_id,
            m.author_handle,
            m.text,
            link.negative,
            m.misconduct,
            m.followers,
        )
        .join_from(
            LINKS, MENTIONS, (m.platform == link.platform) & (m.platform_id == link.platform_id)
        )
        .where(link.watch_id == watch_id, link.created_at >= since, link.created_at < until)
        .order_by(link.created_at, link.platform, link.platform_id)
    )
    tally = ContentTally()
    for created, author_id, handle, text, negative, misconduct, followers in conn.execute(q):
        tally.add(
            floor_time(utc(created), width),
            author_id or handle,
            content_terms(text, skip),
            bool(negative),
            bool(misconduct),
            followers,
        )
    return tally.take(until)


def with_content(
    buckets: Iterable[Bucket], content: dict[dt.datetime, BucketContent]
) -> list[Bucket]:
    """The buckets with their content attached (buckets without stored mentions unchanged)."""
    out = []
    for b in buckets:
        c = content.get(b.start)
        if c is not None:
            b = replace(
                b, content=tuple(c.uses), misconduct=c.flagged, reach_misconduct=c.flagged_reach
            )
        out.append(b)
    return out
