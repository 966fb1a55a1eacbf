"""listening: per-watch detector checkpoints (a rebuild replays only what came after one)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import firewarden.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "listen_checkpoints",
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("next_start", firewarden.store.types.UTCDateTime(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("written_at", firewarden.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["listen_watches.id"],
            name=op.f("fk_listen_checkpoints_watch_id_listen_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("watch_id", name=op.f("pk_listen_checkpoints")),
    )


def downgrade() -> None:
    op.drop_table("listen_checkpoints")
