"""Hashtags: tags with a known meaning, tags of an active moment, open and unvetted tags."""

from __future__ import annotations

from firewarden.checks.context import Context
from firewarden.checks.detectors import default_detectors
from firewarden.checks.detectors.hashtags import HashtagDetector
from firewarden.checks.engine import run
from firewarden.checks.types import Report, Severity
from firewarden.guidelines.model import Guidelines, HashtagNote
from firewarden.world.hashtag_notes import builtin_hashtag_notes

G = Guidelines(hashtag_notes=builtin_hashtag_notes())


def check(text: str, g: Guidelines = G, **ctx: object) -> Report:
    return run(text, Context(**ctx), g, [HashtagDetector()])  # type: ignore[arg-type]


def found(report: Report) -> list[tuple[str, Severity, str]]:
    return [(f.category, f.severity, f.excerpt) for f in report.findings]


def test_registered_by_default() -> None:
    assert any(d.name == "hashtags" for d in default_detectors())


def test_the_brand_product_under_a_survivors_tag() -> None:
    g = Guidelines(hashtag_notes=builtin_hashtag_notes(), brand_terms=("pizza",))
    r = check("#WhyIStayed You had pizza.", g=g)
    assert found(r) == [("hashtag-hijack", Severity.HIGH, "#WhyIStayed")]
    assert found(check("#WhyIStayed You had pizza."))[0][1] == Severity.MEDIUM
    assert "domestic violence" in r.findings[0].message
    assert r.findings[0].references


def test_promotion_under_a_movement_tag_in_japanese() -> None:
    r = check("＃ＫｕＴｏｏ 新作パンプス今だけ20%オフ")
    assert found(r) == [("hashtag-hijack", Severity.HIGH, "＃ＫｕＴｏｏ")]


def test_a_known_tag_alone_is_a_medium_reminder() -> None:
    assert found(check("We stand for equality. #BlackLivesMatter")) == [
        ("hashtag-hijack", Severity.MEDIUM, "#BlackLivesMatter")
    ]


def test_sympathy_under_a_tragedy_tag_is_low() -> None:
    r = check("Our thoughts are with everyone in Manchester. #ManchesterStrong")
    assert found(r) == [("hashtag-hijack", Severity.LOW, "#ManchesterStrong")]


def test_shapes_generalise_beyond_the_list() -> None:
    r = check("#PrayForMorocco Free delivery on all orders this week!")
    assert found(r)[0][:2] == ("hashtag-hijack", Severity.HIGH)


def test_tag_of_an_active_moment_with_a_promotion() -> None:
    r = check("Millions watch #Sandy. Our new coats are now available online.",
              events=("Hurricane Sandy making landfall",))  # fmt: skip
    assert ("hashtag-hijack", Severity.HIGH, "#Sandy") in found(r)
    # The same tag used to wish people well is not a hijack.
    assert not check("Stay safe, #Sandy", events=("Hurricane Sandy making landfall",)).findings


def test_open_invitation_tags() -> None:
    assert found(check("#AcmeStories")) == [("hashtag-hijack", Severity.MEDIUM, "#AcmeStories")]
    assert found(check("Share your photos with #AcmeSummer to win!")) == [
        ("hashtag-hijack", Severity.LOW, "#AcmeSummer")
    ]
    crisis = check(
        "Tell us your dream trip! #AcmeLuxury", events=("Acme Air strike grounds fleet",)
    )
    assert found(crisis) == [("hashtag-hijack", Severity.HIGH, "#AcmeLuxury")]


def test_unvetted_tags_are_informational_on_corporate_accounts() -> None:
    assert found(check("New menu today #TacoTuesday")) == [
        ("unvetted-hashtag", Severity.INFO, "#TacoTuesday")
    ]
    assert not check("New menu today #TacoTuesday", account="personal").findings


def test_vetted_and_own_tags_pass() -> None:
    g = Guidelines(vetted_hashtags=frozenset({"tacotuesday"}), brand_terms=("acme",))
    assert not check("New menu today #TacoTuesday #AcmeEats", g=g).findings
    assert not check("New menu today #AcmeEats", brand="Acme").findings


def test_company_notes_extend_the_list() -> None:
    note = HashtagNote(tag="ourstrike", kind="political", meaning="the 2024 workers' strike")
    g = Guidelines(hashtag_notes={**builtin_hashtag_notes(), "ourstrike": note})
    r = check("Big savings! #OurStrike", g=g)
    assert found(r) == [("hashtag-hijack", Severity.HIGH, "#OurStrike")]
