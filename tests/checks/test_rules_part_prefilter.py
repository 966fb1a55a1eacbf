"""Skipping the parts of a rule whose keys a text lacks never changes what the rule finds.

A ``near`` needs every group, a token pattern every word, a phrase list one phrase; a part
whose keys are absent cannot match, so ``find`` does not search it. These tests compare
``find`` with and without the text's keys on every rule's own words, the packs' examples and
the shared corpora.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firewarden.checks.draft import analyse_field
from firewarden.guidelines.loader import builtin_guidelines, load_guidelines
from firewarden.guidelines.matcher import CompiledMatch
from firewarden.guidelines.model import Rule

TRAPS = Path(__file__).parent.parent / "guidelines" / "packs" / "traps.yaml"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _rules() -> tuple[Rule, ...]:
    return builtin_guidelines().rules + load_guidelines([TRAPS], builtin=False).rules


def _blocks() -> list[CompiledMatch]:
    return [b for r in _rules() for b in (r.match, r.unless) if isinstance(b, CompiledMatch)]


BLOCKS = _blocks()


def _words() -> list[str]:
    """The words the rules themselves are written with (phrases, token items, near groups)."""
    words: set[str] = set()
    for block in BLOCKS:
        for pattern in block.patterns():
            words.update(re.findall(r"[a-z]{2,}|[\u3040-\u30ff\u4e00-\u9fff]+", pattern.source))
    return sorted(words)


WORDS = _words()


def _same(text: str) -> None:
    field = analyse_field("text", text)
    unfiltered = replace(field, keys=None)
    for block in BLOCKS:
        assert block.find(field) == block.find(unfiltered), (text, block.phrases[:3])


def test_the_rules_have_words_to_combine() -> None:
    assert len(WORDS) > 200


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=10),
    st.sampled_from([" ", "", "-", " the ", ", "]),
)
def test_rule_words_in_any_combination(words: list[str], sep: str) -> None:
    _same(sep.join(words))


def test_the_packs_examples() -> None:
    for rule in _rules():
        for text in (*rule.examples.flag, *rule.examples.pass_):
            _same(text)


def test_the_shared_corpora() -> None:
    path = SHARED / "tweeteval" / "hate" / "val_text.txt"
    if not path.exists():
        pytest.skip("the shared corpora are not beside the repository (../shared/data)")
    for text in path.read_text(encoding="utf-8").splitlines()[:1000]:
        _same(text)
