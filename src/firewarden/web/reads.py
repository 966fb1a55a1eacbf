"""Read-only queries for the pages and the API: one organisation's rows, a page at a time.

Every query filters on ``org_id`` first (tenant isolation) and pages with LIMIT/OFFSET over
indexed columns, so the queue and the calendar stay fast with tens of thousands of drafts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from firewarden.checks.types import Level
from firewarden.review.common import get_draft
from firewarden.review.states import State
from firewarden.store.tables import (
    AuditEntry,
    CheckReport,
    Draft,
    DraftVersion,
    Membership,
    ReviewerProfile,
    SocialAccount,
    User,
)

T = TypeVar("T")
PER_PAGE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class DraftRow:
    """One line of the drafts list."""

    draft: Draft
    version: DraftVersion
    level: Level | None
    author: str
    accounts: list[SocialAccount] = field(default_factory=list)


def accounts_of(session: Session, *, org_id: int) -> list[SocialAccount]:
    return list(
        session.scalars(
            select(SocialAccount)
            .where(SocialAccount.org_id == org_id)
            .order_by(SocialAccount.kind, SocialAccount.platform, SocialAccount.handle)
        )
    )


def draft_page(
    session: Session,
    *,
    org_id: int,
    states: Sequence[str] = (),
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[DraftRow]:
    """Drafts newest first (optionally only in ``states``), one page."""
    page = max(1, page)
    where = [Draft.org_id == org_id]
    if states:
        where.append(Draft.state.in_([State(s).value for s in states]))
    total = session.scalar(select(func.count()).select_from(Draft).where(*where)) or 0
    drafts = list(
        session.scalars(
            select(Draft)
            .where(*where)
            .order_by(Draft.updated_at.desc(), Draft.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(_rows(session, org_id, drafts), page, per_page, total)


def calendar_rows(
    session: Session,
    *,
    org_id: int,
    start: dt.datetime,
    end: dt.datetime,
    page: int = 1,
    per_page: int = 200,
) -> Page[DraftRow]:
    """Drafts going out (or planned to) in [start, end), in time order, one page: queued ones
    by the time they are sent, the others by the time their author asked for; withdrawn ones
    are left out."""
    page = max(1, page)
    moment = func.coalesce(Draft.send_after, DraftVersion.scheduled_at)
    where = (
        Draft.org_id == org_id,
        Draft.state != State.WITHDRAWN.value,
        moment >= start,
        moment < end,
    )
    joined = select(Draft).join(DraftVersion, DraftVersion.id == Draft.current_version_id)
    total = session.scalar(select(func.count()).select_from(joined.where(*where).subquery())) or 0
    drafts = list(
        session.scalars(
            joined.where(*where)
            .order_by(moment, Draft.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(_rows(session, org_id, drafts), page, per_page, total)


def _rows(session: Session, org_id: int, drafts: list[Draft]) -> list[DraftRow]:
    if not drafts:
        return []
    version_ids = [d.current_version_id for d in drafts if d.current_version_id is not None]
    versions = {
        v.id: v
        for v in session.scalars(select(DraftVersion).where(DraftVersion.id.in_(version_ids)))
    }
    levels = dict(
        session.execute(
            select(CheckReport.version_id, func.max(CheckReport.level))
            .where(CheckReport.version_id.in_(version_ids))
            .group_by(CheckReport.version_id)
        ).all()
    )
    authors = dict(
        session.execute(
            select(User.id, User.display_name).where(User.id.in_({d.author_id for d in drafts}))
        ).all()
    )
    accounts = {a.id: a for a in accounts_of(session, org_id=org_id)}
    rows = []
    for d in drafts:
        version = versions.get(d.current_version_id or -1)
        if version is None:
            continue
        level = levels.get(version.id)
        rows.append(
            DraftRow(
                draft=d,
                version=version,
                level=Level(level) if level is not None else None,
                author=authors.get(d.author_id, "?"),
                accounts=[accounts[i] for i in version.target_ids if i in accounts],
            )
        )
    return rows


def versions_of(session: Session, *, org_id: int, draft_id: int) -> list[DraftVersion]:
    """Every version of a draft of the organisation, oldest first."""
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    return list(
        session.scalars(
            select(DraftVersion)
            .where(DraftVersion.draft_id == draft.id)
            .order_by(DraftVersion.number)
        )
    )


def audit_page(
    session: Session, *, org_id: int, page: int = 1, per_page: int = PER_PAGE, subject: str = ""
) -> Page[AuditEntry]:
    """The organisation's audit entries, newest first."""
    page = max(1, page)
    where = [AuditEntry.org_id == org_id]
    if subject:
        where.append(AuditEntry.subject == subject)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    items = list(
        session.scalars(
            select(AuditEntry)
            .where(*where)
            .order_by(AuditEntry.seq.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items, page, per_page, total)


@dataclass(frozen=True)
class Member:
    user: User
    roles: list[str]
    tags: list[str]


def members_of(session: Session, *, org_id: int) -> list[Member]:
    """The organisation's people with their roles and perspective tags."""
    roles: dict[int, list[str]] = {}
    for user_id, role in session.execute(
        select(Membership.user_id, Membership.role).where(Membership.org_id == org_id)
    ).all():
        roles.setdefault(user_id, []).append(role)
    if not roles:
        return []
    tags: dict[int, list[str]] = dict(
        session.execute(
            select(ReviewerProfile.user_id, ReviewerProfile.tags).where(
                ReviewerProfile.org_id == org_id
            )
        ).all()
    )
    users = session.scalars(select(User).where(User.id.in_(roles)).order_by(User.display_name))
    return [Member(u, sorted(roles[u.id]), list(tags.get(u.id) or [])) for u in users]


def user_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(set(ids)))).all()
    )
