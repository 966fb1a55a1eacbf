"""Personal data: e-mails, phones, addresses, cards, named customers, visits, attachments."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import firewarden
from firewarden.checks.context import Context
from firewarden.checks.detectors.payment_cards import card_network, luhn_valid
from firewarden.checks.detectors.personal_data import PersonalDataDetector
from firewarden.checks.engine import analyse, run
from firewarden.checks.types import Finding, Level, Severity
from firewarden.guidelines.model import Guidelines

DETECTOR = PersonalDataDetector()


def check(text: str, attachment: str = "", **context: object) -> list[Finding]:
    ctx = Context(attachment=attachment, **context)  # type: ignore[arg-type]
    return list(DETECTOR.findings(analyse(text, ctx, Guidelines()), Guidelines()))


def only(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


def test_every_finding_points_at_the_original_text() -> None:
    text = "連絡は ＴＥＬ：０９０－１２３４－５６７８ (Mrs. Smith) or jane.doe@gmail.com"
    findings = check(text)
    assert findings
    for f in findings:
        assert f.category == "privacy-leak"
        assert text[f.start : f.end] == f.excerpt
        assert f.message and f.suggestion and f.references


# --- e-mail ---------------------------------------------------------------------------------


def test_personal_email_is_medium_and_role_mailbox_low() -> None:
    personal = only(check("Write to yamada.taro@gmail.com for details"), "privacy.email")
    assert [(f.excerpt, f.severity) for f in personal] == [
        ("yamada.taro@gmail.com", Severity.MEDIUM)
    ]
    role = only(check("Questions? support@acme.co.jp"), "privacy.email")
    assert [f.severity for f in role] == [Severity.LOW]


def test_role_mailbox_with_parts_is_low() -> None:
    findings = only(check("Email customer.relations@aa.com"), "privacy.email")
    assert [f.severity for f in findings] == [Severity.LOW]


def test_brand_domain_email_is_low() -> None:
    findings = only(check("Reach Ken at ken.sato@acme.com", brand="Acme"), "privacy.email")
    assert [f.severity for f in findings] == [Severity.LOW]


def test_spelled_out_email_evasion_is_found() -> None:
    findings = only(check("mail me: jane [at] example [dot] com"), "privacy.email")
    assert [f.excerpt for f in findings] == ["jane [at] example [dot] com"]


def test_mentions_are_not_emails() -> None:
    assert not only(check("Thanks @acme_support and @jane!"), "privacy.email")


# --- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "090-1234-5678",
        "03-1234-5678",
        "(03)1234-5678",
        "09012345678",
        "+81 90-1234-5678",
        "+81 (0)3-1234-5678",
        "+1 (415) 555-0100",
        "(415) 555-0100",
        "415.555.0100",
        "+44 20 7946 0958",
        "０９０－１２３４－５６７８",
        "０９０ー１２３４ー５６７８",
    ],
)
def test_phone_numbers_are_found_whole(number: str) -> None:
    text = f"連絡先 TEL:{number} まで" if number[0] in "0０(" else f"Call {number} today"
    findings = only(check(text), "privacy.phone")
    assert [f.excerpt for f in findings] == [number]
    assert findings[0].severity == Severity.MEDIUM


@pytest.mark.parametrize("number", ["0120-123-456", "1-800-555-0199", "0570-000-123"])
def test_toll_free_numbers_are_low(number: str) -> None:
    findings = only(check(f"Call us at {number}"), "privacy.phone")
    assert [f.severity for f in findings] == [Severity.LOW]


@pytest.mark.parametrize(
    "text",
    [
        "Open 2024-03-11, hours 10:00-18:00",
        "Only ¥1,980 (税込) or $19.99 this week",
        "Order #0312345678 has shipped",
        "注文番号 090-1234-5678 の商品を発送しました",
        "ISBN 978-4-06-123456-7",
        "Season 2023-2024 starts now",
        "〒060-0001 is our postcode",
        "Product code ABC-123-4567",
        "In 2023 555 people came",
        "Version 1.2.3456.7890",
    ],
)
def test_numbers_that_are_not_phone_numbers(text: str) -> None:
    assert not only(check(text), "privacy.phone")


# --- payment cards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "4111 1111 1111 1111",
        "5500-0000-0000-0004",
        "378282246310005",
        "3530111333300000",
        "３５３０　１１１３　３３３０　００００",
    ],
)
def test_card_numbers_are_critical(number: str) -> None:
    findings = check(f"card {number} thanks")
    assert [(f.rule_id, f.excerpt, f.severity) for f in findings] == [
        ("privacy.payment-card", number, Severity.CRITICAL)
    ]


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1112", "1234 5678 9012 3456", "4901234567894", "9780306406157"]
)
def test_invalid_or_unknown_card_numbers_are_ignored(number: str) -> None:
    assert not only(check(f"code {number}"), "privacy.payment-card")


def test_luhn_and_network() -> None:
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert card_network("4111111111111111") == "Visa"
    assert card_network("2221000000000009") == "Mastercard"
    assert card_network("9111111111111111") == ""


# --- postal addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "〒150-0041 東京都渋谷区神南１丁目２−３",
        "大阪市北区梅田1-2-3",
        "横浜市中区山下町10番地",
        "札幌市中央区北1条西2丁目",
        "123 Main St., Springfield, IL 62701",
        "350 5th Ave, New York, NY 10118",
        "42 W. Elm Street Apt 5B",
    ],
)
def test_a_store_address_alone_is_low(address: str) -> None:
    findings = only(check(f"新店舗 {address} にオープン"), "privacy.address")
    assert [(f.excerpt, f.severity) for f in findings] == [(address, Severity.LOW)]


def test_address_with_a_private_person_is_high() -> None:
    text = "Our employee Ken lives at 42 W. Elm Street Apt 5B, say hi!"
    findings = only(check(text), "privacy.address")
    assert [f.severity for f in findings] == [Severity.HIGH]
    ja = only(check("山田さんの自宅は大阪市北区梅田1-2-3です"), "privacy.address")
    assert [f.severity for f in ja] == [Severity.HIGH]


@pytest.mark.parametrize(
    "text",
    [
        "地区大会で3-1で勝利！",
        "Open 7 Days a Week",
        "Top 5 Ways to Save",
        "Buy 2 Dr Pepper",
        "Episode 7 A Special Place",
    ],
)
def test_not_addresses(text: str) -> None:
    assert not only(check(text), "privacy.address")


# --- people ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Thanks to our customer Taro Suzuki for the review!", "customer Taro Suzuki"),
        ("Our customer Mrs. Smith loved the cake", "customer Mrs. Smith"),
        ("A guest named Alice asked for more", "guest named Alice"),
        ("Congrats to our customer of the month, Jane Doe!", "customer of the month, Jane Doe"),
        ("お客様の山田様からお手紙をいただきました", "お客様の山田様"),
        ("本日は鈴木様がご来店されました", "鈴木様がご来店"),
        ("顧客の山田さんの注文です", "顧客の山田さん"),
    ],
)
def test_named_customers_are_high(text: str, name: str) -> None:
    findings = only(check(text), "privacy.customer-named")
    assert [(f.excerpt, f.severity) for f in findings] == [(name, Severity.HIGH)]


@pytest.mark.parametrize(
    "text",
    [
        "有名人の木村拓哉さんが来店してくれました！",
        "Famous actor Tom Hanks stopped by today!",
        "Taylor Swift stopped by our store this morning",
        "佐藤さんがお忍びで来てくれました",
    ],
)
def test_celebrity_visits_are_high(text: str) -> None:
    findings = only(check(text), "privacy.visit-disclosed")
    assert [f.severity for f in findings] == [Severity.HIGH]


def test_unnamed_celebrity_visit_is_medium() -> None:
    findings = only(check("芸能人の方がご来店されました"), "privacy.visit-disclosed")
    assert [f.severity for f in findings] == [Severity.MEDIUM]


@pytest.mark.parametrize(
    "text",
    [
        "Contact Customer Service today",
        "Our guest Wi-Fi is free",
        "Customer reviews are in: 4.8 stars",
        "皆様のご来店をお待ちしております",
        "多くのお客様がご来店されました",
        "店長さんがおすすめする新メニュー",
        "Treat yourself this Friday",
        "Band member Michael McDonald says hi",
    ],
)
def test_no_person_is_named(text: str) -> None:
    assert not check(text)


# --- attachments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attachment",
    [
        "Photo of a customer receipt on the counter",
        "Screenshot of the customer list spreadsheet",
        "staff holding a boarding pass",
        "宛名が写った段ボール箱",
        "ﾚｼｰﾄの写真",
        "運転免許証のコピー",
        "マイナンバーカードを持った店員",
    ],
)
def test_documents_in_attachments_are_high(attachment: str) -> None:
    findings = only(check("新商品です", attachment=attachment), "privacy.attachment-document")
    assert findings and all(f.severity == Severity.HIGH for f in findings)
    assert all(f.field == "attachment" for f in findings)
    assert all(attachment[f.start : f.end] == f.excerpt for f in findings)


@pytest.mark.parametrize(
    "attachment", ["Receipt with the name blurred", "レシート（モザイク処理済み）", "伝票は黒塗り"]
)
def test_redacted_documents_are_low(attachment: str) -> None:
    findings = only(check("New!", attachment=attachment), "privacy.attachment-document")
    assert findings and all(f.severity == Severity.LOW for f in findings)


def test_not_redacted_stays_high() -> None:
    findings = check("New!", attachment="the receipt, not blurred")
    assert [f.severity for f in findings] == [Severity.HIGH]


def test_attachment_without_documents_is_clean() -> None:
    assert not check("New burger!", attachment="photo of our new burger on a wooden table")


# --- with the engine ------------------------------------------------------------------------


def test_engine_levels_with_only_this_detector() -> None:
    detectors = [DETECTOR]
    clean = run("New menu from 10:00-18:00, ¥1,980", Context(), Guidelines(), detectors)
    assert clean.level == Level.NONE
    leak = run("Card: 4111-1111-1111-1111", Context(), Guidelines(), detectors)
    assert leak.level == Level.CRITICAL
    disabled = Guidelines(disabled=frozenset({"privacy.payment-card"}))
    assert run("Card: 4111-1111-1111-1111", Context(), disabled, detectors).level == Level.NONE


def test_messages_speak_the_language_of_the_field() -> None:
    (ja,) = check("お客様の山田様、ありがとうございました")
    assert "お客様" in ja.message and "名指し" in ja.message and "同意" in ja.suggestion
    (en,) = check("Thanks to our customer Taro Suzuki!")
    assert "names a customer (Taro Suzuki)" in en.message


#: Text built from the characters these patterns care about, so odd mixes get exercised.
_PIECES = st.sampled_from(
    ["0", "9", "1", "-", "－", "ー", " ", "　", "(", ")", "+", "@", ".", "#", "〒", "様", "さん",
     "お客様", "来店", "がん", "治る", "絶対", "No.1", "ad", "pr", "Main", "St", "cures", "cancer",
     "customer", "Mrs.", "Smith", "ﾚｼｰﾄ", "４", "１", "\n", "💊"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_text_yields_findings_that_point_at_the_original(text: str) -> None:
    if not text.strip():
        return
    for f in check(text, attachment=text):
        source = text  # both fields hold the same text here
        assert 0 <= f.start <= f.end <= len(source)
        assert source[f.start : f.end] == f.excerpt


@pytest.mark.parametrize(
    ("text", "rule_id", "excerpt"),
    [
        ("電話090-1234-5678です", "privacy.phone", "090-1234-5678"),
        ("佐藤様、090-1234-5678に折り返しました", "privacy.phone", "090-1234-5678"),
        ("メールはtaro.yamada@example.comまでどうぞ", "privacy.email", "taro.yamada@example.com"),
        ("カード4111 1111 1111 1111で支払い", "privacy.payment-card", "4111 1111 1111 1111"),
    ],
)
def test_structured_data_is_found_between_japanese_characters(
    text: str, rule_id: str, excerpt: str
) -> None:
    # Japanese characters count as word characters for \w: boundaries must be ASCII-only.
    report = firewarden.check(text)
    assert (rule_id, excerpt) in {(f.rule_id, f.excerpt) for f in report.findings}


# --- red-team additions: people, addresses and data visible in pictures ----------------------


def test_celebrity_at_a_table_or_guessed_is_a_visit() -> None:
    (f,) = only(check("Guess who had lunch with us today? Taylor Swift at table 4!"),
                "privacy.visit-disclosed")  # fmt: skip
    assert f.severity == Severity.HIGH and "Taylor Swift" in f.excerpt
    assert not only(check("Table 4 is by the window. Book it for two!"), "privacy.visit-disclosed")


def test_a_named_person_of_a_street_address_is_private() -> None:
    (f,) = only(check("To the guy who left his wallet: John Miller of 42 Elm Street, come by!"),
                "privacy.address")  # fmt: skip
    assert f.severity == Severity.HIGH


def test_the_shops_own_address_is_not_a_private_one() -> None:
    (f,) = only(check("新店舗の住所は東京都渋谷区神南1-2-3です。"), "privacy.address")
    assert f.severity == Severity.LOW
    (f,) = only(check("山田さんの住所は東京都渋谷区神南1-2-3です。"), "privacy.address")
    assert f.severity == Severity.HIGH


@pytest.mark.parametrize(
    "attachment",
    [
        "staff in front of a whiteboard with the customers' names and phone numbers visible",
        "手書きの手紙。差出人の住所と電話番号が写っている",
        "a parked car with the licence plate clearly readable",
    ],
)
def test_personal_data_said_to_be_visible_in_the_attachment(attachment: str) -> None:
    (f,) = only(check("Thanks!", attachment), "privacy.attachment-document")
    assert f.severity == Severity.HIGH


def test_visible_things_that_are_not_personal_data() -> None:
    assert not only(check("New menu!", "the menu board with prices clearly visible"),
                    "privacy.attachment-document")  # fmt: skip
    assert not only(check("新店舗", "店舗の外観。看板の店名がはっきり見える"),
                    "privacy.attachment-document")  # fmt: skip
