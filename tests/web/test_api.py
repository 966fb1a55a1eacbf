"""The JSON API: the check, a whole flow with a token, errors, OpenAPI, CSRF for browsers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from firewarden.checks import check
from firewarden.checks.context import Context
from firewarden.store.engine import session_factory

from .conftest import Client, World, dry_run, token_for


def _bearer(world: World, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(world, key)}"}


def test_check_returns_the_report(client_for: Callable[..., Client], world: World) -> None:
    client = client_for()
    text = "ugh my boss is such an idiot, can't wait for friday drinks lol"
    response = client.post(
        "/api/v1/check",
        json={"text": text, "account": "corporate", "handle": "@acme", "at": "2026-11-24T09:00Z"},
        headers=_bearer(world, "viewer"),
    )
    assert response.status_code == 200
    expected = check(text, Context(at=world.clock(), account="corporate", handle="@acme"))
    assert response.json() == expected.to_dict()


def test_check_errors_name_the_field(client_for: Callable[..., Client], world: World) -> None:
    client = client_for()
    response = client.post(
        "/api/v1/check", json={"text": "hi", "account": "team"}, headers=_bearer(world, "viewer")
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("account:") and body["hint"]


def test_missing_or_bad_token(client_for: Callable[..., Client]) -> None:
    client = client_for()
    assert client.get("/api/v1/drafts").status_code == 401
    bad = client.get("/api/v1/drafts", headers={"Authorization": "Bearer fw_nope"})
    assert bad.status_code == 401 and "unknown or revoked" in bad.json()["error"]
    assert bad.headers["www-authenticate"] == "Bearer"


def test_browser_fetch_needs_the_csrf_header(client_for: Callable[..., Client]) -> None:
    client = client_for("author")
    no_header = client.post("/api/v1/check", json={"text": "hello"})
    assert no_header.status_code == 403 and "CSRF" in no_header.json()["error"]
    assert client.api("POST", "/check", json={"text": "hello"}).status_code == 200
    assert client.get("/api/v1/me").status_code == 200  # reading needs no token header


def test_a_whole_flow_with_tokens(
    client_for: Callable[..., Client], world: World, app: FastAPI
) -> None:
    c = client_for()
    author, reviewer = _bearer(world, "author"), _bearer(world, "reviewer")

    def call(method: str, url: str, who: dict[str, str], body: Any = None) -> Any:
        response = c.request(method, f"/api/v1{url}", headers=who, json=body)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    made = call(
        "POST", "/drafts", author,
        {"text": "Our Nagoya store opens on Friday.", "targets": [world.accounts["corporate"]],
         "submit": True},
    )  # fmt: skip
    draft = made["id"]
    assert made["state"] == "in_review" and made["missing"]
    edited = call("PATCH", f"/drafts/{draft}", author, {"text": "Our Nagoya store opens Friday."})
    assert edited["version"]["number"] == 2
    assert [v["number"] for v in call("GET", f"/drafts/{draft}/versions", author)] == [1, 2]
    approved = call("POST", f"/drafts/{draft}/approve", reviewer, {})
    assert approved["state"] == "approved" and approved["approved"]
    refused = c.request(
        "POST", f"/api/v1/drafts/{draft}/schedule", headers=author, json={"confirm_handles": []}
    )
    assert refused.status_code == 400 and "@acme" in refused.json()["error"]
    scheduled = call("POST", f"/drafts/{draft}/schedule", author, {"confirm_handles": ["@acme"]})
    assert scheduled["state"] == "scheduled" and scheduled["send_after"]
    from firewarden.review.service import publish_due

    web = app.state.web
    with session_factory(web.engine)() as s:
        publish_due(s, now=world.clock.advance(minutes=2), publisher_for=dry_run, check=web.check)
    pubs = call("GET", f"/drafts/{draft}/publications", author)
    assert [p["status"] for p in pubs] == ["sent"]
    deleted = call("POST", f"/drafts/{draft}/delete-published", author, {"reason": "typo"})
    assert deleted["evidence_snapshot_ids"] and deleted["follow_up"]["text"]
    actions = [e["action"] for e in call("GET", f"/audit?subject=draft:{draft}", author)["items"]]
    assert "post.evidence_saved" in actions and "publish.sent" in actions


def test_workflow_refusals_are_409_with_a_hint(
    client_for: Callable[..., Client], world: World
) -> None:
    c = client_for()
    author = _bearer(world, "author")
    made = c.request(
        "POST", "/api/v1/drafts", headers=author,
        json={"text": "Hello", "targets": [world.accounts["corporate"]]},
    ).json()  # fmt: skip
    response = c.request("POST", f"/api/v1/drafts/{made['id']}/schedule", headers=author, json={})
    assert response.status_code == 409
    assert response.json() == {
        "error": "cannot schedule: the draft is draft",
        "hint": "submit it for review first",
        "where": "",
    }


def test_openapi_describes_the_api(client_for: Callable[..., Client]) -> None:
    spec = client_for().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/check", "/api/v1/drafts", "/api/v1/drafts/{draft_id}/approve",
                 "/api/v1/drafts/{draft_id}/delete-published", "/api/v1/audit"):  # fmt: skip
        assert path in spec["paths"], path
    assert not any(p.startswith("/login") for p in spec["paths"])


def test_unknown_draft_is_404(client_for: Callable[..., Client], world: World) -> None:
    response = client_for().get("/api/v1/drafts/424242", headers=_bearer(world, "viewer"))
    assert response.status_code == 404
    assert response.json()["error"] == "no draft 424242 in this organisation"
