"""Listening settings from the configuration file (``[listen]``, ``[alerts]``, ``[web]``).

```toml
[listen]
watches = "watches.yaml"        # or a list of tables (see docs/listening.md)
bucket_minutes = 5
reload_seconds = 5              # how often a running listener looks for watch edits

[listen.sources.bluesky]        # Jetstream; url optional
[listen.sources.mastodon]
url = "https://mastodon.social"
access_token = "env:MASTODON_TOKEN"   # "env:NAME" reads an environment variable
hashtags = ["acme"]             # optional; default: the public timeline, filtered
[listen.sources.x]
bearer_token = "env:X_BEARER_TOKEN"   # query optional: built from the watches
[listen.sources.rss]
feeds = ["https://news.example/rss"]
interval = 300
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from firewarden.config import Config, check_base_url, env_reference, from_environment
from firewarden.errors import ConfigError
from firewarden.listen.sources.base import Source, watch_filter
from firewarden.listen.watches import Watch, watches_from_config

SOURCE_NAMES = ("bluesky", "mastodon", "x", "rss")
#: Seconds between two polls of a feed, by default and at the least.
RSS_INTERVAL = 300
MIN_POLL = 1.0


def listen_section(config: Config) -> Mapping[str, Any]:
    return config.sections.get("listen", {})


def bucket_width(config: Config) -> dt.timedelta:
    minutes = listen_section(config).get("bucket_minutes", 5)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 1440:
        raise ConfigError(
            "bucket_minutes must be a whole number of minutes from 1 to 1440",
            where="[listen] bucket_minutes",
        )
    return dt.timedelta(minutes=minutes)


def reload_seconds(config: Config) -> float:
    """Seconds between a running listener's looks for watch edits (``[listen] reload_seconds``)."""
    seconds = listen_section(config).get("reload_seconds", 5)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
        raise ConfigError(
            "reload_seconds must be a number of seconds above 0 and at most 3600",
            where="[listen] reload_seconds",
            hint="reload_seconds = 5",
        )
    return float(seconds)


def base_url(config: Config) -> str:
    """The web app's address for links in alerts (``[web] base_url``)."""
    web = config.sections.get("web", {})
    url = check_base_url(web.get("base_url") or "", "[web] base_url")
    return url or f"http://{config.web_host}:{config.web_port}"


def file_watches(config: Config) -> list[Watch]:
    base = config.path.parent if config.path is not None else None
    return watches_from_config(listen_section(config), base=base)


def secret(value: Any, where: str, setting: str = "the token") -> str:
    """A setting's text; ``env:NAME`` reads the environment variable NAME instead."""
    name = env_reference(value, where, setting)
    if name is not None:
        return from_environment(name, where, setting)
    return str(value or "")


def build_sources(
    config: Config, watches: Sequence[Watch], only: Sequence[str] = ()
) -> list[Source]:
    """The configured sources (``only``: just these kinds)."""
    raw = listen_section(config).get("sources", {})
    if not isinstance(raw, Mapping):
        raise ConfigError("[listen] sources must be a table of source tables")
    unknown = sorted(set(raw) - set(SOURCE_NAMES)) + sorted(set(only) - set(SOURCE_NAMES))
    if unknown:
        raise ConfigError(
            f"unknown source(s): {', '.join(unknown)}", hint=f"use {', '.join(SOURCE_NAMES)}"
        )
    keep = watch_filter(watches)
    out: list[Source] = []
    for kind in SOURCE_NAMES:
        if kind not in raw or (only and kind not in only):
            continue
        s = raw[kind]
        where = f"[listen.sources.{kind}]"
        if not isinstance(s, Mapping):
            raise ConfigError(
                "must be a table of settings",
                where=where,
                hint=f"write it as {where} on its own line",
            )
        if kind == "bluesky":
            from firewarden.listen.sources.bluesky_jetstream import DEFAULT_URL, JetstreamSource

            url = s.get("url") or DEFAULT_URL
            out.append(
                JetstreamSource(
                    web_address(url, f"{where} url", ("ws", "wss"), DEFAULT_URL), keep=keep
                )
            )
        elif kind == "mastodon":
            from firewarden.listen.sources.mastodon import MastodonSource

            if not s.get("url"):
                raise ConfigError(
                    "missing url (the Mastodon server)",
                    where=where,
                    hint='url = "https://mastodon.social"',
                )
            out.append(
                MastodonSource(
                    web_address(s["url"], f"{where} url", example="https://mastodon.social"),
                    secret(s.get("access_token"), where, "access_token"),
                    query=str(s.get("query") or " OR ".join(_terms(watches))),
                    hashtags=list(s.get("hashtags") or []),
                    keep=keep,
                )
            )
        elif kind == "x":
            from firewarden.listen.sources.x import XSource, query_for

            out.append(
                XSource(
                    secret(s.get("bearer_token"), where, "bearer_token"),
                    str(s.get("query") or query_for(watches)),
                    base_url=web_address(
                        s.get("base_url") or "https://api.twitter.com",
                        f"{where} base_url",
                        example="https://api.twitter.com",
                    ),
                )
            )
        elif kind == "rss":
            from firewarden.listen.sources.rss import RssSource

            feeds = s.get("feeds")
            if not isinstance(feeds, list) or not feeds:
                raise ConfigError(
                    "feeds must be a list of feed addresses",
                    where=f"{where} feeds",
                    hint='feeds = ["https://news.example/rss"]',
                )
            urls = [web_address(f, f"{where} feeds[{i}]") for i, f in enumerate(feeds)]
            for i, url in enumerate(urls):
                if url in urls[:i]:
                    raise ConfigError(
                        f"{url} is listed twice", where=f"{where} feeds[{i}]", hint="remove one"
                    )
            interval = poll_seconds(s.get("interval", RSS_INTERVAL), f"{where} interval")
            out += [RssSource(url, keep=keep, interval=interval) for url in urls]
    if only and not out:
        raise ConfigError(
            f"no configured source among: {', '.join(only)}",
            hint="add a [listen.sources.<name>] table to firewarden.toml",
        )
    return out


def web_address(
    value: Any,
    where: str,
    schemes: Sequence[str] = ("http", "https"),
    example: str = "https://news.example/rss",
) -> str:
    """``value`` if it is a full web address with one of ``schemes`` (else a ConfigError
    naming the setting)."""
    text = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in schemes or not parts.netloc or " " in text:
        shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        starts = " or ".join(f"{s}://" for s in schemes)
        raise ConfigError(
            f"{shown} is not a web address starting with {starts}",
            where=where,
            hint=f'write the full address in quotes, like "{example}"',
        )
    return text


def poll_seconds(value: Any, where: str) -> float:
    """Seconds between two polls of a source: a number from ``MIN_POLL`` to a day."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not MIN_POLL <= value <= 86_400
    ):
        raise ConfigError(
            f"must be a number of seconds from {MIN_POLL:g} to 86400 (a day), not {value!r}",
            where=where,
            hint=f"interval = {RSS_INTERVAL:g} (every 5 minutes suits most feeds)",
        )
    return float(value)


def _terms(watches: Sequence[Watch]) -> list[str]:
    return list(dict.fromkeys(t for w in watches for t in (*w.keywords, *w.products)))
