from __future__ import annotations

from typing import Any

import pytest

from firewarden.errors import ConfigError
from firewarden.notify.base import Notifier
from firewarden.notify.email import EmailNotifier
from firewarden.notify.registry import notifier_for


@pytest.mark.parametrize(
    ("channel", "settings"),
    [
        ("slack", {"webhook_url": "https://hooks.slack.com/services/T/B/x"}),
        ("Teams", {"webhook_url": "https://prod.example/workflows/1"}),
        ("webhook", {"url": "https://intra.example/alerts", "secret": "s"}),
        (
            "email",
            {
                "host": "smtp.example",
                "port": "587",
                "sender": "a@x.example",
                "recipients": "pr@x.example, legal@x.example",
            },
        ),
    ],
)
def test_builds_each_channel(channel: str, settings: dict[str, Any]) -> None:
    notifier = notifier_for(channel, settings)
    assert isinstance(notifier, Notifier)
    assert notifier.channel == channel.lower()


def test_email_recipients_list_is_accepted() -> None:
    notifier = notifier_for(
        "email",
        {
            "host": "h",
            "port": 25,
            "sender": "a@x.example",
            "recipients": ["pr@x.example"],
            "security": "none",
        },
    )
    assert isinstance(notifier, EmailNotifier)


@pytest.mark.parametrize(
    ("channel", "settings", "says"),
    [
        ("slack", {}, "webhook_url"),
        ("email", {"host": "h", "port": "587", "sender": "a@x.example"}, "recipients"),
        ("email", {"host": "h", "port": "x", "sender": "s", "recipients": "r"}, "number"),
        (
            "email",
            {"host": "h", "port": 1, "sender": "s", "recipients": "r", "security": "tls"},
            "starttls",
        ),
        ("pager", {}, "slack, teams"),
        # An address without its scheme, or not a web address, is refused when the channel
        # is set up (it used to fail with a traceback when the first alert was sent).
        ("slack", {"webhook_url": "hooks.slack.com/services/T/B/x"}, "starting with https://"),
        ("teams", {"webhook_url": "ftp://prod.example/w"}, "starting with https://"),
        ("webhook", {"url": "127.0.0.1:9/hook", "secret": "s"}, "starting with https://"),
        ("webhook", {"url": "https://", "secret": "s"}, "starting with https://"),
    ],
)
def test_bad_settings_say_what_is_wrong(channel: str, settings: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        notifier_for(channel, settings)
