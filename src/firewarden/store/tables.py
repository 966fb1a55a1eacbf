"""The database tables (SQLAlchemy 2 typed declarative models).

Only portable column types are used, so one model serves SQLite and PostgreSQL. Every row
that belongs to a tenant carries ``org_id`` and every query in the services filters on it.
Changing a model needs a migration: see ``firewarden/store/migrations`` and docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from firewarden.store.types import UTCDateTime

# Stable constraint names so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "author", "reviewer", "legal", "viewer")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class setting)
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Organisation(Base):
    """A tenant: one company using firewarden."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]


class Brand(Base):
    __tablename__ = "brands"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))


class SocialAccount(Base):
    """An account posts go out from. ``credentials`` is Fernet ciphertext, never plaintext."""

    __tablename__ = "social_accounts"
    __table_args__ = (UniqueConstraint("org_id", "platform", "handle"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(40))
    handle: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    avatar_url: Mapped[str] = mapped_column(String(1000), default="")
    kind: Mapped[str] = mapped_column(String(20), default="corporate")
    credentials: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime]


class Membership(Base):
    """One role of one user in one organisation (a user may hold several roles)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("org_id", "user_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))


class ReviewerProfile(Base):
    """Self-declared perspective tags ("age:30s", "region:kansai"), optional, per organisation."""

    __tablename__ = "reviewer_profiles"
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tags: Mapped[list[Any]] = mapped_column(default=list)


class Draft(Base):
    """A post on its way out; its content lives in versions, its state here."""

    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_queue", "state", "send_after"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="SET NULL"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(30), default="draft")
    language: Mapped[str] = mapped_column(String(10), default="en")
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_versions.id", use_alter=True)
    )
    #: Highest check level across targets when the draft was approved.
    approved_level: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[dt.datetime | None]
    #: Not before this moment (schedule, and approval time plus the undo window).
    send_after: Mapped[dt.datetime | None]
    held_reason: Mapped[str] = mapped_column(Text, default="")
    lease_owner: Mapped[str] = mapped_column(String(200), default="")
    lease_expires_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    versions: Mapped[list[DraftVersion]] = relationship(
        back_populates="draft",
        foreign_keys="DraftVersion.draft_id",
        order_by="DraftVersion.number",
    )


class DraftVersion(Base):
    """The content as it was at one edit; approvals bind to its ``content_hash``."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    #: Target account ids, sorted; each is checked to belong to the draft's organisation.
    target_ids: Mapped[list[Any]] = mapped_column(default=list)
    scheduled_at: Mapped[dt.datetime | None]
    sponsored: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime]

    draft: Mapped[Draft] = relationship(back_populates="versions", foreign_keys=[draft_id])


class CheckReport(Base):
    """A stored check result (``Report.to_dict()``) for one version and one target account."""

    __tablename__ = "check_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("draft_versions.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(ForeignKey("social_accounts.id"))
    #: "review" (when submitted or edited) or "publish" (the re-check before sending).
    purpose: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    data: Mapped[dict[str, Any]]
    events: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime]


class ReviewDecision(Base):
    """An approval, rejection or admin override, bound to exactly what was seen."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(20))  # approve | reject | override
    content_hash: Mapped[str] = mapped_column(String(64))
    target_ids: Mapped[list[Any]] = mapped_column(default=list)
    scheduled_at: Mapped[dt.datetime | None]
    #: The reviewer confirmed the target accounts (needed when the check says wrong-account).
    account_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The roles and perspective tags the reviewer had when deciding, for the record.
    roles: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime]


class AcceptedFinding(Base):
    """A finding a reviewer accepted on purpose, with why; shown to later reviewers."""

    __tablename__ = "accepted_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rule_id: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(20), default="text")
    start: Mapped[int]
    end: Mapped[int]
    excerpt: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("draft_versions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


class Publication(Base):
    """One version sent (or being sent) to one account; the idempotency key is unique."""

    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("social_accounts.id"))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: pending | sending (outcome unknown until asked) | sent | failed | deleted
    status: Mapped[str] = mapped_column(String(20), default="pending")
    platform_post_id: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Chosen once when first queued and reused on every retry (adapters derive their
    #: duplicate protection from it together with the key).
    queued_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    deleted_at: Mapped[dt.datetime | None]


class EvidenceSnapshot(Base):
    """What a published post was, saved before deleting it."""

    __tablename__ = "evidence_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]


class AuditEntry(Base):
    """One line of the append-only, hash-chained audit log (see review/audit.py)."""

    __tablename__ = "audit_log"
    #: Assigned by the appender as previous + 1, so a deleted row leaves a visible gap.
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# -- Web app (added by the web app; migration 0002) ------------------------------------------


class ApiToken(Base):
    """A user's token for the JSON API, in one organisation. Only a SHA-256 digest of the
    token is stored (tokens are 256 random bits, so a fast digest is as good as a slow hash)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: The first characters of the token, shown so people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


# The review queue, the calendar and the audit page read one organisation's rows in order,
# a page at a time; these keep that fast with tens of thousands of drafts.
Index("ix_drafts_org_state_updated", Draft.org_id, Draft.state, Draft.updated_at)
Index("ix_drafts_org_send_after", Draft.org_id, Draft.send_after)
Index("ix_audit_log_org_seq", AuditEntry.org_id, AuditEntry.seq)


# The listening tables live with the listening code (migration 0003); imported here so that
# Base.metadata (migrations, schema checks) always includes them.
import firewarden.listen.tables  # noqa: E402, F401
