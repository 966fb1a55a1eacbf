"""Timing: promotions, jokes and hashtag campaigns during disasters, tragedies and anniversaries.

The moments come from the draft's context (events) and the calendar (guidelines'
``sensitive_dates``, built-in and company). What the post does comes from its intents; whether it
refers to the moment comes from the moment's topic words (#Sandy, "Never Forget" on 9/11, 震災 on
3/11). Sympathy alone, and posts pausing promotions, are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from firewarden.checks.draft import Draft, Field
from firewarden.checks.intent import intent_spans
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines
from firewarden.text.normalize import fold_pattern
from firewarden.world.moments import Moment
from firewarden.world.topics import topic_spans

#: Things in an attached image that make a commemoration read as an advert.
_PRODUCT = re.compile(
    r"(?<![a-z])(?:products?|logos?|packaging|package|bottles?|cans?|box|smartphones?|phones?|"
    r"devices?|tablets?|laptops?|cars?|shoes?|sneakers?|burgers?|pizzas?|drinks?|menu|brand|"
    r"advert|ads?|banner|price|coupon|merch|t-shirt|mascot)(?![a-z])"
    r"|商品|製品|ロゴ|ぱっけーじ|すまほ|すまーとふぉん|新作|広告|きゃらくたー|価格"
)
_REGIONS_OF = {"ja": frozenset({"jp", "world"})}
_NOT_EN = frozenset({"jp", "kr"})


@dataclass(slots=True)
class _Hit:
    rule_id: str
    category: str
    severity: Severity
    field: str
    start: int
    end: int
    excerpt: str
    message: str
    suggestion: str
    moments: list[Moment]


class TimingDetector:
    """Finds promotions, jokes and campaigns that clash with a grave moment or an observance."""

    name = "timing"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterable[Finding]:
        if not draft.moments or "pause" in draft.intents:
            return []
        hits: dict[tuple[str, str, int, int], _Hit] = {}
        for moment in draft.moments:
            if moment.grave:
                self._grave(draft, guidelines, moment, hits)
            elif moment.kind == "observance" and not moment.implies:
                self._observance(draft, moment, hits)
        return [_finding(h, draft.language) for h in hits.values()]

    def _grave(
        self,
        draft: Draft,
        guidelines: Guidelines,
        m: Moment,
        hits: dict[tuple[str, str, int, int], _Hit],
    ) -> None:
        intents = draft.intents
        promo = bool(intents & {"promotion", "campaign"})
        humour = "humour" in intents
        refs = _topic_refs(draft, m) + _date_puns(draft, m)
        label = f"“{m.label(draft.language)}”"
        where = _source(m)
        if humour:
            # A date on the calendar is a backdrop, not news: a joke that does not touch it is
            # worth a look (low, or info for another region's anniversary), not a block.
            if m.source != "calendar" or refs:
                sev = Severity.HIGH
            else:
                sev = Severity.LOW if _region_matches(m, draft.language) else Severity.INFO
            _add(
                hits,
                m,
                _cue_span(draft, "humour"),
                "timing.joke-during-moment",
                "tone-deaf-humour",
                sev,
                f"A joke during {label} ({where}) may read as making light of it."
                if sev < Severity.HIGH
                else f"A joke during {label} ({where}) reads as making light of it.",
                "Hold the joke; post nothing, or something that helps, until it has passed.",
            )
        elif (
            refs and "sympathy" not in intents and any("humour" in o.implies for o in draft.moments)
        ):
            _add(
                hits,
                m,
                refs[0],
                "timing.april-fool-during-moment",
                "tone-deaf-humour",
                Severity.MEDIUM,
                f"On April Fools' Day this post about {refs[0][3]!r} will be read as a joke about "
                f"{label} ({where}).",
                "If it is a joke, drop it; if it is a real announcement, say so plainly.",
            )
        if promo or humour:
            if refs and m.kind != "crisis":
                _add(
                    hits,
                    m,
                    refs[0],
                    "timing.newsjacking",
                    "tragedy-newsjacking",
                    Severity.HIGH,
                    f"The post uses {refs[0][3]!r}, which refers to {label} ({where}), "
                    "to promote or joke.",
                    "Do not tie a promotion to a disaster or tragedy; remove the reference or "
                    "the promotion.",
                )
            if promo:
                self._promotion(draft, guidelines, m, refs, hits)
        elif m.kind == "anniversary" and refs and draft.context.is_corporate:
            if "sympathy" in intents and not _shows_product(draft, guidelines):
                return
            product = _shows_product(draft, guidelines)
            sev = Severity.HIGH if product else Severity.LOW
            _add(
                hits,
                m,
                refs[0],
                "timing.anniversary-reference",
                "anniversary",
                sev,
                f"On the anniversary of {label} ({where}) the brand uses {refs[0][3]!r}"
                + (
                    " beside its product: it reads as marketing on a day of mourning."
                    if product
                    else "; commemorations from brands are read closely."
                ),
                "Commemorate without products, logos or calls to action, or stay quiet.",
            )
            if product:
                _add(
                    hits,
                    m,
                    refs[0],
                    "timing.newsjacking",
                    "tragedy-newsjacking",
                    Severity.HIGH,
                    f"Putting the product next to {refs[0][3]!r} ties it to {label}.",
                    "Remove the product from the image, or do not post.",
                )

    def _promotion(
        self,
        draft: Draft,
        guidelines: Guidelines,
        m: Moment,
        refs: list[tuple[str, int, int, str]],
        hits: dict[tuple[str, str, int, int], _Hit],
    ) -> None:
        span = _cue_span(draft, "promotion") or _cue_span(draft, "campaign")
        label = f"“{m.label(draft.language)}”"
        where = _source(m)
        if m.kind in ("disaster", "crisis") or (m.kind == "tragedy" and not refs):
            what = "your own company's trouble" if m.kind == "crisis" else "a disaster"
            _add(
                hits,
                m,
                span,
                "timing.promotion-during-moment",
                "disaster-timing",
                Severity.HIGH,
                f"A promotion or campaign during {label} ({where}): during {what} it reads as "
                "tone-deaf.",
                "Pause promotions and scheduled posts until the situation has settled.",
            )
        elif m.kind == "conflict" and not refs:
            _add(
                hits,
                m,
                span,
                "timing.promotion-during-moment",
                "disaster-timing",
                Severity.MEDIUM,
                f"A promotion during {label} ({where}).",
                "Check whether to pause promotions while this is in the news.",
            )
        elif m.kind == "anniversary":
            if refs:
                sev = Severity.HIGH
            elif _region_matches(m, draft.language):
                sev = Severity.LOW
            else:
                sev = Severity.INFO
            _add(
                hits,
                m,
                refs[0] if refs else span,
                "timing.anniversary-promotion",
                "anniversary",
                sev,
                f"Today is the anniversary of {label} ({where})"
                + (
                    ": a promotion that refers to it exploits it."
                    if refs
                    else "; check that the promotion does not read as insensitive today."
                ),
                "Move the promotion to another day, or leave the anniversary out of it.",
            )

    def _observance(
        self, draft: Draft, m: Moment, hits: dict[tuple[str, str, int, int], _Hit]
    ) -> None:
        intents = draft.intents
        if not intents & {"promotion", "campaign", "humour"}:
            return
        refs = _topic_refs(draft, m)
        if not refs:
            return
        humour = "humour" in intents
        _add(
            hits,
            m,
            refs[0],
            "timing.observance-tone",
            "tone-deaf-humour" if humour else "anniversary",
            Severity.MEDIUM if humour else Severity.LOW,
            f"The post ties a {'joke' if humour else 'promotion'} to {m.label(draft.language)} "
            f"({_source(m)}); brand posts on this day are read closely.",
            "Check the tone: support the cause in substance, or keep the promotion separate.",
        )


def _topic_refs(draft: Draft, m: Moment) -> list[tuple[str, int, int, str]]:
    """(field, start, end, excerpt) of the draft's mentions of the moment's topics."""
    out = []
    for f in draft.fields:
        for s, e in topic_spans(f.text, m.topics):
            out.append((f.name, *f.span(s, e)))
    return out


@lru_cache(maxsize=128)
def _pun_pattern(forms: tuple[str, ...], number: str, year: int) -> re.Pattern[str]:
    """The date of an anniversary made into a themed day, a price or "on this day in 1941"."""
    dates = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    numbers = "|".join(re.escape(n) for n in (number, *(f for f in forms if "." in f)))
    parts = [
        # 「8月6日はハムの日」, "9/11 is National ... Day", "3.11はサンイチイチの日"
        rf"(?<![\d/.])(?:{dates})(?![\d])[^。.!?！？\n]{{0,25}}?(?:の日|(?<![a-z])day(?![a-z]))",
        # 「311円」, "$9.11", "911% off"
        rf"[$¥€£]\s?(?:{numbers})(?![\d])",
        rf"(?<![\d.,/$¥])(?:{numbers})\s?(?:円|yen|%|ドル|dollars?|cents?)(?![a-z])",
    ]
    if year:
        parts.append(rf"(?:on |)this day in {year}|{year}年の(?:今日|この日)")
    return re.compile("|".join(parts))


def _date_puns(draft: Draft, m: Moment) -> list[tuple[str, int, int, str]]:
    """Mentions that tie the post to the anniversary's date (a pun or a themed day)."""
    if not m.date_forms:
        return []
    pattern = _pun_pattern(m.date_forms, m.date_number, m.year)
    out = []
    for f in draft.fields:
        for hit in pattern.finditer(f.text):
            out.append((f.name, *f.span(*hit.span())))
    return out


def _cue_span(draft: Draft, intent: str) -> tuple[str, int, int, str] | None:
    for f in draft.fields:
        spans = intent_spans(f.text, intent)
        if spans:
            return (f.name, *f.span(*spans[0]))
    return None


def _shows_product(draft: Draft, guidelines: Guidelines) -> bool:
    att = draft.attachment
    if att is not None and _PRODUCT.search(att.text):
        return True
    brand = [t for t in (*guidelines.brand_terms, fold_pattern(draft.context.brand)) if len(t) >= 3]
    return any(_mentions(f, t) for f in draft.fields for t in brand)


def _mentions(f: Field, term: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", f.text) is not None


def _region_matches(m: Moment, language: str) -> bool:
    if language in _REGIONS_OF:
        return m.region in _REGIONS_OF[language]
    return m.region not in _NOT_EN


def _source(m: Moment) -> str:
    if m.source == "context":
        return "an event given with the draft"
    if m.source == "calendar":
        return (
            "the built-in calendar" if m.origin in ("", "built-in") else f"calendar of {m.origin}"
        )
    return m.source


def _add(
    hits: dict[tuple[str, str, int, int], _Hit],
    m: Moment,
    span: tuple[str, int, int, str] | None,
    rule_id: str,
    category: str,
    severity: Severity,
    message: str,
    suggestion: str,
) -> None:
    field, start, end, excerpt = span or ("text", 0, 0, "")
    key = (category, field, start, end)
    hit = hits.get(key)
    if hit is None:
        hits[key] = _Hit(
            rule_id, category, severity, field, start, end, excerpt, message, suggestion, [m]
        )
    elif m not in hit.moments:
        hit.moments.append(m)
        if severity > hit.severity:
            hit.severity, hit.message, hit.rule_id = severity, message, rule_id


def _finding(h: _Hit, language: str) -> Finding:
    others = [m.label(language) for m in h.moments[1:]]
    message = h.message + (f" Also active: {'; '.join(others)}." if others else "")
    refs = tuple(dict.fromkeys(m.reference for m in h.moments if m.reference))
    return Finding(
        rule_id=h.rule_id,
        category=h.category,
        severity=h.severity,
        start=h.start,
        end=h.end,
        excerpt=h.excerpt,
        message=message,
        suggestion=h.suggestion,
        references=refs,
        field=h.field,
        detector="timing",
        evidence=tuple(f"{m.kind}: {m.name} ({m.source})" for m in h.moments),
        origin="; ".join(dict.fromkeys(m.source for m in h.moments)),
    )
