"""The real pages in headless Chromium (the system's /usr/bin/chromium, never a download):
compose with the live check, two reviewers with different perspectives, schedule with the
account guard, publish through the dry-run publisher, and the audit log; a reviewer cannot
approve their own draft; an edit makes an approval stale. Screenshots of the main pages go to
test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from firewarden.review.common import CheckFn

from .conftest import PASSWORD, World, dry_run, make_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A medium-risk draft (a phone number: the privacy rule is a pattern, not a model), so the
#: policy asks for two reviewers with different perspectives.
MEDIUM = "Call us at 090-1234-5678 to win a year of coffee!"


def _need_chromium() -> Any:
    problem = ""
    if not CHROMIUM.exists():
        problem = f"headless Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = problem or "the playwright package is not installed (pip install -e '.[dev]')"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem}; CI needs it")
        pytest.skip(problem)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Live:
    def __init__(self, base: str, world: World, app: Any) -> None:
        self.base, self.world, self.app = base, world, app

    def publish_due(self) -> None:
        """One round of the worker, a little after the undo window has passed."""
        from firewarden.review.service import publish_due
        from firewarden.store.engine import session_factory

        web = self.app.state.web
        with session_factory(web.engine)() as s:
            later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=web.undo_seconds + 5)
            publish_due(s, now=later, publisher_for=dry_run, check=web.check)


@pytest.fixture
def live(world: World, check_fn: CheckFn) -> Iterator[Live]:
    """The app served by uvicorn on 127.0.0.1 in a thread (real clock)."""
    import uvicorn

    _need_chromium()
    world.clock.at = dt.datetime.now(dt.UTC)
    app = make_app(world, check_fn, clock=lambda: dt.datetime.now(dt.UTC))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Live(f"http://127.0.0.1:{port}", world, app)
    server.should_exit = True
    thread.join(timeout=10)
    app.state.web.engine.dispose()


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_playwright = _need_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _signed_in(browser: Any, live: Live, key: str, *, phone: bool = False) -> Any:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    page = browser.new_context(viewport=size).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live.base}/login")
    page.get_by_label("E-mail").fill(World.email(key))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/queue.*"))
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _compose(page: Any, live: Live, text: str, *, shot: str = "") -> int:
    page.goto(f"{live.base}/drafts/new")
    page.get_by_label("@acme").check()
    page.get_by_label("Text", exact=True).fill(text)
    page.wait_for_function(
        "document.getElementById('check-status').textContent.startsWith('Check:')"
    )
    if shot:
        _shot(page, shot)
    page.get_by_role("button", name="Save and send for review").click()
    page.wait_for_url(re.compile(r".*/drafts/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _approve(browser: Any, live: Live, key: str, draft: int) -> Any:
    page = _signed_in(browser, live, key)
    page.goto(f"{live.base}/drafts/{draft}")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    return page


def test_compose_review_schedule_publish_audit(browser: Any, live: Live) -> None:
    author = _signed_in(browser, live, "author")
    _shot(author, "queue")
    draft = _compose(author, live, MEDIUM, shot="compose")
    compose_check = author.locator("h1").inner_text()
    assert f"Draft #{draft}" in compose_check
    body = author.locator("main").inner_text()
    assert "in review" in body and "@acme" in body and "CORPORATE" in body.upper()
    assert "090-1234-5678" in author.locator("mark").first.inner_text()
    _shot(author, "draft-in-review")

    first = _approve(browser, live, "reviewer", draft)
    text = first.locator("main").inner_text()
    assert "Still needed" in text and "different perspective" in text
    second = _approve(browser, live, "reviewer2", draft)
    assert "The approval policy is satisfied" in second.locator("main").inner_text()

    author.goto(f"{live.base}/drafts/{draft}")
    author.get_by_label("Type the company handle").fill("@acme")
    author.get_by_role("button", name=re.compile("^Schedule")).click()
    author.wait_for_load_state()
    assert "left to cancel" in author.locator("main").inner_text()
    assert author.get_by_role("button", name="Cancel sending").is_visible()
    _shot(author, "scheduled-undo-window")

    live.publish_due()
    author.goto(f"{live.base}/drafts/{draft}")
    assert "published" in author.locator("h1").inner_text()
    assert author.locator("a[href*='dry-run.invalid']").count() == 1
    _shot(author, "draft-published")
    author.goto(f"{live.base}/audit")
    audit = author.locator("main").inner_text()
    assert "publish.sent" in audit and "draft.approve" in audit
    _shot(author, "audit-log")
    for path, name in (("/calendar", "calendar"), ("/users", "users"), ("/accounts", "accounts"),
                       ("/guidelines", "guidelines")):  # fmt: skip
        author.goto(f"{live.base}{path}")
        _shot(author, name)


def test_reviewer_cannot_approve_own_draft(browser: Any, live: Live) -> None:
    admin = _signed_in(browser, live, "admin")
    _compose(admin, live, "Thank you all for a wonderful year.")
    assert "You wrote this draft, so you cannot approve it." in admin.locator("main").inner_text()
    assert admin.get_by_role("button", name="Approve").count() == 0


def test_an_edit_makes_the_approval_stale(browser: Any, live: Live) -> None:
    author = _signed_in(browser, live, "author")
    draft = _compose(author, live, "Our winter menu starts on Monday.")
    _approve(browser, live, "reviewer", draft)
    author.goto(f"{live.base}/drafts/{draft}")
    assert "approved" in author.locator("h1").inner_text()
    author.get_by_role("link", name="Edit (new version)").click()
    author.get_by_label("Text", exact=True).fill("Our winter menu starts on Tuesday.")
    author.get_by_role("button", name="Save new version").click()
    author.wait_for_url(re.compile(rf".*/drafts/{draft}$"))
    assert "in review" in author.locator("h1").inner_text()
    assert "Earlier decisions" in author.locator("main").inner_text()
    author.get_by_role("link", name="what changed from 1").click()
    assert author.locator(".preview ins").first.inner_text().endswith("Tuesday")
    _shot(author, "versions-diff")


def test_compose_on_a_phone_sized_screen(browser: Any, live: Live) -> None:
    author = _signed_in(browser, live, "author", phone=True)
    author.goto(f"{live.base}/drafts/new")
    author.get_by_label("@dana_home").check()
    assert "PERSONAL" in author.locator("#posting-as").inner_text().upper()
    author.get_by_label("Text", exact=True).fill("ugh my boss is such an idiot lol")
    author.wait_for_function(
        "document.getElementById('check-status').textContent.startsWith('Check:')"
    )
    width = author.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the compose page scrolls sideways on a phone"
    _shot(author, "compose-phone")
