"""A post's style as a few named, explainable features, and how far a draft is from the usual.

The account's past posts give the usual voice. Each feature (first person, formality, slang,
profanity, exclamation marks, emoji...) is compared with the past posts' own mean and spread;
the threshold is calibrated on the past posts themselves (leave-one-out), so an account with a
varied voice tolerates more than one with a uniform brand voice.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from firewarden.text.normalize import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: name, description, English words (a word may also end with ``*``: a prefix), Japanese
#: pattern (run only on text with Japanese), counted per word, sentence or text, minimum spread.
_COUNTED: tuple[tuple[str, str, frozenset[str], str, str, float], ...] = (
    ("first_person", "first person singular (I, my, 私, 俺)",
     _words("i i'm im i've i'd me my mine myself"),
     r"私(?!たち|達|ども)|わたし(?!たち)|僕|ぼく|俺|おれ(?!い)|あたし|うち(?=の|は|も)",
     "word", 0.03),
    ("first_person_plural", "the brand's 'we' (we, our, 当社, 弊社)",
     _words("we we're our ours us"), r"私たち|わたしたち|当社|弊社|当店|私ども",
     "word", 0.03),
    ("formal", "polite Japanese (です・ます)", frozenset(),
     r"です|ます|ください|ございます|いたします|でした|ません", "sentence", 0.3),
    ("slang", "slang and chat style (lol, omg, マジ, w)",
     _words("lol lmao omg wtf tbh smh af gonna wanna gotta ya u ur dude bro"),
     r"まじ|やば|(?<![a-z])ww+(?![a-z.])|草|じゃん|っす", "word", 0.03),
    ("profanity", "swearing and insults",
     _words("fuck* shit* bitch* damn crap asshole bastard idiot idiots moron morons stupid"),
     r"くそ|ちくしょう|死ね|地獄", "text", 0.15),
)  # fmt: skip
#: name, description, pattern over the folded text, counted per sentence or text, spread.
_MARKS: tuple[tuple[str, str, re.Pattern[str], str, float], ...] = (
    ("exclamation", "exclamation marks", re.compile(r"!"), "sentence", 0.3),
    ("question", "questions", re.compile(r"\?"), "sentence", 0.3),
    ("emoji", "emoji", re.compile(r"[\U0001f300-\U0001faff\u2600-\u27bf]"), "sentence", 0.3),
    ("hashtags", "hashtags", re.compile(r"#\w"), "text", 0.5),
    ("links", "links", re.compile(r"https?://|www\.|\.com(?![a-z])"), "text", 0.3),
)
_JA_COUNTED = tuple(re.compile(c[3]) for c in _COUNTED)
#: English word -> index of its feature; words ending in ``*`` match as prefixes.
_WORD_FEATURE = {w: i for i, c in enumerate(_COUNTED) for w in c[2] if not w.endswith("*")}
_PREFIX_FEATURE = tuple(
    (w[:-1], i) for i, c in enumerate(_COUNTED) for w in c[2] if w.endswith("*")
)
_PREFIXES = tuple(p for p, _ in _PREFIX_FEATURE)
_EN_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_JA_WORD = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]{1,2}")
_SENTENCE = re.compile(r"[.!?。!?\n]+")
_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_LETTERS = _UPPER + bytes(range(ord("a"), ord("z") + 1))
_ALL_BYTES = bytes(range(256))
FEATURES = (*(c[0] for c in _COUNTED), *(m[0] for m in _MARKS), "shouting")
_DESCRIBE = (
    {c[0]: c[1] for c in _COUNTED}
    | {m[0]: m[1] for m in _MARKS}
    | {"shouting": "capital letters (shouting)"}
)
_FLOOR = {c[0]: c[5] for c in _COUNTED} | {m[0]: m[4] for m in _MARKS} | {"shouting": 0.08}


def _per(n: int, per: str, words: int, sentences: int) -> float:
    if per == "word":
        return n / words
    if per == "sentence":
        return min(n / sentences, 2.0)
    return min(float(n), 3.0)


def style(text: str, folded: str | None = None) -> tuple[float, ...]:
    """The style features of one post (see ``FEATURES``); pass its folded text if known."""
    if folded is None:
        folded = fold(text).text
    en_words = [w.replace("’", "'") for w in _EN_WORD.findall(folded)]
    japanese = _JA_CHAR.search(folded) is not None
    ja_words = len(_JA_WORD.findall(folded)) if japanese else 0
    words = max(len(en_words) + ja_words, 1)
    sentences = max(sum(1 for s in _SENTENCE.split(folded) if s.strip()), 1)
    counts = [0] * len(_COUNTED)
    for w in en_words:
        i = _WORD_FEATURE.get(w)
        if i is not None:
            counts[i] += 1
        elif w.startswith(_PREFIXES):
            counts[next(j for p, j in _PREFIX_FEATURE if w.startswith(p))] += 1
    out = []
    for c, ja, n in zip(_COUNTED, _JA_COUNTED, counts, strict=True):
        if japanese:
            n += len(ja.findall(folded))
        out.append(_per(n, c[4], words, sentences))
    for _n, _d, pattern, per, _f in _MARKS:
        out.append(_per(len(pattern.findall(folded)), per, words, sentences))
    raw = text.encode("utf-8", "ignore")
    letters = len(raw) - len(raw.translate(_ALL_BYTES, _LETTERS))
    upper = len(raw) - len(raw.translate(_ALL_BYTES, _UPPER))
    out.append(upper / letters if letters >= 8 else 0.0)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Voice:
    """The usual voice of an account: feature means, spreads and a calibrated threshold."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float


