"""Build notifiers from the ``[alerts]`` settings, checking every setting first.

Setting names per channel (docs/alerts.md explains each; :data:`SETTINGS` is the list):

* ``slack``: ``webhook_url``.
* ``teams``: ``webhook_url`` (a Teams Workflows webhook).
* ``email``: ``host``, ``port``, ``sender``, ``recipients`` (list or comma-separated),
  optional ``username``, ``password``, ``security`` (starttls | ssl | none; default starttls).
* ``webhook``: ``url``, ``secret``.

The secret settings (:data:`SECRETS`) may be written ``"env:NAME"``: the environment variable
NAME is read when the notifiers are built. :func:`check_alerts` checks everything else without
reading the environment (the configuration is loaded by every command, and the variable may be
set only where the listener runs). Errors never repeat a secret's value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from firewarden.config import env_reference, from_environment
from firewarden.errors import ConfigError
from firewarden.notify.base import LEVELS, Notifier

CHANNELS = ("slack", "teams", "email", "webhook")
SECURITY = ("starttls", "ssl", "none")
#: The settings each channel's table may hold.
SETTINGS: dict[str, tuple[str, ...]] = {
    "slack": ("webhook_url",),
    "teams": ("webhook_url",),
    "email": ("host", "port", "security", "username", "password", "sender", "recipients"),
    "webhook": ("url", "secret"),
}
#: The settings that may be ``"env:NAME"`` (whoever has their value can post or log in).
SECRETS: dict[str, tuple[str, ...]] = {
    "slack": ("webhook_url",),
    "teams": ("webhook_url",),
    "email": ("password",),
    "webhook": ("secret",),
}
#: The signed webhook's secret is at least this long: it is all that proves an alert came from
#: firewarden, and a short one can be found by trying.
MIN_SECRET_LENGTH = 16

_EXAMPLES = {
    "slack": "webhook_url = …",
    "teams": "webhook_url = …",
    "email": "host = …, port = 587, sender = …, recipients = [...]",
    "webhook": "url = …, secret = …",
}
_ADDRESS = re.compile(r"[^@\s,;<>\"()]+@[^@\s,;<>\"()]+")


class _Reader:
    """One channel's table: each setting checked, ``where`` naming the table."""

    def __init__(self, channel: str, settings: Mapping[str, Any], resolve: bool) -> None:
        self.channel, self.settings, self.resolve = channel, settings, resolve
        self.where = f"[alerts.{channel}]"
        known = SETTINGS[channel]
        unknown = sorted(str(k) for k in settings if k not in known)
        if unknown:
            close = [m for k in unknown for m in difflib.get_close_matches(k, known, 1)]
            maybe = f"did you mean {', '.join(close)}? " if close else ""
            raise ConfigError(
                f"unknown setting(s): {', '.join(unknown)}",
                where=self.where,
                hint=f"{maybe}known settings: {', '.join(known)} (see docs/alerts.md)",
            )

    def fail(self, message: str, hint: str) -> ConfigError:
        return ConfigError(message, where=self.where, hint=hint)

    def text(self, name: str, *, required: bool = True) -> str:
        """A plain (not secret) setting's text."""
        value = self.settings.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(
                    f"missing setting {name}",
                    f"add {name} = … to {self.where} (see docs/alerts.md for each setting)",
                )
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(f"{name} must be text, not {value!r}", f'write {name} = "…"')
        text = str(value).strip()
        if text.startswith("env:"):
            secrets = ", ".join(SECRETS[self.channel])
            raise self.fail(
                f"{name} cannot be read from the environment (env:…)",
                f"write the value itself; in {self.where} only {secrets} may be written env:NAME",
            )
        return text

    def secret(self, name: str, *, required: bool = True) -> tuple[str | None, str]:
        """A secret setting: (its value, or None when it is ``env:`` and not read now; the
        environment variable it comes from, or "")."""
        value = self.settings.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(
                    f"missing setting {name}",
                    f'add {name} = "…" to {self.where}, or {name} = "env:NAME" to read it '
                    "from the environment variable NAME (see docs/alerts.md)",
                )
            return "", ""
        if not isinstance(value, str):
            raise self.fail(f"{name} must be text", f'write {name} = "…" (in quotes)')
        variable = env_reference(value, self.where, name)
        if variable is None:
            return value, ""
        if not self.resolve:
            return None, variable
        return from_environment(variable, self.where, name), variable

    def url(self, name: str, *, secret: bool) -> str | None:
        """A web address (checked now, not when the first alert fails); a secret one is
        never repeated in the error."""
        if secret:
            value, variable = self.secret(name)
            if value is None:
                return None
            value = value.strip()
        else:
            value, variable = self.text(name), ""
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = urlsplit("")
        if parts.scheme.lower() in ("https", "http") and parts.hostname and " " not in value:
            return value
        if variable:
            shown = f" (the environment variable {variable} holds something else)"
        elif secret:
            shown = ""  # it is a secret: not repeated here
        else:
            shown = f", not {value!r}"
        raise self.fail(
            f"{name} must be a web address starting with https://{shown}",
            "copy the whole address the service shows, https:// included (see docs/alerts.md)",
        )

    def address(self, name: str, value: Any, example: str) -> str:
        """One e-mail address, plausibly written (one @, no spaces)."""
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and _ADDRESS.fullmatch(text):
            return text
        if isinstance(text, str) and re.search(r"[;,\s]", text) and text.count("@") > 1:
            parts = [p for p in re.split(r"[;,\s]+", text) if p]
            listed = ", ".join(f'"{p}"' for p in parts)
            hint = (
                f"write the addresses as a list: recipients = [{listed}]"
                if name == "recipients"
                else f"{name} is one address, e.g. {example}"
            )
        else:
            hint = f"write a whole e-mail address (one @, no spaces), e.g. {example}"
        raise self.fail(f"{name}: {text!r} is not an e-mail address", hint)


