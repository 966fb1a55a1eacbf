"""The fast fold() returns exactly what the reference per-character fold returns."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fold_reference import reference_fold, reference_fold_char
from hypothesis import given, settings
from hypothesis import strategies as st

from firewarden.text.normalize import fold, fold_char

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# Characters that exercise every branch: leet stand-ins, spacers, voicing marks, invisible
# characters, homoglyphs, quotes, full-width and half-width forms, ligatures, accents, kana.
_TRICKY = (
    "aAbfkuxz019348@$!|+ .-_*·•`'’\u200b\u00ad\ufeffﾊﾞｶﾟ\u3099\u309aｱバカばか"
    "аеоіΑεοЅﬁﬀ㍿²³½Ｆｕｃｋ１éÉñçÅ\u0301\u0308ß\u0130İﬃ\n\t#@＃"
)


def _same(text: str) -> None:
    fast, ref = fold(text), reference_fold(text)
    assert fast.text == ref.text, text
    assert fast.source == ref.source, text
    assert fast.original == ref.original


@given(st.text(alphabet=_TRICKY, max_size=40))
@settings(max_examples=3000)
def test_fold_equals_reference_on_tricky_text(text: str) -> None:
    _same(text)


@given(st.text(max_size=60))
@settings(max_examples=2000)
def test_fold_equals_reference_on_any_text(text: str) -> None:
    _same(text)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
@settings(max_examples=1000)
def test_fold_equals_reference_on_ascii_text(text: str) -> None:
    _same(text)


@given(st.characters())
@settings(max_examples=2000)
def test_fold_char_is_unchanged(ch: str) -> None:
    assert fold_char(ch) == reference_fold_char(ch)


@pytest.mark.parametrize(
    "text",
    [
        "f u c k this",
        "f.u.c.k",
        "a b",
        "x a b c d1",
        "sh1t @ss 4pm 3rd 10k ²ab h3ll0!",
        "ﾊﾞｶ ﾊﾟﾝ ﾞ",
        "ﬁne ㍿ id\u200biot",
        "don`t",
        "",
    ],
)
def test_fold_equals_reference_on_examples(text: str) -> None:
    _same(text)


def test_fold_equals_reference_on_the_shared_corpora() -> None:
    texts: list[str] = []
    for path in sorted((SHARED / "tweeteval").glob("*/val_text.txt")):
        texts.extend(path.read_text(encoding="utf-8").splitlines())
    ja = SHARED / "japanese-toxic" / "subset-dev.csv"
    if ja.exists():
        with ja.open(encoding="utf-8", newline="") as fh:
            texts.extend(row["text"] for row in csv.DictReader(fh) if row.get("text"))
    if not texts:
        pytest.skip("the shared corpora are not beside the repository (../shared/data)")
    for text in texts:
        _same(text)
