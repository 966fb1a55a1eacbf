"""Word-level differences between two versions of a draft (pure, difflib)."""

from __future__ import annotations

import difflib
import re

#: Words and the spaces between them; CJK text has no spaces, so each character is a token.
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]|\w+|\s+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``(op, text)`` pieces: op is "same", "del" or "ins"; joined they read as both texts."""
    a, b = tokens(old), tokens(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("ins", "".join(b[j1:j2])))
    return pieces
