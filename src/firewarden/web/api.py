"""The JSON API under /api/v1: the same operations as the pages, for automation.

Authentication: ``Authorization: Bearer <token>`` (tokens from the Users page or
``firewarden token create``), or the browser's session plus the ``X-CSRF-Token`` header.
Errors are ``{"error", "hint", "where"}`` with 400/401/403/404/409/422.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.accounts.service import add_social_account, set_perspective_tags
from firewarden.checks.context import Context
from firewarden.review.common import current_version, get_draft
from firewarden.review.queries import draft_overview
from firewarden.store.tables import Publication
from firewarden.web import api_models as m
from firewarden.web import draft_actions as actions
from firewarden.web.app import WebApp, web_of
from firewarden.web.deps import (
    ApiAcceptFinding,
    ApiCheck,
    ApiComment,
    ApiDeletePublished,
    ApiManageAccounts,
    ApiManageUsers,
    ApiOverride,
    ApiProfile,
    ApiRead,
    ApiReview,
    ApiSchedule,
    ApiWrite,
    DbSession,
)
from firewarden.web.draft_actions import DraftActions
from firewarden.web.reads import accounts_of, audit_page, draft_page, members_of, versions_of
from firewarden.web.security import Principal
from firewarden.web.tokens import create_token, list_tokens, revoke_token
from firewarden.web.users import invite

router = APIRouter(tags=["firewarden"])


@router.post("/check", summary="Check a draft (returns the report)")
async def check(body: m.CheckIn, request: Request, me: ApiCheck) -> Any:
    web = web_of(request)
    context = Context(
        at=body.at or web.now(),
        account=body.account,
        handle=body.handle,
        events=tuple(body.events) if body.events is not None else web.events(),
        sponsored=body.sponsored,
        attachment=body.attachment,
        past_posts=tuple(body.past_posts),
        language=body.language,
        brand=body.brand,
    )
    return web.check(body.text, context).to_dict()


# -- drafts --------------------------------------------------------------------------------


def _detail(session: Session, web: WebApp, me: Principal, draft_id: int) -> m.DraftDetail:
    o = draft_overview(session, org_id=me.org_id, draft_id=draft_id, policy=web.policy)
    level = max((r.level for r in o.reports), default=None)
    base = m.DraftOut.of(o.draft, o.version, None if level is None else _label(level))
    return m.DraftDetail(
        **base.model_dump(),
        approved=o.decision.approved,
        missing=list(o.decision.missing),
        blocked_reason=o.decision.blocked_reason or "",
        reports=[{"account_id": r.account_id, "report": r.data} for r in o.reports],
        decisions=[
            {
                "user_id": d.user_id,
                "decision": d.decision,
                "reason": d.reason,
                "account_confirmed": d.account_confirmed,
                "roles": d.roles,
                "tags": d.tags,
                "at": d.created_at.isoformat(),
            }
            for d in o.decisions
        ],
        accepted_findings=[
            {
                "rule_id": a.rule_id,
                "start": a.start,
                "end": a.end,
                "excerpt": a.excerpt,
                "reason": a.reason,
                "user_id": a.user_id,
            }
            for a in o.accepted_findings
        ],
        comments=[{"user_id": c.user_id, "body": c.body} for c in o.comments],
        publications=[_publication(p).model_dump(mode="json") for p in o.publications],
    )


def _label(level: int) -> str:
    from firewarden.checks.types import Level

    return Level(level).label


def _publication(p: Publication) -> m.PublicationOut:
    return m.PublicationOut(
        account_id=p.account_id,
        status=p.status,
        platform_post_id=p.platform_post_id,
        url=p.url,
        error=p.error,
        attempts=p.attempts,
        sent_at=p.sent_at,
        deleted_at=p.deleted_at,
    )


@router.get("/drafts", response_model=m.DraftList, summary="List drafts, newest first")
def list_drafts(
    request: Request,
    me: ApiRead,
    session: DbSession,
    state: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=200),
) -> m.DraftList:
    result = draft_page(session, org_id=me.org_id, states=state, page=page, per_page=per_page)
    items = [
        m.DraftOut.of(r.draft, r.version, r.level.label if r.level is not None else None)
        for r in result.items
    ]
    return m.DraftList(items=items, page=page, per_page=per_page, total=result.total)


@router.post("/drafts", response_model=m.DraftDetail, status_code=201, summary="Create a draft")
def create_draft(
    body: m.DraftIn, request: Request, me: ApiWrite, session: DbSession
) -> m.DraftDetail:
    web = web_of(request)
    draft_id, _ = actions.create_draft(
        session,
        web,
        me,
        text=body.text,
        targets=body.targets,
        attachments=body.attachments,
        scheduled_at=body.scheduled_at,
        sponsored=body.sponsored,
        submit=body.submit,
    )
    session.commit()
    return _detail(session, web, me, draft_id)


@router.get("/drafts/{draft_id}", response_model=m.DraftDetail, summary="One draft")
def get_one(draft_id: int, request: Request, me: ApiRead, session: DbSession) -> m.DraftDetail:
    return _detail(session, web_of(request), me, draft_id)


@router.patch("/drafts/{draft_id}", response_model=m.DraftDetail, summary="Edit (new version)")
def edit(
    draft_id: int,
    body: m.DraftPatch,
    request: Request,
    me: ApiWrite,
    session: DbSession,
) -> m.DraftDetail:
    keep = "scheduled_at" not in body.model_fields_set
    _actions(request, session, me, draft_id).edit(
        text=body.text,
        attachments=body.attachments,
        targets=body.targets,
        sponsored=body.sponsored,
        scheduled_at=actions.KEEP if keep else body.scheduled_at,
    )
    return _step(request, session, me, draft_id)


@router.get("/drafts/{draft_id}/versions", response_model=list[m.VersionOut])
def versions(draft_id: int, me: ApiRead, session: DbSession) -> list[m.VersionOut]:
    return [m.VersionOut.of(v) for v in versions_of(session, org_id=me.org_id, draft_id=draft_id)]


@router.get("/drafts/{draft_id}/publications", response_model=list[m.PublicationOut])
def publications(draft_id: int, me: ApiRead, session: DbSession) -> list[m.PublicationOut]:
    """Publish status: one row per target account."""
    draft = get_draft(session, org_id=me.org_id, draft_id=draft_id)
    rows = session.scalars(
        select(Publication)
        .where(Publication.draft_id == draft.id, Publication.org_id == me.org_id)
        .order_by(Publication.id)
    )
    return [_publication(p) for p in rows]


def _actions(request: Request, session: Session, me: Principal, draft_id: int) -> DraftActions:
    return DraftActions(session, web_of(request), me, draft_id)


def _step(request: Request, session: Session, me: Principal, draft_id: int) -> m.DraftDetail:
    session.commit()
    return _detail(session, web_of(request), me, draft_id)


@router.post("/drafts/{draft_id}/submit", response_model=m.DraftDetail)
def submit(draft_id: int, request: Request, me: ApiWrite, session: DbSession) -> m.DraftDetail:
    _actions(request, session, me, draft_id).submit()
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/approve", response_model=m.DraftDetail)
def approve(
    draft_id: int,
    body: m.ApproveIn,
    request: Request,
    me: ApiReview,
    session: DbSession,
) -> m.DraftDetail:
    _actions(request, session, me, draft_id).approve(
        account_confirmed=body.account_confirmed, comment=body.comment
    )
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/reject", response_model=m.DraftDetail)
def reject(
    draft_id: int,
    body: m.Reason,
    request: Request,
    me: ApiReview,
    session: DbSession,
) -> m.DraftDetail:
    _actions(request, session, me, draft_id).reject(body.reason)
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/accept-finding", response_model=m.DraftDetail)
def accept_finding(
    draft_id: int,
    body: m.AcceptFindingIn,
    request: Request,
    me: ApiAcceptFinding,
    session: DbSession,
) -> m.DraftDetail:
    _actions(request, session, me, draft_id).accept_finding(
        rule_id=body.rule_id, start=body.start, end=body.end, field=body.field, reason=body.reason
    )
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/comments", response_model=m.DraftDetail)
def comment(
    draft_id: int,
    body: m.CommentIn,
    request: Request,
    me: ApiComment,
    session: DbSession,
) -> m.DraftDetail:
    _actions(request, session, me, draft_id).comment(body.body)
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/override", response_model=m.DraftDetail)
def override(
    draft_id: int,
    body: m.Reason,
    request: Request,
    me: ApiOverride,
    session: DbSession,
) -> m.DraftDetail:
    _actions(request, session, me, draft_id).override(body.reason)
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/schedule", response_model=m.DraftDetail)
def schedule(
    draft_id: int,
    body: m.ScheduleIn,
    request: Request,
    me: ApiSchedule,
    session: DbSession,
) -> m.DraftDetail:
    """Queue an approved draft; nothing is sent before the undo window has passed."""
    _actions(request, session, me, draft_id).schedule(body.confirm_handles)
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/cancel", response_model=m.DraftDetail)
def cancel(draft_id: int, request: Request, me: ApiSchedule, session: DbSession) -> m.DraftDetail:
    """Take a scheduled draft off the queue (inside the undo window, or any time before)."""
    _actions(request, session, me, draft_id).cancel()
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/withdraw", response_model=m.DraftDetail)
def withdraw(
    draft_id: int,
    body: m.Reason,
    request: Request,
    me: ApiSchedule,
    session: DbSession,
) -> m.DraftDetail:
    _actions(request, session, me, draft_id).withdraw(body.reason)
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/retry", response_model=m.DraftDetail)
def retry(draft_id: int, request: Request, me: ApiSchedule, session: DbSession) -> m.DraftDetail:
    _actions(request, session, me, draft_id).retry()
    return _step(request, session, me, draft_id)


@router.post("/drafts/{draft_id}/delete-published", summary="Delete a published post")
def delete_published(
    draft_id: int,
    body: m.Reason,
    request: Request,
    me: ApiDeletePublished,
    session: DbSession,
) -> dict[str, Any]:
    """Saves an evidence snapshot of each published copy, deletes it, and proposes a
    follow-up post (in the draft's language) to edit and submit as a new draft."""
    result = _actions(request, session, me, draft_id).delete_published(body.reason)
    draft = get_draft(session, org_id=me.org_id, draft_id=draft_id)
    return {
        "draft_id": result.draft_id,
        "evidence_snapshot_ids": result.snapshot_ids,
        "deleted_account_ids": result.deleted_account_ids,
        "errors": {str(k): v for k, v in result.errors.items()},
        "follow_up": {
            "text": result.follow_up,
            "targets": current_version(session, draft).target_ids,
        },
    }


# -- accounts, people, tokens, audit, guidelines ---------------------------------------------


@router.get("/accounts", response_model=list[m.AccountOut])
def accounts(me: ApiRead, session: DbSession) -> list[m.AccountOut]:
    return [m.AccountOut.of(a) for a in accounts_of(session, org_id=me.org_id)]


@router.post("/accounts", response_model=m.AccountOut, status_code=201)
def add_account(
    body: m.AccountIn,
    request: Request,
    me: ApiManageAccounts,
    session: DbSession,
) -> m.AccountOut:
    account = add_social_account(
        session,
        org_id=me.org_id,
        platform=body.platform,
        handle=body.handle,
        kind=body.kind,
        display_name=body.display_name,
        avatar_url=body.avatar_url,
        now=web_of(request).now(),
    )
    session.commit()
    return m.AccountOut.of(account)


@router.get("/users")
def users(me: ApiRead, session: DbSession) -> list[dict[str, Any]]:
    return [
        {
            "id": x.user.id,
            "email": x.user.email,
            "display_name": x.user.display_name,
            "roles": x.roles,
            "perspective_tags": x.tags,
        }
        for x in members_of(session, org_id=me.org_id)
    ]


@router.post("/users", status_code=201)
def add_user(
    body: m.UserIn, request: Request, me: ApiManageUsers, session: DbSession
) -> dict[str, Any]:
    web = web_of(request)
    user = invite(
        session,
        org_id=me.org_id,
        actor=me,
        email=body.email,
        name=body.display_name,
        password=body.password,
        roles=body.roles,
        now=web.now(),
    )
    session.commit()
    web.forget_principals()
    return {"id": user.id, "email": user.email}


@router.get("/me")
def whoami(me: ApiRead) -> dict[str, Any]:
    return {
        "user_id": me.user_id,
        "email": me.email,
        "display_name": me.display_name,
        "org_id": me.org_id,
        "organisation": me.org_name,
        "roles": sorted(me.roles),
    }


@router.put("/me/perspective-tags")
def my_tags(body: m.TagsIn, me: ApiProfile, session: DbSession) -> dict[str, Any]:
    tags = set_perspective_tags(session, org_id=me.org_id, user_id=me.user_id, tags=body.tags)
    session.commit()
    return {"tags": tags}


@router.get("/me/tokens")
def my_tokens(me: ApiProfile, session: DbSession) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "revoked": t.revoked_at is not None,
        }
        for t in list_tokens(session, org_id=me.org_id, user_id=me.user_id)
    ]


