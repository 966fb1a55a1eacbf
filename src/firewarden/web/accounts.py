"""Social accounts posts go out from: list, and add (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from firewarden.accounts.service import add_social_account
from firewarden.publish.registry import PLATFORMS
from firewarden.web.app import web_of
from firewarden.web.deps import PageManageAccounts, PageRead
from firewarden.web.reads import accounts_of
from firewarden.web.render import act, page

router = APIRouter(include_in_schema=False)


@router.get("/accounts")
def accounts(request: Request, me: PageRead) -> Response:
    with web_of(request).sessions() as session:
        rows = accounts_of(session, org_id=me.org_id)
    return page(request, "accounts.html", me, active="accounts", accounts=rows, platforms=PLATFORMS)


@router.post("/accounts")
async def add(request: Request, me: PageManageAccounts) -> Response:
    web = web_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}

    def run() -> str:
        with web.sessions() as session:
            account = add_social_account(
                session,
                org_id=me.org_id,
                platform=form.get("platform", ""),
                handle=form.get("handle", ""),
                kind=form.get("kind", "corporate"),
                display_name=form.get("display_name", ""),
                avatar_url=form.get("avatar_url", ""),
                now=web.now(),
            )
            session.commit()
        return (
            f"Added {account.platform} account {account.handle}. Its credentials are set by an "
            "operator (see docs/publishing.md)."
        )

    return act(request, "/accounts", run)
