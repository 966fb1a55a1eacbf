"""Read-only queries behind the watch and alert pages (over the listening tables).

The listening pipeline (:mod:`firewarden.listen`) writes; this module only reads, and every
query is limited to one organisation: watches through
:func:`firewarden.listen.watch_service.get_watch` (which refuses another organisation's
watch), alerts by their ``org_id``. The window and bucket arithmetic is pure and at the top.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from firewarden.detect.series import Bucket, floor_time
from firewarden.detect.types import _duration
from firewarden.errors import InputError, NotFound
from firewarden.listen.evidence import top_terms
from firewarden.listen.store import BUCKETS, LINKS, MENTIONS, last_bucket_start, load_buckets
from firewarden.listen.tables import ListenAlert, ListenWatch

SENTIMENTS = ("negative", "neutral", "positive")
#: Bucket widths a chart may ask for, by their names in the API.
WIDTHS: dict[str, dt.timedelta] = {
    "5m": dt.timedelta(minutes=5),
    "15m": dt.timedelta(minutes=15),
    "1h": dt.timedelta(hours=1),
    "6h": dt.timedelta(hours=6),
    "1d": dt.timedelta(days=1),
}
#: The most points one chart holds: beyond this the picture is a smear and the JSON heavy.
MAX_POINTS = 600
#: The automatic bucket width keeps a chart at most this many points.
AUTO_POINTS = 300
DEFAULT_WIDTH = WIDTHS["5m"]


@dataclass(frozen=True, slots=True)
class Window:
    """The time span a page or chart shows: ``[start, end)`` in buckets of ``width``."""

    start: dt.datetime
    end: dt.datetime
    width: dt.timedelta

    @property
    def width_name(self) -> str:
        return next((k for k, v in WIDTHS.items() if v == self.width), f"{self.width}")


def resolve_window(
    *,
    latest: dt.datetime | None,
    now: dt.datetime,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    hours: float = 24.0,
    bucket: str = "",
) -> Window:
    """The window to show. Without ``end`` it closes at the latest stored data (a replayed or
    simulated stream may run ahead of or behind the clock), or at ``now`` when there is none;
    without ``start`` it opens ``hours`` earlier. Raises InputError for an impossible request."""
    if bucket and bucket not in WIDTHS:
        raise InputError(
            f"unknown bucket width {bucket!r}", hint=f"use one of: {', '.join(WIDTHS)}"
        )
    stop = end or latest or now
    begin = start or stop - dt.timedelta(hours=hours)
    if begin >= stop:
        raise InputError("the window's start is not before its end", hint="swap from and to")
    span = stop - begin
    width = WIDTHS[bucket] if bucket else _auto_width(span)
    if span / width > MAX_POINTS:
        raise InputError(
            f"{_duration(span / dt.timedelta(minutes=1))} in buckets of {bucket} would be "
            f"{math.ceil(span / width):,} points; a chart holds at most {MAX_POINTS}",
            hint="choose a wider bucket or a shorter window",
        )
    return Window(floor_time(begin, width), stop, width)


def _auto_width(span: dt.timedelta) -> dt.timedelta:
    for width in WIDTHS.values():
        if span / width <= AUTO_POINTS:
            return width
    return WIDTHS["1d"]


@dataclass(frozen=True, slots=True)
class Point:
    """One bucket of the chart (the stored buckets summed into the window's width)."""

    start: dt.datetime
    volume: int = 0
    negative: int = 0
    reach_negative: float = 0.0
    replies_to_brand: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "volume": self.volume,
            "negative": self.negative,
            "reach_negative": round(self.reach_negative, 3),
            "reply_share": round(self.replies_to_brand / self.volume, 4) if self.volume else 0.0,
        }


def regroup(buckets: Iterable[Bucket], window: Window) -> list[Point]:
    """Consecutive points over ``window`` (empty ones included: a quiet hour is data too)."""
    sums: dict[dt.datetime, list[float]] = {}
    for b in buckets:
        if not window.start <= b.start < window.end:
            continue
        acc = sums.setdefault(floor_time(b.start, window.width), [0, 0, 0.0, 0])
        acc[0] += b.volume
        acc[1] += b.negative
        acc[2] += b.reach_negative
        acc[3] += b.replies_to_brand
    points = []
    t = window.start
    while t < window.end:
        v = sums.get(t)
        points.append(Point(t, int(v[0]), int(v[1]), v[2], int(v[3])) if v else Point(t))
        t += window.width
    return points


