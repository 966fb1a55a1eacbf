"""``firewarden db`` and ``firewarden audit verify`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from firewarden.cli import cli
from firewarden.store.engine import make_engine


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FIREWARDEN_DATABASE_URL", raising=False)
    monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_db_upgrade_and_current(url: str) -> None:
    runner = CliRunner()
    current = runner.invoke(cli, ["db", "current", "--database-url", url])
    assert current.exit_code == 1 and "run: firewarden db upgrade" in current.output
    first = runner.invoke(cli, ["db", "upgrade", "--database-url", url])
    from firewarden.store.migrate import head_revision

    assert first.exit_code == 0 and f"from empty to {head_revision()}" in first.output
    again = runner.invoke(cli, ["db", "upgrade", "--database-url", url])
    assert "already up to date" in again.output
    assert runner.invoke(cli, ["db", "current", "--database-url", url]).exit_code == 0


def test_db_url_from_environment(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREWARDEN_DATABASE_URL", url)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert Path(url.removeprefix("sqlite:///")).exists()


def test_commands_refuse_an_old_schema(url: str) -> None:
    result = CliRunner().invoke(cli, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 2
    assert "run: firewarden db upgrade" in result.output
    assert "Traceback" not in result.output


def test_audit_verify_exit_codes(url: str) -> None:
    import datetime as dt

    from firewarden.review import audit
    from firewarden.store.engine import session_factory
    from firewarden.store.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as session:
        for i in range(3):
            audit.record(
                session,
                org_id=None,
                actor="test",
                action="x",
                subject=str(i),
                details={},
                at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
        session.commit()
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--database-url", url])
    assert ok.exit_code == 0 and "ok: 3 entries" in ok.output
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET subject = 'changed' WHERE seq = 2"))
    bad = runner.invoke(cli, ["audit", "verify", "--database-url", url])
    assert bad.exit_code == 1
    assert "BROKEN at entry 2: entry 2 was changed after it was written" in bad.output
    engine.dispose()


def test_unreachable_database_is_one_clear_line(url: str) -> None:
    result = CliRunner().invoke(
        cli, ["db", "upgrade", "--database-url", "postgresql://nobody@127.0.0.1:1/none"]
    )
    assert result.exit_code == 2 and "cannot use the database" in result.output
    assert "Traceback" not in result.output
