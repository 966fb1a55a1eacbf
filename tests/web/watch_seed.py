"""Listening data for the watch and alert page tests, written through the pipeline's own store
functions: a quiet morning, then a pile-on in the last half hour with a crisis alert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from firewarden.detect.types import AlertLevel, Decision, Explanation
from firewarden.listen.alerts import record_alert
from firewarden.listen.enrich import Enrichment
from firewarden.listen.mention import Mention
from firewarden.listen.store import Counted, mention_row, store_batch
from firewarden.listen.watch_service import add_watch
from firewarden.listen.watches import Watch
from firewarden.store.engine import session_factory

WIDTH = dt.timedelta(minutes=5)
ACME = Watch(name="Acme", keywords=("Acme",), handles=("@acme_official",), products=("latte",))
OTHER = Watch(name="Zephyr", keywords=("Zephyr",))
TOP_URL = "https://social.example/bigvoice/1"


@dataclass
class Seeded:
    watch_a: int
    watch_b: int
    crisis: int
    early: int
    alert_b: int
    #: Mentions counted for watch A, negative among them.
    volume: int
    negative: int


def mentions(
    watch_id: int, start: dt.datetime, n_buckets: int, per_bucket: int, *, negative: bool,
    prefix: str,
) -> tuple[list[dict[str, object]], list[Counted]]:  # fmt: skip
    """``per_bucket`` mentions in each of ``n_buckets`` five-minute buckets from ``start``."""
    rows: list[dict[str, object]] = []
    counted: list[Counted] = []
    for b in range(n_buckets):
        for k in range(per_bucket):
            at = start + b * WIDTH + dt.timedelta(seconds=10 * k)
            ident = f"{prefix}-{b}-{k}"
            followers = 50_000 if (negative and b == 0 and k == 0) else 100 + k
            text = (
                "Acme latte had a hair in it, disgusting service, refund please"
                if negative
                else f"Morning Acme latte number {k}, lovely"
            )
            m = Mention(
                "simulated",
                ident,
                text,
                at,
                url=TOP_URL if followers == 50_000 else f"https://social.example/u{k}/{ident}",
                author_handle="bigvoice" if followers == 50_000 else f"user{k}",
                followers=followers,
            )
            e = Enrichment(
                "en", "negative" if negative else "positive", False, negative,
                ("food_safety",) if negative else (), followers, False,
            )  # fmt: skip
            rows.append(mention_row(m, e))
            counted.append(
                Counted(watch_id, "simulated", ident, at, negative, followers, followers, False)
            )
    return rows, counted


def explanation(series: str, observed: float, expected: float, since: dt.datetime,
                level: AlertLevel) -> Explanation:  # fmt: skip
    return Explanation(series, "rise", observed, expected, since, level, 6.5)


def seed(engine: Engine, org_a: int, org_b: int, now: dt.datetime) -> Seeded:
    """Watch A in organisation A (3 hours of data up to ``now``, two alerts), watch B in B."""
    with session_factory(engine)() as s:
        a = add_watch(s, ACME, org_id=org_a, origin="web")
        b = add_watch(s, OTHER, org_id=org_b, origin="web")
        s.commit()
    quiet_start = now - dt.timedelta(hours=3)
    storm_start = now - dt.timedelta(minutes=30)
    q_rows, q_counted = mentions(a.id, quiet_start, 30, 2, negative=False, prefix="q")
    s_rows, s_counted = mentions(a.id, storm_start, 6, 20, negative=True, prefix="s")
    b_rows, b_counted = mentions(b.id, quiet_start, 3, 1, negative=True, prefix="b")
    with engine.begin() as conn:
        store_batch(conn, q_rows + s_rows + b_rows, q_counted + s_counted + b_counted, WIDTH)
        early_at = storm_start
        early = explanation("volume", 20, 2, early_at, AlertLevel.WATCH)
        early_id = record_alert(
            conn, watch_id=a.id, org_id=org_a,
            decision=Decision(early_at, AlertLevel.WATCH, 3.0, True, early),
            explanations=[early],
            evidence={"top_terms": ["hair"], "top_posts": [TOP_URL], "sample_mentions": []},
        )  # fmt: skip
        crisis_at = storm_start + 3 * WIDTH
        lead = explanation("negative", 20, 0.5, storm_start, AlertLevel.CRISIS)
        reply = explanation("reply_share", 0.35, 0.05, storm_start, AlertLevel.WARNING)
        crisis_id = record_alert(
            conn, watch_id=a.id, org_id=org_a,
            decision=Decision(crisis_at, AlertLevel.CRISIS, 9.0, True, lead),
            explanations=[lead, reply],
            evidence={
                "top_terms": ["hair", "disgusting", "refund"],
                "top_posts": [TOP_URL, "simulated:s-1-1", "javascript:alert(1)"],
                "sample_mentions": ["Acme latte had a hair in it, disgusting service"],
            },
        )  # fmt: skip
        b_lead = explanation("volume", 3, 1, quiet_start, AlertLevel.WARNING)
        alert_b = record_alert(
            conn, watch_id=b.id, org_id=org_b,
            decision=Decision(quiet_start, AlertLevel.WARNING, 4.0, True, b_lead),
            explanations=[b_lead], evidence={"top_terms": ["secret-b-term"]},
        )  # fmt: skip
    assert early_id and crisis_id and alert_b
    return Seeded(a.id, b.id, crisis_id, early_id, alert_b, 30 * 2 + 6 * 20, 6 * 20)
