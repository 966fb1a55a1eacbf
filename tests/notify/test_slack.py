from __future__ import annotations

from typing import Any

import pytest

from firewarden.notify.base import AlertMessage, NotifyError
from firewarden.notify.slack import SlackNotifier, slack_payload
from firewarden.publish.local_server import LocalHttpServer, Reply, Request

from .conftest import alert

BLOCK_TYPES = {"header", "section", "actions", "context", "divider"}


def slack_problem(payload: Any) -> str:
    """What Slack's incoming webhook would refuse in this payload ('' when valid)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        return "no_text"
    blocks = payload.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            return "invalid_blocks"
        if kind == "header" and (
            block["text"]["type"] != "plain_text" or len(block["text"]["text"]) > 150
        ):
            return "invalid_blocks"
        if kind == "section":
            text, fields = block.get("text"), block.get("fields", [])
            if text is None and not fields:
                return "invalid_blocks"
            if text is not None and not 0 < len(text["text"]) <= 3000:
                return "invalid_blocks"
            if len(fields) > 10 or any(len(f["text"]) > 2000 for f in fields):
                return "invalid_blocks"
        if kind == "actions":
            for element in block["elements"]:
                if element["type"] != "button" or len(element["url"]) > 3000:
                    return "invalid_blocks"
                if element.get("style", "primary") not in ("primary", "danger"):
                    return "invalid_blocks"
    return ""


class SlackReceiver:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.next_reply: Reply | None = None

    def __call__(self, req: Request) -> Reply:
        if self.next_reply is not None:
            return self.next_reply
        if not req.headers.get("content-type", "").startswith("application/json"):
            return Reply(400, "invalid_payload")
        problem = slack_problem(req.json())
        if problem:
            return Reply(400, problem)
        self.messages.append(req.json())
        return Reply(200, "ok")


def test_crisis_alert_arrives_as_valid_blocks(crisis: AlertMessage) -> None:
    receiver = SlackReceiver()
    with LocalHttpServer(receiver) as server:
        SlackNotifier(server.url + "/services/T0/B0/x").send(crisis)
    (message,) = receiver.messages
    assert message["text"].startswith("[Crisis] Mentions of the Friday campaign")
    assert message["blocks"][0]["text"]["text"] == f"Crisis: {crisis.title}"
    assert "&lt;5 min&gt; &amp; quote" in message["blocks"][1]["text"]["text"]
    why = message["blocks"][3]["text"]["text"]
    assert "• mentions per hour 9.2x the baseline" in why
    button = message["blocks"][-1]["elements"][0]
    assert (button["url"], button["style"]) == (crisis.url, "danger")


def test_long_texts_are_cut_to_slack_limits() -> None:
    payload = slack_payload(alert(title="t" * 400, summary="s" * 5000, explanation=("e" * 4000,)))
    assert slack_problem(payload) == ""


def test_watch_alert_without_url_has_no_button() -> None:
    payload = slack_payload(alert("watch", url="", explanation=()))
    assert [b["type"] for b in payload["blocks"]] == ["header", "section", "section"]


@pytest.mark.parametrize(
    ("reply", "retryable", "advice"),
    [
        (Reply(404, "no_service"), False, "create a new one"),
        (Reply(410, "channel_is_archived"), False, "unarchive"),
        (Reply(500, "rollup_error"), True, "failed on its side"),
        (Reply(503, "rollup_error"), True, "the next alert will be tried"),
    ],
)
def test_slack_errors_say_what_to_do(reply: Reply, retryable: bool, advice: str) -> None:
    receiver = SlackReceiver()
    receiver.next_reply = reply
    with LocalHttpServer(receiver) as server, pytest.raises(NotifyError) as info:
        SlackNotifier(server.url).send(alert())
    assert info.value.retryable is retryable
    assert advice in str(info.value)


def test_rate_limit_carries_retry_after() -> None:
    receiver = SlackReceiver()
    receiver.next_reply = Reply(429, "rate_limited", {"Retry-After": "7"})
    with LocalHttpServer(receiver) as server, pytest.raises(NotifyError) as info:
        SlackNotifier(server.url).send(alert())
    assert (info.value.retryable, info.value.retry_after) == (True, 7.0)
    # The stored failure tells the truth: nothing sends this alert later.
    assert "this alert is not sent again; the next alert will be tried" in info.value.hint


def test_unreachable_webhook_is_retryable() -> None:
    with pytest.raises(NotifyError) as info:
        SlackNotifier("http://127.0.0.1:9/hook", timeout=2).send(alert())
    assert info.value.retryable
    assert info.value.hint == (
        "check the network and the webhook address; "
        "this alert is not sent again; the next alert will be tried as usual"
    )
