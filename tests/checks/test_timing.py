"""Timing: promotions, jokes and campaigns during disasters, tragedies, crises and anniversaries."""

from __future__ import annotations

import datetime as dt

from firewarden.checks.context import Context
from firewarden.checks.detectors import default_detectors
from firewarden.checks.detectors.timing import TimingDetector
from firewarden.checks.engine import run
from firewarden.checks.types import Report, Severity
from firewarden.guidelines.model import Guidelines
from firewarden.world.calendar import builtin_dates, parse_date_entry

G = Guidelines(sensitive_dates=builtin_dates())
ORDINARY = dt.datetime(2025, 7, 2, 10, 0)


def check(text: str, at: dt.datetime = ORDINARY, g: Guidelines = G, **ctx: object) -> Report:
    return run(text, Context(at=at, **ctx), g, [TimingDetector()])  # type: ignore[arg-type]


def cats(report: Report) -> dict[str, Severity]:
    return {f.category: f.severity for f in report.findings}


def test_registered_by_default() -> None:
    assert any(d.name == "timing" for d in default_detectors())


def test_promotion_with_the_disaster_hashtag() -> None:
    r = check(
        "Everyone in the path of #Hagibis, stay dry! Perfect day to shop our online sale.",
        events=("Typhoon Hagibis making landfall near Tokyo",),
    )
    assert cats(r) == {"tragedy-newsjacking": Severity.HIGH, "disaster-timing": Severity.HIGH}
    news = next(f for f in r.findings if f.category == "tragedy-newsjacking")
    assert news.excerpt == "Hagibis"
    assert "Typhoon Hagibis" in news.message and "event given with the draft" in news.message


def test_japanese_promotion_naming_the_disaster() -> None:
    r = check("台風に負けない!今だけ全品20%オフ", events=("台風19号が関東に上陸",))
    assert cats(r)["tragedy-newsjacking"] == Severity.HIGH
    assert cats(r)["disaster-timing"] == Severity.HIGH
    assert next(f for f in r.findings if f.category == "tragedy-newsjacking").excerpt == "台風"


def test_promotion_during_a_disaster_without_naming_it() -> None:
    r = check("Flash sale: 40% off all boots this weekend", events=("Deadly floods in Texas",))
    assert cats(r) == {"disaster-timing": Severity.HIGH}
    (f,) = r.findings
    assert f.excerpt == "Flash sale"


def test_sympathy_alone_is_fine() -> None:
    assert not check(
        "被災された皆様に心よりお見舞い申し上げます。", events=("能登半島地震",)
    ).findings
    assert not check("Our thoughts are with everyone affected. Stay safe.",
                     events=("Hurricane Milton making landfall in Florida",)).findings  # fmt: skip


def test_pausing_promotions_is_fine() -> None:
    r = check(
        "Out of respect for those affected by the hurricane, we are pausing all promotions.",
        events=("Hurricane Milton making landfall in Florida",),
    )
    assert not r.findings


def test_a_normal_promotion_on_an_ordinary_day() -> None:
    assert not check("Summer sale: 30% off everything!").findings
    assert not check("夏のセール開催中!全品20%オフ").findings


def test_joke_during_a_tragedy() -> None:
    r = check("lol, this week is killing us", events=("mass shooting at a mall in Texas",))
    assert cats(r)["tone-deaf-humour"] == Severity.HIGH


def test_promotion_tied_to_a_tragedy_story() -> None:
    r = check(
        "Two-for-one wings tonight. We call it the Weinstein special ;)",
        events=("Harvey Weinstein sexual assault allegations reported",),
    )
    assert cats(r)["tragedy-newsjacking"] == Severity.HIGH
    assert cats(r)["tone-deaf-humour"] == Severity.HIGH


