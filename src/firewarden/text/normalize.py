"""Fold a text once for matching, keeping a map from every folded character to the original.

Evasions undone here: Unicode compatibility forms (full-width letters, half-width katakana,
ligatures), case, diacritics on Latin letters, zero-width and other invisible characters,
Cyrillic/Greek homoglyphs, leetspeak inside words (``sh1t``, ``@ss``), and letters spaced out
(``f u c k``, ``f.u.c.k``), typographic quotes and apostrophes (``don’t``). Katakana is
folded to hiragana so that a Japanese rule written in either script matches both. Stretched
letters (``fuuuuck``) are left alone here: the rule matcher compiles each letter run as "at
least this many", so stretching cannot hide a word and ``good`` never becomes ``god``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c"
    "\u206d\u206e\u206f\ufeff\ufe0e\ufe0f"
)

_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ո": "n", "ս": "u",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s",
}  # fmt: skip

#: Typographic quotes and apostrophes folded to ASCII, so "don’t" matches a rule's "don't".
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u0060": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'}  # fmt: skip

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
         "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"}  # fmt: skip

_SPACERS = frozenset(" .-_*·•")


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and, for each of its characters, the index of its source character."""

    original: str
    text: str
    #: ``source[i]`` is the index in ``original`` of ``text[i]``; one extra entry at the end.
    source: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the folded text back to a span of the original."""
        if start >= end:
            pos = self.source[min(start, len(self.source) - 1)]
            return pos, pos
        return self.source[start], self.source[end - 1] + 1


def fold_char(ch: str) -> str:
    """Fold one character (or a base and its voicing mark) as :func:`fold` does."""
    if ch in _INVISIBLE:
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        c = _HOMOGLYPHS.get(c) or _QUOTES.get(c, c)
        if "\u30a1" <= c <= "\u30f6":  # katakana -> hiragana
            c = chr(ord(c) - 0x60)
        elif c.isascii():
            pass
        elif unicodedata.category(c) == "Mn":
            continue
        elif "\u00c0" <= c <= "\u024f":  # Latin with diacritics -> base letter
            base = unicodedata.normalize("NFKD", c)[0]
            c = base if base.isascii() else c
        out.append(c)
    return "".join(out)


def fold(text: str) -> Folded:
    """Fold ``text`` for matching; see the module docstring for what is undone.

    Fast paths, with the same result as folding character by character: each character's
    fold is cached, the whole text is mapped in one ``str.translate``, and the source map is
    the identity unless a character folds to nothing or to several characters (or a voicing
    mark joins two). Leet decoding and letter joining run only where a regex finds a chance.
    """
    if text.isascii():
        folded = text.lower()
        if "`" in folded:
            folded = folded.replace("`", "'")
        source: list[int] | range = range(len(text))
    elif _VOICING.search(text) is None:
        folded = text.translate(_TABLE)
        if len(_TABLE) > _TABLE_LIMIT:  # arbitrary input must not grow the cache without end
            _TABLE.clear()
        source = range(len(text))
        if not _IRREGULAR.isdisjoint(text):
            folded, source = _fold_by_char(text)
    else:
        folded, source = _fold_by_char(text)
    if not _LEET_CHARS.isdisjoint(folded):
        folded = _decode_leet(folded)
    if _SPACED_GATE.search(folded) is not None:
        folded, source = _join_spaced_letters(folded, source)
    return Folded(original=text, text=folded, source=(*source, len(text)))


class _FoldTable(dict[int, str]):
    """``str.translate`` table: code point -> :func:`fold_char` of it, filled on first use."""

    def __missing__(self, key: int) -> str:
        out = fold_char(chr(key))
        if len(out) != 1:
            _IRREGULAR.add(chr(key))
        self[key] = out
        return out


_TABLE = _FoldTable()
_TABLE_LIMIT = 100_000
#: Characters that fold to no character or to several (the source map is then not 1:1).
_IRREGULAR: set[str] = set()
_VOICING_MARKS = "\uff9e\uff9f\u3099\u309a"
_VOICING = re.compile(f"[{_VOICING_MARKS}]")


def _fold_by_char(text: str) -> tuple[str, list[int]]:
    """Fold character by character (cached), keeping the source of each folded character."""
    chars: list[str] = []
    source: list[int] = []
    i = 0
    n = len(text)
    table = _TABLE
    while i < n:
        # Half-width katakana take their voicing mark as a separate character (ﾊﾞ).
        if i + 1 < n and text[i + 1] in _VOICING_MARKS:
            out = fold_char(text[i : i + 2])
            width = 2
        else:
            out = table[ord(text[i])]
            width = 1
        for c in out:
            chars.append(c)
            source.append(i)
        i += width
    return "".join(chars), source


def fold_pattern(text: str) -> str:
    """Fold a rule's phrase exactly as drafts are folded, so both sides agree."""
    return fold(text).text


