"""Reading batches of drafts (JSONL or a YAML list) with errors that name the record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from firewarden.checks.context import Context
from firewarden.errors import InputError

_RECORD_FIELDS = {"id", "text", "context"}
#: Fields of the case library that describe a case rather than the draft; read and ignored.
_DESCRIPTIVE = {
    "company", "year", "platform", "language", "medium", "risks", "first_response", "source",
    "expected", "label", "notes", "category",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    text: str
    context: Context
    where: str
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BadRecord:
    id: str
    where: str
    error: InputError
    #: The record is well formed but has nothing to check (a video case with no description).
    empty: bool = False


def read_records(path: Path) -> Iterator[Record | BadRecord]:
    """Yield each record of a JSONL or YAML file; a bad record is yielded as ``BadRecord``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", hint="check the path") from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"the file is not valid UTF-8 (byte {exc.start}, line {line})",
            where=str(path),
            hint="save the file as UTF-8",
        ) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        yield from _yaml_records(content, str(path))
    else:
        yield from _jsonl_records(content, str(path))


def _jsonl_records(content: str, name: str) -> Iterator[Record | BadRecord]:
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(
                str(number),
                where,
                InputError(f"not valid JSON ({exc.msg}, column {exc.colno})", where=where),
            )
            continue
        yield _record(raw, where, default_id=str(number))


def _yaml_records(content: str, name: str) -> Iterator[Record | BadRecord]:
    try:
        nodes = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", where=where) from None
    if nodes is None:
        return
    if not isinstance(nodes, yaml.SequenceNode):
        raise InputError("expected a list of records", where=f"{name}:{nodes.start_mark.line + 1}")
    for index, node in enumerate(nodes.value, start=1):
        where = f"{name}:{node.start_mark.line + 1}"
        try:
            raw = yaml.safe_load(yaml.serialize(node))
        except yaml.YAMLError as exc:
            yield BadRecord(str(index), where, InputError(f"not valid YAML: {exc}", where=where))
            continue
        yield _record(raw, where, default_id=str(index))


def _record(raw: Any, where: str, *, default_id: str) -> Record | BadRecord:
    if not isinstance(raw, dict):
        return BadRecord(default_id, where, InputError("a record must be a mapping", where=where))
    rid = str(raw.get("id", default_id))
    unknown = sorted(set(raw) - _RECORD_FIELDS - _DESCRIPTIVE)
    if unknown:
        return BadRecord(
            rid,
            where,
            InputError(
                f"unknown field(s): {', '.join(unknown)}",
                where=where,
                hint="a record has id, text and context (date, account, events, sponsored, "
                "attachment, ...)",
            ),
        )
    text = raw.get("text")
    try:
        context = Context.from_mapping(raw.get("context"), where=f"{where} context")
    except InputError as exc:
        return BadRecord(rid, where, exc)
    if text is None and context.attachment:
        text = ""  # an image-only post: the attachment's description is what gets checked
    if text is None:
        return BadRecord(
            rid,
            where,
            InputError(
                "nothing to check: the record has neither text nor an attachment description",
                where=where,
                hint="add the post's text, or describe the image or video in context.attachment",
            ),
            empty=True,
        )
    if not isinstance(text, str):
        return BadRecord(rid, where, InputError("the record's text must be text", where=where))
    return Record(id=rid, text=text, context=context, where=where, raw=raw)
