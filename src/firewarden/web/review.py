"""Actions on one draft (pages): submit, approve, reject, accept a finding, comment, override,
schedule with the account guard, cancel inside the undo window, withdraw, retry, and delete a
published post with a reason."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from firewarden.errors import FirewardenError, InputError
from firewarden.review.common import current_version, get_draft
from firewarden.web.app import web_of
from firewarden.web.deps import (
    PageAcceptFinding,
    PageComment,
    PageDeletePublished,
    PageOverride,
    PageReview,
    PageSchedule,
    PageWrite,
)
from firewarden.web.draft_actions import DraftActions
from firewarden.web.render import act, flash, page
from firewarden.web.security import Principal

router = APIRouter(include_in_schema=False)


def _back(draft_id: int) -> str:
    return f"/drafts/{draft_id}"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items()}


def _act(
    request: Request, me: Principal, draft_id: int, action: Callable[[DraftActions], str]
) -> Response:
    """Run one action on the draft in its own transaction and go back to the draft's page
    with the action's message (or the error it raised)."""
    web = web_of(request)

    def run() -> str:
        with web.sessions() as s:
            message = action(DraftActions(s, web, me, draft_id))
            s.commit()
        return message

    return act(request, _back(draft_id), run)


@router.post("/drafts/{draft_id}/submit")
def submit(request: Request, draft_id: int, me: PageWrite) -> Response:
    def run(a: DraftActions) -> str:
        return f"Sent for review (risk: {a.submit().label})."

    return _act(request, me, draft_id, run)


@router.post("/drafts/{draft_id}/approve")
async def approve(request: Request, draft_id: int, me: PageReview) -> Response:
    form = await _form(request)
    confirmed = form.get("account_confirmed") == "on"
    return _act(
        request,
        me,
        draft_id,
        lambda a: a.approve(account_confirmed=confirmed, comment=form.get("comment", "")),
    )


@router.post("/drafts/{draft_id}/reject")
async def reject(request: Request, draft_id: int, me: PageReview) -> Response:
    form = await _form(request)
    return _act(request, me, draft_id, lambda a: a.reject(form.get("reason", "")))


@router.post("/drafts/{draft_id}/accept-finding")
async def accept_finding(request: Request, draft_id: int, me: PageAcceptFinding) -> Response:
    form = await _form(request)

    def run(a: DraftActions) -> str:
        try:
            start, end = int(form.get("start", "")), int(form.get("end", ""))
        except ValueError:
            raise InputError(
                "nothing accepted: the finding's position is missing",
                hint="use the Accept button beside the finding",
            ) from None
        return a.accept_finding(
            rule_id=form.get("rule_id", ""),
            start=start,
            end=end,
            field=form.get("field", "text"),
            reason=form.get("reason", ""),
        )

    return _act(request, me, draft_id, run)


@router.post("/drafts/{draft_id}/comment")
async def comment(request: Request, draft_id: int, me: PageComment) -> Response:
    form = await _form(request)
    return _act(request, me, draft_id, lambda a: a.comment(form.get("body", "")))


@router.post("/drafts/{draft_id}/override")
async def override(request: Request, draft_id: int, me: PageOverride) -> Response:
    form = await _form(request)
    return _act(request, me, draft_id, lambda a: a.override(form.get("reason", "")))


@router.post("/drafts/{draft_id}/schedule")
async def schedule(request: Request, draft_id: int, me: PageSchedule) -> Response:
    typed = [str(v) for v in (await request.form()).getlist("confirm_handle")]
    return _act(request, me, draft_id, lambda a: a.schedule(typed))


@router.post("/drafts/{draft_id}/cancel")
def cancel(request: Request, draft_id: int, me: PageSchedule) -> Response:
    return _act(request, me, draft_id, DraftActions.cancel)


@router.post("/drafts/{draft_id}/retry")
def retry(request: Request, draft_id: int, me: PageSchedule) -> Response:
    return _act(request, me, draft_id, DraftActions.retry)


@router.post("/drafts/{draft_id}/withdraw")
async def withdraw(request: Request, draft_id: int, me: PageSchedule) -> Response:
    form = await _form(request)
    return _act(request, me, draft_id, lambda a: a.withdraw(form.get("reason", "")))


@router.get("/drafts/{draft_id}/delete")
def delete_form(request: Request, draft_id: int, me: PageDeletePublished) -> Response:
    with web_of(request).sessions() as s:
        draft = get_draft(s, org_id=me.org_id, draft_id=draft_id)
    return page(request, "delete.html", me, active="queue", d=draft, result=None)


@router.post("/drafts/{draft_id}/delete")
async def delete(request: Request, draft_id: int, me: PageDeletePublished) -> Response:
    web, form = web_of(request), await _form(request)
    try:
        with web.sessions() as s:
            result = DraftActions(s, web, me, draft_id).delete_published(form.get("reason", ""))
            draft = get_draft(s, org_id=me.org_id, draft_id=draft_id)
            targets = list(current_version(s, draft).target_ids)
    except FirewardenError as exc:
        flash(request, "error", exc.message, exc.hint)
        return RedirectResponse(f"/drafts/{draft_id}/delete", status_code=303)
    return page(request, "delete.html", me, active="queue", d=draft, result=result, targets=targets)
