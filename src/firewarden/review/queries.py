"""Read-side helpers for screens and APIs: what a draft looks like now, scoped by organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.review.approvals import current_decision, is_bound
from firewarden.review.common import current_version, get_draft
from firewarden.review.policy import ApprovalPolicy, Decision
from firewarden.review.states import State
from firewarden.store.tables import (
    AcceptedFinding,
    AuditEntry,
    CheckReport,
    Comment,
    Draft,
    DraftVersion,
    Publication,
    ReviewDecision,
)


@dataclass(frozen=True)
class DraftOverview:
    """Everything a reviewer sees about one draft."""

    draft: Draft
    version: DraftVersion
    #: The latest report per target account for the current version.
    reports: list[CheckReport]
    #: Decisions that count for the current version, and earlier ones kept for the record.
    decisions: list[ReviewDecision]
    earlier_decisions: list[ReviewDecision]
    accepted_findings: list[AcceptedFinding]
    comments: list[Comment]
    publications: list[Publication]
    decision: Decision


def list_drafts(
    session: Session, *, org_id: int, states: Iterable[State | str] = (), limit: int = 100
) -> list[Draft]:
    """The organisation's drafts, newest first, optionally only in ``states``."""
    query = select(Draft).where(Draft.org_id == org_id)
    wanted = [State(s).value for s in states]
    if wanted:
        query = query.where(Draft.state.in_(wanted))
    return list(
        session.scalars(query.order_by(Draft.updated_at.desc(), Draft.id.desc()).limit(limit))
    )


def draft_overview(
    session: Session, *, org_id: int, draft_id: int, policy: ApprovalPolicy
) -> DraftOverview:
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    version = current_version(session, draft)
    latest: dict[int | None, CheckReport] = {}
    for report in session.scalars(
        select(CheckReport).where(CheckReport.version_id == version.id).order_by(CheckReport.id)
    ):
        latest[report.account_id] = report
    all_decisions = list(
        session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.draft_id == draft.id, ReviewDecision.org_id == org_id)
            .order_by(ReviewDecision.id)
        )
    )

    def rows(table: type[AcceptedFinding] | type[Comment] | type[Publication]) -> list[Any]:
        return list(
            session.scalars(
                select(table)
                .where(table.draft_id == draft.id, table.org_id == org_id)
                .order_by(table.id)
            )
        )

    return DraftOverview(
        draft=draft,
        version=version,
        reports=list(latest.values()),
        decisions=[d for d in all_decisions if is_bound(d, version)],
        earlier_decisions=[d for d in all_decisions if not is_bound(d, version)],
        accepted_findings=rows(AcceptedFinding),
        comments=rows(Comment),
        publications=rows(Publication),
        decision=current_decision(session, org_id=org_id, draft_id=draft.id, policy=policy),
    )


def audit_trail(session: Session, *, org_id: int, draft_id: int) -> list[AuditEntry]:
    """The audit entries about one draft, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.org_id == org_id, AuditEntry.subject == f"draft:{draft_id}")
            .order_by(AuditEntry.seq)
        )
    )
