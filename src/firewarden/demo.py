"""``firewarden demo``: the first command. Sets up a demonstration organisation on SQLite and
starts the web app with a publishing worker, so a newcomer sees the whole flow in a minute.

Everything lives in one folder (default ``./var/demo``): the database, a generated secret key
(when ``FIREWARDEN_SECRET_KEY`` is unset) and the demo sign-in details. Running it again reuses
them; ``--reset`` starts over. ``--showcase`` only prints the check on a few example drafts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from firewarden.checks.context import Context

if TYPE_CHECKING:
    from firewarden.listen.demo_stream import DemoStream

#: Invented drafts that show each part of the check; none is taken from the evaluation data.
DEMO_DRAFTS: tuple[tuple[str, Context], ...] = (
    (
        "Rainy weekend? Stay in and shop our storm sale: 30% off everything! #StormSale",
        Context(at=dt.datetime(2025, 9, 5, 10), events=("typhoon making landfall in Kyushu",)),
    ),
    (
        "Our thoughts are with everyone affected by the typhoon. We have paused all promotions.",
        Context(at=dt.datetime(2025, 9, 5, 10), events=("typhoon making landfall in Kyushu",)),
    ),
    (
        "うちの女性社員、仕事ができるのに結婚の予定はないのかな(笑)",
        Context(at=dt.datetime(2025, 4, 1, 9)),
    ),
    (
        "Loving the new GlowMax serum, it cures dry skin overnight, 100% guaranteed!",
        Context(sponsored=True, account="personal"),
    ),
    (
        "ugh my boss is such an idiot, can't wait for friday drinks lol",
        Context(account="corporate", handle="@acme_official"),
    ),
    (
        "Killer deals all weekend on black coffee beans. See you in store!",
        Context(),
    ),
)

KEY_VAR = "FIREWARDEN_SECRET_KEY"


def print_showcase() -> None:
    """Print the check's explanation of each example draft."""
    from firewarden.checks import check
    from firewarden.checks.render import render_report

    for text, context in DEMO_DRAFTS:
        report = check(text, context)
        where = f"account: {context.account}"
        if context.events:
            where += f"; happening now: {', '.join(context.events)}"
        if context.sponsored:
            where += "; sponsored"
        click.echo(click.style(f"── {where}", bold=True))
        click.echo(render_report(text, context.attachment, report, color=True))
        click.echo("")


