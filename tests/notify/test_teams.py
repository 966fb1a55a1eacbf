from __future__ import annotations

from typing import Any

import pytest

from firewarden.notify.base import AlertMessage, NotifyError
from firewarden.notify.teams import TeamsNotifier, teams_payload
from firewarden.publish.local_server import LocalHttpServer, Reply, Request

from .conftest import alert

ELEMENTS = {"TextBlock", "FactSet", "ColumnSet", "Container", "Image"}


def card_problem(payload: Any) -> str:
    """What a Teams workflow webhook would refuse ('' when the message is well formed)."""
    if payload.get("type") != "message" or not isinstance(payload.get("attachments"), list):
        return "body must be a message with attachments"
    (attachment,) = payload["attachments"]
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
        return "attachment is not an Adaptive Card"
    card = attachment["content"]
    if card.get("type") != "AdaptiveCard" or card.get("version") not in (
        "1.2",
        "1.3",
        "1.4",
        "1.5",
    ):
        return "content must be an AdaptiveCard of a version Teams renders"
    for element in card["body"]:
        if element["type"] not in ELEMENTS:
            return f"unknown element {element['type']}"
        if element["type"] == "TextBlock" and not element.get("text"):
            return "empty TextBlock"
        if element["type"] == "FactSet" and not all(
            isinstance(f["title"], str) and isinstance(f["value"], str) for f in element["facts"]
        ):
            return "facts need title and value text"
    for action in card.get("actions", []):
        if action["type"] != "Action.OpenUrl" or not action["url"].startswith("https://"):
            return "bad action"
    return ""


class TeamsReceiver:
    def __init__(self, reply: Reply | None = None) -> None:
        self.cards: list[Any] = []
        self.reply = reply

    def __call__(self, req: Request) -> Reply:
        if self.reply is not None:
            return self.reply
        problem = card_problem(req.json())
        if problem:
            return Reply(400, {"error": {"code": "InvalidRequestContent", "message": problem}})
        self.cards.append(req.json()["attachments"][0]["content"])
        return Reply(202)  # Workflows accept and run the flow asynchronously


def test_alert_arrives_as_an_adaptive_card(crisis: AlertMessage) -> None:
    receiver = TeamsReceiver()
    with LocalHttpServer(receiver) as server:
        TeamsNotifier(server.url + "/workflows/abc/triggers/manual/paths/invoke").send(crisis)
    (card,) = receiver.cards
    texts = [b.get("text") for b in card["body"]]
    assert texts[:3] == ["CRISIS", crisis.title, crisis.summary]
    assert card["body"][0]["color"] == "Attention"
    facts = {f["title"]: f["value"] for f in card["body"][3]["facts"]}
    assert facts == {
        "Level": "Crisis",
        "Watch": "brand: Acme",
        "Time": "2025-01-10 18:30 UTC+09:00",
    }
    assert "- 62% negative (usual 12%)" in texts[-1]
    assert card["actions"][0]["url"] == crisis.url


def test_minimal_alert_is_still_a_valid_card() -> None:
    assert card_problem(teams_payload(alert("watch", url="", explanation=()))) == ""


def test_refusal_is_reported_with_the_service_reason() -> None:
    reply = Reply(400, {"error": {"code": "WorkflowTriggerIsNotEnabled", "message": "off"}})
    with LocalHttpServer(TeamsReceiver(reply)) as server, pytest.raises(NotifyError) as info:
        TeamsNotifier(server.url).send(alert())
    assert "WorkflowTriggerIsNotEnabled" in str(info.value)
    assert not info.value.retryable
