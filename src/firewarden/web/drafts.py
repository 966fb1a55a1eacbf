"""Draft pages: the list (review queue), compose and edit, one draft, and its versions."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from firewarden.errors import FirewardenError
from firewarden.review.queries import audit_trail, draft_overview
from firewarden.review.removal import follow_up_text
from firewarden.review.states import State
from firewarden.web import draft_actions as actions
from firewarden.web.app import web_of
from firewarden.web.deps import PageRead, PageWrite
from firewarden.web.diffing import word_diff
from firewarden.web.draft_actions import DraftActions
from firewarden.web.forms import draft_fields
from firewarden.web.guard import handles_to_confirm, wrong_account_flagged
from firewarden.web.reads import accounts_of, draft_page, user_names, versions_of
from firewarden.web.render import flash, page
from firewarden.web.textmarks import marked

router = APIRouter(include_in_schema=False)

#: The tabs of the drafts list: (query value, label, states).
TABS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("review", "Needs review", (State.IN_REVIEW.value,)),
    ("drafts", "Being written", (State.DRAFT.value, State.REJECTED.value)),
    ("ready", "Approved", (State.APPROVED.value,)),
    ("scheduled", "Scheduled", (State.SCHEDULED.value, State.PUBLISHING.value)),
    (
        "published",
        "Published",
        (State.PUBLISHED.value, State.PARTIALLY_PUBLISHED.value, State.FAILED.value),
    ),
    ("all", "All", ()),
)


@router.get("/queue")
def queue(
    request: Request,
    me: PageRead,
    tab: str = "review",
    page_no: int = Query(1, alias="page", ge=1),
) -> Response:
    states = next((s for key, _, s in TABS if key == tab), None)
    if states is None:
        tab, states = "all", ()
    with web_of(request).sessions() as session:
        result = draft_page(session, org_id=me.org_id, states=states, page=page_no)
    return page(request, "queue.html", me, active="queue", tabs=TABS, tab=tab, result=result)


@router.get("/drafts/new")
def compose(request: Request, me: PageWrite, text: str = "") -> Response:
    with web_of(request).sessions() as session:
        accounts = accounts_of(session, org_id=me.org_id)
    return page(
        request,
        "compose.html",
        me,
        active="compose",
        accounts=accounts,
        draft=None,
        version=None,
        text=text,
        selected=[accounts[0].id] if len(accounts) == 1 else [],
    )


@router.post("/drafts")
async def create(request: Request, me: PageWrite) -> Response:
    web = web_of(request)
    form = await request.form()
    try:
        fields = draft_fields(form)
        with web.sessions() as session:
            draft_id, message = actions.create_draft(
                session,
                web,
                me,
                text=fields.text,
                targets=fields.targets,
                attachments=fields.attachments,
                scheduled_at=fields.scheduled_at,
                sponsored=fields.sponsored,
                submit=form.get("submit") == "review",
            )
            session.commit()
    except FirewardenError as exc:
        flash(request, "error", exc.message, exc.hint)
        with web.sessions() as session:
            accounts = accounts_of(session, org_id=me.org_id)
        return page(
            request,
            "compose.html",
            me,
            status=400,
            active="compose",
            accounts=accounts,
            draft=None,
            version=None,
            text=str(form.get("text", "")),
            selected=[int(str(t)) for t in form.getlist("targets") if str(t).isdigit()],
        )
    flash(request, "ok", message)
    return RedirectResponse(f"/drafts/{draft_id}", status_code=303)


@router.get("/drafts/{draft_id}")
def show(request: Request, draft_id: int, me: PageRead) -> Response:
    web = web_of(request)
    with web.sessions() as session:
        overview = draft_overview(session, org_id=me.org_id, draft_id=draft_id, policy=web.policy)
        accounts = {a.id: a for a in accounts_of(session, org_id=me.org_id)}
        people = [overview.draft.author_id]
        people += [d.user_id for d in overview.decisions + overview.earlier_decisions]
        people += [a.user_id for a in overview.accepted_findings]
        people += [c.user_id for c in overview.comments]
        trail = audit_trail(session, org_id=me.org_id, draft_id=draft_id)
        trail_users = {
            e.actor: int(e.actor[5:])
            for e in trail
            if e.actor.startswith("user:") and e.actor[5:].isdigit()
        }
        names = user_names(session, people + list(trail_users.values()))
        versions = versions_of(session, org_id=me.org_id, draft_id=draft_id)
    # The audit log records "user:N"; show people's names (other actors, e.g. the worker, as is).
    actors = {actor: names.get(uid, actor) for actor, uid in trail_users.items()}
    targets = [accounts[i] for i in overview.version.target_ids if i in accounts]
    reports = [
        (
            accounts.get(r.account_id or -1),
            r.data,
            marked(overview.version.text, r.data["findings"]),
        )
        for r in overview.reports
    ]
    return page(
        request,
        "draft.html",
        me,
        active="queue",
        o=overview,
        d=overview.draft,
        v=overview.version,
        targets=targets,
        reports=reports,
        names=names,
        trail=trail,
        actors=actors,
        versions=versions,
        wrong_account=wrong_account_flagged(r.data for r in overview.reports),
        confirm_handles=handles_to_confirm(targets, accounts.values()),
        follow_up=follow_up_text(overview.draft.language),
        approved_by_me=any(d.user_id == me.user_id for d in overview.decisions),
    )


@router.get("/drafts/{draft_id}/edit")
def edit_form(request: Request, draft_id: int, me: PageWrite) -> Response:
    web = web_of(request)
    with web.sessions() as session:
        overview = draft_overview(session, org_id=me.org_id, draft_id=draft_id, policy=web.policy)
        accounts = accounts_of(session, org_id=me.org_id)
    return page(
        request,
        "compose.html",
        me,
        active="compose",
        accounts=accounts,
        draft=overview.draft,
        version=overview.version,
        text=overview.version.text,
        selected=list(overview.version.target_ids),
    )


@router.post("/drafts/{draft_id}/edit")
async def edit(request: Request, draft_id: int, me: PageWrite) -> Response:
    web = web_of(request)
    form = await request.form()
    try:
        fields = draft_fields(form)
        with web.sessions() as session:
            message = DraftActions(session, web, me, draft_id).edit(
                text=fields.text,
                attachments=fields.attachments,
                targets=fields.targets,
                scheduled_at=fields.scheduled_at,
                sponsored=fields.sponsored,
            )
            session.commit()
            flash(request, "ok", message)
    except FirewardenError as exc:
        flash(request, "error", exc.message, exc.hint)
        return RedirectResponse(f"/drafts/{draft_id}/edit", status_code=303)
    return RedirectResponse(f"/drafts/{draft_id}", status_code=303)


@router.get("/drafts/{draft_id}/versions")
def versions(
    request: Request,
    draft_id: int,
    me: PageRead,
    a: int = 0,
    b: int = 0,
) -> Response:
    with web_of(request).sessions() as session:
        rows = versions_of(session, org_id=me.org_id, draft_id=draft_id)
        accounts = {x.id: x for x in accounts_of(session, org_id=me.org_id)}
    by_number = {v.number: v for v in rows}
    new = by_number.get(b) or rows[-1]
    old = by_number.get(a) or (by_number.get(new.number - 1) or new)
    return page(
        request,
        "versions.html",
        me,
        active="queue",
        draft_id=draft_id,
        versions=rows,
        old=old,
        new=new,
        pieces=word_diff(old.text, new.text),
        accounts=accounts,
    )
