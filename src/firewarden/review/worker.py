"""One round of the publishing worker, wired to the configuration and the publishers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from firewarden.accounts.service import account_credentials
from firewarden.config import Config
from firewarden.publish.base import Publisher
from firewarden.review.common import default_check
from firewarden.review.publishing import PublisherFor, PublishOutcome, publish_due
from firewarden.store.tables import SocialAccount


def account_publisher(account: SocialAccount) -> Publisher:
    """The platform adapter for an account, signed in with its decrypted credentials."""
    from firewarden.publish.registry import publisher_for

    return publisher_for(account.platform, account_credentials(account))


def run_round(
    sessions: sessionmaker[Session],
    *,
    config: Config,
    worker_id: str,
    now: dt.datetime,
    publisher_for: PublisherFor = account_publisher,
) -> list[PublishOutcome]:
    """Publish everything due at ``now`` with the events in force now."""
    from firewarden.world.events import read_events_file

    events = read_events_file(config.events_file) if config.events_file else ()
    check = default_check(list(config.guideline_packs) or None)
    with sessions() as session:
        return publish_due(
            session,
            now=now,
            publisher_for=publisher_for,
            worker_id=worker_id,
            check=check,
            events=events,
        )
