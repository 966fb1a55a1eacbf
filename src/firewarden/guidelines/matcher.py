"""Compiled ``match`` and ``unless`` blocks of a guideline rule.

Everything runs on the folded text (see :mod:`firewarden.text.normalize`), so a rule written
once matches full-width, zero-width, homoglyph, leet and spaced-out spellings. A rule's phrases
share one alternation regex. Patterns are compiled once: when the pack loads (company packs, so
a bad pattern is reported at load with its file and line), or on first use (the built-in packs,
linted by the test suite: most rules never run on a given post, thanks to the prefilter, and
start-up is dominated by compiling thousands of regexes).

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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from firewarden.text.language import is_japanese_char
from firewarden.text.normalize import fold_pattern

if TYPE_CHECKING:
    from firewarden.checks.draft import Field

_LB = r"(?<![a-z0-9])"
_RB = r"(?![a-z0-9])"
#: What may sit between the characters of a Japanese phrase without hiding it: any run of
#: ー, っ, ・ and spaces. Written as ``[ーっ・ ]*`` would be, but without a class mixing ASCII
#: and kana, which the regex compiler turns into a 64 KiB bitmap (8x slower to compile; the
#: packs hold hundreds of Japanese phrases). Every run splits one way only, so it matches the
#: same text with the same backtracking order.
_JA_GAP = "[ーっ・]*(?: [ーっ・]*)*"
#: What separates the words of a Latin phrase (or nothing: see :func:`compile_phrase`).
_SEP = r"[\s\-_]+"
_WORD_SPLIT = re.compile(r"[\s\-_]+")
_RUNS = re.compile(r"(.)\1*", re.DOTALL)
_ASCII_WORD = re.compile(r"[a-z0-9]+")
#: One token of a token pattern's wildcard, and what separates two tokens.
_ANY_TOKEN = r"[a-z0-9]+(?:'[a-z]+)?"
_TOKEN_SEP = r"[^a-z0-9]+"
_GAP_ITEM = re.compile(r"^\*\{(\d+),(\d+)\}$")
_CONSONANT = frozenset("bcdfghjklmnpqrstvwxz")

#: Keys the prefilter looks for; ``None`` means "cannot tell, always run".
Anchors = frozenset[str] | None
#: What a part of a block needs in a text to have any chance of matching: one key of each set
#: (every group of a ``near``, every word of a token pattern). Empty: cannot tell, always run.
Required = tuple[frozenset[str], ...]


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
            # "cc*" rather than "c+": a leading literal lets the regex engine skip ahead fast.
            out.append(c * n + c + "*")
        else:
            out.append(re.escape(run))
    return "".join(out)


def _inflected(word: str) -> str:
    """The regex of a word allowing the English inflections :func:`word_forms` lists."""
    if len(word) < 3 or not ("a" <= word[-1] <= "z"):
        return _stretch(word)
    if len(word) == 3 and word.endswith("ie"):  # die, lie, tie: dying, lied
        return _stretch(word[:-2]) + "(?:ie[sd]?|ying)"
    if word.endswith("e") and len(word) >= 4:  # joke: jokes, joked, joking, joker
        return _stretch(word[:-1], exact_last=True) + "(?:e+(?:s|d|rs?|y)?|ing)"
    if word.endswith("y") and word[-2] in _CONSONANT:  # marry: married, marries, marrying
        return _stretch(word[:-1]) + "(?:y(?:ing|s)?|ie[srd]|iest|yed)"
    return _stretch(word) + "(?:s|es|ed|d|ing|ers?|y)?"


def word_forms(word: str) -> set[str]:
    """Every spelling :func:`_inflected` accepts for a word, before letters are stretched."""
    if len(word) < 3 or not ("a" <= word[-1] <= "z"):
        return {word}
    if len(word) == 3 and word.endswith("ie"):
        return {word[:-2] + e for e in ("ie", "ies", "ied", "ying")}
    if word.endswith("e") and len(word) >= 4:
        return {word[:-1] + e for e in ("e", "es", "ed", "er", "ers", "ey", "ing")}
    if word.endswith("y") and word[-2] in _CONSONANT:
        endings = ("y", "ying", "ys", "ies", "ier", "ied", "iest", "yed")
        return {word[:-1] + e for e in endings}
    return {word + e for e in ("", "s", "es", "ed", "d", "ing", "er", "ers", "y")}


def _squeeze(word: str) -> str:
    return _LETTER_RUN.sub(r"\1", word)


def _word_keys(word: str, *, inflect: bool) -> set[str] | None:
    """Prefilter keys of a phrase's first word: the text words it can appear as (squeezed).

    Texts are keyed by their ASCII words with letter runs squeezed (``fuuuck`` -> ``fuck``),
    so a word is keyed by its squeezed forms; a word with inner punctuation (``f*ck``,
    ``don't``) by its first run of letters, as the text's words split there too.
    """
    word = word.lstrip("#@'\"")
    if not word:
        return None
    if not word[0].isascii():
        return {word[0]}
    head = _ASCII_WORD.match(word)
    if head is None:
        return None
    if head.group() == word:
        return {_squeeze(f) for f in (word_forms(word) if inflect else {word})}
    keys = {_squeeze(head.group())}
    bare = word.replace("'", "")
    if _ASCII_WORD.fullmatch(bare):  # "don't" may be written "dont"
        keys.update(_squeeze(f) for f in (word_forms(bare) if inflect else {bare}))
    return keys


#: Words too common to pick a rule out of a post; the prefilter keys on rarer words.
_STOPWORDS = (
    "a an the to of in on at for from by with and or but if so as is are was were be been "
    "am do does did not no i me my we us our you your he him his she her they them their it "
    "its this that these those there here what who when will would can could all get got "
    "just like have has had one up out"
)
STOPWORDS = frozenset(_STOPWORDS.split())


def _selectivity(keys: set[str] | frozenset[str] | None) -> tuple[int, int]:
    """Sort key for choosing prefilter keys: no stopwords first, then fewest keys."""
    if keys is None:
        return (2, 0)
    return (1 if keys & STOPWORDS else 0, len(keys))


def compile_phrase(phrase: str) -> tuple[list[str], set[str] | None]:
    """The regex sources of one phrase and its prefilter keys; ValueError if it is empty.

    A Latin phrase of several words matches them separated (by spaces, hyphens or
    underscores) or written as one word (``e-mail``, ``e mail``, ``email``; ``#blacklivesmatter``).
    """
    sources, keys = _phrase_parts(phrase)
    return list(sources), None if keys is None else set(keys)


@lru_cache(maxsize=16384)
def _phrase_parts(phrase: str) -> tuple[tuple[str, ...], frozenset[str] | None]:
    """:func:`compile_phrase`, cached: packs are validated phrase by phrase, then compiled."""
    folded = fold_pattern(phrase).strip()
    if not folded:
        raise ValueError(f"the phrase {phrase!r} is empty after folding")
    keys: set[str] | None
    if is_cjk(folded):
        chars = [c for c in folded if not c.isspace()]
        bodies = [_JA_GAP.join(re.escape(c) for c in chars)]
        keys = {next(c for c in chars if not c.isascii())}
    else:
        words = [w for w in _WORD_SPLIT.split(folded) if w]
        if not words:
            raise ValueError(f"the phrase {phrase!r} has no words")
        last = _inflected(words[-1])
        stretched = [_stretch(w) for w in words[:-1]]
        bodies = [_SEP.join([*stretched, last])]
        options = [_word_keys(w, inflect=i == len(words) - 1) for i, w in enumerate(words)]
        keys = min(options, key=_selectivity)
        if len(words) > 1:
            bodies.append("".join([*stretched, last]))
            joined = _word_keys("".join(words), inflect=True)
            keys = None if keys is None or joined is None else keys | joined
    left = _LB if _bounded(folded) else ""
    right = _RB if folded[-1].isascii() and folded[-1].isalnum() else ""
    return tuple(f"{left}{body}{right}" for body in bodies), (
        None if keys is None else frozenset(keys)
    )


def _bounded(folded: str) -> bool:
    """Whether a folded phrase needs a word boundary before it."""
    return folded[0].isascii() and folded[0].isalnum()


def compile_phrases(phrases: Sequence[str]) -> tuple[re.Pattern[str], Anchors]:
    """One alternation regex for many phrases (longest first) and their anchors."""
    source, anchors = phrases_source(phrases)
    return re.compile(source), anchors


def phrases_source(phrases: Sequence[str]) -> tuple[str, Anchors]:
    """The source of one alternation regex for many phrases (longest first), and anchors.

    The word boundary is written once, before the alternation, so that every alternative
    starts with a literal character: the regex engine then rejects most positions at once
    (an alternation of lookbehinds is tens of times slower).
    """
    bounded: list[tuple[int, str]] = []
    free: list[tuple[int, str]] = []
    anchors: set[str] = set()
    always = False
    for p in phrases:
        sources, keys = _phrase_parts(p)
        for source in sources:
            if source.startswith(_LB):
                bounded.append((len(p), source[len(_LB) :]))
            else:
                free.append((len(p), source))
        if keys is None:
            always = True
        else:
            anchors.update(keys)
    parts = []
    if bounded:
        bounded.sort(key=lambda x: -x[0])
        parts.append(_fast_alternation([s for _, s in bounded], "[a-z0-9]"))
    if free:
        free.sort(key=lambda x: -x[0])
        parts.append("|".join(s for _, s in free))
    return "|".join(parts), None if always else frozenset(anchors)


def _fast_alternation(bodies: Sequence[str], before: str) -> str:
    """Alternatives that must not follow a ``before`` character, shaped for speed.

    Alternatives are grouped by their first letter and the boundary is checked after it
    (``f(?<![a-z0-9].)(?:uck|art)``), so every branch starts with a literal: the regex engine
    then skips positions whose letter starts no alternative, and tries few branches at others.
    """
    groups: dict[str, list[str]] = {}
    other = []
    for body in bodies:
        if body and body[0].isascii() and body[0].isalnum():
            groups.setdefault(body[0], []).append(body[1:])
        else:
            other.append(body)
    parts = [f"{c}(?<!{before}.)(?:{'|'.join(rest)})" for c, rest in groups.items()]
    if other:
        parts.append(f"(?<!{before})(?:{'|'.join(other)})")
    return "|".join(parts)


def _token_item(item: str) -> tuple[list[str], set[str] | None]:
    """The regex of one token-pattern item (``alt1|alt2``, ``*`` or ``*{m,n}``)."""
    if item == "*":
        return [_ANY_TOKEN], None
    sources = []
    anchors: set[str] | None = set()
    for alt in item.split("|"):
        folded = fold_pattern(alt).strip()
        if not folded or any(c.isspace() for c in folded):
            raise ValueError(f"token alternative {alt!r} must be one word")
        sources.append(_inflected(folded))
        keys = _word_keys(folded, inflect=True)
        if keys is None or anchors is None:
            anchors = None
        else:
            anchors.update(keys)
    return sources, anchors


def compile_tokens(pattern: Sequence[str]) -> tuple[re.Pattern[str], Anchors]:
    """A token-sequence pattern as a regex over the folded text (see :func:`tokens_source`)."""
    source, anchors = tokens_source(pattern)
    return re.compile(source), anchors


def tokens_source(pattern: Sequence[str]) -> tuple[str, Anchors]:
    """The source of a token-sequence pattern's regex over the folded text, and anchors.

    Tokens are words; whatever lies between two words (spaces, punctuation) separates them,
    as in :func:`firewarden.text.tokens.tokenize`. Matching the folded text directly keeps
    the spans exact and avoids building a token string per post.
    """
    source, anchors, _ = _tokens_parts(pattern)
    return source, anchors


def _tokens_parts(pattern: Sequence[str]) -> tuple[str, Anchors, Required]:
    """:func:`tokens_source` and the keys of every word (each must be present)."""
    items = list(pattern)
    while items and (items[0] == "*" or _GAP_ITEM.match(items[0])):
        items.pop(0)
    while items and _GAP_ITEM.match(items[-1]):
        items.pop()
    if not items:
        raise ValueError("a token pattern needs at least one word")
    out = []
    anchors: Anchors = None
    required: list[frozenset[str]] = []
    for i, item in enumerate(items):
        gap = _GAP_ITEM.match(item)
        if gap:
            low, high = int(gap.group(1)), int(gap.group(2))
            if low > high:
                raise ValueError(f"gap {item!r}: the minimum is larger than the maximum")
            out.append(f"(?:{_ANY_TOKEN}{_TOKEN_SEP}){{{low},{high}}}")
            continue
        if item.startswith("*") and item != "*":
            raise ValueError(f"{item!r}: write a gap as *{{m,n}}, e.g. *{{0,3}}")
        sources, keys = _token_item(item)
        if out:
            source = "(?:" + "|".join(sources) + ")"
        else:  # the first word: shaped so the engine skips ahead fast
            source = "(?:" + _fast_alternation(sources, "[a-z0-9]") + ")"
        if keys is not None:
            required.append(frozenset(keys))
        if keys is not None and _selectivity(keys) < _selectivity(anchors):
            anchors = frozenset(keys)  # every word must be present: key on the rarest
        out.append(source + (_TOKEN_SEP if i < len(items) - 1 else ""))
    return "".join(out) + _RB, anchors, tuple(required)


class LazyPattern:
    """A regex compiled on its first search (or at once by :meth:`compile`).

    ``finditer`` starts as a method that compiles and then replaces itself with the compiled
    pattern's own ``finditer``, so a compiled pattern costs nothing extra per search. Two
    threads racing the first search both compile the same source: harmless.
    """

    __slots__ = ("finditer", "flags", "source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self.flags = flags
        self.finditer: Callable[[str], Iterator[re.Match[str]]] = self._first_finditer

    def compile(self) -> re.Pattern[str]:
        """The compiled pattern (compiling it now if not yet done); raises re.error."""
        pattern = re.compile(self.source, self.flags)
        self.finditer = pattern.finditer
        return pattern

    def _first_finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compile().finditer(text)

    def __repr__(self) -> str:
        return f"LazyPattern({self.source!r})"


@dataclass(frozen=True, slots=True)
class Near:
    """Every group must occur within ``within`` characters of the first group's occurrence."""

    groups: tuple[LazyPattern, ...]
    within: int
    #: The keys of every group (each group must be present); see :data:`Required`.
    required: Required = ()

    def find(self, text: str) -> list[tuple[int, int]]:
        found = []
        for group in self.groups:  # stop at the first group that is absent
            spans = [m.span() for m in group.finditer(text)]
            if not spans:
                return []
            found.append(spans)
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


def compile_near(groups: Sequence[str], within: int, *, lazy: bool = False) -> tuple[Near, Anchors]:
    """A proximity block; each group is ``alt1|alt2`` of phrases."""
    compiled = []
    options: list[Anchors] = []
    for group in groups:
        source, keys = phrases_source([a for a in group.split("|") if a.strip()])
        compiled.append(_pattern(source, 0, lazy))
        options.append(keys)
    required = tuple(k for k in options if k is not None)
    # Every group must be present, so the most selective group's keys suffice.
    return Near(tuple(compiled), within, required), min(options, key=_selectivity)


def _pattern(source: str, flags: int, lazy: bool) -> LazyPattern:
    pattern = LazyPattern(source, flags)
    if not lazy:
        pattern.compile()
    return pattern


@dataclass(frozen=True, slots=True)
class CompiledMatch:
    """A compiled ``match`` or ``unless`` block (any of its parts may match)."""

    phrases: tuple[str, ...] = ()
    phrase_pattern: LazyPattern | None = None
    regexes: tuple[LazyPattern, ...] = ()
    tokens: tuple[LazyPattern, ...] = ()
    near: tuple[Near, ...] = ()
    #: Prefilter keys; ``None``: always run.
    anchors: Anchors = None
    #: The keys of the phrases (one must be present), and of each token pattern's words.
    phrase_keys: Anchors = None
    token_keys: tuple[Required, ...] = ()

    def find(self, field: Field) -> list[tuple[int, int]]:
        """Spans of the field's folded text that match, in order, without duplicates.

        A part whose keys the field's text lacks cannot match and is not searched (the
        prefilter's rule, applied to each part: see :data:`Required`).
        """
        # Plain loops: most searches find nothing, and a generator costs more than the search.
        text = field.folded.text
        keys = field.keys
        spans: list[tuple[int, int]] = []
        pattern = self.phrase_pattern
        if pattern is not None and (
            keys is None or self.phrase_keys is None or not self.phrase_keys.isdisjoint(keys)
        ):
            for m in pattern.finditer(text):
                spans.append(m.span())
        if self.regexes:
            for rx in self.regexes:
                for m in rx.finditer(text):
                    if m.end() > m.start():
                        spans.append(m.span())
        if self.tokens:
            for tp, required in zip(self.tokens, self.token_keys, strict=True):
                if keys is None or _present(required, keys):
                    for m in tp.finditer(text):
                        spans.append(m.span())
        if self.near:
            for near in self.near:
                if keys is None or _present(near.required, keys):
                    spans.extend(near.find(text))
        if len(spans) > 1:
            spans = sorted(set(spans))
        return spans

    def patterns(self) -> Iterator[LazyPattern]:
        """Every regex of the block (for compiling them all, e.g. in tests)."""
        if self.phrase_pattern is not None:
            yield self.phrase_pattern
        yield from self.regexes
        yield from self.tokens
        for near in self.near:
            yield from near.groups


def _present(required: Required, keys: frozenset[str]) -> bool:
    """Whether a text with these keys has one key of each required set."""
    return all(not k.isdisjoint(keys) for k in required)


def build_match(
    phrases: Sequence[str] = (),
    regexes: Sequence[str] = (),
    tokens: Sequence[Sequence[str]] = (),
    near: Sequence[tuple[Sequence[str], int]] = (),
    *,
    lazy: bool = False,
) -> CompiledMatch:
    """Compile the parts of a block; raises ValueError (or re.error) on a bad part.

    With ``lazy``, the regexes are compiled on first use instead (only ValueError is raised
    here): for packs that are known to be valid, such as the built-in ones.
    """
    keys: set[str] = set()
    always = False

    def add(found: Anchors) -> None:
        nonlocal always
        if found is None:
            always = True
        else:
            keys.update(found)

    phrase_pattern = None
    phrase_keys: Anchors = None
    if phrases:
        source, phrase_keys = phrases_source(phrases)
        phrase_pattern = _pattern(source, 0, lazy)
        add(phrase_keys)
    compiled_rx = tuple(_pattern(r, re.IGNORECASE, lazy) for r in regexes)
    if compiled_rx:
        always = True
    compiled_tokens = []
    token_keys = []
    for tp in tokens:
        source, found, required = _tokens_parts(tp)
        compiled_tokens.append(_pattern(source, 0, lazy))
        token_keys.append(required)
        add(found)
    compiled_near = []
    for groups, within in near:
        n, found = compile_near(groups, within, lazy=lazy)
        compiled_near.append(n)
        add(found)
    return CompiledMatch(
        phrases=tuple(phrases),
        phrase_pattern=phrase_pattern,
        regexes=compiled_rx,
        tokens=tuple(compiled_tokens),
        near=tuple(compiled_near),
        anchors=None if always else frozenset(keys),
        phrase_keys=phrase_keys,
        token_keys=tuple(token_keys),
    )


_ASCII_CHARS = frozenset(chr(i) for i in range(128))
_LETTER_RUN = re.compile(r"([a-z])\1+")


def text_keys(text: str) -> frozenset[str]:
    """The prefilter keys of a folded text: its ASCII words (letter runs squeezed) and its
    non-ASCII characters (Japanese phrases match inside words). See :func:`_word_keys`."""
    keys = set(_ASCII_WORD.findall(_LETTER_RUN.sub(_first_letter, text)))
    if not text.isascii():
        keys.update(set(text).difference(_ASCII_CHARS))
    return frozenset(keys)


def _first_letter(m: re.Match[str]) -> str:
    return m.group(1)  # faster than the template r"\1" on Python 3.11