def test_campaign_during_the_company_own_crisis() -> None:
    r = check(
        "Tell us your favourite Acme Air memory for a chance to win two tickets! #AcmeMoments",
        events=("Acme Air pilots strike grounds all flights",),
    )
    # The company's own name is not newsjacking; the timing is the problem.
    assert cats(r) == {"disaster-timing": Severity.HIGH}


def test_anniversary_promotion_that_uses_its_topic() -> None:
    r = check("震災から14年。防災グッズ全品セール中!", at=dt.datetime(2025, 3, 11, 9))
    assert cats(r)["tragedy-newsjacking"] == Severity.HIGH
    assert cats(r)["anniversary"] == Severity.HIGH
    assert "東日本大震災" in r.findings[0].message  # the Japanese name for a Japanese post


def test_anniversary_promotion_that_does_not_mention_it() -> None:
    assert cats(check("春のセール開催中!", at=dt.datetime(2025, 3, 11)))["anniversary"] == (
        Severity.LOW
    )
    # Elsewhere the Japanese anniversary is only worth knowing about.
    assert cats(check("Spring sale starts today!", at=dt.datetime(2025, 3, 11)))["anniversary"] == (
        Severity.INFO
    )


def test_sympathy_on_the_anniversary_is_fine() -> None:
    r = check("東日本大震災から14年。犠牲になられた方々のご冥福をお祈りします。",
              at=dt.datetime(2025, 3, 11))  # fmt: skip
    assert not r.findings


def test_commemoration_beside_a_product() -> None:
    at = dt.datetime(2024, 9, 11, 8)
    plain = check("We will never forget.", at=at)
    assert cats(plain) == {"anniversary": Severity.LOW}
    product = check("We will never forget.", at=at, attachment="our new phone held up at dusk")
    assert cats(product) == {"anniversary": Severity.HIGH, "tragedy-newsjacking": Severity.HIGH}


def test_observance_with_promotion_is_a_tone_check() -> None:
    r = check(
        "Happy International Women's Day! 20% off for all the women in your life.",
        at=dt.datetime(2025, 3, 8),
    )
    assert cats(r) == {"anniversary": Severity.LOW}
    assert not check("Spring sale: 20% off.", at=dt.datetime(2025, 3, 8)).findings
    pride = check("Rainbow collection: 15% off all month", at=dt.datetime(2025, 6, 12))
    assert cats(pride) == {"anniversary": Severity.LOW}


def test_april_fools_post_about_the_hardship() -> None:
    shortage = ("米不足で米価が高騰",)
    r = check("本日より全店でお米の販売を終了します", at=dt.datetime(2025, 4, 1), events=shortage)
    assert cats(r) == {"tone-deaf-humour": Severity.MEDIUM}
    assert r.findings[0].excerpt == "お米"
    assert not check("本日より全店でお米の販売を終了します", at=dt.datetime(2025, 4, 2),
                     events=shortage).findings  # fmt: skip


def test_company_calendar_entries_are_used() -> None:
    plant = parse_date_entry(
        {"date": "07-02", "name": "Riverside plant explosion (2019)", "kind": "anniversary",
         "topics": ["Riverside"]},
        where="acme", origin="acme",
    )  # fmt: skip
    g = Guidelines(sensitive_dates=(plant,))
    r = check("Riverside store reopening sale: 25% off!", g=g)
    assert cats(r)["anniversary"] == Severity.HIGH
    assert not check("Riverside store reopening sale: 25% off!").findings


def test_spans_point_into_the_original_text() -> None:
    text = "ＳＡＬＥ today for everyone hit by #Sandy"
    r = check(text, events=("Hurricane Sandy",))
    for f in r.findings:
        assert text[f.start : f.end] == f.excerpt
    assert {f.excerpt for f in r.findings} == {"ＳＡＬＥ", "Sandy"}


