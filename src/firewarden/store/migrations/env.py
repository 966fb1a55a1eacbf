"""Alembic environment: runs on the engine handed in by firewarden.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from firewarden.store.engine import make_engine
from firewarden.store.tables import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        # Plain `alembic` runs (developers generating migrations) use the usual URL lookup.
        engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit(
        "offline (SQL script) migrations are not supported; use: firewarden db upgrade"
    )
run_migrations_online()
