"""Use cases for tenants, people and accounts: plain functions, keyword-only, one transaction
owned by the caller (they flush; the caller commits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from firewarden.accounts.credentials import decrypt_credentials, encrypt_credentials, reencrypt
from firewarden.accounts.passwords import hash_password
from firewarden.checks.context import ACCOUNT_KINDS
from firewarden.errors import InputError
from firewarden.review import audit
from firewarden.store.tables import (
    ROLES,
    Brand,
    Membership,
    Organisation,
    ReviewerProfile,
    SocialAccount,
    User,
)


def create_organisation(
    session: Session, *, slug: str, name: str, now: dt.datetime
) -> Organisation:
    """A new tenant."""
    org = Organisation(slug=slug.strip(), name=name.strip(), created_at=now)
    _add(session, org, f"an organisation with the slug {slug!r} already exists")
    audit.record(
        session,
        org_id=org.id,
        actor="system",
        action="org.created",
        subject=f"org:{org.id}",
        details={"slug": org.slug},
        at=now,
    )
    return org


def create_brand(session: Session, *, org_id: int, name: str) -> Brand:
    brand = Brand(org_id=org_id, name=name.strip())
    _add(session, brand, f"a brand named {name!r} already exists")
    return brand


def create_user(
    session: Session, *, email: str, display_name: str, password: str | None, now: dt.datetime
) -> User:
    """A person who can sign in (``password=None``: sign-in disabled until one is set)."""
    email = email.strip().lower()
    if "@" not in email:
        raise InputError(f"{email!r} is not an e-mail address", where="email")
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        password_hash=hash_password(password) if password else "",
        created_at=now,
    )
    _add(session, user, f"a user with the e-mail {email} already exists")
    return user


def add_member(
    session: Session,
    *,
    org_id: int,
    user_id: int,
    roles: Iterable[str],
    actor: str,
    now: dt.datetime,
) -> frozenset[str]:
    """Give ``user_id`` the ``roles`` in the organisation (keeping any it had); returns all."""
    wanted = set(roles)
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        raise InputError(
            f"unknown role(s): {', '.join(unknown)}", hint=f"roles: {', '.join(ROLES)}"
        )
    have = roles_of(session, org_id=org_id, user_id=user_id)
    for role in sorted(wanted - have):
        session.add(Membership(org_id=org_id, user_id=user_id, role=role))
    session.flush()
    audit.record(
        session,
        org_id=org_id,
        actor=actor,
        action="member.roles_added",
        subject=f"user:{user_id}",
        details={"roles": sorted(wanted - have)},
        at=now,
    )
    return frozenset(have | wanted)


def roles_of(session: Session, *, org_id: int, user_id: int) -> frozenset[str]:
    """The user's roles in the organisation (empty: not a member)."""
    rows = session.scalars(
        select(Membership.role).where(Membership.org_id == org_id, Membership.user_id == user_id)
    )
    return frozenset(rows)


def set_perspective_tags(
    session: Session, *, org_id: int, user_id: int, tags: Iterable[str]
) -> list[str]:
    """Set a reviewer's self-declared perspective tags ("age:30s", "region:kansai")."""
    clean = sorted({t.strip().lower() for t in tags if t.strip()})
    profile = session.scalar(
        select(ReviewerProfile).where(
            ReviewerProfile.org_id == org_id, ReviewerProfile.user_id == user_id
        )
    )
    if profile is None:
        session.add(ReviewerProfile(org_id=org_id, user_id=user_id, tags=clean))
    else:
        profile.tags = clean
    session.flush()
    return clean


def perspective_tags(session: Session, *, org_id: int, user_id: int) -> frozenset[str]:
    tags = session.scalar(
        select(ReviewerProfile.tags).where(
            ReviewerProfile.org_id == org_id, ReviewerProfile.user_id == user_id
        )
    )
    return frozenset(tags or ())


def add_social_account(
    session: Session,
    *,
    org_id: int,
    platform: str,
    handle: str,
    kind: str = "corporate",
    display_name: str = "",
    avatar_url: str = "",
    brand_id: int | None = None,
    credentials: Mapping[str, Any] | None = None,
    now: dt.datetime,
) -> SocialAccount:
    """An account posts go out from; ``credentials`` are encrypted before they are stored."""
    if kind not in ACCOUNT_KINDS:
        raise InputError(f"unknown account kind {kind!r}", hint="use 'corporate' or 'personal'")
    account = SocialAccount(
        org_id=org_id,
        brand_id=brand_id,
        platform=platform.strip().lower(),
        handle=handle.strip(),
        display_name=display_name,
        avatar_url=avatar_url,
        kind=kind,
        credentials=encrypt_credentials(credentials) if credentials else None,
        created_at=now,
    )
    _add(session, account, f"the account {platform} {handle} is already registered")
    return account


def account_credentials(account: SocialAccount) -> dict[str, Any]:
    """The decrypted credentials of an account (empty when none were stored)."""
    return decrypt_credentials(account.credentials) if account.credentials else {}


def rotate_credentials_key(session: Session) -> int:
    """Re-encrypt every stored credential under the first key of ``FIREWARDEN_SECRET_KEY``."""
    count = 0
    for account in session.scalars(
        select(SocialAccount).where(SocialAccount.credentials.is_not(None))
    ):
        assert account.credentials is not None
        account.credentials = reencrypt(account.credentials)
        count += 1
    session.flush()
    return count


def _add(session: Session, row: object, duplicate: str) -> None:
    # The savepoint keeps the caller's transaction usable after a duplicate.
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise InputError(duplicate) from None
