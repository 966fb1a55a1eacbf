"""The audit log's hash chain finds edited and deleted rows, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from firewarden.review import audit

T = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def fill(session: Session, n: int = 5) -> None:
    for i in range(n):
        audit.record(
            session,
            org_id=1,
            actor=f"user:{i}",
            action="draft.state",
            subject=f"draft:{i}",
            details={"to": "approved", "日本語": "はい", "n": 1.5},
            at=T + dt.timedelta(seconds=i),
        )
    session.commit()


def tamper(session: Session, sql: str) -> None:
    """Change the log behind firewarden's back (PostgreSQL's guard trigger switched off)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    session.execute(text(sql))
    session.commit()


def test_intact_chain_verifies(session: Session) -> None:
    fill(session)
    result = audit.verify(session)
    assert result.ok and result.checked == 5 and len(result.head_hash) == 64


def test_empty_log_verifies(session: Session) -> None:
    assert audit.verify(session).ok


def test_edited_row_is_found(session: Session) -> None:
    fill(session)
    tamper(session, "UPDATE audit_log SET actor = 'user:99' WHERE seq = 3")
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 3
    assert "entry 3 was changed after it was written" in result.problem


def test_deleted_row_is_found(session: Session) -> None:
    fill(session)
    tamper(session, "DELETE FROM audit_log WHERE seq = 2")
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 3 and "entry 2 is missing" in result.problem


def test_renumbered_deletion_is_found(session: Session) -> None:
    fill(session)
    tamper(session, "DELETE FROM audit_log WHERE seq = 2")
    tamper(session, "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2")
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 2
    assert "does not point at the entry before it" in result.problem


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete(pg_db_url: str) -> None:
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.store.migrate import upgrade

    engine = make_engine(pg_db_url)
    upgrade(engine)
    try:
        with session_factory(engine)() as session:
            fill(session, 1)
            for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
                with pytest.raises(DBAPIError, match="append-only"):
                    session.execute(text(sql))
                session.rollback()
            assert audit.verify(session).ok
    finally:
        engine.dispose()
