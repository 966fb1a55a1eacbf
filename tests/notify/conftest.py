"""Shared pieces for the notifier tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from firewarden.notify.base import AlertMessage

JST = timezone(timedelta(hours=9))


def alert(level: str = "crisis", **changes: object) -> AlertMessage:
    """A typical alert as the detector hands it over."""
    fields: dict[str, object] = {
        "title": "Mentions of the Friday campaign jumped 9x",
        "level": level,
        "summary": "Negative replies <5 min> & quote posts are spreading fast.",
        "explanation": ("mentions per hour 9.2x the baseline", "62% negative (usual 12%)"),
        "url": "https://firewarden.example/alerts/42",
        "watch": "brand: Acme",
        "time": datetime(2025, 1, 10, 18, 30, tzinfo=JST),
    }
    fields.update(changes)
    return AlertMessage(**fields)  # type: ignore[arg-type]


@pytest.fixture
def crisis() -> AlertMessage:
    return alert()
