"""Alerts to Slack through an incoming webhook: Block Kit blocks plus a plain-text fallback.

Slack answers 200 ``ok``; errors come back as short plain-text codes with an HTTP status
(``invalid_payload``, ``no_service``, ``channel_is_archived``...), and 429 with ``Retry-After``
when more than about one message per second is sent.
"""

from __future__ import annotations

from typing import Any

from firewarden.notify.base import AlertMessage, check_reply, post_json
from firewarden.publish import http

CHANNEL = "slack"
_EMOJI = {"watch": ":eyes:", "warning": ":warning:", "crisis": ":rotating_light:"}
_HINTS = {
    "no_service": "the webhook was removed or disabled in Slack; create a new one",
    "invalid_token": "the webhook URL is wrong or was revoked; copy it again from Slack",
    "no_team": "the Slack workspace no longer exists or the URL is wrong",
    "channel_not_found": "the channel was deleted; create a webhook for another channel",
    "channel_is_archived": "the channel is archived; unarchive it or pick another channel",
    "action_prohibited": "a Slack admin restricted posting to this channel",
    "posting_to_general_channel_denied": "only admins may post in this channel",
    "invalid_payload": "firewarden sent a malformed message; please report this as a bug",
    "invalid_blocks": "firewarden sent malformed blocks; please report this as a bug",
}


def _mrkdwn(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_payload(alert: AlertMessage) -> dict[str, Any]:
    """The incoming-webhook JSON for ``alert``, within Block Kit's length limits."""
    epoch = int(alert.time.timestamp())
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(f"{alert.label}: {alert.title}", 150)},
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut(_mrkdwn(alert.summary), 3000)}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Level*\n{_EMOJI[alert.level]} {alert.label}"},
                {"type": "mrkdwn", "text": _cut(f"*Watch*\n{_mrkdwn(alert.watch)}", 2000)},
                {
                    "type": "mrkdwn",
                    # Shown in each reader's own time zone; the ISO text is the fallback.
                    "text": f"*Time*\n<!date^{epoch}^{{date_short_pretty}} {{time}}|"
                    f"{alert.time_text}>",
                },
            ],
        },
    ]
    if alert.explanation:
        lines = "\n".join(f"• {_mrkdwn(line)}" for line in alert.explanation)
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(f"*Why*\n{lines}", 3000)}}
        )
    if alert.url:
        button: dict[str, Any] = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Open in firewarden"},
            "url": alert.url,
        }
        if alert.level == "crisis":
            button["style"] = "danger"
        blocks.append({"type": "actions", "elements": [button]})
    fallback = f"[{alert.label}] {alert.title}: {alert.summary}"
    return {"text": _cut(_mrkdwn(fallback), 3000), "blocks": blocks}


class SlackNotifier:
    """Posts alerts to one Slack channel's incoming webhook URL."""

    channel = CHANNEL

    def __init__(self, webhook_url: str, *, timeout: float = 10.0) -> None:
        self._url = webhook_url
        self._timeout = timeout

    def send(self, alert: AlertMessage) -> None:
        """Deliver the alert; raises NotifyError with Slack's reason and what to do."""
        body = http.encode_json(slack_payload(alert))
        reply = post_json(CHANNEL, self._url, body, {}, self._timeout)
        check_reply(CHANNEL, reply, _HINTS)
