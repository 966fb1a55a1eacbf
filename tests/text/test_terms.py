"""Content terms: the words a story is told with, without the watch's own names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from firewarden.text.terms import content_terms, drop_terms, term_filter


def test_words_and_japanese_runs_once_per_text() -> None:
    skip = term_filter(("Acme", "アクメ", "@acme_official"))
    terms = content_terms(
        "@acme_official Boycott Acme! boycott the sexist ad https://x.example/a "
        "アクメの広告は女性蔑視、スクリーンショット",
        skip,
    )
    assert terms == frozenset({"boycott", "sexist", "広告", "女性蔑視", "スクリーンショット"})


def test_stop_words_and_short_words_are_not_terms() -> None:
    assert content_terms("It is the one we had, ok?") == frozenset()


_WORDS = [
    "Acme",
    "acme",
    "burger",
    "ＡＣＭＥ",
    "厨房",
    "アクメ",
    "バイト",
    "the",
    "freezer",
    "@acme",
    "#Acme",
]


@given(
    st.lists(st.sampled_from([*_WORDS, " ", "!", "cold"]), max_size=20),
    st.sets(st.sampled_from(_WORDS), max_size=4),
)
def test_dropping_a_watchs_names_after_tokenising_equals_tokenising_without_them(
    parts: list[str], names: set[str]
) -> None:
    text = " ".join(parts)
    skip = term_filter(names)
    assert drop_terms(content_terms(text), skip) == content_terms(text, skip)
