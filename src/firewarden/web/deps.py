"""Request dependencies shared by the routes: the signed-in person, role checks, CSRF and the
database session. Pages and the JSON API use the same :data:`~security.PERMISSIONS` table."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from firewarden.web.app import web_of
from firewarden.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    Principal,
    csrf_ok,
    refusal,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotSignedIn(Exception):
    """A page needs a signed-in user (answered with a redirect to the sign-in page)."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class Forbidden(Exception):
    """The signed-in user's roles do not allow this (answered with 403 and the reason)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CsrfFailed(Exception):
    """A form or fetch without the session's CSRF token (403)."""


class ApiError(Exception):
    """An API error: status code, message and what to do (answered as JSON)."""

    def __init__(self, status: int, message: str, *, hint: str = "", where: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.hint = hint
        self.where = where


def db(request: Request) -> Iterator[Session]:
    """A database session for the request; routes commit what they change."""
    with web_of(request).sessions() as session:
        yield session


def session_principal(request: Request) -> Principal | None:
    uid, org = request.session.get("uid"), request.session.get("org")
    if not isinstance(uid, int) or not isinstance(org, int):
        return None
    return web_of(request).principal(uid, org)


def page_user(action: str) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """Dependency for pages: the signed-in user, who must be allowed ``action``. Form posts
    must also carry the session's CSRF token."""

    async def dependency(request: Request) -> Principal:
        if request.method not in SAFE_METHODS:
            form = await request.form()
            supplied = form.get(CSRF_FIELD)
            if not csrf_ok(request.session, supplied if isinstance(supplied, str) else None):
                raise CsrfFailed()
        principal = session_principal(request)
        if principal is None:
            raise NotSignedIn(str(request.url.path))
        if not principal.may(action):
            raise Forbidden(refusal(principal, action))
        return principal

    return dependency


def api_user(action: str) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """Dependency for the API: a bearer token, or the browser's session plus the CSRF header
    for changes; the person must be allowed ``action``."""

    async def dependency(request: Request) -> Principal:
        header = request.headers.get("authorization")
        web = web_of(request)
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise ApiError(401, "use: Authorization: Bearer <token>")
            principal = web.principal_for_token(token.strip())
            if principal is None:
                raise ApiError(
                    401,
                    "the API token is unknown or revoked",
                    hint="create a token on the Users page or with: firewarden token create",
                )
        else:
            principal = session_principal(request)
            if principal is None:
                raise ApiError(
                    401,
                    "not signed in",
                    hint="send an API token: Authorization: Bearer <token>",
                )
            if request.method not in SAFE_METHODS and not csrf_ok(
                request.session, request.headers.get(CSRF_HEADER)
            ):
                raise ApiError(
                    403,
                    "missing or wrong CSRF token",
                    hint=f"browser requests send the page's token in the {CSRF_HEADER} header",
                )
        if not principal.may(action):
            raise ApiError(403, refusal(principal, action))
        return principal

    return dependency


# Annotated parameters for routes: ``me: PageReview`` = signed in and allowed to review.
PageRead = Annotated[Principal, Depends(page_user("read"))]
PageCheck = Annotated[Principal, Depends(page_user("check"))]
PageProfile = Annotated[Principal, Depends(page_user("profile"))]
PageWrite = Annotated[Principal, Depends(page_user("write"))]
PageReview = Annotated[Principal, Depends(page_user("review"))]
PageAcceptFinding = Annotated[Principal, Depends(page_user("accept_finding"))]
PageComment = Annotated[Principal, Depends(page_user("comment"))]
PageSchedule = Annotated[Principal, Depends(page_user("schedule"))]
PageOverride = Annotated[Principal, Depends(page_user("override"))]
PageDeletePublished = Annotated[Principal, Depends(page_user("delete_published"))]
PageManageAccounts = Annotated[Principal, Depends(page_user("manage_accounts"))]
PageManageUsers = Annotated[Principal, Depends(page_user("manage_users"))]
ApiRead = Annotated[Principal, Depends(api_user("read"))]
ApiCheck = Annotated[Principal, Depends(api_user("check"))]
ApiProfile = Annotated[Principal, Depends(api_user("profile"))]
ApiWrite = Annotated[Principal, Depends(api_user("write"))]
ApiReview = Annotated[Principal, Depends(api_user("review"))]
ApiAcceptFinding = Annotated[Principal, Depends(api_user("accept_finding"))]
ApiComment = Annotated[Principal, Depends(api_user("comment"))]
ApiSchedule = Annotated[Principal, Depends(api_user("schedule"))]
ApiOverride = Annotated[Principal, Depends(api_user("override"))]
ApiDeletePublished = Annotated[Principal, Depends(api_user("delete_published"))]
ApiManageAccounts = Annotated[Principal, Depends(api_user("manage_accounts"))]
ApiManageUsers = Annotated[Principal, Depends(api_user("manage_users"))]
DbSession = Annotated[Session, Depends(db)]
