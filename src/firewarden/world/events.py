"""Active events from a file: what is happening in the world while posts go out."""

from __future__ import annotations

from pathlib import Path

import yaml

from firewarden.errors import InputError


def read_events_file(path: Path) -> tuple[str, ...]:
    """Read events from YAML (a list of text, or of mappings with ``name``) or plain lines."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the events file: {exc}", where=str(path)) from None
    if path.suffix.lower() not in (".yaml", ".yml"):
        return tuple(
            line.strip()
            for line in content.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        )
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", where=str(path)) from None
    if data is None:
        return ()
    if isinstance(data, dict) and "events" in data:
        data = data["events"]
    if not isinstance(data, list):
        raise InputError("expected a list of events", where=str(path))
    out = []
    for i, item in enumerate(data, start=1):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(item["name"])
        else:
            raise InputError(
                "each event is text or a mapping with a name", where=f"{path} item {i}"
            )
    return tuple(out)
