"""A small organisation to run the workflow in, a controllable check and a fake Publisher."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from sqlalchemy.orm import Session

from firewarden.accounts import service as accounts
from firewarden.checks.context import Context
from firewarden.checks.types import Finding, Level, Report, Severity
from firewarden.publish.base import OutgoingPost, PublishResult, PublishStatus
from firewarden.publish.errors import Unavailable
from firewarden.review import service
from firewarden.review.policy import ApprovalPolicy
from firewarden.store.tables import SocialAccount

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@dataclass
class FakeCheck:
    """The check as the workflow sees it; tests set the level (and categories) it reports."""

    level: Level = Level.NONE
    categories: Sequence[str] = ()
    #: Level reported when any of these words is among the events (the world changed).
    level_if_events: dict[str, Level] = field(default_factory=dict)
    calls: list[Context] = field(default_factory=list)

    def __call__(self, text: str, context: Context) -> Report:
        self.calls.append(context)
        level = self.level
        for word, raised in self.level_if_events.items():
            if any(word in e for e in context.events):
                level = max(level, raised)
        cats = self.categories or (["tragedy-newsjacking"] if level > Level.NONE else [])
        findings = tuple(
            Finding(
                rule_id=f"test.{c}",
                category=c,
                severity=Severity(max(int(level), 1)),
                start=0,
                end=min(4, len(text)),
                excerpt=text[:4],
                message=f"risk: {c}",
            )
            for c in cats
        )
        return Report(level=level, score=float(level) / 4, findings=findings)


class FakePublisher:
    """Remembers posts by idempotency key, like a platform that supports lookups by key."""

    platform = "fake"

    def __init__(self) -> None:
        self.posts: dict[str, str] = {}
        self.publish_calls: list[str] = []
        self.status_calls: list[str] = []
        self.deleted: list[str] = []
        #: Keys whose next publish reaches the platform but fails on the way back (timeout).
        self.lose_reply: set[str] = set()
        #: Keys whose publish is refused outright.
        self.refuse: set[str] = set()
        self.barrier: threading.Barrier | None = None
        self._lock = threading.Lock()

    def publish(self, post: OutgoingPost) -> PublishResult:
        with self._lock:
            self.publish_calls.append(post.idempotency_key)
            if post.idempotency_key in self.refuse:
                raise Unavailable("platform down", platform=self.platform)
            created = post.idempotency_key not in self.posts
            self.posts.setdefault(post.idempotency_key, post.text)
            if post.idempotency_key in self.lose_reply:
                self.lose_reply.discard(post.idempotency_key)
                raise TimeoutError("the reply was lost")
        pid = f"p-{post.idempotency_key}"
        return PublishResult(self.platform, pid, f"https://fake/{pid}", created=created)

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        key = ref if isinstance(ref, str) else ref.idempotency_key
        self.status_calls.append(key)
        if key not in self.posts:
            return None
        return PublishStatus(
            self.platform, f"p-{key}", f"https://fake/p-{key}", self.posts[key], "key"
        )

    def delete(self, platform_post_id: str) -> None:
        self.deleted.append(platform_post_id)


@dataclass
class World:
    org_id: int
    author: int
    reviewer_a: int  # tags age:30s
    reviewer_b: int  # tags age:50s
    legal: int
    admin: int
    viewer: int
    account: int
    account2: int
    policy: ApprovalPolicy
    check: FakeCheck
    publisher: FakePublisher

    def publisher_for(self, account: SocialAccount) -> FakePublisher:
        return self.publisher


def make_world(session: Session) -> World:
    org = accounts.create_organisation(session, slug="acme", name="Acme", now=T0)

    def user(name: str, roles: list[str], tags: list[str] = ()) -> int:  # type: ignore[assignment]
        u = accounts.create_user(
            session, email=f"{name}@acme.test", display_name=name, password=None, now=T0
        )
        accounts.add_member(session, org_id=org.id, user_id=u.id, roles=roles, actor="test", now=T0)
        if tags:
            accounts.set_perspective_tags(session, org_id=org.id, user_id=u.id, tags=tags)
        return u.id

    w = World(
        org_id=org.id,
        author=user("author", ["author"]),
        reviewer_a=user("rev-a", ["reviewer"], ["age:30s"]),
        reviewer_b=user("rev-b", ["reviewer"], ["age:50s"]),
        legal=user("legal", ["legal"], ["department:legal"]),
        admin=user("admin", ["admin"]),
        viewer=user("viewer", ["viewer"]),
        account=accounts.add_social_account(
            session, org_id=org.id, platform="fake", handle="@acme", now=T0
        ).id,
        account2=accounts.add_social_account(
            session, org_id=org.id, platform="fake", handle="@acme_jp", now=T0
        ).id,
        policy=ApprovalPolicy(),
        check=FakeCheck(),
        publisher=FakePublisher(),
    )
    session.commit()
    return w


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def new_draft(
    session: Session,
    w: World,
    *,
    text: str = "Spring sale starts today!",
    targets: Sequence[int] | None = None,
    scheduled_at: dt.datetime | None = None,
) -> int:
    draft = service.create_draft(
        session,
        org_id=w.org_id,
        author_id=w.author,
        text=text,
        targets=list(targets) if targets is not None else [w.account],
        scheduled_at=scheduled_at,
        now=T0,
    )
    return draft.id


def approved_draft(session: Session, w: World, **kw: object) -> int:
    """A draft submitted at level none and approved by one reviewer at T0+1min."""
    draft_id = new_draft(session, w, **kw)  # type: ignore[arg-type]
    service.submit_for_review(
        session, org_id=w.org_id, draft_id=draft_id, user_id=w.author, now=T0, check=w.check
    )
    decision = service.approve(
        session,
        org_id=w.org_id,
        draft_id=draft_id,
        user_id=w.reviewer_a,
        policy=w.policy,
        now=at(1),
    )
    assert decision.approved, decision
    session.commit()
    return draft_id
