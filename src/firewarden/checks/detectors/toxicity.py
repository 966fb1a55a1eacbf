"""Offensive and hateful language, read by the project's own classifiers (English and Japanese).

Each field is scored by the models of its language: English by ``offensive`` and ``hate``,
Japanese by ``ja``. A model that flags a field gives one finding, anchored on the word that
drove the decision most, with the strongest words as evidence. The decision is the model's
committed threshold, the same one ``firewarden eval labeled`` measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from firewarden.checks.draft import Draft, Field
from firewarden.checks.toxicity.model import EnglishText, LinearModel, load_model
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines


@dataclass(frozen=True, slots=True)
class _Kind:
    model: str
    rule_id: str
    category: str
    #: Severity at the decision threshold, and when the model is very confident.
    severity: Severity
    confident: Severity
    what: str
    why: str
    suggestion: str


_OFFENSIVE_WHY = (
    "offensive language from a brand account invites backlash, and screenshots outlive a deletion"
)
_OFFENSIVE_FIX = (
    "Remove or soften the words shown. If the post quotes someone, ask whether the brand should "
    "repeat the words at all."
)

_EN_OFFENSIVE = _Kind(
    model="offensive",
    rule_id="toxicity.offensive",
    category="offensive",
    severity=Severity.MEDIUM,
    confident=Severity.HIGH,
    what="Reads as offensive language (insult, profanity or abuse)",
    why=_OFFENSIVE_WHY,
    suggestion=_OFFENSIVE_FIX,
)
_EN_HATE = _Kind(
    model="hate",
    rule_id="toxicity.hate",
    category="hate",
    severity=Severity.HIGH,
    confident=Severity.HIGH,
    what="Reads as hateful towards a group of people (for example immigrants or women)",
    why="attacking people for who they are is among the fastest ways for a brand to catch fire",
    suggestion=(
        "Do not publish. Rewrite without generalising about a group, and have someone outside "
        "the team read it."
    ),
)
_JA_OFFENSIVE = _Kind(
    model="ja",
    rule_id="toxicity.ja-offensive",
    category="offensive",
    severity=Severity.MEDIUM,
    confident=Severity.HIGH,
    what="Reads as offensive language in Japanese (暴言・侮辱・卑語)",
    why=_OFFENSIVE_WHY,
    suggestion=_OFFENSIVE_FIX + " 公式アカウントとしてふさわしい表現に言い換えてください。",
)


class ToxicityDetector:
    """Flags offensive (English, Japanese) and hateful (English) language."""

    name = "toxicity"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterator[Finding]:
        for field in draft.fields:
            if not field.text.strip():
                continue
            if field.language == "ja":
                yield from self._judge(field, _JA_OFFENSIVE, None)
            else:
                english = EnglishText(field.folded)
                yield from self._judge(field, _EN_OFFENSIVE, english)
                yield from self._judge(field, _EN_HATE, english)

    def _judge(self, field: Field, kind: _Kind, english: EnglishText | None) -> Iterator[Finding]:
        model = load_model(kind.model)
        p = model.probability(field.folded, english)
        if not model.flags(p):
            return
        yield _finding(field, kind, model, p, english)


def _finding(
    field: Field, kind: _Kind, model: LinearModel, p: float, english: EnglishText | None
) -> Finding:
    words = model.explain(field.folded, english)
    evidence: list[str] = []
    spans: list[tuple[int, int, str]] = []
    for c in words:
        s, e, excerpt = field.span(c.start, c.end)
        if excerpt.strip() and excerpt not in evidence:
            evidence.append(excerpt)
            spans.append((s, e, excerpt))
    if spans:
        start, end, excerpt = spans[0]
    else:
        start, end, excerpt = 0, len(field.original), field.original
    if p >= model.high:
        severity = kind.confident
    elif p >= model.sure:
        severity = kind.severity
    else:  # uncertain band just above the threshold: a note, not a finding that raises the level
        severity = Severity.INFO
    driven = ", ".join(f"“{w}”" for w in evidence) or "the text as a whole"
    return Finding(
        rule_id=kind.rule_id,
        category=kind.category,
        severity=severity,
        start=start,
        end=end,
        excerpt=excerpt,
        message=f"{kind.what}, driven by {driven} (model confidence {p:.0%}): {kind.why}.",
        suggestion=kind.suggestion,
        field=field.name,
        detector=ToxicityDetector.name,
        evidence=tuple(evidence),
        origin="toxicity model",
    )
