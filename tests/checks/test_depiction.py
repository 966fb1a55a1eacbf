"""Depiction: animal and savagery words paired, across fields, with a person of colour."""

from __future__ import annotations

import pytest

from firewarden.checks.context import Context
from firewarden.checks.detectors import default_detectors
from firewarden.checks.detectors.depiction import DepictionDetector
from firewarden.checks.engine import run
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines


def check(text: str, attachment: str = "") -> list[Finding]:
    report = run(text, Context(attachment=attachment), Guidelines(), [DepictionDetector()])
    return list(report.findings)


def test_registered_by_default() -> None:
    assert any(d.name == "depiction" for d in default_detectors())


@pytest.mark.parametrize(
    ("text", "attachment", "field", "excerpt"),
    [
        ("Coolest Monkey in the Jungle", "a black child modelling a hoodie with this print",
         "text", "Monkey"),
        ("Cheeky little monkey! Our new hoodie is here.",
         "photo of a young African American boy wearing the hoodie", "text", "monkey"),
        ("Meet Jamal, a Black student in our scholarship programme",
         "him standing next to a gorilla mascot", "attachment", "gorilla"),
        ("ジャングルで一番クールなおサル", "黒人の男の子がパーカーを着た写真",
         "text", "ジャングル"),
    ],
)  # fmt: skip
def test_trope_word_with_a_person_of_colour_in_the_other_field(
    text: str, attachment: str, field: str, excerpt: str
) -> None:
    (f,) = check(text, attachment)
    assert (f.rule_id, f.category, f.severity) == (
        "depiction.dehumanising",
        "racism",
        Severity.HIGH,
    )
    assert (f.field, f.excerpt) == (field, excerpt)
    source = text if field == "text" else attachment
    assert source[f.start : f.end] == f.excerpt


@pytest.mark.parametrize(
    ("text", "attachment"),
    [
        ("Coolest monkey in the jungle: our plush collection", "a plush toy monkey on a shelf"),
        ("Cheeky little monkey! Meet the zoo's newest resident", "a baby chimpanzee with a banana"),
        ("Our new hoodie is here.", "a Black teenager modelling the hoodie in a park"),
        ("Coolest Monkey in the Jungle", ""),
        ("Black Friday: monkey bread is back", "a tray of monkey bread"),
    ],
)
def test_no_pairing_no_finding(text: str, attachment: str) -> None:
    assert not check(text, attachment)
