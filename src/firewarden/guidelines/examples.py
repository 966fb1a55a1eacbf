"""Run every active rule's embedded examples through the real check engine.

A ``flag`` example must produce a finding of its rule; a ``pass`` example must not. Each
example runs in a context that satisfies the rule's conditions (a synthetic disaster for
``sensitive_moment: true``, a sponsored post for ``sponsored: true``, the required account
kind), so an example tests what the rule matches, not when it applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from firewarden.checks.context import Context
from firewarden.checks.detectors.rules import RulesDetector, applies, rule_spans
from firewarden.checks.draft import Draft
from firewarden.checks.engine import Detector, analyse, run
from firewarden.checks.types import Finding, Report
from firewarden.guidelines.model import Guidelines, Rule

#: The event an example of a ``sensitive_moment: true`` rule is checked during.
SYNTHETIC_EVENT = "earthquake and tsunami warning (synthetic event for rule examples)"


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: Rule
    kind: str  # "flag" or "pass"
    text: str
    ok: bool
    detail: str = ""

    def __str__(self) -> str:
        where = f"{self.rule.source}:{self.rule.line}" if self.rule.source else self.rule.origin
        status = "ok" if self.ok else "FAILED"
        line = f"{where}: {self.rule.id}: {self.kind} example {status}: {self.text!r}"
        return line + (f"\n  {self.detail}" if self.detail else "")


def example_input(rule: Rule, example: str) -> tuple[str, Context]:
    """The draft text and context an example of ``rule`` is checked with."""
    when = rule.when
    attachment_only = bool(when.fields) and "text" not in when.fields
    return ("" if attachment_only else example), Context(
        account=when.account or "corporate",
        sponsored=bool(when.sponsored),
        events=(SYNTHETIC_EVENT,) if when.sensitive_moment else (),
        attachment=example if attachment_only else "",
    )


def run_examples(
    guidelines: Guidelines,
    detectors: Sequence[Detector],
    rules: Sequence[Rule] | None = None,
) -> list[ExampleResult]:
    """Check the examples of the given rules (default: every enabled rule)."""
    chosen = [r for r in (rules if rules is not None else guidelines.rules)]
    results = []
    for rule in chosen:
        if not guidelines.is_enabled(rule.id):
            continue
        for text in rule.examples.flag:
            results.append(_check(rule, "flag", text, guidelines, detectors))
        for text in rule.examples.pass_:
            results.append(_check(rule, "pass", text, guidelines, detectors))
    return results


def _check(
    rule: Rule, kind: str, example: str, guidelines: Guidelines, detectors: Sequence[Detector]
) -> ExampleResult:
    text, context = example_input(rule, example)
    report = run(text, context, guidelines, detectors)
    draft = analyse(text, context, guidelines)
    raw = [f for f in RulesDetector().findings(draft, guidelines) if f.rule_id == rule.id]
    suppressed = {(f.field, f.start, f.end) for f in report.suppressed if f.rule_id == rule.id}
    live = [f for f in raw if (f.field, f.start, f.end) not in suppressed]
    if kind == "pass":
        if not live:
            return ExampleResult(rule, kind, example, True)
        found = ", ".join(repr(f.excerpt) for f in live)
        return ExampleResult(rule, kind, example, False, f"the rule matched {found}")
    if any(f.rule_id == rule.id for f in report.findings):
        return ExampleResult(rule, kind, example, True)
    if live:
        shadow = _shadow(live[0], report)
        if shadow is not None:
            return ExampleResult(rule, kind, example, True, f"reported as {shadow.rule_id}")
        return ExampleResult(rule, kind, example, False, "the finding was dropped by the engine")
    if raw:
        return ExampleResult(
            rule, kind, example, False, "the match is inside a term the guidelines allow (allow:)"
        )
    return ExampleResult(rule, kind, example, False, _why_no_match(rule, draft))


def _shadow(finding: Finding, report: Report) -> Finding | None:
    """A graver finding of the same category over the same text, which the engine kept."""
    for f in report.findings:
        if (
            f.category == finding.category
            and f.field == finding.field
            and f.start < finding.end
            and finding.start < f.end
        ):
            return f
    return None


def _why_no_match(rule: Rule, draft: Draft) -> str:
    for field in draft.fields:
        if field.language not in rule.languages:
            continue
        if not applies(rule, draft, field):
            wanted = ", ".join(rule.when.intents)
            seen = ", ".join(sorted(draft.intents)) or "none"
            return f"the draft does not read as {wanted} (intents found: {seen})"
        if rule.match.find(field) and not rule_spans(rule, field):
            return "the rule matched but an exception (unless:) cancelled it"
    languages = {f.language for f in draft.fields}
    if not languages & set(rule.languages):
        found = ", ".join(sorted(languages))
        return f"the example reads as {found} but the rule is for {', '.join(rule.languages)}"
    return "the rule did not match"
