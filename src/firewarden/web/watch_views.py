"""What the watch and alert pages and their JSON show, shaped from the queries' rows.

Plain dictionaries (the JSON the API returns is what the templates render), with the
sentences people read: what rose and by how much, and the chart in words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from firewarden.detect.series import floor_time
from firewarden.errors import InputError
from firewarden.listen.alerts import SERIES_WORDS, what_rose
from firewarden.listen.tables import ListenAlert
from firewarden.listen.watch_service import WatchRecord, list_watches
from firewarden.notify.base import LEVELS
from firewarden.web import watch_queries as q
from firewarden.web.security import Principal

BUCKET_WORDS = {"5m": "5 minutes", "15m": "15 minutes", "1h": "hour", "6h": "6 hours", "1d": "day"}
#: How many alerts a watch page lists.
PAGE_ALERTS = 20


def parse_time(value: str | None, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"cannot read {name}={value!r} as a time", hint="use ISO 8601: 2026-01-05T10:00:00Z"
        ) from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _gravest_first(explanations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Crisis reasons before warning and watch ones (otherwise in the detector's order), so
    the line a reader sees first is the one that set the level."""
    rank = {level: n for n, level in enumerate(LEVELS)}
    return sorted(explanations, key=lambda e: -rank.get(str(e.get("level")), -1))


def alert_summary(row: ListenAlert, watch_name: str) -> dict[str, Any]:
    """An alert as lists show it."""
    explanations = _gravest_first(row.data.get("explanations", []))
    return {
        "id": row.id,
        "watch": {"id": row.watch_id, "name": watch_name},
        "level": row.level,
        "time": row.bucket_start.isoformat(),
        "raised_at": row.raised_at.isoformat(),
        "status": row.status,
        "summary": row.summary,
        "what_rose": [what_rose(e) for e in explanations],
        "url": f"/alerts/{row.id}",
    }


def alert_detail(session: Session, row: ListenAlert, watch_name: str) -> dict[str, Any]:
    """An alert with its explanations and evidence (top posts resolved to the stored mentions)."""
    evidence = dict(row.data.get("evidence", {}))
    refs = [str(r) for r in evidence.get("top_posts", [])]
    stored = q.mentions_for(session, refs)
    posts = []
    for ref in refs:
        found = stored.get(ref)
        posts.append(found.to_dict() if found else {"key": ref, "url": _safe_url(ref)})
    explanations = []
    for e in _gravest_first(row.data.get("explanations", [])):
        explanations.append(
            {
                **e,
                "series_words": SERIES_WORDS.get(str(e.get("series")), ""),
                "what_rose": what_rose(e),
            }
        )
    return {
        **alert_summary(row, watch_name),
        "score": row.data.get("score"),
        "explanations": explanations,
        "evidence": {
            "top_terms": list(evidence.get("top_terms", [])),
            "top_posts": posts,
            "sample_mentions": list(evidence.get("sample_mentions", [])),
        },
        "notified": list(row.notified or []),
    }


def _safe_url(ref: str) -> str:
    return ref if ref.startswith(("https://", "http://")) else ""


def watch_out(rec: WatchRecord) -> dict[str, Any]:
    w = rec.watch
    return {
        "id": rec.id,
        "name": rec.name,
        "enabled": rec.enabled,
        "origin": rec.origin,
        "keywords": list(w.keywords),
        "handles": list(w.handles),
        "products": list(w.products),
        "url": f"/watches/{rec.id}",
    }


