"""The listening pipeline: parse -> enrich -> store -> series per watch -> detector -> alert.

:meth:`Pipeline.process` takes a batch of mentions (with the source cursor each one reached),
matches them to the watches, enriches them, and stores the batch in one transaction (see
:mod:`firewarden.listen.store`: a mention is stored and counted once however often it is
delivered). Counting happens in the database buckets; the detectors (one
:class:`~firewarden.detect.watch.WatchDetector` per watch, up-only) read a bucket when it
closes: when a later mention arrives for the watch (event time), or when the wall clock has
passed it (:meth:`Pipeline.tick`, for live streams), with what the bucket's stored mentions
say attached for the content signals (:mod:`firewarden.listen.content`: authors, content
terms, misconduct flags, tallied from the batches as they are stored). On start the detectors
are rebuilt from the stored buckets and mentions (the open bucket's content is read back when
it closes), so a restarted (or another) worker carries on where the last one stopped. The
rebuild starts from the watch's latest detector checkpoint (:mod:`firewarden.listen.checkpoint`,
written by the owning pipeline every ``checkpoint_every`` of closed buckets) and replays only
what was stored after it; without a usable one it replays the whole ``history``.

:meth:`Pipeline.set_watches` swaps the watch set while running (between batches): a watch
whose id stays keeps its detector and series and matches with its new terms from the next
batch on; a new (or resumed) watch starts from its stored buckets, as at start; a removed or
paused one stops.

A mention arriving after its bucket closed is still stored and counted; the detector has
already judged that bucket and does not look at it again (``Stats.late`` counts them, so the
commands can say so).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Engine, select

from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig
from firewarden.detect.series import Bucket, floor_time
from firewarden.detect.types import Decision, Evidence
from firewarden.detect.watch import WatchDetector
from firewarden.listen.alerts import (
    Escalation,
    RaisedAlert,
    alert_message,
    alert_url,
    record_alert,
    set_notified,
)
from firewarden.listen.checkpoint import (
    CheckpointError,
    dumps,
    load_checkpoint,
    loads,
    save_checkpoint,
    state_version,
)
from firewarden.listen.content import ContentTally, load_content, skip_terms, with_content
from firewarden.listen.enrich import Enricher, enrich
from firewarden.listen.evidence import WindowMention, build_evidence
from firewarden.listen.mention import Mention
from firewarden.listen.reload import WatchChanges, diff_watches
from firewarden.listen.store import (
    LINKS,
    MENTIONS,
    Counted,
    last_bucket_start,
    load_buckets,
    mention_row,
    store_batch,
)
from firewarden.listen.watch_service import WatchRecord
from firewarden.listen.watches import WatchSet
from firewarden.text.terms import drop_terms

DEFAULT_WIDTH = dt.timedelta(minutes=5)
#: How much closed bucket time passes between two checkpoints of a watch's detector.
DEFAULT_CHECKPOINT_EVERY = dt.timedelta(hours=1)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Envelope:
    """A mention on its way through, with the source and the cursor it reached."""

    mention: Mention
    source: str = ""
    cursor: str = ""


@dataclass(slots=True)
class Stats:
    received: int = 0
    matched: int = 0
    counted: int = 0  # new (watch, mention) pairs added to the series
    alerts: list[RaisedAlert] = field(default_factory=list)
    #: Of those, the ones dated in a bucket their watch's detector had already judged: counted
    #: on the watch's pages, but never judged (and the oldest of them).
    late: int = 0
    oldest_late: dt.datetime | None = None

    def add(self, other: Stats) -> None:
        self.received += other.received
        self.matched += other.matched
        self.counted += other.counted
        self.alerts.extend(other.alerts)
        self.late += other.late
        if other.oldest_late is not None and (
            self.oldest_late is None or other.oldest_late < self.oldest_late
        ):
            self.oldest_late = other.oldest_late


@dataclass(slots=True)
class _WatchState:
    record: WatchRecord
    detector: WatchDetector
    next_start: dt.datetime | None = None  # the first bucket the detector has not seen
    #: Buckets starting before this hold mentions stored before this pipeline took the watch
    #: on: their content is read back from the store. Later ones are tallied from the batches.
    read_until: dt.datetime | None = None
    tally: ContentTally = field(default_factory=ContentTally)
    skip: frozenset[str] = frozenset()  # the words the term signal ignores (the watch's names)
    #: ``next_start`` of the latest checkpoint written or loaded for this watch.
    saved: dt.datetime | None = None
    written: float = -float("inf")  # when this pipeline last wrote it (monotonic clock)

    def __post_init__(self) -> None:
        self.skip = skip_terms(self.record.watch)

    @property
    def wants_content(self) -> bool:
        return self.detector.terms is not None or self.detector.misconduct is not None


class Pipeline:
    """One worker's pipeline over a set of watches (the ones this worker owns)."""

    def __init__(
        self,
        engine: Engine,
        watches: Sequence[WatchRecord],
        *,
        width: dt.timedelta = DEFAULT_WIDTH,
        escalation: Escalation | None = None,
        base_url: str = "",
        enricher: Enricher | None = None,
        history: dt.timedelta = dt.timedelta(days=30),
        detector_config: DetectorConfig = WATCH_CONFIG,
        on_alert: Callable[[RaisedAlert], None] | None = None,
        checkpoint_every: dt.timedelta | None = DEFAULT_CHECKPOINT_EVERY,
        checkpoint_min_seconds: float = 10.0,
        hold_back: Callable[[dt.datetime], str] | None = None,
    ) -> None:
        """``hold_back``: given the end of an alert's bucket, why its notifications are not
        sent ("" to send them; ``None``: always sent). The alert is recorded and shown either
        way, and a held-back alert records the reason per channel (an import of old mentions
        would otherwise notify the team of last month's alerts as if they were happening now).

        ``checkpoint_every``: write a watch's detector checkpoint whenever this much bucket
        time has closed since its last one (and after a rebuild that found none), but not
        more often than every ``checkpoint_min_seconds`` of wall-clock time (which only a
        backlog or an import reaches: live, an hour of buckets takes an hour); ``None`` turns
        checkpoints off (neither read nor written: every rebuild replays ``history``)."""
        self.engine = engine
        self._reader = engine.execution_options(sqlite_begin="DEFERRED")
        self.width = width
        self.escalation = escalation
        self.base_url = base_url
        self.enricher = enricher or Enricher()
        self.on_alert = on_alert
        self.history = history
        self.detector_config = detector_config
        self.checkpoint_every = checkpoint_every
        self.checkpoint_min_seconds = checkpoint_min_seconds
        self.hold_back = hold_back
        self._version = state_version(detector_config, width)
        self.watchset = WatchSet([w.watch for w in watches])
        self.states = [_WatchState(w, WatchDetector(detector_config)) for w in watches]
        self._rebuild(self.states)

    @property
    def records(self) -> list[WatchRecord]:
        """The watches this pipeline counts for."""
        return [st.record for st in self.states]

    def set_watches(self, watches: Sequence[WatchRecord]) -> WatchChanges:
        """Swap in a new watch set (call between batches); returns what changed."""
        changes = diff_watches(self.records, watches)
        kept = {st.record.id: st for st in self.states}
        states: list[_WatchState] = []
        fresh: list[_WatchState] = []
        for rec in watches:
            st = kept.get(rec.id)
            if st is None:
                st = _WatchState(rec, WatchDetector(self.detector_config))
                fresh.append(st)
            else:
                st.record = rec
                st.skip = skip_terms(rec.watch)
            states.append(st)
        self._rebuild(fresh)
        self.watchset = WatchSet([w.watch for w in watches])
        self.states = states
        return changes

    # -- detector state ----------------------------------------------------------------------

    def _rebuild(self, states: Sequence[_WatchState]) -> None:
        """Replay stored closed buckets into the detectors (silently, except the last one,
        whose alert may not have been recorded if the previous worker stopped just then):
        from the watch's checkpoint when there is a usable one, else the whole history."""
        history = self.history
        with self._reader.connect() as conn:
            for st in states:
                last = last_bucket_start(conn, st.record.id)
                if last is None:
                    continue
                resumed = self._restore(conn, st, last)
                if resumed is None:
                    stored = load_buckets(conn, st.record.id, last - history, last)
                    start = stored[0].start if stored else None
                elif resumed < last:
                    # Every bucket from the checkpoint on, empty ones too, as a running
                    # pipeline closes them.
                    stored = load_buckets(conn, st.record.id, resumed, last)
                    start = resumed
                else:  # the checkpoint has seen every stored bucket (live, closed by the clock)
                    stored, start = [], None
                if start is not None:
                    st.next_start = start
                    *quiet, final = self._filled(conn, st, stored, start, last)
                    for b in quiet:
                        st.detector.update(b)
                    self._decide(st, final)
                st.next_start = last if resumed is None else max(last, resumed)
                st.read_until = last + self.width
        for st in states:
            if st.saved is None and st.next_start is not None:
                self._checkpoint(st)  # so the next rebuild is a short one

    def _restore(self, conn: Connection, st: _WatchState, last: dt.datetime) -> dt.datetime | None:
        """Load the watch's checkpoint into its state; returns the first bucket it has not
        seen, or None (no checkpoint, or one that cannot be used: the caller replays)."""
        if self.checkpoint_every is None:
            return None
        found = load_checkpoint(conn, st.record.id)
        if found is None:
            return None
        why = ""
        if found.version != self._version:
            why = "it was written by another version of the detectors or other settings"
        elif found.next_start < last - self.history:
            why = f"it is older than the history replayed ({self.history})"
        else:
            try:
                detector = loads(found.state)
            except CheckpointError as exc:
                why = str(exc)
        if why:
            log.warning(
                "watch %r (id %d): not using its detector checkpoint of %s: %s; replaying "
                "the stored history instead",
                st.record.name,
                st.record.id,
                f"{found.next_start:%Y-%m-%d %H:%M} UTC",
                why,
            )
            return None
        st.detector = detector
        st.saved = found.next_start
        return found.next_start

    def _checkpoint(self, st: _WatchState) -> None:
        """Save the watch's detector state (it has seen every bucket before ``next_start``).

        A checkpoint is a cache: one that cannot be serialised or written (a locked or
        unreachable database) is logged and tried again after the next interval, and counting
        goes on."""
        if self.checkpoint_every is None or st.next_start is None:
            return
        try:
            state = dumps(st.detector)
            with self.engine.begin() as conn:
                save_checkpoint(conn, st.record.id, st.next_start, self._version, state)
        except Exception as exc:
            log.warning(
                "watch %r (id %d): detector checkpoint not written (%r); counting goes on, "
                "and the next rebuild replays more",
                st.record.name,
                st.record.id,
                exc,
            )
        st.saved = st.next_start
        st.written = time.monotonic()

    def _fill(self, stored: list[Bucket], start: dt.datetime, until: dt.datetime) -> list[Bucket]:
        """Consecutive buckets in ``[start, until)``, empty ones where nothing was stored."""
        by_start = {b.start: b for b in stored}
        out = []
        t = start
        while t < until:
            out.append(by_start.get(t) or Bucket(t))
            t += self.width
        return out

    def _filled(
        self,
        conn: Connection,
        st: _WatchState,
        stored: list[Bucket],
        start: dt.datetime,
        until: dt.datetime,
    ) -> list[Bucket]:
        """:meth:`_fill`, with what the stored mentions say attached (content signals)."""
        buckets = self._fill(stored, start, until)
        if not stored or not st.wants_content:
            return buckets
        content = load_content(conn, st.record.id, start, until, self.width, st.skip)
        return with_content(buckets, content)

    def _close(self, st: _WatchState, upto: dt.datetime) -> list[RaisedAlert]:
        """Feed the watch's buckets before ``upto`` to its detector."""
        start = st.next_start
        if start is None or start >= upto:
            return []
        with self._reader.connect() as conn:
            stored = load_buckets(conn, st.record.id, start, upto)
            buckets = self._fill(stored, start, upto)
            if st.wants_content:
                content = st.tally.take(upto)
                if stored and st.read_until is not None and start < st.read_until:
                    # Stored partly before this pipeline took the watch: the stored mentions
                    # are the whole story, and replace what was tallied for those buckets.
                    before = min(upto, st.read_until)
                    content.update(
                        load_content(conn, st.record.id, start, before, self.width, st.skip)
                    )
                buckets = with_content(buckets, content)
        raised = []
        for b in buckets:
            alert = self._decide(st, b)
            if alert is not None:
                raised.append(alert)
        st.next_start = upto
        every = self.checkpoint_every
        if (
            every is not None
            and (st.saved is None or upto - st.saved >= every)
            and time.monotonic() - st.written >= self.checkpoint_min_seconds
        ):
            self._checkpoint(st)
        return raised

    def _decide(self, st: _WatchState, bucket: Bucket) -> RaisedAlert | None:
        decision = st.detector.update(bucket)
        if not decision.alert or decision.explanation is None:
            return None
        return self._raise(st, decision, bucket)

    # -- alerts ------------------------------------------------------------------------------

    def _raise(self, st: _WatchState, decision: Decision, bucket: Bucket) -> RaisedAlert | None:
        assert decision.explanation is not None
        rec = st.record
        end = bucket.start + self.width
        since = max(decision.explanation.since, end - dt.timedelta(hours=24))
        window = self._window(rec.id, since, end)
        terms, posts, samples = build_evidence(window, (*rec.watch.keywords, *rec.watch.products))
        evidence = {"top_terms": terms, "top_posts": posts, "sample_mentions": samples}
        # The detector's explanations carry the evidence too (its documented slots).
        found = Evidence(tuple(terms), tuple(posts), tuple(samples))
        explained = tuple(
            replace(e, evidence=found)
            for e in (st.detector.explanations or (decision.explanation,))
        )
        with self.engine.begin() as conn:
            alert_id = record_alert(
                conn,
                watch_id=rec.id,
                org_id=rec.org_id,
                decision=decision,
                explanations=explained,
                evidence=evidence,
            )
        if alert_id is None:
            return None  # raised before (a restarted worker replaying the last bucket)
        alert = RaisedAlert(
            id=alert_id,
            watch_id=rec.id,
            watch_name=rec.name,
            level=decision.level.label,
            bucket_start=decision.timestamp,
            summary=decision.explanation.summary(),
            explanations=explained,
            url=alert_url(self.base_url, alert_id),
        )
        if self.escalation is not None:
            message = alert_message(alert, evidence)
            why = self.hold_back(decision.timestamp + self.width) if self.hold_back else ""
            sent = self.escalation.hold(message, why) if why else self.escalation.send(message)
            alert.notified.extend(sent)
            with self.engine.begin() as conn:
                set_notified(conn, alert_id, alert.notified)
        if self.on_alert is not None:
            self.on_alert(alert)
        return alert

    def _window(self, watch_id: int, since: dt.datetime, until: dt.datetime) -> list[WindowMention]:
        m, link = MENTIONS.c, LINKS.c
        q = (
            select(m.text, m.url, m.platform, m.platform_id, m.reach, link.negative)
            .join_from(
                LINKS,
                MENTIONS,
                (m.platform == link.platform) & (m.platform_id == link.platform_id),
            )
            .where(link.watch_id == watch_id, link.created_at >= since, link.created_at < until)
            .order_by(m.reach.desc())
            .limit(2000)
        )
        with self._reader.connect() as conn:
            return [
                WindowMention(text, url, f"{p}:{i}", reach, bool(neg))
                for text, url, p, i, reach, neg in conn.execute(q)
            ]

    # -- the stream --------------------------------------------------------------------------

    def process(self, batch: Sequence[Envelope]) -> Stats:
        """Enrich, match, store and count a batch; close buckets time has moved past."""
        stats = Stats(received=len(batch))
        rows: list[dict[str, Any]] = []
        counted: list[Counted] = []
        cursors: dict[str, str] = {}
        facts_of = self.enricher.facts
        match = self.watchset.match
        states = self.states
        # What the content signals need of each matched mention: author, terms, misconduct.
        said: dict[tuple[str, str], tuple[str, frozenset[str], bool]] = {}
        for env in batch:
            if env.source and env.cursor:
                cursors[env.source] = env.cursor
            m = env.mention
            facts = facts_of(m.text, m.language)
            matches = match(m, facts.folded.text, facts.language)
            if not matches:
                continue
            stats.matched += 1
            e = enrich(m, facts, names_brand=any(x.terms for x in matches))
            rows.append(mention_row(m, e))
            said[(m.platform, m.id)] = (m.author_id or m.author_handle, facts.terms, e.misconduct)
            negative = e.negative
            for x in matches:
                counted.append(
                    Counted(
                        states[x.watch].record.id,
                        m.platform,
                        m.id,
                        m.created_at,
                        negative,
                        e.reach,
                        m.followers,
                        x.reply_to_brand,
                    )
                )
        with self.engine.begin() as conn:
            new = store_batch(conn, rows, counted, self.width, cursors)
        stats.counted = len(new)
        judged = {st.record.id: st.next_start for st in states if st.next_start is not None}
        for c in new:
            until = judged.get(c.watch_id)
            if until is not None and c.created_at < until:
                stats.late += 1
                if stats.oldest_late is None or c.created_at < stats.oldest_late:
                    stats.oldest_late = c.created_at
        self._tally(new, said)
        latest: dict[int, dt.datetime] = {}
        for c in new:
            if c.watch_id not in latest or c.created_at > latest[c.watch_id]:
                latest[c.watch_id] = c.created_at
        for st in states:
            when = latest.get(st.record.id)
            if when is None:
                continue
            current = floor_time(when, self.width)
            if st.next_start is None:
                first = min(c.created_at for c in new if c.watch_id == st.record.id)
                st.next_start = floor_time(first, self.width)
            stats.alerts.extend(self._close(st, current))
        return stats

    def _tally(
        self, new: Sequence[Counted], said: dict[tuple[str, str], tuple[str, frozenset[str], bool]]
    ) -> None:
        """Add the newly counted mentions' content to their watches' open buckets (a mention
        for a bucket the detector has already judged is stored and counted, not judged)."""
        by_id = {st.record.id: st for st in self.states if st.wants_content}
        if not by_id:
            return
        for c in new:
            st = by_id.get(c.watch_id)
            if st is None:
                continue
            start = floor_time(c.created_at, self.width)
            if st.next_start is not None and start < st.next_start:
                continue
            author, terms, misconduct = said[(c.platform, c.platform_id)]
            st.tally.add(
                start, author, drop_terms(terms, st.skip), c.negative, misconduct, c.followers
            )

    def tick(self, now: dt.datetime, grace: dt.timedelta | None = None) -> list[RaisedAlert]:
        """Close buckets the wall clock has passed (plus ``grace`` for late mentions)."""
        grace = self.width if grace is None else grace
        raised: list[RaisedAlert] = []
        for st in self.states:
            if st.next_start is None:
                continue
            upto = floor_time(now - grace, self.width)
            raised.extend(self._close(st, upto))
        return raised

    def flush(self) -> list[RaisedAlert]:
        """Close every bucket that holds a mention (the end of an import)."""
        raised: list[RaisedAlert] = []
        with self._reader.connect() as conn:
            lasts = {st.record.id: last_bucket_start(conn, st.record.id) for st in self.states}
        for st in self.states:
            last = lasts[st.record.id]
            if last is not None:
                raised.extend(self._close(st, last + self.width))
        return raised
