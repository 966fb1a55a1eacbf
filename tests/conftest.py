"""Shared fixtures: servers tests may need, and databases on both backends.

``session`` (and ``engine``/``sessions``) run each test against a fresh SQLite file and a
fresh PostgreSQL schema. PostgreSQL is 127.0.0.1:5432, user postgres, trust auth, database
``test`` (override with FIREWARDEN_TEST_PG_URL); when it cannot be reached those tests are
skipped with the reason, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

PG_URL = os.environ.get(
    "FIREWARDEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def require_server(host: str, port: int, what: str) -> None:
    """Skip the test when ``host:port`` does not answer (fail instead when CI=true)."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        message = f"{what} is not reachable at {host}:{port} ({exc})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI needs it")
        pytest.skip(message)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database URL with nothing in it, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'firewarden.db'}"
        return
    yield from _pg_schema_url()


@pytest.fixture
def pg_db_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema only (for PostgreSQL-specific behaviour)."""
    yield from _pg_schema_url()


def _pg_schema_url() -> Iterator[str]:
    from sqlalchemy.engine import make_url

    from firewarden.store.engine import make_engine

    url = make_url(PG_URL)
    require_server(url.host or "127.0.0.1", url.port or 5432, "PostgreSQL")
    schema = f"fwtest_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        # Every connection of the test sees only its own schema.
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the latest schema."""
    from firewarden.store.engine import make_engine
    from firewarden.store.migrate import upgrade

    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    from firewarden.store.engine import session_factory

    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s:
        yield s