_LEET_CHARS = frozenset(_LEET)
_LEET_TABLE = str.maketrans(_LEET)
_NO_LEET = str.maketrans(dict.fromkeys(_LEET, None))
#: A leet stand-in; the regex engine finds these fast (a character set, no lookbehind first).
_LEET_ANY = re.compile(r"[0134578@$!|+]")
#: The rest of a word (letters, digits and leet stand-ins; ``[^\W_]`` is exactly isalnum).
_WORD_REST = re.compile(r"(?:[^\W_]|[@$!|+])*")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def _decode_leet(text: str) -> str:
    """Replace leet characters inside a word that also has ASCII letters (``sh1t``, ``@ss``).

    A word is a maximal run of letters, digits and stand-ins; only words holding a stand-in
    are looked at, found from their first stand-in.
    """
    parts: list[str] = []
    done = 0
    end = 0
    for m in _LEET_ANY.finditer(text):
        pos = m.start()
        if pos < end:  # inside the word just looked at
            continue
        start = pos
        # Back to the word's start: letters and digits only, as this is its first stand-in.
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        end = _WORD_REST.match(text, pos).end()  # type: ignore[union-attr]  # always matches
        word = text[start:end]
        if word[-1] in "!|+" or word.isdigit():  # never decoded; a number has no letters
            continue
        letters = len(_ASCII_LETTERS.findall(word))
        leet = len(word) - len(word.translate(_NO_LEET))
        # A word of letters with a few stand-ins; leaves numbers, prices, times, and a number
        # with a unit or ordinal ("4pm", "3rd", "10k") alone.
        digits = 0
        while digits < len(word) and word[digits].isdigit():  # isdigit, not \d: "²" counts
            digits += 1
        unit = digits > 0 and len(word) - digits <= 3 and all(c.isalpha() for c in word[digits:])
        if letters >= 2 and 0 < leet <= letters and not unit:
            parts.append(text[done:start])
            parts.append(word.translate(_LEET_TABLE))
            done = end
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


#: Three or more lone ASCII letters, each separated by one spacer (``f u c k``, ``f.u.c.k``):
#: not preceded or followed by a letter or digit (``[^\W_]`` is exactly ``str.isalnum``).
_SPACED = re.compile(r"[A-Za-z](?<![^\W_].)(?:[ .\-_*·•][A-Za-z](?![^\W_])){2,}")
#: What every such run holds (its last two letters and the spacers before them), found faster
#: because it starts with a spacer, not with any letter.
_SPACED_GATE = re.compile(r"[ .\-_*·•][A-Za-z][ .\-_*·•][A-Za-z](?![^\W_])")


def _join_spaced_letters(text: str, source: Sequence[int]) -> tuple[str, list[int]]:
    """Join runs of three or more single letters separated by one spacer (``f u c k``)."""
    chars: list[str] = []
    kept: list[int] = []
    done = 0
    for m in _SPACED.finditer(text):
        s, e = m.span()
        chars.append(text[done:s])
        kept.extend(source[done:s])
        chars.append(text[s:e:2])  # the letters, without the spacers between them
        kept.extend(source[s:e:2])
        done = e
    chars.append(text[done:])
    kept.extend(source[done:])
    return "".join(chars), kept
