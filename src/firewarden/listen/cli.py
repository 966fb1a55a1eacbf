"""Commands: ``firewarden listen run|import|work`` (watches and the simulated stream are in
:mod:`firewarden.listen.watch_cli`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine

from firewarden.errors import FirewardenError, InputError
from firewarden.listen.alerts import Escalation, RaisedAlert, escalation_from_config
from firewarden.listen.leases import DEFAULT_LEASE_TTL
from firewarden.listen.nats_queue import DEFAULT_URL, Topology
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.reload import FileWatchSync, WatchChanges, WatchReloader
from firewarden.listen.runner import SourceStatus, failure_line
from firewarden.listen.sources.base import Source, SourceError
from firewarden.listen.watch_service import WatchRecord, sync_file_watches
from firewarden.listen.watches import Watch
from firewarden.store.cli import open_engine
from firewarden.store.engine import check_schema, session_factory

#: The default names and sizes of the distributed mode (hidden options, for tests).
_TOPOLOGY = Topology()

_F = TypeVar("_F", bound=Callable[..., Any])


def _topology_options(f: _F) -> _F:
    """The NATS topology options (hidden: for tests and benchmarks) shared by run and work."""
    for option in reversed(
        (
            click.option("--stream", default=_TOPOLOGY.stream, show_default=True, hidden=True),
            click.option("--prefix", default=_TOPOLOGY.prefix, show_default=True, hidden=True),
            click.option(
                "--partitions",
                type=click.IntRange(1, 1024),
                default=_TOPOLOGY.partitions,
                hidden=True,
            ),
            click.option("--ack-wait", type=float, default=_TOPOLOGY.ack_wait, hidden=True),
        )
    ):
        f = option(f)
    return f


@contextmanager
def listen_engine() -> Iterator[Engine]:
    with open_engine(None) as engine:
        check_schema(engine)
        yield engine


def _watches(engine: Engine, reloader: WatchReloader | None = None) -> list[WatchRecord]:
    """The file's watches synchronised in, then every enabled watch (read by ``reloader``,
    which then knows the revision they are at)."""
    from firewarden.cli import current_config
    from firewarden.listen.settings import file_watches

    config = current_config()
    with session_factory(engine)() as s:
        sync_file_watches(s, file_watches(config))
        s.commit()
    records = (reloader or WatchReloader(engine)).load()
    if not records:
        raise InputError(
            "there is nothing to listen for",
            hint="add a watch: firewarden watch add Acme --keyword Acme --handle @acme",
        )
    return records


def pipeline_options() -> dict[str, Any]:
    """What every pipeline of this installation is built with (``listen import``, ``run`` and
    ``work`` alike): the bucket width, the web app's address, the alert channels."""
    from firewarden.cli import current_config
    from firewarden.listen.settings import base_url, bucket_width

    config = current_config()
    escalation: Escalation | None = escalation_from_config(config.sections.get("alerts", {}))
    if escalation is not None and not escalation.notifiers:
        escalation = None
    return {
        "width": bucket_width(config),
        "base_url": base_url(config),
        "escalation": escalation,
        "on_alert": print_alert,
    }


def _pipeline(
    engine: Engine,
    records: Sequence[WatchRecord],
    hold_back: Callable[[dt.datetime], str] | None = None,
) -> Pipeline:
    return Pipeline(engine, records, hold_back=hold_back, **pipeline_options())


#: ``listen import`` sends the notifications of alerts whose bucket ended this recently only.
IMPORT_NOTIFY_WITHIN = dt.timedelta(hours=1)


def import_hold_back(mode: str) -> Callable[[dt.datetime], str] | None:
    """Which of an import's alerts are not sent, and why (see ``listen import --notify``)."""
    if mode == "all":
        return None
    if mode == "none":
        return lambda _end: "imported with --notify none"

    def recent(end: dt.datetime) -> str:
        if end >= dt.datetime.now(dt.UTC) - IMPORT_NOTIFY_WITHIN:
            return ""
        hours = IMPORT_NOTIFY_WITHIN / dt.timedelta(hours=1)
        return (
            f"its bucket ended {end:%Y-%m-%d %H:%M} UTC, more than {hours:g} h before the "
            "import; an import sends only recent alerts (an import with --notify all sends "
            "every one)"
        )

    return recent


