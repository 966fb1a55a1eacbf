"""Content terms of a mention: the words a story is told with (pure).

English contributes lower-case words of three letters or more (URLs and @handles dropped,
common function words skipped); Japanese contributes runs of kanji (two or more) or of
katakana (three or more), which are content words. Each text yields a set: a word repeated in
one post counts once. Used by the alert evidence (top terms of a window) and by the
emerging-term detector (:mod:`firewarden.detect.terms`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from firewarden.text.normalize import fold

_EN_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_JA_WORD = re.compile(r"[\u4e00-\u9fff\u3005]{2,}|[\u30a0-\u30ff]{3,}")
_URL = re.compile(r"https?://\S+|@\w+")
STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "this",
        "with",
        "from",
        "have",
        "has",
        "had",
        "was",
        "were",
        "are",
        "you",
        "your",
        "our",
        "not",
        "but",
        "they",
        "them",
        "their",
        "what",
        "when",
        "will",
        "just",
        "all",
        "about",
        "out",
        "can",
        "could",
        "would",
        "should",
        "there",
        "been",
        "its",
        "it's",
        "i'm",
        "don't",
        "who",
        "how",
        "why",
        "into",
        "than",
        "then",
        "too",
        "very",
        "really",
        "did",
        "does",
        "doing",
        "get",
        "got",
        "new",
        "one",
        "more",
        "some",
        "any",
        "today",
        "now",
        "via",
        "amp",
        "here",
        "still",
        "after",
        "before",
        "over",
        "only",
        "also",
        "even",
        "much",
        "many",
    ]
)


def term_filter(exclude: Iterable[str] = ()) -> frozenset[str]:
    """The words to skip: stop words plus ``exclude`` (a watch's keywords, handles, products)
    in their folded, lower-case forms."""
    skip = set(STOP)
    for e in exclude:
        word = e.lstrip("@#")
        skip.add(word.lower())
        skip.add(fold(word).text.lower())
    return frozenset(skip)


@lru_cache(maxsize=65_536)
def _folded(word: str) -> str:
    """A non-ASCII term's folded form (Japanese words recur: fold each once)."""
    return fold(word).text


def content_terms(text: str, skip: frozenset[str] = STOP) -> frozenset[str]:
    """The distinct content terms of one text (see the module docstring)."""
    clean = _URL.sub(" ", text)
    words = {w.strip("'-") for w in _EN_WORD.findall(clean.lower())}
    words |= set(_JA_WORD.findall(clean))
    words.discard("")
    return drop_terms(frozenset(words), skip)


def drop_terms(terms: frozenset[str], skip: frozenset[str]) -> frozenset[str]:
    """``terms`` without the words ``skip`` names: ``drop_terms(content_terms(text), skip)``
    equals ``content_terms(text, skip)`` when ``skip`` includes the stop words, so a text is
    tokenised once and filtered per watch."""
    kept = terms - skip  # the English terms are lower-case ASCII: this is their whole test
    if all(map(str.isascii, kept)):
        return kept
    return frozenset(w for w in kept if w.isascii() or _folded(w) not in skip)
