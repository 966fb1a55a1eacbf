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

#: name, description, pattern counted over the folded text, per what, minimum spread.
_COUNTED: tuple[tuple[str, str, re.Pattern[str], str, float], ...] = (
    ("first_person", "first person singular (I, my, 私, 俺)",
     re.compile(r"(?<![a-z])(?:i|i'm|im|i've|i'd|me|my|mine|myself)(?![a-z])|私(?!たち|達|ども)|"
                r"わたし(?!たち)|僕|ぼく|俺|おれ(?!い)|あたし|うち(?=の|は|も)"),
     "word", 0.03),
    ("first_person_plural", "the brand's 'we' (we, our, 当社, 弊社)",
     re.compile(r"(?<![a-z])(?:we|we're|our|ours|us)(?![a-z])|私たち|わたしたち|当社|弊社|当店|私ども"),
     "word", 0.03),
    ("formal", "polite Japanese (です・ます)",
     re.compile(r"です|ます|ください|ございます|いたします|でした|ません"), "sentence", 0.3),
    ("slang", "slang and chat style (lol, omg, マジ, w)",
     re.compile(r"(?<![a-z])(?:lol|lmao|omg|wtf|tbh|smh|af|gonna|wanna|gotta|ya|u|ur|dude|bro)"
                r"(?![a-z])|まじ|やば|(?<![a-z])ww+(?![a-z.])|草|じゃん|っす"), "word", 0.03),
    ("profanity", "swearing and insults",
     re.compile(r"(?<![a-z])(?:fuck\w*|shit\w*|damn|crap|bitch\w*|asshole|bastard|idiots?|"
                r"morons?|stupid)(?![a-z])|くそ|ちくしょう|死ね|地獄"),
     "text", 0.15),
    ("exclamation", "exclamation marks", re.compile(r"!"), "sentence", 0.3),
    ("question", "questions", re.compile(r"\?"), "sentence", 0.3),
    ("emoji", "emoji", re.compile(r"[\U0001f300-\U0001faff\u2600-\u27bf]"), "sentence", 0.3),
    ("hashtags", "hashtags", re.compile(r"#\w"), "text", 0.5),
    ("links", "links", re.compile(r"https?://|www\.|\.com(?![a-z])"), "text", 0.3),
)  # fmt: skip
_WORD = re.compile(r"[a-z]+|[\u3040-\u30ff\u4e00-\u9fff]{1,2}")
_SENTENCE = re.compile(r"[.!?。!?\n]+")
_CAPS = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")
FEATURES = (*(c[0] for c in _COUNTED), "shouting")
_DESCRIBE = {c[0]: c[1] for c in _COUNTED} | {"shouting": "capital letters (shouting)"}
_FLOOR = {c[0]: c[4] for c in _COUNTED} | {"shouting": 0.08}


def style(text: str) -> tuple[float, ...]:
    """The style features of one post (see ``FEATURES``)."""
    folded = fold(text).text
    words = max(len(_WORD.findall(folded)), 1)
    sentences = max(len([s for s in _SENTENCE.split(folded) if s.strip()]), 1)
    out = []
    for _name, _desc, pattern, per, _floor in _COUNTED:
        n = len(pattern.findall(folded))
        if per == "word":
            out.append(n / words)
        elif per == "sentence":
            out.append(min(n / sentences, 2.0))
        else:
            out.append(min(float(n), 3.0))
    letters = len(_LETTER.findall(text))
    out.append(len(_CAPS.findall(text)) / letters if letters >= 8 else 0.0)
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


def compare(text: str, voice: Voice) -> tuple[float, list[str]]:
    """The draft's distance from the usual voice and what differs most, in words."""
    vec = style(text)
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
