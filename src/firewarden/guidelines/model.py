"""Guidelines as loaded and layered: the plain data the check engine and detectors read.

The YAML pack format, its loader and its linter live beside this module; this one holds what
they produce. A ``Guidelines`` value is immutable; ``for_account`` derives the view for one
account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from firewarden.checks.types import Severity
from firewarden.world.moments import SensitiveDate

if TYPE_CHECKING:
    from firewarden.checks.draft import Field


class Matcher(Protocol):
    """A compiled ``match`` (or ``unless``) block of a rule."""

    def find(self, field: Field) -> list[tuple[int, int]]:
        """Spans of the field's folded text that match."""
        ...


@dataclass(frozen=True, slots=True)
class Conditions:
    """When a rule applies; ``None`` or empty means "any"."""

    account: str | None = None
    #: True: only while a grave moment (disaster, tragedy, anniversary...) is active.
    sensitive_moment: bool | None = None
    sponsored: bool | None = None
    #: Any of these intents must be present (see :mod:`firewarden.checks.intent`).
    intents: tuple[str, ...] = ()
    #: Which fields the rule reads; empty means text and attachment.
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Examples:
    flag: tuple[str, ...] = ()
    pass_: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: str
    severity: Severity
    languages: tuple[str, ...]
    match: Matcher
    message: str
    suggestion: str = ""
    references: tuple[str, ...] = ()
    unless: Matcher | None = None
    when: Conditions = field(default_factory=Conditions)
    examples: Examples = field(default_factory=Examples)
    #: Pack name and file, for ``guidelines list`` and findings' ``origin``.
    origin: str = ""
    #: Line of the rule in its file, for lint and test messages.
    line: int = 0
    #: The file the rule was read from.
    source: str = ""
    #: How far (characters of folded text) around a match ``unless`` looks; 0: the whole text.
    window: int = 40


@dataclass(frozen=True, slots=True)
class HashtagNote:
    """A hashtag with a known meaning that a brand must not ride on."""

    tag: str  # folded, without '#'
    kind: str  # "tragedy", "survivors", "political", "abuse", ...
    meaning: str
    reference: str = ""


@dataclass(frozen=True, slots=True)
class AccountOverride:
    """Per-account changes: rules off, severities changed, extra allowed terms."""

    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    allowed_terms: tuple[str, ...] = ()
    vetted_hashtags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Guidelines:
    rules: tuple[Rule, ...] = ()
    #: Folded terms the company allows; a finding whose excerpt is one of them is suppressed.
    allowed_terms: tuple[str, ...] = ()
    #: Folded hashtags (without '#') the brand has checked and may use.
    vetted_hashtags: frozenset[str] = frozenset()
    hashtag_notes: Mapping[str, HashtagNote] = field(default_factory=dict)
    sensitive_dates: tuple[SensitiveDate, ...] = ()
    #: The brand's own names, products and store names (folded).
    brand_terms: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    accounts: Mapping[str, AccountOverride] = field(default_factory=dict)
    #: The packs in the order they were layered (built-in first), for ``guidelines list``.
    sources: tuple[str, ...] = ()

    def for_account(self, handle: str) -> Guidelines:
        """The guidelines as they apply to one account (its overrides layered on top)."""
        override = self.accounts.get(handle.lstrip("@").casefold()) if handle else None
        if override is None:
            return self
        return replace(
            self,
            disabled=self.disabled | override.disabled,
            severity={**self.severity, **override.severity},
            allowed_terms=self.allowed_terms + override.allowed_terms,
            vetted_hashtags=self.vetted_hashtags | override.vetted_hashtags,
        )

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        return self.severity.get(rule_id, default)

    def is_enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled
