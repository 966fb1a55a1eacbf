"""Helpers for the guideline tests: write a pack, check a draft against it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from firewarden.checks.context import Context
from firewarden.checks.detectors.rules import RulesDetector
from firewarden.checks.engine import run
from firewarden.checks.types import Report
from firewarden.guidelines.loader import load_guidelines
from firewarden.guidelines.model import Guidelines

PACKS = Path(__file__).parent / "packs"
TRAPS = PACKS / "traps.yaml"


def write_pack(folder: Path, body: str, name: str = "pack.yaml") -> Path:
    """Write a pack's YAML (dedented) and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def traps() -> Guidelines:
    return load_guidelines([TRAPS], builtin=False)


def check(text: str, guidelines: Guidelines, **context: object) -> Report:
    """Check with the rules detector alone, so other detectors' findings do not interfere."""
    return run(text, Context(**context), guidelines, (RulesDetector(),))  # type: ignore[arg-type]


def rule_ids(report: Report) -> set[str]:
    return {f.rule_id for f in report.findings}
