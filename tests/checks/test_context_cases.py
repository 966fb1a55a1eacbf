"""The development cases about timing, hashtags and accounts, through those detectors alone.

The cases live in the shared data beside the repository (``shared/cases/cases-dev.yaml``);
they are not copied here. Each case must reach medium or above and name one of its risks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from firewarden.checks.context import Context
from firewarden.checks.detectors.hashtags import HashtagDetector
from firewarden.checks.detectors.timing import TimingDetector
from firewarden.checks.detectors.voice import VoiceDetector
from firewarden.checks.engine import run
from firewarden.checks.types import Level
from firewarden.guidelines.model import Guidelines
from firewarden.world.calendar import builtin_dates
from firewarden.world.hashtag_notes import builtin_hashtag_notes

REPO_ROOT = Path(__file__).resolve().parents[2]
CASES = REPO_ROOT.parent / "shared" / "cases" / "cases-dev.yaml"
CONTEXT_RISKS = {
    "tragedy-newsjacking", "disaster-timing", "anniversary", "hashtag-hijack", "wrong-account",
    "tone-deaf-humour",
}  # fmt: skip
IDS = (
    "kenneth-cole-cairo-2011", "chrysler-motorcity-2011", "red-cross-beer-2011",
    "qantas-luxury-2011", "mcdonalds-mcdstories-2012", "gap-sandy-2012", "att-never-forget-2013",
    "cheesies-ray-rice-2014", "jrt-wrong-account-2021", "hokka-hokka-april-fool-2025",
)  # fmt: skip


def _cases() -> dict[str, dict[str, Any]]:
    if not CASES.exists():
        pytest.skip(f"the shared case library is not beside the repository ({CASES.name} absent)")
    return {c["id"]: c for c in yaml.safe_load(CASES.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("case_id", IDS)
def test_dev_case_reaches_review(case_id: str) -> None:
    case = _cases().get(case_id)
    if case is None:
        pytest.skip(f"{case_id} is not in this version of the case library")
    ctx = dict(case["context"])
    ctx["date"] = str(ctx["date"])
    g = Guidelines(sensitive_dates=builtin_dates(), hashtag_notes=builtin_hashtag_notes())
    detectors = [TimingDetector(), HashtagDetector(), VoiceDetector()]
    report = run(case.get("text", ""), Context.from_mapping(ctx), g, detectors)  # type: ignore[arg-type]
    assert report.level >= Level.MEDIUM
    grave = {f.category for f in report.findings if f.severity >= 2}
    assert grave & set(case["risks"]) & CONTEXT_RISKS
