"""The demonstration organisation: accounts on several platforms, one person per role, and
drafts in every state a team acts on, made through the same services the app uses.

Everything is invented. Time runs on a simulated clock that starts two days before ``now`` so
the audit log reads in order; posts "go out" through the dry-run publisher.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.accounts.service import (
    add_member,
    add_social_account,
    create_organisation,
    create_user,
    set_perspective_tags,
)
from firewarden.publish.base import OutgoingPost, Publisher, PublishResult, PublishStatus
from firewarden.publish.dryrun import DryRunPublisher
from firewarden.publish.errors import Unavailable
from firewarden.review import service
from firewarden.review.common import CheckFn
from firewarden.review.policy import ApprovalPolicy
from firewarden.store.tables import Organisation, SocialAccount

ORG_SLUG = "demo"
ORG_NAME = "Acme Coffee (demo)"
#: Handles whose posts fail in the demo, to show a failed and a partially published draft.
FAILING_HANDLES = frozenset({"@acme@coffee.social"})


@dataclass(frozen=True)
class DemoPerson:
    key: str
    email: str
    name: str
    roles: tuple[str, ...]
    tags: tuple[str, ...] = ()


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin", "admin@demo.example", "Alex Admin", ("admin",)),
    DemoPerson("author", "author@demo.example", "Dana Author", ("author",)),
    DemoPerson(
        "reviewer",
        "reviewer@demo.example",
        "Kenji Reviewer",
        ("reviewer",),
        ("age:30s", "region:kansai"),
    ),
    DemoPerson(
        "reviewer2",
        "reviewer2@demo.example",
        "Maria Reviewer",
        ("reviewer",),
        ("age:50s", "department:sales"),
    ),
    DemoPerson("legal", "legal@demo.example", "Lee Legal", ("legal",), ("department:legal",)),
    DemoPerson("viewer", "viewer@demo.example", "Val Viewer", ("viewer",)),
)

#: (platform, handle, kind, display name)
ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("x", "@acme_coffee", "corporate", "Acme Coffee"),
    ("bluesky", "@acme-coffee.bsky.social", "corporate", "Acme Coffee"),
    ("mastodon", "@acme@coffee.social", "corporate", "Acme Coffee"),
    ("x", "@dana_brews", "personal", "Dana (personal)"),
)

TYPHOON = ("typhoon making landfall in Kyushu",)


class _Failing:
    """A platform that is down: every post fails (shows failed and partial states)."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    def publish(self, post: OutgoingPost) -> PublishResult:
        raise Unavailable("the demo platform is down", platform=self.platform)

    def delete(self, platform_post_id: str) -> None:
        return None

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        return None


def demo_publisher(account: SocialAccount) -> Publisher:
    """Dry run for every demo account (a dry run posts nothing anywhere)."""
    return DryRunPublisher(account.platform)


def _seed_publisher(account: SocialAccount) -> Publisher:
    if account.handle in FAILING_HANDLES:
        return _Failing(account.platform)
    return DryRunPublisher(account.platform)


@dataclass
class _Clock:
    at: dt.datetime

    def tick(self, minutes: float = 7) -> dt.datetime:
        self.at += dt.timedelta(minutes=minutes)
        return self.at


@dataclass
class SeedResult:
    org_id: int
    people: dict[str, int] = field(default_factory=dict)
    drafts: dict[str, int] = field(default_factory=dict)


def demo_org_id(session: Session) -> int | None:
    return session.scalar(select(Organisation.id).where(Organisation.slug == ORG_SLUG))


def seed(
    session: Session,
    *,
    now: dt.datetime,
    passwords: Mapping[str, str],
    check: CheckFn,
    policy: ApprovalPolicy,
    undo_seconds: int = 60,
) -> SeedResult:
    """Create the demonstration organisation (commits as it goes)."""
    clock = _Clock(now - dt.timedelta(days=2))
    org = create_organisation(session, slug=ORG_SLUG, name=ORG_NAME, now=clock.tick())
    result = SeedResult(org.id)
    for p in PEOPLE:
        user = create_user(
            session, email=p.email, display_name=p.name, password=passwords[p.key], now=clock.at
        )
        add_member(
            session, org_id=org.id, user_id=user.id, roles=p.roles, actor="demo", now=clock.at
        )
        if p.tags:
            set_perspective_tags(session, org_id=org.id, user_id=user.id, tags=p.tags)
        result.people[p.key] = user.id
    accounts = [
        add_social_account(
            session,
            org_id=org.id,
            platform=platform,
            handle=handle,
            kind=kind,
            display_name=name,
            now=clock.at,
        )
        for platform, handle, kind, name in ACCOUNTS
    ]
    session.commit()
    ids = [a.id for a in accounts]
    flow = _Flow(session, org.id, result.people, clock, check, policy, undo_seconds)
    for key, draft_id in flow.run(ids, later=now + dt.timedelta(days=1)):
        result.drafts[key] = draft_id
    return result


