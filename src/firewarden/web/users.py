"""People and roles: everyone sees who is who; admins add people and roles; each person sets
their own perspective tags and API tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.accounts.service import add_member, create_user, set_perspective_tags
from firewarden.errors import FirewardenError, InputError
from firewarden.store.tables import ROLES, User
from firewarden.web.app import web_of
from firewarden.web.deps import PageManageUsers, PageProfile, PageRead
from firewarden.web.reads import members_of
from firewarden.web.render import act, flash, page
from firewarden.web.security import Principal
from firewarden.web.tokens import create_token, list_tokens, revoke_token

router = APIRouter(include_in_schema=False)


def _users_page(request: Request, me: Principal, *, new_token: str = "") -> Response:
    with web_of(request).sessions() as session:
        members = members_of(session, org_id=me.org_id)
        tokens = list_tokens(session, org_id=me.org_id, user_id=me.user_id)
    mine = next((m for m in members if m.user.id == me.user_id), None)
    return page(
        request,
        "users.html",
        me,
        active="users",
        members=members,
        roles=ROLES,
        tokens=tokens,
        new_token=new_token,
        my_tags=", ".join(mine.tags) if mine else "",
    )


@router.get("/users")
def users(request: Request, me: PageRead) -> Response:
    return _users_page(request, me)


def invite(
    session: Session,
    *,
    org_id: int,
    actor: Principal,
    email: str,
    name: str,
    password: str,
    roles: list[str],
    now: dt.datetime,
) -> User:
    """Create a person (or reuse one by e-mail) and give them roles in the organisation."""
    if not roles:
        raise InputError("choose at least one role", where="roles")
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        if len(password) < 12:
            raise InputError("the first password must be at least 12 characters", where="password")
        user = create_user(session, email=email, display_name=name, password=password, now=now)
    add_member(
        session, org_id=org_id, user_id=user.id, roles=roles, actor=f"user:{actor.user_id}", now=now
    )
    return user


@router.post("/users")
async def add_user(request: Request, me: PageManageUsers) -> Response:
    web = web_of(request)
    form = await request.form()

    def run() -> str:
        with web.sessions() as session:
            user = invite(
                session,
                org_id=me.org_id,
                actor=me,
                email=str(form.get("email", "")),
                name=str(form.get("display_name", "")),
                password=str(form.get("password", "")),
                roles=[str(r) for r in form.getlist("roles")],
                now=web.now(),
            )
            session.commit()
        web.forget_principals()
        return f"{user.email} now has the chosen roles."

    return act(request, "/users", run)


@router.post("/users/me/tags")
async def my_tags(request: Request, me: PageProfile) -> Response:
    web = web_of(request)
    raw = str((await request.form()).get("tags", ""))

    def run() -> str:
        with web.sessions() as session:
            tags = set_perspective_tags(
                session, org_id=me.org_id, user_id=me.user_id, tags=raw.split(",")
            )
            session.commit()
        return "Perspective tags saved: " + (", ".join(tags) or "none declared")

    return act(request, "/users", run)


@router.post("/users/me/tokens")
async def new_token(request: Request, me: PageProfile) -> Response:
    web = web_of(request)
    name = str((await request.form()).get("name", ""))
    try:
        with web.sessions() as session:
            made = create_token(
                session, org_id=me.org_id, user_id=me.user_id, name=name, now=web.now()
            )
            session.commit()
    except FirewardenError as exc:
        flash(request, "error", exc.message, exc.hint)
        return _users_page(request, me)
    flash(request, "ok", f"Token “{made.name}” created. Copy it now: it is not shown again.")
    return _users_page(request, me, new_token=made.token)


@router.post("/users/me/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, me: PageProfile) -> Response:
    web = web_of(request)

    def run() -> str:
        with web.sessions() as session:
            revoke_token(
                session, org_id=me.org_id, user_id=me.user_id, token_id=token_id, now=web.now()
            )
            session.commit()
        web.forget_principals()
        return "Token revoked."

    return act(request, "/users", run)
