"""What a draft is trying to do: sell, joke, sympathise, campaign, complain.

Rules and detectors use intents as conditions ("a joke during a disaster", "a promotion with a
tragedy's hashtag"), so a word is judged by what the post does with it. Cues are matched on the
folded text (see :mod:`firewarden.text.normalize`) with word boundaries for English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

INTENTS = ("promotion", "humour", "sympathy", "campaign", "complaint", "pause")

_EN: dict[str, tuple[str, ...]] = {
    "promotion": (
        r"sale", r"\d+ ?% off", r"off (?:your|all|every)", r"discounts?", r"deals?", r"shop(?:ping)?",
        r"buy", r"order (?:now|today|online)", r"free shipping", r"coupon", r"promo(?: code)?",
        r"code [a-z0-9]+", r"limited time", r"now available", r"available (?:now|online|today)",
        r"new (?:collection|arrivals?|menu|flavou?r|product|line)", r"pre-?order", r"save \$?\d+",
        r"\$\d+", r"bogo", r"giveaway", r"win (?:a|an|the|one)", r"enter to win", r"get yours",
        r"check out", r"in stores?", r"book (?:now|today)", r"special offer", r"happy hour",
        r"tabs?", r"specials?", r"launch(?:es|ed|ing)?", r"collection", r"\.com",
    ),
    "humour": (
        r"lol", r"lmao", r"haha+", r"jk", r"just kidding", r"joke", r"kidding", r"pun intended",
        r";\)", r":p", r"😂", r"🤣", r"😜", r"😉", r"rumou?r (?:is|has it)", r"ironic",
    ),
    "sympathy": (
        r"thoughts (?:are|go) with", r"our thoughts", r"prayers?", r"praying", r"stay safe",
        r"condolences", r"sympathy", r"sympathies", r"hearts? (?:go|goes|are) out",
        r"we (?:stand|are) with", r"in memory of", r"remember(?:ing)? (?:those|the victims)",
        r"rest in peace", r"please donate", r"relief efforts?", r"support (?:the )?(?:victims|relief)",
        r"moment of silence", r"mourn", r"grie(?:f|ve|ving)",
    ),
    "campaign": (
        r"use (?:the )?hashtag", r"tag (?:us|your)", r"share your", r"tell us", r"answer must include",
        r"reply with", r"#\w+ (?:to|and) (?:win|enter)", r"post (?:a|your) (?:photo|story)",
    ),
    "complaint": (
        r"i hate", r"i can'?t stand", r"sick of", r"fed up", r"annoyed", r"so annoying",
        r"worst", r"pissed", r"no one (?:here )?knows how", r"idiots?", r"ugh+", r"wtf",
    ),
    "pause": (
        r"paus(?:e|ed|ing) (?:all |our )?(?:promotions?|posts?|marketing|campaigns?)",
        r"postpon(?:e|ed|ing)", r"suspend(?:ed|ing)? (?:our )?(?:campaign|promotion)",
    ),
}

_JA: dict[str, tuple[str, ...]] = {
    "promotion": (
        "セール", "割引", "割引き", "%オフ", "％オフ", "半額", "キャンペーン", "発売", "販売", "新商品",
        "新発売", "限定", "今だけ", "お得", "クーポン", "ご購入", "購入", "予約", "ポイント",
        "プレゼント", "ご注文", "送料無料", "新メニュー", "登場", "オープン", "円",
    ),
    "humour": ("笑", "(笑)", "ww", "草", "ネタ", "冗談", "エイプリルフール", "嘘です", "なんちゃって"),
    "sympathy": (
        "お見舞い", "ご冥福", "お悔やみ", "被災された", "被災地", "ご無事", "心よりお祈り", "祈り",
        "哀悼", "支援", "義援金", "寄付", "黙祷", "追悼",
    ),
    "campaign": ("ハッシュタグ", "をつけて投稿", "を付けて投稿", "フォロー&", "フォロー＆", "リポスト", "応募"),
    "complaint": ("ムカつく", "むかつく", "うざい", "ウザい", "腹立つ", "最悪", "ふざけんな", "いい加減にしろ"),
    "pause": ("自粛", "延期", "中止", "見合わせ"),
}


def _compile(cues: Iterable[str], *, words: bool) -> re.Pattern[str]:
    from firewarden.text.normalize import fold_pattern

    if words:
        body = "|".join(f"(?:{c})" for c in cues)
        return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")
    return re.compile("|".join(re.escape(fold_pattern(c)) for c in cues))


_PATTERNS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    name: (_compile(_EN[name], words=True), _compile(_JA[name], words=False)) for name in INTENTS
}


def detect_intents(folded_text: str) -> frozenset[str]:
    """Return the intents whose cues occur in a folded text (English and Japanese cues)."""
    found = set()
    for name, (en, ja) in _PATTERNS.items():
        if en.search(folded_text) or ja.search(folded_text):
            found.add(name)
    return frozenset(found)


def intent_spans(folded_text: str, intent: str) -> list[tuple[int, int]]:
    """Spans of one intent's cues in a folded text, for findings that point at them."""
    en, ja = _PATTERNS[intent]
    return [m.span() for m in en.finditer(folded_text)] + [m.span() for m in ja.finditer(folded_text)]