def print_alert(alert: RaisedAlert) -> None:
    """The alert as its messages say it: the leading explanation in plain words, UTC."""
    from firewarden.listen.alerts import alert_message

    colour = {"watch": "yellow", "warning": "bright_red", "crisis": "red"}[alert.level]
    click.echo(
        click.style(f"{alert.level.upper():8}", fg=colour, bold=True)
        + f" {alert.watch_name}: {alert_message(alert, {}).summary}\n         {alert.url}"
    )
    for result in undelivered(alert):
        click.echo(
            click.style("         not delivered", fg="red")
            + f" to {result.get('channel')}: {result.get('error')}"
            + " (check the channel's settings in [alerts]; the alert is on its page)"
        )


def undelivered(alert: RaisedAlert) -> list[dict[str, Any]]:
    """The channels that did not take the alert (held-back ones were not tried)."""
    return [n for n in alert.notified if not n.get("ok") and not n.get("held")]


def print_reload(changes: WatchChanges, restarted: Sequence[str]) -> None:
    line = changes.summary()
    if restarted:
        line += f"; restarted {', '.join(restarted)} with the new terms"
    click.echo(line)


def _summary(stats: Stats, seconds: float) -> str:
    rate = stats.received / seconds if seconds > 0 else 0.0
    line = (
        f"{stats.received} mentions read, {stats.matched} matched a watch, "
        f"{stats.counted} newly counted, {len(stats.alerts)} alert(s) "
        f"({rate:,.0f} mentions/s)"
    )
    failed = sum(len(undelivered(a)) for a in stats.alerts)
    if failed:
        line += f"\nwarning: {failed} alert delivery(ies) failed (see the lines above)"
    if stats.late:
        oldest = f"{stats.oldest_late:%Y-%m-%d %H:%M} UTC" if stats.oldest_late else "?"
        line += (
            f"\nwarning: {stats.late} mention(s), the oldest from {oldest}, came after their "
            "watch had already judged that time: they are counted on the watch pages, but the "
            "detector did not judge them. Import files oldest first, and older files before "
            "newer ones."
        )
    return line


@click.group("listen")
def listen_group() -> None:
    """Listen to social platforms for mentions and warn early about firestorms."""


@listen_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--notify",
    type=click.Choice(["recent", "all", "none"]),
    default="recent",
    show_default=True,
    help="Which alerts go to the alert channels: those about the last hour (an import of "
    "old mentions does not page the team about last month), every one, or none. All are "
    "recorded and shown in the web app either way.",
)
@click.option(
    "--sort",
    is_flag=True,
    help="Read every mention first, then import them oldest first (for a file that is not in "
    "time order, such as an export newest first). Holds the whole file in memory.",
)
def import_command(file: Path, notify: str, sort: bool) -> None:
    """Import mentions from a JSONL or CSV FILE (resumes where an interrupted import stopped).

    \b
    Each line (JSONL) or row (CSV, with a header) is one mention:
      text        what the post says (required)
      created_at  when it was posted: ISO 8601 (2026-01-05T10:00:00Z; no zone means UTC)
                  or Unix seconds (required)
      id          the post's id on its platform (without one, an id is derived from the
                  platform, author, time and text)
      platform    x, bluesky, mastodon, rss... (default: import)
    and optionally url, author_handle, author_id, followers, language, reply_to,
    reply_to_author, quote_of, quote_of_author, repost_of, likes, reposts, replies,
    quotes, media (image,video).

    A bad line stops the import and is named; the lines before it are kept. Correct it and
    run the same command again: the import resumes at that line, and a mention already
    stored is never counted twice. A mention dated in the future is a bad line.

    The file must be in time order (oldest first): a watch judges each stretch of time once
    later mentions have arrived. A file that goes back in time is refused before anything
    is imported; --sort imports it oldest first.
    """
    from firewarden.listen.runner import run
    from firewarden.listen.sources.jsonl_csv import FileSource

    if not file.is_file():
        raise InputError(
            "no such file",
            where=str(file),
            hint="check the path; a relative path starts in the current folder",
        )
    from firewarden.cli import current_config
    from firewarden.listen.settings import bucket_width

    source = FileSource(file, sort=sort)
    with listen_engine() as engine:
        pipeline = _pipeline(engine, _watches(engine), import_hold_back(notify))
        if not sort:
            disorder = source.disorder(bucket_width(current_config()))
            if disorder is not None:
                raise InputError(
                    disorder.describe(),
                    where=str(file),
                    hint="a watch judges each stretch of time once later mentions have "
                    "arrived, so older mentions read after newer ones would be counted but "
                    "never judged. Nothing was imported. Run the same command with --sort "
                    "(it imports the mentions oldest first), or sort the file oldest first",
                )
        started = time.perf_counter()
        try:
            stats = run(engine, pipeline, [source], live=False)
        except InputError as exc:
            if not source.lines:
                raise
            line = exc.where.rpartition(":")[2]
            if sort:
                kept = f"nothing was imported. Correct line {line} and run the same command again"
            elif line.isdigit() and int(line) > 1:
                kept = f"everything before line {line} was imported. Correct line {line} and "
                kept += "run the same command again: the import resumes there"
            elif line.isdigit():
                kept = "nothing was imported. Correct line 1 and run the same command again"
            else:
                kept = "what came before was imported; correct the file and run the same "
                kept += "command again: the import resumes where it stopped"
            raise InputError(
                exc.message,
                where=exc.where,
                hint=f"{exc.hint}.\n  {kept[:1].upper()}{kept[1:]}" if exc.hint else kept,
            ) from None
    if stats.received == 0:
        if source.resumed_after and source.resumed_after >= source.lines:
            click.echo(
                f"{file} was already imported (up to line {source.resumed_after}); "
                "nothing new to read. Lines added at its end are read on the next import."
            )
        else:
            click.echo(f"{file} holds no mentions: it is empty or has only a header.")
        return
    if source.resumed_after:
        click.echo(f"resumed after line {source.resumed_after}, where an earlier import stopped")
    click.echo(_summary(stats, time.perf_counter() - started))
    held = sum(any(n.get("held") for n in a.notified) for a in stats.alerts)
    if held:
        why = "imported with --notify none" if notify == "none" else "about older buckets"
        click.echo(
            f"{held} alert(s) recorded but not sent to the alert channels ({why}); "
            "they are on the watch pages. To have an import send every alert, import with "
            "--notify all."
        )


