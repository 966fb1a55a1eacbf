"""Alerts: stored once per watch, bucket and level; delivered to people by level.

Escalation says which channels hear which level, from ``[alerts] escalation`` in the
configuration, e.g. ``escalation = { watch = ["slack"], warning = ["slack", "email"],
crisis = ["slack", "email", "teams", "webhook"] }``. Without it every configured channel
hears every level. A channel that fails is recorded on the alert (the web page shows it) and
does not stop the others; a retryable failure is tried once more.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, update

from firewarden.detect.types import Decision, Explanation, _duration
from firewarden.listen.tables import ListenAlert
from firewarden.notify.base import LEVELS, AlertMessage, Notifier, NotifyError

ALERTS: Table = ListenAlert.__table__  # type: ignore[assignment]
#: What each level asks of the people who read it.
LEVEL_ASKS = {"watch": "keep an eye on it", "warning": "act soon", "crisis": "act now"}
#: The detector's series names in the words the pages and messages use.
SERIES_WORDS = {
    "volume": "mentions",
    "negative": "negative mentions",
    "reach_negative": "negative mentions weighted by reach (1 = a typical account)",
    "reply_share": "share of replies to the brand's posts",
    "replies_to_brand": "replies to the brand's posts",
    "terms": "emerging negative terms",
    "misconduct": "employee-misconduct content",
}


def _number(series: str, value: float) -> str:
    """A figure as people read it: 48, 1,250, 4.8, 0.05 (the expected levels are estimates,
    so more digits would only suggest a precision they do not have)."""
    if series == "reply_share":
        return f"{value:.0%}"
    if abs(value) >= 10 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.2g}"


def _since(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value or "").replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def what_rose(e: Mapping[str, Any]) -> str:
    """One line for people (an explanation as ``Explanation.to_dict`` gives it): what rose, by
    how much over the expected level, since when (UTC). The content signals (emerging terms,
    misconduct content) carry their own sentence."""
    note = str(e.get("note") or "")
    if note:
        return note[:1].upper() + note[1:]
    series = str(e.get("series", ""))
    words = SERIES_WORDS.get(series, series)
    window = e.get("window_minutes")
    if window:
        words += f" over the last {_duration(float(window))}"
    observed, expected = float(e.get("observed", 0)), float(e.get("expected", 0))
    ratio = e.get("ratio")
    verb = "rose" if e.get("direction", "rise") == "rise" else "fell"
    if ratio and verb == "rose":
        how = f", {ratio:.1f}× the expected {_number(series, expected)}"
    else:
        how = f" against about {_number(series, expected)} expected"
    since = _since(e.get("since"))
    when = f", since {since:%Y-%m-%d %H:%M} UTC" if since else ""
    return f"{words[:1].upper()}{words[1:]} {verb} to {_number(series, observed)}{how}{when}"


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """An alert as the pipeline raised it."""

    id: int
    watch_id: int
    watch_name: str
    level: str
    bucket_start: dt.datetime
    summary: str
    explanations: tuple[Explanation, ...]
    url: str
    notified: list[dict[str, Any]] = field(default_factory=list)


def record_alert(
    conn: Connection,
    *,
    watch_id: int,
    org_id: int | None,
    decision: Decision,
    explanations: Sequence[Explanation],
    evidence: Mapping[str, list[str]],
) -> int | None:
    """Store the alert; None when this watch, bucket and level was stored before."""
    from firewarden.listen.store import _insert

    assert decision.explanation is not None
    lead = decision.explanation
    data = {
        "explanations": [e.to_dict() for e in explanations] or [lead.to_dict()],
        "evidence": dict(evidence),
        "score": decision.score,
    }
    stmt = (
        _insert(conn, ALERTS)
        .on_conflict_do_nothing(index_elements=["watch_id", "bucket_start", "level"])
        .returning(ALERTS.c.id)
    )
    row = conn.execute(
        stmt,
        {
            "org_id": org_id,
            "watch_id": watch_id,
            "level": decision.level.label,
            "bucket_start": decision.timestamp,
            "raised_at": dt.datetime.now(dt.UTC),
            "summary": lead.summary(),
            "data": data,
            "status": "open",
            "notified": [],
        },
    ).first()
    return None if row is None else int(row[0])


def alert_url(base_url: str, alert_id: int) -> str:
    """The alert's page in the web app."""
    return f"{base_url.rstrip('/')}/alerts/{alert_id}" if base_url else f"/alerts/{alert_id}"


def alert_message(alert: RaisedAlert, evidence: Mapping[str, list[str]]) -> AlertMessage:
    """What the notifiers send: the leading explanation in plain words, then the other
    series that alerted and the evidence."""
    lead = next((e for e in alert.explanations if e.summary() == alert.summary), None)
    if lead is None and alert.explanations:
        lead = alert.explanations[0]
    lines = [what_rose(e.to_dict()) for e in alert.explanations if e is not lead]
    if evidence.get("top_terms"):
        lines.append("top terms: " + ", ".join(evidence["top_terms"][:8]))
    if evidence.get("top_posts"):
        lines.append("most-reached posts: " + " ".join(evidence["top_posts"][:3]))
    for sample in evidence.get("sample_mentions", [])[:3]:
        lines.append(f"e.g. “{sample[:140]}”")
    return AlertMessage(
        title=f"{alert.watch_name}: mentions are heating up ({LEVEL_ASKS[alert.level]})",
        level=alert.level,
        summary=what_rose(lead.to_dict()) if lead is not None else alert.summary,
        explanation=tuple(lines),
        url=alert.url,
        watch=alert.watch_name,
        time=alert.bucket_start,
    )


class Escalation:
    """Sends each alert to the channels its level calls for."""

    def __init__(
        self, notifiers: Mapping[str, Notifier], routes: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.notifiers = dict(notifiers)
        everyone = tuple(self.notifiers)
        self.routes = {lv: tuple((routes or {}).get(lv, everyone)) for lv in LEVELS}

    def send(self, message: AlertMessage) -> list[dict[str, Any]]:
        """Deliver to the level's channels; returns one result per channel."""
        results: list[dict[str, Any]] = []
        for channel in self.routes[message.level]:
            notifier = self.notifiers[channel]
            error = ""
            for attempt in (1, 2):
                try:
                    notifier.send(message)
                    error = ""
                    break
                except NotifyError as exc:
                    error = str(exc)
                    if not exc.retryable or attempt == 2:
                        break
                    time.sleep(min(exc.retry_after or 1.0, 5.0))
            results.append({"channel": channel, "ok": not error, "error": error})
        return results

    def hold(self, message: AlertMessage, reason: str) -> list[dict[str, Any]]:
        """Send nothing; one result per channel of the level saying why (``held``)."""
        return [
            {"channel": channel, "ok": False, "held": True, "error": reason}
            for channel in self.routes[message.level]
        ]


def escalation_from_config(section: Mapping[str, Any]) -> Escalation:
    """Notifiers and routes from the ``[alerts]`` section (see the module docstring); every
    setting is checked and ``env:NAME`` settings are read (``notify.registry``)."""
    from firewarden.notify.registry import alert_channels

    notifiers, routes = alert_channels(section)
    return Escalation(notifiers, routes)


def set_notified(conn: Connection, alert_id: int, results: list[dict[str, Any]]) -> None:
    conn.execute(update(ALERTS).where(ALERTS.c.id == alert_id).values(notified=results))
