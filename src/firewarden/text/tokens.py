"""Tokens with spans over a folded text; hashtags and mentions stay whole."""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(
    r"[#@][\w\u3040-\u30ff\u4e00-\u9fff]+|[a-z0-9]+(?:'[a-z]+)?|[^\W\d_a-z]", re.UNICODE
)
_HASHTAG = re.compile(r"(?<![\w&])[#＃]([\w\u3040-\u30ff\u4e00-\u9fff\u30fc]+)", re.UNICODE)


class Token(NamedTuple):
    """A token and its span (a named tuple: a post has dozens and they are built per check)."""

    text: str
    start: int
    end: int


_new = tuple.__new__


def tokenize(text: str) -> tuple[Token, ...]:
    """Split a folded text into word, hashtag, mention and single-character (CJK) tokens."""
    return tuple([_new(Token, (m.group(), *m.span())) for m in _TOKEN.finditer(text)])


def hashtags(text: str) -> tuple[Token, ...]:
    """Hashtags in ``text`` (original or folded), without the ``#``; spans include it."""
    return tuple([_new(Token, (m.group(1), *m.span())) for m in _HASHTAG.finditer(text)])