def secret_key(folder: Path) -> tuple[str, bool]:
    """``FIREWARDEN_SECRET_KEY``, or a key generated once into the demo folder (and whether it
    was generated)."""
    from cryptography.fernet import Fernet

    existing = os.environ.get(KEY_VAR, "").strip()
    if existing:
        return existing, False
    path = folder / "secret.key"
    if not path.exists():
        path.write_text(Fernet.generate_key().decode() + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip(), True


def prepare(folder: Path, *, reset: bool = False) -> tuple[str, dict[str, str], bool]:
    """Create (or reuse) the demo database; returns (database URL, passwords, newly seeded)."""
    from firewarden.demo_seed import PEOPLE, demo_org_id, seed
    from firewarden.review.common import default_check
    from firewarden.review.policy import ApprovalPolicy
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.store.migrate import upgrade

    db_file, creds_file = folder / "firewarden.db", folder / "sign-in.json"
    if reset:
        for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm"), creds_file):
            path.unlink(missing_ok=True)
    url = f"sqlite:///{db_file}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with session_factory(engine)() as session:
            if demo_org_id(session) is not None and creds_file.exists():
                return url, json.loads(creds_file.read_text(encoding="utf-8")), False
            if demo_org_id(session) is not None:
                raise click.ClickException(
                    f"the demo database in {folder} has no sign-in details; "
                    "run: firewarden demo --reset"
                )
            passwords = {p.key: f"demo-{p.key}-{secrets.token_hex(3)}" for p in PEOPLE}
            seed(
                session,
                now=dt.datetime.now(dt.UTC),
                passwords=passwords,
                check=default_check(),
                policy=ApprovalPolicy.from_mapping(None),
            )
            creds_file.write_text(json.dumps(passwords, indent=2), encoding="utf-8")
            creds_file.chmod(0o600)
            return url, passwords, True
    finally:
        engine.dispose()


def _worker_loop(url: str, stop: threading.Event, interval: float = 5.0) -> None:
    """Publish due posts through the dry-run publisher every few seconds."""
    from firewarden.config import Config
    from firewarden.demo_seed import demo_publisher
    from firewarden.review.worker import run_round
    from firewarden.store.engine import make_engine, session_factory

    engine = make_engine(url)
    sessions = session_factory(engine)
    config = Config(database_url=url)
    while not stop.wait(interval):
        try:
            run_round(
                sessions, config=config, worker_id="demo-worker", now=dt.datetime.now(dt.UTC),
                publisher_for=demo_publisher,
            )  # fmt: skip
        except Exception as exc:  # keep the demo running; say what happened
            click.echo(f"worker: {exc}", err=True)


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the demo data and seed it again.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address the web app listens on (127.0.0.1: this machine only).",
)
@click.option("--port", default=8000, show_default=True, type=int,
              help="The web app's port.")  # fmt: skip
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Where the demo database, key and sign-in details live.",
)
@click.option("--no-serve", is_flag=True, help="Set up the demo data, print sign-in details, stop.")
@click.option("--showcase", is_flag=True, help="Only show the check on a few example drafts.")
def demo_command(
    reset: bool, host: str, port: int, data_dir: Path, no_serve: bool, showcase: bool
) -> None:
    """Start firewarden with a demonstration organisation (web app on SQLite, dry-run posts)."""
    if showcase:
        print_showcase()
        return
    from firewarden.demo_seed import ORG_NAME, PEOPLE

    data_dir.mkdir(parents=True, exist_ok=True)
    key, generated = secret_key(data_dir)
    os.environ[KEY_VAR] = key
    if generated:
        click.echo(f"{KEY_VAR} is not set: using a demo key kept in {data_dir / 'secret.key'}")
    url, passwords, fresh = prepare(data_dir, reset=reset)
    click.echo(
        f"{'Created' if fresh else 'Reusing'} the demo organisation “{ORG_NAME}” in {data_dir}"
        + ("" if fresh else " (start over with --reset)")
    )
    click.echo(f"\nSign in at http://{host}:{port}/ as any of:")
    for p in PEOPLE:
        click.echo(f"  {', '.join(p.roles):9} {p.email:24} password: {passwords[p.key]}")
    click.echo("\nPosts go out through the dry-run publisher: nothing is posted anywhere.")
    if no_serve:
        return
    import uvicorn

    from firewarden.cli import current_config
    from firewarden.demo_seed import demo_publisher
    from firewarden.web.app import create_app

    app = create_app(current_config(), database_url=url, publisher_for=demo_publisher)
    stop = threading.Event()
    threading.Thread(target=_worker_loop, args=(url, stop), daemon=True).start()
    stream = _start_mention_stream(url, f"http://{host}:{port}")
    click.echo(f"Web app: http://{host}:{port}/   (Ctrl+C stops it)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        stop.set()
        if stream is not None:
            stream.stop()


def _start_mention_stream(url: str, base_url: str) -> DemoStream | None:
    """Keep simulated mentions of the demo brand flowing, so the watch pages are alive."""
    from firewarden.demo_seed import demo_org_id
    from firewarden.listen.demo_stream import start_demo_stream
    from firewarden.store.engine import make_engine, session_factory

    engine = make_engine(url)
    with session_factory(engine)() as session:
        org_id = demo_org_id(session)
    stream = start_demo_stream(engine, org_id=org_id, base_url=base_url)
    if stream.resumed:
        click.echo(
            f"Listening: the simulated mention stream for “{stream.watch.name}” continues "
            "after its stored mentions; a new firestorm breaks in about 8 minutes. Within "
            "12 hours of the last alert it alerts again only if it grows worse; earlier "
            "alerts are on the Watches page."
        )
    else:
        click.echo(
            f"Listening: a simulated mention stream for “{stream.watch.name}” is running; a "
            "firestorm breaks in about 8 minutes (Watches page)."
        )
    return stream
