"""The optimised toxicity features and scoring equal the straightforward computation exactly."""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firewarden.checks.toxicity.features import (
    char_key,
    en_char_ngrams,
    en_tokens,
    en_word_ngrams,
    n_char_ngrams,
)
from firewarden.checks.toxicity.model import Contribution, EnglishText, LinearModel, load_model
from firewarden.text.normalize import fold

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _reference_logit(model: LinearModel, text: str) -> float:
    """The score as first written: one feature at a time, added left to right."""
    tokens = en_tokens(fold(text))
    forms = [t[0] for t in tokens]
    grams = forms + [f[1:] for f in forms if f[0] == "#" and len(f) > 1]
    grams += [f"{a} {b}" for a, b in pairwise(forms)]
    z = model.bias
    if grams:
        z += sum(model.word.get(g, 0.0) for g in grams) / math.sqrt(len(grams))
    words = [char_key(form) for form, _, _, is_word in tokens if is_word]
    n_char = sum(n_char_ngrams(len(w)) for w in words)
    if n_char:
        total = 0.0
        for w in words:
            total += sum(model.char.get(g, 0.0) for g in en_char_ngrams(w))
        z += total / math.sqrt(n_char)
    return z


def _reference_explain(model: LinearModel, text: str) -> list[Contribution]:
    english = EnglishText(fold(text))
    tokens = english.tokens
    weight = [0.0] * len(tokens)
    nw = math.sqrt(len(english.grams)) if english.grams else 1.0
    nc = math.sqrt(english.n_char) if english.n_char else 1.0
    get = model.word.get
    for i, (form, _, _, is_word) in enumerate(tokens):
        weight[i] += get(form, 0.0) / nw
        if form[0] == "#" and len(form) > 1:
            weight[i] += get(form[1:], 0.0) / nw
        if is_word:
            weight[i] += sum(model.char.get(g, 0.0) for g in en_char_ngrams(char_key(form))) / nc
    for i in range(len(tokens) - 1):
        half = get(f"{tokens[i][0]} {tokens[i + 1][0]}", 0.0) / nw / 2
        weight[i] += half
        weight[i + 1] += half
    found = [
        Contribution(s, e, w)
        for (_, s, e, is_word), w in zip(tokens, weight, strict=True)
        if is_word
    ]
    found.sort(key=lambda c: -c.weight)
    if not found or found[0].weight <= 0:
        return []
    return [c for c in found[:3] if c.weight >= found[0].weight * 0.3]


def _same(text: str) -> None:
    folded = fold(text)
    english = EnglishText(folded)
    assert english.grams == en_word_ngrams(en_tokens(folded))
    for name in ("offensive", "hate"):
        model = load_model(name)
        assert model.logit_en(english) == _reference_logit(model, text), (name, text)
        assert model.explain(folded, english) == _reference_explain(model, text), (name, text)


_WORDY = "abcdefghijklmnopqrstuvwxyz fuck shit idiot #@!?'’ 1 😀 www.x http://a "


@given(st.text(alphabet=_WORDY, max_size=80))
@settings(max_examples=1000)
def test_english_scores_and_explanations_equal_the_reference(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    ["", "you are an idiot", "#FuckThis @user you stupid idiot!!! http://x.co", "a", "#a #"],
)
def test_examples_equal_the_reference(text: str) -> None:
    _same(text)


def test_shared_corpus_scores_equal_the_reference() -> None:
    path = SHARED / "tweeteval" / "offensive" / "val_text.txt"
    if not path.exists():
        pytest.skip("the shared corpora are not beside the repository (../shared/data)")
    for text in path.read_text(encoding="utf-8").splitlines()[:600]:
        _same(text)
