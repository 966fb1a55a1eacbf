"""Compiled ``match`` and ``unless`` blocks of a guideline rule.

Everything runs on the folded text (see :mod:`firewarden.text.normalize`), so a rule written
once matches full-width, zero-width, homoglyph, leet and spaced-out spellings. Patterns are
compiled once, when the pack loads; a rule's phrases share one alternation regex.

Phrase semantics:

- Latin phrases match whole words (``ass`` never matches ``classic`` or ``assassin``); the last
  word may be inflected (``joke`` matches ``jokes``, ``joked``, ``joking``; ``marry`` matches
  ``married``); words may be joined by a space, a hyphen or nothing (``e-mail``); every run of
  ``n`` equal letters matches ``n`` or more (``fuck`` matches ``fuuuck``; ``good`` never
  matches ``god``).
- Japanese (CJK) phrases match anywhere, with an optional long-vowel mark, small ``っ``,
  middle dot or space between characters (``くそ`` matches ``クッソー``).

Each compiled block also knows its *anchors*: short keys one of which must occur in a text
for the block to have any chance of matching. The rules detector uses them as a cheap
prefilter so that only a handful of rules run their regexes on a typical post.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from firewarden.text.language import is_japanese_char
from firewarden.text.normalize import fold_pattern

if TYPE_CHECKING:
    from firewarden.checks.draft import Field

_LB = r"(?<![a-z0-9])"
_RB = r"(?![a-z0-9])"
#: What may sit between the characters of a Japanese phrase without hiding it.
_JA_GAP = "[ーっ・ ]*"
#: What may separate the words of a Latin phrase: a space, a hyphen, an underscore, or nothing.
_JOIN = r"[\s\-_]*"
_WORD_SPLIT = re.compile(r"[\s\-_]+")
_RUNS = re.compile(r"(.)\1*", re.DOTALL)
_SQUEEZE = re.compile(r"(.)\1+", re.DOTALL)
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_GAP_ITEM = re.compile(r"^\*\{(\d+),(\d+)\}$")
_CONSONANT = frozenset("bcdfghjklmnpqrstvwxz")

#: Keys the prefilter looks for; ``None`` means "cannot tell, always run".
Anchors = frozenset[str] | None


def is_cjk(text: str) -> bool:
    return any(is_japanese_char(c) for c in text)


def _stretch(word: str, *, exact_last: bool = False) -> str:
    """Compile a word so each run of ``n`` equal letters matches ``n`` or more of them."""
    if len(word) <= 2:
        return "'?".join(re.escape(c) for c in word.split("'")) if "'" in word else re.escape(word)
    out = []
    runs = [m.group() for m in _RUNS.finditer(word)]
    for i, run in enumerate(runs):
        c, n = run[0], len(run)
        if c == "'":
            out.append("'?")
        elif "a" <= c <= "z" and not (exact_last and i == len(runs) - 1):
            out.append(f"{c}+" if n == 1 else f"{c}{{{n},}}")
        else:
            out.append(re.escape(run))
    return "".join(out)


def _inflected(word: str) -> tuple[str, str]:
    """The regex of a word allowing English inflections, and its always-present stem."""
    if len(word) < 3 or not ("a" <= word[-1] <= "z"):
        return _stretch(word), word
    if len(word) == 3 and word.endswith("ie"):  # die, lie, tie: dying, lied
        stem = word[:-2]
        return _stretch(stem) + "(?:ie[sd]?|ying)", stem
    if word.endswith("e") and len(word) >= 4:  # joke: jokes, joked, joking, joker
        stem = word[:-1]
        return _stretch(stem, exact_last=True) + "(?:e+(?:s|d|rs?|y)?|ing)", stem
    if word.endswith("y") and word[-2] in _CONSONANT:  # marry: married, marries, marrying
        stem = word[:-1]
        return _stretch(stem) + "(?:y(?:ing|s)?|ie[srd]|iest|yed)", stem
    return _stretch(word) + "(?:s|es|ed|d|ing|ers?|y)?", word


def anchor_of(stem: str) -> str | None:
    """The prefilter key of a word: its first (up to) three letters with runs squeezed."""
    stem = stem.lstrip("#@'\"")
    if not stem:
        return None
    if not stem[0].isascii():
        return stem[0]
    head = _ASCII_WORD.match(_SQUEEZE.sub(r"\1", stem))
    return head.group()[:3] if head else None


def compile_phrase(phrase: str) -> tuple[str, str | None]:
    """The regex source of one phrase and its prefilter anchor; ValueError if it is empty."""
    folded = fold_pattern(phrase).strip()
    if not folded:
        raise ValueError(f"the phrase {phrase!r} is empty after folding")
    if is_cjk(folded):
        chars = [c for c in folded if not c.isspace()]
        body = _JA_GAP.join(re.escape(c) for c in chars)
        anchor = anchor_of(folded)
    else:
        words = [w for w in _WORD_SPLIT.split(folded) if w]
        if not words:
            raise ValueError(f"the phrase {phrase!r} has no words")
        last, stem = _inflected(words[-1])
        body = _JOIN.join([*(_stretch(w) for w in words[:-1]), last])
        anchor = anchor_of(words[0] if len(words) > 1 else stem)
    left = _LB if folded[0].isascii() and folded[0].isalnum() else ""
    right = _RB if folded[-1].isascii() and folded[-1].isalnum() else ""
    return f"{left}{body}{right}", anchor


def compile_phrases(phrases: Sequence[str]) -> tuple[re.Pattern[str], Anchors]:
    """One alternation regex for many phrases (longest first) and their anchors."""
    parts: list[tuple[int, str]] = []
    anchors: set[str] = set()
    always = False
    for p in phrases:
        source, anchor = compile_phrase(p)
        parts.append((len(p), source))
        if anchor is None:
            always = True
        else:
            anchors.add(anchor)
    parts.sort(key=lambda x: -x[0])
    pattern = re.compile("|".join(f"(?:{s})" for _, s in parts))
    return pattern, None if always else frozenset(anchors)


def _token_item(item: str) -> tuple[str, set[str] | None]:
    """The regex of one token-pattern item (``alt1|alt2``, ``*`` or ``*{m,n}``)."""
    if item == "*":
        return r"\S+", None
    sources = []
    anchors: set[str] | None = set()
    for alt in item.split("|"):
        folded = fold_pattern(alt).strip()
        if not folded or any(c.isspace() for c in folded):
            raise ValueError(f"token alternative {alt!r} must be one word")
        source, stem = _inflected(folded)
        sources.append(source)
        key = anchor_of(stem)
        if key is None or anchors is None:
            anchors = None
        else:
            anchors.add(key)
    return "(?:" + "|".join(sources) + ")", anchors


def compile_tokens(pattern: Sequence[str]) -> tuple[re.Pattern[str], Anchors]:
    """A token-sequence pattern as a regex over the space-joined tokens of a field."""
    items = list(pattern)
    while items and (items[0] == "*" or _GAP_ITEM.match(items[0])):
        items.pop(0)
    while items and _GAP_ITEM.match(items[-1]):
        items.pop()
    if not items:
        raise ValueError("a token pattern needs at least one word")
    out = []
    anchors: Anchors = None
    for i, item in enumerate(items):
        gap = _GAP_ITEM.match(item)
        if gap:
            low, high = int(gap.group(1)), int(gap.group(2))
            if low > high:
                raise ValueError(f"gap {item!r}: the minimum is larger than the maximum")
            out.append(rf"(?:\S+ ){{{low},{high}}}")
            continue
        if item.startswith("*") and item != "*":
            raise ValueError(f"{item!r}: write a gap as *{{m,n}}, e.g. *{{0,3}}")
        source, keys = _token_item(item)
        if anchors is None and keys is not None:
            anchors = frozenset(keys)
        out.append(source + (" " if i < len(items) - 1 else ""))
    return re.compile(r"(?<!\S)" + "".join(out) + r"(?!\S)"), anchors


@dataclass(frozen=True, slots=True)
class Near:
    """Every group must occur within ``within`` characters of the first group's occurrence."""

    groups: tuple[re.Pattern[str], ...]
    within: int

    def find(self, text: str) -> list[tuple[int, int]]:
        found = [[m.span() for m in g.finditer(text)] for g in self.groups]
        if not all(found):
            return []
        out = []
        for s, e in found[0]:
            lo, hi = s, e
            for spans in found[1:]:
                best = min(spans, key=lambda sp: _gap((s, e), sp))
                if _gap((s, e), best) > self.within:
                    break
                lo, hi = min(lo, best[0]), max(hi, best[1])
            else:
                out.append((lo, hi))
        return out


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def compile_near(groups: Sequence[str], within: int) -> tuple[Near, Anchors]:
    """A proximity block; each group is ``alt1|alt2`` of phrases."""
    compiled = []
    anchors: Anchors = None
    for i, group in enumerate(groups):
        pattern, keys = compile_phrases([a for a in group.split("|") if a.strip()])
        compiled.append(pattern)
        if i == 0:
            anchors = keys
    return Near(tuple(compiled), within), anchors


