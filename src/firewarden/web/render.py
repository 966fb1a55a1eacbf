"""Rendering pages: the template context every page gets, flash messages, and running a form
action with a clear message whatever happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from firewarden.errors import FirewardenError
from firewarden.web.app import web_of
from firewarden.web.security import PERMISSIONS, Principal, ensure_csrf_token

_NAV = (
    ("queue", "/queue", "Drafts"),
    ("compose", "/drafts/new", "Compose"),
    ("calendar", "/calendar", "Calendar"),
    ("accounts", "/accounts", "Accounts"),
    ("users", "/users", "Users"),
    ("audit", "/audit", "Audit log"),
    ("guidelines", "/guidelines", "Guidelines"),
    ("watches", "/watches", "Watches"),
)


def flash(request: Request, kind: str, text: str, hint: str = "") -> None:
    """A message shown once on the next page ("ok" or "error")."""
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "text": text, "hint": hint})
    request.session["flash"] = messages[-5:]


def when(value: dt.datetime | None, *, seconds: bool = False) -> str:
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else "")) + " UTC"


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status: int = 200,
    active: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with what every page needs (CSRF token, user, navigation, messages)."""
    web = web_of(request)
    nav = [
        (key, href, label)
        for key, href, label in _NAV
        if principal is not None and (key != "compose" or principal.may("write"))
    ]
    context.update(
        request=request,
        me=principal,
        orgs=_organisations(request, principal),
        csrf=ensure_csrf_token(request.session),
        flashes=request.session.pop("flash", []),
        nav=nav,
        active=active,
        when=when,
        may=(lambda action: principal is not None and principal.may(action)),
        permissions=PERMISSIONS,
        now=web.now(),
        undo_seconds=web.undo_seconds,
    )
    return web.templates.TemplateResponse(request, template, context, status_code=status)


def _organisations(request: Request, principal: Principal | None) -> list[tuple[int, str]]:
    """The organisations the signed-in person belongs to (for switching between them)."""
    if principal is None:
        return []
    from sqlalchemy import select

    from firewarden.store.tables import Membership, Organisation

    with web_of(request).sessions() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name)
            .join(Membership, Membership.org_id == Organisation.id)
            .where(Membership.user_id == principal.user_id)
            .distinct()
            .order_by(Organisation.name)
        ).all()
    return [(int(r[0]), str(r[1])) for r in rows]


def act(request: Request, back: str, action: Callable[[], str]) -> RedirectResponse:
    """Run a form's action; flash its message or the user-facing error, then go to ``back``."""
    try:
        flash(request, "ok", action())
    except FirewardenError as exc:
        flash(
            request, "error", f"{exc.where}: {exc.message}" if exc.where else exc.message, exc.hint
        )
    return RedirectResponse(back, status_code=303)


def login_redirect(next_url: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(next_url)}", status_code=303)
