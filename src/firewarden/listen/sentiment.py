"""Sentiment of a mention: negative, neutral or positive (pure Python inference).

English: a small multinomial linear model over word unigrams and bigrams of the folded text,
trained on airline customer tweets (``python -m firewarden.listen.sentiment_train``) and
committed as ``sentiment_en.json.gz``; @handles, URLs and numbers are replaced by placeholders
so the model learns the complaint, not the airline. Japanese: a lexicon of negative and
positive expressions with negation (``おいしくない`` is negative), since no labelled Japanese
sentiment data ships with firewarden.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

from firewarden.errors import ConfigError

LABELS = ("negative", "neutral", "positive")
ARTIFACT = Path(__file__).resolve().parent / "sentiment_en.json.gz"
FEATURES_VERSION = 1

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_WORD = re.compile(r"[a-z][a-z']*|\d+|[!?]")


def en_features(folded: str) -> list[str]:
    """Unigrams and bigrams of an English folded text (the model's features)."""
    text = _HANDLE.sub(" _user ", _URL.sub(" _url ", folded))
    words = [("_num" if w[0].isdigit() else w) for w in _WORD.findall(text)]
    words = [w.strip("'") or w for w in words]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class SentimentModel:
    """``scores(folded)`` -> probabilities per label; ``label`` picks the likeliest."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.bias: list[float] = [float(b) for b in data["bias"]]
        self.weights: dict[str, list[float]] = data["weights"]
        self.metrics: dict[str, Any] = data.get("metrics", {})

    def scores(self, folded: str) -> tuple[float, float, float]:
        z0, z1, z2 = self.bias
        get = self.weights.get
        feats = en_features(folded)
        if feats:
            scale = 1.0 / math.sqrt(len(feats))
            for f in feats:
                w = get(f)
                if w is not None:
                    z0 += w[0] * scale
                    z1 += w[1] * scale
                    z2 += w[2] * scale
        top = max(z0, z1, z2)
        e0, e1, e2 = math.exp(z0 - top), math.exp(z1 - top), math.exp(z2 - top)
        total = e0 + e1 + e2
        return e0 / total, e1 / total, e2 / total

    def label(self, folded: str) -> str:
        s = self.scores(folded)
        return LABELS[s.index(max(s))]


@cache
def load_sentiment_model() -> SentimentModel:
    """The committed English model, loaded once."""
    try:
        with gzip.open(ARTIFACT, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read the sentiment model ({exc})",
            where=str(ARTIFACT.name),
            hint="reinstall firewarden or retrain: python -m firewarden.listen.sentiment_train",
        ) from None
    if data.get("features_version") != FEATURES_VERSION:
        raise ConfigError(
            "the sentiment model was trained with other features",
            where=str(ARTIFACT.name),
            hint="retrain: python -m firewarden.listen.sentiment_train",
        )
    return SentimentModel(data)


_CUE_WORD = re.compile(r"[a-z][a-z'-]*")  # a single word, as content terms are
#: How far a word's weight must favour "negative" over both other labels for the word to be
#: one of the model's negative cues (chosen on simulated dev streams; see negative_cues).
NEGATIVE_CUE_MARGIN = 1.5


@cache
def negative_cues(margin: float = NEGATIVE_CUE_MARGIN) -> frozenset[str]:
    """The English words the model takes as strong signs of a negative post ("worst",
    "terrible", "rude", and from its airline tweets "not" or "hours").

    The emerging-term signal ignores them: a mention counts as negative *because* the model
    saw such a word, so the word's rise among negative mentions is the model's reading
    repeated, not a new story ("not bad" on a launch day read as negative made «bad» look
    like a new complaint). The negative count already carries that evidence.
    """
    weights = load_sentiment_model().weights
    return frozenset(
        word
        for word, (neg, neu, pos) in weights.items()
        if _CUE_WORD.fullmatch(word) and neg - max(neu, pos) >= margin
    )


# Japanese: folded text (katakana folded to hiragana, so list hiragana forms).
_JA_NEGATIVE = tuple(
    """
    最低 最悪 ひどい 酷い ひどすぎ まずい 不味い ふざけ 許せ ありえない
    あり得ない がっかり 残念 不快 不潔 気持ち悪 きもちわる 遅い おそい
    遅すぎ 来ない 届かない こない 謝罪 炎上 炎上し 二度と 返金 詐欺 不買
    不誠実 対応悪 態度悪 失礼 腹立 むかつ ムカつ ひどかった 微妙 異物
    髪の毛 食中毒 腐って 虫が ゴキブリ ごきぶり 高すぎ 値上げ 怒 呆れ
    あきれ うんざり しね 死ね クソ くそ アウト あうと ひどすぎる 不具合
    落ちる 使えない ログインできない 繋がらない つながらない
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_JA_POSITIVE = tuple(
    """
    おいしい 美味しい うまい 美味い おいしかった 美味しかった うまかった 最高
    好き 大好き ありがとう 助かった 助かる 嬉しい うれしい 素敵 すてき
    良かった よかった 楽しい たのしい 感動 神対応 丁寧 おすすめ オススメ
    かわいい 可愛い 満足 早くて
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_JA_NEGATION = re.compile(r"(?:くない|くなかった|じゃない|ではない|ない|なかった|ません)")


def _ja_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    from firewarden.text.normalize import fold_pattern

    forms = sorted({fold_pattern(w) for w in words}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms)))


_JA_NEG_RE = _ja_pattern(_JA_NEGATIVE)
# Positive stems (without their final い) so that a negated form still matches: おいしくない.
_JA_POS_RE = _ja_pattern(_JA_POSITIVE)
_JA_POS_STEMS = _ja_pattern(tuple(w[:-1] for w in _JA_POSITIVE if w.endswith("い")))


def ja_sentiment(folded: str) -> str:
    """Lexicon sentiment of a folded Japanese text; negated positives count as negative."""
    neg = len(_JA_NEG_RE.findall(folded))
    pos = len(_JA_POS_RE.findall(folded))
    for m in _JA_POS_STEMS.finditer(folded):
        if _JA_NEGATION.match(folded, m.end()):
            neg += 1
            pos -= 1
    if neg > max(pos, 0):
        return "negative"
    if pos > neg:
        return "positive"
    return "neutral"


def sentiment(folded: str, language: str) -> str:
    """negative, neutral or positive for a folded text in ``language`` (en or ja)."""
    if language == "ja":
        return ja_sentiment(folded)
    return load_sentiment_model().label(folded)
