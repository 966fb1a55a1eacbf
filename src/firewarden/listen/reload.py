"""Watch edits reaching a running listener: noticing them, and saying what changed.

Every watch change bumps one counter in the database in the same transaction
(:func:`~firewarden.listen.watch_service.bump_revision`). :class:`WatchReloader` reads that
counter every few seconds (one primary-key read); when it moved, it loads the enabled watches
and hands them back, and the caller swaps them in (:meth:`Pipeline.set_watches
<firewarden.listen.pipeline.Pipeline.set_watches>`, and the runner rebuilds the sources whose
filters come from the watches). :func:`diff_watches` (pure) says what changed, for the log.

Watches from the company's file reach the database through the same service
(:func:`~firewarden.listen.watch_service.sync_file_watches`); :class:`FileWatchSync`, run by
the reloader at each look, does that again when the configuration file (or the YAML file its
``[listen] watches`` names) has changed, so a file edit also needs no restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine

from firewarden.config import Config
from firewarden.errors import FirewardenError
from firewarden.listen.watch_service import (
    WatchRecord,
    all_enabled_watches,
    sync_file_watches,
    watch_revision,
)
from firewarden.listen.watches import Watch
from firewarden.store.engine import session_factory

#: Seconds between two looks at the revision (``[listen] reload_seconds``).
DEFAULT_INTERVAL = 5.0


@dataclass(frozen=True, slots=True)
class WatchChanges:
    """What a reload changed, by watch name."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        """``watches reloaded: +1 added (Globex), 1 changed (Acme), -0 removed``."""
        parts = []
        for sign, label, names in (
            ("+", "added", self.added),
            ("", "changed", self.changed),
            ("-", "removed", self.removed),
        ):
            listed = f" ({', '.join(names)})" if names else ""
            parts.append(f"{sign}{len(names)} {label}{listed}")
        return "watches reloaded: " + ", ".join(parts)


def diff_watches(old: Sequence[WatchRecord], new: Sequence[WatchRecord]) -> WatchChanges:
    """Compare two watch sets by id: a watch is changed when its definition (name included)
    differs; a paused watch is no longer in ``new`` and so counts as removed."""
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    return WatchChanges(
        added=tuple(after[i].name for i in after if i not in before),
        changed=tuple(
            after[i].name for i in after if i in before and after[i].watch != before[i].watch
        ),
        removed=tuple(before[i].name for i in before if i not in after),
    )


def filter_key(watches: Sequence[Watch]) -> frozenset[Watch]:
    """What sources derive their filters from: the definitions without their names (renaming
    a watch does not need a reconnect; any other change may)."""
    return frozenset(replace(w, name="") for w in watches)


class WatchReloader:
    """Polls the watch revision; returns the enabled watches when it moved.

    ``load()`` first (it remembers the revision it read), then ``poll()`` between batches:
    it queries at most once per ``interval`` seconds and returns ``None`` when nothing changed.
    The revision is read before the watches, so an edit landing in between is loaded now and
    seen again (harmlessly) at the next poll, never missed.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sync: Callable[[], object] | None = None,
    ) -> None:
        self.engine = engine
        self.interval = interval
        self.clock = clock
        #: Run at each look before the revision is read (e.g. :class:`FileWatchSync`).
        self.sync = sync
        self.revision: int | None = None
        self._checked = clock()
        self._sessions = session_factory(engine)

    def load(self) -> list[WatchRecord]:
        """The enabled watches now (of every organisation), remembering the revision."""
        with self._sessions() as s:
            self.revision = watch_revision(s)
            records = all_enabled_watches(s)
        self._checked = self.clock()
        return records

    def changed(self) -> bool:
        """Whether the revision moved since the last load (one query, no waiting)."""
        with self.engine.connect() as conn:
            return watch_revision(conn) != self.revision

    def poll(self) -> list[WatchRecord] | None:
        """The new watch records if the revision moved (looking at most once per interval)."""
        now = self.clock()
        if now - self._checked < self.interval:
            return None
        self._checked = now
        if self.sync is not None:
            self.sync()
        return self.load() if self.changed() else None


class FileWatchSync:
    """Synchronises the configuration file's watches into the database again when the file
    (or its watches YAML file) changes. A file that cannot be read or holds a bad watch is
    reported through ``on_error`` and changes nothing; the next save is tried again."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        *,
        on_error: Callable[[FirewardenError], object] | None = None,
    ) -> None:
        self.engine = engine
        self.path = config.path
        self.on_error = on_error
        self._files = _watch_files(config)
        self._seen = _stamps(self._files)

    def __call__(self) -> bool:
        """Look at the files; returns whether the watches were synchronised again."""
        if self.path is None:
            return False
        stamps = _stamps(self._files)
        if stamps == self._seen:
            return False
        self._seen = stamps
        from firewarden.config import load_config
        from firewarden.listen.settings import file_watches

        try:
            config = load_config(self.path)
            watches = file_watches(config)
        except FirewardenError as exc:
            if self.on_error is not None:
                self.on_error(exc)
            return False
        self._files = _watch_files(config)
        self._seen = _stamps(self._files)
        with session_factory(self.engine)() as s:
            sync_file_watches(s, watches)
            s.commit()
        return True


def _watch_files(config: Config) -> tuple[Path, ...]:
    """The configuration file, and the YAML file ``[listen] watches`` names (if any)."""
    if config.path is None:
        return ()
    named = config.sections.get("listen", {}).get("watches")
    if isinstance(named, str):
        path = Path(named).expanduser()
        return (config.path, path if path.is_absolute() else config.path.parent / path)
    return (config.path,)


def _stamps(files: Sequence[Path]) -> tuple[int | None, ...]:
    out: list[int | None] = []
    for f in files:
        try:
            out.append(f.stat().st_mtime_ns)
        except OSError:
            out.append(None)
    return tuple(out)
