"""listening: watches, mentions, per-watch counts and buckets, source cursors, alerts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import firewarden.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = firewarden.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "listen_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _UTC(), nullable=False),
        sa.Column("updated_at", _UTC(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_listen_watches_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listen_watches")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_listen_watches_org_id")),
    )
    op.create_index(op.f("ix_listen_watches_org_id"), "listen_watches", ["org_id"])
    op.create_table(
        "listen_mentions",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("platform_id", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("author_id", sa.String(length=300), nullable=False),
        sa.Column("author_handle", sa.String(length=300), nullable=False),
        sa.Column("followers", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _UTC(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("reply_to", sa.String(length=300), nullable=False),
        sa.Column("reply_to_author", sa.String(length=300), nullable=False),
        sa.Column("quote_of", sa.String(length=300), nullable=False),
        sa.Column("quote_of_author", sa.String(length=300), nullable=False),
        sa.Column("repost_of", sa.String(length=300), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("quotes", sa.Integer(), nullable=False),
        sa.Column("media", sa.String(length=100), nullable=False),
        sa.Column("sentiment", sa.String(length=10), nullable=False),
        sa.Column("offensive", sa.Boolean(), nullable=False),
        sa.Column("complaint", sa.Boolean(), nullable=False),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("misconduct", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "platform_id", name=op.f("pk_listen_mentions")),
    )
    op.create_index("ix_listen_mentions_created_at", "listen_mentions", ["created_at"])
    op.create_table(
        "listen_mention_watches",
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("platform_id", sa.String(length=300), nullable=False),
        sa.Column("created_at", _UTC(), nullable=False),
        sa.Column("negative", sa.Boolean(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("reply_to_brand", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["listen_watches.id"],
            name=op.f("fk_listen_mention_watches_watch_id_listen_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "watch_id", "platform", "platform_id", name=op.f("pk_listen_mention_watches")
        ),
    )
    op.create_index(
        "ix_listen_mention_watches_time", "listen_mention_watches", ["watch_id", "created_at"]
    )
    op.create_table(
        "listen_buckets",
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("start", _UTC(), nullable=False),
        sa.Column("volume", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("reach_negative", sa.Float(), nullable=False),
        sa.Column("replies_to_brand", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["listen_watches.id"],
            name=op.f("fk_listen_buckets_watch_id_listen_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("watch_id", "start", name=op.f("pk_listen_buckets")),
    )
    op.create_table(
        "listen_cursors",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("updated_at", _UTC(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_listen_cursors")),
    )
    op.create_table(
        "listen_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("bucket_start", _UTC(), nullable=False),
        sa.Column("raised_at", _UTC(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("notified", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_listen_alerts_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["listen_watches.id"],
            name=op.f("fk_listen_alerts_watch_id_listen_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listen_alerts")),
        sa.UniqueConstraint(
            "watch_id", "bucket_start", "level", name=op.f("uq_listen_alerts_watch_id")
        ),
    )
    op.create_index(op.f("ix_listen_alerts_org_id"), "listen_alerts", ["org_id"])
    op.create_index(op.f("ix_listen_alerts_watch_id"), "listen_alerts", ["watch_id"])


def downgrade() -> None:
    op.drop_table("listen_alerts")
    op.drop_table("listen_cursors")
    op.drop_table("listen_buckets")
    op.drop_table("listen_mention_watches")
    op.drop_table("listen_mentions")
    op.drop_table("listen_watches")
