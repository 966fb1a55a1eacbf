"""Running rule examples: contexts that satisfy conditions, and failures that explain."""

from __future__ import annotations

from pathlib import Path

from pack_helpers import traps, write_pack

from firewarden.checks.detectors import default_detectors
from firewarden.guidelines.examples import example_input, run_examples
from firewarden.guidelines.loader import load_guidelines


def test_examples_get_a_context_that_satisfies_the_rule() -> None:
    rules = {r.id: r for r in traps().rules}
    _, moment = example_input(rules["t.promo.disaster"], "x")
    assert moment.events and not moment.sponsored
    _, sponsored = example_input(rules["t.sponsored.ad"], "x")
    assert sponsored.sponsored and not sponsored.events


def test_all_trap_examples_pass() -> None:
    results = run_examples(traps(), default_detectors())
    assert results and all(r.ok for r in results), [str(r) for r in results if not r.ok]


def _one_failure(tmp_path: Path, rule: str) -> str:
    path = write_pack(tmp_path, f"pack: p\nlanguage: en\nrules:\n{rule}")
    [failed] = [r for r in run_examples(load_guidelines([path], builtin=False),
                                        default_detectors()) if not r.ok]  # fmt: skip
    return str(failed)


def test_failure_explains_a_missing_intent(tmp_path: Path) -> None:
    rule = """
  - id: p.joke
    category: tone-deaf-humour
    severity: high
    match: {phrases: ["storm"]}
    when: {intents: [humour]}
    message: "m"
    examples: {flag: ["what a storm"]}
"""
    assert "does not read as humour" in _one_failure(tmp_path, rule)


def test_failure_explains_a_language_mismatch(tmp_path: Path) -> None:
    rule = """
  - id: p.ja
    category: profanity
    severity: high
    match: {phrases: ["くそ"]}
    message: "m"
    examples: {flag: ["This is an English post, not くそ"]}
"""
    japanese = rule.replace("    message", "    language: ja\n    message")
    assert "the example reads as en but the rule is for ja" in _one_failure(tmp_path, japanese)


def test_failure_explains_an_exception_and_an_allowed_term(tmp_path: Path) -> None:
    rule = """
  - id: p.kill
    category: violence
    severity: high
    match: {phrases: ["kill"]}
    unless: {phrases: ["killer deal"]}
    message: "m"
    examples: {flag: ["killer deals"]}
"""
    assert "exception (unless:) cancelled it" in _one_failure(tmp_path, rule)
    allowed = (
        rule.replace('    unless: {phrases: ["killer deal"]}\n', "") + 'allow: ["killer deals"]\n'
    )
    assert "inside a term the guidelines allow" in _one_failure(tmp_path, allowed)
