"""Fixtures for the web app: a database with two organisations, a person per role, and a
synchronous client that drives the ASGI app in-process (httpx + ASGITransport)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from cryptography.fernet import Fernet
from fastapi import FastAPI

from firewarden.config import Config
from firewarden.publish.dryrun import DryRunPublisher
from firewarden.review.common import CheckFn, default_check
from firewarden.store.tables import ROLES, SocialAccount

SECRET = Fernet.generate_key().decode()
PASSWORD = "correct horse battery"
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self, at: dt.datetime = START) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **kwargs: float) -> dt.datetime:
        self.at += dt.timedelta(**kwargs)
        return self.at


@dataclass
class World:
    """Organisation A (``acme``) with a person per role and both kinds of accounts, and
    organisation B (``other``) with one admin and one account."""

    url: str
    clock: FakeClock
    org_a: int
    org_b: int
    #: role -> user id in organisation A; "admin_b" is organisation B's admin.
    users: dict[str, int] = field(default_factory=dict)
    #: "corporate", "personal" (A), "b" (B) -> account id
    accounts: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def email(key: str) -> str:
        return f"{key}@example.org"


@pytest.fixture(scope="session")
def check_fn() -> CheckFn:
    return default_check()


def build_world(url: str, clock: FakeClock) -> World:
    from firewarden.accounts import service as acc
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.store.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    now = clock()
    with session_factory(engine)() as s:
        a = acc.create_organisation(s, slug="acme", name="Acme", now=now)
        b = acc.create_organisation(s, slug="other", name="Other Co", now=now)
        world = World(url, clock, a.id, b.id)
        for role in ROLES:
            user = acc.create_user(
                s, email=World.email(role), display_name=role.title(), password=PASSWORD, now=now
            )
            acc.add_member(s, org_id=a.id, user_id=user.id, roles=[role], actor="test", now=now)
            world.users[role] = user.id
        # A second reviewer with another perspective, for medium-risk drafts.
        second = acc.create_user(
            s, email=World.email("reviewer2"), display_name="Reviewer Two", password=PASSWORD,
            now=now,
        )  # fmt: skip
        acc.add_member(s, org_id=a.id, user_id=second.id, roles=["reviewer"], actor="t", now=now)
        acc.set_perspective_tags(s, org_id=a.id, user_id=second.id, tags=["age:50s"])
        acc.set_perspective_tags(s, org_id=a.id, user_id=world.users["reviewer"], tags=["age:30s"])
        world.users["reviewer2"] = second.id
        admin_b = acc.create_user(
            s, email=World.email("admin_b"), display_name="B Admin", password=PASSWORD, now=now
        )
        acc.add_member(s, org_id=b.id, user_id=admin_b.id, roles=["admin"], actor="t", now=now)
        world.users["admin_b"] = admin_b.id
        for key, org, handle, kind in (
            ("corporate", a.id, "@acme", "corporate"),
            ("personal", a.id, "@dana_home", "personal"),
            ("b", b.id, "@otherco", "corporate"),
        ):
            account = acc.add_social_account(
                s, org_id=org, platform="dryrun", handle=handle, kind=kind, now=now
            )
            world.accounts[key] = account.id
        s.commit()
    engine.dispose()
    return world


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """The world built once (password hashing is slow on purpose); each test gets a copy."""
    import os

    os.environ.setdefault("FIREWARDEN_SECRET_KEY", SECRET)
    path = tmp_path_factory.mktemp("template") / "web.db"
    return path, build_world(f"sqlite:///{path}", FakeClock())


@pytest.fixture
def world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world_template: tuple[Path, World]
) -> World:
    import dataclasses
    import shutil

    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", SECRET)
    source, template = world_template
    target = tmp_path / "web.db"
    shutil.copyfile(source, target)
    return dataclasses.replace(
        template,
        url=f"sqlite:///{target}",
        clock=FakeClock(),
        users=dict(template.users),
        accounts=dict(template.accounts),
    )


def dry_run(account: SocialAccount) -> DryRunPublisher:
    return DryRunPublisher(account.platform)


def make_app(world: World, check: CheckFn, **kwargs: Any) -> FastAPI:
    from firewarden.web.app import create_app

    options: dict[str, Any] = {"clock": world.clock, "publisher_for": dry_run, **kwargs}
    return create_app(Config(database_url=world.url), secret_key=SECRET, check=check, **options)


@pytest.fixture
def app(world: World, check_fn: CheckFn) -> Iterator[FastAPI]:
    application = make_app(world, check_fn)
    yield application
    application.state.web.engine.dispose()


_META = re.compile(r'name="csrf-token" content="([^"]+)"')


class Client:
    """A browser-like client: keeps cookies, knows the page's CSRF token."""

    def __init__(self, portal: BlockingPortal, app: FastAPI, *, base_url: str) -> None:
        self.portal = portal
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=base_url, follow_redirects=False
        )
        self.csrf = ""

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        call = functools.partial(self.http.request, method, url, **kwargs)
        response = self.portal.call(call)
        found = _META.search(response.text) if "text/html" in response.headers.get(
            "content-type", ""
        ) else None  # fmt: skip
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def form(self, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
        """Post a form with the CSRF token, as the page would."""
        if not self.csrf:
            self.get("/login")
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})})

    def api(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """A fetch from the page: JSON with the CSRF header."""
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.request(method, f"/api/v1{url}", headers=headers, **kwargs)

    def login(self, key: str, password: str = PASSWORD) -> httpx.Response:
        self.get("/login")
        response = self.form("/login", {"email": World.email(key), "password": password})
        self.get("/queue")
        return response

    def close(self) -> None:
        self.portal.call(self.http.aclose)


@pytest.fixture
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as p:
        yield p


@pytest.fixture
def client_for(portal: BlockingPortal, app: FastAPI) -> Iterator[Callable[..., Client]]:
    """``client_for("reviewer")``: a client signed in as that person (``None``: signed out)."""
    made: list[Client] = []

    def make(key: str | None = None, *, base_url: str = "http://testserver") -> Client:
        client = Client(portal, app, base_url=base_url)
        made.append(client)
        if key is not None:
            client.login(key)
        return client

    yield make
    for c in made:
        c.close()


def token_for(world: World, key: str, org_id: int | None = None) -> str:
    """An API token for the person ``key`` in organisation A (or ``org_id``)."""
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.web.tokens import create_token

    engine = make_engine(world.url)
    with session_factory(engine)() as s:
        made = create_token(
            s,
            org_id=org_id or world.org_a,
            user_id=world.users[key],
            name="test",
            now=world.clock(),
        )
        s.commit()
    engine.dispose()
    return made.token
