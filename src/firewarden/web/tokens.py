"""API tokens: create, list, revoke, and resolve a presented token (one user, one organisation).

Only the SHA-256 digest of a token is stored; the token itself is shown once when created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.accounts.service import roles_of
from firewarden.errors import InputError, NotFound
from firewarden.review import audit
from firewarden.store.tables import ApiToken, User
from firewarden.web.security import TOKEN_PREFIX, new_api_token, token_digest


@dataclass(frozen=True, slots=True)
class NewToken:
    id: int
    name: str
    #: The token itself: shown to the user once, never stored.
    token: str


def create_token(
    session: Session, *, org_id: int, user_id: int, name: str, now: dt.datetime
) -> NewToken:
    """A new token for ``user_id`` in ``org_id`` (the user must be a member)."""
    if not roles_of(session, org_id=org_id, user_id=user_id):
        raise InputError("the user is not a member of this organisation", hint="add a role first")
    label = name.strip() or "API token"
    token = new_api_token()
    row = ApiToken(
        org_id=org_id,
        user_id=user_id,
        name=label[:200],
        prefix=token[: len(TOKEN_PREFIX) + 6],
        token_hash=token_digest(token),
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        org_id=org_id,
        actor=f"user:{user_id}",
        action="token.created",
        subject=f"user:{user_id}",
        details={"token_id": row.id, "name": row.name},
        at=now,
    )
    return NewToken(row.id, row.name, token)


def list_tokens(session: Session, *, org_id: int, user_id: int) -> list[ApiToken]:
    """The user's tokens in the organisation (revoked ones too), newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.org_id == org_id, ApiToken.user_id == user_id)
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_token(
    session: Session, *, org_id: int, user_id: int, token_id: int, now: dt.datetime
) -> None:
    """Revoke one of the user's own tokens."""
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.org_id == org_id, ApiToken.user_id == user_id
        )
    )
    if row is None:
        raise NotFound(f"you have no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(
            session,
            org_id=org_id,
            actor=f"user:{user_id}",
            action="token.revoked",
            subject=f"user:{user_id}",
            details={"token_id": row.id},
            at=now,
        )
    session.flush()


def resolve_token(session: Session, token: str) -> tuple[ApiToken, User] | None:
    """The live token row and its user for a presented token, or ``None``."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
    ).first()
    return None if found is None else (found[0], found[1])
