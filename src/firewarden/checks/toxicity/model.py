"""Inference for the toxicity models: pure Python sparse linear models read from committed files.

Each model is a ``<name>.json.gz`` beside this module: a bias, a decision threshold (chosen by
cross-validation on the training data), a "very confident" probability, and a pruned map from
feature strings to weights (see :mod:`firewarden.checks.toxicity.features`). Models load lazily,
once, without a network. :meth:`LinearModel.explain` returns the words that pushed the score up,
as spans of the folded text that :meth:`firewarden.checks.draft.Field.span` maps back.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import cache, reduce
from itertools import repeat
from operator import add
from pathlib import Path
from typing import Any

from firewarden.checks.toxicity.features import (
    FEATURES_VERSION,
    Token,
    en_char_ngrams,
    en_tokens,
    en_word_ngrams,
    ja_char_ngrams,
    n_char_ngrams,
)
from firewarden.checks.toxicity.lexicon import ja_lexicon_hits, lexicon_count
from firewarden.errors import ConfigError
from firewarden.text.normalize import Folded

ARTIFACT_DIR = Path(__file__).resolve().parent
MODEL_NAMES = ("offensive", "hate", "ja")

#: Words whose character sums are cached; bounded so a long-running server cannot grow it.
_CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Contribution:
    """A stretch of the folded text and how much it pushed the score towards "toxic"."""

    start: int
    end: int
    weight: float


class EnglishText:
    """An English field's tokens, computed once and read by every English model."""

    __slots__ = ("char_grams", "grams", "n_char", "tokens", "words")

    def __init__(self, folded: Folded) -> None:
        self.tokens: list[Token] = en_tokens(folded)
        self.grams = en_word_ngrams(self.tokens)
        #: Character n-grams of the words some model had not cached yet, shared by the models
        #: (the strings then hash once).
        self.char_grams: dict[str, list[str]] = {}
        #: The words' character-n-gram keys (:func:`char_key`, inlined).
        self.words = [f[1:] if f[0] == "#" else f for f, _, _, is_word in self.tokens if is_word]
        table = _N_CHAR
        lengths = list(map(len, self.words))
        if not lengths or max(lengths) < len(table):
            self.n_char = sum(map(table.__getitem__, lengths))
        else:
            self.n_char = sum(table[n] if n < len(table) else n_char_ngrams(n) for n in lengths)


_N_CHAR = tuple(n_char_ngrams(n) for n in range(64))


