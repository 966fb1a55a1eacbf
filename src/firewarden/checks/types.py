"""The check's plain data: severities, levels, findings and the report.

These types cross every boundary (CLI, JSON API, review workflow, database), so they are
frozen dataclasses with explicit ``to_dict`` forms and no behaviour beyond ordering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    """How risky one finding is on its own."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r}; use one of: {names}") from None


class Level(IntEnum):
    """The report's overall level; ``MEDIUM`` and above need review before publishing."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Level:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(lv.label for lv in cls)
            raise ValueError(f"unknown level {value!r}; use one of: {names}") from None

    @classmethod
    def from_severity(cls, severity: Severity) -> Level:
        # An informational finding is worth showing but does not raise the level.
        return cls(max(int(severity), 0)) if severity > Severity.INFO else cls.NONE


#: The risk categories; the case library's categories plus the check's own.
CATEGORIES: tuple[str, ...] = (
    "tragedy-newsjacking",
    "disaster-timing",
    "anniversary",
    "hashtag-hijack",
    "unvetted-hashtag",
    "sexism",
    "racism",
    "ageism",
    "harassment-power",
    "political",
    "wrong-account",
    "profanity",
    "privacy-leak",
    "employee-misconduct",
    "sexual-innuendo",
    "tone-deaf-humour",
    "values-family",
    "attachment",
    "misleading",
    # Beyond the case library:
    "offensive",
    "hate",
    "disclosure",
    "religion",
    "disability",
    "violence",
    "off-voice",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the check saw, anchored to a span of the original text.

    ``start``/``end`` are offsets into the field named by ``field`` (``"text"`` or
    ``"attachment"``) of the draft as the author wrote it, so the span can be highlighted.
    A finding about the draft as a whole (say, a missing disclosure) has ``start == end == 0``
    and an empty excerpt.
    """

    rule_id: str
    category: str
    severity: Severity
    start: int
    end: int
    excerpt: str
    message: str
    suggestion: str = ""
    references: tuple[str, ...] = ()
    field: str = "text"
    detector: str = ""
    #: Words or signals that drove the decision (for classifiers, the strongest features).
    evidence: tuple[str, ...] = ()
    #: Where the rule came from (pack name), for "why is this active?".
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "severity": self.severity.label,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "message": self.message,
            "suggestion": self.suggestion,
            "references": list(self.references),
            "detector": self.detector,
            "evidence": list(self.evidence),
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of one check."""

    level: Level
    score: float
    findings: tuple[Finding, ...]
    language: str = "en"
    #: Findings removed by the company's allowed terms, kept for transparency.
    suppressed: tuple[Finding, ...] = field(default=())

    @property
    def needs_review(self) -> bool:
        return self.level >= Level.MEDIUM

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(f.category for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.label,
            "score": round(self.score, 4),
            "needs_review": self.needs_review,
            "language": self.language,
            "findings": [f.to_dict() for f in self.findings],
        }
