"""The draft workflow against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.checks.types import Level
from firewarden.errors import NotFound
from firewarden.review import audit, service
from firewarden.review.states import RoleRequired, State, WorkflowError
from firewarden.store.tables import AuditEntry, Draft, DraftVersion, ReviewDecision

from .conftest import T0, World, approved_draft, at, new_draft


def state(session: Session, draft_id: int) -> str:
    session.expire_all()
    return session.get_one(Draft, draft_id).state


def test_happy_path_draft_to_scheduled(session: Session, world: World) -> None:
    w = world
    draft_id = new_draft(session, w)
    assert state(session, draft_id) == State.DRAFT
    level = service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
    )
    assert level is Level.NONE
    assert state(session, draft_id) == State.IN_REVIEW
    decision = service.approve(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_a,
        policy=w.policy,
        now=at(1),
    )
    assert decision.approved and state(session, draft_id) == State.APPROVED
    send_after = service.schedule(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(1), undo_seconds=60
    )
    assert send_after == at(2)  # approval time + the undo window
    assert state(session, draft_id) == State.SCHEDULED
    session.commit()
    actions = [
        e.details.get("to")
        for e in session.scalars(select(AuditEntry))
        if e.action == "draft.state"
    ]
    assert actions == ["in_review", "approved", "scheduled"]


def test_medium_needs_two_perspectives(session: Session, world: World) -> None:
    w = world
    w.check.level = Level.MEDIUM
    draft_id = new_draft(session, w)
    service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
    )
    first = service.approve(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_a,
        policy=w.policy,
        now=at(1),
    )
    assert not first.approved
    assert any("different perspective (have: age:30s)" in m for m in first.missing)
    assert state(session, draft_id) == State.IN_REVIEW
    second = service.approve(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_b,
        policy=w.policy,
        now=at(2),
    )
    assert second.approved and state(session, draft_id) == State.APPROVED


def test_author_cannot_approve_own_draft(session: Session, world: World) -> None:
    w = world
    draft_id = new_draft(session, w)
    service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
    )
    with pytest.raises(WorkflowError, match="authors cannot approve"):
        service.approve(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.author,
            policy=w.policy,
            now=at(1),
        )


def test_roles_are_enforced(session: Session, world: World) -> None:
    w = world
    with pytest.raises(RoleRequired, match=r"cannot write drafts.*viewer"):
        service.create_draft(
            session, org_id=w.org_id, author_id=w.viewer, text="hi", targets=[w.account], now=T0
        )
    draft_id = new_draft(session, w)
    service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
    )
    with pytest.raises(WorkflowError, match="cannot approve drafts"):
        service.approve(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.viewer,
            policy=w.policy,
            now=at(1),
        )


def test_other_organisations_drafts_are_invisible(session: Session, world: World) -> None:
    from firewarden.accounts import service as accounts

    w = world
    draft_id = new_draft(session, w)
    other = accounts.create_organisation(session, slug="other", name="Other", now=T0)
    accounts.add_member(
        session,
        org_id=other.id,
        user_id=w.reviewer_a,
        roles=["reviewer", "author"],
        actor="test",
        now=T0,
    )
    with pytest.raises(NotFound, match=f"no draft {draft_id} in this organisation"):
        service.approve(
            session,
            org_id=other.id,
            draft_id=draft_id,
            user_id=w.reviewer_a,
            policy=w.policy,
            now=at(1),
        )
    with pytest.raises(WorkflowError, match="unknown target account"):
        service.create_draft(
            session, org_id=other.id, author_id=w.reviewer_a, text="x", targets=[w.account], now=T0
        )


@pytest.mark.parametrize("change", ["text", "targets", "scheduled_at", "sponsored", "attachments"])
def test_any_edit_invalidates_approvals(session: Session, world: World, change: str) -> None:
    w = world
    draft_id = approved_draft(session, w)
    service.schedule(session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(1))
    old_hash = session.get_one(
        DraftVersion, session.get_one(Draft, draft_id).current_version_id
    ).content_hash
    kwargs: dict[str, object] = {
        "text": {"text": "Spring sale starts tomorrow!"},
        "targets": {"targets": [w.account, w.account2]},
        "scheduled_at": {"scheduled_at": at(60)},
        "sponsored": {"sponsored": True},
        "attachments": {"attachments": ["photo of the shop"]},
    }[change]
    version = service.edit_draft(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.author,
        now=at(2),
        check=w.check,
        **kwargs,
    )  # type: ignore[arg-type]
    assert version.number == 2 and version.content_hash != old_hash
    assert state(session, draft_id) == State.IN_REVIEW
    draft = session.get_one(Draft, draft_id)
    assert draft.approved_at is None and draft.send_after is None
    # The earlier approval is still on record but does not count for the new version.
    assert session.scalar(select(ReviewDecision).where(ReviewDecision.draft_id == draft_id))
    decision = service.current_decision(
        session, org_id=w.org_id, draft_id=draft_id, policy=w.policy
    )
    assert not decision.approved and decision.missing == ("one more approval",)
    # Approving again binds to the new version.
    again = service.approve(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_a,
        policy=w.policy,
        now=at(3),
    )
    assert again.approved


def test_edit_without_change_is_refused(session: Session, world: World) -> None:
    w = world
    draft_id = new_draft(session, w)
    with pytest.raises(WorkflowError, match="nothing changed"):
        service.edit_draft(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.author,
            text="Spring sale starts today!",
            now=at(1),
        )


def test_reject_then_edit_then_resubmit(session: Session, world: World) -> None:
    w = world
    draft_id = new_draft(session, w)
    service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
    )
    with pytest.raises(WorkflowError, match="needs a reason"):
        service.reject(
            session, org_id=w.org_id, draft_id=draft_id, user_id=w.reviewer_a, reason=" ", now=at(1)
        )
    service.reject(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.reviewer_a, reason="tone", now=at(1)
    )
    assert state(session, draft_id) == State.REJECTED
    service.edit_draft(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.author,
        text="Our spring sale starts today.",
        now=at(2),
    )
    assert state(session, draft_id) == State.DRAFT
    service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(3), check=w.check
    )
    assert state(session, draft_id) == State.IN_REVIEW


def test_illegal_transitions_raise_clear_errors(session: Session, world: World) -> None:
    w = world
    draft_id = new_draft(session, w)
    with pytest.raises(WorkflowError, match="cannot schedule: the draft is draft") as exc:
        service.schedule(session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0)
    assert "submit it for review first" in str(exc.value)
    with pytest.raises(WorkflowError, match="cannot approve: the draft is draft"):
        service.approve(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.reviewer_a,
            policy=w.policy,
            now=T0,
        )
    service.withdraw(session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0)
    with pytest.raises(WorkflowError, match="cannot edit: the draft is withdrawn"):
        service.edit_draft(
            session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, text="x", now=T0
        )
    with pytest.raises(WorkflowError, match="cannot submit for review: the draft is withdrawn"):
        service.submit_for_review(
            session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
        )


def test_schedule_respects_the_undo_window(session: Session, world: World) -> None:
    w = world
    # Scheduled for 30 s after approval (T0+1min): inside a 60 s undo window.
    draft_id = approved_draft(session, w, scheduled_at=at(1.5))
    with pytest.raises(WorkflowError, match="inside the undo window"):
        service.schedule(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.author,
            now=at(1),
            undo_seconds=60,
        )
    assert service.schedule(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=at(1), undo_seconds=10
    ) == at(1.5)


def test_critical_needs_admin_override_with_reason(session: Session, world: World) -> None:
    w = world
    w.check.level = Level.CRITICAL
    draft_id = new_draft(session, w)
    service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
    )
    for user in (w.reviewer_a, w.reviewer_b, w.legal):
        d = service.approve(
            session, org_id=w.org_id, draft_id=draft_id, user_id=user, policy=w.policy, now=at(1)
        )
    assert not d.approved and "admin must override" in d.blocked_reason
    with pytest.raises(WorkflowError, match="cannot override the policy"):
        service.override(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            admin_id=w.legal,
            reason="fine",
            policy=w.policy,
            now=at(2),
        )
    with pytest.raises(WorkflowError, match="written reason"):
        service.override(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            admin_id=w.admin,
            reason="  ",
            policy=w.policy,
            now=at(2),
        )
    d = service.override(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        admin_id=w.admin,
        reason="statement agreed with the family",
        policy=w.policy,
        now=at(2),
    )
    assert d.approved and state(session, draft_id) == State.APPROVED
    session.commit()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "draft.override")).one()
    assert entry.details["reason"] == "statement agreed with the family"


def test_accepted_findings_are_recorded_with_span(session: Session, world: World) -> None:
    w = world
    draft_id = new_draft(session, w, text="Pray for Texas - and save 20%")
    row = service.accept_finding(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_a,
        rule_id="tragedy.pray",
        start=0,
        end=15,
        reason="a real relief campaign",
        now=at(1),
    )
    assert row.excerpt == "Pray for Texas "
    with pytest.raises(WorkflowError, match="needs a reason"):
        service.accept_finding(
            session,
            org_id=w.org_id,
            draft_id=draft_id,
            user_id=w.reviewer_a,
            rule_id="x",
            start=0,
            end=1,
            reason="",
            now=at(1),
        )


def test_every_change_is_in_a_valid_audit_chain(session: Session, world: World) -> None:
    w = world
    approved_draft(session, w)
    result = audit.verify(session)
    assert result.ok and result.checked >= 5


def test_overview_shows_current_and_earlier_decisions(session: Session, world: World) -> None:
    from firewarden.review.queries import audit_trail, draft_overview, list_drafts

    w = world
    draft_id = approved_draft(session, w)
    service.edit_draft(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.author,
        text="Spring sale starts tomorrow!",
        now=at(2),
        check=w.check,
    )
    service.add_comment(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.reviewer_b, body="better", now=at(3)
    )
    view = draft_overview(session, org_id=w.org_id, draft_id=draft_id, policy=w.policy)
    assert view.version.number == 2 and view.draft.state == State.IN_REVIEW
    assert view.decisions == [] and len(view.earlier_decisions) == 1
    assert [c.body for c in view.comments] == ["better"]
    assert [r.account_id for r in view.reports] == [w.account]
    assert not view.decision.approved
    assert [d.id for d in list_drafts(session, org_id=w.org_id, states=["in_review"])] == [draft_id]
    assert list_drafts(session, org_id=w.org_id + 1) == []
    trail = audit_trail(session, org_id=w.org_id, draft_id=draft_id)
    assert [e.action for e in trail][:2] == ["draft.created", "draft.state"]
