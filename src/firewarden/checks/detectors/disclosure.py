"""Sponsorship disclosure: paid or gifted posts must say so clearly and up front.

With ``context.sponsored`` the post must carry a clear disclosure (#ad, #PR, 広告,
プロモーション, "paid partnership" ...) that a reader sees first; a missing one is a finding
about the whole draft. Without it, signs of a gift from a brand ("thanks @brand for sending
me", 「○○さんからいただきました」) earn a gentle suggestion to disclose. Matching runs on
folded text, so "#ＡＤ", "#Sponsored" and 「【ＰＲ】」 all count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from firewarden.checks.detectors import wording as w
from firewarden.checks.detectors.narrow_text import narrow
from firewarden.checks.draft import Draft, Field
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines
from firewarden.text.normalize import fold_pattern
from firewarden.text.tokens import Token, hashtags

CATEGORY = "disclosure"
REFERENCES = (
    "US FTC Endorsement Guides 16 CFR Part 255 "
    "(https://www.ecfr.gov/current/title-16/chapter-I/subchapter-B/part-255)",
    "FTC Disclosures 101 for Social Media Influencers "
    "(https://www.ftc.gov/business-guidance/resources/disclosures-101-social-media-influencers)",
    "消費者庁 ステルスマーケティング規制 景品表示法第5条第3号の指定告示 2023年10月1日施行 "
    "(https://www.caa.go.jp/policies/policy/representation/fair_labeling/stealth_marketing/)",
)

#: Hashtags (folded, without '#') that disclose advertising clearly.
_CLEAR_TAGS = frozenset(
    fold_pattern(t)
    for t in (
        "ad", "ads", "advert", "advertisement", "advertising", "sponsored", "paid", "paidad",
        "paidpartnership", "paidpartner", "gifted", "giftedby", "pr", "promotion", "pr投稿",
        "プロモーション", "広告", "宣伝", "タイアップ", "提供", "商品提供", "プロモーション投稿",
    )
)  # fmt: skip
#: Hashtags that hint at a deal without saying it: regulators call them unclear.
_AMBIGUOUS_TAGS = frozenset(
    fold_pattern(t)
    for t in ("sp", "spon", "sponsor", "collab", "thanks", "thankyou", "ambassador", "partner",
              "案件", "企業案件", "pr案件", "協賛")
)  # fmt: skip
#: 案件 ("a job", influencer slang for a paid post) in running text, with its usual prefixes.
_AMBIGUOUS_TEXT = re.compile(r"(?:pr|企業)?案件")
#: Ambiguous tags that only make sense for a deal; on their own they still need a clear one.
_DEAL_ONLY_TAGS = frozenset(fold_pattern(t) for t in ("sp", "spon", "案件", "企業案件", "pr案件"))

_BRACKETS = r"[\[(【［〔〈《「]"
_CLOSE = r"[\])】］〕〉》」]"
_CLEAR_TEXT = re.compile(
    r"(?:paid partnership|paid promotion|sponsored (?:by|post|content|video)|"
    r"(?:this|the) (?:post|video|reel|content) is sponsored|advertisement|in partnership with|"
    r"paid for by|gifted by)\b"
    rf"|{_BRACKETS}\s?(?:ad|pr|sponsored|広告|ぷろもーしょん|宣伝|提供)\s?{_CLOSE}"
    r"|(?:^|\n)\s*(?:ad|pr|sponsored|広告)\s?[:|｜：]"
    r"|広告|ぷろもーしょん|宣伝|たいあっぷ|提供[:：]|提供を受け|ご提供いただ|提供いただ|"
    r"提供して(?:いただ|頂)|商品提供"
)
# Gift signs are matched on the narrowed original: folding turns the "@" of a mention into "a".
_GIFT_EN = re.compile(
    r"thanks?(?: you)?(?: so much)?(?: to)? @\w+ for (?:sending|the (?:free |lovely )?"
    r"(?:gift|sample|samples|goodies|package|pr package|invite)|gifting|sponsoring|"
    r"hooking me up|inviting me)"
    r"|(?:sent|gifted|given) (?:to me )?by @\w+|@\w+ (?:sent|gifted) me|c/o @\w+",
    re.IGNORECASE,
)
_GIFT_JA = re.compile(
    # A giver that looks like a brand (a handle, a quoted or Latin name, katakana, a company)
    # + から/より + received (いただき, 頂戴し, ご提供 ...).
    r"(?:@\w+|「[^」\n]{1,20}」|[A-Za-z][\w&.'-]{1,20}|[\u30a1-\u30fa\u30fc]{2,15}"
    r"|[\w\u30fc]{1,15}?(?:株式会社|社))(?:さん|様|さま)?(?:から|より)"
    r"[^。\n]{0,15}?(?:いただき|頂き|頂戴し|ご提供|提供して|提供いただ|もらい|貰い)"
    r"|ご恵贈|ご恵送|(?:ご提供|提供して)(?:いただ|頂)きました",
    re.IGNORECASE,
)
_GIFT_JA_GATE = re.compile(r"いただ|頂|もら|貰|ご恵")
#: From this hashtag on (counting from 1) in the trailing block, a disclosure is buried.
_BURIED_FROM = 5


class _Marker(NamedTuple):
    start: int
    end: int
    hashtag: bool


class DisclosureDetector:
    """Finds sponsored posts without a clear, prominent advertising disclosure."""

    name = "disclosure"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterator[Finding]:
        text = draft.text
        tags = hashtags(text.text) if "#" in text.text else ()
        ambiguous = _ambiguous_markers(text.text, tags)
        if draft.context.sponsored:
            clear = _clear_markers(text, tags)
            yield from self._sponsored(text, tags, clear, ambiguous, draft.attachment)
            return
        # Not marked sponsored: disclosures matter only if there is a sign of a deal to weigh.
        # (Plain 案件 is also ordinary business Japanese: "a project"; 企業案件 and #案件 are not.)
        deal_tags = [
            a
            for a in ambiguous
            if a[2] in _DEAL_ONLY_TAGS and (a[2] != "案件" or "#" in text.text[a[0]])
        ]
        gifts = _gift_signs(narrow(text.original))
        if not deal_tags and not gifts:
            return
        clear = _clear_markers(text, tags)
        if not clear:
            for s, e, _ in deal_tags:
                yield self._ambiguous(text, s, e)
        if any(not _is_gift_wording(text, m) for m in clear):
            return
        personal = draft.context.account == "personal"
        for s, e in gifts:
            yield self._finding(
                text, "disclosure.possible-gift", Severity.LOW if personal else Severity.INFO,
                s, e, w.POSSIBLE_GIFT,
            )  # fmt: skip

    def _sponsored(
        self,
        text: Field,
        tags: tuple[Token, ...],
        clear: list[_Marker],
        ambiguous: list[tuple[int, int, str]],
        attachment: Field | None,
    ) -> Iterator[Finding]:
        if clear:
            trailing = _trailing_block(text.text, tags)
            if all(m.hashtag and trailing.get(m.start, 0) >= _BURIED_FROM for m in clear):
                first = clear[0]
                s, e, _ = text.span(first.start, first.end)
                yield self._finding(text, "disclosure.buried", Severity.MEDIUM, s, e, w.BURIED)
            return
        if ambiguous:
            for s, e, _ in ambiguous:
                yield self._ambiguous(text, s, e)
            return
        in_attachment = _clear_markers(attachment, hashtags(attachment.text)) if attachment else []
        if attachment is not None and in_attachment:
            s, e, _ = attachment.span(in_attachment[0].start, in_attachment[0].end)
            yield self._finding(
                attachment, "disclosure.buried", Severity.MEDIUM, s, e, w.ONLY_IN_ATTACHMENT
            )
            return
        # About the draft as a whole: no span, no excerpt.
        yield self._finding(text, "disclosure.missing", Severity.HIGH, 0, 0, w.MISSING)

    def _ambiguous(self, field: Field, start: int, end: int) -> Finding:
        s, e, _ = field.span(start, end)
        return self._finding(field, "disclosure.ambiguous", Severity.MEDIUM, s, e, w.AMBIGUOUS)

    def _finding(
        self,
        field: Field,
        rule_id: str,
        severity: Severity,
        start: int,
        end: int,
        wording: w.Wording,
    ) -> Finding:
        excerpt = field.original[start:end]
        message, suggestion = wording.render(field.language, excerpt=excerpt)
        return Finding(
            rule_id=rule_id,
            category=CATEGORY,
            severity=severity,
            start=start,
            end=end,
            excerpt=excerpt,
            message=message,
            suggestion=suggestion,
            references=REFERENCES,
            field=field.name,
            detector=self.name,
        )


def _clear_markers(field: Field, tags: tuple[Token, ...]) -> list[_Marker]:
    """Clear disclosures in a field, as spans of its folded text."""
    found = [_Marker(t.start, t.end, True) for t in tags if t.text in _CLEAR_TAGS]
    for m in _CLEAR_TEXT.finditer(field.text):
        if not any(x.start <= m.start() < x.end for x in found):
            found.append(_Marker(m.start(), m.end(), False))
    found.sort()
    return found


def _ambiguous_markers(folded: str, tags: tuple[Token, ...]) -> list[tuple[int, int, str]]:
    """Hashtags like #sp and #collab, and 案件 in running text: hints, not disclosures."""
    found = [(t.start, t.end, t.text) for t in tags if t.text in _AMBIGUOUS_TAGS]
    if "案件" in folded:
        for m in _AMBIGUOUS_TEXT.finditer(folded):
            if not any(s <= m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), m.group()))
    return found


