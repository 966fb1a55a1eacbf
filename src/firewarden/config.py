"""Configuration: one TOML file plus environment variables for secrets and deployment.

Where the file is found, first match wins: ``--config PATH``, ``$FIREWARDEN_CONFIG``,
``./firewarden.toml``. Without a file every setting has a default that works on a laptop.
Environment variables override the file for deployment settings:

- ``FIREWARDEN_DATABASE_URL``: the database (default ``sqlite:///firewarden.db``)
- ``FIREWARDEN_SECRET_KEY``: the key that encrypts account credentials at rest

Secret settings (source tokens, alert webhook addresses, the SMTP password, the alert webhook's
signing secret) may be written ``"env:NAME"`` to read the environment variable NAME instead
(:func:`env_reference`, :func:`from_environment`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from firewarden.errors import ConfigError

CONFIG_FILE = "firewarden.toml"
#: ``"env:NAME"`` in a secret setting reads the environment variable NAME.
ENV_PREFIX = "env:"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_SECTIONS: dict[str, frozenset[str]] = {
    "guidelines": frozenset({"packs"}),
    "check": frozenset({"fail_on", "events_file"}),
    "database": frozenset({"url"}),
    "review": frozenset({"undo_seconds", "policy"}),
    "web": frozenset({"host", "port", "base_url"}),
    "listen": frozenset({"watches", "bucket_minutes", "reload_seconds", "sources"}),
    "alerts": frozenset({"slack", "teams", "email", "webhook", "escalation"}),
}


@dataclass(frozen=True, slots=True)
class Config:
    """Settings after defaults, the file and the environment are layered."""

    path: Path | None = None
    guideline_packs: tuple[Path, ...] = ()
    fail_on: str = "medium"
    events_file: Path | None = None
    database_url: str = "sqlite:///firewarden.db"
    undo_seconds: int = 60
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    #: Sections used by the review, listening and alerting parts, passed on as read.
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def find_config_file(explicit: Path | None = None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(
                f"no configuration file at {explicit}", hint="create one with: firewarden init"
            )
        return explicit
    env = os.environ.get("FIREWARDEN_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(
                f"FIREWARDEN_CONFIG names {path}, which does not exist",
                hint="fix the variable or create the file with: firewarden init",
            )
        return path
    local = Path(CONFIG_FILE)
    return local if local.is_file() else None


def load_config(explicit: Path | None = None) -> Config:
    """Load the configuration (see the module docstring for where it is looked for)."""
    path = find_config_file(explicit)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"not valid TOML: {exc}", where=str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the file: {exc}", where=str(path)) from None
        _check_keys(data, path)
    base = path.parent if path is not None else Path.cwd()
    guidelines = data.get("guidelines", {})
    check = data.get("check", {})
    web = data.get("web", {})
    review = data.get("review", {})
    packs = guidelines.get("packs", [])
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise ConfigError("guidelines.packs must be a list of paths", where=str(path))
    fail_on = str(check.get("fail_on", "medium"))
    from firewarden.checks.types import Level

    try:
        Level.parse(fail_on)
    except ValueError as exc:
        raise ConfigError(str(exc), where=f"{path}: check.fail_on") from None
    events_file = check.get("events_file")
    db_url = os.environ.get("FIREWARDEN_DATABASE_URL") or data.get("database", {}).get("url")
    config = Config(
        path=path,
        guideline_packs=tuple(_resolve(base, p) for p in packs),
        fail_on=fail_on,
        events_file=_resolve(base, events_file) if events_file else None,
        database_url=str(db_url or "sqlite:///firewarden.db"),
        undo_seconds=_int(review.get("undo_seconds", 60), f"{path}: review.undo_seconds"),
        web_host=str(web.get("host", "127.0.0.1")),
        web_port=_int(web.get("port", 8000), f"{path}: web.port"),
        sections={k: v for k, v in data.items() if isinstance(v, dict)},
    )
    if "base_url" in web:
        check_base_url(web["base_url"], f"{path}: [web] base_url")
    if "alerts" in data:
        # Every alert setting is checked now, not when the first alert fails to go out;
        # "env:NAME" values are read when the listener starts (their variable may be set
        # only where it runs).
        from firewarden.notify.registry import check_alerts

        try:
            check_alerts(data["alerts"])
        except ConfigError as exc:
            raise ConfigError(exc.message, where=f"{path}: {exc.where}", hint=exc.hint) from None
    return config


def check_base_url(value: Any, where: str) -> str:
    """``[web] base_url``, the address alerts link to: a whole http:// or https:// address
    (empty: not set)."""
    text = value.strip() if isinstance(value, str) else value
    if text == "":
        return ""
    if (
        not isinstance(text, str)
        or not re.match(r"https?://[^/\s]", text, re.IGNORECASE)
        or re.search(r"\s", text)
    ):
        bare = str(text).split("://")[-1].strip() or "firewarden.example.com"
        raise ConfigError(
            f"base_url must be a web address starting with https:// or http://, not {text!r}",
            where=where,
            hint=f'alerts link to it; write the whole address, e.g. base_url = "https://{bare}"',
        )
    return text


def env_reference(value: Any, where: str, setting: str) -> str | None:
    """NAME when ``value`` is ``"env:NAME"`` (the name checked), else None."""
    if not isinstance(value, str) or not value.startswith(ENV_PREFIX):
        return None
    name = value[len(ENV_PREFIX) :].strip()
    if not _ENV_NAME.fullmatch(name):
        raise ConfigError(
            f"{setting} = {value!r} does not name an environment variable",
            where=where,
            hint=f'write {setting} = "env:NAME", NAME being the variable, e.g. "env:SMTP_PASSWORD"',
        )
    return name


def from_environment(name: str, where: str, setting: str) -> str:
    """The environment variable ``name`` that ``setting`` refers to; ConfigError naming the
    variable (never a value) when it is not set or empty."""
    found = os.environ.get(name, "")
    if not found.strip():
        raise ConfigError(
            f"the environment variable {name} is not set (or is empty)",
            where=where,
            hint=f'{setting} = "env:{name}" reads it: set {name} where firewarden runs '
            f"(e.g. export {name}=… before starting it, or in the service's settings)",
        )
    return found


def _check_keys(data: Mapping[str, Any], path: Path) -> None:
    for section, value in data.items():
        if section not in _SECTIONS:
            raise ConfigError(
                f"unknown section [{section}]",
                where=str(path),
                hint=f"known sections: {', '.join(sorted(_SECTIONS))}",
            )
        if not isinstance(value, dict):
            raise ConfigError(f"[{section}] must be a table", where=str(path))
        unknown = sorted(set(value) - _SECTIONS[section])
        if unknown:
            raise ConfigError(
                f"unknown setting(s) in [{section}]: {', '.join(unknown)}",
                where=str(path),
                hint=f"known: {', '.join(sorted(_SECTIONS[section]))}",
            )


def _resolve(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError("must be a whole number", where=where)
    return value
