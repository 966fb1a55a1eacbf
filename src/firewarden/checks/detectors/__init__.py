"""The detectors the check runs by default, in the order their findings are usually read."""

from __future__ import annotations

from functools import cache

from firewarden.checks.engine import Detector


@cache
def default_detectors() -> tuple[Detector, ...]:
    """One instance of each built-in detector (their models load once, here)."""
    from firewarden.checks.detectors.claims import ClaimsDetector
    from firewarden.checks.detectors.depiction import DepictionDetector
    from firewarden.checks.detectors.disclosure import DisclosureDetector
    from firewarden.checks.detectors.hashtags import HashtagDetector
    from firewarden.checks.detectors.personal_data import PersonalDataDetector
    from firewarden.checks.detectors.rules import RulesDetector
    from firewarden.checks.detectors.timing import TimingDetector
    from firewarden.checks.detectors.toxicity import ToxicityDetector
    from firewarden.checks.detectors.voice import VoiceDetector

    detectors: list[Detector] = [RulesDetector()]
    detectors.append(PersonalDataDetector())
    detectors.append(ClaimsDetector())
    detectors.append(DisclosureDetector())
    detectors.extend((TimingDetector(), HashtagDetector(), VoiceDetector()))
    detectors.append(DepictionDetector())
    detectors.append(ToxicityDetector())
    return tuple(detectors)