#: One of these occurs (any case) in every match of _GIFT_EN.
_GIFT_EN_WORDS = ("thank", "sent", "gift", "given", "c/o")


def _may_hold_gift_en(text: str) -> bool:
    """Whether _GIFT_EN can match: a cheap test that skips its scan on most posts.

    Only on ASCII text: there, matching ignoring case is matching the lower-cased text.
    Elsewhere case-insensitive matching also folds a few other letters (ſ, K), so scan.
    """
    if not text.isascii():
        return True
    low = text.lower()
    return any(w in low for w in _GIFT_EN_WORDS)


def _gift_signs(narrowed: str) -> list[tuple[int, int]]:
    """Spans of phrases saying a brand gave the author something."""
    found = []
    if "@" in narrowed and _may_hold_gift_en(narrowed):
        found = [m.span() for m in _GIFT_EN.finditer(narrowed)]
    if not narrowed.isascii() and _GIFT_JA_GATE.search(narrowed):
        found += [m.span() for m in _GIFT_JA.finditer(narrowed)]
    return found


def _is_gift_wording(field: Field, marker: _Marker) -> bool:
    """A 提供-style phrase says something was given; it does not rule out a gift sign."""
    return "提供" in field.text[marker.start : marker.end] and not marker.hashtag


def _trailing_block(text: str, tags: tuple[Token, ...]) -> dict[int, int]:
    """For hashtags in the block that ends the post: start -> position in the block (from 1)."""
    block: list[int] = []
    end = len(text)
    for tag in reversed(tags):
        if _has_words(text[tag.end : end]):
            break
        block.append(tag.start)
        end = tag.start
    block.reverse()
    return {s: i + 1 for i, s in enumerate(block)}


_WORDY = re.compile(r"[a-z0-9\u3040-\u30ff\u4e00-\u9fff]")
_MENTION_OR_LINK = re.compile(r"@\w+|https?://\S+")


def _has_words(segment: str) -> bool:
    """Words other than mentions and links (which often sit among closing hashtags)."""
    return bool(_WORDY.search(_MENTION_OR_LINK.sub("", segment)))
