"""Build a notifier from its settings (as read from the alert configuration).

Setting names per channel (docs/alerts.md explains each):

* ``slack``: ``webhook_url``.
* ``teams``: ``webhook_url`` (a Teams Workflows webhook).
* ``email``: ``host``, ``port``, ``sender``, ``recipients`` (list or comma-separated),
  optional ``username``, ``password``, ``security`` (starttls | ssl | none; default starttls).
* ``webhook``: ``url``, ``secret``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from firewarden.errors import ConfigError
from firewarden.notify.base import Notifier

CHANNELS = ("slack", "teams", "email", "webhook")


def _text(channel: str, settings: Mapping[str, Any], name: str) -> str:
    value = str(settings.get(name) or "").strip()
    if not value:
        raise ConfigError(
            f"missing setting {name!r}",
            where=f"{channel} alerts",
            hint="see docs/alerts.md for the settings of each alert channel",
        )
    return value


def _url(channel: str, settings: Mapping[str, Any], name: str) -> str:
    """A setting that must be a web address (checked now, not when the first alert fails)."""
    value = _text(channel, settings, name)
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname or " " in value:
        raise ConfigError(
            f"{name} must be a web address starting with https://, not {value!r}",
            where=f"{channel} alerts",
            hint="copy the whole address the service shows, https:// included (see docs/alerts.md)",
        )
    return value


def notifier_for(channel: str, settings: Mapping[str, Any]) -> Notifier:
    """A notifier for ``channel``; raises ConfigError naming what is missing or wrong."""
    name = channel.strip().lower()
    if name == "slack":
        from firewarden.notify.slack import SlackNotifier

        return SlackNotifier(_url(name, settings, "webhook_url"))
    if name == "teams":
        from firewarden.notify.teams import TeamsNotifier

        return TeamsNotifier(_url(name, settings, "webhook_url"))
    if name == "webhook":
        from firewarden.notify.webhook import WebhookNotifier

        return WebhookNotifier(_url(name, settings, "url"), _text(name, settings, "secret"))
    if name == "email":
        from firewarden.notify.email import SECURITY, EmailNotifier

        raw = settings.get("recipients") or ""
        recipients = [r.strip() for r in (raw.split(",") if isinstance(raw, str) else raw)]
        recipients = [r for r in recipients if r]
        if not recipients:
            raise ConfigError(
                "no recipients", where="email alerts", hint="list at least one address"
            )
        security = str(settings.get("security") or "starttls").lower()
        if security not in SECURITY:
            raise ConfigError(
                f"unknown security {security!r}",
                where="email alerts",
                hint="use starttls (port 587), ssl (port 465) or none (local relay only)",
            )
        try:
            port = int(_text(name, settings, "port"))
        except ValueError:
            raise ConfigError("port must be a number", where="email alerts") from None
        return EmailNotifier(
            host=_text(name, settings, "host"),
            port=port,
            sender=_text(name, settings, "sender"),
            recipients=recipients,
            username=str(settings.get("username") or ""),
            password=str(settings.get("password") or ""),
            security=security,
        )
    raise ConfigError(
        f"unknown alert channel {channel!r}",
        where="alerts",
        hint=f"use one of: {', '.join(CHANNELS)}",
    )
