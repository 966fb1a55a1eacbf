"""Every role against every action, through the JSON API and through the page forms: allowed
roles get past the role check (any answer but 401/403), the others get 403."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from fastapi.routing import APIRoute

from firewarden.review.common import CheckFn
from firewarden.review.removal import _DELETERS
from firewarden.store.tables import ROLES
from firewarden.web.security import PERMISSIONS

from .conftest import SECRET, Client, FakeClock, World, build_world, make_app, token_for

D = "{d}"
#: (method, path under /api/v1, action, JSON body)
API: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("POST", "/check", "check", {"text": "hello"}),
    ("GET", "/drafts", "read", None),
    ("POST", "/drafts", "write", {"text": "Hello there", "targets": ["{corp}"]}),
    ("GET", f"/drafts/{D}", "read", None),
    ("PATCH", f"/drafts/{D}", "write", {"text": "Hello again"}),
    ("GET", f"/drafts/{D}/versions", "read", None),
    ("GET", f"/drafts/{D}/publications", "read", None),
    ("POST", f"/drafts/{D}/submit", "write", None),
    ("POST", f"/drafts/{D}/approve", "review", {}),
    ("POST", f"/drafts/{D}/reject", "review", {"reason": "no"}),
    ("POST", f"/drafts/{D}/accept-finding", "accept_finding",
     {"rule_id": "x", "start": 0, "end": 1, "reason": "fine"}),
    ("POST", f"/drafts/{D}/comments", "comment", {"body": "hm"}),
    ("POST", f"/drafts/{D}/override", "override", {"reason": "fine"}),
    ("POST", f"/drafts/{D}/schedule", "schedule", {}),
    ("POST", f"/drafts/{D}/cancel", "schedule", None),
    ("POST", f"/drafts/{D}/withdraw", "schedule", {}),
    ("POST", f"/drafts/{D}/retry", "schedule", None),
    ("POST", f"/drafts/{D}/delete-published", "delete_published", {"reason": "gone"}),
    ("GET", "/accounts", "read", None),
    ("POST", "/accounts", "manage_accounts", {"platform": "dryrun", "handle": "@new"}),
    ("GET", "/users", "read", None),
    ("POST", "/users", "manage_users",
     {"email": "new@example.org", "password": "long enough pass", "roles": ["viewer"]}),
    ("GET", "/me", "read", None),
    ("PUT", "/me/perspective-tags", "profile", {"tags": ["age:40s"]}),
    ("GET", "/me/tokens", "profile", None),
    ("POST", "/me/tokens", "profile", {"name": "ci"}),
    ("DELETE", "/me/tokens/999999", "profile", None),
    ("GET", "/audit", "read", None),
    ("GET", "/guidelines", "read", None),
]  # fmt: skip

#: (method, page path, action, form fields)
PAGES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("GET", "/queue", "read", {}),
    ("GET", f"/drafts/{D}", "read", {}),
    ("GET", f"/drafts/{D}/versions", "read", {}),
    ("GET", "/calendar", "read", {}),
    ("GET", "/accounts", "read", {}),
    ("GET", "/users", "read", {}),
    ("GET", "/audit", "read", {}),
    ("GET", "/guidelines", "read", {}),
    ("GET", "/drafts/new", "write", {}),
    ("POST", "/drafts", "write", {"text": "Hello there", "targets": "{corp}"}),
    ("GET", f"/drafts/{D}/edit", "write", {}),
    ("POST", f"/drafts/{D}/edit", "write", {"text": "Edited", "targets": "{corp}"}),
    ("POST", f"/drafts/{D}/submit", "write", {}),
    ("POST", f"/drafts/{D}/approve", "review", {}),
    ("POST", f"/drafts/{D}/reject", "review", {"reason": "no"}),
    ("POST", f"/drafts/{D}/accept-finding", "accept_finding",
     {"rule_id": "x", "start": "0", "end": "1", "reason": "fine"}),
    ("POST", f"/drafts/{D}/comment", "comment", {"body": "hm"}),
    ("POST", f"/drafts/{D}/override", "override", {"reason": "fine"}),
    ("POST", f"/drafts/{D}/schedule", "schedule", {}),
    ("POST", f"/drafts/{D}/cancel", "schedule", {}),
    ("POST", f"/drafts/{D}/retry", "schedule", {}),
    ("POST", f"/drafts/{D}/withdraw", "schedule", {}),
    ("GET", f"/drafts/{D}/delete", "delete_published", {}),
    ("POST", f"/drafts/{D}/delete", "delete_published", {"reason": "gone"}),
    ("POST", "/accounts", "manage_accounts", {"platform": "dryrun", "handle": "@new"}),
    ("POST", "/users", "manage_users",
     {"email": "new@example.org", "password": "long enough pass", "roles": "viewer"}),
    ("POST", "/users/me/tags", "profile", {"tags": "age:40s"}),
    ("POST", "/users/me/tokens", "profile", {"name": "ci"}),
    ("POST", "/users/me/tokens/999999/revoke", "profile", {}),
]  # fmt: skip


class Matrix:
    def __init__(self, world: World, app: FastAPI, draft_id: int) -> None:
        self.world, self.app, self.draft_id = world, app, draft_id
        self.tokens = {role: token_for(world, role) for role in ROLES}

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("{d}", str(self.draft_id)).replace(
                "{corp}", str(self.world.accounts["corporate"])
            )
        if isinstance(value, list):
            return [int(self.fill(v)) if v == "{corp}" else self.fill(v) for v in value]
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        return value


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory, check_fn: CheckFn) -> Iterator[Matrix]:
    import os

    from firewarden.review import service
    from firewarden.store.engine import make_engine, session_factory

    os.environ.setdefault("FIREWARDEN_SECRET_KEY", SECRET)
    world = build_world(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'm.db'}", FakeClock())
    engine = make_engine(world.url)
    with session_factory(engine)() as s:
        draft = service.create_draft(
            s, org_id=world.org_a, author_id=world.users["author"], text="Matrix draft",
            targets=[world.accounts["corporate"]], now=world.clock(),
        )  # fmt: skip
        service.submit_for_review(
            s, org_id=world.org_a, draft_id=draft.id, user_id=world.users["author"],
            now=world.clock(), check=check_fn,
        )  # fmt: skip
        s.commit()
        draft_id = draft.id
    engine.dispose()
    app = make_app(world, check_fn)
    yield Matrix(world, app, draft_id)
    app.state.web.engine.dispose()


@pytest.fixture(scope="module")
def page_clients(matrix: Matrix) -> Iterator[dict[str, Client]]:
    with start_blocking_portal() as portal:
        clients = {}
        for role in ROLES:
            clients[role] = Client(portal, matrix.app, base_url="http://testserver")
            clients[role].login(role)
        yield clients
        for c in clients.values():
            c.close()


def _expect(role: str, action: str, status: int) -> None:
    if role in PERMISSIONS[action]:
        assert status not in (401, 403), f"{role} should be allowed to {action} (got {status})"
    else:
        assert status == 403, f"{role} must not {action} (got {status})"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "action", "body"), API, ids=[f"{m} {p}" for m, p, *_ in API]
)
def test_api_role_matrix(
    matrix: Matrix, page_clients: dict[str, Client], role: str, method: str, path: str,
    action: str, body: dict[str, Any] | None,
) -> None:  # fmt: skip
    client = page_clients[role]
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {matrix.tokens[role]}"}}
    if body is not None:
        kwargs["json"] = matrix.fill(body)
    response = client.request(method, "/api/v1" + matrix.fill(path), **kwargs)
    _expect(role, action, response.status_code)
    if response.status_code == 403:
        assert "You cannot" in response.json()["error"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "action", "data"), PAGES, ids=[f"{m} {p}" for m, p, *_ in PAGES]
)
def test_page_role_matrix(
    matrix: Matrix, page_clients: dict[str, Client], role: str, method: str, path: str,
    action: str, data: dict[str, Any],
) -> None:  # fmt: skip
    client = page_clients[role]
    url = matrix.fill(path)
    response = client.get(url) if method == "GET" else client.form(url, matrix.fill(data))
    _expect(role, action, response.status_code)


def _routes(app: FastAPI) -> list[APIRoute]:
    """The routes of the review, publishing and administration pages and of the API (the
    listening pages are tested beside their own code)."""
    import importlib

    routes = []
    for name in ("auth", "drafts", "review", "calendar", "accounts", "users", "audit",
                 "guidelines", "api"):  # fmt: skip
        router = importlib.import_module(f"firewarden.web.{name}").router
        prefix = "/api/v1" if name == "api" else ""
        for r in router.routes:
            assert isinstance(r, APIRoute)
            routes.append(APIRoute(prefix + r.path, r.endpoint, methods=sorted(r.methods)))
    return routes


def test_every_api_route_is_in_the_matrix(matrix: Matrix) -> None:
    covered = {(m, p) for m, p, *_ in API}
    routes = [r for r in _routes(matrix.app) if r.path.startswith("/api/v1/")]
    assert len(routes) >= len(API) - 1
    for route in routes:
        path = route.path.removeprefix("/api/v1").replace("{draft_id}", D)
        path = path.replace("{token_id}", "999999")
        for method in route.methods:
            assert (method, path) in covered, f"{method} {route.path} has no matrix entry"


def test_every_form_route_is_in_the_matrix(matrix: Matrix) -> None:
    covered = {(m, p) for m, p, *_ in PAGES}
    skip = {"/", "/login", "/logout", "/org"}
    routes = [r for r in _routes(matrix.app) if not r.path.startswith("/api/")]
    assert len(routes) >= len(PAGES)
    for route in routes:
        if route.path in skip:
            continue
        path = route.path.replace("{draft_id}", D).replace("{token_id}", "999999")
        for method in route.methods:
            assert (method, path) in covered, f"{method} {route.path} has no matrix entry"


def test_web_and_services_agree_on_who_deletes() -> None:
    assert PERMISSIONS["delete_published"] == _DELETERS
