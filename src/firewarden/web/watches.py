"""Watch and alert pages, and the JSON behind them.

Pages: ``/watches`` (every watch of the organisation with its last day and latest alert),
``/watches/{id}`` (the live chart with alerts marked, sentiment split, top terms and mentions,
the alert list) and ``/alerts/{id}`` (the explanation and the evidence). JSON under
``/api/v1``: ``/watches``, ``/watches/{id}``, ``/watches/{id}/series``, ``/alerts``,
``/alerts/{id}``. Every member may read (the ``read`` permission); another organisation's
watch or alert is "not found", never shown.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from firewarden.errors import InputError, NotFound
from firewarden.listen.service import ALERT_STATUSES
from firewarden.listen.watch_service import WatchRecord, get_watch
from firewarden.notify.base import LEVELS
from firewarden.store.engine import session_factory
from firewarden.web import watch_config
from firewarden.web import watch_queries as q
from firewarden.web.app import WebApp, web_of
from firewarden.web.deps import ApiError, ApiRead, PageRead
from firewarden.web.render import page
from firewarden.web.security import Principal
from firewarden.web.watch_views import (
    PAGE_ALERTS,
    alert_detail,
    alert_summary,
    overview,
    series_payload,
    watch_payload,
)

router = APIRouter()
# Configuration routes first: "/watches/new" must not be read as the watch id "new".
router.include_router(watch_config.router)
#: How many of the last buckets the chart's text table shows.
TABLE_ROWS = 12


def _reading(web: WebApp) -> Session:
    """A read-only session: on SQLite it does not take the write lock, so a page polling every
    few seconds never queues behind (or holds up) the listener storing mentions."""
    return session_factory(web.engine, read_only=True)()


# -- pages -----------------------------------------------------------------------------------


@router.get("/watches", include_in_schema=False)
def watches_page(request: Request, me: PageRead) -> Response:
    web = web_of(request)
    with _reading(web) as session:
        items = overview(session, me, web.now())
        names = q.watch_names(session, me.org_id)
        recent = [
            alert_summary(a, names.get(a.watch_id, "?"))
            for a in q.alerts(session, me.org_id, limit=PAGE_ALERTS)
        ]
    return page(request, "watches/list.html", me, active="watches", watches=items, recent=recent)


@router.get("/watches/{watch_id}", include_in_schema=False)
def watch_page(
    request: Request,
    me: PageRead,
    watch_id: int,
    hours: float = Query(24.0, gt=0, le=24 * 31),
    bucket: str = "",
) -> Response:
    web = web_of(request)
    try:
        with _reading(web) as session:
            data = watch_payload(
                session,
                get_watch(session, watch_id, org_id=me.org_id),
                web.now(),
                hours=hours,
                bucket=bucket,
            )
    except NotFound:
        return watch_config.not_found(request, me, f"watch {watch_id}")
    chart = data["series"]
    table = chart["points"][-TABLE_ROWS:]
    return page(
        request,
        "watches/detail.html",
        me,
        active="watches",
        w=data,
        chart=chart,
        table=table,
        hours=hours,
        bucket=bucket,
        levels=LEVELS,
    )


@router.get("/alerts/{alert_id}", include_in_schema=False)
def alert_page(request: Request, me: PageRead, alert_id: int) -> Response:
    web = web_of(request)
    with _reading(web) as session:
        try:
            row = q.get_alert(session, me.org_id, alert_id)
        except NotFound:
            return watch_config.not_found(request, me, f"alert {alert_id}")
        name = q.watch_names(session, me.org_id).get(row.watch_id, "?")
        alert = alert_detail(session, row, name)
    return page(request, "alerts/detail.html", me, active="watches", a=alert)


# -- JSON ------------------------------------------------------------------------------------


def _api_watch(session: Session, me: Principal, watch_id: int) -> WatchRecord:
    try:
        return get_watch(session, watch_id, org_id=me.org_id)
    except NotFound:
        raise ApiError(404, f"There is no watch {watch_id} in {me.org_name}.",
                       hint="list them: GET /api/v1/watches") from None  # fmt: skip


def _api_input(call: Any) -> Any:
    try:
        return call()
    except InputError as exc:
        raise ApiError(400, exc.message, hint=exc.hint) from None


@router.get("/api/v1/watches", tags=["listening"], summary="The organisation's watches")
def api_watches(request: Request, me: ApiRead) -> dict[str, Any]:
    web = web_of(request)
    with _reading(web) as session:
        return {"watches": overview(session, me, web.now())}


@router.get("/api/v1/watches/{watch_id}", tags=["listening"], summary="A watch's dashboard")
def api_watch(
    request: Request,
    me: ApiRead,
    watch_id: int,
    hours: float = Query(24.0, gt=0, le=24 * 31),
) -> dict[str, Any]:
    web = web_of(request)
    with _reading(web) as session:
        rec = _api_watch(session, me, watch_id)
        result: dict[str, Any] = _api_input(
            lambda: watch_payload(session, rec, web.now(), hours=hours)
        )
        return result


@router.get(
    "/api/v1/watches/{watch_id}/series",
    tags=["listening"],
    summary="A watch's counts per bucket, with the alerts and the sentiment split",
)
def api_series(
    request: Request,
    me: ApiRead,
    watch_id: int,
    start: str | None = Query(None, alias="from", description="ISO 8601; default: to - hours"),
    end: str | None = Query(None, alias="to", description="ISO 8601; default: the latest data"),
    bucket: str = Query("", description="5m, 15m, 1h, 6h or 1d; default: chosen for the span"),
    hours: float = Query(24.0, gt=0, le=24 * 31, description="the span when from is absent"),
) -> dict[str, Any]:
    web = web_of(request)
    with _reading(web) as session:
        rec = _api_watch(session, me, watch_id)
        result: dict[str, Any] = _api_input(
            lambda: series_payload(
                session, rec, web.now(), start=start, end=end, hours=hours, bucket=bucket
            )
        )
        return result


@router.get("/api/v1/alerts", tags=["listening"], summary="The organisation's alerts, newest first")
def api_alerts(
    request: Request,
    me: ApiRead,
    watch_id: int | None = None,
    level: str = Query("", description="watch, warning or crisis"),
    status: str = Query("", description="open, acknowledged or closed"),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    if level and level not in LEVELS:
        raise ApiError(400, f"unknown level {level!r}", hint=f"use one of: {', '.join(LEVELS)}")
    if status and status not in ALERT_STATUSES:
        raise ApiError(
            400, f"unknown status {status!r}", hint=f"use one of: {', '.join(ALERT_STATUSES)}"
        )
    with _reading(web_of(request)) as session:
        names = q.watch_names(session, me.org_id)
        rows = q.alerts(
            session, me.org_id, watch_id=watch_id, level=level, status=status, limit=limit
        )
        return {"alerts": [alert_summary(a, names.get(a.watch_id, "?")) for a in rows]}


@router.get("/api/v1/alerts/{alert_id}", tags=["listening"], summary="An alert and its evidence")
def api_alert(request: Request, me: ApiRead, alert_id: int) -> dict[str, Any]:
    with _reading(web_of(request)) as session:
        try:
            row = q.get_alert(session, me.org_id, alert_id)
        except NotFound as exc:
            raise ApiError(404, exc.message, hint="list them: GET /api/v1/alerts") from None
        name = q.watch_names(session, me.org_id).get(row.watch_id, "?")
        return alert_detail(session, row, name)