class LinearModel:
    """One trained model: ``probability`` for the decision, ``explain`` for the why."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.name: str = data["name"]
        self.language: str = data["language"]
        self.bias = float(data["bias"])
        #: Probability at and above which the product flags a text.
        self.threshold = float(data["threshold"])
        #: Probability at and above which the flag is "very confident" (high severity).
        self.high = float(data["high"])
        self.word: dict[str, float] = data.get("word", {})
        self.char: dict[str, float] = data.get("char", {})
        self.lexicon_weight = float(data.get("lexicon_weight", 0.0))
        #: Figures measured when the model was trained (for documentation and ``eval``).
        self.metrics: dict[str, Any] = data.get("metrics", {})
        self._cache: dict[str, float] = {}

    # -- scoring -----------------------------------------------------------------------------

    def _char_sum(self, word: str, shared: dict[str, list[str]] | None = None) -> float:
        value = self._cache.get(word)
        if value is None:
            grams = shared.get(word) if shared is not None else None
            if grams is None:
                grams = en_char_ngrams(word)
                if shared is not None:
                    shared[word] = grams
            value = sum(map(self.char.get, grams, repeat(0.0)))
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = value
        return value

    def logit_en(self, text: EnglishText) -> float:
        z = self.bias
        if text.grams:
            z += sum(map(self.word.get, text.grams, repeat(0.0))) / math.sqrt(len(text.grams))
        if text.n_char:
            words = text.words
            cached = list(map(self._cache.get, words))
            sums: list[float] = (
                [
                    self._char_sum(w, text.char_grams) if v is None else v
                    for w, v in zip(words, cached, strict=True)
                ]
                if None in cached  # words not seen yet
                else cached  # type: ignore[assignment]  # no None in it
            )
            # Added left to right, as a loop would (sum() may round differently on 3.12+).
            z += reduce(add, sums, 0.0) / math.sqrt(text.n_char)
        return z

    def logit_ja(self, folded: Folded) -> float:
        grams = ja_char_ngrams(folded.text)
        z = self.bias
        if grams:
            get = self.char.get
            z += sum(get(g, 0.0) for g, _, _ in grams) / math.sqrt(len(grams))
        if self.lexicon_weight:
            z += self.lexicon_weight * lexicon_count(folded)
        return z

    def probability(self, folded: Folded, english: EnglishText | None = None) -> float:
        """The probability that the text is toxic in this model's sense."""
        if self.language == "ja":
            z = self.logit_ja(folded)
        else:
            z = self.logit_en(english if english is not None else EnglishText(folded))
        return _sigmoid(z)

    @property
    def sure(self) -> float:
        """Probability from which a flag needs review on its own (between threshold and high).

        The threshold is chosen on TweetEval, where a third of the tweets are offensive; brand
        drafts almost never are, so near the threshold a flag is more often slang ("killer
        deals", "this burger is sick") than abuse. Such flags are shown at low severity.
        """
        return (self.threshold + self.high) / 2

    def flags(self, probability: float) -> bool:
        """The product's decision: the same threshold for the check and for ``eval``."""
        return probability >= self.threshold

    # -- explanation -------------------------------------------------------------------------

    def explain(
        self,
        folded: Folded,
        english: EnglishText | None = None,
        top: int = 3,
        share: float = 0.3,
    ) -> list[Contribution]:
        """The stretches of text that pushed the score up most, strongest first.

        At most ``top`` of them, each pushing at least ``share`` as hard as the strongest, so a
        filler word that barely helped is not presented as a reason.
        """
        if self.language == "ja":
            found = self._explain_ja(folded)
        else:
            found = self._explain_en(english if english is not None else EnglishText(folded))
        found.sort(key=_minus_weight)  # stable: ties keep text order
        if not found or found[0][2] <= 0:
            return []
        floor = found[0][2] * share
        return [Contribution(s, e, w) for s, e, w in found[:top] if w >= floor]

    def _explain_en(self, text: EnglishText) -> list[_Stretch]:
        tokens = text.tokens
        nw = math.sqrt(len(text.grams)) if text.grams else 1.0
        nc = math.sqrt(text.n_char) if text.n_char else 1.0
        get = self.word.get
        cached = self._cache.get
        weight = []
        for form, _, _, is_word in tokens:
            w = 0.0 + get(form, 0.0) / nw
            if form[0] == "#" and len(form) > 1:
                w += get(form[1:], 0.0) / nw
            if is_word:
                key = form[1:] if form[0] == "#" else form
                v = cached(key)
                w += (self._char_sum(key, text.char_grams) if v is None else v) / nc
            weight.append(w)
        # A bigram's weight is shared by its two words; the bigrams end ``text.grams``.
        bigrams = text.grams[len(text.grams) - len(tokens) + 1 :] if tokens else []
        for i, gram in enumerate(bigrams):
            half = get(gram, 0.0) / nw / 2
            weight[i] += half
            weight[i + 1] += half
        return [
            (start, end, w)
            for (_, start, end, is_word), w in zip(tokens, weight, strict=True)
            if is_word
        ]

    def _explain_ja(self, folded: Folded) -> list[_Stretch]:
        text = folded.text
        per_char = [0.0] * len(text)
        grams = ja_char_ngrams(text)
        n = math.sqrt(len(grams)) if grams else 1.0
        for g, s, e in grams:
            w = self.char.get(g, 0.0) / n / (e - s)
            for i in range(s, e):
                per_char[i] += w
        found = []
        for s, e in ja_lexicon_hits(folded):
            found.append((s, e, self.lexicon_weight + sum(per_char[s:e])))
            for i in range(s, e):
                per_char[i] = 0.0
        # Runs of characters that each push clearly towards toxic, beyond the lexicon words.
        peak = max(per_char, default=0.0)
        if peak > 0:
            cut = peak * 0.4
            i = 0
            while i < len(text):
                if per_char[i] >= cut and not text[i].isspace():
                    j = i
                    while j < len(text) and per_char[j] >= cut and not text[j].isspace():
                        j += 1
                    found.append((i, j, sum(per_char[i:j])))
                    i = j
                else:
                    i += 1
        return found


#: A stretch of the folded text and its weight: ``(start, end, weight)``, a Contribution to be.
_Stretch = tuple[int, int, float]


def _minus_weight(stretch: _Stretch) -> float:
    return -stretch[2]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


def load_model_file(path: Path) -> LinearModel:
    """Read one model artifact; a missing or unreadable file is a configuration error."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            "toxicity model file not found",
            where=str(path),
            hint="reinstall firewarden or retrain with python -m firewarden.checks.toxicity.train",
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"toxicity model file is unreadable ({exc})", where=str(path)) from None
    if data.get("features_version") != FEATURES_VERSION:
        raise ConfigError(
            f"model was trained with features version {data.get('features_version')}, "
            f"this code reads version {FEATURES_VERSION}",
            where=str(path),
            hint="retrain with python -m firewarden.checks.toxicity.train",
        )
    return LinearModel(data)


@cache
def load_model(name: str) -> LinearModel:
    """The committed model ``name`` (offensive, hate or ja), loaded once."""
    if name not in MODEL_NAMES:
        raise ValueError(f"unknown toxicity model {name!r}; use one of: {', '.join(MODEL_NAMES)}")
    return load_model_file(ARTIFACT_DIR / f"{name}.json.gz")
