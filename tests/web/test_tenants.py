"""Tenant isolation: a person of organisation B never sees or touches organisation A's data."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Client, World, token_for


def _a_draft(client: Client, world: World) -> int:
    token = token_for(world, "author")
    made = client.request(
        "POST", "/api/v1/drafts", headers={"Authorization": f"Bearer {token}"},
        json={"text": "Secret launch plan for Acme", "targets": [world.accounts["corporate"]],
              "submit": True},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_pages_of_another_organisation(client_for: Callable[..., Client], world: World) -> None:
    draft = _a_draft(client_for(), world)
    other = client_for("admin_b")
    assert other.get(f"/drafts/{draft}").status_code == 404
    assert other.get(f"/drafts/{draft}/versions").status_code == 404
    for url in ("/queue?tab=all", "/calendar?month=2026-11", "/audit", "/accounts", "/users"):
        page = other.get(url).text
        assert "Secret launch plan" not in page and "@acme" not in page, url
        assert "author@example.org" not in page, url
    other.form(f"/drafts/{draft}/approve")
    other.form(f"/drafts/{draft}/withdraw")
    mine = client_for("author").get(f"/drafts/{draft}").text
    assert "in review" in mine and "B Admin" not in mine


def test_api_of_another_organisation(client_for: Callable[..., Client], world: World) -> None:
    client = client_for()
    draft = _a_draft(client, world)
    b = {"Authorization": f"Bearer {token_for(world, 'admin_b', world.org_b)}"}
    for method, url, body in (
        ("GET", f"/drafts/{draft}", None),
        ("GET", f"/drafts/{draft}/versions", None),
        ("GET", f"/drafts/{draft}/publications", None),
        ("PATCH", f"/drafts/{draft}", {"text": "hijacked"}),
        ("POST", f"/drafts/{draft}/approve", {}),
        ("POST", f"/drafts/{draft}/withdraw", {}),
    ):
        response = client.request(method, f"/api/v1{url}", headers=b, json=body)
        assert response.status_code == 404, (method, url, response.text)
    listing = client.request("GET", "/api/v1/drafts", headers=b).json()
    assert listing["total"] == 0
    audit = client.request("GET", "/api/v1/audit", headers=b).json()
    assert all(str(draft) not in e["subject"] for e in audit["items"])
    # Organisation A's account cannot be used as a target from organisation B.
    made = client.request(
        "POST", "/api/v1/drafts", headers=b,
        json={"text": "post as Acme", "targets": [world.accounts["corporate"]]},
    )  # fmt: skip
    assert made.status_code == 409 and "unknown target account" in made.json()["error"]


def test_a_token_works_only_in_its_organisation(
    client_for: Callable[..., Client], world: World
) -> None:
    client = client_for()
    token = token_for(world, "admin_b", world.org_b)
    me = client.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["organisation"] == "Other Co"
    # A person who is not a member of an organisation gets no token for it.
    import pytest

    from firewarden.errors import InputError

    with pytest.raises(InputError):
        token_for(world, "admin_b", world.org_a)


def test_switching_between_ones_own_organisations(
    client_for: Callable[..., Client], world: World
) -> None:
    from firewarden.accounts.service import add_member
    from firewarden.store.engine import make_engine, session_factory

    engine = make_engine(world.url)
    with session_factory(engine)() as s:
        add_member(
            s, org_id=world.org_b, user_id=world.users["viewer"], roles=["viewer"], actor="t",
            now=world.clock(),
        )  # fmt: skip
        s.commit()
    engine.dispose()
    viewer = client_for("viewer")
    page = viewer.get("/accounts").text
    assert "Other Co" in page and "@acme" in page
    viewer.form("/org", {"org_id": str(world.org_b)})
    page = viewer.get("/accounts").text
    assert "@otherco" in page and "@acme" not in page
    admin_b = client_for("admin_b")
    assert 'action="/org"' not in admin_b.get("/queue").text  # one organisation: no switcher
    admin_b.form("/org", {"org_id": str(world.org_a)})
    assert "You are not a member of that organisation." in admin_b.get("/queue").text
