"""Build the right publisher for a platform from an account's stored credentials.

Credential names per platform (docs/publishing.md says where a user gets each one):

* ``x``: ``api_key``, ``api_secret``, ``access_token``, ``access_token_secret`` (OAuth 1.0a),
  or ``user_access_token`` alone (OAuth 2.0 user context).
* ``bluesky``: ``identifier`` (handle or DID), ``app_password``; optional ``service`` (PDS URL).
* ``mastodon``: ``instance`` (e.g. https://mastodon.social), ``access_token``.
* ``webhook``: ``url``, ``secret``.
* ``dryrun``: nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from firewarden.errors import ConfigError
from firewarden.publish.base import Publisher

PLATFORMS = ("x", "bluesky", "mastodon", "webhook", "dryrun")

_WHERE_TO_GET = {
    "x": "the X developer portal (developer.x.com), your app's 'Keys and tokens' page",
    "bluesky": "Bluesky Settings > Privacy and security > App passwords",
    "mastodon": "your Mastodon server's Preferences > Development > New application",
    "webhook": "the receiving system's webhook settings (the same secret on both sides)",
}


def _need(platform: str, credentials: Mapping[str, str], *names: str) -> list[str]:
    missing = [name for name in names if not str(credentials.get(name, "")).strip()]
    if missing:
        raise ConfigError(
            f"missing credential(s): {', '.join(missing)}",
            where=f"{platform} account credentials",
            hint=f"get them from {_WHERE_TO_GET[platform]}; see docs/publishing.md",
        )
    return [str(credentials[name]).strip() for name in names]


def publisher_for(
    platform: str, credentials: Mapping[str, str], *, base_url: str | None = None
) -> Publisher:
    """A publisher for ``platform`` signed in with ``credentials``.

    ``base_url`` replaces the platform's API address (a self-hosted PDS, a proxy, a local fake
    in tests). Raises ConfigError naming what is missing or unknown.
    """
    name = platform.strip().lower()
    if name not in PLATFORMS:
        raise ConfigError(
            f"unknown platform {platform!r}",
            where="account",
            hint=f"use one of: {', '.join(PLATFORMS)}",
        )
    if name == "dryrun":
        from firewarden.publish.dryrun import DryRunPublisher

        return DryRunPublisher()
    if name == "webhook":
        from firewarden.publish.webhook import WebhookPublisher

        url, secret = _need(name, credentials, "url", "secret")
        return WebhookPublisher(base_url or url, secret)
    try:
        return _platform_publisher(name, credentials, base_url)
    except ImportError as exc:
        raise ConfigError(
            f"the {name} adapter needs a library that is not installed ({exc.name})",
            where=f"{name} publishing",
            hint="install the platform extras: pip install 'firewarden[platforms]'",
        ) from None


def _platform_publisher(
    name: str, credentials: Mapping[str, str], base_url: str | None
) -> Publisher:
    if name == "x":
        from firewarden.publish.x import TWEEPY_HOST, XPublisher

        if str(credentials.get("user_access_token", "")).strip():
            (token,) = _need(name, credentials, "user_access_token")
            return XPublisher(user_access_token=token, base_url=base_url or TWEEPY_HOST)
        key, secret, token, token_secret = _need(
            name, credentials, "api_key", "api_secret", "access_token", "access_token_secret"
        )
        return XPublisher(
            api_key=key,
            api_secret=secret,
            access_token=token,
            access_token_secret=token_secret,
            base_url=base_url or TWEEPY_HOST,
        )
    if name == "bluesky":
        from firewarden.publish.bluesky import DEFAULT_BASE_URL, BlueskyPublisher

        identifier, password = _need(name, credentials, "identifier", "app_password")
        service = base_url or str(credentials.get("service") or DEFAULT_BASE_URL)
        return BlueskyPublisher(identifier=identifier, app_password=password, base_url=service)
    from firewarden.publish.mastodon import MastodonPublisher

    instance, token = _need(name, credentials, "instance", "access_token")
    return MastodonPublisher(access_token=token, api_base_url=base_url or instance)
