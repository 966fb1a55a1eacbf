"""Private people named in a post: customers, guests, and celebrities' private visits.

Names are recognised by their shape, not looked up: in English, capitalised words (or a
title such as "Mrs.") right after a word for a customer; in Japanese, kanji or katakana
followed by an honorific (様, さん, 氏) next to a word for a customer or a visit. Matching
runs on narrowed original text because capitals carry the signal in English.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from firewarden.checks.detectors.narrow_text import has_japanese

_CAP = r"[A-Z][a-z'’-]+"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?"
#: A person's name: a title and a surname, or two or three capitalised words.
_NAME = rf"(?:{_TITLE}\s+{_CAP}(?:\s+{_CAP})?|{_CAP}(?:\s+(?:[A-Z]\.\s+)?{_CAP}){{1,2}})"
_ROLE = (
    # Not "member" or "regular": "band member Michael McDonald" is no customer.
    r"(?:customer|client|guest|patron|shopper|diner|passenger|patient|visitor|buyer|"
    r"subscriber)s?"
)
_VISIT_EN = (
    r"(?:visited|stopped by|dropped by|dropped in|came (?:in|by|to)|dined|ate|shopped|stayed|"
    r"checked in|was (?:here|spotted|seen|in)|were (?:here|spotted|seen))"
)
_CELEB_EN = (
    r"(?:celebrity|celeb|famous|movie star|pop star|film star|star|actor|actress|singer|rapper|"
    r"athlete|influencer|youtuber|comedian|model)"
)

# Lower-case role words only: "Customer Service" and "Guest Wi-Fi" are titles, not people.
_EN_CUSTOMER = re.compile(
    rf"\b(?:{_ROLE}\s+(?:of the (?:day|week|month|year)[,:]?\s+)?"
    rf"(?:(?:named|called)\s+(?P<named>{_CAP}(?:\s+{_CAP})?)|(?P<name>{_NAME}))"
    rf"|(?P<title>{_TITLE}\s+{_CAP})\s+(?:{_VISIT_EN}|ordered|bought|complained|left|asked))"
)
_EN_VISIT = re.compile(
    rf"\b(?:(?:{_CELEB_EN})\s+(?P<celeb>{_CAP}(?:\s+{_CAP}){{0,2}})[^.!?\n]{{0,30}}?\b{_VISIT_EN}"
    rf"|(?P<name>{_NAME})\s+(?:{_VISIT_EN})\s+(?:at\s+|in\s+)?(?:our|us\b)"
    rf"|spotted\s+(?P<spotted>{_NAME})\s+(?:at|in)\s+our"
    # "Taylor Swift at table 4", "Guess who had lunch with us today? Taylor Swift!"
    rf"|(?P<table>{_NAME})\s+(?:at|in|sat at|sitting at)\s+(?:table|booth)\s+\d"
    rf"|guess who[^.!?\n]{{0,50}}[?!.]+\s*(?P<guess>{_NAME}))"
)
#: Capitalised words that follow a role word but are not names.
_NOT_NAMES_EN = (
    "I We You They The Our Your This That Service Services Support Care Experience Day Days "
    "Week Month Year Appreciation Satisfaction Success Stories Story Spotlight Reviews Review "
    "Rewards Program Team Center Centre Portal Login Love Favorite Favourite Feedback Relations "
    "Journey Survey Voice Voices Edition Exclusive Event Night Menu Wi-Fi WiFi Pass Policy "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December Today Tonight Thanks Thank"
)
_NOT_NAMES = frozenset(_NOT_NAMES_EN.split())

_JA_NAME = r"[\u4e00-\u9fff\u3005\u30a1-\u30fa\u30fc]{1,6}"
_HON = r"(?:様|さま|さん|氏|くん|君|ちゃん)"
_ROLE_JA = (
    r"(?:お客様|お客さま|お客さん|顧客|常連(?:客|さん|様)?|利用者|会員|来店客|宿泊客|患者|"
    r"お得意様|ご来店(?:の|された|いただいた))"
)
_VISIT_JA = (
    r"(?:ご来店|来店|お越し|ご来場|来場|ご宿泊|宿泊|ご利用|ご購入|ご注文|いらっしゃ|来て|来られ|"
    r"お見え|ご予約|ご乗車|お忍び)"
)
_CELEB_JA = (
    r"(?:有名人|芸能人|俳優|女優|タレント|アイドル|歌手|芸人|お笑い芸人|スポーツ選手|選手|モデル|"
    r"ユーチューバー|YouTuber|インフルエンサー|アーティスト|著名人)"
)
_JA_CUSTOMER = re.compile(
    rf"{_ROLE_JA}(?:の|である|、)?\s?(?P<name>{_JA_NAME}){_HON}"
    rf"|(?P<visitor>{_JA_NAME}){_HON}(?:が|も|に|より)?\s?{_VISIT_JA}"
)
_JA_VISIT = re.compile(
    rf"{_CELEB_JA}(?:の|である|、)?\s?(?P<celeb>{_JA_NAME})?{_HON}?(?:が|も)?[^。！!？?\n]{{0,12}}?{_VISIT_JA}"
    rf"|(?P<name>{_JA_NAME}){_HON}(?:が|も)?[^。！!？?\n]{{0,8}}?お忍び"
)
# Word tokens that must be present before the English patterns are worth running (most posts
# name nobody; a set lookup costs far less than a scan).
_ROLE_WORDS = frozenset(
    f"{w}{s}"
    for w in ("customer", "client", "guest", "patron", "shopper", "diner", "passenger",
              "patient", "visitor", "buyer", "subscriber")
    for s in ("", "s")
) | frozenset(("mr", "mrs", "ms", "miss", "mx", "dr", "prof"))  # fmt: skip
_VISIT_WORDS = frozenset((
    "visited", "stopped", "dropped", "came", "dined", "ate", "shopped", "stayed", "checked",
    "was", "were", "spotted",
))  # fmt: skip
_CELEB_WORDS = frozenset((
    "celebrity", "celeb", "famous", "star", "actor", "actress", "singer", "rapper", "athlete",
    "influencer", "youtuber", "comedian", "model",
))  # fmt: skip
_JA_HON_GATE = re.compile(_HON)
_JA_VISIT_GATE = re.compile(rf"{_CELEB_JA}|お忍び")

#: Words that take an honorific but are not a person's name (皆様, 店長さん, お子様 ...).
_NOT_NAMES_JA = (
    "皆", "客", "子", "奥", "旦那", "主人", "神", "王", "店長", "社長", "部長", "課長", "先生",
    "スタッフ", "社員", "各", "母", "父", "娘", "息子", "家族", "親子", "カップル", "外国人",
    "団体", "多く", "大勢", "一般", "地元", "近所", "学生", "年寄り", "方々", "皆々", "会員",
    "常連", "ファン", "メンバー", "ゲスト", "農家", "職人", "生産者", "作家", "担当", "様々",
    "業者", "利用者", "来店", "同様", "殿", "姉", "兄", "妹", "弟", "嫁", "婿", "孫", "方",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    #: "customer" (a customer or guest named) or "visit" (someone's private visit disclosed)
    kind: str
    #: The name as written, or "" when the person is described but not named.
    name: str


def find_people(narrowed: str, words: AbstractSet[str]) -> list[Mention]:
    """Customers named and private visits disclosed in a narrowed text.

    ``words`` are the text's folded word tokens: looking them up is far cheaper than running
    the English patterns over a post that names nobody.
    """
    found: list[Mention] = []
    japanese = has_japanese(narrowed)
    visit = bool(_VISIT_WORDS & words) and bool(
        _CELEB_WORDS & words or "our" in words or "us" in words
    )
    visit = visit or "table" in words or "booth" in words or "guess" in words
    for m in _EN_VISIT.finditer(narrowed) if visit else ():
        name = (
            m.group("celeb")
            or m.group("name")
            or m.group("spotted")
            or m.group("table")
            or m.group("guess")
            or ""
        )
        if m.group("celeb") or _is_en_name(name):
            found.append(Mention(m.start(), m.end(), "visit", name))
    ja_visit = japanese and _JA_VISIT_GATE.search(narrowed)
    for m in _JA_VISIT.finditer(narrowed) if ja_visit else ():
        name = m.group("celeb") or m.group("name") or ""
        if name and not _is_ja_name(name):
            name = ""
        found.append(Mention(m.start(), m.end(), "visit", name))
    customer = bool(_ROLE_WORDS & words)
    for m in _EN_CUSTOMER.finditer(narrowed) if customer else ():
        name = m.group("named") or m.group("name") or m.group("title") or ""
        if m.group("named") or _is_en_name(name):
            _add(found, Mention(m.start(), m.end(), "customer", name))
    honorific = japanese and _JA_HON_GATE.search(narrowed)
    for m in _JA_CUSTOMER.finditer(narrowed) if honorific else ():
        name = m.group("name") or m.group("visitor") or ""
        if _is_ja_name(name):
            _add(found, Mention(m.start(), m.end(), "customer", name))
    found.sort(key=lambda x: x.start)
    return found


def _add(found: list[Mention], mention: Mention) -> None:
    if not any(f.start < mention.end and mention.start < f.end for f in found):
        found.append(mention)


def _is_en_name(name: str) -> bool:
    words = name.replace(".", "").split()
    return bool(words) and not any(w in _NOT_NAMES for w in words)


def _is_ja_name(name: str) -> bool:
    return not name.endswith(_NOT_NAMES_JA)
