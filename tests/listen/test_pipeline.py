"""The pipeline on SQLite and PostgreSQL: stored once, counted once, alerts with evidence,
and a restarted pipeline carries on without losing or double-counting anything."""

from __future__ import annotations

from sqlalchemy import Engine, select

from firewarden.listen.alerts import Escalation
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.store import CURSORS, load_cursor
from firewarden.listen.tables import ListenAlert

from .helpers import Recorder, demo_record, storm_mentions, totals


def run(pipe: Pipeline, mentions: object, start: int = 0, batch: int = 400) -> Stats:
    ms = list(mentions)  # type: ignore[call-overload]
    stats = Stats()
    for i in range(0, len(ms), batch):
        envs = [Envelope(m, "sim", str(start + i + k + 1)) for k, m in enumerate(ms[i : i + batch])]
        stats.add(pipe.process(envs))
    return stats


def test_stream_alerts_once_with_evidence(engine: Engine) -> None:
    rec = demo_record(engine)
    slack = Recorder()
    pipe = Pipeline(
        engine, [rec], escalation=Escalation({"slack": slack}), base_url="https://fw.example"
    )
    ms = storm_mentions()
    stats = run(pipe, ms)
    stats.alerts.extend(pipe.flush())
    assert stats.received == stats.matched == stats.counted == len(ms)
    assert totals(engine) == (len(ms), len(ms), len(ms))
    levels = [a.level for a in stats.alerts]
    assert "warning" in levels or "crisis" in levels
    storm_alerts = [a for a in stats.alerts if a.bucket_start.day >= 11]  # the storm is on day 6
    assert storm_alerts, levels
    first = storm_alerts[0]
    assert first.url == f"https://fw.example/alerts/{first.id}"
    assert [m.url for m in slack.sent] == [a.url for a in stats.alerts]
    with engine.connect() as conn:
        row = conn.execute(select(ListenAlert).where(ListenAlert.id == first.id)).one()
        data = row.data
        assert row.notified == [{"channel": "slack", "ok": True, "error": ""}]
        assert load_cursor(conn, "sim") == str(len(ms))
    assert data["evidence"]["sample_mentions"] and data["evidence"]["top_posts"]
    assert data["explanations"][0]["series"]
    assert data["explanations"][0]["evidence"] == data["evidence"]
    assert first.explanations[0].evidence.sample_mentions

    # The same stream again (a source replaying after a restart): nothing new.
    again = Pipeline(engine, [rec])
    replay = run(again, ms)
    replay.alerts.extend(again.flush())
    assert replay.counted == 0 and replay.alerts == []
    assert totals(engine) == (len(ms), len(ms), len(ms))


def test_restart_mid_stream_loses_and_doubles_nothing(engine: Engine) -> None:
    rec = demo_record(engine)
    ms = storm_mentions()
    cut = len(ms) * 3 // 4
    first = Pipeline(engine, [rec])
    a = run(first, ms[:cut])
    # The worker stops; the source resumes from the stored cursor, a little before it
    # (at-least-once), into a fresh pipeline that rebuilds its detector from the buckets.
    with engine.connect() as conn:
        resume = int(load_cursor(conn, "sim") or 0) - 250
        assert conn.execute(select(CURSORS.c.source)).scalars().all() == ["sim"]
    second = Pipeline(engine, [rec])
    b = run(second, ms[resume:], start=resume)
    b.alerts.extend(second.flush())
    assert a.counted + b.counted == len(ms)
    assert totals(engine) == (len(ms), len(ms), len(ms))
    alerts = [(x.bucket_start, x.level) for x in a.alerts + b.alerts]
    assert len(alerts) == len(set(alerts))
    assert any(x.level in ("warning", "crisis") for x in a.alerts + b.alerts)


def test_counts_beyond_the_columns_are_capped_not_a_crash(engine: Engine) -> None:
    """A live source can report any figure (a Mastodon instance says what it likes): the
    batch is stored with the counts capped at what the columns hold."""
    import datetime as dt

    from firewarden.listen.mention import Mention
    from firewarden.listen.store import LINKS, MENTIONS

    cap = 2**31 - 1  # PostgreSQL's integer columns

    rec = demo_record(engine)
    huge = Mention(
        "mastodon",
        "1",
        "Acme again",
        dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
        followers=10**20,
        likes=3 * 10**9,
        reposts=10**12,
    )
    stats = Pipeline(engine, [rec]).process([Envelope(huge, "mastodon", "1")])
    assert stats.counted == 1
    with engine.connect() as conn:
        row = conn.execute(select(MENTIONS.c.followers, MENTIONS.c.likes, MENTIONS.c.reach)).one()
        assert tuple(row) == (cap, cap, cap)
        assert conn.execute(select(LINKS.c.reach)).scalar_one() == cap


def test_held_back_alerts_are_recorded_with_the_reason_and_not_sent(engine: Engine) -> None:
    rec = demo_record(engine)
    slack = Recorder()
    seen: list[object] = []

    def hold_back(end: object) -> str:
        seen.append(end)
        return "" if len(seen) == 1 else "about an old bucket"

    pipe = Pipeline(engine, [rec], escalation=Escalation({"slack": slack}), hold_back=hold_back)
    stats = run(pipe, storm_mentions())
    stats.alerts.extend(pipe.flush())
    assert len(stats.alerts) >= 2
    first, *rest = stats.alerts
    # The policy is asked with the end of each alert's bucket.
    assert seen == [a.bucket_start + pipe.width for a in stats.alerts]
    assert [m.url for m in slack.sent] == [first.url]
    assert first.notified == [{"channel": "slack", "ok": True, "error": ""}]
    held = [{"channel": "slack", "ok": False, "held": True, "error": "about an old bucket"}]
    assert all(a.notified == held for a in rest)
    with engine.connect() as conn:
        stored = {r.id: r.notified for r in conn.execute(select(ListenAlert))}
    assert stored[first.id] == first.notified
    assert all(stored[a.id] == held for a in rest)
