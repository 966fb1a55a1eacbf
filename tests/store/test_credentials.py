"""Account credentials are encrypted at rest, and a missing key is a clear error."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.orm import Session

from firewarden.accounts import service as accounts
from firewarden.accounts.passwords import hash_password, verify_password
from firewarden.errors import ConfigError
from firewarden.store.tables import SocialAccount

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SECRET = {"access_token": "tok-PLAINTEXT-123", "refresh": "r-456"}


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    k = Fernet.generate_key().decode()
    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", k)
    return k


def add(session: Session) -> int:
    org = accounts.create_organisation(session, slug="acme", name="Acme", now=NOW)
    acct = accounts.add_social_account(
        session, org_id=org.id, platform="mastodon", handle="@acme", credentials=SECRET, now=NOW
    )
    session.commit()
    return acct.id


def test_stored_ciphertext_not_plaintext(session: Session, key: str) -> None:
    account_id = add(session)
    raw = session.execute(
        text("SELECT credentials FROM social_accounts WHERE id = :i"), {"i": account_id}
    ).scalar_one()
    assert b"tok-PLAINTEXT-123" not in bytes(raw)
    session.expire_all()
    assert accounts.account_credentials(session.get_one(SocialAccount, account_id)) == SECRET


def test_missing_key_names_the_variable(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREWARDEN_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError) as exc:
        add(session)
    assert "FIREWARDEN_SECRET_KEY is not set" in str(exc.value)
    assert "Fernet.generate_key" in str(exc.value)


def test_bad_and_wrong_keys(session: Session, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    account_id = add(session)
    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="not a valid Fernet key"):
        accounts.account_credentials(session.get_one(SocialAccount, account_id))
    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", Fernet.generate_key().decode())
    with pytest.raises(ConfigError, match="cannot decrypt"):
        accounts.account_credentials(session.get_one(SocialAccount, account_id))


def test_key_rotation(session: Session, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    account_id = add(session)
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", f"{new},{key}")
    assert accounts.rotate_credentials_key(session) == 1
    session.commit()
    monkeypatch.setenv("FIREWARDEN_SECRET_KEY", new)  # the old key is gone
    assert accounts.account_credentials(session.get_one(SocialAccount, account_id)) == SECRET


def test_passwords() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "wrong")
    assert not verify_password("", "anything")


def test_duplicates_are_clear_errors(session: Session, key: str) -> None:
    from firewarden.errors import InputError

    add(session)
    with pytest.raises(InputError, match="already exists"):
        accounts.create_organisation(session, slug="acme", name="Again", now=NOW)
    # The transaction is still usable after the duplicate.
    accounts.create_organisation(session, slug="other", name="Other", now=NOW)
    session.commit()
