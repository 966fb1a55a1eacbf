"""Service functions for the web app's watch and alert pages (write side).

Reads (dashboards, series, alert lists) are the web app's own queries over the listening
tables; changes go through here so that they are checked the same way as from the CLI.
Every function takes the caller's session and organisation and leaves committing to it.

* Watches: :func:`watch_from_form`, :func:`add_watch`, :func:`list_watches`,
  :func:`get_watch`, :func:`update_watch`, :func:`remove_watch`.
* Alerts: :func:`set_alert_status` (acknowledge or close).
* The demonstration: :func:`start_demo_stream`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from firewarden.errors import ConfigError, InputError, NotFound
from firewarden.listen.demo_stream import DemoStream, start_demo_stream
from firewarden.listen.tables import ListenAlert
from firewarden.listen.watch_service import (
    WatchRecord,
    add_watch,
    get_watch,
    list_watches,
    remove_watch,
    update_watch,
)
from firewarden.listen.watches import Watch

__all__ = [
    "ALERT_STATUSES",
    "DemoStream",
    "WatchRecord",
    "add_watch",
    "get_watch",
    "list_watches",
    "remove_watch",
    "set_alert_status",
    "start_demo_stream",
    "update_watch",
    "watch_from_form",
]

ALERT_STATUSES = ("open", "acknowledged", "closed")
_LIST_FIELDS = ("keywords", "handles", "own_posts", "products", "exclude", "languages")


def watch_from_form(data: Mapping[str, Any]) -> Watch:
    """A watch from form fields: ``name``, and for each list field either a list or one text
    with one entry per line or comma (``keywords``, ``handles``, ``own_posts``, ``products``,
    ``exclude``, ``languages``). Raises InputError saying what to fix."""
    fields: dict[str, Any] = {"name": str(data.get("name") or "").strip()}
    for name in _LIST_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            value = [v.strip() for line in value.splitlines() for v in line.split(",")]
        fields[name] = [v for v in (value or []) if str(v).strip()]
    try:
        return Watch.from_dict(fields)
    except ConfigError as exc:
        hint = exc.hint or "fill in the name and a keyword"
        raise InputError(exc.message, hint=hint, field=exc.field) from None


def set_alert_status(session: Session, alert_id: int, status: str, *, org_id: int | None) -> str:
    """Acknowledge, close or reopen an alert of the organisation; returns the new status."""
    if status not in ALERT_STATUSES:
        raise InputError(
            f"unknown alert status {status!r}", hint=f"use one of: {', '.join(ALERT_STATUSES)}"
        )
    row = session.get(ListenAlert, alert_id)
    if row is None or row.org_id != org_id:
        raise NotFound(f"no alert with id {alert_id}")
    row.status = status
    session.flush()
    return status
