"""Configuring watches and setting an alert's status, from the pages and the JSON API.

Pages: ``/watches/new`` and ``/watches/{id}/edit`` (a form; a mistake re-renders it with the
message beside the field and everything typed kept), ``/watches/{id}/remove`` (asks first) and
``POST /alerts/{id}/status`` (Acknowledge, Close, Reopen). JSON: ``POST /api/v1/watches``,
``PUT`` and ``DELETE /api/v1/watches/{id}``, ``POST /api/v1/alerts/{id}/status``.

Who: changing watches is ``manage_watches`` (admins, like social accounts: it is the company's
set-up, and a watch decides who gets woken at night); an alert's status is ``alert_status``
(reviewer, legal, admin: the people who respond). Everyone else reads. Changes go through
:mod:`firewarden.listen.service`, and each writes one audit log entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from firewarden.errors import InputError, NotFound
from firewarden.listen import service
from firewarden.listen.watches import Watch
from firewarden.review.audit import record
from firewarden.web.app import WebApp, web_of
from firewarden.web.deps import ApiError, api_user, page_user
from firewarden.web.render import flash, page
from firewarden.web.security import Principal

router = APIRouter()

PageManageWatches = Annotated[Principal, Depends(page_user("manage_watches"))]
PageAlertStatus = Annotated[Principal, Depends(page_user("alert_status"))]
ApiManageWatches = Annotated[Principal, Depends(api_user("manage_watches"))]
ApiAlertStatus = Annotated[Principal, Depends(api_user("alert_status"))]

#: The form's list fields, in the order shown: (name, label, help).
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("keywords", "Keywords", "One per line. List every spelling: Acme, アクメ, ACME on lines of "
     "their own. Case, full-width letters and katakana/hiragana do not matter."),
    ("handles", "The brand's own handles", "One per line, e.g. @acme. Mentions of them count, "
     "and the brand's own posts are never counted as mentions."),
    ("own_posts", "Own posts to follow", "Post ids or links, one per line: replies to and "
     "quotes of them count (this is how a pile-on starts)."),
    ("products", "Products and stores", "Names, one per line; they count like keywords."),
    ("exclude", "Exclusions", "Phrases that mean something else (a band of the same name), one "
     "per line: a mention containing one is not counted."),
    ("languages", "Languages", "Optional, e.g. en, ja. Empty: every language."),
)  # fmt: skip
FIELD_NAMES = ("name", *(f for f, _, _ in FIELDS))
#: What the status buttons do: status -> (button label, message after).
STATUS_WORDS = {
    "acknowledged": ("Acknowledge", "acknowledged: people know and are looking"),
    "closed": ("Close", "closed"),
    "open": ("Reopen", "reopened"),
}


def _actor(me: Principal) -> str:
    return f"user:{me.user_id}"


def field_of(exc: InputError) -> str:
    """The form field an error is about (so the message is shown beside it); the name when
    the error names none."""
    return exc.field if exc.field in FIELD_NAMES else "name"


def _values(watch: Watch) -> dict[str, str]:
    values = {f: "\n".join(getattr(watch, f)) for f in FIELD_NAMES[1:]}
    values["name"] = watch.name
    return values


def _audit(session: Session, web: WebApp, me: Principal, action: str, subject: str,
           details: Mapping[str, Any]) -> None:  # fmt: skip
    record(
        session, org_id=me.org_id, actor=_actor(me), action=action, subject=subject,
        details=details, at=web.now(),
    )  # fmt: skip


# -- the changes (shared by the pages and the API) -----------------------------------------------


def create(web: WebApp, me: Principal, data: Mapping[str, Any]) -> service.WatchRecord:
    """Add a watch from form or JSON fields; raises InputError saying which field to fix."""
    watch = service.watch_from_form(data)
    with web.sessions() as session:
        rec = service.add_watch(session, watch, org_id=me.org_id, origin="web")
        _audit(session, web, me, "watch.added", f"watch:{rec.id}", watch.to_dict())
        session.commit()
    return rec


def change(
    web: WebApp, me: Principal, watch_id: int, data: Mapping[str, Any], enabled: bool | None
) -> service.WatchRecord:
    """Replace a watch's definition (and pause or resume it)."""
    watch = service.watch_from_form(data)
    with web.sessions() as session:
        rec = service.update_watch(session, watch_id, watch, org_id=me.org_id, enabled=enabled)
        details = {**watch.to_dict(), "enabled": rec.enabled}
        _audit(session, web, me, "watch.changed", f"watch:{rec.id}", details)
        session.commit()
    return rec


