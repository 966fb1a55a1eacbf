"""Actions on one draft (pages): submit, approve, reject, accept a finding, comment, override,
schedule with the account guard, cancel inside the undo window, withdraw, retry, and delete a
published post with a reason."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from firewarden.errors import FirewardenError, InputError
from firewarden.review import service
from firewarden.review.common import current_version, get_draft
from firewarden.review.queries import draft_overview
from firewarden.web.app import WebApp, web_of
from firewarden.web.deps import (
    PageAcceptFinding,
    PageComment,
    PageDeletePublished,
    PageOverride,
    PageReview,
    PageSchedule,
    PageWrite,
)
from firewarden.web.guard import (
    handles_to_confirm,
    require_account_confirmation,
    require_handles,
    wrong_account_flagged,
)
from firewarden.web.reads import accounts_of
from firewarden.web.render import act, flash, page
from firewarden.web.security import Principal

router = APIRouter(include_in_schema=False)


def _back(draft_id: int) -> str:
    return f"/drafts/{draft_id}"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items()}


def schedule_guarded(
    session: Session, web: WebApp, me: Principal, draft_id: int, typed: list[str]
) -> str:
    """Schedule after the account guard; returns the message to show."""
    draft = get_draft(session, org_id=me.org_id, draft_id=draft_id)
    version = current_version(session, draft)
    accounts = accounts_of(session, org_id=me.org_id)
    targets = [a for a in accounts if a.id in version.target_ids]
    if draft.state == "approved":  # other states are refused by the service, with a hint
        require_handles(handles_to_confirm(targets, accounts), typed)
    at = service.schedule(
        session,
        org_id=me.org_id,
        draft_id=draft_id,
        user_id=me.user_id,
        now=web.now(),
        undo_seconds=web.undo_seconds,
    )
    return f"Scheduled: it goes out at {at:%Y-%m-%d %H:%M:%S} UTC. You can cancel until then."


def approve_guarded(
    session: Session, web: WebApp, me: Principal, draft_id: int, confirmed: bool, comment: str
) -> str:
    """Approve after the "wrong account?" confirmation; returns the message to show."""
    overview = draft_overview(session, org_id=me.org_id, draft_id=draft_id, policy=web.policy)
    require_account_confirmation(wrong_account_flagged(r.data for r in overview.reports), confirmed)
    decision = service.approve(
        session,
        org_id=me.org_id,
        draft_id=draft_id,
        user_id=me.user_id,
        policy=web.policy,
        now=web.now(),
        account_confirmed=confirmed,
        comment=comment,
    )
    if decision.approved:
        return "Approved: the draft is ready to schedule."
    return "Your approval is recorded. Still needed: " + "; ".join(decision.missing)


@router.post("/drafts/{draft_id}/submit")
def submit(request: Request, draft_id: int, me: PageWrite) -> Response:
    web = web_of(request)

    def run() -> str:
        with web.sessions() as s:
            level = service.submit_for_review(
                s,
                org_id=me.org_id,
                draft_id=draft_id,
                user_id=me.user_id,
                now=web.now(),
                check=web.check,
                events=web.events(),
            )
            s.commit()
        return f"Sent for review (risk: {level.label})."

    return act(request, _back(draft_id), run)


@router.post("/drafts/{draft_id}/approve")
async def approve(request: Request, draft_id: int, me: PageReview) -> Response:
    web, form = web_of(request), await _form(request)

    def run() -> str:
        with web.sessions() as s:
            message = approve_guarded(
                s, web, me, draft_id, form.get("account_confirmed") == "on", form.get("comment", "")
            )
            s.commit()
        return message

    return act(request, _back(draft_id), run)


@router.post("/drafts/{draft_id}/reject")
async def reject(request: Request, draft_id: int, me: PageReview) -> Response:
    web, form = web_of(request), await _form(request)

    def run() -> str:
        with web.sessions() as s:
            service.reject(
                s,
                org_id=me.org_id,
                draft_id=draft_id,
                user_id=me.user_id,
                reason=form.get("reason", ""),
                now=web.now(),
            )
            s.commit()
        return "Rejected: the author sees your reason."

    return act(request, _back(draft_id), run)


@router.post("/drafts/{draft_id}/accept-finding")
async def accept_finding(request: Request, draft_id: int, me: PageAcceptFinding) -> Response:
    web, form = web_of(request), await _form(request)

    def run() -> str:
        try:
            start, end = int(form.get("start", "")), int(form.get("end", ""))
        except ValueError:
            raise InputError(
                "nothing accepted: the finding's position is missing",
                hint="use the Accept button beside the finding",
            ) from None
        with web.sessions() as s:
            service.accept_finding(
                s,
                org_id=me.org_id,
                draft_id=draft_id,
                user_id=me.user_id,
                rule_id=form.get("rule_id", ""),
                start=start,
                end=end,
                field=form.get("field", "text"),
                reason=form.get("reason", ""),
                now=web.now(),
            )
            s.commit()
        return "Finding accepted; later reviewers see your reason."

    return act(request, _back(draft_id), run)


@router.post("/drafts/{draft_id}/comment")
async def comment(request: Request, draft_id: int, me: PageComment) -> Response:
    web, form = web_of(request), await _form(request)

    def run() -> str:
        body = form.get("body", "").strip()
        if not body:
            raise InputError("nothing added: the comment is empty", hint="write the comment first")
        with web.sessions() as s:
            service.add_comment(
                s, org_id=me.org_id, draft_id=draft_id, user_id=me.user_id, body=body, now=web.now()
            )
            s.commit()
        return "Comment added."

    return act(request, _back(draft_id), run)


@router.post("/drafts/{draft_id}/override")
async def override(request: Request, draft_id: int, me: PageOverride) -> Response:
    web, form = web_of(request), await _form(request)

    def run() -> str:
        with web.sessions() as s:
            decision = service.override(
                s,
                org_id=me.org_id,
                draft_id=draft_id,
                admin_id=me.user_id,
                reason=form.get("reason", ""),
                policy=web.policy,
                now=web.now(),
            )
            s.commit()
        if decision.approved:
            return "Override recorded: the draft is approved."
        return "Override recorded. Still needed: " + "; ".join(decision.missing)

    return act(request, _back(draft_id), run)


@router.post("/drafts/{draft_id}/schedule")
async def schedule(request: Request, draft_id: int, me: PageSchedule) -> Response:
    web = web_of(request)
    typed = [str(v) for v in (await request.form()).getlist("confirm_handle")]

    def run() -> str:
        with web.sessions() as s:
            message = schedule_guarded(s, web, me, draft_id, typed)
            s.commit()
        return message

    return act(request, _back(draft_id), run)


def _simple(name: str, what: str) -> None:
    """Register a one-button action: cancel, retry (no fields) or withdraw (a reason)."""

    async def handler(request: Request, draft_id: int, me: PageSchedule) -> Response:
        web, form = web_of(request), await _form(request)

        def run() -> str:
            with web.sessions() as s:
                common = {"org_id": me.org_id, "draft_id": draft_id, "user_id": me.user_id}
                if name == "cancel":
                    service.cancel_schedule(s, **common, now=web.now())
                elif name == "retry":
                    service.retry(s, **common, now=web.now())
                else:
                    service.withdraw(s, **common, now=web.now(), reason=form.get("reason", ""))
                s.commit()
            return what

        return act(request, _back(draft_id), run)

    router.add_api_route(f"/drafts/{{draft_id}}/{name}", handler, methods=["POST"], name=name)


_simple(
    "cancel", "Cancelled: nothing was sent. The draft is approved; schedule it again when ready."
)
_simple("retry", "Queued again: accounts that already have the post are skipped.")
_simple("withdraw", "Withdrawn: the draft will not be published.")


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
            result = service.delete_published(
                s,
                org_id=me.org_id,
                draft_id=draft_id,
                user_id=me.user_id,
                reason=form.get("reason", ""),
                publisher_for=web.publisher_for,
                now=web.now(),
            )
            draft = get_draft(s, org_id=me.org_id, draft_id=draft_id)
            targets = list(current_version(s, draft).target_ids)
    except FirewardenError as exc:
        flash(request, "error", exc.message, exc.hint)
        return RedirectResponse(f"/drafts/{draft_id}/delete", status_code=303)
    return page(request, "delete.html", me, active="queue", d=draft, result=result, targets=targets)
