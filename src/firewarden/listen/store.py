"""Storing mentions once, counting them once, and reading the series back (Core SQL, batched).

One call of :func:`store_batch` is one transaction: the mentions (``INSERT ... ON CONFLICT DO
NOTHING``, so a redelivered mention is a no-op), the mention-to-watch rows (the same, with
``RETURNING`` the rows that were new), the bucket counts of exactly those new rows (an upsert
that adds), and the sources' cursors. A crash before the commit loses the whole batch, which
the sources deliver again; a crash after it leaves nothing to redo. So a restart neither loses
nor double-counts a mention. Works the same on SQLite and PostgreSQL (how the rows travel to
each: :func:`_insert_many`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from firewarden.detect.series import Bucket, floor_time, reach_weight
from firewarden.listen.enrich import Enrichment
from firewarden.listen.mention import MAX_COUNT, Mention
from firewarden.listen.tables import (
    ListenBucket,
    ListenCursor,
    ListenMention,
    ListenMentionWatch,
)

MENTIONS: Table = ListenMention.__table__  # type: ignore[assignment]
LINKS: Table = ListenMentionWatch.__table__  # type: ignore[assignment]
BUCKETS: Table = ListenBucket.__table__  # type: ignore[assignment]
CURSORS: Table = ListenCursor.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Counted:
    """One mention counted for one watch (as the watch's series sees it)."""

    watch_id: int
    platform: str
    platform_id: str
    created_at: dt.datetime
    negative: bool
    reach: int
    followers: int
    reply_to_brand: bool


#: On SQLite, multi-row statements are sent in pages of these sizes only. A statement's text
#: depends on its row count, and the driver keeps prepared statements per text (up to 128 per
#: connection, each large): a handful of sizes keeps that memory small and flat.
PAGE_SIZES = (256, 64, 16, 4, 1)


def _pages(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    i = 0
    for size in PAGE_SIZES:
        while len(rows) - i >= size:
            yield rows[i : i + size]
            i += size


def _insert_many(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], finish: Callable[[Any], Any]
) -> list[Any]:
    """Insert ``rows`` (all with the same keys) into ``table``, in their order; ``finish``
    adds the ``ON CONFLICT`` clause (and any ``RETURNING``) to the dialect's insert. Returns
    the ``RETURNING`` rows.

    PostgreSQL gets one statement whose rows arrive as one array per column
    (``INSERT ... SELECT unnest(:a), unnest(:b), ...``): its text is the same for any number
    of rows, so the driver parses it once and the server plans it once, where a multi-row
    ``VALUES`` of thousands of parameters was parsed again for every page. SQLite gets
    multi-row ``VALUES`` in fixed page sizes (it has no arrays).
    """
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        names = list(rows[0])
        columns = []
        for n in names:
            values = [r[n] for r in rows]
            array = bindparam(f"rows_{n}", values, type_=postgresql.ARRAY(table.c[n].type))
            columns.append(func.unnest(array))
        stmt = finish(postgresql.insert(table).from_select(names, select(*columns)))
        result = conn.execute(stmt)
        return list(result) if result.returns_rows else []
    stmt = finish(sqlite.insert(table))
    out: list[Any] = []
    for page in _pages(rows):
        result = conn.execution_options(insertmanyvalues_page_size=len(page)).execute(
            stmt, list(page)
        )
        if result.returns_rows:
            out.extend(result)
    return out


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def mention_row(m: Mention, e: Enrichment) -> dict[str, Any]:
    """The ``listen_mentions`` row of an enriched mention."""
    return {
        "platform": m.platform,
        "platform_id": m.id,
        "url": m.url[:1000],
        "author_id": m.author_id[:300],
        "author_handle": m.author_handle[:300],
        # Counts are capped like the texts are cut: a live source can report any figure.
        "followers": min(m.followers, MAX_COUNT),
        "text": m.text,
        "created_at": m.created_at,
        "language": e.language[:10],
        "reply_to": m.reply_to[:300],
        "reply_to_author": m.reply_to_author[:300],
        "quote_of": m.quote_of[:300],
        "quote_of_author": m.quote_of_author[:300],
        "repost_of": m.repost_of[:300],
        "likes": min(m.likes, MAX_COUNT),
        "reposts": min(m.reposts, MAX_COUNT),
        "replies": min(m.replies, MAX_COUNT),
        "quotes": min(m.quotes, MAX_COUNT),
        "media": ",".join(m.media)[:100],
        "sentiment": e.sentiment,
        "offensive": e.offensive,
        "complaint": e.complaint,
        "topics": ",".join(e.topics)[:200],
        "reach": e.reach,
        "misconduct": e.misconduct,
    }


def store_batch(
    conn: Connection,
    mentions: Sequence[dict[str, Any]],
    counted: Sequence[Counted],
    width: dt.timedelta,
    cursors: Mapping[str, str] | None = None,
) -> list[Counted]:
    """Store a batch in the caller's transaction; returns the ``counted`` rows that were new
    (the ones now added to the buckets)."""
    # A fixed order: concurrent workers then never wait on each other in a cycle.
    _insert_many(
        conn,
        MENTIONS,
        sorted(mentions, key=lambda r: (r["platform"], r["platform_id"])),
        lambda ins: ins.on_conflict_do_nothing(index_elements=["platform", "platform_id"]),
    )
    new: list[Counted] = []
    if counted:
        by_key = {(c.watch_id, c.platform, c.platform_id): c for c in counted}
        rows = [
            {
                "watch_id": c.watch_id,
                "platform": c.platform,
                "platform_id": c.platform_id,
                "created_at": c.created_at,
                "negative": c.negative,
                "reach": c.reach,
                "reply_to_brand": c.reply_to_brand,
            }
            for c in sorted(by_key.values(), key=lambda c: (c.watch_id, c.platform, c.platform_id))
        ]
        returned = _insert_many(
            conn,
            LINKS,
            rows,
            lambda ins: ins.on_conflict_do_nothing(
                index_elements=["watch_id", "platform", "platform_id"]
            ).returning(LINKS.c.watch_id, LINKS.c.platform, LINKS.c.platform_id),
        )
        new.extend(by_key[(r[0], r[1], r[2])] for r in returned)
        add_to_buckets(conn, new, width)
    if cursors:
        save_cursors(conn, cursors)
    return new


def add_to_buckets(conn: Connection, counted: Iterable[Counted], width: dt.timedelta) -> None:
    """Add counted mentions to their watches' buckets (upsert that adds)."""
    sums: dict[tuple[int, dt.datetime], list[float]] = {}
    for c in counted:
        acc = sums.setdefault((c.watch_id, floor_time(c.created_at, width)), [0, 0, 0.0, 0])
        acc[0] += 1
        acc[3] += c.reply_to_brand
        if c.negative:
            acc[1] += 1
            acc[2] += reach_weight(c.followers)
    if not sums:
        return
    rows = [
        {
            "watch_id": w,
            "start": start,
            "volume": int(v[0]),
            "negative": int(v[1]),
            "reach_negative": float(v[2]),
            "replies_to_brand": int(v[3]),
        }
        for (w, start), v in sorted(sums.items())  # a fixed order: no deadlocks between workers
    ]

    def adding(ins: Any) -> Any:
        return ins.on_conflict_do_update(
            index_elements=["watch_id", "start"],
            set_={
                "volume": BUCKETS.c.volume + ins.excluded.volume,
                "negative": BUCKETS.c.negative + ins.excluded.negative,
                "reach_negative": BUCKETS.c.reach_negative + ins.excluded.reach_negative,
                "replies_to_brand": BUCKETS.c.replies_to_brand + ins.excluded.replies_to_brand,
            },
        )

    _insert_many(conn, BUCKETS, rows, adding)


def save_cursors(conn: Connection, cursors: Mapping[str, str]) -> None:
    now = dt.datetime.now(dt.UTC)
    ins = _insert(conn, CURSORS)
    stmt = ins.on_conflict_do_update(
        index_elements=["source"],
        set_={"cursor": ins.excluded.cursor, "updated_at": ins.excluded.updated_at},
    )
    conn.execute(
        stmt, [{"source": s, "cursor": c, "updated_at": now} for s, c in sorted(cursors.items())]
    )


def load_cursor(conn: Connection, source: str) -> str | None:
    """Where ``source`` resumes (None: from its own default start)."""
    return conn.execute(select(CURSORS.c.cursor).where(CURSORS.c.source == source)).scalar()


def load_buckets(
    conn: Connection,
    watch_id: int,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> list[Bucket]:
    """Stored buckets of a watch in ``[since, until)``, oldest first (empty ones are absent)."""
    q = select(
        BUCKETS.c.start,
        BUCKETS.c.volume,
        BUCKETS.c.negative,
        BUCKETS.c.reach_negative,
        BUCKETS.c.replies_to_brand,
    ).where(BUCKETS.c.watch_id == watch_id)
    if since is not None:
        q = q.where(BUCKETS.c.start >= since)
    if until is not None:
        q = q.where(BUCKETS.c.start < until)
    return [Bucket(*row) for row in conn.execute(q.order_by(BUCKETS.c.start))]


def last_bucket_start(conn: Connection, watch_id: int) -> dt.datetime | None:
    from sqlalchemy import func

    return conn.execute(
        select(func.max(BUCKETS.c.start)).where(BUCKETS.c.watch_id == watch_id)
    ).scalar()
