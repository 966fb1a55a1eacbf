"""The web app: ``create_app(config) -> ASGI app``.

One :class:`WebApp` object owns what every request needs: the configuration, the database
engine and sessions, the approval policy, the loaded check, the clock, the publishers and the
sign-in limiter. Routes live in one module per domain and get it with :func:`web_of`.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from firewarden.config import Config
from firewarden.errors import ConfigError
from firewarden.review.common import CheckFn, default_check
from firewarden.review.policy import ApprovalPolicy, policy_from_sections
from firewarden.review.publishing import PublisherFor
from firewarden.store.tables import Membership, Organisation, User
from firewarden.web.security import LoginLimiter, Principal, session_secret

HERE = Path(__file__).parent
SESSION_COOKIE = "firewarden_session"
#: How long a resolved sign-in (roles) is reused before the database is asked again.
PRINCIPAL_TTL_SECONDS = 5.0


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class WebApp:
    """Everything the routes share; one per app."""

    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    policy: ApprovalPolicy
    check: CheckFn
    clock: Callable[[], dt.datetime]
    publisher_for: PublisherFor
    limiter: LoginLimiter
    cookie_secure: bool
    templates: Jinja2Templates
    _cache: dict[tuple[str, Any], tuple[float, Principal | None]] = field(default_factory=dict)
    _cache_lock: Lock = field(default_factory=Lock)
    _events: tuple[float, tuple[str, ...]] = (-1.0, ())

    @property
    def undo_seconds(self) -> int:
        return self.config.undo_seconds

    def now(self) -> dt.datetime:
        return self.clock()

    def events(self) -> tuple[str, ...]:
        """What is happening in the world now: the configured events file, re-read on change."""
        path = self.config.events_file
        if path is None:
            return ()
        from firewarden.world.events import read_events_file

        try:
            mtime = path.stat().st_mtime
        except OSError:
            return ()
        if mtime != self._events[0]:
            self._events = (mtime, tuple(read_events_file(path)))
        return self._events[1]

    # -- who is signed in ------------------------------------------------------------------

    def principal(self, user_id: int, org_id: int, *, via: str = "session") -> Principal | None:
        """The member ``user_id`` of ``org_id`` with their current roles (None: not a member)."""
        return self._cached(
            ("member", (user_id, org_id, via)), lambda: self._load(user_id, org_id, via)
        )

    def principal_for_token(self, token: str) -> Principal | None:
        from firewarden.web.tokens import resolve_token

        def load() -> Principal | None:
            with self.sessions() as session:
                found = resolve_token(session, token)
            if found is None:
                return None
            row, _user = found
            return self._load(row.user_id, row.org_id, "token")

        return self._cached(("token", token), load)

    def forget_principals(self) -> None:
        """Drop cached sign-ins (after roles or tokens change)."""
        with self._cache_lock:
            self._cache.clear()

    def _cached(
        self, key: tuple[str, Any], load: Callable[[], Principal | None]
    ) -> Principal | None:
        now = time.monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < PRINCIPAL_TTL_SECONDS:
            return hit[1]
        value = load()
        with self._cache_lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (now, value)
        return value

    def _load(self, user_id: int, org_id: int, via: str) -> Principal | None:
        with self.sessions() as session:
            user = session.get(User, user_id)
            org = session.get(Organisation, org_id)
            roles = frozenset(
                session.scalars(
                    select(Membership.role).where(
                        Membership.org_id == org_id, Membership.user_id == user_id
                    )
                )
            )
        if user is None or org is None or not roles:
            return None
        return Principal(user.id, org.id, roles, user.email, user.display_name, org.name, via)


def web_of(request: Request) -> WebApp:
    web = request.app.state.web
    assert isinstance(web, WebApp)
    return web


def _secret_key(explicit: str | None) -> str:
    key = explicit or os.environ.get("FIREWARDEN_SECRET_KEY", "")
    if not key.strip():
        raise ConfigError(
            "FIREWARDEN_SECRET_KEY is not set; the web app signs its session cookies with it",
            hint='create one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"  (firewarden demo makes one for you)',
        )
    return key


def _default_publisher_for() -> PublisherFor:
    from firewarden.review.worker import account_publisher

    return account_publisher


def create_app(
    config: Config,
    *,
    database_url: str | None = None,
    secret_key: str | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    publisher_for: PublisherFor | None = None,
    check: CheckFn | None = None,
    cookie_secure: bool | None = None,
    engine: Engine | None = None,
) -> FastAPI:
    """The firewarden web app for ``config``.

    Refuses to start on a database whose schema is out of date (the message names
    ``firewarden db upgrade``). ``cookie_secure`` defaults to whether ``[web] base_url`` is
    https; ``clock``, ``publisher_for`` and ``check`` are for tests and the demo.
    """
    from firewarden.store.engine import check_schema, make_engine, session_factory

    eng = engine or make_engine(database_url or config.database_url)
    check_schema(eng)
    base_url = str(config.sections.get("web", {}).get("base_url", ""))
    secure = base_url.startswith("https://") if cookie_secure is None else cookie_secure
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    web = WebApp(
        config=config,
        engine=eng,
        sessions=session_factory(eng),
        policy=policy_from_sections(config.sections),
        check=check or default_check(list(config.guideline_packs) or None),
        clock=clock or _utcnow,
        publisher_for=publisher_for or _default_publisher_for(),
        limiter=LoginLimiter(),
        cookie_secure=secure,
        templates=templates,
    )
    app = FastAPI(
        title="firewarden",
        summary="Pre-publication checks, review and publishing for social media accounts.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.web = web
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(_secret_key(secret_key)),
        session_cookie=SESSION_COOKIE,
        max_age=12 * 3600,
        same_site="lax",
        https_only=secure,
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    from firewarden.web import (
        accounts,
        api,
        audit,
        auth,
        calendar,
        drafts,
        errors,
        guidelines,
        review,
        users,
    )

    errors.install(app)
    for module in (auth, drafts, review, calendar, accounts, users, audit, guidelines):
        app.include_router(module.router)
    app.include_router(api.router, prefix="/api/v1")
    from firewarden.web.watches import router as watches_router  # listening: watches, alerts

    app.include_router(watches_router)
    return app
