"""``firewarden db``: create or upgrade the database schema, show where it is, rotate the key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from firewarden.errors import ConfigError
from firewarden.store.engine import make_engine

DATABASE_URL_HELP = (
    "Database URL (default: $FIREWARDEN_DATABASE_URL, then [database] url in firewarden.toml, "
    "then sqlite:///firewarden.db)."
)


def resolve_url(explicit: str | None) -> str:
    """``--database-url``, else the configuration (which reads the environment first)."""
    if explicit:
        return explicit
    from firewarden.cli import current_config

    return current_config().database_url


@contextmanager
def open_engine(explicit: str | None) -> Iterator[Engine]:
    """An engine for the command, turning connection failures into one clear message."""
    engine = make_engine(resolve_url(explicit))
    try:
        yield engine
    except OperationalError as exc:
        raise ConfigError(
            f"cannot use the database: {str(exc.orig).strip().splitlines()[0]}",
            where=engine.url.render_as_string(hide_password=True),
            hint="check the URL and that the server is running (docs/operations.md)",
        ) from None
    finally:
        engine.dispose()


@click.group("db")
def db_group() -> None:
    """Create, upgrade and inspect the database."""


@db_group.command("upgrade")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
def upgrade_command(database_url: str | None) -> None:
    """Apply the migrations this version ships (creates the tables on a new database)."""
    from firewarden.store.migrate import upgrade

    with open_engine(database_url) as engine:
        before, after = upgrade(engine)
    if before == after:
        click.echo(f"the database is already up to date (revision {after})")
    else:
        click.echo(f"upgraded the database from {before or 'empty'} to {after}")


@db_group.command("current")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
def current_command(database_url: str | None) -> None:
    """Show the database's schema revision and the newest one this version ships."""
    from firewarden.store.migrate import current_revision, head_revision

    with open_engine(database_url) as engine:
        current = current_revision(engine)
    head = head_revision()
    click.echo(f"database: {current or 'empty'}\nthis version: {head}")
    if current != head:
        click.echo("run: firewarden db upgrade")
        raise SystemExit(1)


@db_group.command("rotate-key")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
def rotate_key_command(database_url: str | None) -> None:
    """Re-encrypt stored account credentials with the first key in FIREWARDEN_SECRET_KEY.

    Set FIREWARDEN_SECRET_KEY=NEW,OLD first; afterwards NEW alone is enough.
    """
    from firewarden.accounts.service import rotate_credentials_key
    from firewarden.store.engine import check_schema, session_factory

    with open_engine(database_url) as engine:
        check_schema(engine)
        with session_factory(engine)() as session:
            count = rotate_credentials_key(session)
            session.commit()
    click.echo(f"re-encrypted the credentials of {count} account(s) with the first key")
