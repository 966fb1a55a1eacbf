"""A draft analysed once: each field folded, tokenised and its language identified.

Detectors read this instead of the raw strings, so the expensive work happens once per check.
"""

from __future__ import annotations

from dataclasses import dataclass

from firewarden.checks.context import Context
from firewarden.guidelines.matcher import text_keys
from firewarden.text.language import detect_language
from firewarden.text.normalize import Folded, fold
from firewarden.text.tokens import Token, tokenize
from firewarden.world.moments import Moment


@dataclass(frozen=True, slots=True)
class Field:
    """One checked field of a draft (``text`` or ``attachment``)."""

    name: str
    original: str
    folded: Folded
    language: str
    tokens: tuple[Token, ...]
    #: The rule prefilter's keys of the folded text (:func:`text_keys`); None: not computed.
    keys: frozenset[str] | None = None
    #: The texts of the tokens, built once for the detectors that look words up; None: not
    #: computed (see :meth:`token_texts`).
    words: frozenset[str] | None = None

    def token_texts(self) -> frozenset[str]:
        """The set of the field's token texts (folded words, hashtags, CJK characters)."""
        if self.words is not None:
            return self.words
        return frozenset([t.text for t in self.tokens])

    @property
    def text(self) -> str:
        """The folded text, which matchers search."""
        return self.folded.text

    def span(self, start: int, end: int) -> tuple[int, int, str]:
        """Map a folded span to the original and return it with its excerpt."""
        s, e = self.folded.span(start, end)
        return s, e, self.original[s:e]


@dataclass(frozen=True, slots=True)
class Draft:
    """A draft ready for detectors: its fields, its context and the intents read from it."""

    fields: tuple[Field, ...]
    context: Context
    language: str
    #: Communicative intents found in the text: "promotion", "humour", "sympathy", ...
    intents: frozenset[str]
    #: Sensitive moments active at posting time (events in the context, calendar dates).
    moments: tuple[Moment, ...] = ()

    @property
    def grave_moments(self) -> tuple[Moment, ...]:
        return tuple(m for m in self.moments if m.grave)

    @property
    def text(self) -> Field:
        return self.fields[0]

    @property
    def attachment(self) -> Field | None:
        return self.fields[1] if len(self.fields) > 1 else None


def analyse_field(name: str, original: str, language: str = "") -> Field:
    folded = fold(original)
    tokens = tokenize(folded.text)
    return Field(
        name=name,
        original=original,
        folded=folded,
        language=language or detect_language(original),
        tokens=tokens,
        keys=text_keys(folded.text),
        words=frozenset([t.text for t in tokens]),
    )
