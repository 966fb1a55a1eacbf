"""The connection to NATS: ride out a server restart, and say so in plain words.

A NATS server restart or a network cut does not stop the publisher or the workers. The
client reconnects every :data:`RECONNECT_WAIT` seconds for as long as it takes
(``max_reconnect_attempts=-1``: an outage has no deadline, the processes just wait) and
the connection's reporter (:class:`Outage`) logs what an operator needs:

* when the connection drops: ``NATS at HOST:PORT unreachable since 14:02:07 UTC,
  retrying every 2 s`` with what to check;
* every :data:`REPORT_EVERY` seconds while it lasts: the same, with how long it has been;
* when it is back: ``NATS at HOST:PORT reachable again after 12 s``.

Only the *first* connection is bounded (:data:`FIRST_CONNECT_TIMEOUT`): a wrong URL or a
server that is not running at start is an error that says what to do, not a silent wait.

What the processes do meanwhile is theirs: the publisher retries each publish that was not
acknowledged (:class:`~firewarden.listen.nats_queue.Publisher`), the workers stop using the
leases they cannot renew and claim their share again once NATS is back
(:mod:`firewarden.listen.nats_worker`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from firewarden.errors import ConfigError

#: Seconds between reconnection attempts (and between retries of an unacknowledged publish).
RECONNECT_WAIT = 2
#: Seconds between reminders while NATS stays unreachable.
REPORT_EVERY = 30.0
#: Seconds the first connection may take before the command gives up with an error.
FIRST_CONNECT_TIMEOUT = 10.0


def server_name(url: str) -> str:
    """``host:port`` of a ``nats://`` URL, without any user name or password in it."""
    parts = urlsplit(url if "://" in url else f"nats://{url}")
    host = parts.hostname or "127.0.0.1"
    return f"{host}:{parts.port or 4222}"


def unreachable_message(server: str, since: float, now: float, wait: float) -> str:
    """The line an operator reads while NATS is down (``since``, ``now``: Unix times)."""
    at = dt.datetime.fromtimestamp(since, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lasted = now - since
    how_long = f" ({lasted:.0f} s)" if lasted >= 1 else ""
    return (
        f"NATS at {server} unreachable since {at}{how_long}, retrying every {wait:g} s. "
        "Nothing is lost meanwhile: mentions wait in the sources and in JetStream. "
        "If this lasts, check that nats-server is running there (with -js) and that this "
        "machine can reach it; no restart of firewarden is needed."
    )


def reachable_message(server: str, since: float, now: float) -> str:
    return f"NATS at {server} reachable again after {now - since:.0f} s; carrying on"


class Outage:
    """Follows one connection's state and logs it (the nats-py callbacks)."""

    def __init__(
        self,
        url: str,
        log: Callable[[str], None],
        *,
        wait: float = RECONNECT_WAIT,
        report_every: float = REPORT_EVERY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.server = server_name(url)
        self.log = log
        self.wait = wait
        self.report_every = report_every
        self.clock = clock
        #: When the connection dropped (Unix time), or None while connected.
        self.since: float | None = None
        self._reported = 0.0
        self.outages = 0
        #: Set once the first connection is up: nothing before it is an outage.
        self.client: Any = None

    def disconnected(self) -> None:
        if self.since is not None:
            return
        self.since = self._reported = self.clock()
        self.outages += 1
        self.log(unreachable_message(self.server, self.since, self.since, self.wait))

    def failed_attempt(self) -> None:
        """A reconnection attempt failed: remind every ``report_every`` seconds."""
        if self.since is None:
            return
        now = self.clock()
        if now - self._reported >= self.report_every:
            self._reported = now
            self.log(unreachable_message(self.server, self.since, now, self.wait))

    def reconnected(self) -> None:
        if self.since is None:
            return
        self.log(reachable_message(self.server, self.since, self.clock()))
        self.since = None

    # -- nats-py callbacks ---------------------------------------------------------------

    async def on_disconnected(self) -> None:
        # Also called by a failed first attempt and by close(): neither is an outage.
        if self.client is not None and not self.client.is_closed:
            self.disconnected()

    async def on_reconnected(self) -> None:
        self.reconnected()

    async def on_error(self, exc: Exception) -> None:
        """nats-py reports every failed attempt here (it would print a traceback each time
        without a callback); the reporter turns them into one line now and then."""
        self.failed_attempt()


async def connect(url: str, log: Callable[[str], None] | None = None) -> Any:
    """A NATS client that reconnects for ever (see the module docstring); the first
    connection must succeed within :data:`FIRST_CONNECT_TIMEOUT` seconds."""
    from nats.aio.client import Client
    from nats.errors import Error as NatsError

    outage = Outage(url, log or (lambda _: None))
    nc = Client()
    try:
        await asyncio.wait_for(
            nc.connect(
                url,
                connect_timeout=5,
                reconnect_time_wait=RECONNECT_WAIT,
                max_reconnect_attempts=-1,
                error_cb=outage.on_error,
                disconnected_cb=outage.on_disconnected,
                reconnected_cb=outage.on_reconnected,
            ),
            FIRST_CONNECT_TIMEOUT,
        )
    except (TimeoutError, OSError, NatsError) as exc:
        await nc.close()
        reason = f" ({exc})" if str(exc) else ""
        raise ConfigError(
            f"cannot reach NATS at {server_name(url)} within {FIRST_CONNECT_TIMEOUT:g} s{reason}",
            hint="start nats-server with JetStream (nats-server -js), or check the nats:// URL "
            "given to --queue",
        ) from None
    outage.client = nc
    return nc


def is_down(nc: Any) -> bool:
    """True while the client is not connected (reconnecting, or not connected yet)."""
    return not bool(nc.is_connected)


async def close(nc: Any) -> None:
    """Close the client, also during an outage (where nats-py's ``close`` fails flushing to
    a connection that is gone): what was not sent is not needed, since nothing is saved or
    acknowledged before JetStream has confirmed it."""
    from nats.errors import Error as NatsError

    with contextlib.suppress(OSError, NatsError, TimeoutError):
        await asyncio.wait_for(nc.close(), FIRST_CONNECT_TIMEOUT)