def remove(web: WebApp, me: Principal, watch_id: int) -> str:
    """Delete a watch with its counts and alerts; returns its name."""
    with web.sessions() as session:
        rec = service.get_watch(session, watch_id, org_id=me.org_id)
        service.remove_watch(session, watch_id, org_id=me.org_id)
        _audit(session, web, me, "watch.removed", f"watch:{watch_id}", {"name": rec.name})
        session.commit()
    return rec.name


def set_status(web: WebApp, me: Principal, alert_id: int, status: str) -> str:
    """Acknowledge, close or reopen an alert of the organisation."""
    with web.sessions() as session:
        new = service.set_alert_status(session, alert_id, status, org_id=me.org_id)
        _audit(session, web, me, "alert.status", f"alert:{alert_id}", {"status": new})
        session.commit()
    return new


def _exists(web: WebApp, me: Principal, watch_id: int) -> service.WatchRecord | None:
    with web.sessions() as session:
        try:
            return service.get_watch(session, watch_id, org_id=me.org_id)
        except NotFound:
            return None


# -- pages -----------------------------------------------------------------------------------


def not_found(request: Request, me: Principal, what: str) -> Response:
    """The 404 page for a watch or alert (``what``) that is not in the organisation."""
    return page(
        request, "error.html", me, status=404, title="Not found",
        message=f"There is no {what} in {me.org_name}.",
        hint="Open the Watches page to see this organisation's watches and alerts.",
    )  # fmt: skip


def _form(
    request: Request,
    me: Principal,
    *,
    values: Mapping[str, str],
    rec: service.WatchRecord | None = None,
    enabled: bool = True,
    error: InputError | None = None,
) -> Response:
    return page(
        request,
        "watches/form.html",
        me,
        status=400 if error else 200,
        active="watches",
        rec=rec,
        values=values,
        fields=FIELDS,
        enabled=enabled,
        error=error,
        error_field=field_of(error) if error else "",
    )


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(form.get(k, "")) for k in (*FIELD_NAMES, "enabled")}


@router.get("/watches/new", include_in_schema=False)
def new_form(request: Request, me: PageManageWatches) -> Response:
    return _form(request, me, values={})


@router.post("/watches/new", include_in_schema=False)
async def new_post(request: Request, me: PageManageWatches) -> Response:
    data = await _posted(request)
    try:
        rec = create(web_of(request), me, data)
    except InputError as exc:
        return _form(request, me, values=data, error=exc)
    flash(request, "ok", f"Watch “{rec.name}” added. The listener picks it up within a minute.")
    return RedirectResponse(f"/watches/{rec.id}", status_code=303)


@router.get("/watches/{watch_id}/edit", include_in_schema=False)
def edit_form(request: Request, watch_id: int, me: PageManageWatches) -> Response:
    rec = _exists(web_of(request), me, watch_id)
    if rec is None:
        return not_found(request, me, f"watch {watch_id}")
    return _form(request, me, values=_values(rec.watch), rec=rec, enabled=rec.enabled)


@router.post("/watches/{watch_id}/edit", include_in_schema=False)
async def edit_post(request: Request, watch_id: int, me: PageManageWatches) -> Response:
    web = web_of(request)
    rec = _exists(web, me, watch_id)
    if rec is None:
        return not_found(request, me, f"watch {watch_id}")
    data = await _posted(request)
    enabled = data["enabled"] in ("on", "true", "1")
    try:
        change(web, me, watch_id, data, enabled)
    except InputError as exc:
        return _form(request, me, values=data, rec=rec, enabled=enabled, error=exc)
    flash(request, "ok", f"Watch “{data['name'].strip()}” saved.")
    return RedirectResponse(f"/watches/{watch_id}", status_code=303)


@router.get("/watches/{watch_id}/remove", include_in_schema=False)
def remove_confirm(request: Request, watch_id: int, me: PageManageWatches) -> Response:
    rec = _exists(web_of(request), me, watch_id)
    if rec is None:
        return not_found(request, me, f"watch {watch_id}")
    return page(request, "watches/remove.html", me, active="watches", rec=rec)