@listen_group.command("run")
@click.option(
    "--source",
    "only",
    multiple=True,
    type=click.Choice(["bluesky", "mastodon", "x", "rss"]),
    help="Only these configured sources (repeatable; default: all in [listen.sources]).",
)
@click.option("--queue", default="", help="nats://HOST:PORT to share the work (NATS JetStream).")
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=1,
    show_default=True,
    help="Worker processes to start (needs --queue); more can join from other machines with "
    "`listen work`. 0: only publish, the workers run elsewhere.",
)
@_topology_options
def run_command(
    only: tuple[str, ...],
    queue: str,
    workers: int,
    stream: str,
    prefix: str,
    partitions: int,
    ack_wait: float,
) -> None:
    """Run the configured sources until interrupted (Ctrl-C)."""
    from firewarden.cli import current_config
    from firewarden.listen.settings import build_sources, reload_seconds

    if workers != 1 and not queue:
        raise InputError(
            "several workers (or none) need a shared queue",
            hint="add --queue nats://127.0.0.1:4222 (NATS with JetStream), or use --workers 1",
        )
    config = current_config()
    with listen_engine() as engine:
        reloader = WatchReloader(
            engine,
            interval=reload_seconds(config),
            sync=FileWatchSync(
                engine,
                config,
                on_error=lambda exc: click.echo(f"error: watches not reloaded: {exc}", err=True),
            ),
        )
        records = _watches(engine, reloader)
        sources = build_sources(config, [r.watch for r in records], only)
        if not sources:
            raise InputError(
                "no sources are configured",
                hint="add [listen.sources.bluesky] (or mastodon, x, rss) to firewarden.toml, "
                "or import a file: firewarden listen import FILE",
            )
        click.echo(f"listening to {', '.join(s.name for s in sources)} for "
                   f"{', '.join(r.name for r in records)}; Ctrl-C stops")  # fmt: skip
        stop = threading.Event()
        asked = threading.Event()  # a stop that was asked for (Ctrl-C, SIGTERM)

        def ask_stop(*_: object) -> None:
            asked.set()
            stop.set()

        signal.signal(signal.SIGTERM, ask_stop)
        failed: list[str] = []

        def on_error(name: str, exc: BaseException) -> None:
            failed.append(name)
            click.echo(f"error: {failure_line(name, exc)}", err=True)

        started = time.perf_counter()
        try:
            if queue:
                stats = _run_distributed(
                    engine,
                    records,
                    sources,
                    queue,
                    workers,
                    stop,
                    reloader,
                    lambda watches: build_sources(config, watches, only),
                    Topology(
                        stream=stream, prefix=prefix, partitions=partitions, ack_wait=ack_wait
                    ),
                    on_error,
                )
            else:
                from firewarden.listen.runner import run

                stats = run(
                    engine,
                    _pipeline(engine, records),
                    sources,
                    stop=stop,
                    on_error=on_error,
                    reloader=reloader,
                    build_sources=lambda watches: build_sources(config, watches, only),
                    on_reload=print_reload,
                    on_status=print_source_status,
                )
        except KeyboardInterrupt:
            ask_stop()
            stats = Stats()
        if queue:
            click.echo(
                f"{stats.received} mentions read, {stats.matched} matched a watch and went "
                f"to the workers (they print what they counted)"
            )
        else:
            click.echo(_summary(stats, time.perf_counter() - started))
        if not asked.is_set():
            # It should run until stopped: ending by itself is a failure, so that a
            # supervisor (systemd, a container's restart policy) restarts it or alerts.
            stopped = f" ({', '.join(failed)} stopped on the errors above)" if failed else ""
            raise SourceError(
                f"listening ended by itself: no source is left running{stopped}",
                hint="correct what the errors above say (a feed address, a token in "
                "firewarden.toml), then start firewarden listen run again",
            )


