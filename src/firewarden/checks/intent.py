"""What a draft is trying to do: sell, joke, sympathise, campaign, complain, pause.

Rules and detectors use intents as conditions ("a joke during a disaster", "a promotion with a
tragedy's hashtag"), so a word is judged by what the post does with it. Cues are matched on the
folded text (see :mod:`firewarden.text.normalize`), English ones as whole words.

Each intent has *strong* cues, any one of which is enough ("20% off", "use code"), and *weak*
cues that are ambiguous on their own ("shop" in "coffee shop", "collection", "tabs", 「限定」):
two different weak cues are needed. Cues exclude their common innocent uses ("deal with",
"big deal", 「笑顔」, "www.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from firewarden.text.normalize import fold_pattern

INTENTS = ("promotion", "humour", "sympathy", "campaign", "complaint", "pause")

#: (strong, weak) English cues: regular expressions over folded (lower-case) text.
_EN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "promotion": (
        (
            r"(?:on |for |flash |big |mega |summer |winter |spring |holiday )?sales?",
            r"\d+ ?% off",
            r"off (?:your|all|every|everything|the entire)",
            r"discount(?:s|ed)?",
            r"(?:great|best|hot|sweet|knockout|daily|special|exclusive|amazing) deals?",
            r"shop (?:now|today|online|the|our)",
            r"shopping",
            r"buy (?:now|one|\d|two)",
            r"order (?:now|today|online|yours)",
            r"free (?:shipping|delivery|gift|trial)",
            r"(?:big|huge) savings",
            r"save big",
            r"coupons?",
            r"promo(?: code)?",
            r"(?:use|with|enter) code",
            r"limited[- ]time",
            r"today only",
            r"now available",
            r"available (?:now|online|today)",
            r"new (?:collection|arrivals?|menu|flavou?rs?|products?|line|season)",
            r"pre-?orders?",
            r"save (?:up to )?\$?\d+",
            r"bogo",
            r"giveaway",
            r"win (?:a|an|one|free)",
            r"enter to win",
            r"get yours",
            r"in stores? (?:now|today)",
            r"book (?:now|today|your)",
            r"special offers?",
            r"happy hour",
            r"launch(?:es|ed|ing)?",
            r"just dropped",
            r"grab (?:yours|one|a|our)",
            r"(?:summer|winter|spring|fall|autumn|holiday|new|latest) (?:collection|season)",
            r"\$\d+(?:\.\d\d)? (?:all day|today|each|only)",
            r"free for \d+ days",
        ),
        (
            r"shop",
            r"buy",
            r"tabs?",
            r"specials?",
            r"collection",
            r"check (?:out|it out)",
            r"[a-z0-9-]+\.com",
            r"in stores?",
            r"offers?",
            r"exclusive",
            r"free",
            r"orders?",
            r"(?<!big )(?<!no )deals?(?! with)(?! breaker)(?! of the)",
            r"\$\d+(?:\.\d\d)?(?![\d.,]*\s*(?:k|m|bn|million|billion|penalty|fine)\b)",
            r"savings",
            r"delivery",
            r"price[sd]?",
            r"new",
            r"limited",
            r"bit\.ly/\S+",
            r"link in bio",
            r"stream(?:ing)?",
        ),
    ),
    "humour": (
        (
            r"lol+",
            r"lmao+",
            r"rofl",
            r"ha(?:ha)+h?",
            r"he(?:he)+",
            r"jk",
            r"just kidding",
            r"pun intended",
            r";-?\)",
            r":-?p",
            r"😂",
            r"🤣",
            r"😜",
            r"😝",
            r"rumou?r (?:is|has it)",
            r"april fools?",
            r"knee-?slapper",
        ),
        (r"jokes?", r"kidding", r"ironic", r"funny", r"hilarious", r"😉", r"😆", r"😅", r"pun"),
    ),
    "sympathy": (
        (
            r"thoughts (?:are|go) with",
            r"our thoughts",
            r"prayers",
            r"praying",
            r"stay safe",
            r"condolences",
            r"sympathy",
            r"sympathies",
            r"hearts? (?:go|goes|are) out",
            r"we (?:stand|are) with",
            r"in memory of",
            r"remember(?:ing)? (?:those|the victims)",
            r"rest in peace",
            r"please donate",
            r"relief efforts?",
            r"support (?:the )?(?:victims|relief|families|those affected)",
            r"moment of silence",
            r"mourn(?:ing|s)?",
            r"grie(?:f|ve|ving)",
            r"all (?:those )?(?:impacted|affected) by",
        ),
        (r"prayer", r"support", r"relief", r"donat(?:e|ion|ions|ing)", r"safe", r"victims?"),
    ),
    "campaign": (
        (
            r"use (?:the |our )?(?:hashtag|#)",
            r"using (?:the )?(?:hashtag|#)",
            r"tag (?:us|your|a friend)",
            r"share your (?:story|stories|photos?|pics?|experiences?|"
            r"memories|moments?)",
            r"tell us (?:your|about|what|why|how|who)",
            r"answer must include",
            r"reply with",
            r"#\w+ (?:to|and) (?:win|enter)",
            r"post (?:a|your) (?:photo|story|pic|video)",
            r"to enter",
            r"include #\w+",
            r"for a chance to win",
        ),
        (r"tell us", r"share", r"rt to", r"retweet", r"hashtag"),
    ),
    "complaint": (
        (
            r"i hate",
            r"i can'?t stand",
            r"sick of",
            r"fed up",
            r"so annoying",
            r"pissed(?: off)?",
            r"ugh+",
            r"wtf",
            r"no one (?:here )?knows how",
            r"i find it ironic",
        ),
        (r"annoyed", r"worst", r"ridiculous", r"hate"),
    ),
    "pause": (
        (
            r"paus(?:e|ed|ing) (?:all |our |any )?(?:promotions?|posts?|posting|marketing|"
            r"campaigns?|advertising|ads)",
            r"postpon(?:e|ed|ing)",
            r"suspend(?:ed|ing)? (?:our |all )?(?:campaigns?|promotions?)",
            r"(?:cancel(?:l?ed|l?ing)?|halt(?:ed|ing)?) (?:our |the |all )?"
            r"(?:sale|promotion|campaign)",
        ),
        (r"paus(?:e|ed|ing)", r"cancel(?:l?ed|l?ing)?"),
    ),
}

#: (strong, weak) Japanese cues: regular expressions, folded like drafts (katakana -> hiragana).
_JA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "promotion": (
        (
            "セール",
            "割引",
            r"\d+\s*%\s*オフ",
            r"\d+\s*%\s*off",
            "半額",
            "新発売",
            "新商品",
            "今だけ",
            "クーポン",
            "送料無料",
            "新メニュー",
            "ご購入",
            "お買い得",
            r"\d[\d,]*\s*円",
            "発売中",
            "予約受付",
            "好評発売",
            "販売開始",
            "発売開始",
            "先着",
            r"ポイント\d+倍",
            "キャンペーン実施",
            "ご注文はこちら",
            "お求めください",
            "大特価",
            "値下げ",
            "本日配信",
            "配信開始",
            "本日発売",
            "販売中",
            "新登場",
            "ぜひお立ち寄り",
            "ぜひご来店",
            "お買い求め",
        ),
        (
            "発売",
            "販売",
            "限定",
            "購入",
            "予約",
            "ポイント",
            "プレゼント",
            "ご注文",
            "登場",
            "オープン",
            "新作",
            "配信",
            "お立ち寄り",
            "お得",
            "キャンペーン",
            "価格",
        ),
    ),
    "humour": (
        (
            r"\(笑\)",
            "エイプリルフール",
            "冗談です",
            "嘘です",
            "うそです",
            "なんちゃって",
            r"(?<![a-z])ww+(?![a-z.])",
            "草生え",
            "ネタです",
        ),
        (r"笑(?!顔)", "草", "ネタ", "ジョーク", "ギャグ", "ダジャレ", "冗談"),
    ),
    "sympathy": (
        (
            "お見舞い",
            "ご冥福",
            "お悔やみ",
            "被災された",
            "被災地",
            "ご無事",
            "心よりお祈り",
            "哀悼",
            "義援金",
            "黙祷",
            "黙とう",
            "追悼",
            "一日も早い復旧",
            "一日も早い復興",
        ),
        ("支援", "寄付", "祈り", "募金", "復興"),
    ),
    "campaign": (
        (
            "ハッシュタグをつけて",
            "ハッシュタグを付けて",
            "をつけて投稿",
            "を付けて投稿",
            "フォロー&リポスト",
            "フォロー&rt",
            "フォローとリポスト",
            "で応募",
            "エピソードを募集",
            "を募集します",
            "投稿してください",
        ),
        ("ハッシュタグ", "リポスト", "応募", "募集", "教えて"),
    ),
    "complaint": (
        (
            "ムカつく",
            "むかつく",
            "うざい",
            "腹立つ",
            "ふざけんな",
            "いい加減にしろ",
            "よく言うわ",
            "ありえない",
        ),
        ("最悪", "だるい", "イライラ"),
    ),
    "pause": (
        ("自粛", "見合わせ", "控えさせていただ", "配信を停止", "投稿を控え"),
        ("延期", "中止"),
    ),
}


def _compile(en: Iterable[str], ja: Iterable[str]) -> re.Pattern[str]:
    en_body = "|".join(f"(?:{c})" for c in en)
    ja_body = "|".join(f"(?:{fold_pattern(c)})" for c in ja)
    return re.compile(rf"(?<![a-z0-9])(?:{en_body})(?![a-z0-9])|{ja_body}")


#: intent -> (strong pattern, weak pattern), English and Japanese cues together.
_PATTERNS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    name: (_compile(_EN[name][0], _JA[name][0]), _compile(_EN[name][1], _JA[name][1]))
    for name in INTENTS
}

#: (intent, strong?) for each group of the combined pattern; strong cues come first so that
#: "new collection" is read as the strong cue, not the weak "collection".
_GROUPS: tuple[tuple[str, bool], ...] = tuple(
    (name, strong) for strong in (True, False) for name in INTENTS
)


_PLAIN_START = re.compile(r"[a-z0-9 #%&'\u3040-\u30ff\u4e00-\u9fff](?![?*+{])")


def _by_first_char(cues: list[str]) -> str:
    """An alternation of cues grouped under their first character when it is a plain one.

    The regular expression engine then tries a handful of alternatives at each position
    instead of all of them; cues that start otherwise are tried as they are.
    """
    buckets: dict[str, list[str]] = {}
    rest: list[str] = []
    for cue in cues:
        if _PLAIN_START.match(cue):
            buckets.setdefault(cue[0], []).append(cue[1:])
        else:
            rest.append(cue)
    parts = [f"{re.escape(ch)}(?:{'|'.join(f'(?:{r})' for r in rs)})" for ch, rs in buckets.items()]
    return "|".join(parts + [f"(?:{c})" for c in rest])


#: What a text must hold for each pure-ASCII Japanese cue to match (a required literal).
#: A new ASCII Japanese cue needs an entry here (KeyError at import otherwise).
_JA_ASCII_NEEDS = {r"\d+\s*%\s*off": "%", r"(?<![a-z])ww+(?![a-z.])": "ww"}


def _combined(ascii_only: bool = False, english_only: bool = False) -> re.Pattern[str]:
    # One scan for every intent: each scan has a cost per character, so twelve separate scans
    # cost several times one scan over all the cues. Strong cues are tried before weak ones.
    # ascii_only: without the cues holding a non-ASCII character (see _ASCII_ALL);
    # english_only: without any Japanese cue (see _ENGLISH_ALL).
    def keep(cue: str) -> bool:
        return not ascii_only or cue.isascii()

    en: list[str] = []
    ja: list[str] = []
    for strong in (True, False):
        k = 0 if strong else 1
        en.append(_by_first_char([c for name in INTENTS for c in _EN[name][k] if keep(c)]))
        ja_cues = [fold_pattern(c) for name in INTENTS for c in _JA[name][k]]
        ja.append(_by_first_char([c for c in ja_cues if keep(c) and not english_only]))
    ja = [part for part in ja if part]  # an empty alternative would match everywhere
    en_part = rf"(?<![a-z0-9])(?:{'|'.join(en)})(?![a-z0-9])"
    return re.compile("|".join([en_part, *ja]))


_ALL = _combined()
#: The same scan without the cues that hold a non-ASCII character (Japanese cues, emoji).
#: Every such character in a cue is a required literal, so on a text holding none of them
#: those cues cannot match and this scan finds exactly what _ALL finds, with far fewer
#: alternatives to try at each position.
_ASCII_ALL = _combined(ascii_only=True)
#: And without the few pure-ASCII Japanese cues, for texts lacking what they need: these
#: cues are not behind the English word boundary, so they were tried at every position.
_ENGLISH_ALL = _combined(ascii_only=True, english_only=True)
_JA_ASCII_GATES = tuple(
    sorted(
        {
            _JA_ASCII_NEEDS[fold_pattern(c)]
            for cues in _JA.values()
            for c in (*cues[0], *cues[1])
            if fold_pattern(c).isascii()
        }
    )
)
_CUE_CHARS = re.compile(
    "["
    + "".join(
        sorted(
            {
                re.escape(ch)
                for cues in (*_EN.values(), *_JA.values())
                for c in (*cues[0], *cues[1])
                for ch in fold_pattern(c)
                if not ch.isascii()
            }
        )
    )
    + "]"
)


def _group_of(folded_text: str, m: re.Match[str]) -> tuple[str, bool] | None:
    """Which intent and strength a match of the combined pattern belongs to."""
    for name, strong in _GROUPS:
        own = _PATTERNS[name][0 if strong else 1].match(folded_text, m.start())
        if own is not None and own.end() == m.end():
            return name, strong
    return None


def detect_intents(folded_text: str) -> frozenset[str]:
    """Return the intents whose cues occur in a folded text (English and Japanese cues).

    An intent is present when one of its strong cues occurs, or two different weak ones.
    """
    found: set[str] = set()
    weak: dict[str, set[str]] = {}
    if _CUE_CHARS.search(folded_text):
        scan = _ALL
    elif any(g in folded_text for g in _JA_ASCII_GATES):
        scan = _ASCII_ALL
    else:
        scan = _ENGLISH_ALL
    for m in scan.finditer(folded_text):
        group = _group_of(folded_text, m)
        if group is None:
            continue
        name, strong = group
        if strong:
            found.add(name)
        else:
            seen = weak.setdefault(name, set())
            seen.add(m.group())
            if len(seen) >= 2:
                found.add(name)
    return frozenset(found)


def intent_spans(folded_text: str, intent: str) -> list[tuple[int, int]]:
    """Spans of one intent's cues (strong first, then weak) in a folded text."""
    strong, weak = _PATTERNS[intent]
    return [m.span() for m in strong.finditer(folded_text)] + [
        m.span() for m in weak.finditer(folded_text)
    ]