@router.post("/me/tokens", status_code=201)
def new_token(
    body: m.TokenIn, request: Request, me: ApiProfile, session: DbSession
) -> dict[str, Any]:
    """The token is in the answer once; store it safely."""
    made = create_token(
        session, org_id=me.org_id, user_id=me.user_id, name=body.name, now=web_of(request).now()
    )
    session.commit()
    return {"id": made.id, "name": made.name, "token": made.token}


@router.delete("/me/tokens/{token_id}", status_code=204)
def drop_token(token_id: int, request: Request, me: ApiProfile, session: DbSession) -> Response:
    web = web_of(request)
    revoke_token(session, org_id=me.org_id, user_id=me.user_id, token_id=token_id, now=web.now())
    session.commit()
    web.forget_principals()
    return Response(status_code=204)


@router.get("/audit")
def audit(
    me: ApiRead,
    session: DbSession,
    page: int = Query(1, ge=1),
    per_page: int = Query(100, ge=1, le=500),
    subject: str = "",
) -> dict[str, Any]:
    result = audit_page(session, org_id=me.org_id, page=page, per_page=per_page, subject=subject)
    return {
        "page": page,
        "total": result.total,
        "items": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "details": e.details,
                "hash": e.hash,
            }
            for e in result.items
        ],
    }


@router.get("/guidelines")
def guidelines(request: Request, me: ApiRead) -> dict[str, Any]:
    from firewarden.web.guidelines import rule_rows

    packs, rows = rule_rows(tuple(str(p) for p in web_of(request).config.guideline_packs))
    return {"packs": list(packs), "rules": [r.__dict__ for r in rows]}
