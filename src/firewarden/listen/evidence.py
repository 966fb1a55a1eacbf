"""Evidence for an alert: top terms, most-reached posts and sample mentions (pure).

Terms are words of the mentions in the alert's window that are unusual for the watch: counted
per mention (a word repeated in one post counts once), without the watch's own keywords and
common function words; Japanese contributes runs of kanji or katakana (content words).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from firewarden.text.terms import STOP, content_terms, term_filter

__all__ = ["STOP", "WindowMention", "build_evidence", "top_terms"]


@dataclass(frozen=True, slots=True)
class WindowMention:
    """The few facts evidence needs about one mention in the alert's window."""

    text: str
    url: str
    key: str  # platform:id
    reach: int
    negative: bool


def top_terms(texts: Iterable[str], exclude: Iterable[str] = (), n: int = 8) -> list[str]:
    """The ``n`` words found in the most texts (each text counts a word once)."""
    skip = term_filter(exclude)
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(content_terms(text, skip))
    return [w for w, c in counts.most_common(n) if c > 1] or [w for w, _ in counts.most_common(3)]


def build_evidence(
    window: Sequence[WindowMention], keywords: Iterable[str]
) -> tuple[list[str], list[str], list[str]]:
    """(top terms, most-reached posts, sample mentions) for the mentions of a window.

    Negative mentions speak first: that is what the alert is about.
    """
    negative = [m for m in window if m.negative] or list(window)
    terms = top_terms((m.text for m in negative), exclude=keywords)
    # The most-reached negative posts (what spreads the storm), then others if too few.
    by_reach = sorted(window, key=lambda m: (not m.negative, -m.reach))
    posts = [m.url or m.key for m in by_reach[:3]]
    seen: set[str] = set()
    samples: list[str] = []
    for m in sorted(negative, key=lambda m: -m.reach):
        if m.text not in seen:
            seen.add(m.text)
            samples.append(m.text[:280])
        if len(samples) == 5:
            break
    return terms, posts, samples
