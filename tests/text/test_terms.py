"""Content terms: the words a story is told with, without the watch's own names."""

from __future__ import annotations

from firewarden.text.terms import content_terms, term_filter


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
