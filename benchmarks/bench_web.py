"""Web app speed: the check endpoint under concurrent load, and page render times with
10,000 drafts.

    .venv/bin/python benchmarks/bench_web.py [--seconds 10] [--connections 32] [--drafts 10000]

The app is served by uvicorn in a subprocess on 127.0.0.1; the load comes from another
subprocess (an asyncio HTTP/1.1 keep-alive client) so client and server do not share a
process. Prints figures only; targets on a 2-core machine: >= 1,000 checks/s, page p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEXTS = (
    "Rainy weekend? Stay in and shop our storm sale: 30% off everything! #StormSale",
    "Our thoughts are with everyone affected by the typhoon. We have paused all promotions.",
    "Thank you to everyone who joined our latte art workshop in Osaka today!",
    "新しい季節限定ブレンド、明日から全店で販売します。",
    "ugh my boss is such an idiot, can't wait for friday drinks lol",
    "Call us at 090-1234-5678 to win a year of coffee!",
    "Our Kyoto store opens at 9am tomorrow. See you there!",
    "Killer deals all weekend on black coffee beans. See you in store!",
)
PASSWORD = "benchmark password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(url: str, drafts: int) -> str:
    """An organisation, a person, two accounts and ``drafts`` drafts; returns an API token."""
    from sqlalchemy import insert

    from firewarden.accounts import service as acc
    from firewarden.review.common import content_hash
    from firewarden.review.states import State
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.store.migrate import upgrade
    from firewarden.store.tables import CheckReport, Draft, DraftVersion
    from firewarden.web.tokens import create_token

    engine = make_engine(url)
    upgrade(engine)
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine)() as s:
        org = acc.create_organisation(s, slug="bench", name="Bench", now=now)
        user = acc.create_user(
            s, email="bench@example.org", display_name="Bench", password=PASSWORD, now=now
        )
        acc.add_member(s, org_id=org.id, user_id=user.id, roles=["admin"], actor="b", now=now)
        accounts = [
            acc.add_social_account(s, org_id=org.id, platform="dryrun", handle=h, now=now).id
            for h in ("@bench", "@bench_jp")
        ]
        token = create_token(s, org_id=org.id, user_id=user.id, name="bench", now=now).token
        s.commit()
        rng = random.Random(7)
        states = [st.value for st in State]
        month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        for start in range(0, drafts, 1000):
            batch = range(start, min(drafts, start + 1000))
            draft_rows, version_rows, report_rows = [], [], []
            ids = list(batch)
            for i in ids:
                state = states[i % len(states)]
                when = month + dt.timedelta(minutes=rng.randrange(28 * 24 * 60))
                text = TEXTS[i % len(TEXTS)] + f" #{i}"
                targets = [accounts[i % 2]]
                draft_rows.append(
                    {
                        "id": i + 1,
                        "org_id": org.id,
                        "author_id": user.id,
                        "state": state,
                        "language": "en",
                        "send_after": when if state == "scheduled" else None,
                        "held_reason": "",
                        "lease_owner": "",
                        "created_at": when,
                        "updated_at": when,
                    }
                )
                version_rows.append(
                    {
                        "id": i + 1,
                        "draft_id": i + 1,
                        "number": 1,
                        "text": text,
                        "attachments": [],
                        "target_ids": targets,
                        "scheduled_at": when,
                        "sponsored": False,
                        "content_hash": content_hash(text, [], targets, when, False),
                        "created_by": user.id,
                        "created_at": when,
                    }
                )
                report_rows.append(
                    {
                        "version_id": i + 1,
                        "account_id": targets[0],
                        "purpose": "review",
                        "level": i % 5,
                        "score": 0.1,
                        "data": {"level": "none", "findings": []},
                        "events": [],
                        "created_at": when,
                    }
                )
            s.execute(insert(Draft), draft_rows)
            s.execute(insert(DraftVersion), version_rows)
            s.execute(insert(CheckReport), report_rows)
            for i in ids:
                s.execute(
                    Draft.__table__.update()
                    .where(Draft.id == i + 1)
                    .values(current_version_id=i + 1)
                )
            s.commit()
    engine.dispose()
    return token


def serve(url: str, port: int) -> None:
    """The server subprocess."""
    import uvicorn

    from firewarden.config import Config
    from firewarden.web.app import create_app

    app = create_app(Config(database_url=url))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", http="httptools")


async def _one_connection(
    port: int, token: str, deadline: float, latencies: list[float], bodies: list[bytes]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while time.perf_counter() < deadline:
        body = bodies[i % len(bodies)]
        i += 1
        request = (
            b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Authorization: Bearer " + token.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        start = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"check failed: {head[:200]!r}")
        found = re.search(rb"content-length: (\d+)", head, re.IGNORECASE)
        assert found, head
        await reader.readexactly(int(found.group(1)))
        latencies.append(time.perf_counter() - start)
    writer.close()


def load(port: int, token: str, seconds: float, connections: int) -> None:
    """The load subprocess: prints one JSON line with the figures."""
    bodies = [
        json.dumps({"text": t, "account": "corporate", "handle": "@bench"}).encode() for t in TEXTS
    ]

    async def run() -> list[float]:
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(_one_connection(port, token, deadline, latencies, bodies) for _ in range(connections))
        )
        return latencies

    started = time.perf_counter()
    latencies = asyncio.run(run())
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "per_second": len(latencies) / elapsed,
                "p50_ms": 1000 * latencies[len(latencies) // 2],
                "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
                "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
            }
        )
    )


def _wait_for(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def pages(port: int, rounds: int) -> dict[str, list[float]]:
    """Signed-in page loads, one at a time; seconds per load."""
    import httpx

    base = f"http://127.0.0.1:{port}"
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    urls = {
        "review queue (page 1)": "/queue?tab=review",
        "all drafts (page 100)": "/queue?tab=all&page=100",
        "calendar (this month)": f"/calendar?month={month}",
    }
    timings: dict[str, list[float]] = {name: [] for name in urls}
    with httpx.Client(base_url=base) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        client.post(
            "/login",
            data={"email": "bench@example.org", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        for _ in range(rounds):
            for name, url in urls.items():
                start = time.perf_counter()
                response = client.get(url)
                timings[name].append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--load", nargs=4, metavar=("PORT", "TOKEN", "S", "N"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    if args.load:
        load(int(args.load[0]), args.load[1], float(args.load[2]), int(args.load[3]))
        return

    from cryptography.fernet import Fernet

    env = {**os.environ, "FIREWARDEN_SECRET_KEY": Fernet.generate_key().decode()}
    os.environ.update(env)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        token = seed(url, args.drafts)
        print(f"seeded {args.drafts:,} drafts in {time.perf_counter() - started:.1f} s")
        port = _free_port()
        me = [sys.executable, __file__]
        server = subprocess.Popen([*me, "--serve", url, str(port)], env=env)
        try:
            _wait_for(port, server)
            warm = [*me, "--load", str(port), token, "1", "4"]
            subprocess.run(warm, check=True, env=env, capture_output=True)
            cmd = [*me, "--load", str(port), token, str(args.seconds), str(args.connections)]
            out = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            print(
                f"POST /api/v1/check, {args.connections} connections, {args.seconds:.0f} s: "
                f"{figures['per_second']:,.0f} checks/s (target >= 1,000); latency "
                f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
                f"p99 {figures['p99_ms']:.1f} ms ({figures['requests']:,} requests)"
            )
            for name, times in pages(port, args.rounds).items():
                times.sort()
                p95 = 1000 * times[int(len(times) * 0.95) - 1]
                print(
                    f"{name} with {args.drafts:,} drafts: p50 "
                    f"{1000 * statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
                    "(target <= 150 ms)"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
