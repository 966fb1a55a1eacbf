"""Benchmark the review store: audit log appends and verification, and publishing throughput.

Run:  .venv/bin/python benchmarks/bench_review.py [--entries N] [--drafts N] [--database-url URL]

Uses a fresh SQLite file in a temporary directory unless a URL of an empty database is given.
The check and the publisher are in-memory fakes, so the figures are the database's share:
audit appends per second (one transaction each), entries verified per second, and drafts
published per second by one worker (claim, re-check, send to two accounts, record).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from firewarden.accounts import service as accounts
from firewarden.checks.context import Context
from firewarden.checks.types import Level, Report
from firewarden.publish.dryrun import DryRunPublisher
from firewarden.review import audit, service
from firewarden.review.policy import ApprovalPolicy
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade
from firewarden.store.tables import SocialAccount

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def no_risk(text: str, context: Context) -> Report:
    return Report(level=Level.NONE, score=0.0, findings=())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--drafts", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        sessions = session_factory(engine)
        print(f"database: {engine.dialect.name}")

        with sessions() as s:
            start = time.perf_counter()
            for i in range(args.entries):
                audit.record(
                    s, org_id=1, actor="bench", action="x", subject=f"s{i}", details={"i": i}, at=T0
                )
                s.commit()
            took = time.perf_counter() - start
            print(f"audit append (1 commit each): {args.entries / took:,.0f} entries/s")
            start = time.perf_counter()
            result = audit.verify(s)
            took = time.perf_counter() - start
            print(f"audit verify: {result.checked / took:,.0f} entries/s (ok={result.ok})")

        with sessions() as s:
            org = accounts.create_organisation(s, slug="b", name="B", now=T0)
            users = []
            for name, role in (("author", "author"), ("rev", "reviewer")):
                u = accounts.create_user(
                    s, email=f"{name}@b.test", display_name=name, password=None, now=T0
                )
                accounts.add_member(s, org_id=org.id, user_id=u.id, roles=[role], actor="b", now=T0)
                users.append(u.id)
            targets = [
                accounts.add_social_account(
                    s, org_id=org.id, platform="dryrun", handle=f"@b{i}", now=T0
                ).id
                for i in (1, 2)
            ]
            for i in range(args.drafts):
                d = service.create_draft(
                    s, org_id=org.id, author_id=users[0], text=f"Post {i}", targets=targets, now=T0
                )
                service.submit_for_review(
                    s, org_id=org.id, draft_id=d.id, user_id=users[0], now=T0, check=no_risk
                )
                service.approve(
                    s,
                    org_id=org.id,
                    draft_id=d.id,
                    user_id=users[1],
                    policy=ApprovalPolicy(),
                    now=T0,
                )
                service.schedule(s, org_id=org.id, draft_id=d.id, user_id=users[0], now=T0)
            s.commit()
            publisher = DryRunPublisher()

            def publisher_for(account: SocialAccount) -> DryRunPublisher:
                return publisher

            now = T0 + dt.timedelta(minutes=5)
            start = time.perf_counter()
            done = 0
            while True:
                outcomes = service.publish_due(
                    s, now=now, publisher_for=publisher_for, check=no_risk, limit=20
                )
                if not outcomes:
                    break
                done += len(outcomes)
            took = time.perf_counter() - start
            print(
                f"publish_due (2 accounts each, fake publisher): {done / took:,.1f} drafts/s "
                f"({done} drafts)"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
