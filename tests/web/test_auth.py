"""Signing in and out: sessions, cookie flags, CSRF on the sign-in form, the rate limit."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Client, World


def test_pages_need_sign_in(client_for: Callable[..., Client]) -> None:
    client = client_for()
    response = client.get("/drafts/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/drafts/new"


def test_sign_in_sets_a_strict_session_cookie(client_for: Callable[..., Client]) -> None:
    client = client_for()
    client.get("/login")
    response = client.form(
        "/login",
        {"email": World.email("author"), "password": "correct horse battery", "next": "/calendar"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/calendar"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = client.get("/queue")
    assert page.status_code == 200 and "Author" in page.text


def test_secure_cookie_when_configured(world: World, check_fn: object, portal: object) -> None:
    from .conftest import make_app

    app = make_app(world, check_fn, cookie_secure=True)  # type: ignore[arg-type]
    client = Client(portal, app, base_url="https://testserver")  # type: ignore[arg-type]
    client.get("/login")
    response = client.form(
        "/login", {"email": World.email("author"), "password": "correct horse battery"}
    )
    assert "secure" in response.headers["set-cookie"].lower()
    client.close()


def test_wrong_password_is_one_clear_message(client_for: Callable[..., Client]) -> None:
    client = client_for()
    client.get("/login")
    wrong = client.form("/login", {"email": World.email("author"), "password": "nope"})
    unknown = client.form("/login", {"email": "nobody@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.text and "Wrong e-mail or password." in unknown.text


def test_sign_in_without_csrf_token_is_refused(client_for: Callable[..., Client]) -> None:
    client = client_for()
    response = client.post(
        "/login", data={"email": World.email("author"), "password": "correct horse battery"}
    )
    assert response.status_code == 403 and "expired" in response.text


def test_five_failures_lock_that_account_from_that_address(
    client_for: Callable[..., Client], world: World
) -> None:
    client = client_for()
    client.get("/login")
    for _ in range(5):
        assert (
            client.form("/login", {"email": World.email("author"), "password": "x"}).status_code
            == 401
        )
    locked = client.form(
        "/login", {"email": World.email("author"), "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert "Try again after 09:15 UTC (in 15 minutes)" in locked.text
    # Another account from the same address is not locked.
    other = client.form(
        "/login", {"email": World.email("reviewer"), "password": "correct horse battery"}
    )
    assert other.status_code == 303
    # After the window, the right password works again.
    world.clock.advance(minutes=15)
    client.get("/login")  # the new session's form token
    again = client.form(
        "/login", {"email": World.email("author"), "password": "correct horse battery"}
    )
    assert again.status_code == 303


def test_sign_out_needs_csrf_and_ends_the_session(client_for: Callable[..., Client]) -> None:
    client = client_for("viewer")
    assert client.post("/logout").status_code == 403
    assert client.form("/logout").status_code == 303
    assert client.get("/queue").status_code == 303


def test_next_cannot_leave_the_site(client_for: Callable[..., Client]) -> None:
    client = client_for()
    client.get("/login")
    response = client.form(
        "/login",
        {
            "email": World.email("viewer"),
            "password": "correct horse battery",
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/queue"
