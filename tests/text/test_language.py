from firewarden.text.language import detect_language


def test_japanese_text_is_ja() -> None:
    assert detect_language("新メニューが登場しました") == "ja"


def test_japanese_with_english_hashtag_stays_ja() -> None:
    assert detect_language("新メニュー登場! #NewMenu") == "ja"


def test_english_with_a_store_name_in_japanese_stays_en() -> None:
    text = "Visit our new store in Shibuya, called 渋谷, this weekend for the opening"
    assert detect_language(text) == "en"