def _slack_or_teams(reader: _Reader) -> Notifier | None:
    url = reader.url("webhook_url", secret=True)
    if url is None:
        return None
    if reader.channel == "slack":
        from firewarden.notify.slack import SlackNotifier

        return SlackNotifier(url)
    from firewarden.notify.teams import TeamsNotifier

    return TeamsNotifier(url)


def _webhook(reader: _Reader) -> Notifier | None:
    url = reader.url("url", secret=False)
    secret, variable = reader.secret("secret")
    if secret is not None and len(secret) < MIN_SECRET_LENGTH:
        source = f" (the environment variable {variable})" if variable else ""
        raise reader.fail(
            f"secret{source} is too short ({len(secret)} characters, at least "
            f"{MIN_SECRET_LENGTH} are needed)",
            "the secret signs each alert so the receiver knows it came from firewarden; a short "
            "one can be found by trying and then anyone could send fake alerts. Use a random "
            f"string of {MIN_SECRET_LENGTH} or more characters (a password manager can make one) "
            "and set the same on the receiver",
        )
    if url is None or secret is None:
        return None
    from firewarden.notify.webhook import WebhookNotifier

    return WebhookNotifier(url, secret)


def _email(reader: _Reader) -> Notifier | None:
    host = reader.text("host")
    if re.search(r"\s|/", host):
        raise reader.fail(
            f"host must be the mail server's name only, not {host!r}",
            'e.g. host = "smtp.office365.com" (no https:// and no spaces; the port is separate)',
        )
    raw_port = reader.settings.get("port")
    if raw_port is None:
        raise reader.fail("missing setting port", "add port = 587 (or 465 for ssl, 25 for a relay)")
    port = raw_port if isinstance(raw_port, int) and not isinstance(raw_port, bool) else None
    if isinstance(raw_port, str) and raw_port.strip().isdigit():
        port = int(raw_port)
    if port is None or not 1 <= port <= 65535:
        raise reader.fail(
            f"port must be a number from 1 to 65535, not {raw_port!r}",
            "usually 587 (security = starttls), 465 (ssl) or 25 (a relay on your network)",
        )
    security = reader.text("security", required=False).lower() or "starttls"
    if security not in SECURITY:
        raise reader.fail(
            f"unknown security {security!r}",
            "use starttls (port 587), ssl (port 465) or none (local relay only)",
        )
    username = reader.text("username", required=False)
    password, _ = reader.secret("password", required=False)
    if password and not username:
        raise reader.fail(
            "password is set but username is not: the password would not be used",
            "add username = … (the account that sends), or remove the password for an open relay",
        )
    sender = reader.address("sender", reader.text("sender"), '"alerts@example.com"')
    raw = reader.settings.get("recipients")
    if isinstance(raw, str):
        items: Sequence[Any] = [r for r in (p.strip() for p in raw.split(",")) if r]
        if ";" in raw:  # "a@x; b@x" is one malformed address: show it whole, suggest a list
            items = [raw]
    elif isinstance(raw, list):
        items = raw
    elif raw is None:
        items = []
    else:
        raise reader.fail(
            "recipients must be a list of addresses", 'write recipients = ["pr@example.com"]'
        )
    if not items:
        raise reader.fail(
            "no recipients", 'list at least one address: recipients = ["pr@example.com"]'
        )
    recipients = [reader.address("recipients", r, '"pr@example.com"') for r in items]
    if password is None:
        return None
    from firewarden.notify.email import EmailNotifier

    return EmailNotifier(
        host=host,
        port=port,
        sender=sender,
        recipients=recipients,
        username=username,
        password=password,
        security=security,
    )