def _fit(vectors: list[tuple[float, ...]]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    n = len(vectors)
    mean = tuple(sum(v[i] for v in vectors) / n for i in range(len(FEATURES)))
    scale = tuple(
        max(math.sqrt(sum((v[i] - mean[i]) ** 2 for v in vectors) / n), _FLOOR[name])
        for i, name in enumerate(FEATURES)
    )
    return mean, scale


def _distance(vec: tuple[float, ...], mean: tuple[float, ...], scale: tuple[float, ...]) -> float:
    # The root of the largest few squared z-scores: a post is off-voice when a few features
    # are far off, even if the rest match.
    z = sorted((((v - m) / s) ** 2 for v, m, s in zip(vec, mean, scale, strict=True)), reverse=True)
    return math.sqrt(sum(z[:3]) / 3)


@lru_cache(maxsize=128)
def usual_voice(past_posts: tuple[str, ...]) -> Voice | None:
    """The voice of an account from its past posts (at least three), or None."""
    posts = [p for p in past_posts if p.strip()]
    if len(posts) < 3:
        return None
    vectors = [style(p) for p in posts]
    mean, scale = _fit(vectors)
    loo = []
    for i, v in enumerate(vectors):
        m, s = _fit(vectors[:i] + vectors[i + 1 :])
        loo.append(_distance(v, m, s))
    # Above the furthest of the account's own posts, with a margin; never below a floor so a
    # uniform voice does not flag every small variation.
    return Voice(mean, scale, max(max(loo) * 1.25, 2.5))


def compare(text: str, voice: Voice, folded: str | None = None) -> tuple[float, list[str]]:
    """The draft's distance from the usual voice and what differs most, in words."""
    vec = style(text, folded)
    dist = _distance(vec, voice.mean, voice.scale)
    ranked = sorted(
        range(len(FEATURES)),
        key=lambda i: -abs(vec[i] - voice.mean[i]) / voice.scale[i],
    )
    diffs = []
    for i in ranked[:3]:
        z = (vec[i] - voice.mean[i]) / voice.scale[i]
        if abs(z) < 2:
            break
        more = "more" if z > 0 else "less"
        diffs.append(f"{more} {_DESCRIBE[FEATURES[i]]} than usual")
    return dist, diffs
