"""What the text alone cannot tell: when, from which account, what is happening in the world."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from firewarden.errors import InputError

ACCOUNT_KINDS = ("corporate", "personal")

_FIELDS = (
    "date",
    "at",
    "account",
    "handle",
    "events",
    "sponsored",
    "attachment",
    "past_posts",
    "language",
    "brand",
)


@dataclass(frozen=True, slots=True)
class Context:
    """Everything about a draft except its text.

    ``at`` is when the post will go out (``None``: now, as told by the caller's clock; the core
    never reads the clock itself). ``events`` are things happening in the world at that time
    ("hurricane making landfall"). ``past_posts`` are examples of the account's usual voice.
    """

    at: dt.datetime | None = None
    account: str = "corporate"
    handle: str = ""
    events: tuple[str, ...] = ()
    sponsored: bool = False
    attachment: str = ""
    past_posts: tuple[str, ...] = ()
    language: str = ""
    brand: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.account not in ACCOUNT_KINDS:
            raise InputError(
                f"unknown account kind {self.account!r}",
                hint="use 'corporate' or 'personal'",
            )

    @property
    def is_corporate(self) -> bool:
        return self.account == "corporate"

    @property
    def date(self) -> dt.date | None:
        return self.at.date() if self.at else None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, *, where: str = "context") -> Context:
        """Build a context from a record's ``context`` mapping, naming any bad field."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise InputError("context must be a mapping of fields", where=where)
        unknown = sorted(set(data) - set(_FIELDS))
        if unknown:
            raise InputError(
                f"unknown context field(s): {', '.join(unknown)}",
                where=where,
                hint=f"known fields: {', '.join(_FIELDS)}",
            )
        raw_at = data.get("at", data.get("date"))
        at = parse_when(raw_at, where=f"{where}.date") if raw_at is not None else None
        events = _str_list(data.get("events"), where=f"{where}.events")
        past = _str_list(data.get("past_posts"), where=f"{where}.past_posts")
        sponsored = data.get("sponsored", False)
        if not isinstance(sponsored, bool):
            raise InputError("sponsored must be true or false", where=f"{where}.sponsored")
        account = data.get("account", "corporate")
        if account not in ACCOUNT_KINDS:
            raise InputError(
                f"unknown account kind {account!r}",
                where=f"{where}.account",
                hint="use 'corporate' or 'personal'",
            )
        return cls(
            at=at,
            account=str(account),
            handle=_str(data.get("handle"), where=f"{where}.handle"),
            events=events,
            sponsored=sponsored,
            attachment=_str(data.get("attachment"), where=f"{where}.attachment"),
            past_posts=past,
            language=_str(data.get("language"), where=f"{where}.language"),
            brand=_str(data.get("brand"), where=f"{where}.brand"),
        )


def parse_when(value: Any, *, where: str = "date") -> dt.datetime:
    """Parse a date or date-time (ISO 8601); a bare date means noon that day."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12, 0))
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12, 0))
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
    raise InputError(
        f"cannot read {value!r} as a date",
        where=where,
        hint="write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM",
    )


def _str(value: Any, *, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError("must be text", where=where)
    return value


def _str_list(value: Any, *, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError("must be a list of text", where=where)
    return tuple(value)