def series_payload(
    session: Session,
    rec: WatchRecord,
    now: dt.datetime,
    *,
    start: str | None = None,
    end: str | None = None,
    hours: float = 24.0,
    bucket: str = "",
) -> dict[str, Any]:
    """The chart's data: points, the alerts in the window, the sentiment split."""
    latest = q.latest_data(session, rec.id)
    window = q.resolve_window(
        latest=latest,
        now=now,
        start=parse_time(start, "from"),
        end=parse_time(end, "to"),
        hours=hours,
        bucket=bucket,
    )
    points = [p.to_dict() for p in q.series(session, rec.id, window)]
    rows = q.alerts(
        session, rec.org_id or 0, watch_id=rec.id, start=window.start, end=window.end, limit=200
    )
    marked = [alert_summary(a, rec.name) for a in reversed(rows)]
    rank = {level: n for n, level in enumerate(("", *LEVELS))}
    by_start = {p["start"]: p for p in points}
    for p in points:
        p["alert"] = ""
    for a, row in zip(marked, reversed(rows), strict=True):
        hit = by_start.get(floor_time(row.bucket_start, window.width).isoformat())
        if hit is not None and rank.get(a["level"], 0) > rank[hit["alert"]]:
            hit["alert"] = a["level"]
    split = q.sentiment_split(session, rec.id, window.start, window.end)
    payload = {
        "watch_id": rec.id,
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "bucket": window.width_name,
        "bucket_seconds": int(window.width.total_seconds()),
        "bucket_label": BUCKET_WORDS.get(window.width_name, window.width_name),
        "last_data_at": latest.isoformat() if latest else None,
        # What "newest mention" on the page says: the time of the newest counted post (the
        # latest bucket's end can lie minutes ahead of the clock while it is still open).
        "last_mention_at": _iso(q.newest_mention(session, rec.id)),
        "points": points,
        "alerts": marked,
        "sentiment": {**split, "total": sum(split.values())},
    }
    payload["summary"] = chart_summary(payload)
    return payload


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _hm(iso: str) -> str:
    return f"{dt.datetime.fromisoformat(iso):%Y-%m-%d %H:%M} UTC"


def chart_summary(chart: dict[str, Any]) -> str:
    """The chart in words (its text alternative): totals, the busiest bucket, the alerts."""
    points = chart["points"]
    volume = sum(p["volume"] for p in points)
    negative = sum(p["negative"] for p in points)
    text = f"From {_hm(chart['from'])} to {_hm(chart['to'])}: {volume:,} mentions"
    text += f", {negative:,} negative." if volume else "; nothing was counted."
    if volume:
        peak = max(points, key=lambda p: p["volume"])
        busiest = f"{_hm(peak['start'])}, {peak['volume']:,} mentions"
        text += f" Busiest {chart['bucket_label']}: {busiest}."
    alerts = chart["alerts"]
    if alerts:
        listed = "; ".join(f"{a['level']} at {_hm(a['time'])}" for a in alerts[-5:])
        text += f" {len(alerts)} alert{'s' if len(alerts) > 1 else ''}: {listed}."
    else:
        text += " No alerts."
    return text


def watch_payload(
    session: Session, rec: WatchRecord, now: dt.datetime, **window: Any
) -> dict[str, Any]:
    """Everything the watch page shows, as JSON."""
    chart = series_payload(session, rec, now, **window)
    start, end = (dt.datetime.fromisoformat(chart[k]) for k in ("from", "to"))
    exclude = (*rec.watch.keywords, *rec.watch.products, *rec.watch.handles)
    return {
        **watch_out(rec),
        "series": chart,
        "top_terms": q.window_terms(session, rec.id, start, end, exclude),
        "top_mentions": [m.to_dict() for m in q.top_mentions(session, rec.id, start, end)],
        "alerts": [
            alert_summary(a, rec.name)
            for a in q.alerts(session, rec.org_id or 0, watch_id=rec.id, limit=PAGE_ALERTS)
        ],
    }


def overview(session: Session, me: Principal, now: dt.datetime) -> list[dict[str, Any]]:
    """Each watch of the organisation with its last 24 hours and its latest alert."""
    counts = q.recent_counts(session, me.org_id, now - dt.timedelta(hours=24))
    out = []
    for rec in list_watches(session, org_id=me.org_id):
        volume, negative, open_alerts = counts.get(rec.id, (0, 0, 0))
        latest = q.alerts(session, me.org_id, watch_id=rec.id, limit=1)
        last = q.latest_data(session, rec.id)
        out.append(
            {
                **watch_out(rec),
                "mentions_24h": volume,
                "negative_24h": negative,
                "open_alerts": open_alerts,
                "last_data_at": last.isoformat() if last else None,
                "latest_alert": alert_summary(latest[0], rec.name) if latest else None,
            }
        )
    return out
