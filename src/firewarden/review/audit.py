"""The append-only, hash-chained audit log.

Each entry's ``hash`` is ``sha256(prev_hash + canonical JSON of the entry)``, and ``seq`` counts
up by one, so :func:`verify` finds an edited row (its hash no longer matches), a deleted row
(a gap in ``seq`` or a ``prev_hash`` that points nowhere) and a re-ordered one. There is no
update or delete function here; on PostgreSQL a trigger also refuses UPDATE and DELETE.
Deleting the newest rows leaves a shorter valid chain: keep the head hash printed by
``firewarden audit verify`` somewhere else (a ticket, an e-mail) to catch that too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from firewarden.store.tables import AuditEntry
from firewarden.store.types import utc

GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that serialises appends (SQLite has one writer anyway).
_PG_LOCK_KEY = 0x46574155  # "FWAU"


def canonical(entry: Mapping[str, Any]) -> str:
    """The canonical JSON of an entry's content (everything but its own hash)."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


def _content(row: AuditEntry) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "org_id": row.org_id,
        "at": utc(row.at).isoformat(timespec="microseconds"),
        "actor": row.actor,
        "action": row.action,
        "subject": row.subject,
        "details": row.details,
    }


def record(
    session: Session,
    *,
    org_id: int | None,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
    at: dt.datetime,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the change
    it describes)."""
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent appenders would both read the same head; take turns until commit.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    # Round-trip details through JSON so what is hashed is exactly what the database returns.
    row = AuditEntry(
        seq=seq,
        org_id=org_id,
        at=utc(at),
        actor=actor,
        action=action,
        subject=subject,
        details=json.loads(json.dumps(dict(details or {}), default=str)),
        prev_hash=prev,
        hash="",
    )
    row.hash = entry_hash(prev, _content(row))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    head_hash: str
    #: Sequence number of the first broken link, and what is wrong with it.
    broken_at: int | None = None
    problem: str = ""


def verify(session: Session, *, batch: int = 1000) -> VerifyResult:
    """Recompute the chain from the first entry and report the first broken link."""
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    return verify_rows(rows.yield_per(batch))


def verify_rows(rows: Iterable[AuditEntry]) -> VerifyResult:
    """:func:`verify` over rows already read, in ``seq`` order."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for row in rows:
        if row.seq != expected_seq:
            missing = (
                f"{expected_seq}"
                if row.seq == expected_seq + 1
                else (f"{expected_seq} to {row.seq - 1}")
            )
            return _broken(row.seq, f"entry {missing} is missing (deleted)", checked, prev_hash)
        if row.prev_hash != prev_hash:
            return _broken(
                row.seq,
                f"entry {row.seq} does not point at the entry before it "
                "(an entry was removed or replaced)",
                checked,
                prev_hash,
            )
        if entry_hash(row.prev_hash, _content(row)) != row.hash:
            return _broken(
                row.seq, f"entry {row.seq} was changed after it was written", checked, prev_hash
            )
        prev_hash, expected_seq, checked = row.hash, row.seq + 1, checked + 1
    return VerifyResult(ok=True, checked=checked, head_hash=prev_hash)


def _broken(seq: int, problem: str, checked: int, head: str) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, head_hash=head, broken_at=seq, problem=problem)
