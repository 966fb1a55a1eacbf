"""Configuring watches and alert status from the pages and the JSON API: forms with CSRF, a
mistake keeps the input and names the field, who may do what, tenant isolation, audit."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select

from firewarden.store.tables import ROLES, AuditEntry
from firewarden.web.security import PERMISSIONS

from .conftest import Client, World, token_for
from .watch_seed import Seeded, seed

Clients = Callable[..., Client]
ACME_FORM = {
    "name": "Acme launch",
    "keywords": "Acme\nアクメ",
    "handles": "@acme",
    "own_posts": "",
    "products": "Acme Latte",
    "exclude": "Acme band",
    "languages": "en, ja",
}


@pytest.fixture
def seeded(world: World) -> Iterator[Seeded]:
    from firewarden.store.engine import make_engine

    engine = make_engine(world.url)
    yield seed(engine, world.org_a, world.org_b, world.clock())
    engine.dispose()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def audit_actions(world: World) -> list[tuple[str, str, int | None]]:
    from firewarden.store.engine import make_engine, session_factory

    engine = make_engine(world.url)
    with session_factory(engine)() as s:
        rows = s.execute(select(AuditEntry.action, AuditEntry.subject, AuditEntry.org_id)).all()
    engine.dispose()
    return [(str(a), str(b), c) for a, b, c in rows]


# -- forms -------------------------------------------------------------------------------------


def test_create_edit_remove_through_the_forms(client_for: Clients, world: World) -> None:
    admin = client_for("admin")
    form = admin.get("/watches/new")
    assert form.status_code == 200
    assert '<label for="keywords">' in form.text and 'name="csrf_token"' in form.text
    made = admin.form("/watches/new", ACME_FORM)
    assert made.status_code == 303
    url = made.headers["location"]
    watch_id = int(url.rsplit("/", 1)[1])
    page = admin.get(url)
    assert "Acme launch" in page.text and "added" in text_of(page.text)
    assert f'href="/watches/{watch_id}/edit"' in page.text

    edit = admin.get(f"/watches/{watch_id}/edit")
    assert "アクメ" in edit.text and 'value="Acme launch"' in edit.text
    assert 'id="enabled" name="enabled" checked' in edit.text
    saved = admin.form(f"/watches/{watch_id}/edit", {**ACME_FORM, "name": "Acme renamed"})
    assert saved.status_code == 303
    listed = admin.api("GET", "/watches").json()["watches"]
    mine = next(w for w in listed if w["id"] == watch_id)
    assert mine["name"] == "Acme renamed" and mine["enabled"] is False  # box left clear
    assert mine["keywords"] == ["Acme", "アクメ"] and mine["origin"] == "web"

    ask = admin.form(f"/watches/{watch_id}/remove")
    assert ask.status_code == 200 and "Remove the watch" in ask.text  # asks first
    assert admin.get(f"/watches/{watch_id}").status_code == 200
    gone = admin.form(f"/watches/{watch_id}/remove", {"confirm": "yes"})
    assert gone.status_code == 303 and gone.headers["location"] == "/watches"
    assert admin.get(f"/watches/{watch_id}").status_code == 404
    actions = [a for a, s, _ in audit_actions(world) if s == f"watch:{watch_id}"]
    assert actions == ["watch.added", "watch.changed", "watch.removed"]


def test_forms_need_the_csrf_token(client_for: Clients) -> None:
    admin = client_for("admin")
    admin.get("/watches/new")
    refused = admin.post("/watches/new", data=ACME_FORM)
    assert refused.status_code == 403
    assert all(w["name"] != "Acme launch" for w in admin.api("GET", "/watches").json()["watches"])


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"name": "  "}, "name", "needs a name"),
        ({"keywords": "", "handles": "", "products": ""}, "keywords", "nothing to listen for"),
        ({"languages": "en, Japanese"}, "languages", "is not a language code"),
        ({"name": "A" * 201}, "name", "at most 200 characters"),
        ({"handles": "@acme jp"}, "handles", "has a space in it"),
        ({"exclude": "Acme"}, "exclude", "is part of"),
    ],
)
def test_a_mistake_keeps_the_input_and_names_the_field(
    client_for: Clients, change: dict[str, str], field: str, words: str
) -> None:
    admin = client_for("admin")
    admin.get("/watches/new")
    page = admin.form("/watches/new", {**ACME_FORM, **change})
    assert page.status_code == 400
    assert f'id="{field}-error" class="field-error"' in page.text and words in page.text
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page.text)
    # Everything typed is still there.
    kept = [value for key, value in ACME_FORM.items() if key not in change and value]
    assert len(kept) >= 3 and all(value in page.text for value in kept)


def test_a_duplicate_name_points_at_the_name(client_for: Clients, seeded: Seeded) -> None:
    admin = client_for("admin")
    admin.get("/watches/new")
    page = admin.form("/watches/new", {**ACME_FORM, "name": "Acme"})
    assert page.status_code == 400 and 'id="name-error"' in page.text
    assert "already exists" in page.text


# -- who may ---------------------------------------------------------------------------------


def _form_action(client: Client, action: str, seeded: Seeded) -> int:
    w, a = seeded.watch_a, seeded.crisis
    calls: dict[str, Callable[[], Any]] = {
        "new_page": lambda: client.get("/watches/new"),
        "new": lambda: client.form("/watches/new", ACME_FORM),
        "edit_page": lambda: client.get(f"/watches/{w}/edit"),
        "edit": lambda: client.form(f"/watches/{w}/edit", {**ACME_FORM, "name": "Acme"}),
        "remove_page": lambda: client.get(f"/watches/{w}/remove"),
        "remove": lambda: client.form(f"/watches/{w}/remove"),  # the asking step only
        "status": lambda: client.form(f"/alerts/{a}/status", {"status": "acknowledged"}),
    }
    return int(calls[action]().status_code)


FORM_ACTIONS = ["new_page", "new", "edit_page", "edit", "remove_page", "remove", "status"]


@pytest.mark.parametrize("role", ROLES)
def test_page_role_matrix(client_for: Clients, seeded: Seeded, role: str) -> None:
    client = client_for(role)
    for action in FORM_ACTIONS:
        permission = "alert_status" if action == "status" else "manage_watches"
        status = _form_action(client, action, seeded)
        if role in PERMISSIONS[permission]:
            assert status not in (401, 403), f"{role} should be allowed: {action} ({status})"
        else:
            assert status == 403, f"{role} must not: {action} ({status})"


def test_who_may_change_watches_and_alerts() -> None:
    assert PERMISSIONS["manage_watches"] == {"admin"}
    assert PERMISSIONS["alert_status"] == {"reviewer", "legal", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix(client_for: Clients, world: World, seeded: Seeded, role: str) -> None:
    client = client_for()
    auth = {"Authorization": f"Bearer {token_for(world, role)}"}
    w, a = seeded.watch_a, seeded.crisis
    calls: list[tuple[str, str, str, dict[str, Any] | None]] = [
        ("POST", "/api/v1/watches", "manage_watches", {"name": f"N {role}", "keywords": ["n"]}),
        ("PUT", f"/api/v1/watches/{w}", "manage_watches", {"name": "Acme", "keywords": ["Acme"]}),
        ("POST", f"/api/v1/alerts/{a}/status", "alert_status", {"status": "acknowledged"}),
        ("DELETE", f"/api/v1/watches/{w}", "manage_watches", None),
    ]
    for method, url, permission, body in calls:
        response = client.request(method, url, headers=auth, json=body)
        if role in PERMISSIONS[permission]:
            assert response.status_code in (200, 201), (role, url, response.text)
        else:
            assert response.status_code == 403, (role, url, response.status_code)
            assert "You cannot" in response.json()["error"]


# -- tenant isolation --------------------------------------------------------------------------


def test_another_organisations_watch_and_alert_are_not_found(
    client_for: Clients, world: World, seeded: Seeded
) -> None:
    admin = client_for("admin")
    b, alert_b = seeded.watch_b, seeded.alert_b
    admin.get("/watches")
    for url in (f"/watches/{b}/edit", f"/watches/{b}/remove"):
        assert admin.get(url).status_code == 404
    assert admin.form(f"/watches/{b}/edit", {**ACME_FORM, "name": "Taken"}).status_code == 404
    assert admin.form(f"/watches/{b}/remove", {"confirm": "yes"}).status_code == 404
    assert admin.form(f"/alerts/{alert_b}/status", {"status": "closed"}).status_code == 404
    auth = {"Authorization": f"Bearer {token_for(world, 'admin')}"}
    body = {"name": "Taken", "keywords": ["x"]}
    assert admin.request("PUT", f"/api/v1/watches/{b}", headers=auth, json=body).status_code == 404
    assert admin.request("DELETE", f"/api/v1/watches/{b}", headers=auth).status_code == 404
    answer = admin.request(
        "POST", f"/api/v1/alerts/{alert_b}/status", headers=auth, json={"status": "closed"}
    )
    assert answer.status_code == 404
    # Organisation B still has its watch, unchanged, and its alert is still open.
    other = client_for("admin_b")
    assert "Zephyr" in other.get(f"/watches/{b}").text
    assert "status: <strong>open</strong>" in other.get(f"/alerts/{alert_b}").text
    # The same name may exist in both organisations.
    assert admin.form("/watches/new", {**ACME_FORM, "name": "Zephyr"}).status_code == 303


# -- API ---------------------------------------------------------------------------------------


def watch_revision(world: World) -> int:
    """The counter a running listener polls to notice watch edits."""
    from firewarden.listen.watch_service import watch_revision as read
    from firewarden.store.engine import make_engine

    engine = make_engine(world.url)
    with engine.connect() as conn:
        found = read(conn)
    engine.dispose()
    return found


def test_api_create_update_delete(client_for: Clients, world: World) -> None:
    client = client_for()
    auth = {"Authorization": f"Bearer {token_for(world, 'admin')}"}
    body = {"name": "Acme", "keywords": [["Acme", "アクメ"]], "handles": ["@acme"]}
    start = watch_revision(world)
    made = client.request("POST", "/api/v1/watches", headers=auth, json=body)
    assert made.status_code == 201
    assert watch_revision(world) == start + 1  # a running listener will reload
    watch = made.json()
    assert watch["keywords"] == ["Acme", "アクメ"] and watch["enabled"] is True
    wid = watch["id"]
    again = client.request("POST", "/api/v1/watches", headers=auth, json=body)
    assert again.status_code == 400 and again.json()["where"] == "name"
    empty = client.request("POST", "/api/v1/watches", headers=auth, json={"name": "E"})
    assert empty.status_code == 400 and empty.json()["where"] == "keywords"
    odd = client.request("POST", "/api/v1/watches", headers=auth, json={**body, "colour": "red"})
    assert odd.status_code == 400 and "colour" in odd.json()["error"]
    assert watch_revision(world) == start + 1  # refused changes leave it alone
    put = client.request(
        "PUT", f"/api/v1/watches/{wid}", headers=auth,
        json={"name": "Acme", "keywords": ["Acme"], "enabled": False},
    )  # fmt: skip
    assert put.status_code == 200 and put.json()["enabled"] is False
    assert put.json()["keywords"] == ["Acme"]
    gone = client.request("DELETE", f"/api/v1/watches/{wid}", headers=auth)
    assert gone.status_code == 200 and gone.json() == {"removed": wid, "name": "Acme"}
    assert watch_revision(world) == start + 3
    assert client.request("DELETE", f"/api/v1/watches/{wid}", headers=auth).status_code == 404


def test_api_from_the_browser_needs_the_csrf_header(client_for: Clients) -> None:
    admin = client_for("admin")
    body = {"name": "Acme", "keywords": ["Acme"]}
    bare = admin.request("POST", "/api/v1/watches", json=body)
    assert bare.status_code == 403
    assert admin.api("POST", "/watches", json=body).status_code == 201


# -- alert status ------------------------------------------------------------------------------


def test_alert_status_buttons_and_changes(
    client_for: Clients, world: World, seeded: Seeded
) -> None:
    reviewer = client_for("reviewer")
    url = f"/alerts/{seeded.crisis}"
    page = reviewer.get(url)
    assert f'action="{url}/status"' in page.text
    assert ">Acknowledge</button>" in page.text and ">Close</button>" in page.text
    assert ">Reopen</button>" not in page.text
    done = reviewer.form(f"{url}/status", {"status": "acknowledged"})
    assert done.status_code == 303 and done.headers["location"] == url
    page = reviewer.get(url)
    assert "status: <strong>acknowledged</strong>" in page.text and "acknowledged:" in page.text
    assert ">Reopen</button>" in page.text and ">Acknowledge</button>" not in page.text
    reviewer.form(f"{url}/status", {"status": "closed"})
    page = reviewer.get(url)
    assert "status: <strong>closed</strong>" in page.text
    assert ">Reopen</button>" in page.text and ">Close</button>" not in page.text
    bad = reviewer.form(f"{url}/status", {"status": "snoozed"})
    assert bad.status_code == 303
    assert "unknown alert status" in reviewer.get(url).text
    # A viewer reads the status but sees no buttons.
    assert ">Reopen</button>" not in client_for("viewer").get(url).text
    # The API: reopen, then a wrong status names the field.
    auth = {"Authorization": f"Bearer {token_for(world, 'legal')}"}
    api = client_for()
    ok = api.request("POST", f"/api/v1{url}/status", headers=auth, json={"status": "open"})
    assert ok.status_code == 200 and ok.json() == {"id": seeded.crisis, "status": "open"}
    no = api.request("POST", f"/api/v1{url}/status", headers=auth, json={"status": "x"})
    assert no.status_code == 400 and no.json()["where"] == "status"
    statuses = [a for a, s, org in audit_actions(world) if s == f"alert:{seeded.crisis}"]
    assert statuses == ["alert.status"] * 3


def test_links_only_for_those_who_may(client_for: Clients, seeded: Seeded) -> None:
    admin = client_for("admin").get("/watches").text
    assert 'href="/watches/new"' in admin
    author = client_for("author")
    assert 'href="/watches/new"' not in author.get("/watches").text
    assert "/edit" not in author.get(f"/watches/{seeded.watch_a}").text