@dataclass
class _Flow:
    session: Session
    org_id: int
    people: dict[str, int]
    clock: _Clock
    check: CheckFn
    policy: ApprovalPolicy
    undo_seconds: int

    def new(
        self,
        text: str,
        targets: Sequence[int],
        *,
        submit: bool = True,
        events: Sequence[str] = (),
        scheduled_at: dt.datetime | None = None,
    ) -> int:
        draft = service.create_draft(
            self.session,
            org_id=self.org_id,
            author_id=self.people["author"],
            text=text,
            targets=targets,
            scheduled_at=scheduled_at,
            now=self.clock.tick(),
        )
        if submit:
            service.submit_for_review(
                self.session,
                org_id=self.org_id,
                draft_id=draft.id,
                user_id=self.people["author"],
                now=self.clock.tick(2),
                check=self.check,
                events=events,
            )
        self.session.commit()
        return draft.id

    def approve_all(self, draft_id: int) -> None:
        """Approvals from the reviewers, then legal, until the policy is satisfied."""
        for key in ("reviewer", "reviewer2", "legal", "admin"):
            decision = service.approve(
                self.session,
                org_id=self.org_id,
                draft_id=draft_id,
                user_id=self.people[key],
                policy=self.policy,
                now=self.clock.tick(),
                account_confirmed=True,
            )
            if decision.approved:
                break
        self.session.commit()

    def schedule(self, draft_id: int) -> None:
        service.schedule(
            self.session,
            org_id=self.org_id,
            draft_id=draft_id,
            user_id=self.people["author"],
            now=self.clock.tick(1),
            undo_seconds=self.undo_seconds,
        )
        self.session.commit()

    def publish_now(self) -> None:
        moment = self.clock.tick(max(2, self.undo_seconds / 60 + 1))
        service.publish_due(
            self.session,
            now=moment,
            publisher_for=_seed_publisher,
            worker_id="demo-seed",
            check=self.check,
        )

    def run(self, acc: list[int], *, later: dt.datetime) -> Iterator[tuple[str, int]]:
        x, bsky, masto, personal = acc
        yield (
            "draft",
            self.new(
                "Sneak peek: our winter blend lands next week. What should we call it?",
                [x],
                submit=False,
            ),
        )
        yield (
            "in_review_low",
            self.new(
                "Thank you to everyone who joined our latte art workshop in Osaka today!", [x, bsky]
            ),
        )
        yield (
            "in_review_disaster",
            self.new(
                "Rainy weekend? Stay in and shop our storm sale: 30% off everything! #StormSale",
                [x],
                events=TYPHOON,
            ),
        )
        yield (
            "in_review_wrong_account",
            self.new("ugh my boss is such an idiot, can't wait for friday drinks lol", [x]),
        )
        rejected = self.new(
            "Killer deals all weekend on black coffee beans. See you in store!", [x]
        )
        service.reject(
            self.session,
            org_id=self.org_id,
            draft_id=rejected,
            user_id=self.people["reviewer2"],
            reason="'Killer' reads badly next to this week's news; try 'Big savings'.",
            now=self.clock.tick(),
        )
        self.session.commit()
        yield "rejected", rejected
        withdrawn = self.new("Free refills all day Friday at every store!", [x, bsky])
        service.withdraw(
            self.session,
            org_id=self.org_id,
            draft_id=withdrawn,
            user_id=self.people["author"],
            reason="the promotion was cancelled",
            now=self.clock.tick(),
        )
        self.session.commit()
        yield "withdrawn", withdrawn
        for key, text, targets in (
            ("published", "Our Kyoto store opens at 9am tomorrow. See you there!", [x, bsky]),
            ("published_ja", "新しい季節限定ブレンド、明日から全店で販売します。", [x]),
            ("partially_published", "Holiday opening hours are now on our website.", [x, masto]),
            ("failed", "New on the menu: oat milk hojicha latte.", [masto]),
        ):
            draft_id = self.new(text, targets)
            self.approve_all(draft_id)
            self.schedule(draft_id)
            self.publish_now()
            yield key, draft_id
        approved = self.new("We are hiring baristas in Fukuoka. Apply on our website.", [x, bsky])
        self.approve_all(approved)
        yield "approved", approved
        scheduled = self.new(
            "Tomorrow morning: free tasting of our single-origin Ethiopia at the Osaka store.",
            [x],
            scheduled_at=later.replace(minute=0, second=0, microsecond=0),
        )
        self.approve_all(scheduled)
        self.schedule(scheduled)
        yield "scheduled", scheduled
        del personal  # the personal account is there to show the account guard
