"""Publishing due drafts: the last check, idempotent retries and concurrent workers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from firewarden.checks.types import Level
from firewarden.review import audit, service
from firewarden.review.publishing import idempotency_key, publish_due
from firewarden.review.removal import delete_published
from firewarden.review.states import State, WorkflowError
from firewarden.store.tables import AuditEntry, Draft, EvidenceSnapshot, Publication

from .conftest import World, approved_draft, at, make_world


def scheduled(session: Session, w: World, **kw: object) -> int:
    draft_id = approved_draft(session, w, **kw)
    service.schedule(session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(1))
    session.commit()
    return draft_id


def run(session: Session, w: World, now: dt.datetime, **kw: object):  # type: ignore[no-untyped-def]
    return publish_due(session, now=now, publisher_for=w.publisher_for, check=w.check, **kw)  # type: ignore[arg-type]


def test_nothing_is_sent_before_the_undo_window_ends(session: Session, world: World) -> None:
    w = world
    scheduled(session, w)  # approved at T0+1min, undo 60 s: not before T0+2min
    assert run(session, w, at(1.9)) == []
    assert w.publisher.publish_calls == []
    [outcome] = run(session, w, at(2))
    assert outcome.state == State.PUBLISHED
    assert len(w.publisher.publish_calls) == 1


def test_publishes_to_every_target_and_records_ids(session: Session, world: World) -> None:
    w = world
    draft_id = scheduled(session, w, targets=[w.account, w.account2])
    [outcome] = run(session, w, at(5))
    assert outcome.state == State.PUBLISHED
    pubs = session.scalars(select(Publication).where(Publication.draft_id == draft_id)).all()
    assert {p.status for p in pubs} == {"sent"}
    assert all(p.url.startswith("https://fake/") and p.platform_post_id for p in pubs)
    version_id = session.get_one(Draft, draft_id).current_version_id
    assert {p.idempotency_key for p in pubs} == {
        idempotency_key(version_id, w.account),
        idempotency_key(version_id, w.account2),
    }
    assert run(session, w, at(6)) == []  # nothing left to do
    assert len(w.publisher.publish_calls) == 2


def test_level_rise_at_publish_time_holds_the_draft(session: Session, world: World) -> None:
    w = world
    draft_id = scheduled(session, w)
    w.check.level_if_events = {"earthquake": Level.HIGH}
    [outcome] = run(session, w, at(5), events=["earthquake in Noto"])
    assert outcome.state == State.SCHEDULED
    assert "now says high (it was none when approved)" in outcome.held_reason
    assert "earthquake in Noto" in outcome.held_reason
    assert w.publisher.publish_calls == []
    session.expire_all()
    draft = session.get_one(Draft, draft_id)
    assert draft.state == State.SCHEDULED and draft.held_reason
    held = session.scalars(select(AuditEntry).where(AuditEntry.action == "publish.held")).one()
    assert "high" in held.details["reason"]
    # Held drafts are not picked again, even once the world calms down.
    w.check.level_if_events = {}
    assert run(session, w, at(10)) == []
    # Reviewers approve again under the higher level's policy (two perspectives + legal).
    for user in (w.reviewer_a, w.reviewer_b):
        d = service.approve(
            session, org_id=w.org_id, draft_id=draft_id, user_id=user, policy=w.policy, now=at(11)
        )
    assert not d.approved and "an approval from legal" in d.missing
    d = service.approve(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.legal, policy=w.policy, now=at(12)
    )
    assert d.approved and session.get_one(Draft, draft_id).state == State.APPROVED
    service.schedule(session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(12))
    session.commit()
    [outcome] = run(session, w, at(14))
    assert outcome.state == State.PUBLISHED


def test_wrong_account_finding_needs_confirmation(session: Session, world: World) -> None:
    w = world
    draft_id = scheduled(session, w)
    w.check.categories = ["wrong-account"]  # appears at publish time, same level as approved
    [outcome] = run(session, w, at(5))
    assert outcome.state == State.SCHEDULED
    assert "wrong account" in outcome.held_reason
    assert w.publisher.publish_calls == []
    d = service.approve(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_b,
        policy=w.policy,
        now=at(6),
    )
    assert not d.approved and any("confirms the target accounts" in m for m in d.missing)
    d = service.approve(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_b,
        policy=w.policy,
        now=at(6),
        account_confirmed=True,
    )
    assert d.approved


def test_retry_after_lost_reply_asks_status_first(session: Session, world: World) -> None:
    """A post that reached the platform but whose reply was lost is not posted again."""
    w = world
    draft_id = scheduled(session, w)
    version_id = session.get_one(Draft, draft_id).current_version_id
    key = idempotency_key(version_id, w.account)
    w.publisher.lose_reply.add(key)
    [outcome] = run(session, w, at(5))
    assert outcome.state == State.FAILED and "TimeoutError" in outcome.accounts[0].error
    assert key in w.publisher.posts  # it did go out
    # A person retries the failed draft: scheduled again, the worker runs.
    service.retry(session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(6))
    session.commit()
    [outcome] = run(session, w, at(7))
    assert outcome.state == State.PUBLISHED
    assert w.publisher.status_calls == [key]
    assert w.publisher.publish_calls == [key]  # exactly one publish call ever
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "publish.sent")).one()
    assert entry.details["recovered"] is True


def test_worker_killed_mid_publish_lease_expires(session: Session, world: World) -> None:
    """A worker died after marking the post as sending; another takes over after the lease."""
    w = world
    draft_id = scheduled(session, w)
    from firewarden.review.publishing import claim_due

    [claimed] = claim_due(
        session, now=at(5), worker_id="dead", lease=dt.timedelta(minutes=5), limit=10
    )
    assert claimed == draft_id
    # The dead worker had posted and marked the row sending, then died before recording.
    version_id = session.get_one(Draft, draft_id).current_version_id
    key = idempotency_key(version_id, w.account)
    session.add(
        Publication(
            org_id=w.org_id,
            draft_id=draft_id,
            version_id=version_id,
            account_id=w.account,
            idempotency_key=key,
            status="sending",
            attempts=1,
            queued_at=at(2),
        )
    )
    session.commit()
    w.publisher.posts[key] = "Spring sale starts today!"
    assert run(session, w, at(9), worker_id="live") == []  # lease still running
    [outcome] = run(session, w, at(11), worker_id="live")
    assert outcome.state == State.PUBLISHED
    assert w.publisher.publish_calls == [] and w.publisher.status_calls == [key]


def test_partial_failure(session: Session, world: World) -> None:
    w = world
    draft_id = scheduled(session, w, targets=[w.account, w.account2])
    version_id = session.get_one(Draft, draft_id).current_version_id
    w.publisher.refuse.add(idempotency_key(version_id, w.account2))
    [outcome] = run(session, w, at(5))
    assert outcome.state == State.PARTIALLY_PUBLISHED
    failed = [a for a in outcome.accounts if a.status == "failed"]
    assert [a.account_id for a in failed] == [w.account2] and "platform down" in failed[0].error
    w.publisher.refuse.clear()
    service.retry(session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(6))
    session.commit()
    [outcome] = run(session, w, at(6))
    assert outcome.state == State.PUBLISHED
    # The account that already had the post was not sent it again.
    assert w.publisher.publish_calls.count(idempotency_key(version_id, w.account)) == 1


def test_missing_publisher_fails_clearly(session: Session, world: World) -> None:
    w = world
    scheduled(session, w)

    def none_for(account: object) -> object:
        raise LookupError("no publisher for platform 'fake'")

    [outcome] = publish_due(
        session,
        now=at(5),
        publisher_for=none_for,  # type: ignore[arg-type]
        check=w.check,
    )
    assert outcome.state == State.FAILED
    assert "no publisher for platform 'fake'" in outcome.accounts[0].error


def test_delete_published_saves_evidence_first(session: Session, world: World) -> None:
    w = world
    draft_id = scheduled(session, w, text="本日より春のセールを開始します！")
    run(session, w, at(5))
    with pytest.raises(WorkflowError, match="needs a reason"):
        delete_published(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.admin,
            reason="",
            publisher_for=w.publisher_for,
            now=at(30),
        )
    result = delete_published(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.admin,
        reason="posted during the earthquake",
        publisher_for=w.publisher_for,
        now=at(30),
    )
    assert result.deleted_account_ids == [w.account] and not result.errors
    assert "削除" in result.follow_up
    snap = session.get_one(EvidenceSnapshot, result.snapshot_ids[0])
    assert snap.data["text"] == "本日より春のセールを開始します！"
    assert snap.data["url"].startswith("https://fake/") and snap.data["report"] is not None
    assert w.publisher.deleted == [snap.data["platform_post_id"]]
    actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert actions.index("post.evidence_saved") < actions.index("post.deleted")
    with pytest.raises(WorkflowError, match="nothing published"):
        delete_published(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.admin,
            reason="again",
            publisher_for=w.publisher_for,
            now=at(31),
        )
    assert audit.verify(session).ok


def _race(sessions: sessionmaker[Session], w: World, workers: int) -> list[list[object]]:
    barrier = threading.Barrier(workers)
    results: list[list[object]] = [[] for _ in range(workers)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            with sessions() as s:
                barrier.wait()
                for _ in range(3):
                    results[i].extend(
                        publish_due(
                            s,
                            now=at(5),
                            publisher_for=w.publisher_for,
                            check=w.check,
                            worker_id=f"w{i}",
                            limit=2,
                        )
                    )
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_concurrent_workers_never_double_post(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        w = make_world(s)
        ids = [
            scheduled(s, w, text=f"Post number {i}", targets=[w.account, w.account2])
            for i in range(6)
        ]
    results = _race(sessions, w, workers=3)
    keys = w.publisher.publish_calls
    assert len(keys) == len(set(keys)) == 12  # every post once, to both accounts
    claimed = [o.draft_id for r in results for o in r]  # type: ignore[attr-defined]
    assert sorted(claimed) == sorted(ids)
    with sessions() as s:
        assert {d.state for d in s.scalars(select(Draft))} == {State.PUBLISHED}
        assert audit.verify(s).ok
