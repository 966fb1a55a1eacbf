"""``firewarden audit verify`` and ``firewarden worker``."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time

import click

from firewarden.store.cli import DATABASE_URL_HELP, open_engine


@click.group("audit")
def audit_group() -> None:
    """Check the audit log."""


@audit_group.command("verify")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
def verify_command(database_url: str | None) -> None:
    """Recompute the audit log's hash chain; exit 1 at the first edited or deleted entry."""
    from firewarden.review.audit import verify
    from firewarden.store.engine import check_schema, session_factory

    with open_engine(database_url) as engine:
        check_schema(engine)
        with session_factory(engine, read_only=True)() as session:
            result = verify(session)
    if result.ok:
        click.echo(f"ok: {result.checked} entries, chain intact; head hash {result.head_hash}")
        click.echo("keep the head hash elsewhere to detect removal of the newest entries later")
        return
    click.echo(
        f"BROKEN at entry {result.broken_at}: {result.problem}\n"
        f"the {result.checked} entries before it are intact (last good hash {result.head_hash})",
        err=True,
    )
    raise SystemExit(1)


@click.command("worker")
@click.option("--database-url", default=None, help=DATABASE_URL_HELP)
@click.option("--once", is_flag=True, help="Publish what is due now, then stop.")
@click.option("--interval", default=15.0, show_default=True, help="Seconds between rounds.")
@click.option("--worker-id", default=None, help="Name shown in leases and the audit log.")
def worker_command(
    database_url: str | None, once: bool, interval: float, worker_id: str | None
) -> None:
    """Send due scheduled posts, re-checking each against the events of the moment.

    Several workers may run at once (on PostgreSQL, or on one machine with SQLite): a post is
    sent by one of them only, and a retry never posts twice.
    """
    from firewarden.cli import current_config
    from firewarden.review.worker import run_round
    from firewarden.store.engine import check_schema, session_factory

    config = current_config()
    name = worker_id or f"{socket.gethostname()}-{os.getpid()}"
    with open_engine(database_url) as engine:
        check_schema(engine)
        sessions = session_factory(engine)
        while True:
            outcomes = run_round(
                sessions, config=config, worker_id=name, now=dt.datetime.now(dt.UTC)
            )
            for o in outcomes:
                line = f"draft {o.draft_id}: {o.state.replace('_', ' ')}"
                if o.held_reason:
                    line += f" (held: {o.held_reason})"
                for a in o.accounts:
                    line += f"\n  account {a.account_id}: {a.status} {a.url or a.error}".rstrip()
                click.echo(line)
            if once:
                if not outcomes:
                    click.echo("nothing due")
                return
            time.sleep(interval)
