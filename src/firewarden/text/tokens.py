"""Tokens with spans over a folded text; hashtags and mentions stay whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"[#@][\w\u3040-\u30ff\u4e00-\u9fff]+|[a-z0-9]+(?:'[a-z]+)?|[^\W\d_a-z]", re.UNICODE
)
_HASHTAG = re.compile(r"(?<![\w&])[#＃]([\w\u3040-\u30ff\u4e00-\u9fff\u30fc]+)", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> tuple[Token, ...]:
    """Split a folded text into word, hashtag, mention and single-character (CJK) tokens."""
    return tuple(Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text))


def hashtags(text: str) -> tuple[Token, ...]:
    """Hashtags in ``text`` (original or folded), without the ``#``; spans include it."""
    return tuple(Token(m.group(1), m.start(), m.end()) for m in _HASHTAG.finditer(text))
