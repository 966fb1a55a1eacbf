"""One stored batch on SQLite and PostgreSQL: every column as given, each mention once, each
watch-mention pair counted once, buckets that add up; the same batch again adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from firewarden.detect.series import floor_time, reach_weight
from firewarden.listen.enrich import enrich, text_facts
from firewarden.listen.mention import Mention
from firewarden.listen.store import (
    LINKS,
    MENTIONS,
    Counted,
    load_buckets,
    load_cursor,
    mention_row,
    store_batch,
)
from firewarden.listen.watch_service import add_watch
from firewarden.listen.watches import Watch
from firewarden.store.engine import session_factory

WIDTH = dt.timedelta(minutes=5)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _watches(engine: Engine) -> tuple[int, int]:
    with session_factory(engine)() as s:
        a = add_watch(s, Watch(name="Acme", keywords=("Acme",)))
        b = add_watch(s, Watch(name="Globex", keywords=("Globex",)))
        s.commit()
    return a.id, b.id


def _mention(i: int) -> Mention:
    # Odd texts on purpose: quotes, a backslash, braces and commas (array syntax), Japanese,
    # an empty handle, a long text; and times in another zone than UTC.
    texts = ['Acme said "no", really', "Acme {a,b} \\ c", "Acmeの厨房の動画", "Acme " + "x" * 3000]
    jst = dt.timezone(dt.timedelta(hours=9))
    return Mention(
        platform="x" if i % 2 else "bluesky",
        id=f"id-{i}",
        text=texts[i % len(texts)],
        created_at=(T0 + dt.timedelta(minutes=i)).astimezone(jst),
        url=f"https://example.com/{i}",
        author_id=f"a{i}",
        author_handle="" if i % 3 == 0 else f"@user{i}",
        followers=i * 1000,
        language="ja" if i % 4 == 2 else "en",
        reply_to="post-1" if i % 5 == 0 else "",
        likes=i,
        reposts=2 * i,
        media=("video",) if i % 4 == 2 else (),
    )


def _batch(
    ids: range, watch_a: int, watch_b: int
) -> tuple[list[dict[str, object]], list[Counted], list[Mention]]:
    rows: list[dict[str, object]] = []
    counted: list[Counted] = []
    mentions = [_mention(i) for i in ids]
    for m in mentions:
        facts = text_facts(m.text, m.language)
        e = enrich(m, facts, names_brand=True)
        rows.append(mention_row(m, e))
        watches = (watch_a, watch_b) if int(m.id.split("-")[1]) % 3 == 0 else (watch_a,)
        for w in watches:
            pair = (w, m.platform, m.id, m.created_at, e.negative, e.reach, m.followers)
            counted.append(Counted(*pair, bool(m.reply_to)))
    return rows, counted, mentions


def test_a_batch_is_stored_as_given_counted_once_and_added_to_buckets(engine: Engine) -> None:
    a, b = _watches(engine)
    rows, counted, mentions = _batch(range(300), a, b)
    # The same mention twice within one batch (a source that repeats itself) is stored once.
    rows.append(dict(rows[7]))
    counted.append(counted[0])
    with engine.begin() as conn:
        new = store_batch(conn, rows, counted, WIDTH, {"src": "300"})
    assert len(new) == 300 + 100  # every third mention names both watches
    assert {(c.watch_id, c.platform_id) for c in new} == {
        (c.watch_id, c.platform_id) for c in counted
    }

    with engine.connect() as conn:
        stored = {r.platform_id: r for r in conn.execute(select(MENTIONS))}
        assert len(stored) == 300
        for m in mentions:
            r = stored[m.id]
            assert (r.platform, r.text, r.url, r.author_handle, r.followers) == (
                m.platform,
                m.text,
                m.url,
                m.author_handle,
                m.followers,
            )
            assert (r.reply_to, r.likes, r.reposts, r.media) == (
                m.reply_to,
                m.likes,
                m.reposts,
                ",".join(m.media),
            )
            assert r.created_at == m.created_at  # the same moment, read back as UTC
            assert r.created_at.tzinfo == dt.UTC
        links = conn.execute(select(LINKS.c.watch_id, LINKS.c.negative, LINKS.c.reach)).all()
        assert len(links) == 400
        assert load_cursor(conn, "src") == "300"
        for w in (a, b):
            mine = [c for c in counted[:-1] if c.watch_id == w]
            buckets = load_buckets(conn, w, None, None)
            assert sum(x.volume for x in buckets) == len(mine)
            assert sum(x.negative for x in buckets) == sum(c.negative for c in mine)
            assert sum(x.replies_to_brand for x in buckets) == sum(c.reply_to_brand for c in mine)
            assert sum(x.reach_negative for x in buckets) == pytest.approx(
                sum(reach_weight(c.followers) for c in mine if c.negative)
            )
            assert all(x.start.tzinfo == dt.UTC and x.start.minute % 5 == 0 for x in buckets)
            assert len(buckets) == len({floor_time(c.created_at, WIDTH) for c in mine})

    # Redelivered, together with new mentions: only the new ones count, and buckets add up.
    more_rows, more_counted, _ = _batch(range(290, 320), a, b)
    with engine.begin() as conn:
        again = store_batch(conn, rows + more_rows, counted + more_counted, WIDTH)
    assert sorted(c.platform_id for c in again) == sorted(
        c.platform_id for c in more_counted if int(c.platform_id.split("-")[1]) >= 300
    )
    with engine.connect() as conn:
        assert len(conn.execute(select(MENTIONS.c.platform_id)).all()) == 320
        total = sum(x.volume for w in (a, b) for x in load_buckets(conn, w, None, None))
        assert total == 400 + len(again)


def test_an_empty_batch_stores_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        assert store_batch(conn, [], [], WIDTH) == []
    with engine.connect() as conn:
        assert conn.execute(select(MENTIONS)).all() == []
