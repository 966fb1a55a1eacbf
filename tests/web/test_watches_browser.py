"""The watch page in headless Chromium (the system's /usr/bin/chromium, never a download): the
chart is drawn with its alert markers, and a new alert arrives by polling without a reload.
Screenshots go to test-artifacts/screenshots/."""

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

from .conftest import PASSWORD, World, make_app
from .watch_seed import WIDTH, Seeded, mentions, seed

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


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


@pytest.fixture
def served(world: World, check_fn: CheckFn) -> Iterator[tuple[str, Seeded, Any]]:
    """The app on 127.0.0.1 in a thread (real clock), with the watch data seeded up to now."""
    import uvicorn

    sync_playwright = _need_chromium()
    world.clock.at = dt.datetime.now(dt.UTC)
    app = make_app(world, check_fn, clock=lambda: dt.datetime.now(dt.UTC))
    seeded = seed(app.state.web.engine, world.org_a, world.org_b, world.clock())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield f"http://127.0.0.1:{port}", seeded, (browser, app)
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)
    app.state.web.engine.dispose()


def _open(browser: Any, base: str, path: str, *, phone: bool = False) -> Any:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 1000}
    page = browser.new_context(viewport=size).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login?next={path}")
    page.get_by_label("E-mail").fill(World.email("viewer"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}{path}")
    return page


def _alert_pixels(page: Any, colour: tuple[int, int, int]) -> int:
    """How many pixels of the chart's canvas are the given level colour (the markers)."""
    return int(
        page.evaluate(
            """([r, g, b]) => {
              const c = document.querySelector('#watch-chart canvas');
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              const A = Math.abs;
              const near = (i) => A(d[i] - r) + A(d[i + 1] - g) + A(d[i + 2] - b);
              for (let i = 0; i < d.length; i += 4) if (near(i) < 16) n++;
              return n;
            }""",
            list(colour),
        )
    )


def test_watch_page_draws_chart_with_markers_and_goes_live(
    served: tuple[str, Seeded, Any],
) -> None:
    from firewarden.detect.types import AlertLevel, Decision, Explanation
    from firewarden.listen.alerts import record_alert
    from firewarden.listen.store import store_batch

    base, seeded, (browser, app) = served
    page = _open(browser, base, f"/watches/{seeded.watch_a}")
    page.wait_for_selector('#watch-chart[data-ready="true"] canvas')
    assert page.locator("#watch-chart .u-legend").count() == 1
    assert _alert_pixels(page, (0xA3, 0x0D, 0x0D)) > 50  # crisis marker and line
    assert _alert_pixels(page, (0x7A, 0x5C, 0x00)) > 50  # watch marker and line
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "watch.png"), full_page=True)

    # The stream goes on: a new alert appears in the list and is announced, without a reload.
    now = dt.datetime.now(dt.UTC)
    org_a = _org_of(app, seeded.watch_a)
    rows, counted = mentions(seeded.watch_a, now, 1, 9, negative=True, prefix="live")
    with app.state.web.engine.begin() as conn:
        store_batch(conn, rows, counted, WIDTH)
        e = Explanation("negative", "rise", 29, 1, now, AlertLevel.WARNING, 7.0)
        new_id = record_alert(
            conn,
            watch_id=seeded.watch_a,
            org_id=org_a,
            decision=Decision(now, AlertLevel.WARNING, 8, True, e),
            explanations=[e],
            evidence={},
        )
    page.wait_for_selector(f'tr[data-alert-id="{new_id}"]', timeout=20_000)
    assert re.search(r"New warning alert at .* UTC", page.inner_text("#alert-announcer"))

    phone = _open(browser, base, f"/watches/{seeded.watch_a}", phone=True)
    phone.wait_for_selector('#watch-chart[data-ready="true"] canvas')
    width = phone.evaluate("document.querySelector('#watch-chart canvas').clientWidth")
    assert 0 < width <= 390
    phone.screenshot(path=str(SHOTS / "watch-phone.png"), full_page=True)
    alert = _open(browser, base, f"/alerts/{seeded.crisis}")
    alert.screenshot(path=str(SHOTS / "alert.png"), full_page=True)


def _org_of(app: Any, watch_id: int) -> int | None:
    from firewarden.listen.tables import ListenWatch

    with app.state.web.sessions() as s:
        row = s.get(ListenWatch, watch_id)
        return None if row is None else row.org_id