# -- queries ---------------------------------------------------------------------------------


def latest_data(session: Session, watch_id: int) -> dt.datetime | None:
    """When the watch's latest stored bucket ends (None: nothing counted yet)."""
    conn = session.connection()
    last = last_bucket_start(conn, watch_id)
    if last is None:
        return None
    # The stored width is the pipeline's; the gap to the previous bucket is a safe lower bound.
    prev = conn.execute(
        select(func.max(BUCKETS.c.start)).where(
            BUCKETS.c.watch_id == watch_id, BUCKETS.c.start < last
        )
    ).scalar()
    step = min(last - prev, DEFAULT_WIDTH) if prev is not None else DEFAULT_WIDTH
    return last + step


def newest_mention(session: Session, watch_id: int) -> dt.datetime | None:
    """When the newest mention counted for the watch was posted (an index look-up)."""
    newest = session.execute(
        select(func.max(LINKS.c.created_at)).where(LINKS.c.watch_id == watch_id)
    ).scalar()
    if not isinstance(newest, dt.datetime):
        return None
    return newest.replace(tzinfo=dt.UTC) if newest.tzinfo is None else newest.astimezone(dt.UTC)


def series(session: Session, watch_id: int, window: Window) -> list[Point]:
    """The watch's counts over ``window``."""
    stored = load_buckets(session.connection(), watch_id, window.start, window.end)
    return regroup(stored, window)


def _in_window(watch_id: int, start: dt.datetime, end: dt.datetime) -> Any:
    m, link = MENTIONS.c, LINKS.c
    return (
        (link.watch_id == watch_id)
        & (link.created_at >= start)
        & (link.created_at < end)
        & (m.platform == link.platform)
        & (m.platform_id == link.platform_id)
    )


def sentiment_split(
    session: Session, watch_id: int, start: dt.datetime, end: dt.datetime
) -> dict[str, int]:
    """How many of the window's mentions are negative, neutral and positive.

    An offensive mention counts as negative whatever its tone, as in the ``negative`` series
    (the chart's line and the detector), so the page shows one negative figure, not two."""
    q = (
        select(MENTIONS.c.sentiment, MENTIONS.c.offensive, func.count())
        .select_from(LINKS.join(MENTIONS, _in_window(watch_id, start, end)))
        .group_by(MENTIONS.c.sentiment, MENTIONS.c.offensive)
    )
    counts = dict.fromkeys(SENTIMENTS, 0)
    for label, offensive, n in session.execute(q):
        key = "negative" if offensive else label if label in counts else "neutral"
        counts[key] += int(n)
    return counts


@dataclass(frozen=True, slots=True)
class MentionRow:
    """A mention as the pages show it."""

    key: str
    url: str
    author: str
    followers: int
    text: str
    created_at: dt.datetime
    reach: int
    sentiment: str

    @property
    def link(self) -> str:
        """The URL when it is a web address (never ``javascript:`` and the like), else ''."""
        return self.url if self.url.startswith(("https://", "http://")) else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "url": self.link,
            "author": self.author,
            "followers": self.followers,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
            "reach": self.reach,
            "sentiment": self.sentiment,
        }


_MENTION_COLUMNS = (
    MENTIONS.c.platform,
    MENTIONS.c.platform_id,
    MENTIONS.c.url,
    MENTIONS.c.author_handle,
    MENTIONS.c.followers,
    MENTIONS.c.text,
    MENTIONS.c.created_at,
    MENTIONS.c.reach,
    MENTIONS.c.sentiment,
)


def _mention(row: Sequence[Any]) -> MentionRow:
    platform, ident, url, author, followers, text, created, reach, sentiment = row
    when = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
    return MentionRow(f"{platform}:{ident}", url, author, followers, text, when, reach, sentiment)


def _most_reached(watch_id: int, start: dt.datetime, end: dt.datetime, n: int) -> Any:
    """The window's ``n`` most-reached mention keys, ranked on the link table alone (its own
    reach column and time index), so only those ``n`` rows are joined to the mentions."""
    link = LINKS.c
    return (
        select(link.platform, link.platform_id, link.reach)
        .where(link.watch_id == watch_id, link.created_at >= start, link.created_at < end)
        .order_by(link.reach.desc(), link.created_at.desc())
        .limit(n)
        .subquery()
    )


