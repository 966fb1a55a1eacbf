"""Phrase, token, proximity and regex semantics of compiled rules, on folded text."""

from __future__ import annotations

import pytest

from firewarden.checks.draft import analyse_field
from firewarden.guidelines.matcher import build_match, compile_phrase


def spans(text: str, **parts: object) -> list[str]:
    """The original-text excerpts a block built from ``parts`` matches in ``text``."""
    block = build_match(**parts)  # type: ignore[arg-type]
    field = analyse_field("text", text)
    return [field.span(s, e)[2] for s, e in block.find(field)]


@pytest.mark.parametrize(
    "text",
    ["a classic", "the assassin", "Scunthorpe", "Essex", "passion", "bass guitar", "grasshopper"],
)
def test_word_boundaries_keep_words_inside_other_words_safe(text: str) -> None:
    assert spans(text, phrases=["ass", "cunt", "sex"]) == []


def test_whole_words_match_in_any_case() -> None:
    assert spans("What an ASS.", phrases=["ass"]) == ["ASS"]


@pytest.mark.parametrize(
    ("phrase", "text", "hit"),
    [
        ("joke", "stop joking", "joking"),
        ("joke", "bad jokes", "jokes"),
        ("marry", "she married him", "married"),
        ("marry", "marries", "marries"),
        ("kill", "killed", "killed"),
        ("stab", "stabbing", "stabbing"),
        ("die", "dying", "dying"),
        ("get married", "getting married", None),  # only the last word inflects
    ],
)
def test_last_word_may_be_inflected(phrase: str, text: str, hit: str | None) -> None:
    assert spans(text, phrases=[phrase]) == ([hit] if hit else [])


def test_inflection_does_not_turn_short_words_into_others() -> None:
    assert spans("ding dong", phrases=["die"]) == []
    assert spans("mad hatters", phrases=["hate"]) == []


@pytest.mark.parametrize("text", ["send an e-mail", "send an email", "send an e mail"])
def test_hyphen_space_and_no_space_are_interchangeable(text: str) -> None:
    assert len(spans(text, phrases=["e-mail"])) == 1


def test_stretched_letters_match_but_doubled_letters_stay_distinct() -> None:
    assert spans("fuuuuuck", phrases=["fuck"]) == ["fuuuuuck"]
    assert spans("oh my god", phrases=["good"]) == []
    assert spans("sooo goooood", phrases=["good"]) == ["goooood"]


def test_japanese_phrases_match_across_script_and_stretch_marks() -> None:
    assert spans("まじでクッソーだな", phrases=["くそ"]) == ["クッソ"]
    assert spans("ｸｿ", phrases=["クソ"]) == ["ｸｿ"]
    assert spans("くそ", phrases=["クソ"]) == ["くそ"]


def test_token_pattern_with_alternatives_wildcard_and_gap() -> None:
    pattern = [["when|will", "she|they|you|girls", "*{0,3}", "marry"]]
    assert spans("So when will they finally get to marry?", tokens=pattern) == [
        "will they finally get to marry"
    ]
    assert spans("when they marry", tokens=pattern) == ["when they marry"]
    assert spans("when they went out to buy a cake to marry", tokens=pattern) == []


def test_token_single_wildcard_is_exactly_one_token() -> None:
    assert spans("black coffee people", tokens=[["black", "*", "people"]]) == [
        "black coffee people"
    ]
    assert spans("black people", tokens=[["black", "*", "people"]]) == []


def test_near_needs_every_group_within_the_distance() -> None:
    near = [(["女性|女子", "結婚|嫁"], 10)]
    assert spans("女性社員はいつ結婚するの", near=near) == ["女性社員はいつ結婚"]
    far = "女性" + "あ" * 20 + "結婚"
    assert spans(far, near=near) == []


def test_regex_runs_on_the_folded_text_ignoring_case() -> None:
    assert spans("STILL SINGLE AT 35", regexes=[r"\bstill single at \d\d\b"]) == [
        "STILL SINGLE AT 35"
    ]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("what the ｆｕｃｋ", "ｆｕｃｋ"),  # full-width
        ("what the f\u200bu\u200bck", "f\u200bu\u200bck"),  # zero-width
        ("what the fuсk", "fuсk"),  # Cyrillic с
        ("what the fu(k", None),  # not an evasion fold undoes
        ("what the f u c k", "f u c k"),  # spaced letters
        ("what the f.u.c.k", "f.u.c.k"),
        ("what the FUUUCK", "FUUUCK"),  # stretched
    ],
)
def test_evasions_are_caught_and_spans_point_into_the_original(
    text: str, excerpt: str | None
) -> None:
    assert spans(text, phrases=["fuck"]) == ([excerpt] if excerpt else [])


def test_leet_is_caught_with_its_original_span() -> None:
    assert spans("total sh1t show", phrases=["shit"]) == ["sh1t"]
    assert spans("what an @ss", phrases=["ass"]) == ["@ss"]


def test_empty_phrase_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        compile_phrase("\u200b ")


def test_anchors_let_the_prefilter_skip_rules() -> None:
    anchors = build_match(phrases=["get married", "biological clock"]).anchors
    assert anchors is not None and {"maried", "biological", "getmaried"} <= anchors
    assert "get" not in anchors
    assert build_match(phrases=["joke"]).anchors == {
        "joke", "jokes", "joked", "joker", "jokers", "jokey", "joking"
    }  # fmt: skip
    assert build_match(phrases=["クソ"]).anchors == {"く"}
    assert build_match(regexes=["x"]).anchors is None


@pytest.mark.parametrize("text", ["Don’t do it", "don't do it", "dont do it"])
def test_apostrophes_may_be_typographic_or_missing(text: str) -> None:
    assert len(spans(text, phrases=["don't do it"])) == 1
