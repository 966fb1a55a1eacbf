"""listening: a watch revision counter, bumped with every watch change (live reload)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import firewarden.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "listen_watch_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", firewarden.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listen_watch_revision")),
    )
    # The one row the watch service bumps (a running listener polls it).
    op.bulk_insert(table, [{"id": 1, "revision": 0, "updated_at": dt.datetime.now(dt.UTC)}])


def downgrade() -> None:
    op.drop_table("listen_watch_revision")
