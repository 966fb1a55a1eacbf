"""Watches in the database: add, list, update, remove (for the CLI and the web app).

Watches from the company's configuration file are synchronised in with ``origin="file"``
(:func:`sync_file_watches`); watches added from the CLI or the web app live only here.
Every function takes the caller's session and leaves committing to it.

Every change also bumps the single-row watch revision in the same transaction
(:func:`bump_revision`): a running listener polls it (:mod:`firewarden.listen.reload`) and
reloads the watches when it moves, so an edit reaches it without a restart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, CursorResult, insert, select, update
from sqlalchemy.orm import Session

from firewarden.errors import InputError, NotFound
from firewarden.listen.tables import ListenWatch, ListenWatchRevision
from firewarden.listen.watches import Watch


@dataclass(frozen=True, slots=True)
class WatchRecord:
    """A stored watch."""

    id: int
    org_id: int | None
    watch: Watch
    origin: str
    enabled: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def name(self) -> str:
        return self.watch.name


def bump_revision(session: Session) -> None:
    """Count one more watch change (in the caller's transaction, committed with the change).

    An atomic ``revision = revision + 1``: concurrent changes each count, and on PostgreSQL
    the row lock orders them, so a listener never sees a revision without its change."""
    now = dt.datetime.now(dt.UTC)
    rev = ListenWatchRevision
    result = session.execute(
        update(rev).where(rev.id == 1).values(revision=rev.revision + 1, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult[object], result).rowcount == 0:  # the row the migration adds is gone
        session.execute(insert(rev).values(id=1, revision=1, updated_at=now))


def watch_revision(conn: Connection | Session) -> int:
    """The current watch revision (0 before any change)."""
    found = conn.execute(
        select(ListenWatchRevision.revision).where(ListenWatchRevision.id == 1)
    ).scalar()
    return int(found or 0)


def _record(row: ListenWatch) -> WatchRecord:
    return WatchRecord(
        id=row.id,
        org_id=row.org_id,
        watch=Watch.from_dict(row.definition, where=f"stored watch {row.name!r}", stored=True),
        origin=row.origin,
        enabled=row.enabled,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _find(session: Session, org_id: int | None, name: str) -> ListenWatch | None:
    q = select(ListenWatch).where(ListenWatch.name == name.strip())
    q = q.where(ListenWatch.org_id.is_(None) if org_id is None else ListenWatch.org_id == org_id)
    return session.execute(q).scalar_one_or_none()


def _same_name(session: Session, org_id: int | None, name: str) -> ListenWatch | None:
    """A watch whose name differs from ``name`` only in case (Acme and acme would be two
    watches counting the same mentions)."""
    wanted = name.strip().casefold()
    q = select(ListenWatch).where(
        ListenWatch.org_id.is_(None) if org_id is None else ListenWatch.org_id == org_id
    )
    return next((w for w in session.execute(q).scalars() if w.name.casefold() == wanted), None)


def add_watch(
    session: Session, watch: Watch, *, org_id: int | None = None, origin: str = "cli"
) -> WatchRecord:
    """Store a new watch; raises InputError if one of that name (in any case) exists."""
    same = _find(session, org_id, watch.name) or _same_name(session, org_id, watch.name)
    if same is not None:
        raise InputError(
            f"a watch named {same.name!r} already exists",
            hint="pick another name, or change the existing watch (on its page in the web app, "
            "or in the configuration file if it comes from there) or remove it "
            f"(firewarden watch remove {watch.name!r})",
            field="name",
        )
    now = dt.datetime.now(dt.UTC)
    row = ListenWatch(
        org_id=org_id,
        name=watch.name,
        definition=watch.to_dict(),
        origin=origin,
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    bump_revision(session)
    return _record(row)


def list_watches(
    session: Session, *, org_id: int | None = None, enabled_only: bool = False
) -> list[WatchRecord]:
    """The organisation's watches (``org_id=None``: the ones without an organisation), by name."""
    q = select(ListenWatch).order_by(ListenWatch.name)
    q = q.where(ListenWatch.org_id.is_(None) if org_id is None else ListenWatch.org_id == org_id)
    if enabled_only:
        q = q.where(ListenWatch.enabled.is_(True))
    return [_record(r) for r in session.execute(q).scalars()]


def get_watch(session: Session, watch_id: int, *, org_id: int | None = None) -> WatchRecord:
    """One watch by id (within the organisation); raises InputError when there is none."""
    return _record(_row(session, watch_id, org_id))


def _row(session: Session, watch_id: int, org_id: int | None) -> ListenWatch:
    row = session.get(ListenWatch, watch_id)
    if row is None or row.org_id != org_id:
        raise NotFound(f"no watch with id {watch_id}", hint="list them: firewarden watch list")
    return row


def update_watch(
    session: Session,
    watch_id: int,
    watch: Watch,
    *,
    org_id: int | None = None,
    enabled: bool | None = None,
) -> WatchRecord:
    """Replace a watch's definition (and optionally enable or pause it)."""
    row = _row(session, watch_id, org_id)
    other = _find(session, org_id, watch.name) or _same_name(session, org_id, watch.name)
    if other is not None and other.id != row.id:
        raise InputError(f"another watch is already named {other.name!r}", field="name")
    row.name = watch.name
    row.definition = watch.to_dict()
    if enabled is not None:
        row.enabled = enabled
    row.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    bump_revision(session)
    return _record(row)


def remove_watch(session: Session, name_or_id: str | int, *, org_id: int | None = None) -> str:
    """Delete a watch with its counts and alerts (the mentions themselves stay); returns its
    name."""
    # A name first (a watch may be called "2025"), then a number as the watch's id.
    row = None if isinstance(name_or_id, int) else _find(session, org_id, name_or_id)
    if row is None and (isinstance(name_or_id, int) or name_or_id.strip().isdigit()):
        row = _row(session, int(name_or_id), org_id)
    if row is None:
        wanted = str(name_or_id).strip().casefold()
        q = select(ListenWatch.name).where(
            ListenWatch.org_id.is_(None) if org_id is None else ListenWatch.org_id == org_id
        )
        close = [n for n in session.execute(q).scalars() if n.casefold() == wanted]
        hint = f"did you mean {close[0]!r}? Names are matched exactly" if close else ""
        raise NotFound(
            f"no watch named {name_or_id!r}", hint=hint or "list them: firewarden watch list"
        )
    from sqlalchemy import delete

    from firewarden.listen.tables import (
        ListenAlert,
        ListenBucket,
        ListenCheckpoint,
        ListenMentionWatch,
    )

    # Explicit deletes: SQLite only cascades when foreign keys are on for the connection. The
    # checkpoint goes too: SQLite can give the next new watch the same id.
    for table in (ListenAlert, ListenBucket, ListenMentionWatch, ListenCheckpoint):
        session.execute(delete(table).where(table.watch_id == row.id))
    session.delete(row)
    session.flush()
    bump_revision(session)
    return row.name


def sync_file_watches(
    session: Session, watches: Sequence[Watch], *, org_id: int | None = None
) -> list[WatchRecord]:
    """Bring the configuration file's watches into the database: new ones are added, changed
    ones updated, and ones no longer in the file paused (not deleted: their history stays)."""
    names = {w.name for w in watches}
    for w in watches:
        row = _find(session, org_id, w.name)
        if row is None:
            add_watch(session, w, org_id=org_id, origin="file")
        elif row.definition != w.to_dict() or not row.enabled:
            update_watch(session, row.id, w, org_id=org_id, enabled=True)
    for rec in list_watches(session, org_id=org_id):
        if rec.origin == "file" and rec.name not in names and rec.enabled:
            update_watch(session, rec.id, rec.watch, org_id=org_id, enabled=False)
    return list_watches(session, org_id=org_id, enabled_only=True)


def all_enabled_watches(session: Session) -> list[WatchRecord]:
    """Every enabled watch of every organisation (what the listener runs)."""
    q = select(ListenWatch).where(ListenWatch.enabled.is_(True)).order_by(ListenWatch.id)
    return [_record(r) for r in session.execute(q).scalars()]
