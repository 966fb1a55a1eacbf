"""Cutting a draft's text into plain and highlighted pieces for the findings (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def marked(text: str, findings: Iterable[Mapping[str, Any]]) -> list[tuple[str, int | None]]:
    """``(piece, finding index or None)`` in order; overlapping spans go to the earlier finding.
    Only findings in the text field (not attachments) are marked."""
    spans = sorted(
        (int(f["start"]), int(f["end"]), i)
        for i, f in enumerate(findings)
        if f.get("field", "text") == "text" and 0 <= int(f["start"]) < int(f["end"]) <= len(text)
    )
    pieces: list[tuple[str, int | None]] = []
    pos = 0
    for start, end, index in spans:
        if start < pos:
            continue
        if start > pos:
            pieces.append((text[pos:start], None))
        pieces.append((text[start:end], index))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces
