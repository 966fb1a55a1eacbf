"""Misleading claims: guarantees and absolutes, unsupported No.1 claims, health claims.

Matching runs on the folded text of each field (patterns in :mod:`.claim_patterns`). A health
word counts only near a disease or body term in the same sentence, so "treat yourself" and
"cures hunger" stay quiet while "cures cancer" and 「がんが消える」 do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from firewarden.checks.detectors import claim_patterns as p
from firewarden.checks.detectors import wording as w
from firewarden.checks.detectors.narrow_text import has_japanese
from firewarden.checks.draft import Draft, Field
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines

CATEGORY = "misleading"

_KEIHYO = "景品表示法 第5条第1号 優良誤認表示 (Japan: misleading representation)"
_NO1 = "消費者庁「No.1表示に関する実態調査報告書」2024年 (https://www.caa.go.jp/)"
_FTC_ACT = "FTC Act §5 on deceptive advertising (https://www.ftc.gov/legal-library/browse/statutes/federal-trade-commission-act)"
_FTC_HEALTH = "FTC Health Products Compliance Guidance 2022 (https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance)"
_YAKKI = (
    "薬機法 第66条・第68条 医薬品的な効能効果の標ぼう禁止 (Japan: efficacy claims for non-drugs)"
)
_KENKO = "健康増進法 第65条 誇大表示の禁止 (Japan: exaggerated health food claims)"

#: English negations just before a health verb ("does not cure", "isn't intended to treat").
_NEGATED_EN = re.compile(r"(?:\bnot(?! only)|n't|\bnever|\bno)\b[^.!?;]{0,40}$")
#: "the fight against cancer", "your battle": a cause or a person's struggle, not a product claim.
_NOUN_USE_EN = re.compile(r"\b(?:the|our|your|their|his|her|this|a|my)\s+$")
#: Japanese negations just after a verb (効果はありません, 治りません, 消えない).
_NEGATED_JA = re.compile(r"^[^。！？\n]{0,4}?(?:ない|ません|ず(?!っと))")
#: "digital detox" is about screens, not bodies.
_DIGITAL = re.compile(r"(?:digital|social media|screen|phone|でじたる|すまほ)[ -]?$")
_EN_WINDOW = 50
_JA_WINDOW = 15


class ClaimsDetector:
    """Finds claims that regulators treat as misleading unless substantiated."""

    name = "claims"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterator[Finding]:
        basis = _Basis(draft)
        for field in draft.fields:
            # Japanese patterns only where there is Japanese, the English ones always.
            ja = has_japanese(field.text)
            words = field.token_texts()
            yield from self._guarantees(
                field, _run(p.GUARANTEE_EN, p.GUARANTEE_EN_WORDS, p.GUARANTEE_JA, words, ja)
            )
            yield from self._superlatives(
                field,
                _run(p.SUPERLATIVE_EN, p.SUPERLATIVE_EN_WORDS, p.SUPERLATIVE_JA, words, ja),
                basis,
            )
            yield from self._health(field, words, ja)
            yield from self._health_buzz(
                field, _run(p.BUZZ_EN, p.BUZZ_EN_WORDS, p.BUZZ_JA, words, ja), basis
            )

    def _guarantees(self, field: Field, patterns: list[re.Pattern[str]]) -> Iterator[Finding]:
        for pattern in patterns:
            for m in p.matches(pattern, field.text):
                bodily = p.BODILY.search(m.group())
                yield self._finding(
                    field, "claims.guarantee", Severity.HIGH if bodily else Severity.MEDIUM,
                    m.start(), m.end(), w.GUARANTEE, (_KEIHYO, _FTC_ACT),
                )  # fmt: skip

    def _superlatives(
        self, field: Field, patterns: list[re.Pattern[str]], basis: _Basis
    ) -> Iterator[Finding]:
        seen: list[tuple[int, int]] = []
        for pattern in patterns:
            for m in p.matches(pattern, field.text):
                if any(s < m.end() and m.start() < e for s, e in seen) or basis.sourced:
                    continue
                seen.append(m.span())
                yield self._finding(
                    field, "claims.no1", Severity.LOW, m.start(), m.end(), w.NO1,
                    (_KEIHYO, _NO1, _FTC_ACT),
                )  # fmt: skip

    def _health(self, field: Field, words: frozenset[str], ja: bool) -> Iterator[Finding]:
        text = field.text
        pairs = []
        if p.HEALTH_VERB_EN_WORDS & words:
            pairs.append((p.HEALTH_VERB_EN, p.CONDITION_EN, _EN_WINDOW))
        if ja:
            pairs.append((p.HEALTH_VERB_JA, p.CONDITION_JA, _JA_WINDOW))
        for verbs, conditions, window in pairs:
            verb_spans = [m.span() for m in p.matches(verbs, text) if not _negated(text, *m.span())]
            if not verb_spans:
                continue
            terms = [m.span() for m in p.matches(conditions, text)]
            for vs, ve in verb_spans:
                near = [
                    (cs, ce)
                    for cs, ce in terms
                    if (0 <= cs - ve <= window or 0 <= vs - ce <= window)
                    and not p.SENTENCE_END.search(text, min(ve, ce), max(vs, cs))
                ]
                if near:
                    cs, ce = min(near, key=lambda t: abs(t[0] - vs))
                    yield self._finding(
                        field, "claims.health", Severity.HIGH, min(vs, cs), max(ve, ce),
                        w.HEALTH, (_YAKKI, _KENKO, _FTC_HEALTH),
                    )  # fmt: skip

    def _health_buzz(
        self, field: Field, patterns: list[re.Pattern[str]], basis: _Basis
    ) -> Iterator[Finding]:
        for pattern in patterns:
            for m in p.matches(pattern, field.text):
                _, sev, what = p.HEALTH_BUZZ[int((m.lastgroup or "b0")[1:])]
                if what in ("clinical proof", "medical endorsement") and basis.cited:
                    continue
                if what == "detoxification" and _DIGITAL.search(field.text, 0, m.start()):
                    continue
                yield self._finding(
                    field, "claims.health-buzz", Severity[sev.upper()], m.start(), m.end(),
                    w.HEALTH_BUZZ, (_YAKKI, _KENKO, _FTC_HEALTH),
                    what_en=what, what_ja=w.HEALTH_BUZZ_KINDS[what],
                )  # fmt: skip

    def _finding(
        self,
        field: Field,
        rule_id: str,
        severity: Severity,
        start: int,
        end: int,
        wording: w.Wording,
        references: tuple[str, ...],
        **values: str,
    ) -> Finding:
        s, e, excerpt = field.span(start, end)
        message, suggestion = wording.render(field.language, excerpt=excerpt, **values)
        return Finding(
            rule_id=rule_id,
            category=CATEGORY,
            severity=severity,
            start=s,
            end=e,
            excerpt=excerpt,
            message=message,
            suggestion=suggestion,
            references=references,
            field=field.name,
            detector=self.name,
        )


def _run(
    en: re.Pattern[str],
    en_words: frozenset[str],
    ja: re.Pattern[str],
    words: frozenset[str],
    japanese: bool,
) -> list[re.Pattern[str]]:
    """The patterns worth running: English when one of its words is there, Japanese on Japanese."""
    out = [en] if en_words & words else []
    if japanese:
        out.append(ja)
    return out


class _Basis:
    """Whether the draft cites a source, looked up once and only when a claim needs it."""

    def __init__(self, draft: Draft) -> None:
        self._draft = draft
        self._sourced: bool | None = None
        self._cited: bool | None = None

    @property
    def sourced(self) -> bool:
        if self._sourced is None:
            self._sourced = any(p.SOURCE.search(f.text) for f in self._draft.fields)
        return self._sourced

    @property
    def cited(self) -> bool:
        if self._cited is None:
            self._cited = any(p.CITATION.search(f.text) for f in self._draft.fields)
        return self._cited


def _negated(text: str, start: int, end: int) -> bool:
    """Whether the health verb at ``start:end`` is denied or used as a noun ("the fight")."""
    if text[start].isascii():
        before = max(0, start - 50)
        if _NEGATED_EN.search(text, before, start):
            return True
        return text.startswith("fight", start) and bool(_NOUN_USE_EN.search(text, before, start))
    return bool(_NEGATED_JA.search(text[end : end + 8]))
