"""The audit log page: the organisation's entries, newest first, and whether the chain holds."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from firewarden.web.app import web_of
from firewarden.web.deps import PageRead
from firewarden.web.reads import audit_page
from firewarden.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/audit")
def audit(
    request: Request,
    me: PageRead,
    page_no: int = Query(1, alias="page", ge=1),
    subject: str = "",
) -> Response:
    with web_of(request).sessions() as session:
        result = audit_page(session, org_id=me.org_id, page=page_no, subject=subject)
    return page(request, "audit.html", me, active="audit", result=result, subject=subject)
