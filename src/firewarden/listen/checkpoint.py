"""Checkpoints of a watch's detector state, so a rebuild replays only what came after one.

A pipeline taking a watch on (at start, or a worker claiming a partition) rebuilds the
watch's :class:`~firewarden.detect.watch.WatchDetector` from the stored buckets and mentions.
Replaying 30 days of them takes seconds to minutes for a busy watch, so the owning pipeline
writes the detector's state to ``listen_checkpoints`` every so often (one row per watch,
upserted): the start of the first bucket the state has not seen, a format version, the
serialised state and when it was written. A rebuild loads it and replays only the buckets
(and, for the content signals, the mentions) stored from that bucket on.

A checkpoint is a cache: the stored mentions and buckets stay the truth. One written by
other detector code or settings (:func:`state_version`), one that cannot be read, or one
older than the replayed history is ignored with a log line, and the full replay runs.

**Format.** The state is the detector object itself, pickled and compressed. Loading a
pickle can run code, so :func:`loads` uses an unpickler that only builds the detectors' own
classes (classes defined in :data:`STATE_MODULES`), ``collections.deque`` and
``OrderedDict``, ``datetime`` values and builtin containers, and refuses anything else with
:class:`CheckpointError`. (An explicit JSON form would need a hand-written, hand-maintained
encoder per detector class, twenty of them, and every new field would be one more place to
forget; pickle follows the objects as they are, and the version below catches a change.)

**Version.** :data:`CODE_VERSION` is a hash over the source of the modules whose objects
are in the state and of the code that computes what they are fed (the ``firewarden.detect``
package, the content tally and the term tokenisation), computed once at import: any change
to them, even one that keeps the shape, makes older checkpoints foreign, so nobody has to
remember to bump a number. :func:`state_version` adds the detector settings and the bucket
width.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import logging
import pickle
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, select

from firewarden.detect.detector import DetectorConfig
from firewarden.detect.watch import WatchDetector
from firewarden.listen.tables import ListenCheckpoint

log = logging.getLogger(__name__)

CHECKPOINTS: Table = ListenCheckpoint.__table__  # type: ignore[assignment]

#: The modules whose classes a detector state holds (and the only ones the loader builds).
STATE_MODULES: tuple[str, ...] = (
    "firewarden.detect.baseline",
    "firewarden.detect.coarse",
    "firewarden.detect.context",
    "firewarden.detect.detector",
    "firewarden.detect.misconduct",
    "firewarden.detect.scan",
    "firewarden.detect.series",
    "firewarden.detect.tail",
    "firewarden.detect.terms",
    "firewarden.detect.types",
    "firewarden.detect.watch",
)

#: Other classes a state holds: containers and time values (builtins' list, dict, tuple, set
#: and frozenset are pickle opcodes and need no lookup; these are allowed when named).
_OTHER_CLASSES = frozenset(
    {
        ("collections", "deque"),
        ("collections", "OrderedDict"),
        ("datetime", "datetime"),
        ("datetime", "date"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "dict"),
        ("builtins", "list"),
        ("builtins", "tuple"),
    }
)


def _code_version() -> str:
    """A hash over the source of the code whose behaviour a checkpointed state embodies."""
    root = Path(__file__).resolve().parent.parent  # the firewarden package
    files = sorted((root / "detect").glob("*.py"))
    files += [root / "listen" / "content.py", root / "text" / "terms.py", Path(__file__)]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:  # installed without sources: the package version stands in
            from firewarden import __version__

            digest.update(f"missing:{__version__}".encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


#: Computed once at import; changes whenever the detectors' code does.
CODE_VERSION = _code_version()


def state_version(config: DetectorConfig, width: dt.timedelta) -> str:
    """The version a checkpoint must carry to be used: code, detector settings, bucket width."""
    key = f"{CODE_VERSION}|{config!r}|{width.total_seconds():g}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class CheckpointError(Exception):
    """A checkpoint that cannot be used (unreadable, or naming a class it may not hold)."""


class _DetectorUnpickler(pickle.Unpickler):
    """Builds only the detectors' own classes, containers and time values."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _OTHER_CLASSES:
            return super().find_class(module, name)
        if module in STATE_MODULES:
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise CheckpointError(
            f"refusing to load {module}.{name} from a detector checkpoint: it may only hold "
            "the detectors' classes (firewarden.detect), collections.deque and OrderedDict, "
            "datetime values and builtin containers"
        )


def dumps(detector: WatchDetector) -> bytes:
    """The detector's state as bytes (pickled, compressed)."""
    return zlib.compress(pickle.dumps(detector, protocol=pickle.HIGHEST_PROTOCOL), 1)


def loads(data: bytes) -> WatchDetector:
    """The detector :func:`dumps` wrote; :class:`CheckpointError` if it cannot be used."""
    try:
        raw = zlib.decompress(data)
    except zlib.error as exc:
        raise CheckpointError(f"the checkpoint cannot be decompressed ({exc})") from exc
    try:
        state = _DetectorUnpickler(io.BytesIO(raw)).load()
    except CheckpointError:
        raise
    except Exception as exc:  # a truncated or damaged pickle raises many kinds of error
        raise CheckpointError(f"the checkpoint cannot be read ({exc!r})") from exc
    if not isinstance(state, WatchDetector):
        raise CheckpointError(f"the checkpoint holds a {type(state).__name__}, not a detector")
    return state


@dataclass(frozen=True, slots=True)
class Checkpoint:
    watch_id: int
    #: The start of the first bucket the state has NOT seen.
    next_start: dt.datetime
    version: str
    state: bytes
    written_at: dt.datetime


def save_checkpoint(
    conn: Connection,
    watch_id: int,
    next_start: dt.datetime,
    version: str,
    state: bytes,
    now: dt.datetime | None = None,
) -> None:
    """Write the watch's checkpoint (one row per watch), unless the stored one is newer.

    A worker that lost a watch and is still finishing a batch must not replace the new
    owner's later checkpoint with its older one, so the upsert only updates when the new
    state has seen at least as much.
    """
    from firewarden.listen.store import _insert

    row = {
        "watch_id": watch_id,
        "next_start": next_start,
        "version": version,
        "state": state,
        "written_at": now or dt.datetime.now(dt.UTC),
    }
    ins = _insert(conn, CHECKPOINTS)
    stmt = ins.on_conflict_do_update(
        index_elements=["watch_id"],
        set_={k: ins.excluded[k] for k in ("next_start", "version", "state", "written_at")},
        where=ins.excluded.next_start >= CHECKPOINTS.c.next_start,
    )
    conn.execute(stmt, row)


def load_checkpoint(conn: Connection, watch_id: int) -> Checkpoint | None:
    """The watch's stored checkpoint, if any."""
    c = CHECKPOINTS.c
    row = conn.execute(
        select(c.next_start, c.version, c.state, c.written_at).where(c.watch_id == watch_id)
    ).first()
    if row is None:
        return None
    next_start, version, state, written_at = row
    return Checkpoint(watch_id, next_start, version, bytes(state), written_at)


def delete_checkpoint(conn: Connection, watch_id: int) -> None:
    conn.execute(delete(CHECKPOINTS).where(CHECKPOINTS.c.watch_id == watch_id))
