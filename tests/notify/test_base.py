from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .conftest import alert


def test_level_must_be_known() -> None:
    with pytest.raises(ValueError, match="watch, warning, crisis"):
        alert(level="panic")


def test_time_must_carry_a_timezone() -> None:
    with pytest.raises(ValueError, match="timezone"):
        alert(time=datetime(2025, 1, 10, 18, 30))


def test_label_and_time_text() -> None:
    assert alert("warning").label == "Warning"
    assert alert().time_text == "2025-01-10 18:30 UTC+09:00"
    assert alert(time=datetime(2025, 1, 10, 9, 30, tzinfo=UTC)).time_text == "2025-01-10 09:30 UTC"
