"""What an alert notifier sends and how it reports failure.

``AlertMessage`` is plain data: the early-warning detector's alerts are converted into it
elsewhere, and every notifier (Slack, Teams, e-mail, signed webhook) renders the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from http.client import InvalidURL
from typing import Protocol, runtime_checkable

from firewarden.errors import FirewardenError
from firewarden.publish import http

LEVELS = ("watch", "warning", "crisis")
LEVEL_LABELS = {"watch": "Watch", "warning": "Warning", "crisis": "Crisis"}
#: What happens after a failure that may pass (the words the stored delivery failure shows):
#: firewarden tries a retryable failure once more at once (``listen.alerts.Escalation``) and
#: does not keep undelivered alerts to send later.
NOT_RESENT = "this alert is not sent again; the next alert will be tried as usual"


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """One alert to deliver to people.

    ``level`` is watch (keep an eye on it), warning (act soon) or crisis (act now);
    ``explanation`` holds the reasons, one line each; ``watch`` names the watch that fired;
    ``time`` must be timezone-aware.
    """

    title: str
    level: str
    summary: str
    explanation: tuple[str, ...]
    url: str
    watch: str
    time: datetime

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.time.tzinfo is None:
            raise ValueError("time must be timezone-aware")

    @property
    def label(self) -> str:
        """The level as shown to people: Watch, Warning or Crisis."""
        return LEVEL_LABELS[self.level]

    @property
    def time_text(self) -> str:
        """The time to the minute with its zone, as people read it: ``2025-01-10 18:30 UTC``,
        or ``2025-01-10 18:30 UTC+09:00`` for another offset."""
        offset = self.time.utcoffset()
        if offset is None or not offset:
            zone = "UTC"
        else:
            zone = "UTC" + self.time.strftime("%z")[:3] + ":" + self.time.strftime("%z")[3:]
        return f"{self.time:%Y-%m-%d %H:%M} {zone}"


class NotifyError(FirewardenError):
    """An alert could not be delivered; ``retryable`` says whether trying again may help."""

    def __init__(
        self,
        message: str,
        *,
        channel: str,
        retryable: bool,
        retry_after: float | None = None,
        hint: str = "",
    ) -> None:
        self.channel = channel
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(message, where=channel, hint=hint)


@runtime_checkable
class Notifier(Protocol):
    """Delivers alerts to one destination; raises NotifyError when it cannot."""

    channel: str

    def send(self, alert: AlertMessage) -> None:
        """Deliver ``alert`` once."""
        ...


def post_json(
    channel: str, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> http.HttpReply:
    """POST to a webhook; a network failure becomes a retryable NotifyError."""
    try:
        return http.post(url, body, headers, timeout=timeout)
    except (ValueError, InvalidURL):  # not a URL urllib can send to (checked when built)
        # The reason is not shown: it may repeat the address, which is a secret for Slack/Teams.
        raise NotifyError(
            "cannot send to the webhook: its address is not one that can be sent to",
            channel=channel,
            retryable=False,
            hint="put the whole https:// address in the alert configuration",
        ) from None
    except OSError as exc:
        raise NotifyError(
            f"cannot reach the webhook: {exc}",
            channel=channel,
            retryable=True,
            hint=f"check the network and the webhook address; {NOT_RESENT}",
        ) from None


def check_reply(
    channel: str, reply: http.HttpReply, hints: dict[str, str], *, auth_hint: str = ""
) -> None:
    """Raise NotifyError for a non-2xx reply.

    ``hints`` maps a service's error text to advice; ``auth_hint`` is the advice for 401/403.
    """
    if 200 <= reply.status < 300:
        return
    text = reply.text()[:300] or f"HTTP {reply.status}"
    if reply.status == 429:
        raise NotifyError(
            "the webhook is rate limited",
            channel=channel,
            retryable=True,
            retry_after=http.retry_after_seconds(reply.headers),
            hint=f"too many alerts at once (tried again after the service's wait); {NOT_RESENT}",
        )
    retryable = reply.status >= 500 or reply.status == 408
    hint = hints.get(text.strip().lower(), "")
    if not hint and reply.status in (401, 403):
        hint = auth_hint
    if not hint:
        hint = (
            f"the service failed on its side (see its status page if it lasts); {NOT_RESENT}"
            if retryable
            else "check the webhook URL and settings in the alert configuration"
        )
    raise NotifyError(
        f"the webhook refused the alert (HTTP {reply.status}: {text})",
        channel=channel,
        retryable=retryable,
        hint=hint,
    )
