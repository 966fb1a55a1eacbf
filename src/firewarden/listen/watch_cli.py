"""Commands: ``firewarden watch add|list|remove`` and ``firewarden simulate stream``."""

from __future__ import annotations

import datetime as dt
import time

import click

from firewarden.errors import InputError
from firewarden.listen.cli import listen_engine, print_alert
from firewarden.listen.watch_service import add_watch, list_watches, remove_watch
from firewarden.listen.watches import Watch
from firewarden.store.engine import session_factory


@click.group("watch")
def watch_group() -> None:
    """Add, list and remove watches (brands, campaigns, people to listen for)."""


@watch_group.command("add")
@click.argument("name")
@click.option("--keyword", "keywords", multiple=True, help="A keyword or spelling (repeatable).")
@click.option("--handle", "handles", multiple=True, help="The brand's own account (@name).")
@click.option("--own-post", "own_posts", multiple=True, help="An own post's id or URI.")
@click.option("--product", "products", multiple=True, help="A store or product name.")
@click.option("--exclude", multiple=True, help="A phrase that means something else.")
@click.option("--language", "languages", multiple=True, help="Only posts in this language.")
def watch_add(name: str, **lists: tuple[str, ...]) -> None:
    """Add a watch called NAME."""
    from firewarden.errors import ConfigError

    try:
        watch = Watch.from_dict({"name": name, **{k: list(v) for k, v in lists.items()}})
    except ConfigError as exc:
        # The file's wording (``keywords = [...]``) turned into this command's options.
        hint = exc.hint
        if exc.field == "keywords":  # nothing to listen for
            hint = "give at least one --keyword, --handle, --own-post or --product"
        elif exc.field == "name" and not name.strip():
            hint = "name it first: firewarden watch add Acme --keyword Acme"
        elif exc.field == "languages":
            hint = hint.replace("leave languages out", "leave --language out")
        raise InputError(exc.message, hint=hint, field=exc.field) from None
    with listen_engine() as engine, session_factory(engine)() as s:
        rec = add_watch(s, watch)
        s.commit()
    click.echo(f"added watch {rec.name} (id {rec.id})")


@watch_group.command("list")
def watch_list() -> None:
    """List the watches."""
    with listen_engine() as engine, session_factory(engine)() as s:
        records = list_watches(s)
    if not records:
        click.echo("no watches yet: firewarden watch add NAME --keyword WORD")
    for r in records:
        w = r.watch
        state = "" if r.enabled else " (paused)"
        click.echo(f"{r.id:4}  {w.name}{state}  [{r.origin}]")
        for label, values in (("keywords", w.keywords), ("handles", w.handles),
                              ("products", w.products), ("own posts", w.own_posts),
                              ("exclude", w.exclude), ("languages", w.languages)):  # fmt: skip
            if values:
                click.echo(f"      {label}: {', '.join(values)}")


@watch_group.command("remove")
@click.argument("name_or_id")
def watch_remove(name_or_id: str) -> None:
    """Remove a watch (its counts and alerts go with it; stored mentions stay)."""
    with listen_engine() as engine, session_factory(engine)() as s:
        from_file = [
            r.name
            for r in list_watches(s)
            if r.origin == "file" and name_or_id in (r.name, str(r.id))
        ]
        name = remove_watch(s, name_or_id)
        s.commit()
    click.echo(f"removed watch {name}")
    if from_file:
        click.echo(
            f"note: {from_file[0]} comes from the configuration file ([listen] watches): remove "
            "it there too, or it comes back the next time the listener starts or the file changes"
        )


# -- simulate stream -----------------------------------------------------------------------


@click.command("stream")
@click.option("--brand", default="Acme", show_default=True,
              help="The brand the simulated mentions name.")  # fmt: skip
@click.option("--rate", type=click.FloatRange(1, 100_000), default=120.0, show_default=True,
              help="Ordinary mentions per hour.")  # fmt: skip
@click.option("--minutes", type=click.FloatRange(0.01), default=None, help="Stop after this long.")
def stream_command(brand: str, rate: float, minutes: float | None) -> None:
    """A live simulated mention stream for BRAND with a firestorm a few minutes in (demo)."""
    from firewarden.cli import current_config
    from firewarden.listen.demo_stream import start_demo_stream
    from firewarden.listen.settings import base_url

    with listen_engine() as engine:
        handle = start_demo_stream(
            engine, brand, rate_per_hour=rate, base_url=base_url(current_config())
        )
        click.echo(
            f"streaming simulated mentions of {brand} (watch id {handle.watch.id}); Ctrl-C stops"
        )
        deadline = time.monotonic() + minutes * 60 if minutes else None
        shown = 0
        try:
            while handle.thread.is_alive() and (deadline is None or time.monotonic() < deadline):
                time.sleep(1.0)
                for alert in handle.stats.alerts[shown:]:
                    print_alert(alert)
                shown = len(handle.stats.alerts)
        except KeyboardInterrupt:
            pass
        handle.stop()
        if handle.error is not None:
            raise handle.error
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        click.echo(f"{stamp}: {handle.stats.counted} mentions counted, {shown} alert(s)")


def _simulate_group() -> click.Group:
    """The detect part's ``simulate`` group with ``stream`` added."""
    from firewarden.detect.cli import simulate_group as group

    if "stream" not in group.commands:
        group.add_command(stream_command)
    return group


simulate_group = _simulate_group()
