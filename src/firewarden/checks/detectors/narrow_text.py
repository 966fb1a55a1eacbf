"""A one-for-one narrowing of text for number, e-mail and address patterns.

:func:`firewarden.text.normalize.fold` is made for words: it decodes leetspeak (``@`` becomes
``a``, ``978`` inside ``isbn978`` becomes ``9tb``) and may change the length of the text.
Structured data needs the opposite: digits and separators kept exactly, only their width
undone. :func:`narrow` maps full-width ASCII (``０９０－１２３４``), the many dash and hyphen
characters and the ideographic space to plain ASCII, one character for one, so every offset
into the narrowed text is an offset into the original.
"""

from __future__ import annotations

import re

_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TABLE.update(
    {
        ord(ch): ord("-")
        # Hyphens, dashes, minus signs and the katakana long-vowel mark, which Japanese
        # writers often type between digits as a hyphen (090ー1234ー5678).
        for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\ufe63\u2043"
    }
)
_TABLE[0x3000] = ord(" ")  # ideographic space
_TABLE[0x00A0] = ord(" ")  # no-break space


#: Any character _TABLE maps: a regex search finds one far faster than translate() copies.
_NARROWABLE = re.compile("[" + "".join(sorted(re.escape(chr(cp)) for cp in _TABLE)) + "]")


def narrow(text: str) -> str:
    """``text`` with full-width ASCII, dashes and wide spaces narrowed; same length."""
    # Most English posts are ASCII, and most others (emoji, curly quotes) hold nothing to
    # narrow either: skip the copy.
    if text.isascii() or _NARROWABLE.search(text) is None:
        return text
    return text.translate(_TABLE)


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def has_japanese(text: str) -> bool:
    """Whether ``text`` holds any kana or kanji, so Japanese patterns are worth running."""
    return not text.isascii() and _JAPANESE.search(text) is not None
