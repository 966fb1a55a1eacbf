"""The rules detector: conditions, language, exceptions, spans in the original, the prefilter."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firewarden.checks.context import Context
from firewarden.checks.detectors import default_detectors
from firewarden.checks.detectors.rules import RulesDetector, applies, index_for, rule_spans
from firewarden.checks.engine import analyse, run
from firewarden.checks.types import Report
from firewarden.guidelines.loader import builtin_guidelines, load_guidelines
from firewarden.guidelines.model import Guidelines

TRAPS = Path(__file__).parent.parent / "guidelines" / "packs" / "traps.yaml"


@pytest.fixture(scope="module")
def traps() -> Guidelines:
    return load_guidelines([TRAPS], builtin=False)


def check(text: str, g: Guidelines, **context: object) -> Report:
    """Check with the rules detector alone, so other detectors' findings do not interfere."""
    return run(text, Context(**context), g, (RulesDetector(),))  # type: ignore[arg-type]


def ids(report: Report) -> set[str]:
    return {f.rule_id for f in report.findings}


def test_rules_detector_is_a_default_detector() -> None:
    assert any(d.name == "rules" for d in default_detectors())


@pytest.mark.parametrize(
    "text",
    [
        "Killer deals all week!",
        "This burger is sick",
        "Black coffee is always on the house",
        "A classic from Scunthorpe",
        "Our assassin-themed escape room",
        "Greetings from Essex",
        "Welcome Dick Smith to the team",
        "Congratulations Mr. Gay on the win",
    ],
)
def test_false_positive_traps_stay_quiet(traps: Guidelines, text: str) -> None:
    assert check(text, traps).findings == ()


def test_trap_words_still_flag_when_used_as_insults(traps: Guidelines) -> None:
    assert ids(check("We will kill the competition", traps)) == {"t.violence.kill"}
    assert ids(check("Only sick people shop there", traps)) == {"t.disability.sick"}
    assert ids(check("that is so gay", traps)) == {"t.slur.gay"}
    assert ids(check("what a dick", traps)) == {"t.slur.gay"}


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Ｆｕｃｋ this", "Ｆｕｃｋ"),
        ("f\u200bu\u200bc\u200bk this", "f\u200bu\u200bc\u200bk"),
        ("fuсk this", "fuсk"),
        ("FUUUUCK this", "FUUUUCK"),
        ("f u c k this", "f u c k"),
        ("what an @ss", "@ss"),
    ],
)
def test_evasions_are_found_and_spans_point_into_the_original(
    traps: Guidelines, text: str, excerpt: str
) -> None:
    [f] = check(text, traps).findings
    assert text[f.start : f.end] == f.excerpt == excerpt
    assert excerpt in f.message  # {match} is the original wording


def test_finding_carries_rule_data_and_origin(traps: Guidelines) -> None:
    [f] = check("what the fuck", traps).findings
    assert (f.rule_id, f.category, f.detector, f.origin) == (
        "t.profanity.fuck", "profanity", "rules", "test/traps",
    )  # fmt: skip
    assert f.message == "Profanity: fuck"


def test_language_of_rule_must_match_the_field(traps: Guidelines) -> None:
    assert ids(check("クソだな", traps)) == {"t.ja.kuso"}
    assert ids(check("the kuso クソ brand is an English post about things", traps)) == set()


def test_sensitive_moment_and_intent_conditions(traps: Guidelines) -> None:
    text = "Huge party sale this weekend, 20% off!"
    assert ids(check(text, traps)) == set()
    assert ids(check(text, traps, events=("hurricane making landfall",))) == {"t.promo.disaster"}
    no_promo = "the party was moved to the community hall"
    assert ids(check(no_promo, traps, events=("hurricane making landfall",))) == set()


def test_sponsored_condition(traps: Guidelines) -> None:
    assert ids(check("I love this product", traps)) == set()
    assert ids(check("I love this product", traps, sponsored=True)) == {"t.sponsored.ad"}


def test_account_and_field_conditions(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(textwrap.dedent("""
        pack: p
        rules:
          - id: p.personal
            category: wrong-account
            severity: high
            match: {phrases: ["my boss"]}
            when: {account: corporate, fields: [attachment]}
            message: "Sounds personal: {match}"
        """), encoding="utf-8")  # fmt: skip
    g = load_guidelines([pack], builtin=False)
    assert ids(check("my boss is great", g)) == set()
    [f] = check("look", g, attachment="photo of my boss").findings
    assert (f.field, f.excerpt) == ("attachment", "my boss")
    assert ids(check("look", g, attachment="my boss", account="personal")) == set()


def test_unless_window_zero_looks_at_the_whole_text(traps: Guidelines) -> None:
    text = "Only sick people eat there. Honestly this burger is sick."
    assert ids(check(text, traps)) == set()


def test_detector_skips_disabled_rules(traps: Guidelines) -> None:
    from dataclasses import replace

    g = replace(traps, disabled=frozenset({"t.profanity.fuck"}))
    draft = analyse("fuck", Context(), g)
    assert list(RulesDetector().findings(draft, g)) == []


_VOCABULARY = (
    "fuck fuuck f u c k ass classic kill killer deals sick black people always gay mr. "
    "married marry girls when will 女性 結婚 クソ くっそ 死ね sale 20% off hurricane the a "
    "biological clock spinster old maid boomer #hashtag @ss sh1t ｆｕｃｋ"
)
_WORDS = st.sampled_from(_VOCABULARY.split())


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12), st.sampled_from([" ", "", "-", "ー"]))
def test_prefilter_never_hides_a_match(words: list[str], sep: str) -> None:
    g = Guidelines(rules=builtin_guidelines().rules + load_guidelines([TRAPS], builtin=False).rules)
    text = sep.join(words)
    draft = analyse(text, Context(events=("earthquake",), sponsored=True), g)
    index = index_for(g.rules)
    for field in draft.fields:
        candidates = {r.id for r in index.candidates(field.text)}
        for rule in g.rules:
            if applies(rule, draft, field) and rule_spans(rule, field):
                assert rule.id in candidates, (rule.id, text)
