from hypothesis import given
from hypothesis import strategies as st

from firewarden.text.normalize import fold, fold_pattern


def _find(original: str, word: str) -> str:
    folded = fold(original)
    i = folded.text.find(word)
    assert i >= 0, (folded.text, word)
    s, e = folded.span(i, i + len(word))
    return original[s:e]


def test_full_width_letters_fold_and_span_points_into_original() -> None:
    assert _find("いいね Ｆｕｃｋ", "fuck") == "Ｆｕｃｋ"


def test_zero_width_characters_do_not_split_words() -> None:
    assert _find("you are an id\u200biot", "idiot") == "id\u200biot"


def test_homoglyphs_fold_to_latin() -> None:
    assert _find("kіll them", "kill") == "kіll"  # Cyrillic і


def test_leetspeak_inside_words_is_decoded() -> None:
    assert _find("total sh1t", "shit") == "sh1t"
    assert _find("what an @ss", "ass") == "@ss"


def test_numbers_prices_and_times_are_not_leet_decoded() -> None:
    assert fold("100% cotton, $5, 4pm, 2024-03-11").text == "100% cotton, $5, 4pm, 2024-03-11"


def test_spaced_letters_are_joined() -> None:
    assert _find("f u c k this", "fuck") == "f u c k"
    assert _find("f.u.c.k", "fuck") == "f.u.c.k"


def test_katakana_folds_to_hiragana_including_half_width() -> None:
    assert fold("バカ").text == fold("ばか").text == fold("ﾊﾞｶ").text


def test_diacritics_are_stripped_from_latin_letters() -> None:
    assert fold("Café Crème").text == "cafe creme"


def test_fold_pattern_agrees_with_fold() -> None:
    assert fold_pattern("Ｋｉｌｌ") == fold("kill").text


@given(st.text(max_size=60))
def test_every_folded_character_maps_inside_the_original(text: str) -> None:
    folded = fold(text)
    assert len(folded.source) == len(folded.text) + 1
    assert all(0 <= i <= len(text) for i in folded.source)
    assert list(folded.source) == sorted(folded.source)