class TokenText:
    """A field's tokens joined by single spaces, with the folded span of each token."""

    __slots__ = ("ends", "starts", "text", "token_starts")

    def __init__(self, field: Field) -> None:
        words = [t.text for t in field.tokens]
        self.text = " ".join(words)
        self.starts = [t.start for t in field.tokens]
        self.ends = [t.end for t in field.tokens]
        pos = 0
        self.token_starts = []
        for w in words:
            self.token_starts.append(pos)
            pos += len(w) + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the joined text to the folded text."""
        import bisect

        i = bisect.bisect_right(self.token_starts, start) - 1
        j = bisect.bisect_right(self.token_starts, max(start, end - 1)) - 1
        return self.starts[i], self.ends[j]


_last_tokens: tuple[object, TokenText] | None = None


def token_text(field: Field) -> TokenText:
    """The joined tokens of a field, cached for the field last asked about."""
    global _last_tokens
    last = _last_tokens
    if last is not None and last[0] is field:
        return last[1]
    joined = TokenText(field)
    _last_tokens = (field, joined)
    return joined


@dataclass(frozen=True, slots=True)
class CompiledMatch:
    """A compiled ``match`` or ``unless`` block (any of its parts may match)."""

    phrases: tuple[str, ...] = ()
    phrase_pattern: re.Pattern[str] | None = None
    regexes: tuple[re.Pattern[str], ...] = ()
    tokens: tuple[re.Pattern[str], ...] = ()
    near: tuple[Near, ...] = ()
    #: Prefilter keys; ``None``: always run.
    anchors: Anchors = None

    def find(self, field: Field) -> list[tuple[int, int]]:
        """Spans of the field's folded text that match, in order, without duplicates."""
        text = field.folded.text
        spans: list[tuple[int, int]] = []
        if self.phrase_pattern is not None:
            spans.extend(m.span() for m in self.phrase_pattern.finditer(text))
        for rx in self.regexes:
            spans.extend(m.span() for m in rx.finditer(text) if m.end() > m.start())
        if self.tokens and field.tokens:
            joined = token_text(field)
            for tp in self.tokens:
                spans.extend(joined.span(*m.span()) for m in tp.finditer(joined.text))
        for near in self.near:
            spans.extend(near.find(text))
        if len(spans) > 1:
            spans = sorted(set(spans))
        return spans


