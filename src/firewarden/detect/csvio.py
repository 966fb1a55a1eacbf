"""Reading and writing ``timestamp,value`` series files (streamed, with clear errors)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from firewarden.detect.types import Decision
from firewarden.errors import InputError

_HINT = "the file needs a header 'timestamp,value' and one row per bucket, oldest first"
_TIME_HINT = (
    "write times as ISO 8601 (2026-01-05 10:00, 2026-01-05T10:00:00Z; without a zone they are "
    "UTC) or Unix seconds (1767607200)"
)
_VALUE_HINT = "write plain numbers such as 12 or 3.5 (no thousands separators, units or blanks)"


def parse_timestamp(text: str) -> datetime:
    """ISO 8601 (``2015-02-26 21:42:53``, ``...T...Z``) or Unix seconds; naive means UTC."""
    text = text.strip()
    try:
        ts = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            ts = datetime.fromtimestamp(float(text), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"not a timestamp: {text!r}") from None
    # Mixed aware/naive timestamps cannot be compared; keep everything naive UTC.
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


def read_series(path: Path, *, allow_unsorted: bool = False) -> Iterator[tuple[datetime, float]]:
    """Yield (timestamp, value) rows of a series file, checking as it streams.

    ``allow_unsorted`` passes rows that go back in time (benchmark files have a few).
    Raises :class:`InputError` naming the line for a missing header, a bad timestamp, a
    non-numeric value, or a timestamp earlier than the one before it.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", where=str(path)) from None
    with handle:
        try:
            yield from _rows(handle, str(path), allow_unsorted)
        except UnicodeDecodeError:
            raise InputError(
                "the file is not UTF-8 text",
                where=str(path),
                hint="save it as UTF-8 (in Excel: “CSV UTF-8”), then run the command again",
            ) from None


def _rows(
    handle: TextIO, where: str, allow_unsorted: bool = False
) -> Iterator[tuple[datetime, float]]:
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError("the file is empty", where=where, hint=_HINT)
        names = [h.strip().lower() for h in header]
        if "timestamp" not in names or "value" not in names:
            raise InputError(
                f"line 1: expected the columns 'timestamp' and 'value', found {header!r}",
                where=where,
                hint=_HINT,
            )
        i_ts, i_val = names.index("timestamp"), names.index("value")
        last: datetime | None = None
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                # More values than columns is a comma inside a value (1,234): never guess.
                raise InputError(
                    f"line {line}: expected {len(header)} values ({', '.join(header)}), "
                    f"found {len(row)}",
                    where=where,
                    hint=_VALUE_HINT if len(row) > len(header) else _HINT,
                )
            try:
                ts = parse_timestamp(row[i_ts])
            except ValueError as exc:
                raise InputError(
                    f"line {line}, column timestamp: {exc}", where=where, hint=_TIME_HINT
                ) from None
            text = row[i_val].strip()
            try:
                value = float(text)
            except ValueError:
                raise InputError(
                    f"line {line}, column value: {text!r} is not a number"
                    if text
                    else f"line {line}, column value: the value is missing",
                    where=where,
                    hint=_VALUE_HINT,
                ) from None
            if value != value or value in (float("inf"), float("-inf")):
                raise InputError(
                    f"line {line}, column value: {text!r} is not a finite number",
                    where=where,
                    hint=_VALUE_HINT,
                )
            # Equal timestamps are tolerated (clock changes repeat an hour); going back is not.
            if last is not None and ts < last and not allow_unsorted:
                raise InputError(
                    f"line {line}: timestamp {row[i_ts].strip()} is earlier than the previous "
                    f"one ({last.isoformat(sep=' ')})",
                    where=where,
                    hint="sort the file by timestamp, oldest first",
                )
            last = ts
            yield ts, value
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: malformed CSV ({exc})", where=where) from None


def write_decisions(out: TextIO, rows: Iterable[tuple[datetime, float, Decision]]) -> int:
    """Write ``timestamp,value,alert,level,score`` rows; returns the number of alerts."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["timestamp", "value", "alert", "level", "score"])
    alerts = 0
    for ts, value, d in rows:
        alerts += d.alert
        writer.writerow(
            [ts.isoformat(sep=" "), _num(value), int(d.alert), d.level.label, f"{d.score:.3f}"]
        )
    return alerts


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def rows_from_text(text: str, where: str = "<text>") -> Iterator[tuple[datetime, float]]:
    """Like :func:`read_series` on an in-memory CSV (for tests and the API)."""
    yield from _rows(io.StringIO(text), where)