def test_messages_say_where_the_moment_comes_from() -> None:
    r = check("Spring sale: 20% off!", at=dt.datetime(2025, 4, 20))
    assert "built-in calendar" in r.findings[0].message
    plant = parse_date_entry(
        {"date": "07-02", "name": "Plant fire", "kind": "anniversary", "topics": ["plant"]},
        where="acme", origin="acme",
    )  # fmt: skip
    r = check("Plant sale: 20% off!", g=Guidelines(sensitive_dates=(plant,)))
    assert "calendar of acme" in r.findings[0].message


def test_jokes_on_calendar_days() -> None:
    at = dt.datetime(2025, 9, 11, 9)
    # A joke that does not touch the anniversary is worth a look, not a block...
    assert cats(check("Monday mood lol", at=at)) == {"tone-deaf-humour": Severity.LOW}
    # ...one that does is high, and so is any joke during an event given with the draft.
    assert cats(check("Never forget to hydrate lol", at=at))["tone-deaf-humour"] == Severity.HIGH
    assert (
        cats(check("Monday mood lol", events=("Earthquake hits Istanbul",)))["tone-deaf-humour"]
        == Severity.HIGH
    )


def test_hiroshima_day_bomb_pun() -> None:
    r = check("Our deals today are da bomb! 50% off", at=dt.datetime(2025, 8, 6))
    assert cats(r)["tragedy-newsjacking"] == Severity.HIGH


# --- The anniversary's date made into a pun or a themed day --------------------------------


def test_date_made_into_a_themed_day_on_an_anniversary() -> None:
    hiroshima = dt.datetime(2023, 8, 6, 9, 0)
    r = check("本日8月6日はハムの日！ハム・ソーセージ全品半額", at=hiroshima)
    assert cats(r)["anniversary"] == Severity.HIGH
    assert "8月6日はハムの日" in next(f for f in r.findings if f.category == "anniversary").excerpt


def test_date_number_as_a_price_on_an_anniversary() -> None:
    r = check("サンイチイチの日！全品311円セール開催中", at=dt.datetime(2022, 3, 11, 9, 0))
    assert cats(r)["anniversary"] == Severity.HIGH
    r = check("Flash sale: everything $9.11 today", at=dt.datetime(2023, 9, 11, 9, 0))
    assert cats(r)["anniversary"] == Severity.HIGH


def test_on_this_day_in_the_year_of_the_event() -> None:
    r = check("On this day in 1941... our prices drop too! 30% off", at=dt.datetime(2024, 12, 7))
    assert cats(r)["tragedy-newsjacking"] == Severity.HIGH


def test_date_alone_is_not_a_pun() -> None:
    # Naming the day in a plain sympathy post, or another number in a promotion, is not a pun.
    assert not check(
        "本日8月6日、広島への原爆投下から79年。黙祷を捧げます。", at=dt.datetime(2024, 8, 6)
    ).findings
    r = check("Flash sale: 20% off, today only", at=dt.datetime(2023, 9, 11, 9, 0))
    assert cats(r).get("anniversary", Severity.INFO) <= Severity.LOW
    # The themed-day shape on an ordinary day is just marketing.
    assert not check(
        "11月22日はいい夫婦の日！ペアセット20%オフ", at=dt.datetime(2024, 11, 22)
    ).findings


def test_april_fool_about_scarce_goods_named_in_an_english_event() -> None:
    r = check(
        "We're discontinuing all bottled water starting today. Stock up while you can!",
        at=dt.datetime(2023, 4, 1, 9, 0),
        events=("bottled water shortage after a city-wide boil-water notice",),
    )
    assert cats(r)["tone-deaf-humour"] == Severity.MEDIUM


def test_release_and_visit_cues_are_promotions_during_a_moment() -> None:
    r = check("台風で休校？ならゲームしよう！新作DLC本日配信", events=("台風10号が九州に上陸",))
    assert cats(r)["disaster-timing"] == Severity.HIGH
    r = check(
        "事件現場の近くですが、当店は通常営業中です！ぜひお立ち寄りください",
        events=("元首相が奈良で銃撃され死亡",),
    )
    assert cats(r)["disaster-timing"] == Severity.HIGH
