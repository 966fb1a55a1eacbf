"""The reference fold: the original per-character implementation, kept to test the fast one.

:func:`firewarden.text.normalize.fold` must return exactly what :func:`reference_fold` returns
for every text (see test_fold_fast.py). Slow on purpose: clarity over speed.
"""

from __future__ import annotations

import unicodedata

from firewarden.text.normalize import _HOMOGLYPHS, _INVISIBLE, _LEET, _QUOTES, _SPACERS, Folded


def reference_fold_char(ch: str) -> str:
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


def reference_fold(text: str) -> Folded:
    """Fold ``text`` for matching; see the module docstring for what is undone."""
    chars: list[str] = []
    source: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        # Half-width katakana take their voicing mark as a separate character (ﾊﾞ).
        width = 2 if i + 1 < n and text[i + 1] in "\uff9e\uff9f\u3099\u309a" else 1
        for c in reference_fold_char(text[i : i + width]):
            chars.append(c)
            source.append(i)
        i += width
    chars, source = _decode_leet(chars, source)
    chars, source = _join_spaced_letters(chars, source)
    source.append(len(text))
    return Folded(original=text, text="".join(chars), source=tuple(source))


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c in _LEET


def _decode_leet(chars: list[str], source: list[int]) -> tuple[list[str], list[int]]:
    """Replace leet characters inside a word that also has ASCII letters (``sh1t``, ``@ss``)."""
    out = list(chars)
    n = len(chars)
    i = 0
    while i < n:
        if not _is_word_char(chars[i]):
            i += 1
            continue
        j = i
        while j < n and _is_word_char(chars[j]):
            j += 1
        word = chars[i:j]
        letters = sum(1 for c in word if c.isascii() and c.isalpha())
        leet = sum(1 for c in word if c in _LEET)
        # A word of letters with a few stand-ins; leaves numbers, prices, times, and a number
        # with a unit or ordinal ("4pm", "3rd", "10k") alone.
        digits = 0
        while digits < len(word) and word[digits].isdigit():
            digits += 1
        unit = digits > 0 and len(word) - digits <= 3 and all(c.isalpha() for c in word[digits:])
        if letters >= 2 and 0 < leet <= letters and word[-1] not in "!|+" and not unit:
            for k in range(i, j):
                if chars[k] in _LEET:
                    out[k] = _LEET[chars[k]]
        i = j
    return out, source


def _join_spaced_letters(chars: list[str], source: list[int]) -> tuple[list[str], list[int]]:
    """Join runs of three or more single letters separated by one spacer (``f u c k``)."""
    n = len(chars)
    keep = [True] * n
    i = 0
    while i < n:
        # A run starts at a lone ASCII letter (not preceded by a letter).
        if chars[i].isascii() and chars[i].isalpha() and (i == 0 or not chars[i - 1].isalnum()):
            letters = [i]
            j = i
            while (
                j + 2 < n
                and chars[j + 1] in _SPACERS
                and chars[j + 2].isascii()
                and chars[j + 2].isalpha()
                and (j + 3 >= n or not chars[j + 3].isalnum())
            ):
                letters.append(j + 2)
                j += 2
            if len(letters) >= 3:
                for k in range(letters[0], letters[-1]):
                    if k not in letters:
                        keep[k] = False
                i = letters[-1] + 1
                continue
        i += 1
    return [c for c, k in zip(chars, keep, strict=True) if k], [
        s for s, k in zip(source, keep, strict=True) if k
    ]
