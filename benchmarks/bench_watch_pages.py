"""Watch and alert pages: response times with a month of buckets and a busy week of mentions.

    .venv/bin/python benchmarks/bench_watch_pages.py [--mentions 50000] [--rounds 30]

Seeds a SQLite database through the listening store (one watch, 30 days of 5-minute buckets,
``--mentions`` mentions over the last 7 days, a dozen alerts), then requests each page and
JSON endpoint ``--rounds`` times in-process (httpx + ASGITransport: the app's own cost, no
network). Prints p50/p95 per endpoint; the page polls the series JSON every 5 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

PASSWORD = "benchmark password"
WIDTH = dt.timedelta(minutes=5)


def seed(url: str, n_mentions: int, now: dt.datetime) -> tuple[int, int]:
    """Returns (watch id, an alert id)."""
    from firewarden.accounts import service as acc
    from firewarden.detect.types import AlertLevel, Decision, Explanation
    from firewarden.listen.alerts import record_alert
    from firewarden.listen.enrich import Enrichment
    from firewarden.listen.mention import Mention
    from firewarden.listen.store import Counted, add_to_buckets, mention_row, store_batch
    from firewarden.listen.watch_service import add_watch
    from firewarden.listen.watches import Watch
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.store.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(7)
    with session_factory(engine)() as s:
        org = acc.create_organisation(s, slug="bench", name="Bench", now=now)
        user = acc.create_user(
            s, email="v@bench.example", display_name="V", password=PASSWORD, now=now
        )
        acc.add_member(s, org_id=org.id, user_id=user.id, roles=["viewer"], actor="b", now=now)
        rec = add_watch(s, Watch(name="Acme", keywords=("Acme",)), org_id=org.id)
        s.commit()
    words = [
        "cold",
        "latte",
        "refund",
        "staff",
        "rude",
        "slow",
        "app",
        "crash",
        "hair",
        "delivery",
        "late",
        "price",
    ]
    start = now - dt.timedelta(days=30)
    with engine.begin() as conn:
        # Older history: counts only (what a month of listening leaves in the buckets).
        old = []
        t = start
        while t < now - dt.timedelta(days=7):
            for k in range(rng.randrange(3)):
                old.append(
                    Counted(rec.id, "x", f"old{int(t.timestamp())}-{k}", t, False, 100, 100, False)
                )
            t += WIDTH
        add_to_buckets(conn, old, WIDTH)
        for lo in range(0, n_mentions, 5000):
            rows, counted = [], []
            for i in range(lo, min(lo + 5000, n_mentions)):
                at = now - dt.timedelta(seconds=rng.randrange(7 * 86400))
                negative = rng.random() < 0.3
                text = "Acme " + " ".join(rng.sample(words, 4))
                m = Mention(
                    "x",
                    str(i),
                    text,
                    at,
                    url=f"https://social.example/{i}",
                    author_handle=f"u{i % 997}",
                    followers=rng.randrange(50_000),
                )
                e = Enrichment(
                    "en",
                    "negative" if negative else "neutral",
                    False,
                    negative,
                    (),
                    m.followers,
                    False,
                )
                rows.append(mention_row(m, e))
                counted.append(
                    Counted(rec.id, "x", str(i), at, negative, m.followers, m.followers, False)
                )
            store_batch(conn, rows, counted, WIDTH)
        alert_id = 0
        for k in range(12):
            at = now - dt.timedelta(hours=6 * k + 1)
            why = Explanation("negative", "rise", 40, 5, at, AlertLevel(1 + k % 3), 6.0)
            alert_id = (
                record_alert(
                    conn,
                    watch_id=rec.id,
                    org_id=org.id,
                    decision=Decision(at, AlertLevel(1 + k % 3), 7.0, True, why),
                    explanations=[why],
                    evidence={
                        "top_terms": words[:5],
                        "top_posts": ["https://social.example/1"],
                        "sample_mentions": ["Acme cold latte"],
                    },
                )
                or alert_id
            )
    engine.dispose()
    return rec.id, alert_id


async def measure(app: object, paths: dict[str, str], rounds: int) -> dict[str, list[float]]:
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = await client.get("/login")
        token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        await client.post(
            "/login", data={"csrf_token": token, "email": "v@bench.example", "password": PASSWORD}
        )
        times: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(rounds):
            for name, path in paths.items():
                t = time.perf_counter()
                r = await client.get(path)
                times[name].append(time.perf_counter() - t)
                assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from cryptography.fernet import Fernet

    from firewarden.config import Config
    from firewarden.web.app import create_app

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        t = time.perf_counter()
        watch, alert = seed(url, args.mentions, now)
        print(
            f"seeded {args.mentions:,} mentions and 30 days of buckets "
            f"in {time.perf_counter() - t:.1f} s"
        )
        os.environ.setdefault("FIREWARDEN_SECRET_KEY", Fernet.generate_key().decode())
        app = create_app(Config(database_url=url), check=lambda text, ctx: None)  # type: ignore[arg-type,return-value]
        paths = {
            "series JSON, 24 h (poll)": f"/api/v1/watches/{watch}/series",
            "series JSON, 7 days": f"/api/v1/watches/{watch}/series?hours=168",
            "series JSON, 30 days, 1d": f"/api/v1/watches/{watch}/series?hours=720&bucket=1d",
            "watch page, 24 h": f"/watches/{watch}",
            "watch page, 7 days": f"/watches/{watch}?hours=168",
            "watches list": "/watches",
            "alert page": f"/alerts/{alert}",
            "alerts JSON": "/api/v1/alerts",
        }
        times = asyncio.run(measure(app, paths, args.rounds))
        app.state.web.engine.dispose()
    print(f"{'endpoint':<28} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(f"{name:<28} {1000 * statistics.median(values):8.1f} {1000 * p95:8.1f}")


if __name__ == "__main__":
    main()
