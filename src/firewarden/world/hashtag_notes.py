"""Hashtags with a known meaning: the built-in list, and patterns that generalise beyond it.

A note says what a hashtag belongs to (a tragedy, survivors of abuse, a movement, a political
protest) so the check can warn before a brand rides on it. The list is data
(``world/data/hashtags.yaml``); company packs add their own through their ``hashtags:`` key.
Shapes that mark a hashtag of solidarity or protest whatever the place or name (#PrayFor<Place>,
#<Place>Strong, #JusticeFor<Name>, #Stop<Group>Hate...) are recognised by :func:`pattern_note`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources

import yaml

from firewarden.errors import ConfigError
from firewarden.guidelines.model import HashtagNote
from firewarden.text.normalize import fold_pattern

HASHTAG_KINDS = ("abuse", "survivors", "tragedy", "disaster", "political", "movement")

#: (pattern over the folded tag, kind, meaning). Checked in order; the first match wins.
_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p), kind, meaning)
    for p, kind, meaning in (
        (r"^prayfor\w{2,}$", "tragedy", "a hashtag of prayers after a disaster or attack"),
        (r"^(?!arm|head|hamm|mighty|stay|be|get|go|strong)\w{3,}strong$", "tragedy",
         "a hashtag of solidarity with a place after a disaster or attack"),
        (r"^rip(?!p|e|ple|ley|s$|tide|stop|curl|cord|ken)\w{3,}$", "tragedy",
         "a hashtag mourning someone's death"),
        (r"^justicefor\w{2,}$", "tragedy", "a call for justice after a death or crime"),
        (r"^standwith\w{2,}$", "political", "a hashtag of solidarity in a conflict or dispute"),
        (r"^stop\w{2,}hate$", "movement", "a movement against hate toward a group"),
        (r"^\w{2,}livesmatter$", "movement", "a movement about whose lives are valued"),
        (r"^(?:me|we|us|church|kutoo|time|him|her)too$", "survivors",
         "a hashtag of survivors speaking out, modelled on #MeToo"),
        (r"^jesuis\w{2,}$", "tragedy", "solidarity after an attack, modelled on #JeSuisCharlie"),
        (r"^(?:never|nie)again\w*$", "movement", "a hashtag of remembrance or protest"),
        (r"^(?:がんばろう|頑張ろう)\w+$", "disaster", "a hashtag of solidarity after a disaster"),
        (r"(?:に抗議します|に抗議する|を許さない|に反対します)$", "political",
         "a hashtag of political protest"),
    )
)  # fmt: skip


def note_key(tag: str) -> str:
    """The key a hashtag is stored and looked up by: folded, without the '#'."""
    return fold_pattern(tag.strip()).lstrip("#")


def pattern_note(tag: str) -> HashtagNote | None:
    """A note for a folded tag that has the shape of a solidarity or protest hashtag."""
    for pattern, kind, meaning in _PATTERNS:
        if pattern.search(tag):
            return HashtagNote(tag=tag, kind=kind, meaning=meaning)
    return None


def parse_hashtag_entry(item: object, *, where: str) -> HashtagNote:
    """Build a HashtagNote from one ``hashtags:`` mapping (tag, kind, meaning, reference)."""
    if not isinstance(item, Mapping):
        raise ConfigError(
            "a hashtag entry must be a mapping with tag, kind and meaning", where=where
        )
    tag = item.get("tag")
    if not isinstance(tag, str) or not note_key(tag):
        raise ConfigError("a hashtag entry needs a tag", where=where, hint="e.g. tag: WhyIStayed")
    kind = item.get("kind", "movement")
    if kind not in HASHTAG_KINDS:
        raise ConfigError(
            f"unknown hashtag kind {kind!r}",
            where=f"{where}.kind",
            hint=f"use one of: {', '.join(HASHTAG_KINDS)}",
        )
    meaning = item.get("meaning", "")
    reference = item.get("reference", "")
    if not isinstance(meaning, str) or not isinstance(reference, str):
        raise ConfigError("meaning and reference must be text", where=where)
    return HashtagNote(tag=note_key(tag), kind=str(kind), meaning=meaning, reference=reference)


def parse_hashtag_notes(data: object, *, where: str) -> dict[str, HashtagNote]:
    """Parse a list of hashtag entries (or a mapping with a ``hashtags`` list), keyed by tag."""
    if isinstance(data, Mapping):
        data = data.get("hashtags")
    if not isinstance(data, list):
        raise ConfigError("expected a list of hashtag entries", where=where)
    notes = (parse_hashtag_entry(it, where=f"{where} entry {i}") for i, it in enumerate(data, 1))
    return {n.tag: n for n in notes}


@cache
def _builtin() -> Mapping[str, HashtagNote]:
    text = resources.files("firewarden.world").joinpath("data/hashtags.yaml").read_text("utf-8")
    return parse_hashtag_notes(yaml.safe_load(text), where="hashtags.yaml")


def builtin_hashtag_notes() -> dict[str, HashtagNote]:
    """The built-in hashtag notes keyed by folded tag (a fresh dict over a cached load)."""
    return dict(_builtin())
