"""Sending due drafts: claim, re-check with the world as it is now, send once per account.

Unlike the other use cases, :func:`publish_due` commits: it works in short transactions so no
write transaction is ever held across a network call.

1. Claim: due ``scheduled`` drafts (and ``publishing`` ones whose lease ran out) are marked
   ``publishing`` with a lease (worker id + expiry). PostgreSQL uses ``FOR UPDATE SKIP LOCKED``;
   SQLite runs the claim as one ``BEGIN IMMEDIATE`` transaction (one writer at a time).
2. Re-check: the check runs again with the events of now. If the level rose above the level
   that was approved (or a wrong-account finding appears without a confirming approval), the
   draft is held: back to ``scheduled`` with ``held_reason``, until reviewers approve again.
3. Send: per target account, a publication row with idempotency key (version id + account id)
   is marked ``sending`` and committed, then the Publisher is called. Any earlier attempt whose
   outcome is unknown (a worker died, a timeout) is looked up with ``Publisher.status`` first,
   so a retry never posts twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from firewarden.checks.types import Level, Severity
from firewarden.publish.base import Attachment, OutgoingPost, Publisher
from firewarden.publish.errors import PublishError
from firewarden.review import audit
from firewarden.review.common import (
    WRONG_ACCOUNT,
    CheckFn,
    current_version,
    default_check,
    highest,
    move,
    run_checks,
)
from firewarden.review.states import State
from firewarden.store.tables import Draft, Publication, ReviewDecision, SocialAccount

#: Gives the Publisher for an account (see firewarden.publish).
PublisherFor = Callable[[SocialAccount], Publisher]
DEFAULT_LEASE = dt.timedelta(minutes=5)


@dataclass
class AccountResult:
    account_id: int
    status: str  # sent | failed | skipped
    post_id: str = ""
    url: str = ""
    error: str = ""


@dataclass
class PublishOutcome:
    draft_id: int
    state: str
    held_reason: str = ""
    accounts: list[AccountResult] = field(default_factory=list)


def idempotency_key(version_id: int, account_id: int) -> str:
    return f"firewarden-v{version_id}-a{account_id}"


def publish_due(
    session: Session,
    *,
    now: dt.datetime,
    publisher_for: PublisherFor,
    worker_id: str = "worker",
    check: CheckFn | None = None,
    events: Sequence[str] = (),
    lease: dt.timedelta = DEFAULT_LEASE,
    limit: int = 10,
) -> list[PublishOutcome]:
    """Publish what is due at ``now``; returns what happened to each claimed draft."""
    session.commit()  # start from a clean slate: claims must be their own short transaction
    claimed = claim_due(session, now=now, worker_id=worker_id, lease=lease, limit=limit)
    run_check = check or default_check()
    return [
        _publish_one(
            session,
            draft_id,
            now=now,
            worker_id=worker_id,
            lease=lease,
            check=run_check,
            events=events,
            publisher_for=publisher_for,
        )
        for draft_id in claimed
    ]


def claim_due(
    session: Session, *, now: dt.datetime, worker_id: str, lease: dt.timedelta, limit: int
) -> list[int]:
    """Mark up to ``limit`` due drafts as ours (one short transaction); returns their ids."""
    due = or_(
        and_(
            Draft.state == State.SCHEDULED.value, Draft.send_after <= now, Draft.held_reason == ""
        ),
        and_(Draft.state == State.PUBLISHING.value, Draft.lease_expires_at < now),
    )
    query = (
        select(Draft)
        .where(due)
        .order_by(Draft.send_after, Draft.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = []
    for draft in session.scalars(query):
        if draft.state == State.SCHEDULED:
            move(
                session,
                draft,
                State.PUBLISHING,
                actor=f"worker:{worker_id}",
                action="publish",
                now=now,
            )
        else:
            audit.record(
                session,
                org_id=draft.org_id,
                actor=f"worker:{worker_id}",
                action="publish.lease_taken_over",
                subject=f"draft:{draft.id}",
                details={"previous_worker": draft.lease_owner},
                at=now,
            )
        draft.lease_owner = worker_id
        draft.lease_expires_at = now + lease
        ids.append(draft.id)
    session.commit()
    return ids


def _publish_one(
    session: Session,
    draft_id: int,
    *,
    now: dt.datetime,
    worker_id: str,
    lease: dt.timedelta,
    check: CheckFn,
    events: Sequence[str],
    publisher_for: PublisherFor,
) -> PublishOutcome:
    draft = session.get_one(Draft, draft_id)
    version = current_version(session, draft)
    started = session.scalar(
        select(Publication.id)
        .where(Publication.version_id == version.id, Publication.attempts > 0)
        .limit(1)
    )
    if started is None:  # nothing sent yet: the last check decides whether to send at all
        reason = _hold_reason(session, draft, version.id, check, events, now)
        if reason:
            move(
                session,
                draft,
                State.SCHEDULED,
                actor=f"worker:{worker_id}",
                action="hold",
                now=now,
                details={"held": reason},
            )
            draft.held_reason = reason
            _release(draft)
            audit.record(
                session,
                org_id=draft.org_id,
                actor=f"worker:{worker_id}",
                action="publish.held",
                subject=f"draft:{draft.id}",
                details={"reason": reason},
                at=now,
            )
            session.commit()
            return PublishOutcome(draft.id, draft.state, held_reason=reason)
    session.commit()
    results = [
        _send_to(
            session,
            draft_id,
            account_id,
            now=now,
            worker_id=worker_id,
            lease=lease,
            publisher_for=publisher_for,
        )
        for account_id in list(version.target_ids)
    ]
    draft = session.get_one(Draft, draft_id)
    if any(r.status == "lost-lease" for r in results):
        session.commit()
        return PublishOutcome(draft.id, draft.state, accounts=results)
    sent = sum(r.status == "sent" for r in results)
    final = (
        State.PUBLISHED
        if sent == len(results)
        else State.PARTIALLY_PUBLISHED
        if sent
        else State.FAILED
    )
    move(
        session,
        draft,
        final,
        actor=f"worker:{worker_id}",
        action="finish publishing",
        now=now,
        details={"accounts": [r.__dict__ for r in results]},
    )
    _release(draft)
    session.commit()
    return PublishOutcome(draft.id, draft.state, accounts=results)


def _hold_reason(
    session: Session,
    draft: Draft,
    version_id: int,
    check: CheckFn,
    events: Sequence[str],
    now: dt.datetime,
) -> str:
    """Why the draft must not go out now (empty: it may)."""
    version = current_version(session, draft)
    reports = run_checks(
        session, draft, version, check=check, events=events, purpose="publish", now=now
    )
    level, approved = highest(reports), Level(draft.approved_level or 0)
    if level > approved:
        why = sorted({f.message for r in reports for f in r.findings if f.severity > Severity.INFO})
        return (
            f"the check now says {level.label} (it was {approved.label} when approved)"
            + (": " + "; ".join(why[:3]) if why else "")
            + (f" [events now: {', '.join(events)}]" if events else "")
        )
    wrong = any(f.category == WRONG_ACCOUNT for r in reports for f in r.findings)
    confirmed = session.scalar(
        select(ReviewDecision.id)
        .where(
            ReviewDecision.version_id == version_id,
            ReviewDecision.decision == "approve",
            ReviewDecision.content_hash == version.content_hash,
            ReviewDecision.account_confirmed.is_(True),
        )
        .limit(1)
    )
    if wrong and confirmed is None:
        return "the check flagged a possible wrong account and no approver confirmed the accounts"
    return ""


def _send_to(
    session: Session,
    draft_id: int,
    account_id: int,
    *,
    now: dt.datetime,
    worker_id: str,
    lease: dt.timedelta,
    publisher_for: PublisherFor,
) -> AccountResult:
    # Short transaction 1: confirm the lease is still ours and mark the attempt.
    draft = session.scalars(select(Draft).where(Draft.id == draft_id).with_for_update()).one()
    if draft.lease_owner != worker_id:
        session.commit()
        return AccountResult(account_id, "lost-lease", error="another worker took this draft over")
    version = current_version(session, draft)
    account = session.get_one(SocialAccount, account_id)
    key = idempotency_key(version.id, account_id)
    pub = session.scalar(select(Publication).where(Publication.idempotency_key == key))
    if pub is None:
        pub = Publication(
            org_id=draft.org_id,
            draft_id=draft.id,
            version_id=version.id,
            account_id=account_id,
            idempotency_key=key,
            status="pending",
            attempts=0,
            queued_at=draft.send_after or now,
        )
        session.add(pub)
        session.flush()
    pub_id = pub.id
    if pub.status in ("sent", "deleted"):
        result = AccountResult(account_id, "sent", pub.platform_post_id, pub.url)
        session.commit()
        return result
    uncertain = pub.attempts > 0  # an earlier attempt may have reached the platform
    pub.status = "sending"
    pub.attempts += 1
    draft.lease_expires_at = now + lease
    post = OutgoingPost(
        text=version.text,
        idempotency_key=key,
        account=account.handle,
        queued_at=pub.queued_at,
        attachments=tuple(Attachment(description=a) for a in version.attachments),
    )
    publisher: Publisher | None = None
    setup_error = ""
    try:
        publisher = publisher_for(account)
    except Exception as exc:  # a missing adapter or credentials: fail this account, say why
        setup_error = _message(exc)
    session.commit()
    # No transaction is open here: the network call cannot hold a database lock.
    status, post_id, url, error = "failed", "", "", ""
    if publisher is None:
        error = setup_error
    else:
        try:
            found = publisher.status(post) if uncertain else None
            if found is not None:
                status, post_id, url = "sent", found.post_id, found.url
            else:
                posted = publisher.publish(post)
                status, post_id, url = "sent", posted.post_id, posted.url
        except Exception as exc:  # recorded per account; the draft shows what failed and why
            error = _message(exc)
    # Short transaction 2: record the outcome.
    pub = session.get_one(Publication, pub_id)
    pub.status, pub.platform_post_id, pub.url, pub.error = status, post_id, url, error
    if status == "sent":
        pub.sent_at = now
    audit.record(
        session,
        org_id=pub.org_id,
        actor=f"worker:{worker_id}",
        action=f"publish.{status}",
        subject=f"draft:{draft_id}",
        details={
            "account_id": account_id,
            "key": key,
            "post_id": post_id,
            "url": url,
            "error": error,
            "recovered": uncertain and status == "sent",
        },
        at=now,
    )
    session.commit()
    return AccountResult(account_id, status, post_id, url, error)


def _release(draft: Draft) -> None:
    draft.lease_owner = ""
    draft.lease_expires_at = None


def _message(exc: BaseException) -> str:
    if isinstance(exc, PublishError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
