"""Import mentions from a JSON Lines or CSV file: the universal path (exports, other tools).

Fields (JSON keys or CSV column names): ``platform`` (default ``import``), ``id``, ``text``,
``created_at`` (ISO 8601 or Unix seconds), and optionally ``url``, ``author_id``,
``author_handle``, ``followers``, ``language``, ``reply_to``, ``reply_to_author``,
``quote_of``, ``quote_of_author``, ``repost_of``, ``likes``, ``reposts``, ``replies``,
``quotes``, ``media`` (``image,video``). The cursor is the line number reached, so an
interrupted import resumes where it stopped. A bad line stops the import with its number, and
so does a mention dated in the future (beyond :data:`FUTURE_TOLERANCE`): a wrong year or a
local time written without its zone would have the watch judge every bucket up to that date
at once, and the real mentions after it would land in buckets already judged.

Order matters for the same reason: a watch's detector judges a bucket once later mentions
have arrived, so a mention older than those already read is counted but not judged.
:meth:`FileSource.disorder` reads the whole file's times before anything is imported;
the import refuses a file that goes back in time, or (``sort=True``) reads every mention into
memory and imports them oldest first.

The cursor is kept per file: its name plus a fingerprint of its place and its first
record (a CSV's header and first row), so another file of the same name (a new day's export
written over the old one, another folder) starts at its first line instead of being skipped
up to where the other one ended, while a file that grew or whose bad line was corrected
further down resumes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from firewarden.errors import InputError
from firewarden.listen.mention import FUTURE_TOLERANCE, Mention, time_of

#: At most this much of the start of a file identifies it (with its absolute path).
FINGERPRINT_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Disorder:
    """Where a file first goes back in time, and how often it does."""

    line: int  # the first line older than one before it (beyond the tolerance)
    time: dt.datetime
    latest_line: int  # the line with the latest time read before it
    latest: dt.datetime
    count: int  # lines that go back in time so

    def describe(self) -> str:
        return (
            f"the file is not in time order: line {self.line} ({self.time:%Y-%m-%d %H:%M} UTC) "
            f"is older than line {self.latest_line} before it "
            f"({self.latest:%Y-%m-%d %H:%M} UTC), and {self.count} line(s) go back in time so"
        )


class FileSource:
    """Mentions from ``path`` (``.jsonl``/``.ndjson``/``.json`` lines, or ``.csv``).

    After :meth:`stream`, ``resumed_after`` is the line an earlier import had reached (0 when
    it started at the top) and ``lines`` the last line read. ``sort``: every mention is read
    (and checked) first, then they are streamed oldest first; the cursor is then the count
    of sorted mentions done. ``now`` is the clock future times are judged by.
    """

    def __init__(
        self,
        path: Path,
        *,
        sort: bool = False,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.path = path
        self.sort = sort
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        suffix = path.suffix.lower()
        if suffix not in (".jsonl", ".ndjson", ".json", ".csv"):
            raise InputError(
                f"cannot import {path.suffix or 'a file without extension'}",
                where=str(path),
                hint="use a .jsonl (one JSON object per line) or .csv file",
            )
        self._csv = suffix == ".csv"
        self.name = f"file:{path.name}#{_fingerprint(path, 2 if self._csv else 1)}"
        self._closed = False
        self.resumed_after = 0
        self.lines = 0

    def close(self) -> None:
        self._closed = True

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        if self.sort:
            yield from self._sorted(cursor)
            return
        skip = int(cursor) if cursor and cursor.isdigit() else 0
        self.resumed_after = skip
        for n, data, where in self._records(skip):
            yield self._mention(data, where), str(n)

    def _mention(self, data: dict[str, Any], where: str) -> Mention:
        m = Mention.from_dict(data, where=where)
        now = self._now()
        if m.created_at > now + FUTURE_TOLERANCE:
            raise InputError(
                f"this mention is dated {m.created_at:%Y-%m-%d %H:%M} UTC, in the future "
                f"(it is now {now:%Y-%m-%d %H:%M} UTC)",
                where=where,
                hint="check the date; a time written without a zone is read as UTC, so add "
                "the zone it was written in (2026-01-05T10:00:00+09:00 for Japan)",
            )
        return m

    def _sorted(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        """Every mention read and checked first (a bad line stops the import before anything
        is imported), then streamed oldest first (file order among equal times)."""
        done = int(cursor[7:]) if cursor and cursor.startswith("sorted:") else 0
        mentions = [(self._mention(data, where), n) for n, data, where in self._records(0)]
        mentions.sort(key=lambda pair: (pair[0].created_at, pair[1]))
        self.resumed_after = done
        for i, (m, _n) in enumerate(mentions[done:], start=done + 1):
            if self._closed:
                return
            yield m, f"sorted:{i}"

    def disorder(self, tolerance: dt.timedelta) -> Disorder | None:
        """The first place the file's times go back by more than ``tolerance`` (None when
        they never do). Lines that cannot be read are left to the import to report."""
        latest: tuple[dt.datetime, int] | None = None
        first: tuple[int, dt.datetime, int, dt.datetime] | None = None
        count = 0
        lines = self.lines  # this look ahead is no progress of the import
        try:
            for n, data, where in self._records(0):
                try:
                    when = time_of(data, where)
                except InputError:
                    continue
                if latest is not None and when < latest[0] - tolerance:
                    count += 1
                    if first is None:
                        first = (n, when, latest[1], latest[0])
                elif latest is None or when > latest[0]:
                    latest = (when, n)
        except InputError:
            pass  # the import stops at that line and says why
        self.lines = lines
        return Disorder(*first, count) if first is not None else None

    def _records(self, skip: int) -> Iterator[tuple[int, dict[str, Any], str]]:
        """(line number, fields, where) of each record after line ``skip``."""
        try:
            fh = self.path.open("rb")
        except OSError as exc:
            raise InputError(
                f"cannot open the file: {exc.strerror}", where=str(self.path)
            ) from None
        with fh:
            if self._csv:
                yield from self._csv_rows(fh, skip)
                return
            for n, line in enumerate(self._text_lines(fh), start=1):
                self.lines = n
                if self._closed:
                    return
                if n <= skip or not line.strip():
                    continue
                where = f"{self.path}:{n}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"not valid JSON ({exc.msg}, column {exc.colno})",
                        where=where,
                        hint="each line must hold one complete JSON object, e.g. "
                        '{"id": "1", "text": "…", "created_at": "2026-01-05T10:00:00Z"}',
                    ) from None
                if not isinstance(data, dict):
                    raise InputError(
                        "each line must be a JSON object (between { and })", where=where
                    )
                if "\\ud" in line or "\\uD" in line:
                    _check_surrogates(data, where)
                yield n, data, where

    def _csv_rows(self, fh: BinaryIO, skip: int) -> Iterator[tuple[int, dict[str, Any], str]]:
        reader = csv.reader(self._text_lines(fh))
        try:
            header = next(reader, None)
            if header is None:
                return
            # Column names in any case (Excel exports write Text, Created_At).
            names = [h.strip().lower() for h in header]
            if any(c.strip() for c in header) and "text" not in names:
                found = ", ".join(repr(h.strip()) for h in header if h.strip())
                one = len(header) == 1 and (";" in header[0] or "\t" in header[0])
                raise InputError(
                    f"the header (line 1) has no 'text' column; it has {found}",
                    where=f"{self.path}:1",
                    hint="separate the columns with commas (this file seems to use another "
                    "separator)"
                    if one
                    else "the first line names the columns: text, created_at and optionally id, "
                    "platform, author_handle, followers, language, …",
                )
            for row in reader:
                n = reader.line_num  # the row's last line (a quoted field may span several)
                self.lines = n
                if self._closed:
                    return
                if n <= skip or not any(c.strip() for c in row):
                    continue
                where = f"{self.path}:{n}"
                if len(row) != len(names):
                    raise InputError(
                        f"this row has {len(row)} values but the header names "
                        f"{len(names)} columns ({', '.join(names)})",
                        where=where,
                        hint='put a value that contains a comma in double quotes: "Acme, again"',
                    )
                yield n, dict(zip(names, row, strict=True)), where
        except csv.Error as exc:
            raise InputError(
                f"malformed CSV ({exc})", where=f"{self.path}:{reader.line_num}"
            ) from None

    def _text_lines(self, fh: BinaryIO) -> Iterator[str]:
        """The file's lines as text, naming the line that is not UTF-8."""
        for n, raw in enumerate(fh, start=1):
            try:
                yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"this line is not UTF-8 text (byte {exc.start + 1} of the line)",
                    where=f"{self.path}:{n}",
                    hint="save the file as UTF-8 (in Excel: “CSV UTF-8”), then import it again",
                ) from None


def _check_surrogates(data: dict[str, object], where: str) -> None:
    """Refuse a line whose ``\\u`` escapes hold half of a UTF-16 pair (a character cut in two
    by the program that wrote the file): no database can store it."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        half = f"\\u{ord(str(exc.object)[exc.start]):04x}"
        raise InputError(
            f"this line holds a broken character: the escape {half} is half of a pair "
            "(an emoji or other character cut in two)",
            where=where,
            hint=f"remove {half} from the line or write the whole character, then import again",
        ) from None


def _fingerprint(path: Path, lines: int) -> str:
    """A short digest of the file's absolute path and its first ``lines`` lines (a CSV's
    header and first row; a JSONL file's first record): unchanged when the file grows."""
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape"))
    try:
        with path.open("rb") as fh:
            head = fh.read(FINGERPRINT_BYTES)
    except OSError:
        head = b""  # reported when the import opens it
    digest.update(b"\n".join(head.split(b"\n")[:lines]))
    return digest.hexdigest()[:12]
