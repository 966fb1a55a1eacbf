"""Connecting to the database: SQLite by default, PostgreSQL by URL.

SQLite is tuned for a small team on one machine: WAL (readers never block the writer),
a busy timeout (wait for the lock instead of failing), foreign keys on, and write
transactions that take the write lock up front (``BEGIN IMMEDIATE``) so two writers never
deadlock half-way. PostgreSQL needs the ``postgres`` extra (``pip install 'firewarden[postgres]'``).
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from firewarden.errors import ConfigError

DEFAULT_URL = "sqlite:///firewarden.db"
ENV_VAR = "FIREWARDEN_DATABASE_URL"
#: Milliseconds a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_url(explicit: str | None = None) -> str:
    """The database URL: ``explicit``, else ``$FIREWARDEN_DATABASE_URL``, else a SQLite file
    ``firewarden.db`` in the current directory."""
    return explicit or os.environ.get(ENV_VAR) or DEFAULT_URL


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (see :func:`database_url`), with the SQLite settings above."""
    text = database_url(url)
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise ConfigError(
            f"cannot read the database URL {_redact(text)!r}",
            hint="use sqlite:///path/to/file.db or postgresql+psycopg://user@host/dbname",
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        # Default to psycopg 3, the driver the postgres extra installs.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, **kwargs)
    except NoSuchModuleError:
        raise ConfigError(
            f"no database driver for {parsed.drivername!r}",
            hint="SQLite works out of the box; for PostgreSQL: pip install 'firewarden[postgres]'",
        ) from None
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"the database driver is not installed ({exc.name})",
            hint="for PostgreSQL: pip install 'firewarden[postgres]'",
        ) from None
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``. ``read_only`` sessions on SQLite do not take the write lock."""
    bind = engine.execution_options(sqlite_begin="DEFERRED") if read_only else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


def check_schema(engine: Engine) -> None:
    """Refuse to run on a database whose schema is not at the latest migration."""
    from firewarden.store.migrate import current_revision, head_revision

    current = current_revision(engine)
    if current != head_revision():
        state = "has no firewarden tables yet" if current is None else "schema is out of date"
        raise ConfigError(
            f"the database {state} (at {current or 'nothing'}, need {head_revision()})",
            where=_redact(str(engine.url)),
            hint="run: firewarden db upgrade",
        )


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]
