"""Who may do what in the web app, and the guards around it: roles, CSRF, sign-in limits,
API tokens and the session secret.

Every route names one action from :data:`PERMISSIONS`; the same table is used by the pages
and the JSON API, and the role matrix test walks it. The review services check roles again
(defence in depth), so a mistake here cannot let a viewer approve.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections import deque
from dataclasses import dataclass
from threading import Lock

from firewarden.review.common import AUTHORS, REVIEWERS
from firewarden.store.tables import ROLES

ALL_ROLES = frozenset(ROLES)

#: action -> roles that may do it. Reading is open to every member (viewers read everything).
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": ALL_ROLES,
    "check": ALL_ROLES,
    "profile": ALL_ROLES,  # one's own perspective tags and API tokens
    "write": AUTHORS,  # create, edit, submit drafts
    "review": REVIEWERS,  # approve, reject
    "accept_finding": REVIEWERS | AUTHORS,
    "comment": REVIEWERS | AUTHORS,
    "schedule": AUTHORS | REVIEWERS,  # schedule, cancel in the undo window, withdraw, retry
    "override": frozenset({"admin"}),
    "delete_published": frozenset({"admin", "author", "legal"}),
    "manage_accounts": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "manage_watches": frozenset({"admin"}),  # like social accounts: the company's set-up
    "alert_status": REVIEWERS,  # acknowledge, close or reopen a listening alert
}

#: How an action is described in "you cannot ..." messages.
ACTION_WORDS: dict[str, str] = {
    "read": "read this organisation's data",
    "check": "run the check",
    "profile": "change your profile",
    "write": "write or submit drafts",
    "review": "approve or reject drafts",
    "accept_finding": "accept findings",
    "comment": "comment",
    "schedule": "schedule, cancel or withdraw drafts",
    "override": "override the approval policy",
    "delete_published": "delete published posts",
    "manage_accounts": "add social accounts",
    "manage_users": "manage users and roles",
    "manage_watches": "add, change or remove watches",
    "alert_status": "acknowledge, close or reopen alerts",
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in person, in the organisation they are working in."""

    user_id: int
    org_id: int
    roles: frozenset[str]
    email: str
    display_name: str
    org_name: str
    #: "session" (browser) or "token" (API automation).
    via: str = "session"

    def may(self, action: str) -> bool:
        return bool(self.roles & PERMISSIONS[action])


def refusal(principal: Principal, action: str) -> str:
    """A sentence saying why ``principal`` may not do ``action`` and what to do."""
    have = ", ".join(sorted(principal.roles)) or "none"
    need = ", ".join(sorted(PERMISSIONS[action]))
    return (
        f"You cannot {ACTION_WORDS[action]}: your roles are {have}. "
        f"This needs one of: {need}. Ask an admin of {principal.org_name}."
    )


# -- CSRF --------------------------------------------------------------------------------------

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def ensure_csrf_token(session: dict[str, object]) -> str:
    """The session's synchronizer token, created on first use."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok(session: dict[str, object], supplied: str | None) -> bool:
    expected = session.get("csrf")
    return (
        isinstance(expected, str)
        and bool(supplied)
        and hmac.compare_digest(expected.encode(), (supplied or "").encode())
    )


# -- Sign-in rate limit ------------------------------------------------------------------------


class LoginLimiter:
    """At most ``max_failures`` failed sign-ins per (account, address) in ``window``.

    Kept in memory: one web process per deployment is the supported shape; a restart forgets
    the counts, which only ever helps a legitimate user.
    """

    def __init__(self, max_failures: int = 5, window: dt.timedelta | None = None) -> None:
        self.max_failures = max_failures
        self.window = window or dt.timedelta(minutes=15)
        self._failures: dict[str, deque[dt.datetime]] = {}
        self._lock = Lock()

    @staticmethod
    def key(email: str, address: str) -> str:
        return f"{email.strip().lower()}|{address}"

    def retry_at(self, key: str, now: dt.datetime) -> dt.datetime | None:
        """When the next attempt is allowed, or ``None`` if it is allowed now."""
        with self._lock:
            times = self._prune(key, now)
            if len(times) < self.max_failures:
                return None
            return times[0] + self.window

    def failed(self, key: str, now: dt.datetime) -> None:
        with self._lock:
            self._prune(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _prune(self, key: str, now: dt.datetime) -> deque[dt.datetime]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] + self.window <= now:
            times.popleft()
        return times


def retry_message(retry_at: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, -(-int((retry_at - now).total_seconds()) // 60))
    return (
        "Too many failed sign-ins for this account from your address. "
        f"Try again after {retry_at:%H:%M} UTC (in {minutes} minute{'s' if minutes > 1 else ''}),"
        " or ask an admin to reset your password."
    )


# -- API tokens and secrets --------------------------------------------------------------------

TOKEN_PREFIX = "fw_"


def new_api_token() -> str:
    """A fresh API token (shown once; only its digest is stored)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_secret(secret_key: str) -> str:
    """The cookie-signing secret, derived from ``FIREWARDEN_SECRET_KEY`` (its first key) so
    signing cookies and encrypting credentials never share one key directly."""
    first = secret_key.split(",")[0].strip()
    return hmac.new(first.encode("utf-8"), b"firewarden web session", hashlib.sha256).hexdigest()
