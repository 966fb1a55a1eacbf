"""The guideline rules detector: runs every enabled pack rule on the draft's fields.

A prefilter keeps it fast with hundreds of rules: each compiled rule knows short keys (word
beginnings, Japanese characters) one of which must occur in a text for it to match, so a typical
post only runs the regexes of the few rules whose keys it contains.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from firewarden.checks.draft import Draft, Field
from firewarden.checks.types import Finding
from firewarden.guidelines.matcher import text_keys
from firewarden.guidelines.model import Guidelines, Rule

#: At most this many findings per rule and field (a post repeating a word is one problem).
MAX_PER_RULE = 3


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """Rules by prefilter key; ``always`` rules have no usable key and always run."""

    rules: tuple[Rule, ...]
    by_key: dict[str, tuple[int, ...]]
    always: tuple[int, ...]

    @classmethod
    def build(cls, rules: tuple[Rule, ...]) -> RuleIndex:
        by_key: dict[str, list[int]] = {}
        always: list[int] = []
        for i, rule in enumerate(rules):
            anchors = getattr(rule.match, "anchors", None)
            if anchors is None:
                always.append(i)
                continue
            for key in anchors:
                by_key.setdefault(key, []).append(i)
        return cls(rules, {k: tuple(v) for k, v in by_key.items()}, tuple(always))

    def candidates(self, text: str, keys: frozenset[str] | None = None) -> list[Rule]:
        """Rules that may match ``text`` (a folded text, whose keys may be given), in order."""
        if keys is None:
            keys = text_keys(text)
        hits = set(self.always)
        by_key = self.by_key
        for key in keys & by_key.keys():
            hits.update(by_key[key])
        return [self.rules[i] for i in sorted(hits)]


_INDEXES: dict[int, tuple[tuple[Rule, ...], RuleIndex]] = {}


def index_for(rules: tuple[Rule, ...]) -> RuleIndex:
    """The index of a rules tuple, built once (account views share their rules tuple)."""
    found = _INDEXES.get(id(rules))
    if found is not None and found[0] is rules:
        return found[1]
    index = RuleIndex.build(rules)
    if len(_INDEXES) > 16:
        _INDEXES.clear()
    _INDEXES[id(rules)] = (rules, index)
    return index


def applies(rule: Rule, draft: Draft, field: Field) -> bool:
    """Whether a rule's language and conditions hold for this field of this draft."""
    if field.language not in rule.languages and "any" not in rule.languages:
        return False
    when = rule.when
    if when.fields and field.name not in when.fields:
        return False
    ctx = draft.context
    if when.account is not None and ctx.account != when.account:
        return False
    if when.sponsored is not None and ctx.sponsored != when.sponsored:
        return False
    if when.sensitive_moment is not None and bool(draft.grave_moments) != when.sensitive_moment:
        return False
    return not (when.intents and not any(i in draft.intents for i in when.intents))


def rule_spans(rule: Rule, field: Field) -> list[tuple[int, int]]:
    """Folded spans where the rule matches the field, after its exceptions."""
    spans = rule.match.find(field)
    if not spans or rule.unless is None:
        return spans
    excepted = rule.unless.find(field)
    if not excepted:
        return spans
    if rule.window <= 0:
        return []
    w = rule.window
    return [(s, e) for s, e in spans if not any(us < e + w and ue > s - w for us, ue in excepted)]


class RulesDetector:
    """Findings from the guideline packs' rules."""

    name = "rules"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterable[Finding]:
        if not guidelines.rules:
            return []
        return list(self._scan(draft, guidelines))

    def _scan(self, draft: Draft, guidelines: Guidelines) -> Iterator[Finding]:
        index = index_for(guidelines.rules)
        for field in draft.fields:
            if not field.folded.text:
                continue
            for rule in index.candidates(field.folded.text, field.keys):
                if not guidelines.is_enabled(rule.id) or not applies(rule, draft, field):
                    continue
                for s, e in rule_spans(rule, field)[:MAX_PER_RULE]:
                    yield self._finding(rule, field, s, e)

    @staticmethod
    def _finding(rule: Rule, field: Field, start: int, end: int) -> Finding:
        s, e, excerpt = field.span(start, end)
        return Finding(
            rule_id=rule.id,
            category=rule.category,
            severity=rule.severity,
            start=s,
            end=e,
            excerpt=excerpt,
            message=rule.message.replace("{match}", excerpt),
            suggestion=rule.suggestion.replace("{match}", excerpt),
            references=rule.references,
            field=field.name,
            detector="rules",
            origin=rule.origin,
        )
