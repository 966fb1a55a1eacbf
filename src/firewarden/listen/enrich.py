"""Enrichment: what a mention says and how far it goes (pure; models load once).

Per mention: language; sentiment (EN model / JA lexicon, see :mod:`sentiment`); offensive
(the check's toxicity models); complaint, and about what (delivery, staff, food safety,
price, app, wait, quality); reach (followers plus the audiences engagement brings); and signs
of employee misconduct (a staff member filming pranks in a kitchen or freezer: words from two
of the groups people/place/act, with an image or video, naming the brand, from an account that
is not the brand's). Whether it answers the brand's own posts depends on the watch and is
decided by :class:`firewarden.listen.watches.WatchSet`.

Everything that depends only on the text is computed once per distinct text
(:class:`Enricher` keeps a bounded cache): reposts and copy-pasted outrage repeat verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from firewarden.listen.mention import MAX_COUNT, Mention
from firewarden.listen.sentiment import sentiment
from firewarden.text.language import detect_language
from firewarden.text.normalize import Folded, fold, fold_pattern
from firewarden.text.terms import content_terms

TOPICS: dict[str, tuple[str, ...]] = {
    "delivery": ("delivery", "deliver", "delivered", "shipping", "shipment", "courier",
                 "parcel", "package", "tracking", "配達", "配送", "届かない", "届いて", "発送",
                 "宅配", "遅配"),
    "staff": ("staff", "employee", "cashier", "waiter", "waitress", "manager", "rude", "attitude",
              "店員", "スタッフ", "接客", "態度", "従業員"),
    "food_safety": ("food poisoning", "poisoning", "hair in", "bug", "insect", "cockroach",
                    "mold", "mould", "undercooked", "expired", "raw chicken", "sick after",
                    "食中毒", "異物", "髪の毛", "虫", "ゴキブリ", "カビ", "腐っ", "生焼け",
                    "賞味期限", "消費期限"),
    "price": ("price", "expensive", "overpriced", "overcharged", "charged", "refund", "pricey",
              "値段", "高すぎ", "値上げ", "価格", "返金", "料金"),
    "app": ("app", "website", "site", "login", "log in", "crash", "crashes", "error", "password",
            "checkout", "アプリ", "サイト", "ログイン", "不具合", "エラー"),
    "wait": ("wait", "waited", "waiting", "queue", "hours", "slow", "待たされ", "待ち時間", "行列",
             "遅い", "遅すぎ"),
    "quality": ("cold", "bland", "stale", "broken", "quality", "soggy", "burnt", "まずい", "不味い",
                "冷めて", "品質", "壊れ"),
}  # fmt: skip

COMPLAINT_CUES = (
    "refund", "never again", "complain", "complaint", "disappointed", "unacceptable",
    "worst", "terrible", "awful", "disgusting", "返金", "二度と", "クレーム", "最悪", "ひどい",
    "酷い", "がっかり", "許せない",
)  # fmt: skip

MISCONDUCT: dict[str, tuple[str, ...]] = {
    "people": ("part-timer", "part timer", "parttimer", "employee", "employees", "staff",
               "worker", "crew", "バイト", "店員", "従業員", "アルバイト", "バイト君"),
    "place": ("kitchen", "freezer", "fridge", "refrigerator", "walk-in", "sink", "fryer",
              "厨房", "冷蔵庫", "冷凍庫", "シンク", "キッチン", "調理場", "食材"),
    "act": ("filming", "filmed", "video", "prank", "licking", "licked", "tiktok", "悪ふざけ",
            "動画", "撮影", "舐め", "バイトテロ", "ばかったー", "バカッター", "インスタ"),
}  # fmt: skip


def _table(groups: dict[str, tuple[str, ...]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for all terms (folded) and a map from matched term to its group."""
    owner: dict[str, str] = {}
    for group, terms in groups.items():
        for t in terms:
            owner.setdefault(fold_pattern(t), group)
    latin = sorted((t for t in owner if t.isascii()), key=len, reverse=True)
    other = sorted((t for t in owner if not t.isascii()), key=len, reverse=True)
    parts = [r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, latin)) + r")(?:s|es|ed|ing)?(?![a-z])"]
    if other:
        parts.append("|".join(map(re.escape, other)))
    return re.compile("|".join(f"({p})" for p in parts)), owner


_TOPIC_RE, _TOPIC_OF = _table(TOPICS)
_CUE_RE, _ = _table({"cue": COMPLAINT_CUES})
_MIS_RE, _MIS_OF = _table(MISCONDUCT)
_SUFFIX = re.compile(r"(?:s|es|ed|ing)$")