def _join_top(top: Any) -> Any:
    return MENTIONS.join(
        top,
        (MENTIONS.c.platform == top.c.platform) & (MENTIONS.c.platform_id == top.c.platform_id),
    )


def top_mentions(
    session: Session, watch_id: int, start: dt.datetime, end: dt.datetime, n: int = 5
) -> list[MentionRow]:
    """The ``n`` most-reached mentions of the window."""
    top = _most_reached(watch_id, start, end, n)
    q = (
        select(*_MENTION_COLUMNS)
        .select_from(_join_top(top))
        .order_by(top.c.reach.desc(), MENTIONS.c.created_at.desc())
    )
    return [_mention(r) for r in session.execute(q)]


def window_terms(
    session: Session,
    watch_id: int,
    start: dt.datetime,
    end: dt.datetime,
    exclude: Iterable[str],
    n: int = 10,
) -> list[str]:
    """What the window's mentions talk about (the evidence module's term counting), read from
    the 1,000 most-reached mentions so a busy window costs the same as a quiet one."""
    top = _most_reached(watch_id, start, end, 1000)
    q = select(MENTIONS.c.text).select_from(_join_top(top))
    return top_terms(session.scalars(q), exclude=exclude, n=n)


def mentions_for(session: Session, refs: Sequence[str]) -> dict[str, MentionRow]:
    """Stored mentions by URL or ``platform:id`` (the way alerts name their top posts)."""
    urls = [r for r in refs if "://" in r]
    keys = [tuple(r.split(":", 1)) for r in refs if "://" not in r and ":" in r]
    found: dict[str, MentionRow] = {}
    if urls:
        for row in session.execute(select(*_MENTION_COLUMNS).where(MENTIONS.c.url.in_(urls))):
            found.setdefault(row[2], _mention(row))
    for platform, ident in keys:
        q = select(*_MENTION_COLUMNS).where(
            MENTIONS.c.platform == platform, MENTIONS.c.platform_id == ident
        )
        hit = session.execute(q).first()
        if hit is not None:
            found[f"{platform}:{ident}"] = _mention(hit)
    return found


def watch_names(session: Session, org_id: int) -> dict[int, str]:
    """The organisation's watches by id."""
    q = select(ListenWatch.id, ListenWatch.name).where(ListenWatch.org_id == org_id)
    return {int(i): str(n) for i, n in session.execute(q)}


def alerts(
    session: Session,
    org_id: int,
    *,
    watch_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    level: str = "",
    status: str = "",
    limit: int = 50,
) -> list[ListenAlert]:
    """The organisation's alerts, newest first."""
    q = select(ListenAlert).where(ListenAlert.org_id == org_id)
    if watch_id is not None:
        q = q.where(ListenAlert.watch_id == watch_id)
    if start is not None:
        q = q.where(ListenAlert.bucket_start >= start)
    if end is not None:
        q = q.where(ListenAlert.bucket_start < end)
    if level:
        q = q.where(ListenAlert.level == level)
    if status:
        q = q.where(ListenAlert.status == status)
    q = q.order_by(ListenAlert.bucket_start.desc(), ListenAlert.id.desc()).limit(limit)
    return list(session.scalars(q))


def get_alert(session: Session, org_id: int, alert_id: int) -> ListenAlert:
    """One alert of the organisation; raises InputError when there is none."""
    row = session.get(ListenAlert, alert_id)
    if row is None or row.org_id != org_id:
        raise NotFound(f"no alert with id {alert_id}", hint="see the list on the Watches page")
    return row


def recent_counts(
    session: Session, org_id: int, since: dt.datetime
) -> dict[int, tuple[int, int, int]]:
    """Per watch of the organisation since ``since``: (mentions, negative, open alerts)."""
    b = BUCKETS.c
    counted = (
        select(b.watch_id, func.sum(b.volume), func.sum(b.negative))
        .join_from(BUCKETS, ListenWatch, ListenWatch.id == b.watch_id)
        .where(ListenWatch.org_id == org_id, b.start >= since)
        .group_by(b.watch_id)
    )
    out = {int(w): (int(v or 0), int(n or 0), 0) for w, v, n in session.execute(counted)}
    open_q = (
        select(ListenAlert.watch_id, func.count())
        .where(ListenAlert.org_id == org_id, ListenAlert.status == "open")
        .group_by(ListenAlert.watch_id)
    )
    for w, n in session.execute(open_q):
        v, neg, _ = out.get(int(w), (0, 0, 0))
        out[int(w)] = (v, neg, int(n))
    return out
