"""A source that is briefly down: the backoff policy, how failures are classified and told,
the runner retrying a feed until it is back (the others going on), the settings checked at
start, and `listen run` never ending with exit 0 because of an error."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from firewarden.config import Config
from firewarden.errors import ConfigError
from firewarden.listen.backoff import Backoff
from firewarden.listen.pipeline import Stats
from firewarden.listen.runner import SourceStatus, failure_line, run
from firewarden.listen.settings import build_sources
from firewarden.listen.sources.base import SourceError, SourceUnavailable, network_problem
from firewarden.listen.sources.rss import RssSource
from firewarden.listen.watches import Watch
from firewarden.store.engine import make_engine
from firewarden.store.migrate import upgrade

from .fake_http import FakeHttp, Resp
from .helpers import pipeline_for

ACME = Watch("Acme", keywords=("Acme",))
ITEM = (
    "<item><title>{title}</title><link>https://news.example/{n}</link><guid>{n}</guid>"
    "<pubDate>{date}</pubDate></item>"
)
#: Items are dated minutes ago (the live runner judges the buckets up to now).
START = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=30)


def feed(*items: tuple[int, str]) -> bytes:
    body = "".join(
        ITEM.format(n=n, title=title, date=format_datetime(START + dt.timedelta(minutes=n)))
        for n, title in items
    )
    return f'<rss version="2.0"><channel><title>N</title>{body}</channel></rss>'.encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def until(check: Callable[[], bool], what: str) -> None:
    """Waits for ``check`` (a deadline for a hung test, not a timing assertion)."""
    deadline = time.monotonic() + 30
    while not check():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.01)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'fw.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


def quick(policies: list[Backoff]) -> Callable[[], Backoff]:
    """Backoff with tiny waits (and no jitter), each policy kept to look at."""

    def make() -> Backoff:
        policies.append(Backoff(first=0.01, cap=0.05, random=lambda: 0.5))
        return policies[-1]

    return make


# -- the policy ------------------------------------------------------------------------------


def test_backoff_grows_is_capped_jittered_and_reset() -> None:
    b = Backoff(first=5, cap=300, factor=2, jitter=0.2, random=lambda: 0.5)  # no spread
    assert [b.next() for _ in range(9)] == [5, 10, 20, 40, 80, 160, 300, 300, 300]
    assert b.failures == 9
    b.reset()
    assert b.next() == 5
    assert Backoff(first=5, random=lambda: 0.0).next() == pytest.approx(4.0)  # -20 %
    assert Backoff(first=5, random=lambda: 0.999999).next() == pytest.approx(6.0)  # +20 %
    capped = Backoff(first=5, cap=300, random=lambda: 0.999999)
    assert max(capped.next() for _ in range(20)) == 300  # jitter never goes past the cap
    assert Backoff().base(10_000) == 300  # however long it stays down


# -- what a failure says ---------------------------------------------------------------------


def test_a_feed_that_cannot_be_reached_is_retryable_and_said_plainly() -> None:
    src = RssSource(f"http://127.0.0.1:{free_port()}/feed.xml", live=False, timeout=5)
    with pytest.raises(SourceUnavailable) as caught:
        src.fetch()
    assert caught.value.transient
    assert caught.value.message == "cannot reach the feed: connection refused"
    line = SourceStatus(src.name, caught.value, retry_in=5).line()
    assert line.startswith(f"{src.name}: cannot reach the feed: connection refused; ")
    assert "trying again in 5 s" in line and "at most every 5 min" in line
    assert "HTTPConnectionPool" not in line and "Max retries" not in line


def test_http_answers_are_retried_or_not_by_what_they_mean() -> None:
    answers = {
        "/busy": Resp(503, b"", headers={"Retry-After": "120"}),
        "/slow": Resp(429, b""),
        "/gone": Resp(404, b""),
        "/private": Resp(401, b""),
        "/page": Resp(body=b"<html>a page</html>", content_type="text/html"),
    }
    fake = FakeHttp(lambda req: answers[req.path])
    try:

        def fail(path: str) -> SourceError:
            with pytest.raises(SourceError) as caught:
                RssSource(f"{fake.url}{path}", live=False).fetch()
            return caught.value

        busy = fail("/busy")
        assert isinstance(busy, SourceUnavailable) and busy.retry_after == 120
        assert busy.message == "the feed's site has a problem (HTTP 503)"
        assert fail("/slow").transient
        gone, private, page = fail("/gone"), fail("/private"), fail("/page")
        assert not (gone.transient or private.transient or page.transient)
        assert "no feed at this address (HTTP 404)" in gone.message
        assert "[listen.sources.rss] feeds" in gone.hint
        assert "refuses access (HTTP 401)" in private.message and private.hint
        assert page.message == "this address is not an RSS or Atom feed" and "<rss>" in page.hint
        stopped = failure_line("rss:x", gone)
        assert stopped.startswith("rss:x: there is no feed") and "this source is stopped" in stopped
        assert "\n  hint: open the address in a browser" in stopped
    finally:
        fake.close()


def test_network_problems_in_plain_words() -> None:
    def caused(inner: BaseException) -> Exception:
        try:
            raise RuntimeError("HTTPConnectionPool(host='x'): Max retries exceeded") from inner
        except RuntimeError as exc:
            return exc

    assert network_problem(caused(ConnectionResetError(104, "reset by peer"))) == (
        "the connection was cut"
    )
    assert network_problem(caused(TimeoutError("timed out"))) == "no answer in time (timed out)"
    assert network_problem(OSError("[Errno -2] Name or service not known")) == (
        "the server's name was not found (DNS)"
    )
    assert network_problem(OSError("something else")) == "the connection failed"


# -- the runner ------------------------------------------------------------------------------


def test_a_feed_that_is_down_is_read_again_once_it_is_back(sqlite_engine: Engine) -> None:
    """The reported case: the feed's server stops, comes back with a new item; the running
    listener reads it without a restart, and says once that it failed and once that it is
    back."""
    port = free_port()
    src = RssSource(f"http://127.0.0.1:{port}/feed.xml", interval=0.02)
    statuses: list[SourceStatus] = []
    policies: list[Backoff] = []
    read: list[str] = []
    stop = threading.Event()

    def on_batch(stats: Stats) -> None:
        read.append(f"{stats.counted}")

    result: list[Stats] = []
    runner = threading.Thread(
        target=lambda: result.append(
            run(
                sqlite_engine,
                pipeline_for(sqlite_engine, ACME),
                [src],
                stop=stop,
                on_batch=on_batch,
                on_status=statuses.append,
                backoff=quick(policies),
            )
        ),
        daemon=True,
    )
    runner.start()
    server: FakeHttp | None = None
    try:
        until(lambda: bool(policies) and policies[0].failures >= 3, "three failed tries")
        server = FakeHttp(
            lambda req: Resp(body=feed((1, "Acme is back")), content_type="application/rss+xml"),
            port=port,
        )
        until(lambda: any(s.error is None for s in statuses), "the recovery")
        until(lambda: bool(read), "the new item")
    finally:
        stop.set()
        runner.join(30)
        if server is not None:
            server.close()
    assert not runner.is_alive() and result[0].counted == 1  # read (again each poll), stored once
    failing, back = statuses  # once per change, however many tries in between
    assert failing.error is not None and failing.name == src.name
    assert failing.error.message == "cannot reach the feed: connection refused"
    assert back.error is None and back.attempts >= 3
    assert back.line().startswith(f"{src.name}: reachable again after ")
    assert policies[0].failures == 0  # reset: the next failure waits the first delay again


def test_one_failing_feed_does_not_stop_the_others(sqlite_engine: Engine) -> None:
    """Three feeds of one RSS source: one gone (reported once, stopped), one busy (retried),
    one working: its later items are still read."""
    items = [(1, "Acme first")]
    fake = FakeHttp(
        lambda req: {
            "/good": Resp(body=feed(*items), content_type="application/rss+xml"),
            "/busy": Resp(503, b""),
        }.get(req.path, Resp(404, b""))
    )
    sources = [RssSource(f"{fake.url}{p}", interval=0.02) for p in ("/gone", "/busy", "/good")]
    errors: list[tuple[str, BaseException]] = []
    statuses: list[SourceStatus] = []
    policies: list[Backoff] = []
    counted = [0]
    stop = threading.Event()

    def on_batch(stats: Stats) -> None:
        counted[0] += stats.counted

    runner = threading.Thread(
        target=lambda: run(
            sqlite_engine,
            pipeline_for(sqlite_engine, ACME),
            sources,
            stop=stop,
            on_batch=on_batch,
            on_error=lambda name, exc: errors.append((name, exc)),
            on_status=statuses.append,
            backoff=quick(policies),
        ),
        daemon=True,
    )
    runner.start()
    try:
        until(lambda: counted[0] == 1 and bool(errors) and bool(statuses), "the first round")
        busy = next(p for p, s in zip(policies, sources, strict=True) if s.url.endswith("/busy"))
        until(lambda: busy.failures >= 3, "the busy feed to be tried again")
        items.append((2, "Acme second"))
        until(lambda: counted[0] == 2, "the good feed's new item")
    finally:
        stop.set()
        runner.join(30)
        fake.close()
    assert not runner.is_alive()
    ((name, error),) = errors
    assert name == f"rss:{fake.url}/gone" and isinstance(error, SourceError)
    assert [(s.name, s.error is not None) for s in statuses] == [(f"rss:{fake.url}/busy", True)]
    asked = [r.path for r in fake.requests]
    assert asked.count("/gone") == 1 and asked.count("/busy") >= 3


# -- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rss", "where", "message"),
    [
        ({"feeds": ["not a url"]}, "[listen.sources.rss] feeds[0]", "not a web address"),
        (
            {"feeds": ["https://n/rss", "ftp://n/rss"]},
            "[listen.sources.rss] feeds[1]",
            "starting with http:// or https://",
        ),
        ({"feeds": ["https://n/rss", "https://n/rss"]}, "[listen.sources.rss] feeds[1]", "twice"),
        ({"feeds": "https://n/rss"}, "[listen.sources.rss] feeds", "must be a list"),
        ({"feeds": ["https://n/rss"], "interval": -3}, "[listen.sources.rss] interval", "-3"),
        ({"feeds": ["https://n/rss"], "interval": 0}, "[listen.sources.rss] interval", "from 1"),
        ({"feeds": ["https://n/rss"], "interval": "300"}, "[listen.sources.rss] interval", "'300'"),
    ],
)
def test_rss_settings_are_checked_at_start(
    rss: dict[str, object], where: str, message: str
) -> None:
    config = Config(sections={"listen": {"sources": {"rss": rss}}})
    with pytest.raises(ConfigError, match=message) as caught:
        build_sources(config, [ACME])
    assert caught.value.where == where and caught.value.hint


def test_the_other_sources_addresses_are_checked_at_start() -> None:
    bad = {"mastodon": {"url": "mastodon.social"}, "bluesky": {"url": "https://jet/subscribe"}}
    for kind, table in bad.items():
        config = Config(sections={"listen": {"sources": {kind: table}}})
        with pytest.raises(ConfigError) as caught:
            build_sources(config, [ACME])
        assert caught.value.where == f"[listen.sources.{kind}] url"
    ok = {"feeds": ["https://n/rss"], "interval": 3}
    (src,) = build_sources(Config(sections={"listen": {"sources": {"rss": ok}}}), [ACME])
    assert isinstance(src, RssSource) and src.interval == 3.0


# -- the command -----------------------------------------------------------------------------


def test_listen_run_ends_non_zero_when_no_source_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firewarden.cli import cli

    fake = FakeHttp(lambda req: Resp(404, b""))
    try:
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
        monkeypatch.setenv("FIREWARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'fw.db'}")
        (tmp_path / "firewarden.toml").write_text(
            f'[listen.sources.rss]\nfeeds = ["{fake.url}/feed.xml"]\ninterval = 3\n',
            encoding="utf-8",
        )
        r = CliRunner()
        assert r.invoke(cli, ["db", "upgrade"]).exit_code == 0
        assert r.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]).exit_code == 0
        result = r.invoke(cli, ["listen", "run"])
    finally:
        fake.close()
    assert result.exit_code != 0, result.output
    out = result.output
    assert f"error: rss:{fake.url}/feed.xml: there is no feed at this address (HTTP 404)" in out
    assert "hint: open the address in a browser" in out
    assert "listening ended by itself: no source is left running" in out