def print_source_status(status: SourceStatus) -> None:
    """A source started failing (it is retried) or is back, on standard error."""
    click.echo(f"{'warning: ' if status.error else ''}{status.line()}", err=True)


def _run_distributed(
    engine: Engine,
    records: Sequence[WatchRecord],
    sources: Sequence[Source],
    url: str,
    workers: int,
    stop: threading.Event,
    reloader: WatchReloader,
    build_sources: Callable[[Sequence[Watch]], Sequence[Source]],
    topo: Topology,
    on_error: Callable[[str, BaseException], None],
) -> Stats:
    """Start the worker processes, then publish the sources' mentions until stopped."""
    from firewarden.cli import current_config

    config = current_config()
    argv = [sys.executable, "-m", "firewarden"]
    if config.path is not None:
        argv += ["--config", str(config.path)]
    work = [
        *argv,
        "listen",
        "work",
        "--queue",
        url,
        "--stream",
        topo.stream,
        "--prefix",
        topo.prefix,
        "--partitions",
        str(topo.partitions),
        "--ack-wait",
        str(topo.ack_wait),
    ]
    procs = [subprocess.Popen(work) for _ in range(workers)]
    try:
        return asyncio.run(
            _publish(engine, records, sources, url, stop, reloader, build_sources, topo, on_error)
        )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


