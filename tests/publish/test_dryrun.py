from __future__ import annotations

from firewarden.publish.dryrun import DryRunPublisher

from .conftest import outgoing


def test_records_what_would_be_posted_with_stable_fake_ids() -> None:
    dry = DryRunPublisher("x")
    result = dry.publish(outgoing())
    assert result.url == f"https://dry-run.invalid/x/{result.post_id}"
    assert [(r.action, r.post) for r in dry.records] == [("publish", outgoing())]
    assert DryRunPublisher("x").publish(outgoing()).post_id == result.post_id


def test_same_key_is_not_recorded_twice_and_status_finds_it() -> None:
    dry = DryRunPublisher()
    first = dry.publish(outgoing())
    assert dry.publish(outgoing()).created is False
    assert len(dry.records) == 1
    found = dry.status(outgoing())
    assert found is not None and found.post_id == first.post_id and found.found_by == "key"


def test_delete_is_recorded_and_status_then_none() -> None:
    dry = DryRunPublisher()
    first = dry.publish(outgoing())
    dry.delete(first.post_id)
    dry.delete(first.post_id)
    assert [r.action for r in dry.records] == ["publish", "delete"]
    assert dry.status(first.post_id) is None


def test_naive_queue_time_is_taken_as_utc() -> None:
    from dataclasses import replace

    aware = outgoing()
    naive = replace(aware, queued_at=aware.queued_at.replace(tzinfo=None))
    assert naive.queued_utc == aware.queued_utc == aware.queued_at
