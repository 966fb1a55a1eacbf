from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from firewarden.config import load_config
from firewarden.errors import ConfigError
from firewarden.notify.base import Notifier
from firewarden.notify.email import EmailNotifier
from firewarden.notify.registry import alert_channels, check_alerts, notifier_for

SECRET = "a-signing-secret-of-32-characters"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"
EMAIL = {
    "host": "smtp.example",
    "port": 587,
    "sender": "a@x.example",
    "recipients": ["pr@x.example"],
}


@pytest.mark.parametrize(
    ("channel", "settings"),
    [
        ("slack", {"webhook_url": "https://hooks.slack.com/services/T/B/x"}),
        ("Teams", {"webhook_url": "https://prod.example/workflows/1"}),
        ("webhook", {"url": "https://intra.example/alerts", "secret": SECRET}),
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
        ("webhook", {"url": "127.0.0.1:9/hook", "secret": SECRET}, "starting with https://"),
        ("webhook", {"url": "https://", "secret": SECRET}, "starting with https://"),
    ],
)
def test_bad_settings_say_what_is_wrong(channel: str, settings: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        notifier_for(channel, settings)


@pytest.mark.parametrize(
    ("channel", "settings", "says", "hint"),
    [
        # Misspelt settings were silently ignored (an SMTP login without its password).
        ("email", {**EMAIL, "pasword": "x"}, "unknown setting.*pasword", "did you mean password"),
        ("slack", {"webhook_url": SLACK_URL, "channel": "#pr"}, "unknown setting.*channel",
         "known settings: webhook_url"),
        ("teams", {"webhook_url": SLACK_URL, "url": SLACK_URL}, "unknown setting.*url", ""),
        ("webhook", {"url": "https://h.example", "secret": SECRET, "secrte": "x"}, "secrte", ""),
        ("email", {**EMAIL, "port": 99999}, "port must be a number from 1 to 65535", "587"),
        ("email", {**EMAIL, "port": 0}, "port must be a number from 1 to 65535", ""),
        ("email", {**EMAIL, "port": True}, "port must be a number", ""),
        ("email", {**EMAIL, "sender": "not-an-email"}, "sender: 'not-an-email' is not an e-mail",
         "one @"),
        ("email", {**EMAIL, "sender": "a@x.example, b@x.example"}, "sender", "one address"),
        ("email", {**EMAIL, "recipients": ["x"]}, "recipients: 'x' is not an e-mail", "one @"),
        ("email", {**EMAIL, "recipients": ["pr@x.example", 5]}, "recipients: 5", ""),
        ("email", {**EMAIL, "recipients": []}, "no recipients", "at least one"),
        ("email", {**EMAIL, "recipients": "a@x.com; b@x.com"}, "'a@x.com; b@x.com' is not",
         'write the addresses as a list: recipients = ["a@x.com", "b@x.com"]'),
        ("email", {**EMAIL, "recipients": "a@x.com b@x.com"}, "is not an e-mail",
         'recipients = ["a@x.com", "b@x.com"]'),
        ("email", {**EMAIL, "host": "https://smtp.example"}, "host must be the mail server", ""),
        ("email", {**EMAIL, "password": "pw"}, "username is not", "add username"),
        ("email", {**EMAIL, "sender": "env:SENDER"}, "sender cannot be read from the environment",
         "only password may be written env:NAME"),
        ("webhook", {"url": "https://h.example", "secret": "short"}, "secret is too short",
         "fake alerts"),
        ("webhook", {"url": "https://h.example", "secret": "env:"}, "does not name", ""),
    ],
)  # fmt: skip
def test_each_setting_is_checked_and_named(
    channel: str, settings: dict[str, Any], says: str, hint: str
) -> None:
    for check in (notifier_for, check_alerts_of_one):
        with pytest.raises(ConfigError, match=says) as caught:
            check(channel, settings)
        assert caught.value.where == f"[alerts.{channel}]"
        assert hint in caught.value.hint


def check_alerts_of_one(channel: str, settings: dict[str, Any]) -> None:
    """The check made when the configuration is loaded (no notifier built)."""
    check_alerts({channel: settings})


def test_comma_separated_recipients_are_still_read() -> None:
    notifier = notifier_for("email", {**EMAIL, "recipients": "pr@x.example, legal@x.example"})
    assert isinstance(notifier, EmailNotifier)
    assert notifier._recipients == ("pr@x.example", "legal@x.example")


def test_secrets_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FW_TEST_SLACK_URL", SLACK_URL)
    monkeypatch.setenv("FW_TEST_TEAMS_URL", "https://prod.example/workflows/1")
    monkeypatch.setenv("FW_TEST_SMTP_PASSWORD", " pass word ")
    monkeypatch.setenv("FW_TEST_SIGNING", SECRET)
    notifiers, routes = alert_channels(
        {
            "slack": {"webhook_url": "env:FW_TEST_SLACK_URL"},
            "teams": {"webhook_url": "env:FW_TEST_TEAMS_URL"},
            "email": {**EMAIL, "username": "alerts", "password": "env:FW_TEST_SMTP_PASSWORD"},
            "webhook": {"url": "https://h.example/in", "secret": "env:FW_TEST_SIGNING"},
        }
    )
    assert routes is None
    assert notifiers["slack"]._url == SLACK_URL  # type: ignore[attr-defined]
    assert notifiers["teams"]._url == "https://prod.example/workflows/1"  # type: ignore[attr-defined]
    assert notifiers["email"]._password == " pass word "  # type: ignore[attr-defined]
    assert notifiers["webhook"]._secret == SECRET  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_unset_variable_is_named(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("FW_TEST_SLACK_URL", raising=False)
    else:
        monkeypatch.setenv("FW_TEST_SLACK_URL", value)
    settings = {"webhook_url": "env:FW_TEST_SLACK_URL"}
    with pytest.raises(ConfigError, match="environment variable FW_TEST_SLACK_URL is not set") as e:
        notifier_for("slack", settings)
    assert e.value.where == "[alerts.slack]"
    assert "export FW_TEST_SLACK_URL=" in e.value.hint
    # Loading the configuration does not read the variable: it may be set only where the
    # listener runs.
    check_alerts({"slack": settings})


def test_errors_do_not_repeat_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FW_TEST_SLACK_URL", "hooks.slack.com/services/T0/B0/TOPSECRET")
    with pytest.raises(ConfigError) as from_env:
        notifier_for("slack", {"webhook_url": "env:FW_TEST_SLACK_URL"})
    assert "FW_TEST_SLACK_URL" in str(from_env.value)
    with pytest.raises(ConfigError) as written:
        notifier_for("teams", {"webhook_url": "prod.example/workflows/TOPSECRET"})
    with pytest.raises(ConfigError) as bare:
        check_alerts({"slack": "https://hooks.slack.com/services/T0/B0/TOPSECRET"})
    monkeypatch.setenv("FW_TEST_SIGNING", "TOPSECRET")
    with pytest.raises(ConfigError, match=r"FW_TEST_SIGNING.*too short") as short:
        notifier_for("webhook", {"url": "https://h.example", "secret": "env:FW_TEST_SIGNING"})
    for caught in (from_env, written, bare, short):
        assert "TOPSECRET" not in str(caught.value)


def test_alerts_section_is_checked_whole() -> None:
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) in \[alerts\]: pager"):
        check_alerts({"pager": {}})
    with pytest.raises(ConfigError, match="not configured") as caught:
        check_alerts({"slack": {"webhook_url": SLACK_URL}, "escalation": {"crisis": ["email"]}})
    assert caught.value.where == "[alerts.escalation]"
    assert "configured channels: slack" in caught.value.hint
    with pytest.raises(ConfigError, match="must be a list of channels"):
        check_alerts({"slack": {"webhook_url": SLACK_URL}, "escalation": {"crisis": "slack"}})


def test_the_documented_example_loads_and_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = (Path(__file__).parents[2] / "docs" / "alerts.md").read_text(encoding="utf-8")
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "firewarden.toml"
    path.write_text(example, encoding="utf-8")
    config = load_config(path)
    monkeypatch.setenv("SLACK_ALERTS_URL", SLACK_URL)
    monkeypatch.setenv("SMTP_PASSWORD", "pw")
    monkeypatch.setenv("ALERT_WEBHOOK_SECRET", SECRET)
    notifiers, routes = alert_channels(config.sections["alerts"])
    assert sorted(notifiers) == ["email", "slack", "webhook"]
    assert routes == {
        "watch": ["slack"],
        "warning": ["slack", "email"],
        "crisis": ["slack", "email", "webhook"],
    }
