"""Language identification for the two languages the built-in packs cover."""

from __future__ import annotations


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
    ja = latin = 0
    for ch in text:
        if is_japanese_char(ch):
            ja += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    # One Japanese character carries about as much as a three-letter English word.
    return "ja" if ja * 3 >= latin and ja > 0 else "en"
