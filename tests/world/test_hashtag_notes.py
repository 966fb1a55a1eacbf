"""Hashtag notes: the built-in list, the shapes that generalise it, the entry format."""

from __future__ import annotations

import pytest

from firewarden.errors import ConfigError
from firewarden.world.hashtag_notes import (
    HASHTAG_KINDS,
    builtin_hashtag_notes,
    note_key,
    parse_hashtag_entry,
    pattern_note,
)


def test_builtin_notes_are_keyed_by_folded_tag() -> None:
    notes = builtin_hashtag_notes()
    assert notes["whyistayed"].kind == "abuse"
    assert "metoo" in notes and "blacklivesmatter" in notes and "kutoo" in notes
    assert note_key("＃検察庁法改正案に抗議します") in notes
    for key, note in notes.items():
        assert key == note.tag == note_key(note.tag)
        assert note.kind in HASHTAG_KINDS
        assert note.meaning and note.reference.startswith("https://")


def test_builtin_notes_are_a_fresh_copy() -> None:
    builtin_hashtag_notes().clear()
    assert builtin_hashtag_notes()


@pytest.mark.parametrize(
    "tag",
    ["PrayForParis", "PrayForTurkey", "ManchesterStrong", "RIPKobe", "JusticeForBreonna",
     "StandWithHongKong", "StopAsianHate", "BlueLivesMatter", "ChurchToo", "JeSuisParis",
     "がんばろう熊本", "頑張ろう石川", "増税に抗議します"],
)  # fmt: skip
def test_shapes_of_solidarity_and_protest_tags(tag: str) -> None:
    assert pattern_note(note_key(tag)) is not None


@pytest.mark.parametrize(
    "tag", ["Armstrong", "StayStrong", "ripped", "RipCurl", "summer", "sale", "tattoo", "MotorCity"]
)
def test_ordinary_tags_have_no_note(tag: str) -> None:
    assert pattern_note(note_key(tag)) is None


def test_entry_format_and_errors() -> None:
    note = parse_hashtag_entry(
        {"tag": "#OurStrike", "kind": "political", "meaning": "the 2024 strike"}, where="h"
    )
    assert note.tag == "ourstrike" and note.kind == "political"
    with pytest.raises(ConfigError, match="unknown hashtag kind"):
        parse_hashtag_entry({"tag": "x", "kind": "fun"}, where="h")
    with pytest.raises(ConfigError, match="needs a tag"):
        parse_hashtag_entry({"kind": "movement"}, where="h")
