"""Migrations from an empty database, and refusing to run on an out-of-date schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from firewarden.errors import ConfigError
from firewarden.store.engine import check_schema, database_url, make_engine
from firewarden.store.migrate import current_revision, head_revision, upgrade
from firewarden.store.tables import Base


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(ConfigError, match="no firewarden tables yet") as exc:
            check_schema(engine)
        assert "firewarden db upgrade" in str(exc.value)
        before, after = upgrade(engine)
        assert before is None and after == head_revision()
        check_schema(engine)  # no error now
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert upgrade(engine) == (head_revision(), head_revision())  # idempotent
    finally:
        engine.dispose()


def test_out_of_date_schema_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    assert current_revision(engine) == "0000"
    with pytest.raises(ConfigError) as exc:
        check_schema(engine)
    message = str(exc.value)
    assert "the database schema is out of date" in message
    assert "run: firewarden db upgrade" in message


def test_sqlite_pragmas(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    engine.dispose()


def test_database_url_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREWARDEN_DATABASE_URL", raising=False)
    assert database_url(None) == "sqlite:///firewarden.db"
    monkeypatch.setenv("FIREWARDEN_DATABASE_URL", "sqlite:///env.db")
    assert database_url(None) == "sqlite:///env.db"
    assert database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "cannot read the database URL"), ("mysql+nodriver://x/y", "no database driver")],
)
def test_bad_urls_say_what_to_do(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_engine(url)


def test_watch_revision_migration_upgrades_and_downgrades(db_url: str) -> None:
    from alembic import command

    from firewarden.listen.watch_service import add_watch, watch_revision
    from firewarden.listen.watches import Watch
    from firewarden.store.engine import session_factory
    from firewarden.store.migrate import alembic_config

    engine = make_engine(db_url)
    try:
        upgrade(engine, "0003")
        assert "listen_watch_revision" not in inspect(engine).get_table_names()
        upgrade(engine, "0004")
        with engine.connect() as conn:
            assert watch_revision(conn) == 0  # the one row is there from the start
        with session_factory(engine)() as s:
            add_watch(s, Watch("Acme", keywords=("Acme",)))
            s.commit()
        with engine.connect() as conn:
            assert watch_revision(conn) == 1
        command.downgrade(alembic_config(engine), "0003")
        assert current_revision(engine) == "0003"
        tables = inspect(engine).get_table_names()
        assert "listen_watch_revision" not in tables and "listen_watches" in tables
        upgrade(engine)
        with engine.connect() as conn:
            assert watch_revision(conn) == 0
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def test_checkpoint_migration_upgrades_and_downgrades(db_url: str) -> None:
    import datetime as dt

    from alembic import command

    from firewarden.listen.checkpoint import load_checkpoint, save_checkpoint
    from firewarden.listen.watch_service import add_watch
    from firewarden.listen.watches import Watch
    from firewarden.store.engine import session_factory
    from firewarden.store.migrate import alembic_config

    engine = make_engine(db_url)
    try:
        upgrade(engine, "0004")
        assert "listen_checkpoints" not in inspect(engine).get_table_names()
        upgrade(engine, "0005")
        with session_factory(engine)() as s:
            rec = add_watch(s, Watch("Acme", keywords=("Acme",)))
            s.commit()
        start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        state = bytes(range(256)) * 40  # binary, larger than a page
        with engine.begin() as conn:
            save_checkpoint(conn, rec.id, start, "v1", state)
        with engine.connect() as conn:
            found = load_checkpoint(conn, rec.id)
        assert found is not None and (found.next_start, found.state) == (start, state)
        command.downgrade(alembic_config(engine), "0004")
        tables = inspect(engine).get_table_names()
        assert "listen_checkpoints" not in tables and "listen_watches" in tables
        upgrade(engine)
        with engine.connect() as conn:
            assert load_checkpoint(conn, rec.id) is None
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()