_BUILDERS = {
    "slack": _slack_or_teams,
    "teams": _slack_or_teams,
    "email": _email,
    "webhook": _webhook,
}


def _channel(channel: str) -> str:
    name = channel.strip().lower()
    if name not in CHANNELS:
        raise ConfigError(
            f"unknown alert channel {channel!r}",
            where="[alerts]",
            hint=f"use one of: {', '.join(CHANNELS)}",
        )
    return name


def notifier_for(channel: str, settings: Mapping[str, Any]) -> Notifier:
    """A notifier for ``channel`` (``env:`` settings read now); raises ConfigError naming the
    table, the setting, what is wrong and what to do."""
    name = _channel(channel)
    notifier = _BUILDERS[name](_Reader(name, settings, resolve=True))
    assert notifier is not None  # every setting was read
    return notifier


def check_settings(channel: str, settings: Mapping[str, Any]) -> None:
    """Everything :func:`notifier_for` checks, except what ``env:NAME`` settings hold."""
    name = _channel(channel)
    _BUILDERS[name](_Reader(name, settings, resolve=False))


def alert_channels(
    section: Mapping[str, Any], *, resolve: bool = True
) -> tuple[dict[str, Notifier], dict[str, list[str]] | None]:
    """The notifiers and the escalation routes (level -> channels; None: every channel hears
    every level) of the ``[alerts]`` section. ``resolve=False`` only checks (no notifiers,
    ``env:`` variables not read)."""
    unknown = sorted(str(k) for k in section if k not in (*CHANNELS, "escalation"))
    if unknown:
        raise ConfigError(
            f"unknown setting(s) in [alerts]: {', '.join(unknown)}",
            where="[alerts]",
            hint=f"known: {', '.join((*CHANNELS, 'escalation'))}",
        )
    for ch in CHANNELS:
        if section.get(ch) is not None and not isinstance(section[ch], Mapping):
            raise ConfigError(
                f"[alerts] {ch} must be a table of settings, not {_shown(ch, section[ch])}",
                where="[alerts]",
                hint=f"write {ch} = {{ {_EXAMPLES[ch]} }} (docs/alerts.md lists the settings)",
            )
    configured = [ch for ch in CHANNELS if isinstance(section.get(ch), Mapping)]
    notifiers: dict[str, Notifier] = {}
    for ch in configured:
        if resolve:
            notifiers[ch] = notifier_for(ch, section[ch])
        else:
            check_settings(ch, section[ch])
    return notifiers, _routes(section.get("escalation"), configured)


def check_alerts(section: Mapping[str, Any]) -> None:
    """Check the ``[alerts]`` section without reading ``env:`` variables (at every start)."""
    alert_channels(section, resolve=False)


def _shown(channel: str, value: Any) -> str:
    """A misplaced value as it may be shown: not a secret's."""
    return "an address" if channel in ("slack", "teams") and isinstance(value, str) else repr(value)


def _routes(raw: Any, configured: Sequence[str]) -> dict[str, list[str]] | None:
    where = "[alerts.escalation]"
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ConfigError(
            "[alerts] escalation must be a table of level = [channels]",
            where=where,
            hint='e.g. escalation = { watch = ["slack"], crisis = ["slack", "email"] }',
        )
    routes: dict[str, list[str]] = {}
    for level, channels in raw.items():
        if level not in LEVELS:
            raise ConfigError(
                f"unknown level {level!r} in [alerts] escalation",
                where=where,
                hint=f"use {', '.join(LEVELS)}",
            )
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            raise ConfigError(
                f"[alerts] escalation.{level} must be a list of channels",
                where=where,
                hint=f'e.g. {level} = ["slack", "email"]',
            )
        for ch in channels:
            if ch not in configured:
                raise ConfigError(
                    f"[alerts] escalation.{level} names {ch!r}, which is not configured",
                    where=where,
                    hint=f"configured channels: {', '.join(configured) or 'none'}",
                )
        routes[level] = list(channels)
    return routes