def _groups(pattern: re.Pattern[str], owner: dict[str, str], text: str) -> list[str]:
    found: list[str] = []
    for m in pattern.finditer(text):
        term = m.group(0)
        group = owner.get(term) or owner.get(_SUFFIX.sub("", term))
        if group is None:  # a suffix that belongs to the word ("process" -> "proces")
            group = next((g for t, g in owner.items() if term.startswith(t)), None)
        if group is not None and group not in found:
            found.append(group)
    return found


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What the text alone says (shared by every mention with the same text)."""

    folded: Folded
    language: str
    sentiment: str
    offensive: bool
    topics: tuple[str, ...]
    complaint_cue: bool
    misconduct_groups: int
    #: The content terms (stop words skipped; each watch drops its own names from them).
    terms: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Enrichment:
    """A mention's enrichment, as stored and counted."""

    language: str
    sentiment: str
    offensive: bool
    complaint: bool
    topics: tuple[str, ...]
    reach: int
    misconduct: bool

    @property
    def negative(self) -> bool:
        """What the ``negative`` series counts: negative sentiment or an offensive post."""
        return self.sentiment == "negative" or self.offensive


def reach(m: Mention) -> int:
    """Followers plus the audiences engagement brings (a repost or quote shows the post to
    another timeline, worth about ten followers' attention; likes and replies a little).
    At most ``MAX_COUNT``, the largest figure the database stores (a live source can report
    anything)."""
    return min(m.followers + 10 * (m.reposts + m.quotes) + 2 * m.likes + m.replies, MAX_COUNT)


def offensive(folded: Folded, language: str) -> bool:
    """The check's toxicity models: the offensive model for English, the JA model for Japanese."""
    from firewarden.checks.toxicity.model import load_model

    model = load_model("ja" if language == "ja" else "offensive")
    return model.flags(model.probability(folded))


def text_facts(text: str, language: str = "") -> TextFacts:
    """Fold, identify the language and read sentiment, offensiveness and complaint topics."""
    folded = fold(text)
    lang = language if language in ("en", "ja") else detect_language(text)
    f = folded.text
    return TextFacts(
        folded=folded,
        language=language or lang,
        sentiment=sentiment(f, lang),
        offensive=offensive(folded, lang),
        topics=tuple(_groups(_TOPIC_RE, _TOPIC_OF, f)),
        complaint_cue=_CUE_RE.search(f) is not None,
        misconduct_groups=misconduct_groups(f),
        terms=content_terms(text),
    )


def misconduct_groups(folded_text: str) -> int:
    """How many of the groups people / place / act a folded text has words of."""
    return len(_groups(_MIS_RE, _MIS_OF, folded_text))


def looks_like_misconduct(groups: int, media: Iterable[str], *, names_brand: bool) -> bool:
    """The misconduct sign: names the brand, carries an image or video, and has words of
    at least two of the groups."""
    return names_brand and groups >= 2 and any(k in ("image", "video") for k in media)


def enrich(m: Mention, facts: TextFacts, *, names_brand: bool) -> Enrichment:
    """The mention's enrichment from its text facts; ``names_brand``: a watch's keyword or
    product name is in the text (the misconduct sign needs it)."""
    negative = facts.sentiment == "negative" or facts.offensive
    complaint = negative and bool(facts.topics or facts.complaint_cue)
    return Enrichment(
        language=facts.language,
        sentiment=facts.sentiment,
        offensive=facts.offensive,
        complaint=complaint,
        topics=facts.topics if complaint else (),
        reach=reach(m),
        misconduct=looks_like_misconduct(facts.misconduct_groups, m.media, names_brand=names_brand),
    )


class Enricher:
    """Text facts with a bounded cache keyed by (text, declared language)."""

    def __init__(self, limit: int = 20_000) -> None:
        self._cache: dict[tuple[str, str], TextFacts] = {}
        self._limit = limit
        self.hits = 0
        self.misses = 0

    def facts(self, text: str, language: str = "") -> TextFacts:
        key = (text, language)
        found = self._cache.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        if len(self._cache) >= self._limit:
            self._cache.clear()  # cheap, and a stream's repeats are recent ones
        found = self._cache[key] = text_facts(text, language)
        return found

    def warm(self, texts: Iterable[str]) -> None:
        """Load the models before timing anything."""
        for t in texts:
            self.facts(t)
