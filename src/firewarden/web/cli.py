"""``firewarden serve``, ``firewarden token create``, ``firewarden user add`` and
``firewarden org create``: run the web app and set up who can use it."""

from __future__ import annotations

import datetime as dt

import click

from firewarden.errors import InputError
from firewarden.store.cli import DATABASE_URL_HELP, open_engine


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (default: [web] host, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: [web] port, 8000).")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Mark the session cookie Secure (default: on when [web] base_url is https).",
)
def serve_command(
    host: str | None, port: int | None, database_url: str | None, secure_cookies: bool | None
) -> None:
    """Run the web app (pages and the JSON API under /api/v1)."""
    import uvicorn

    from firewarden.cli import current_config
    from firewarden.store.cli import resolve_url
    from firewarden.web.app import create_app

    config = current_config()
    app = create_app(config, database_url=resolve_url(database_url), cookie_secure=secure_cookies)
    bind_host, bind_port = host or config.web_host, port or config.web_port
    click.echo(f"firewarden is at http://{bind_host}:{bind_port}/  (Ctrl+C stops it)")
    uvicorn.run(app, host=bind_host, port=bind_port, log_level="warning", proxy_headers=True)


def _org_id(session: object, slug: str) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from firewarden.store.tables import Organisation

    assert isinstance(session, Session)
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise InputError(f"no organisation {slug!r}", hint="create it with: firewarden org create")
    return org.id


@click.group("org")
def org_group() -> None:
    """Organisations (tenants)."""


@org_group.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
def org_create(slug: str, name: str, database_url: str | None) -> None:
    """Create an organisation, e.g.: firewarden org create acme "Acme Coffee"."""
    from firewarden.accounts.service import create_organisation
    from firewarden.store.engine import check_schema, session_factory

    with open_engine(database_url) as engine:
        check_schema(engine)
        with session_factory(engine)() as session:
            org = create_organisation(session, slug=slug, name=name, now=dt.datetime.now(dt.UTC))
            session.commit()
    click.echo(f"created organisation {org.slug} ({org.name})")
    click.echo(f"next: firewarden user add you@example.com --org {org.slug} --role admin")


@click.group("user")
def user_group() -> None:
    """People who sign in to the web app."""


@user_group.command("add")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["admin", "author", "reviewer", "legal", "viewer"]),
    help="A role (repeat for several).",
)
@click.option("--name", default="", help="Display name.")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
def user_add(
    email: str, org_slug: str, roles: tuple[str, ...], name: str, database_url: str | None
) -> None:
    """Add a person (asks for their first password) or give an existing one more roles."""
    from sqlalchemy import select

    from firewarden.accounts.service import add_member, create_user
    from firewarden.store.engine import check_schema, session_factory
    from firewarden.store.tables import User

    now = dt.datetime.now(dt.UTC)
    with open_engine(database_url) as engine:
        check_schema(engine)
        with session_factory(engine)() as session:
            org_id = _org_id(session, org_slug)
            user = session.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None:
                password = click.prompt(
                    "First password (at least 12 characters)", hide_input=True, err=True
                )
                if len(password) < 12:
                    raise InputError("the password is shorter than 12 characters")
                user = create_user(
                    session, email=email, display_name=name, password=password, now=now
                )
            have = add_member(
                session, org_id=org_id, user_id=user.id, roles=roles, actor="cli", now=now
            )
            session.commit()
    click.echo(f"{user.email} in {org_slug}: {', '.join(sorted(have))}")


@click.group("token")
def token_group() -> None:
    """API tokens for automation."""


@token_group.command("create")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("--name", default="API token", help="What the token is for.")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
def token_create(email: str, org_slug: str, name: str, database_url: str | None) -> None:
    """Create an API token for a person; it is printed once (only a digest is stored)."""
    from sqlalchemy import select

    from firewarden.store.engine import check_schema, session_factory
    from firewarden.store.tables import User
    from firewarden.web.tokens import create_token

    with open_engine(database_url) as engine:
        check_schema(engine)
        with session_factory(engine)() as session:
            org_id = _org_id(session, org_slug)
            user = session.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None:
                raise InputError(f"no user {email}", hint="add them with: firewarden user add")
            made = create_token(
                session, org_id=org_id, user_id=user.id, name=name, now=dt.datetime.now(dt.UTC)
            )
            session.commit()
    click.echo(made.token)
    click.echo("use it as: Authorization: Bearer <token>  (shown once; keep it secret)", err=True)
