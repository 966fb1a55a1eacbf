"""A smoke run of the web app on PostgreSQL (skipped when the server is unreachable, except
under CI=true)."""

from __future__ import annotations

import pytest
from anyio.from_thread import start_blocking_portal

from firewarden.review.common import CheckFn

from .conftest import SECRET, Client, FakeClock, build_world, make_app, token_for


@pytest.mark.postgres
def test_flow_on_postgresql(
    pg_db_url: str, check_fn: CheckFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", SECRET)
    world = build_world(pg_db_url, FakeClock())
    app = make_app(world, check_fn)
    try:
        with start_blocking_portal() as portal:
            client = Client(portal, app, base_url="http://testserver")
            author = {"Authorization": f"Bearer {token_for(world, 'author')}"}
            made = client.request(
                "POST", "/api/v1/drafts", headers=author,
                json={"text": "Hello from PostgreSQL", "targets": [world.accounts["corporate"]],
                      "submit": True},
            )  # fmt: skip
            assert made.status_code == 201, made.text
            client.login("reviewer")
            page = client.get(f"/drafts/{made.json()['id']}")
            assert page.status_code == 200 and "Hello from PostgreSQL" in page.text
            client.form(f"/drafts/{made.json()['id']}/approve")
            assert "approved" in client.get(f"/drafts/{made.json()['id']}").text
            assert client.get("/queue?tab=all").status_code == 200
            assert client.get("/calendar").status_code == 200
            assert client.get("/audit").status_code == 200
            client.close()
    finally:
        app.state.web.engine.dispose()
