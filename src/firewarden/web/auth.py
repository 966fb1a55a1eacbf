"""Signing in and out (pages). Sign-in is rate limited per account and address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from firewarden.accounts.passwords import hash_password, needs_rehash, verify_password
from firewarden.review import audit
from firewarden.store.tables import Membership, User
from firewarden.web.app import web_of
from firewarden.web.deps import CsrfFailed, PageRead
from firewarden.web.render import flash, page
from firewarden.web.security import (
    CSRF_FIELD,
    LoginLimiter,
    csrf_ok,
    ensure_csrf_token,
    retry_message,
)

router = APIRouter(include_in_schema=False)
#: Compared against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
#: password and timing does not tell which accounts exist.
_DUMMY_HASH = hash_password("firewarden-timing-equaliser")


def safe_next(value: str | None) -> str:
    """Only local paths, so the sign-in page cannot send people to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/queue"
    return value


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/queue") -> Response:
    return page(request, "login.html", None, next=safe_next(next), email="", error="")


@router.post("/login")
async def login(request: Request) -> Response:
    web = web_of(request)
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if not csrf_ok(request.session, token if isinstance(token, str) else None):
        raise CsrfFailed()
    email = str(form.get("email", "")).strip().lower()
    password = str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "")))
    now = web.now()
    address = request.client.host if request.client else "unknown"
    key = LoginLimiter.key(email, address)
    retry_at = web.limiter.retry_at(key, now)
    if retry_at is not None:
        return page(
            request,
            "login.html",
            None,
            status=429,
            next=next_url,
            email=email,
            error=retry_message(retry_at, now),
        )
    with web.sessions() as session:
        user = session.scalar(select(User).where(User.email == email)) if email else None
        ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and bool(user)
        org_id = None
        if ok and user is not None:
            org_id = session.scalar(
                select(Membership.org_id)
                .where(Membership.user_id == user.id)
                .order_by(Membership.org_id)
                .limit(1)
            )
        if not ok or user is None or org_id is None:
            web.limiter.failed(key, now)
            message = (
                "Your account has no role in any organisation yet; ask an admin to add you."
                if ok
                else "Wrong e-mail or password."
            )
            return page(
                request, "login.html", None, status=401, next=next_url, email=email, error=message
            )
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        audit.record(
            session,
            org_id=org_id,
            actor=f"user:{user.id}",
            action="user.signed_in",
            subject=f"user:{user.id}",
            details={"address": address},
            at=now,
        )
        session.commit()
        user_id = user.id
    web.limiter.succeeded(key)
    request.session.clear()
    request.session.update({"uid": user_id, "org": org_id})
    ensure_csrf_token(request.session)
    return RedirectResponse(next_url, status_code=303)


@router.post("/logout")
def logout(request: Request, me: PageRead) -> RedirectResponse:
    request.session.clear()
    flash(request, "ok", "You are signed out.")
    return RedirectResponse("/login", status_code=303)


@router.post("/org")
async def switch_org(request: Request, me: PageRead) -> RedirectResponse:
    """Work in another organisation the user belongs to."""
    form = await request.form()
    try:
        org_id = int(str(form.get("org_id", "")))
    except ValueError:
        org_id = -1
    if web_of(request).principal(me.user_id, org_id) is None:
        flash(request, "error", "You are not a member of that organisation.")
    else:
        request.session["org"] = org_id
    return RedirectResponse("/queue", status_code=303)