@router.post("/watches/{watch_id}/remove", include_in_schema=False)
async def remove_post(request: Request, watch_id: int, me: PageManageWatches) -> Response:
    web = web_of(request)
    rec = _exists(web, me, watch_id)
    if rec is None:
        return not_found(request, me, f"watch {watch_id}")
    if (await request.form()).get("confirm") != "yes":
        # The first step only asks; the confirmation page posts confirm=yes.
        return page(request, "watches/remove.html", me, active="watches", rec=rec)
    name = remove(web, me, watch_id)
    flash(request, "ok", f"Watch “{name}” removed, with its counts and alerts.")
    return RedirectResponse("/watches", status_code=303)


@router.post("/alerts/{alert_id}/status", include_in_schema=False)
async def status_post(request: Request, alert_id: int, me: PageAlertStatus) -> Response:
    status = str((await request.form()).get("status", ""))
    try:
        set_status(web_of(request), me, alert_id, status)
    except NotFound:
        return not_found(request, me, f"alert {alert_id}")
    except InputError as exc:
        flash(request, "error", exc.message, exc.hint)
    else:
        flash(request, "ok", f"Alert {alert_id} {STATUS_WORDS[status][1]}.")
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)


# -- JSON ------------------------------------------------------------------------------------


def _api_error(exc: InputError, *, not_found: str = "", where: str = "") -> ApiError:
    if isinstance(exc, NotFound):
        return ApiError(404, f"There is no {not_found} in this organisation.",
                        hint="list them: GET /api/v1/watches or /api/v1/alerts")  # fmt: skip
    return ApiError(400, exc.message, hint=exc.hint, where=where or field_of(exc))


def _watch_json(rec: service.WatchRecord) -> dict[str, Any]:
    return {
        "id": rec.id, **rec.watch.to_dict(), "enabled": rec.enabled, "origin": rec.origin,
        "url": f"/watches/{rec.id}",
    }  # fmt: skip


WatchBody = Annotated[
    dict[str, Any],
    Body(
        description="name, and keywords, handles, own_posts, products, exclude, languages "
        "(lists of texts); on PUT also enabled (true/false)",
        examples=[{"name": "Acme", "keywords": ["Acme", "アクメ"], "handles": ["@acme"]}],
    ),
]
StatusBody = Annotated[
    dict[str, Any],
    Body(examples=[{"status": "acknowledged"}], description="open, acknowledged or closed"),
]


def _fields(body: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(body) - {*FIELD_NAMES, "enabled"})
    if unknown:
        raise ApiError(400, f"unknown field(s): {', '.join(unknown)}",
                       hint=f"known: {', '.join(FIELD_NAMES)}, enabled")  # fmt: skip
    return {k: body[k] for k in FIELD_NAMES if k in body}


@router.post("/api/v1/watches", tags=["listening"], summary="Add a watch", status_code=201)
def api_create(request: Request, me: ApiManageWatches, body: WatchBody) -> dict[str, Any]:
    try:
        return _watch_json(create(web_of(request), me, _fields(body)))
    except InputError as exc:
        raise _api_error(exc) from None


@router.put("/api/v1/watches/{watch_id}", tags=["listening"], summary="Replace a watch")
def api_update(
    request: Request, watch_id: int, me: ApiManageWatches, body: WatchBody
) -> dict[str, Any]:
    enabled = body.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise ApiError(400, "enabled must be true or false", where="enabled")
    web = web_of(request)
    if _exists(web, me, watch_id) is None:
        raise ApiError(404, f"There is no watch {watch_id} in {me.org_name}.",
                       hint="list them: GET /api/v1/watches")  # fmt: skip
    try:
        return _watch_json(change(web, me, watch_id, _fields(body), enabled))
    except InputError as exc:
        raise _api_error(exc, not_found=f"watch {watch_id}") from None


@router.delete("/api/v1/watches/{watch_id}", tags=["listening"], summary="Remove a watch")
def api_remove(request: Request, watch_id: int, me: ApiManageWatches) -> dict[str, Any]:
    try:
        name = remove(web_of(request), me, watch_id)
    except InputError as exc:
        raise _api_error(exc, not_found=f"watch {watch_id}") from None
    return {"removed": watch_id, "name": name}


@router.post(
    "/api/v1/alerts/{alert_id}/status", tags=["listening"], summary="Set an alert's status"
)
def api_status(
    request: Request, alert_id: int, me: ApiAlertStatus, body: StatusBody
) -> dict[str, Any]:
    try:
        status = set_status(web_of(request), me, alert_id, str(body.get("status", "")))
    except InputError as exc:
        raise _api_error(exc, not_found=f"alert {alert_id}", where="status") from None
    return {"id": alert_id, "status": status}
