"""Review use cases: plain functions with keyword-only arguments over a Session.

Each function works inside the caller's transaction (it flushes; the caller commits), checks
the organisation, the user's role and the state table, and writes an audit entry with the
change. The clock is an argument (``now``); the check is an injected function, so tests and
the web app control both. This module holds the draft's life (create, edit, submit, schedule,
retry, withdraw) and re-exports the decisions (``approvals.py``), publishing
(``publishing.py``) and deleting (``removal.py``), so callers need only ``service``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.checks.types import Level
from firewarden.review import audit
from firewarden.review.approvals import (
    accept_finding,
    add_comment,
    approve,
    current_decision,
    override,
    reject,
)
from firewarden.review.common import (
    AUTHORS,
    REVIEWERS,
    CheckFn,
    Targets,
    content_hash,
    current_version,
    default_check,
    get_draft,
    highest,
    move,
    require_role,
    run_checks,
)
from firewarden.review.publishing import publish_due
from firewarden.review.removal import delete_published
from firewarden.review.states import EDITABLE, State, WorkflowError
from firewarden.store.tables import Draft, DraftVersion
from firewarden.store.types import utc
from firewarden.text.language import detect_language

__all__ = [
    "accept_finding",
    "add_comment",
    "approve",
    "cancel_schedule",
    "create_draft",
    "current_decision",
    "delete_published",
    "edit_draft",
    "override",
    "publish_due",
    "reject",
    "retry",
    "schedule",
    "submit_for_review",
    "withdraw",
]

_UNSET: object = object()


def create_draft(
    session: Session,
    *,
    org_id: int,
    author_id: int,
    text: str,
    targets: Sequence[int],
    attachments: Sequence[str] = (),
    scheduled_at: dt.datetime | None = None,
    sponsored: bool = False,
    brand_id: int | None = None,
    now: dt.datetime,
) -> Draft:
    """A new draft (state ``draft``) with its first version."""
    require_role(session, org_id=org_id, user_id=author_id, allowed=AUTHORS, action="write drafts")
    draft = Draft(
        org_id=org_id,
        brand_id=brand_id,
        author_id=author_id,
        state=State.DRAFT.value,
        language=detect_language(text),
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    version = _new_version(
        session,
        draft,
        user_id=author_id,
        text=text,
        attachments=attachments,
        targets=targets,
        scheduled_at=scheduled_at,
        sponsored=sponsored,
        now=now,
    )
    audit.record(
        session,
        org_id=org_id,
        actor=f"user:{author_id}",
        action="draft.created",
        subject=f"draft:{draft.id}",
        details={"version": version.number},
        at=now,
    )
    return draft


def edit_draft(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    user_id: int,
    text: str | None = None,
    attachments: Sequence[str] | None = None,
    targets: Sequence[int] | None = None,
    scheduled_at: dt.datetime | object | None = _UNSET,
    sponsored: bool | None = None,
    now: dt.datetime,
    check: CheckFn | None = None,
    events: Sequence[str] = (),
) -> DraftVersion:
    """A new version with the given changes. Approvals are bound to the old version's content
    hash, so any change sends a reviewed draft back to ``in_review`` (and re-runs the check)."""
    require_role(session, org_id=org_id, user_id=user_id, allowed=AUTHORS, action="edit drafts")
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    state = State(draft.state)
    if state not in EDITABLE:
        raise WorkflowError(
            f"cannot edit: the draft is {state.value.replace('_', ' ')}",
            hint="start a new draft instead",
        )
    old = current_version(session, draft)
    when = old.scheduled_at if scheduled_at is _UNSET else scheduled_at
    assert when is None or isinstance(when, dt.datetime)
    version = _new_version(
        session,
        draft,
        user_id=user_id,
        text=old.text if text is None else text,
        attachments=old.attachments if attachments is None else attachments,
        targets=old.target_ids if targets is None else targets,
        scheduled_at=when,
        sponsored=old.sponsored if sponsored is None else sponsored,
        now=now,
    )
    if version.content_hash == old.content_hash:
        raise WorkflowError("nothing changed", hint="edit the text, targets, time or attachments")
    draft.language = detect_language(version.text)
    audit.record(
        session,
        org_id=org_id,
        actor=f"user:{user_id}",
        action="draft.edited",
        subject=f"draft:{draft.id}",
        details={"version": version.number, "hash": version.content_hash},
        at=now,
    )
    if state in (State.IN_REVIEW, State.APPROVED, State.SCHEDULED, State.FAILED):
        _clear_approval(draft)
        move(
            session,
            draft,
            State.IN_REVIEW,
            actor=f"user:{user_id}",
            action="edit",
            now=now,
            details={"reason": "edited: earlier approvals no longer apply"},
        )
        run_checks(
            session,
            draft,
            version,
            check=check or default_check(),
            events=events,
            purpose="review",
            now=now,
        )
    elif state is State.REJECTED:
        move(session, draft, State.DRAFT, actor=f"user:{user_id}", action="edit", now=now)
    return version


def submit_for_review(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    user_id: int,
    now: dt.datetime,
    check: CheckFn | None = None,
    events: Sequence[str] = (),
) -> Level:
    """Run the check for every target account and send the draft to reviewers; returns the
    highest level found."""
    require_role(session, org_id=org_id, user_id=user_id, allowed=AUTHORS, action="submit drafts")
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    version = current_version(session, draft)
    if not version.target_ids:
        raise WorkflowError(
            "cannot submit: the draft has no target account",
            hint="choose at least one account to post from",
        )
    move(
        session,
        draft,
        State.IN_REVIEW,
        actor=f"user:{user_id}",
        action="submit for review",
        now=now,
    )
    return highest(
        run_checks(
            session,
            draft,
            version,
            check=check or default_check(),
            events=events,
            purpose="review",
            now=now,
        )
    )


def schedule(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    user_id: int,
    now: dt.datetime,
    undo_seconds: int = 60,
) -> dt.datetime:
    """Queue an approved draft; returns when it will be sent. Nothing is sent before the
    approval time plus the undo window, so a mistaken approval can still be stopped."""
    require_role(
        session,
        org_id=org_id,
        user_id=user_id,
        allowed=AUTHORS | REVIEWERS,
        action="schedule drafts",
    )
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    version = current_version(session, draft)
    if draft.state == State.APPROVED and draft.held_reason:
        raise WorkflowError(
            "cannot schedule: the draft is held",
            hint=f"{draft.held_reason}; reviewers must approve it again",
        )
    earliest = utc(draft.approved_at or now) + dt.timedelta(seconds=undo_seconds)
    send_after = version.scheduled_at or max(earliest, utc(now))
    if send_after < earliest:
        raise WorkflowError(
            f"the scheduled time {send_after:%Y-%m-%d %H:%M} UTC is inside the undo window, "
            f"which ends {earliest:%Y-%m-%d %H:%M:%S} UTC",
            hint="edit the draft to a later time (it will need approval again)",
        )
    move(
        session,
        draft,
        State.SCHEDULED,
        actor=f"user:{user_id}",
        action="schedule",
        now=now,
        details={"send_after": send_after.isoformat()},
    )
    draft.send_after = send_after
    return send_after


def retry(session: Session, *, org_id: int, draft_id: int, user_id: int, now: dt.datetime) -> None:
    """Queue a failed or partially published draft again; accounts that already have the post
    are skipped, and any attempt with an unknown outcome is looked up before resending."""
    require_role(
        session, org_id=org_id, user_id=user_id, allowed=AUTHORS | REVIEWERS, action="retry"
    )
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    if draft.state not in (State.FAILED, State.PARTIALLY_PUBLISHED):
        raise WorkflowError(
            f"cannot retry: the draft is {draft.state.replace('_', ' ')}",
            hint="only failed or partially published drafts are retried",
        )
    move(session, draft, State.SCHEDULED, actor=f"user:{user_id}", action="retry", now=now)
    draft.send_after = now


def withdraw(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    user_id: int,
    now: dt.datetime,
    reason: str = "",
) -> None:
    """Stop a draft for good (before it is published)."""
    require_role(
        session,
        org_id=org_id,
        user_id=user_id,
        allowed=AUTHORS | REVIEWERS,
        action="withdraw drafts",
    )
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    move(
        session,
        draft,
        State.WITHDRAWN,
        actor=f"user:{user_id}",
        action="withdraw",
        now=now,
        details={"reason": reason.strip()},
    )
    draft.send_after = None


# -- helpers ---------------------------------------------------------------------------------


def _new_version(
    session: Session,
    draft: Draft,
    *,
    user_id: int,
    text: str,
    attachments: Sequence[str],
    targets: Sequence[int],
    scheduled_at: dt.datetime | None,
    sponsored: bool,
    now: dt.datetime,
) -> DraftVersion:
    if not text.strip():
        raise WorkflowError("the draft is empty", hint="write the post's text")
    target_ids = Targets.validate(session, org_id=draft.org_id, ids=targets)
    when = utc(scheduled_at) if scheduled_at else None
    number = 1 + (
        session.scalar(
            select(DraftVersion.number)
            .where(DraftVersion.draft_id == draft.id)
            .order_by(DraftVersion.number.desc())
            .limit(1)
        )
        or 0
    )
    version = DraftVersion(
        draft_id=draft.id,
        number=number,
        text=text,
        attachments=list(attachments),
        target_ids=target_ids,
        scheduled_at=when,
        sponsored=sponsored,
        content_hash=content_hash(text, attachments, target_ids, when, sponsored),
        created_by=user_id,
        created_at=now,
    )
    session.add(version)
    session.flush()
    draft.current_version_id = version.id
    draft.updated_at = now
    return version


def _clear_approval(draft: Draft) -> None:
    draft.approved_at = None
    draft.approved_level = None
    draft.send_after = None
    draft.held_reason = ""


# -- Added for the web app's undo window ------------------------------------------------------


def cancel_schedule(
    session: Session, *, org_id: int, draft_id: int, user_id: int, now: dt.datetime
) -> None:
    """Take a scheduled draft off the queue before it is sent (the "cancel" of the undo
    window): it goes back to ``approved`` and is sent only when scheduled again."""
    require_role(
        session,
        org_id=org_id,
        user_id=user_id,
        allowed=AUTHORS | REVIEWERS,
        action="cancel scheduled drafts",
    )
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    if draft.state != State.SCHEDULED:
        raise WorkflowError(
            f"cannot cancel: the draft is {draft.state.replace('_', ' ')}",
            hint="only a scheduled draft that has not started sending can be cancelled",
        )
    move(session, draft, State.APPROVED, actor=f"user:{user_id}", action="cancel", now=now)
    draft.send_after = None
