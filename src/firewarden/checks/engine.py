"""The check: analyse a draft once, run the detectors, combine their findings into a report.

The engine is pure: it reads no clock, file or network. Guidelines are loaded by the caller
(or the built-in packs, loaded once and cached, when none are given).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Protocol

from firewarden.checks.context import Context
from firewarden.checks.draft import Draft, Field, analyse_field
from firewarden.checks.intent import detect_intents
from firewarden.checks.types import Finding, Level, Report, Severity
from firewarden.errors import InputError
from firewarden.guidelines.model import Guidelines
from firewarden.world.active import active_moments
from firewarden.world.moments import Moment

#: Drafts longer than this are refused: no platform accepts them and they are likely a mistake.
MAX_TEXT_CHARS = 100_000

_SURROGATE = re.compile("[\ud800-\udfff]")

#: How much one finding of each severity adds to the score (combined as independent risks).
_WEIGHT = {
    Severity.INFO: 0.02,
    Severity.LOW: 0.15,
    Severity.MEDIUM: 0.4,
    Severity.HIGH: 0.7,
    Severity.CRITICAL: 0.95,
}


class Detector(Protocol):
    """Something that reads an analysed draft and yields findings."""

    name: str

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterable[Finding]: ...


def analyse(text: str, context: Context, guidelines: Guidelines) -> Draft:
    """Fold, tokenise and read the intents and moments of a draft, once."""
    fields = [analyse_field("text", text, context.language)]
    if context.attachment.strip():
        fields.append(analyse_field("attachment", context.attachment, context.language))
    intents = detect_intents(" \n ".join(f.text for f in fields))
    moments: tuple[Moment, ...] = active_moments(context, guidelines.sensitive_dates)
    return Draft(
        fields=tuple(fields),
        context=context,
        language=fields[0].language,
        intents=intents,
        moments=moments,
    )


def validate_text(text: object, context: Context | None = None) -> str:
    """The draft text, or an error that says what is wrong with it."""
    if not isinstance(text, str):
        raise InputError("the draft text must be a string")
    if not text.isascii() and _SURROGATE.search(text):
        raise InputError("the draft is not valid UTF-8 text", hint="save or paste it as UTF-8")
    if not text.strip() and not (context and context.attachment.strip()):
        raise InputError("the draft is empty", hint="give the text of the post to check")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"the draft is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}",
            hint="check one post at a time; long documents are not social media posts",
        )
    return text


def run(
    text: str,
    context: Context,
    guidelines: Guidelines,
    detectors: Sequence[Detector],
) -> Report:
    """Check one draft with the given detectors and guidelines."""
    validate_text(text, context)
    guidelines = guidelines.for_account(context.handle)
    draft = analyse(text, context, guidelines)
    raw: list[Finding] = []
    for detector in detectors:
        raw.extend(detector.findings(draft, guidelines))
    kept, suppressed = _apply_guidelines(raw, draft, guidelines)
    findings = _dedupe(kept)
    level = _level(findings)
    return Report(
        level=level,
        score=_score(findings, level),
        findings=tuple(findings),
        language=draft.language,
        suppressed=tuple(suppressed),
    )


def _apply_guidelines(
    findings: Iterable[Finding], draft: Draft, guidelines: Guidelines
) -> tuple[list[Finding], list[Finding]]:
    terms = guidelines.allowed_terms
    allowed = {f.name: _allowed_spans(f, terms) for f in draft.fields} if terms else {}
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for f in findings:
        if not guidelines.is_enabled(f.rule_id):
            continue
        sev = guidelines.severity_of(f.rule_id, f.severity)
        if sev != f.severity:
            f = replace(f, severity=sev)
        spans = allowed.get(f.field, [])
        if f.end > f.start and any(s <= f.start and f.end <= e for s, e in spans):
            suppressed.append(f)
        else:
            kept.append(f)
    return kept, suppressed


def _allowed_spans(field: Field, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Spans (in the original text) of the company's allowed terms."""
    spans = []
    for term in terms:
        if not term:
            continue
        pattern = re.escape(term)
        if term[0].isascii() and term[0].isalnum():
            pattern = rf"(?<![a-z0-9]){pattern}(?![a-z0-9])"
        for m in re.finditer(pattern, field.text):
            s, e, _ = field.span(m.start(), m.end())
            spans.append((s, e))
    return spans


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and span; overlapping findings of one category keep the gravest."""
    findings.sort(key=lambda f: (f.field, f.start, -f.severity, f.rule_id))
    out: list[Finding] = []
    seen: set[tuple[str, str, int, int]] = set()
    for f in findings:
        key = (f.rule_id, f.field, f.start, f.end)
        if key in seen:
            continue
        seen.add(key)
        clash = next(
            (
                g
                for g in out
                if g.category == f.category
                and g.field == f.field
                and g.end > g.start
                and f.end > f.start
                and g.start < f.end
                and f.start < g.end
            ),
            None,
        )
        if clash is not None and clash.severity >= f.severity:
            continue
        if clash is not None:
            out.remove(clash)
        out.append(f)
    out.sort(key=lambda f: (f.field != "text", f.start, -f.severity))
    return out


def _level(findings: Sequence[Finding]) -> Level:
    if not findings:
        return Level.NONE
    level = Level.from_severity(max(f.severity for f in findings))
    # Several independent medium-or-worse concerns make a draft riskier than any one of them.
    grave = {f.category for f in findings if f.severity >= Severity.MEDIUM}
    if len(grave) >= 3 and level < Level.HIGH:
        level = Level.HIGH
    return level


def _score(findings: Sequence[Finding], level: Level) -> float:
    keep = 1.0
    for f in findings:
        keep *= 1.0 - _WEIGHT[f.severity]
    score = 1.0 - keep
    # Keep the score inside the band of its level so the two never disagree.
    low, high = _BANDS[level]
    return min(max(score, low), high)


_BANDS = {
    Level.NONE: (0.0, 0.1),
    Level.LOW: (0.1, 0.3),
    Level.MEDIUM: (0.3, 0.6),
    Level.HIGH: (0.6, 0.9),
    Level.CRITICAL: (0.9, 1.0),
}
