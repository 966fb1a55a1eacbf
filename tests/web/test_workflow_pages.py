"""The review flow through the pages: compose, review, the account guard, the undo window,
publishing, deleting with evidence, versions and the audit log."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI

from firewarden.store.engine import session_factory

from .conftest import Client, World, dry_run

WRONG_ACCOUNT = "ugh my boss is such an idiot, can't wait for friday drinks lol"


def _draft_id(response: object) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    found = re.fullmatch(r"/drafts/(\d+)", location)
    assert found, location
    return int(found.group(1))


def _compose(client: Client, world: World, text: str, *targets: str, submit: bool = True) -> int:
    client.get("/drafts/new")
    response = client.form(
        "/drafts",
        {
            "text": text,
            "targets": [str(world.accounts[t]) for t in targets or ("corporate",)],
            "submit": "review" if submit else "save",
        },
    )
    assert response.status_code == 303, response.text
    return _draft_id(response)


def _flash(page: str) -> list[str]:
    return re.findall(r'<p class="flash (?:ok|error)">([^<]*)', page)


def _publish(app: FastAPI, world: World) -> None:
    from firewarden.review.service import publish_due

    web = app.state.web
    with session_factory(web.engine)() as s:
        publish_due(s, now=world.clock.advance(minutes=2), publisher_for=dry_run, check=web.check)


def test_compose_submit_approve_schedule_publish(
    client_for: Callable[..., Client], world: World, app: FastAPI
) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Our new store opens in Sapporo on Friday.")
    page = author.get(f"/drafts/{draft}").text
    assert "in review" in page and "@acme" in page and "corporate" in page
    assert "You wrote this draft, so you cannot approve it." not in page  # authors see no form
    reviewer = client_for("reviewer")
    page = reviewer.get(f"/drafts/{draft}").text
    assert f'action="/drafts/{draft}/approve"' in page
    reviewer.form(f"/drafts/{draft}/approve")
    page = reviewer.get(f"/drafts/{draft}").text
    assert "approved" in page and "The approval policy is satisfied" in page
    # Acme has personal and corporate accounts: scheduling asks for the handle.
    assert "Type the company handle" in page
    refused = author.form(f"/drafts/{draft}/schedule", {"confirm_handle": "@dana_home"})
    assert refused.status_code == 303
    page = author.get(f"/drafts/{draft}").text
    assert "type the handle @acme" in page and "approved" in page
    author.form(f"/drafts/{draft}/schedule", {"confirm_handle": "ACME"})
    page = author.get(f"/drafts/{draft}").text
    assert "Undo window" in page and "60 s left to cancel" in page
    assert "Cancel sending" in page
    _publish(app, world)
    page = author.get(f"/drafts/{draft}").text
    assert f'Draft #{draft}: <span class="state">published</span>' in page
    assert "dry-run.invalid" in page
    audit = author.get("/audit").text
    assert "publish.sent" in audit and "draft.approve" in audit


def test_cancel_inside_the_undo_window(
    client_for: Callable[..., Client], world: World, app: FastAPI
) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Coffee tasting tomorrow at ten.")
    client_for("reviewer").form(f"/drafts/{draft}/approve")
    author.form(f"/drafts/{draft}/schedule", {"confirm_handle": "@acme"})
    author.form(f"/drafts/{draft}/cancel")
    page = author.get(f"/drafts/{draft}").text
    assert "Cancelled: nothing was sent" in page and "approved" in page
    _publish(app, world)
    assert "published" not in author.get(f"/drafts/{draft}").text.split("<h1>")[1][:80]


def test_reviewer_cannot_approve_own_draft(client_for: Callable[..., Client], world: World) -> None:
    admin = client_for("admin")  # admins write and review
    draft = _compose(admin, world, "Thanks for a great year, everyone.")
    page = admin.get(f"/drafts/{draft}").text
    assert "You wrote this draft, so you cannot approve it." in page
    admin.form(f"/drafts/{draft}/approve")
    page = admin.get(f"/drafts/{draft}").text
    assert "authors cannot approve their own drafts" in page
    assert "in review" in page


def test_edit_invalidates_an_approval(client_for: Callable[..., Client], world: World) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Our winter menu starts on Monday.")
    reviewer = client_for("reviewer")
    reviewer.form(f"/drafts/{draft}/approve")
    assert "approved" in author.get(f"/drafts/{draft}").text
    author.form(
        f"/drafts/{draft}/edit",
        {"text": "Our winter menu starts on Tuesday.", "targets": str(world.accounts["corporate"])},
    )
    page = reviewer.get(f"/drafts/{draft}").text
    assert "in review" in page and "Earlier decisions (no longer count" in page
    assert f'action="/drafts/{draft}/approve"' in page
    diff = author.get(f"/drafts/{draft}/versions?a=1&b=2").text
    assert '<del><span class="sr-only">removed: </span>Monday</del>' in diff
    assert '<ins><span class="sr-only">added: </span>Tuesday</ins>' in diff


def test_wrong_account_finding_needs_the_checkbox(
    client_for: Callable[..., Client], world: World
) -> None:
    author = client_for("author")
    draft = _compose(
        author, world, "ugh my boss is such an idiot, can't wait for friday drinks lol"
    )
    reviewer = client_for("reviewer")
    page = reviewer.get(f"/drafts/{draft}").text
    assert "I confirm the target accounts" in page and "required" in page
    reviewer.form(f"/drafts/{draft}/approve")
    page = reviewer.get(f"/drafts/{draft}").text
    assert "tick" in page and "I confirm the target accounts" in page
    assert "<li>approve by" not in page


def test_accepted_finding_is_shown_to_later_reviewers(
    client_for: Callable[..., Client], world: World
) -> None:
    author = client_for("author")
    draft = _compose(
        author, world, "ugh my boss is such an idiot, can't wait for friday drinks lol"
    )
    reviewer = client_for("reviewer")
    page = reviewer.get(f"/drafts/{draft}").text
    rule = re.search(r'name="rule_id" value="([^"]+)"', page)
    start = re.search(r'name="start" value="(\d+)"', page)
    end = re.search(r'name="end" value="(\d+)"', page)
    assert rule and start and end
    reviewer.form(
        f"/drafts/{draft}/accept-finding",
        {"rule_id": rule.group(1), "start": start.group(1), "end": end.group(1),
         "reason": "quoting a customer on purpose"},
    )  # fmt: skip
    later = client_for("legal").get(f"/drafts/{draft}").text
    assert "Findings accepted on purpose" in later and "quoting a customer on purpose" in later


def test_reject_needs_a_reason_and_is_shown(
    client_for: Callable[..., Client], world: World
) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Big savings all weekend.")
    reviewer = client_for("reviewer2")
    reviewer.form(f"/drafts/{draft}/reject", {"reason": " "})
    assert "a rejection needs a reason" in reviewer.get(f"/drafts/{draft}").text
    reviewer.form(f"/drafts/{draft}/reject", {"reason": "say which stores"})
    page = author.get(f"/drafts/{draft}").text
    assert "rejected" in page and "say which stores" in page


def test_delete_published_saves_evidence_and_proposes_follow_up(
    client_for: Callable[..., Client], world: World, app: FastAPI
) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Our new blend is out today.")
    client_for("reviewer").form(f"/drafts/{draft}/approve")
    author.form(f"/drafts/{draft}/schedule", {"confirm_handle": "@acme"})
    _publish(app, world)
    legal = client_for("legal")
    form = legal.get(f"/drafts/{draft}/delete").text
    assert "evidence snapshot" in form and "required" in form
    legal.form(f"/drafts/{draft}/delete", {"reason": ""})
    assert "needs a reason" in legal.get(f"/drafts/{draft}/delete").text
    done = legal.form(f"/drafts/{draft}/delete", {"reason": "wrong launch date"})
    assert done.status_code == 200
    assert "Evidence saved" in done.text and "Proposed follow-up post" in done.text
    assert "We have removed a post" in done.text
    audit = legal.get("/audit").text
    assert "post.evidence_saved" in audit and "post.deleted" in audit


def test_every_page_renders_for_a_viewer(client_for: Callable[..., Client], world: World) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Hello from the calendar.")
    viewer = client_for("viewer")
    for url in ("/queue?tab=all", f"/drafts/{draft}", "/calendar", "/accounts", "/users",
                "/audit", "/guidelines", f"/drafts/{draft}/versions"):  # fmt: skip
        response = viewer.get(url)
        assert response.status_code == 200, url
        assert '<main id="main"' in response.text and 'lang="en"' in response.text
    assert "Compose" not in viewer.get("/queue").text.split("<main")[0]


def test_calendar_lists_scheduled_posts(client_for: Callable[..., Client], world: World) -> None:
    author = client_for("author")
    author.get("/drafts/new")
    response = author.form(
        "/drafts",
        {"text": "Year-end sale starts soon.", "targets": str(world.accounts["corporate"]),
         "scheduled_at": "2026-11-30T10:00", "submit": "review"},
    )  # fmt: skip
    draft = _draft_id(response)
    page = author.get("/calendar?month=2026-11").text
    assert f"/drafts/{draft}" in page and "Monday 30 November" in page
    assert f"/drafts/{draft}" not in author.get("/calendar?month=2026-12").text
    assert "cannot read the month" in author.get("/calendar?month=soon").text


def test_compose_errors_keep_the_text(client_for: Callable[..., Client], world: World) -> None:
    author = client_for("author")
    author.get("/drafts/new")
    response = author.form("/drafts", {"text": "No account chosen here", "submit": "review"})
    assert response.status_code == 400
    assert "No account chosen here" in response.text
    assert "no target account" in response.text or "choose at least one account" in response.text


def test_tokens_are_created_once_and_revoked(
    client_for: Callable[..., Client], world: World
) -> None:
    viewer = client_for("viewer")
    page = viewer.form("/users/me/tokens", {"name": "report bot"}).text
    token = re.search(r'<p class="token" id="new-token">([^<]+)</p>', page)
    assert token
    api = viewer.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert api.status_code == 200 and api.json()["roles"] == ["viewer"]
    assert token.group(1) not in viewer.get("/users").text
    token_id = re.search(r"/users/me/tokens/(\d+)/revoke", viewer.get("/users").text)
    assert token_id
    viewer.form(f"/users/me/tokens/{token_id.group(1)}/revoke")
    gone = viewer.request(
        "GET", "/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"}
    )
    assert gone.status_code == 401


def test_audit_trail_names_people_not_ids(client_for: Callable[..., Client], world: World) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Our new store opens in Sapporo on Friday.")
    trail = author.get(f"/drafts/{draft}").text.split('id="trail-heading"', 1)[1]
    assert "Author draft.created" in trail
    assert f"user:{world.users['author']}" not in trail


def test_an_empty_comment_is_reported_as_an_error(
    client_for: Callable[..., Client], world: World
) -> None:
    author = client_for("author")
    draft = _compose(author, world, "Our new store opens in Sapporo on Friday.")
    author.get(f"/drafts/{draft}")
    response = author.form(f"/drafts/{draft}/comment", {"body": "   "})
    assert response.status_code == 303
    page = author.get(f"/drafts/{draft}").text
    assert 'class="flash error"' in page and "comment is empty" in page
