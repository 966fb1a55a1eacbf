"""Alerts to Microsoft Teams as an Adaptive Card, through a Workflows (Power Automate) webhook.

The body is a ``message`` whose single attachment is an Adaptive Card
(``application/vnd.microsoft.card.adaptive``); this is what the Teams workflow template
"Post to a channel when a webhook request is received" expects, and what the retired Office 365
connector webhooks also accepted. Workflows answer 202 Accepted; connectors answered 200.
"""

from __future__ import annotations

from typing import Any

from firewarden.notify.base import AlertMessage, check_reply, post_json
from firewarden.publish import http

CHANNEL = "teams"
_COLOR = {"watch": "Accent", "warning": "Warning", "crisis": "Attention"}


def adaptive_card(alert: AlertMessage) -> dict[str, Any]:
    """The Adaptive Card (schema 1.4) for ``alert``."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": alert.label.upper(),
            "weight": "Bolder",
            "color": _COLOR[alert.level],
            "size": "Small",
        },
        {
            "type": "TextBlock",
            "text": alert.title,
            "weight": "Bolder",
            "size": "Large",
            "wrap": True,
        },
        {"type": "TextBlock", "text": alert.summary, "wrap": True},
        {
            "type": "FactSet",
            "facts": [
                {"title": "Level", "value": alert.label},
                {"title": "Watch", "value": alert.watch},
                {"title": "Time", "value": alert.time_text},
            ],
        },
    ]
    if alert.explanation:
        body.append({"type": "TextBlock", "text": "Why", "weight": "Bolder", "wrap": True})
        body.append(
            {
                "type": "TextBlock",
                "text": "\n".join(f"- {x}" for x in alert.explanation),
                "wrap": True,
            }
        )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
    }
    if alert.url:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": "Open in firewarden", "url": alert.url}
        ]
    return card


def teams_payload(alert: AlertMessage) -> dict[str, Any]:
    """The webhook JSON: a message carrying the card as its only attachment."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": adaptive_card(alert),
            }
        ],
    }


class TeamsNotifier:
    """Posts alerts to a Teams channel through its workflow webhook URL."""

    channel = CHANNEL

    def __init__(self, webhook_url: str, *, timeout: float = 15.0) -> None:
        self._url = webhook_url
        self._timeout = timeout

    def send(self, alert: AlertMessage) -> None:
        """Deliver the alert; raises NotifyError with the service's reason and what to do."""
        body = http.encode_json(teams_payload(alert))
        reply = post_json(CHANNEL, self._url, body, {}, self._timeout)
        check_reply(CHANNEL, reply, {})
