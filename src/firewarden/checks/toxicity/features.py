"""The toxicity models' features, shared by training and inference so both see the same thing.

Features are read from the folded text (:func:`firewarden.text.normalize.fold`), so full-width
letters, leetspeak, homoglyphs and spaced-out letters reach the model as the plain word.

English: tweet-aware tokens (mentions become ``@user``, links ``<url>``, hashtags keep their
``#`` and also count as the bare word, letters stretched three or more times are squeezed to
two, each emoji is a token), word unigrams and bigrams, and character 2-5-grams inside each
word. Japanese: character 1-3-grams inside each whitespace-separated run.

A model's score is ``bias + sum(word weights) / sqrt(#word n-grams) + sum(char weights) /
sqrt(#char n-grams)``: each block is length-normalised by its number of n-grams, which keeps
the per-word character sums cacheable (see :mod:`firewarden.checks.toxicity.model`).
"""

from __future__ import annotations

import re
from itertools import pairwise

from firewarden.text.normalize import Folded

#: Bumped whenever the features change; an artifact records the version it was trained with.
FEATURES_VERSION = 1

EN_CHAR_MIN, EN_CHAR_MAX = 2, 5
JA_CHAR_MIN, JA_CHAR_MAX = 1, 3

# Alternatives are tried in order: links, then hashtags, mentions, words, single symbols.
_EN_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<tag>#[^\W_]+)"
    r"|(?P<mention>@\w+)"
    r"|(?P<word>[^\W_]+(?:['’][^\W\d_]+)?)"
    r"|(?P<sym>[!?]+|[\u2600-\u27bf\U0001f000-\U0001faff])",
    re.UNICODE,
)
_STRETCH = re.compile(r"(.)\1{2,}")
_MENTION_MARKS = frozenset("@＠")
_JA_RUN = re.compile(r"\S+")

URL, USER = "<url>", "@user"


#: One English token: ``(form, start, end, is_word)``; the span is in the folded text and
#: ``is_word`` says whether its characters feed the character n-grams. A plain tuple, because
#: a tweet has dozens of tokens and the detector's budget is a few microseconds per word.
Token = tuple[str, int, int, bool]

#: Raw token -> feature form; bounded, reset when full.
_FORMS: dict[str, str] = {}
_FORMS_LIMIT = 100_000


def squeeze(word: str) -> str:
    """Squeeze letters repeated three or more times to two (``fuuuuck`` -> ``fuuck``)."""
    return _STRETCH.sub(r"\1\1", word) if len(word) > 2 else word


def _word_form(tok: str) -> str:
    form = _FORMS.get(tok)
    if form is None:
        form = squeeze(tok.replace("’", "'"))
        if len(_FORMS) >= _FORMS_LIMIT:
            _FORMS.clear()
        _FORMS[tok] = form
    return form


def en_tokens(folded: Folded) -> list[Token]:
    """English tokens of a folded text, with spans in the folded text."""
    out: list[Token] = []
    append = out.append
    original = folded.original
    source = folded.source
    forms = _FORMS
    for m in _EN_TOKEN.finditer(folded.text):
        kind = m.lastgroup
        if kind == "word":
            tok = m.group()
            s, e = m.span()
            # fold() reads "@user" as leetspeak ("auser"); the original character tells.
            if tok[0] == "a" and original[source[s]] in _MENTION_MARKS:
                append((USER, s, e, False))
            elif tok == "url":
                append((URL, s, e, False))
            else:
                form = forms.get(tok)
                append((_word_form(tok) if form is None else form, s, e, True))
        elif kind == "tag":
            tok = m.group()
            append(("#" + _word_form(tok[1:]), *m.span(), True))
        elif kind == "sym":
            tok = m.group()
            append((tok[:1] if tok[0] in "!?" else tok, *m.span(), False))
        else:
            append((URL if kind == "url" else USER, *m.span(), False))
    return out


def en_word_ngrams(tokens: list[Token]) -> list[str]:
    """Word unigrams and bigrams (a hashtag also counts as its bare word)."""
    forms = [t[0] for t in tokens]
    grams = list(forms)
    grams.extend(f[1:] for f in forms if f[0] == "#" and len(f) > 1)
    grams.extend(map(" ".join, pairwise(forms)))  # "a b", as f"{a} {b}"
    return grams


def char_key(form: str) -> str:
    """The string a word's character n-grams are read from (a hashtag without its ``#``)."""
    return form[1:] if form[0] == "#" else form


def n_char_ngrams(length: int) -> int:
    """How many character n-grams :func:`en_char_ngrams` gives for a word of ``length``."""
    padded = length + 2
    return sum(max(0, padded - k + 1) for k in range(EN_CHAR_MIN, EN_CHAR_MAX + 1))


def en_char_ngrams(word: str) -> list[str]:
    """Character 2-5-grams of `` word `` (padded so word starts and ends are features)."""
    padded = f" {word} "
    n = len(padded)
    return [
        padded[i : i + k] for k in range(EN_CHAR_MIN, EN_CHAR_MAX + 1) for i in range(n - k + 1)
    ]


def ja_char_ngrams(folded_text: str) -> list[tuple[str, int, int]]:
    """Character 1-3-grams of each whitespace-separated run, with their folded spans."""
    out: list[tuple[str, int, int]] = []
    for m in _JA_RUN.finditer(folded_text):
        run, base = m.group(), m.start()
        n = len(run)
        for k in range(JA_CHAR_MIN, JA_CHAR_MAX + 1):
            for i in range(n - k + 1):
                out.append((run[i : i + k], base + i, base + i + k))
    return out


def en_feature_counts(folded: Folded) -> tuple[list[str], list[str]]:
    """All English word and character n-grams of a text (for training)."""
    tokens = en_tokens(folded)
    chars: list[str] = []
    for form, _, _, is_word in tokens:
        if is_word:
            chars.extend(en_char_ngrams(char_key(form)))
    return en_word_ngrams(tokens), chars
