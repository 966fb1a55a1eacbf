"""Reading the compose form's fields into what the review services take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.datastructures import FormData

from firewarden.errors import InputError


@dataclass(frozen=True)
class DraftFields:
    text: str
    targets: list[int]
    attachments: list[str]
    scheduled_at: dt.datetime | None
    sponsored: bool


def parse_when(value: str, *, where: str = "scheduled time") -> dt.datetime | None:
    """A ``datetime-local`` value (taken as UTC, as the form says) or an ISO time; '' is none."""
    text = value.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"cannot read {text!r} as a date and time", where=where, hint="use 2026-12-01T09:30"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def draft_fields(form: FormData) -> DraftFields:
    targets = []
    for raw in form.getlist("targets"):
        try:
            targets.append(int(str(raw)))
        except ValueError:
            raise InputError(f"unknown target account {raw!r}", where="targets") from None
    attachments = [
        line.strip() for line in str(form.get("attachments", "")).splitlines() if line.strip()
    ]
    return DraftFields(
        text=str(form.get("text", "")),
        targets=targets,
        attachments=attachments,
        scheduled_at=parse_when(str(form.get("scheduled_at", ""))),
        sponsored=form.get("sponsored") in ("on", "true", "1"),
    )
