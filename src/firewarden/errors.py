"""Errors a user can act on: what was wrong, where, and what to do next."""

from __future__ import annotations


class FirewardenError(Exception):
    """Base class for user-facing errors; the CLI prints them without a traceback."""

    def __init__(self, message: str, *, where: str = "", hint: str = "", field: str = "") -> None:
        self.message = message
        self.where = where
        self.hint = hint
        #: The input field the error is about (a form's or a record's: ``name``,
        #: ``keywords``...), so a form can show the message beside it; empty when none.
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(FirewardenError):
    """Bad input from the user: a draft, a record, a context field, a command option."""


class NotFound(InputError):
    """What was asked for, by id or name, is not there (or not in this organisation)."""


class ConfigError(FirewardenError):
    """A configuration file or guideline pack that cannot be used as written."""
