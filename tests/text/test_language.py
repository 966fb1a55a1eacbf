from hypothesis import given, settings
from hypothesis import strategies as st

from firewarden.text.language import detect_language, is_japanese_char


def test_japanese_text_is_ja() -> None:
    assert detect_language("新メニューが登場しました") == "ja"


def test_japanese_with_english_hashtag_stays_ja() -> None:
    assert detect_language("新メニュー登場! #NewMenu") == "ja"


def test_english_with_a_store_name_in_japanese_stays_en() -> None:
    text = "Visit our new store in Shibuya, called 渋谷, this weekend for the opening"
    assert detect_language(text) == "en"


def _reference_language(text: str) -> str:
    """The original per-character count, kept to test the fast one."""
    ja = latin = 0
    for ch in text:
        if is_japanese_char(ch):
            ja += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    return "ja" if ja * 3 >= latin and ja > 0 else "en"


_MIXED = "abcXYZ 123!#々〆ーあアｱﾟ漢字㐀\u9fff\u3040\u30ff\uff66\uff9f\u4dbf\uff65\u30a0é😀"


@given(st.text(alphabet=_MIXED, max_size=40))
@settings(max_examples=2000)
def test_detect_language_equals_the_per_character_count(text: str) -> None:
    assert detect_language(text) == _reference_language(text)


@given(st.text(max_size=40))
def test_detect_language_equals_the_per_character_count_on_any_text(text: str) -> None:
    assert detect_language(text) == _reference_language(text)
