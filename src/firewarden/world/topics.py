"""Topic words of a moment: what a draft would say if it referred to it.

For a calendar entry the topics are curated. For an event the caller describes in free text
("Hurricane Sandy making landfall on the US east coast", 「能登半島地震」) they are read from the
text: proper names, the hazard words themselves, and their translations (a Japanese post about
an event described in English still refers to it: 地震 for "earthquake").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from firewarden.text.normalize import fold_pattern

#: Words that name a hazard or its subject, grouped with their translations and variants.
_GLOSSARY: tuple[tuple[str, ...], ...] = (
    ("earthquake", "quake", "地震", "震災"),
    ("tsunami", "津波"),
    ("hurricane", "ハリケーン"),
    ("typhoon", "台風"),
    ("cyclone", "サイクロン"),
    ("tornado", "竜巻"),
    ("flood", "flooding", "floods", "洪水", "水害", "浸水", "豪雨"),
    ("wildfire", "wildfires", "bushfire", "山火事", "森林火災"),
    ("eruption", "volcano", "噴火", "火山"),
    ("landslide", "土砂崩れ", "土砂災害"),
    ("heatwave", "heat wave", "猛暑", "熱波"),
    ("blizzard", "snowstorm", "大雪", "豪雪"),
    ("shooting", "gunman", "銃撃", "銃乱射"),
    ("bombing", "bomb", "爆破", "爆弾"),
    ("terror", "terrorist", "terrorism", "テロ"),
    ("war", "戦争"),
    ("invasion", "侵攻"),
    # Not デモ or コメ alone: folded to hiragana they are でも ("but") and こめ (込める).
    ("protest", "protests", "protesters", "デモ隊", "抗議デモ", "抗議"),
    ("riot", "riots", "暴動"),
    ("pandemic", "epidemic", "outbreak", "感染拡大", "パンデミック"),
    ("rice", "お米", "ライス", "米価", "米不足", "コメ不足"),
    ("gasoline", "gas", "fuel", "petrol", "ガソリン", "燃料"),
    ("nuclear", "原発", "原爆"),
    ("plane crash", "墜落"),
    ("assault", "assaulting", "暴行"),
    ("domestic violence", "dv"),
    ("evacuation", "evacuate", "避難"),
    ("blackout", "power outage", "停電"),
)

#: English words that describe news rather than name its subject.
_STOP_WORDS = """a an the and or of in on at to for from by with as is are was were be been its it
    this that
    these those after before during since until over under about into across near than less more
    most whole all some many mass million millions thousands hundreds people person man woman
    video photo widely reported report reports news breaking making made make day days week weeks
    month months year years today yesterday tomorrow morning night ago east west north south
    coast central northern southern eastern western city town country state us uk eu political
    public record prices price big small major minor new old first last widespread ongoing
    continued latest late early government official officials company talks broke down proposed
    over debate his her their our your my he she they we you who whose which where when what
    following amid due left kills killed dead death deaths died massive huge deadly severe heavy
    powerful strong hits hit struck strikes"""
_STOP = frozenset(_STOP_WORDS.split())
_JA_STOP_WORDS = (
    "令和 平成 昭和 甚大 被害 影響 発生 各地 全国 日本 政府 報道 現在 速報 今回 多数 情報"
)
_JA_STOP = frozenset(_JA_STOP_WORDS.split())
#: Groups naming a subject (not a hazard): a capitalised "Rice" is a name, not rice.
_SUBJECTS = frozenset({"rice"})

_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_EN_WORD = re.compile(r"[A-Za-z][a-z'’-]{3,}")
_JA_RUN = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff\u3005ー]{2,}")
#: Japanese hazard words split off a compound (能登半島地震 -> 能登半島 + 地震).
_JA_HAZARD = re.compile(
    r"(大震災|地震|津波|台風|豪雨|洪水|噴火|土砂災害|大雪|火災|事故|事件|テロ|戦争|侵攻|不足|高騰|暴動|デモ|"
    r"品薄|品切れ|買い占め)"
)
#: What is scarce or dear: "bottled water shortage" -> "bottled water", "water" (a post that
#: names the goods refers to the shortage, as お米 does to a rice shortage).
_SCARCE = re.compile(
    r"\b([a-z]+(?:[ -][a-z]+)?)[ -](?:shortages?|prices|price hikes?|rationing|scarcity)\b"
)
_JA_SUFFIX = re.compile(r"(半島|地方|県|府|都|市|町|村|沖|島)$")

_GLOSS_INDEX: dict[str, tuple[str, ...]] = {}
for _group in _GLOSSARY:
    _folded = tuple(fold_pattern(w) for w in _group)
    for _w in _folded:
        _GLOSS_INDEX[_w] = _folded


def event_topics(text: str) -> tuple[str, ...]:
    """Folded topic words of an event described in free text (English or Japanese)."""
    names: list[str] = []
    for m in _CAPITALISED.finditer(text):
        words = [w for w in m.group().split() if w.casefold() not in _STOP]
        if len(words) > 1:
            names.append(" ".join(words))
        # The last word of a short name is its distinctive part (Sandy, Rice, Orleans);
        # single words of longer names are often common words (Black Lives Matter).
        if 1 <= len(words) <= 2 and len(words[-1]) >= 4:
            names.append(words[-1])
    words = []
    for m in _EN_WORD.finditer(text):
        word = fold_pattern(m.group())
        key = word if word in _GLOSS_INDEX else word.rstrip("s")
        if key in _GLOSS_INDEX and (
            m.group()[0].islower() or _GLOSS_INDEX[key][0] not in _SUBJECTS
        ):
            words.append(word)
    for m in _SCARCE.finditer(text.lower()):
        goods = [w for w in re.split(r"[ -]", m.group(1)) if w not in _STOP and len(w) >= 3]
        if goods:
            names.append(" ".join(goods))
            names.extend((goods[-1], goods[-1] + "s"))
    folded = fold_pattern(text)
    for gloss in _GLOSS_INDEX:
        if not gloss.isascii() and gloss in folded:
            words.append(gloss)
    for m in _JA_RUN.finditer(text):
        run = m.group().lstrip("年月日")
        parts = [p for p in _JA_HAZARD.split(run) if len(p) >= 2 and p not in _JA_STOP]
        names.extend(p for p in parts if not _JA_HAZARD.fullmatch(p))
        words.extend(
            p for p in parts if _JA_HAZARD.fullmatch(p) and fold_pattern(p) in _GLOSS_INDEX
        )
        for p in parts:
            short = _JA_SUFFIX.sub("", p)
            if short != p and len(short) >= 2:
                names.append(short)
    return tuple(
        dict.fromkeys(
            [*(fold_pattern(n) for n in names), *expand_topics(fold_pattern(w) for w in words)]
        )
    )


def expand_topics(topics: Iterable[str]) -> tuple[str, ...]:
    """Topics with their glossary translations added, in order, without repeats."""
    out: dict[str, None] = {}
    for t in topics:
        t = t.strip()
        if not t or t in _STOP:
            continue
        out[t] = None
        for g in _GLOSS_INDEX.get(t, ()) or _GLOSS_INDEX.get(t.rstrip("s"), ()):
            out[g] = None
    return tuple(out)


@lru_cache(maxsize=256)
def topic_pattern(topics: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern over folded text for a moment's topics (whole words for Latin script)."""
    parts = []
    for t in sorted(set(topics), key=len, reverse=True):
        body = re.escape(t)
        if t[0].isascii() and t[0].isalnum():
            body = rf"(?<![a-z0-9]){body}"
        if t[-1].isascii() and t[-1].isalnum():
            body = rf"{body}(?![a-z0-9])"
        parts.append(body)
    return re.compile("|".join(parts)) if parts else None


def topic_spans(folded_text: str, topics: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of a folded text that name one of the topics; hashtags count (#Sandy)."""
    pattern = topic_pattern(topics)
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(folded_text)]