def build_match(
    phrases: Sequence[str] = (),
    regexes: Sequence[str] = (),
    tokens: Sequence[Sequence[str]] = (),
    near: Sequence[tuple[Sequence[str], int]] = (),
) -> CompiledMatch:
    """Compile the parts of a block; raises ValueError (or re.error) on a bad part."""
    keys: set[str] = set()
    always = False

    def add(found: Anchors) -> None:
        nonlocal always
        if found is None:
            always = True
        else:
            keys.update(found)

    phrase_pattern = None
    if phrases:
        phrase_pattern, found = compile_phrases(phrases)
        add(found)
    compiled_rx = tuple(re.compile(r, re.IGNORECASE) for r in regexes)
    if compiled_rx:
        always = True
    compiled_tokens = []
    for tp in tokens:
        pattern, found = compile_tokens(tp)
        compiled_tokens.append(pattern)
        add(found)
    compiled_near = []
    for groups, within in near:
        n, found = compile_near(groups, within)
        compiled_near.append(n)
        add(found)
    return CompiledMatch(
        phrases=tuple(phrases),
        phrase_pattern=phrase_pattern,
        regexes=compiled_rx,
        tokens=tuple(compiled_tokens),
        near=tuple(compiled_near),
        anchors=None if always else frozenset(keys),
    )


def text_keys(text: str) -> set[str]:
    """The prefilter keys present in a folded text (see :func:`anchor_of`)."""
    keys = set(text)
    for w in _ASCII_WORD.findall(_SQUEEZE.sub(r"\1", text)):
        keys.add(w[:2])
        keys.add(w[:3])
    return keys


def match_all(patterns: Iterable[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)
