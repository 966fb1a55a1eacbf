"""Watch and alert services (CLI and web), escalation, settings and the demo stream."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from firewarden.config import Config
from firewarden.detect.types import AlertLevel
from firewarden.errors import ConfigError, InputError
from firewarden.listen.alerts import Escalation, RaisedAlert, alert_message, escalation_from_config
from firewarden.listen.service import (
    add_watch,
    get_watch,
    list_watches,
    remove_watch,
    set_alert_status,
    start_demo_stream,
    update_watch,
    watch_from_form,
)
from firewarden.listen.settings import bucket_width, build_sources, secret
from firewarden.listen.tables import ListenAlert, ListenBucket
from firewarden.listen.watch_service import sync_file_watches
from firewarden.listen.watches import Watch
from firewarden.notify.base import AlertMessage, NotifyError
from firewarden.store.engine import session_factory

from .helpers import Recorder


def test_watch_crud_is_per_organisation(engine: Engine) -> None:
    from firewarden.accounts.service import create_organisation

    with session_factory(engine)() as s:
        org = create_organisation(s, slug="acme", name="Acme", now=dt.datetime.now(dt.UTC)).id
        rec = add_watch(
            s, watch_from_form({"name": "Acme", "keywords": "Acme, アクメ\nACME Co"}), org_id=org
        )
        assert rec.watch.keywords == ("Acme", "アクメ", "ACME Co")
        with pytest.raises(InputError, match="already exists"):
            add_watch(s, Watch(name="Acme", keywords=("x",)), org_id=org)
        add_watch(s, Watch(name="Acme", keywords=("x",)))  # another "organisation": no org
        assert [r.name for r in list_watches(s, org_id=org)] == ["Acme"]
        with pytest.raises(InputError, match="no watch"):
            get_watch(s, rec.id, org_id=None)
        changed = update_watch(
            s, rec.id, Watch(name="Acme", keywords=("Acme",)), org_id=org, enabled=False
        )
        assert changed.watch.keywords == ("Acme",) and not changed.enabled
        remove_watch(s, "Acme", org_id=org)
        assert list_watches(s, org_id=org) == []
        s.commit()


@pytest.mark.parametrize(
    ("form", "message"), [({"name": ""}, "needs a name"), ({"name": "A"}, "nothing to listen for")]
)
def test_watch_form_errors(form: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        watch_from_form(form)


def test_file_watches_sync_pauses_removed_ones(engine: Engine) -> None:
    with session_factory(engine)() as s:
        sync_file_watches(s, [Watch(name="A", keywords=("a",)), Watch(name="B", keywords=("b",))])
        active = sync_file_watches(s, [Watch(name="A", keywords=("a", "aa"))])
        assert [(r.name, r.watch.keywords) for r in active] == [("A", ("a", "aa"))]
        assert [r.enabled for r in list_watches(s)] == [True, False]


def alert(level: str = "warning") -> RaisedAlert:
    from firewarden.detect.types import Explanation

    when = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    e = Explanation("negative", "rise", 30, 3, when, AlertLevel.WARNING, 12.0)
    return RaisedAlert(1, 1, "Acme", level, when, e.summary(), (e,), "https://fw/alerts/1")


class Failing:
    channel = "teams"

    def __init__(self) -> None:
        self.calls = 0

    def send(self, alert: AlertMessage) -> None:
        self.calls += 1
        raise NotifyError("down", channel="teams", retryable=True, retry_after=0.01)


def test_escalation_routes_by_level_and_records_failures() -> None:
    slack, teams = Recorder(), Failing()
    esc = Escalation(
        {"slack": slack, "teams": teams}, {"watch": ["slack"], "crisis": ["slack", "teams"]}
    )
    evidence = {
        "top_terms": ["boycott"],
        "top_posts": ["https://x/1"],
        "sample_mentions": ["so bad"],
    }
    assert esc.send(alert_message(alert("watch"), evidence)) == [
        {"channel": "slack", "ok": True, "error": ""}
    ]
    results = esc.send(alert_message(alert("crisis"), evidence))
    assert results[1]["channel"] == "teams" and not results[1]["ok"] and teams.calls == 2
    message = slack.sent[-1]
    assert message.url == "https://fw/alerts/1" and "top terms: boycott" in message.explanation


def test_messages_speak_plainly_and_do_not_repeat_the_summary() -> None:
    from firewarden.detect.types import Explanation

    lead = alert("warning")
    when = dt.datetime(2026, 1, 5, 9, 55, tzinfo=dt.UTC)
    volume = Explanation("volume", "rise", 90, 30, when, AlertLevel.WATCH, 5.0, window_minutes=10)
    both = RaisedAlert(1, 1, "Acme", "warning", lead.bucket_start, lead.summary,
                       (volume, *lead.explanations), lead.url)  # fmt: skip
    message = alert_message(both, {"top_terms": ["boycott"]})
    # The leading explanation (the stored summary's), in words and UTC, not "+00:00".
    assert message.summary == (
        "Negative mentions rose to 30, 10.0× the expected 3, since 2026-01-05 10:00 UTC"
    )
    assert message.title == "Acme: mentions are heating up (act soon)"
    assert message.explanation == (
        "Mentions over the last 10 min rose to 90, 3.0× the expected 30, "
        "since 2026-01-05 09:55 UTC",
        "top terms: boycott",
    )


def test_escalation_config_errors() -> None:
    with pytest.raises(ConfigError, match="not configured"):
        escalation_from_config({"escalation": {"crisis": ["slack"]}})
    with pytest.raises(ConfigError, match="unknown level"):
        escalation_from_config(
            {"slack": {"webhook_url": "https://hooks/x"}, "escalation": {"fire": []}}
        )
    # A channel written as a bare address instead of a table was ignored: no alert was sent.
    with pytest.raises(ConfigError, match=r"\[alerts\] slack must be a table") as caught:
        escalation_from_config({"slack": "https://hooks.slack.com/services/T/B/x"})
    assert "slack = { webhook_url = … }" in caught.value.hint


def test_settings() -> None:
    config = Config(
        sections={
            "listen": {"bucket_minutes": 10, "sources": {"rss": {"feeds": ["https://n/rss"]}}}
        }
    )
    assert bucket_width(config) == dt.timedelta(minutes=10)
    (src,) = build_sources(config, [Watch(name="A", keywords=("a",))])
    assert src.name == "rss:https://n/rss"
    with pytest.raises(ConfigError, match="unknown source"):
        build_sources(Config(sections={"listen": {"sources": {"tiktok": {}}}}), [])
    with pytest.raises(ConfigError, match="FW_NOPE is not set"):
        secret("env:FW_NOPE", "[listen.sources.x]")
    with pytest.raises(ConfigError, match="bucket_minutes"):
        bucket_width(Config(sections={"listen": {"bucket_minutes": 0}}))


def test_alert_status(engine: Engine) -> None:
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine)() as s:
        rec = add_watch(s, Watch(name="Acme", keywords=("Acme",)))
        row = ListenAlert(
            watch_id=rec.id,
            org_id=None,
            level="crisis",
            bucket_start=now,
            raised_at=now,
            summary="x",
            data={},
            status="open",
            notified=[],
        )
        s.add(row)
        s.flush()
        assert set_alert_status(s, row.id, "acknowledged", org_id=None) == "acknowledged"
        assert s.get(ListenAlert, row.id).status == "acknowledged"  # type: ignore[union-attr]
        with pytest.raises(InputError, match="unknown alert status"):
            set_alert_status(s, row.id, "done", org_id=None)
        with pytest.raises(InputError, match="no alert"):
            set_alert_status(s, row.id, "closed", org_id=999)


def test_demo_stream_comes_alive(engine: Engine) -> None:
    handle = start_demo_stream(engine, "Acme", rate_per_hour=60, history_days=2)
    try:
        assert handle.history_done.wait(60), handle.error
    finally:
        handle.stop()
    assert handle.error is None and not handle.resumed
    assert handle.stats.counted >= 100
    with session_factory(engine)() as s:
        (rec,) = list_watches(s)
        assert rec.name == "Acme" and rec.origin == "demo"
        assert s.execute(select(ListenBucket).where(ListenBucket.watch_id == rec.id)).first()
    # A restart does not add the history again.
    before = handle.stats.counted
    again = start_demo_stream(engine, "Acme", rate_per_hour=60, history_days=2)
    assert again.history_done.wait(60)
    again.stop()
    assert again.error is None and again.stats.counted < 10 < before
    assert again.resumed  # the start message then says the earlier alerts are kept


def test_a_stored_watch_loads_even_if_a_newer_check_would_refuse_it(engine: Engine) -> None:
    """Checks added later refuse new input; they never stop a saved watch from loading."""
    from firewarden.listen.watch_service import add_watch, all_enabled_watches

    deaf = Watch(name="Old", keywords=("Acme",), exclude=("acme",))
    with pytest.raises(ConfigError, match="is part of"):
        Watch.from_dict(deaf.to_dict())
    with session_factory(engine)() as s:
        add_watch(s, deaf)
        s.commit()
    with session_factory(engine)() as s:
        assert [r.watch for r in all_enabled_watches(s)] == [deaf]
