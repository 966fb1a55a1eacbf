"""The pre-publication check: ``check(text, context=..., guidelines=...) -> Report``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from firewarden.checks.context import Context
from firewarden.checks.types import Finding, Level, Report, Severity
from firewarden.guidelines.model import Guidelines

GuidelinesArg = Guidelines | str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None


def resolve_guidelines(guidelines: GuidelinesArg) -> Guidelines:
    """Guidelines as given, or loaded from pack paths layered over the built-in packs."""
    from firewarden.guidelines.loader import builtin_guidelines, load_guidelines

    if guidelines is None:
        return builtin_guidelines()
    if isinstance(guidelines, Guidelines):
        return guidelines
    if isinstance(guidelines, (str, os.PathLike)):
        return load_guidelines([Path(guidelines)])
    return load_guidelines([Path(p) for p in guidelines])


def check(
    text: str,
    context: Context | None = None,
    guidelines: GuidelinesArg = None,
) -> Report:
    """Check one draft and explain what is risky in it.

    ``context`` says when and from which account it will be posted and what is happening in
    the world; ``guidelines`` is a loaded :class:`Guidelines`, or the path(s) of company packs
    to layer over the built-in ones (default: the built-in packs only).
    """
    from firewarden.checks.detectors import default_detectors
    from firewarden.checks.engine import run

    return run(text, context or Context(), resolve_guidelines(guidelines), default_detectors())


__all__ = ["Context", "Finding", "Guidelines", "Level", "Report", "Severity", "check"]
