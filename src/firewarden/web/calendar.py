"""The calendar of scheduled and planned posts, a month at a time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from firewarden.errors import InputError
from firewarden.web.app import web_of
from firewarden.web.deps import PageRead
from firewarden.web.reads import DraftRow, calendar_rows
from firewarden.web.render import page

router = APIRouter(include_in_schema=False)


def month_bounds(month: str, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``month`` ("2026-11"; empty: this month) and of the next one, UTC."""
    if month:
        try:
            first = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise InputError(f"cannot read the month {month!r}", hint="use 2026-11") from None
    else:
        first = today.replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(), dt.UTC),
        dt.datetime.combine(following, dt.time(), dt.UTC),
    )


def moment_of(row: DraftRow) -> dt.datetime:
    when = row.draft.send_after or row.version.scheduled_at
    assert when is not None
    return when


@router.get("/calendar")
def calendar(
    request: Request,
    me: PageRead,
    month: str = "",
    page_no: int = Query(1, alias="page", ge=1),
) -> Response:
    web = web_of(request)
    start, end = month_bounds(month, web.now().date())
    with web.sessions() as session:
        result = calendar_rows(session, org_id=me.org_id, start=start, end=end, page=page_no)
    days: dict[dt.date, list[DraftRow]] = defaultdict(list)
    for row in result.items:
        days[moment_of(row).date()].append(row)
    previous = (start - dt.timedelta(days=1)).strftime("%Y-%m")
    return page(
        request,
        "calendar.html",
        me,
        active="calendar",
        start=start,
        days=sorted(days.items()),
        moment_of=moment_of,
        previous=previous,
        following=end.strftime("%Y-%m"),
        result=result,
        month=start.strftime("%Y-%m"),
    )
