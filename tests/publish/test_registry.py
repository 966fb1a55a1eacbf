from __future__ import annotations

import pytest

from firewarden.errors import ConfigError
from firewarden.publish.base import Publisher
from firewarden.publish.bluesky import BlueskyPublisher
from firewarden.publish.dryrun import DryRunPublisher
from firewarden.publish.mastodon import MastodonPublisher
from firewarden.publish.registry import publisher_for
from firewarden.publish.webhook import WebhookPublisher
from firewarden.publish.x import XPublisher

from .conftest import outgoing, serving
from .fake_x import KEYS, FakeX


@pytest.mark.parametrize(
    ("platform", "credentials", "kind"),
    [
        ("x", KEYS, XPublisher),
        ("X", {"user_access_token": "t"}, XPublisher),
        ("bluesky", {"identifier": "a.bsky.social", "app_password": "p"}, BlueskyPublisher),
        ("mastodon", {"instance": "https://m.example", "access_token": "t"}, MastodonPublisher),
        ("webhook", {"url": "https://hooks.example/p", "secret": "s"}, WebhookPublisher),
        ("dryrun", {}, DryRunPublisher),
    ],
)
def test_builds_each_adapter(platform: str, credentials: dict[str, str], kind: type) -> None:
    publisher = publisher_for(platform, credentials)
    assert isinstance(publisher, kind) and isinstance(publisher, Publisher)
    close = getattr(publisher, "close", None)
    if close:
        close()


def test_missing_credential_names_it_and_where_to_get_it() -> None:
    with pytest.raises(ConfigError) as info:
        publisher_for("bluesky", {"identifier": "acme.bsky.social", "app_password": " "})
    message = str(info.value)
    assert "app_password" in message and "App passwords" in message


def test_unknown_platform_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="mastodon"):
        publisher_for("myspace", {})


def test_base_url_override_reaches_the_given_server() -> None:
    with serving(FakeX()) as fake:
        publisher = publisher_for("x", KEYS, base_url=fake.url)
        assert isinstance(publisher, XPublisher)
        publisher.publish(outgoing())
        publisher.close()
        assert fake.count("POST", "/2/tweets") == 1
