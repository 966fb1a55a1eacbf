"""Language identification for the two languages the built-in packs cover."""

from __future__ import annotations

import re


def is_japanese_char(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF  # hiragana, katakana
        or 0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= o <= 0x4DBF
        or 0xFF66 <= o <= 0xFF9F  # half-width katakana
        or o in (0x3005, 0x3006, 0x30FC)  # 々 〆 ー
    )


def detect_language(text: str) -> str:
    """Return ``"ja"`` when Japanese script carries the text, else ``"en"``.

    Kana and kanji are counted against Latin letters; a few Japanese characters in an English
    post (a store name) do not flip it, and a Japanese post with an English hashtag stays ``ja``.
    """
    if text.isascii():
        return "en"
    # Counted by regex substitution (C speed): the characters a class removes are its count.
    ja = len(text) - len(_JAPANESE.sub("", text))
    if not ja:
        return "en"
    latin = len(text) - len(_LATIN.sub("", text))
    # One Japanese character carries about as much as a three-letter English word.
    return "ja" if ja * 3 >= latin else "en"


#: The characters :func:`is_japanese_char` accepts, and ASCII letters.
_JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff\u3400-\u4dbf\uff66-\uff9f\u3005\u3006]")
_LATIN = re.compile("[A-Za-z]")
