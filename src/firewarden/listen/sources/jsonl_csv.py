"""Import mentions from a JSON Lines or CSV file: the universal path (exports, other tools).

Fields (JSON keys or CSV column names): ``platform`` (default ``import``), ``id``, ``text``,
``created_at`` (ISO 8601 or Unix seconds), and optionally ``url``, ``author_id``,
``author_handle``, ``followers``, ``language``, ``reply_to``, ``reply_to_author``,
``quote_of``, ``quote_of_author``, ``repost_of``, ``likes``, ``reposts``, ``replies``,
``quotes``, ``media`` (``image,video``). The cursor is the line number reached, so an
interrupted import resumes where it stopped. A bad line stops the import with its number.

The cursor is kept per file: its name plus a fingerprint of its place and its first
record (a CSV's header and first row), so another file of the same name (a new day's export
written over the old one, another folder) starts at its first line instead of being skipped
up to where the other one ended, while a file that grew or whose bad line was corrected
further down resumes.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from firewarden.errors import InputError
from firewarden.listen.mention import Mention

#: At most this much of the start of a file identifies it (with its absolute path).
FINGERPRINT_BYTES = 4096


class FileSource:
    """Mentions from ``path`` (``.jsonl``/``.ndjson``/``.json`` lines, or ``.csv``).

    After :meth:`stream`, ``resumed_after`` is the line an earlier import had reached (0 when
    it started at the top) and ``lines`` the last line read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
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
        skip = int(cursor) if cursor and cursor.isdigit() else 0
        self.resumed_after = skip
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
                yield Mention.from_dict(data, where=where), str(n)

    def _csv_rows(self, fh: BinaryIO, skip: int) -> Iterator[tuple[Mention, str]]:
        reader = csv.reader(self._text_lines(fh))
        try:
            header = next(reader, None)
            if header is None:
                return
            names = [h.strip() for h in header]
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
                yield Mention.from_dict(dict(zip(names, row, strict=True)), where=where), str(n)
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
