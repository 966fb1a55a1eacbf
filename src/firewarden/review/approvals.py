"""Review decisions: approve, reject, override, accepted findings and comments.

Approvals are bound to exactly what the reviewer saw (version, content hash, targets, schedule);
the approval policy decides from those that still match the current version.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.accounts.service import perspective_tags
from firewarden.errors import InputError
from firewarden.review import audit
from firewarden.review.common import (
    AUTHORS,
    REVIEWERS,
    current_version,
    get_draft,
    move,
    require_role,
    version_level,
)
from firewarden.review.policy import Approval, ApprovalPolicy, Decision, Override
from firewarden.review.states import State, WorkflowError
from firewarden.store.tables import AcceptedFinding, Comment, Draft, DraftVersion, ReviewDecision


def approve(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    user_id: int,
    policy: ApprovalPolicy,
    now: dt.datetime,
    account_confirmed: bool = False,
    comment: str = "",
) -> Decision:
    """Record an approval of the current version; the draft becomes ``approved`` once the
    policy is satisfied. Also releases a draft held at publish time."""
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    if draft.author_id == user_id:
        raise WorkflowError(
            "authors cannot approve their own drafts", hint="ask a reviewer from your organisation"
        )
    roles = require_role(
        session, org_id=org_id, user_id=user_id, allowed=REVIEWERS, action="approve drafts"
    )
    held = bool(draft.held_reason) and draft.state in (State.APPROVED, State.SCHEDULED)
    if draft.state != State.IN_REVIEW and not held:
        raise WorkflowError(
            f"cannot approve: the draft is {draft.state.replace('_', ' ')}",
            hint="only drafts in review (or held before publishing) are approved",
        )
    version = current_version(session, draft)
    if any(a.user_id == user_id for a in _approvals(session, draft, version)) and not held:
        raise WorkflowError("you have already approved this version")
    _decide(
        session,
        draft,
        version,
        user_id=user_id,
        roles=roles,
        decision="approve",
        reason=comment,
        account_confirmed=account_confirmed,
        now=now,
    )
    return _settle(session, draft, version, policy=policy, actor=f"user:{user_id}", now=now)


def override(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    admin_id: int,
    reason: str,
    policy: ApprovalPolicy,
    now: dt.datetime,
) -> Decision:
    """An admin lets a blocked (critical) draft through, with a written reason; the other
    requirements of its level still apply."""
    roles = require_role(
        session,
        org_id=org_id,
        user_id=admin_id,
        allowed=frozenset({"admin"}),
        action="override the policy",
    )
    if not reason.strip():
        raise WorkflowError(
            "an override needs a written reason",
            hint="say why publishing is right despite the check",
        )
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    if draft.state not in (State.IN_REVIEW, State.APPROVED, State.SCHEDULED):
        raise WorkflowError(f"cannot override: the draft is {draft.state.replace('_', ' ')}")
    if draft.author_id == admin_id:
        raise WorkflowError(
            "the author cannot override the policy for their own draft", hint="ask another admin"
        )
    version = current_version(session, draft)
    _decide(
        session,
        draft,
        version,
        user_id=admin_id,
        roles=roles,
        decision="override",
        reason=reason.strip(),
        account_confirmed=False,
        now=now,
    )
    return _settle(session, draft, version, policy=policy, actor=f"user:{admin_id}", now=now)


def reject(
    session: Session, *, org_id: int, draft_id: int, user_id: int, reason: str, now: dt.datetime
) -> None:
    """Send the draft back to its author with a reason."""
    roles = require_role(
        session, org_id=org_id, user_id=user_id, allowed=REVIEWERS, action="reject drafts"
    )
    if not reason.strip():
        raise WorkflowError("a rejection needs a reason", hint="tell the author what to change")
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    version = current_version(session, draft)
    move(
        session,
        draft,
        State.REJECTED,
        actor=f"user:{user_id}",
        action="reject",
        now=now,
        details={"reason": reason.strip()},
    )
    _decide(
        session,
        draft,
        version,
        user_id=user_id,
        roles=roles,
        decision="reject",
        reason=reason.strip(),
        account_confirmed=False,
        now=now,
    )


def accept_finding(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    user_id: int,
    rule_id: str,
    start: int,
    end: int,
    reason: str,
    field: str = "text",
    now: dt.datetime,
) -> AcceptedFinding:
    """Record that a finding is accepted on purpose, and why; later reviewers see it."""
    require_role(
        session,
        org_id=org_id,
        user_id=user_id,
        allowed=REVIEWERS | AUTHORS,
        action="accept findings",
    )
    if not reason.strip():
        raise WorkflowError(
            "accepting a finding needs a reason", hint="say why the text is fine as written"
        )
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    version = current_version(session, draft)
    source = version.text if field == "text" else "\n".join(version.attachments)
    row = AcceptedFinding(
        org_id=org_id,
        draft_id=draft.id,
        version_id=version.id,
        user_id=user_id,
        rule_id=rule_id,
        field=field,
        start=start,
        end=end,
        excerpt=source[start:end],
        reason=reason.strip(),
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        org_id=org_id,
        actor=f"user:{user_id}",
        action="finding.accepted",
        subject=f"draft:{draft.id}",
        details={"rule_id": rule_id, "span": [start, end], "reason": row.reason},
        at=now,
    )
    return row


def add_comment(
    session: Session, *, org_id: int, draft_id: int, user_id: int, body: str, now: dt.datetime
) -> Comment:
    require_role(
        session, org_id=org_id, user_id=user_id, allowed=REVIEWERS | AUTHORS, action="comment"
    )
    if not body.strip():
        raise InputError("nothing added: the comment is empty", where="body", hint="write it first")
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    row = Comment(
        org_id=org_id,
        draft_id=draft.id,
        version_id=draft.current_version_id,
        user_id=user_id,
        body=body.strip(),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def current_decision(
    session: Session, *, org_id: int, draft_id: int, policy: ApprovalPolicy
) -> Decision:
    """What the policy says about the current version now (for showing what is missing)."""
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    version = current_version(session, draft)
    return _policy_decision(session, draft, version, policy)


def _decide(
    session: Session,
    draft: Draft,
    version: DraftVersion,
    *,
    user_id: int,
    roles: frozenset[str],
    decision: str,
    reason: str,
    account_confirmed: bool,
    now: dt.datetime,
) -> None:
    tags = perspective_tags(session, org_id=draft.org_id, user_id=user_id)
    session.add(
        ReviewDecision(
            org_id=draft.org_id,
            draft_id=draft.id,
            version_id=version.id,
            user_id=user_id,
            decision=decision,
            content_hash=version.content_hash,
            target_ids=version.target_ids,
            scheduled_at=version.scheduled_at,
            account_confirmed=account_confirmed,
            reason=reason,
            roles=sorted(roles),
            tags=sorted(tags),
            created_at=now,
        )
    )
    session.flush()
    audit.record(
        session,
        org_id=draft.org_id,
        actor=f"user:{user_id}",
        action=f"draft.{decision}",
        subject=f"draft:{draft.id}",
        details={
            "version": version.number,
            "hash": version.content_hash,
            "reason": reason,
            "account_confirmed": account_confirmed,
        },
        at=now,
    )


def is_bound(d: ReviewDecision, version: DraftVersion) -> bool:
    """A decision counts only for exactly what the reviewer saw."""
    return (
        d.version_id == version.id
        and d.content_hash == version.content_hash
        and list(d.target_ids) == list(version.target_ids)
        and d.scheduled_at == version.scheduled_at
    )


def _decisions(session: Session, draft: Draft, version: DraftVersion) -> list[ReviewDecision]:
    rows = session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.draft_id == draft.id, ReviewDecision.org_id == draft.org_id)
        .order_by(ReviewDecision.id)
    )
    return [d for d in rows if is_bound(d, version)]


def _approvals(session: Session, draft: Draft, version: DraftVersion) -> list[Approval]:
    return [
        Approval(
            user_id=d.user_id,
            roles=frozenset(d.roles),
            tags=frozenset(d.tags),
            account_confirmed=d.account_confirmed,
        )
        for d in _decisions(session, draft, version)
        if d.decision == "approve"
    ]


def _policy_decision(
    session: Session, draft: Draft, version: DraftVersion, policy: ApprovalPolicy
) -> Decision:
    level, wrong_account = version_level(session, version)
    overrides = [d for d in _decisions(session, draft, version) if d.decision == "override"]
    last = overrides[-1] if overrides else None
    return policy.decide(
        level,
        _approvals(session, draft, version),
        author_id=draft.author_id,
        override=Override(last.user_id, frozenset(last.roles), last.reason) if last else None,
        needs_account_confirmation=wrong_account,
    )


def _settle(
    session: Session,
    draft: Draft,
    version: DraftVersion,
    *,
    policy: ApprovalPolicy,
    actor: str,
    now: dt.datetime,
) -> Decision:
    decision = _policy_decision(session, draft, version, policy)
    if decision.approved:
        level, _ = version_level(session, version)
        if draft.state != State.APPROVED:
            move(
                session,
                draft,
                State.APPROVED,
                actor=actor,
                action="approve",
                now=now,
                details={"level": level.label, "released_hold": draft.held_reason},
            )
        draft.approved_at = now
        draft.approved_level = int(level)
        draft.held_reason = ""
        draft.send_after = None
    return decision