async def _publish(
    engine: Engine,
    records: Sequence[WatchRecord],
    sources: Sequence[Source],
    url: str,
    stop: threading.Event,
    reloader: WatchReloader,
    build_sources: Callable[[Sequence[Watch]], Sequence[Source]],
    topo: Topology,
    on_error: Callable[[str, BaseException], None],
) -> Stats:
    """Publish the sources' mentions until stopped, taking watch edits as they come: the
    publisher matches with the new watches, and the sources whose filters changed are
    replaced (what the old ones delivered is published and their cursors saved first)."""
    from firewarden.listen.nats_connection import close, connect, server_name
    from firewarden.listen.nats_queue import Abandoned, Publisher, ensure_stream
    from firewarden.listen.queue import InProcessQueue
    from firewarden.listen.reload import filter_key
    from firewarden.listen.runner import SourceThread, replace_sources, start_sources
    from firewarden.listen.store import save_cursors

    def log(line: str) -> None:
        click.echo(line, err=True)

    nc = await connect(url, log)
    stats = Stats()
    threads: list[SourceThread] = []
    try:
        js = nc.jetstream()
        await ensure_stream(js, topo)
        log(
            f"publishing to NATS at {server_name(url)}: stream {topo.stream}, "
            f"{topo.partitions} partitions"
        )
        publisher = Publisher(
            js, topo, records, reloader.revision or 0, log=log, stopping=stop.is_set
        )
        key = filter_key([r.watch for r in records])
        q = InProcessQueue()
        threads = start_sources(engine, sources, q, stop, on_status=print_source_status)
        loop = asyncio.get_running_loop()

        async def publish(batch: list[Envelope]) -> None:
            cursors = await publisher.publish(batch)
            stats.received += len(batch)
            if cursors:
                with engine.begin() as conn:
                    save_cursors(conn, cursors)
            stats.matched = publisher.matched

        def drain(batch: list[Envelope]) -> None:  # runs in a worker thread
            asyncio.run_coroutine_threadsafe(publish(batch), loop).result()

        while not stop.is_set():
            batch = await loop.run_in_executor(None, q.batch, 500, 0.5)
            if batch:
                try:
                    await publish(batch)
                except Abandoned as exc:
                    log(
                        f"stopped while NATS was unreachable: {exc}; their mentions are read "
                        "again from the sources on the next start (their cursors were not saved)"
                    )
                    break
            elif all(t.done.is_set() for t in threads):
                break
            fresh = await loop.run_in_executor(None, reloader.poll)
            if fresh is not None:
                changes = publisher.set_watches(fresh, reloader.revision or 0)
                watches = [r.watch for r in fresh]
                restarted: list[str] = []
                if watches and filter_key(watches) != key:
                    try:
                        new_sources = build_sources(watches)
                    except FirewardenError as exc:
                        click.echo(f"error: sources not rebuilt: {exc}", err=True)
                    else:
                        threads = await asyncio.to_thread(
                            functools.partial(replace_sources, on_status=print_source_status),
                            engine,
                            threads,
                            new_sources,
                            q,
                            stop,
                            drain,
                        )
                        key = filter_key(watches)
                        restarted = [src.name for src in new_sources]
                if changes or restarted:
                    print_reload(changes, restarted)
            for t in threads:
                if t.error is not None and not t.reported:
                    t.reported = True
                    on_error(t.source.name, t.error)
    finally:
        stop.set()
        for t in threads:
            t.source.close()
        await close(nc)
    return stats


@listen_group.command("work")
@click.option("--queue", default=DEFAULT_URL, show_default=True,
              help="The NATS server `listen run --queue` publishes to.")  # fmt: skip
@click.option(
    "--lease-ttl",
    type=click.FloatRange(min=1.0),
    default=DEFAULT_LEASE_TTL,
    show_default=True,
    help="Seconds before a dead worker's partitions go to the others (the stream's lease "
    "bucket keeps the value it was created with).",
)
@_topology_options
@click.option(
    "--idle-exit",
    type=float,
    default=None,
    help="Stop once it has held its share of the partitions and had nothing to do for this "
    "many seconds (for imports and tests).",
)
def work_command(
    queue: str,
    lease_ttl: float,
    stream: str,
    prefix: str,
    partitions: int,
    ack_wait: float,
    idle_exit: float | None,
) -> None:
    """One worker process of the distributed mode (started by `listen run --workers`, or by
    hand, on as many machines as needed). Workers share the partitions through leases: a
    new worker gets its share, a dead worker's partitions go to the others."""
    from firewarden.cli import current_config
    from firewarden.listen.nats_worker import work
    from firewarden.listen.settings import reload_seconds

    config = current_config()
    topo = Topology(stream=stream, prefix=prefix, partitions=partitions, ack_wait=ack_wait)
    with listen_engine() as engine:
        # Watch edits reach the worker within reload_seconds (the `listen run` process keeps
        # the company's file in sync with the database; the worker reads the database).
        reloader = WatchReloader(engine, interval=reload_seconds(config))
        records = _watches(engine, reloader)
        # The alert channels too: a worker's alerts reach the team like a single process's.
        options = pipeline_options()

        async def main() -> Stats:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                # Stopping cleanly releases the leases: the others take over at once.
                loop.add_signal_handler(sig, stop.set)
            return await work(queue, engine, records, topo=topo, lease_ttl=lease_ttl,
                              stop=stop, idle_exit=idle_exit, pipeline_options=options,
                              log=lambda line: click.echo(line, err=True),
                              reloader=reloader)  # fmt: skip

        stats = asyncio.run(main())
    click.echo(f"worker: {stats.counted} counted, {len(stats.alerts)} alert(s)")
