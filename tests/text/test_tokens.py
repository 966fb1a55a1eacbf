from firewarden.text.tokens import Token, hashtags, tokenize


def test_tokens_have_text_and_span() -> None:
    tokens = tokenize("@user don't buy #sale 渋谷")
    assert [t.text for t in tokens] == ["@user", "don't", "buy", "#sale", "渋", "谷"]
    assert tokens[1] == Token("don't", 6, 11)
    assert (tokens[1].start, tokens[1].end) == (6, 11)


def test_hashtags_without_the_mark_and_spans_with_it() -> None:
    text = "new menu #Spring ＃春 a&#39;b"
    tags = hashtags(text)
    assert [t.text for t in tags] == ["Spring", "春"]
    assert text[tags[0].start : tags[0].end] == "#Spring"
