"""The commands: serve refuses an old schema; org, user and token set up who signs in; the demo
seeds once and reuses its data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from firewarden.cli import cli

from .conftest import SECRET


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", SECRET)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FIREWARDEN_DATABASE_URL", url)
    return url


def test_serve_refuses_an_empty_or_old_schema(env: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "has no firewarden tables yet" in result.output
    assert "firewarden db upgrade" in result.output


def test_serve_needs_a_secret_key(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    monkeypatch.delenv("FIREWARDEN_SECRET_KEY")
    result = runner.invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2 and "FIREWARDEN_SECRET_KEY is not set" in result.output


def test_org_user_and_token(env: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    made = runner.invoke(cli, ["org", "create", "acme", "Acme Coffee"])
    assert made.exit_code == 0 and "firewarden user add" in made.output
    short = runner.invoke(
        cli, ["user", "add", "ann@example.org", "--org", "acme", "--role", "admin"], input="short\n"
    )
    assert short.exit_code == 2 and "shorter than 12" in short.output
    added = runner.invoke(
        cli,
        ["user", "add", "ann@example.org", "--org", "acme", "--role", "admin", "--role", "author"],
        input="a long first password\n",
    )
    assert added.exit_code == 0 and "admin, author" in added.output
    token = runner.invoke(cli, ["token", "create", "ann@example.org", "--org", "acme"])
    assert token.exit_code == 0 and token.output.startswith("fw_")
    missing = runner.invoke(cli, ["token", "create", "bob@example.org", "--org", "acme"])
    assert missing.exit_code == 2 and "no user bob@example.org" in missing.output
    wrong_org = runner.invoke(cli, ["token", "create", "ann@example.org", "--org", "nope"])
    assert wrong_org.exit_code == 2 and "firewarden org create" in wrong_org.output


def test_demo_seeds_once_then_reuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FIREWARDEN_SECRET_KEY", raising=False)
    monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "using a demo key kept in var/demo/secret.key" in first.output
    assert "Created the demo organisation" in first.output
    for role in ("admin", "author", "reviewer", "legal", "viewer"):
        assert f"{role}@demo.example" in first.output
    passwords = json.loads((tmp_path / "var/demo/sign-in.json").read_text())
    assert passwords["admin"] in first.output
    again = runner.invoke(cli, ["demo", "--no-serve"])
    assert "Reusing the demo organisation" in again.output and passwords["admin"] in again.output

    from sqlalchemy import select

    from firewarden.review.states import State
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.store.tables import Draft

    engine = make_engine(f"sqlite:///{tmp_path / 'var/demo/firewarden.db'}")
    with session_factory(engine)() as s:
        states = set(s.scalars(select(Draft.state)))
    engine.dispose()
    assert states == {s.value for s in State} - {State.PUBLISHING.value}


def test_demo_showcase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--showcase"])
    assert result.exit_code == 0 and "typhoon" in result.output
    assert not (tmp_path / "var").exists()
