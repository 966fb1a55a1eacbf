"""Import mentions from a JSON Lines or CSV file: the universal path (exports, other tools).

Fields (JSON keys or CSV column names): ``platform`` (default ``import``), ``id``, ``text``,
``created_at`` (ISO 8601 or Unix seconds), and optionally ``url``, ``author_id``,
``author_handle``, ``followers``, ``language``, ``reply_to``, ``reply_to_author``,
``quote_of``, ``quote_of_author``, ``repost_of``, ``likes``, ``reposts``, ``replies``,
``quotes``, ``media`` (``image,video``). The cursor is the line number reached, so an
interrupted import resumes where it stopped. A bad line stops the import with its number.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from firewarden.errors import InputError
from firewarden.listen.mention import Mention


class FileSource:
    """Mentions from ``path`` (``.jsonl``/``.ndjson``/``.json`` lines, or ``.csv``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"file:{path.name}"
        suffix = path.suffix.lower()
        if suffix not in (".jsonl", ".ndjson", ".json", ".csv"):
            raise InputError(
                f"cannot import {path.suffix or 'a file without extension'}",
                where=str(path),
                hint="use a .jsonl (one JSON object per line) or .csv file",
            )
        self._csv = suffix == ".csv"
        self._closed = False

    def close(self) -> None:
        self._closed = True

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        skip = int(cursor) if cursor and cursor.isdigit() else 0
        try:
            fh = self.path.open(encoding="utf-8", newline="")
        except OSError as exc:
            raise InputError(
                f"cannot open the file: {exc.strerror}", where=str(self.path)
            ) from None
        with fh:
            if self._csv:
                reader = csv.DictReader(fh)
                for n, row in enumerate(reader, start=2):
                    if self._closed:
                        return
                    if n <= skip:
                        continue
                    where = f"{self.path}:{n}"
                    data = {k: v for k, v in row.items() if k is not None}
                    yield Mention.from_dict(data, where=where), str(n)
                return
            for n, line in enumerate(fh, start=1):
                if self._closed:
                    return
                if n <= skip or not line.strip():
                    continue
                where = f"{self.path}:{n}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON ({exc.msg})", where=where) from None
                if not isinstance(data, dict):
                    raise InputError("each line must be a JSON object", where=where)
                yield Mention.from_dict(data, where=where), str(n)
