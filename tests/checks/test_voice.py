"""Voice and account: personal posts on a corporate account, and drafts unlike the account."""

from __future__ import annotations

import pytest

from firewarden.checks.context import Context
from firewarden.checks.detectors import default_detectors
from firewarden.checks.detectors.voice import VoiceDetector
from firewarden.checks.detectors.voice_style import FEATURES, style, usual_voice
from firewarden.checks.engine import run
from firewarden.checks.types import Report, Severity
from firewarden.guidelines.model import Guidelines

G = Guidelines()


def check(text: str, **ctx: object) -> Report:
    return run(text, Context(**ctx), G, [VoiceDetector()])  # type: ignore[arg-type]


def severity(report: Report, category: str = "wrong-account") -> Severity | None:
    return next((f.severity for f in report.findings if f.category == category), None)


def test_registered_by_default() -> None:
    assert any(d.name == "voice" for d in default_detectors())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Honestly I think every driver in this town is an idiot. Shit drivers everywhere.",
         Severity.HIGH),
        ("Great, my boss wants slides by 6am. I hate Mondays lol", Severity.MEDIUM),
        ("Got so wasted at the office party last night, hungover af", Severity.MEDIUM),
        ("Democrats are idiots and should go to hell", Severity.HIGH),
        ("あの議員、よく言うわ。クズが", Severity.HIGH),
        ("マジで二日酔いだわ。昨日飲みすぎた", Severity.MEDIUM),
        ("上司がムカつく。マジで辞めたいわ", Severity.MEDIUM),
        ("Can't believe my landlord is raising the rent again. Greedy scumbag.", Severity.HIGH),
        ("3rd margarita and it's only 2pm, don't judge me", Severity.MEDIUM),
        ("ugh, another pointless meeting. my manager is such a clown", Severity.HIGH),
        ("隣の部屋のやつ、夜中までうるさすぎ。まじで引っ越したい", Severity.MEDIUM),
    ],
)  # fmt: skip
def test_personal_posts_on_a_corporate_account(text: str, expected: Severity) -> None:
    r = check(text, handle="@acme")
    assert severity(r) == expected
    (f,) = r.findings
    assert "right account (@acme)" in f.message
    assert text[f.start : f.end] == f.excerpt


@pytest.mark.parametrize(
    "text",
    [
        "Polls open 7am-8pm today: our stores adjust their hours so staff can vote.",
        "衆議院選挙の投票日は、一部店舗の営業時間を変更いたします。",
        "Our new IPA is here: crisp, hoppy and brewed in Portland. Find it at your local store.",
        "I'm sorry to hear that, Sam. Please DM us your order number. ^JD",
        "新しいカスタムオーダーを受付中!カステラも好評です",
        "このボタンを押すと画面を動かすことができます。",
        "バカ売れ中の新作です",
        "Our burgers are damn good.",
        "Happy hour: margaritas $5 until 7pm at all our bars.",
        "Our rent-a-bike service is open again. Commute greener this spring!",
        "このラーメン、ヤバい！マジでうまい",
        "静かな客室で、隣の部屋を気にせずお過ごしいただけます",
    ],
)
def test_ordinary_corporate_posts(text: str) -> None:
    assert not check(text).findings


def test_personal_accounts_are_not_wrong_accounts() -> None:
    assert not check("no one here knows how to fucking drive", account="personal").findings


PAST_FORMAL = (
    "本日より新商品の販売を開始いたします。ぜひお近くの店舗でお試しください。",
    "年末年始の営業時間についてお知らせいたします。詳しくは公式サイトをご覧ください。",
    "いつも当店をご利用いただきありがとうございます。臨時休業のお知らせです。",
    "秋の限定メニューが登場しました。皆様のご来店をお待ちしております。",
)


def test_off_voice_against_a_formal_brand_voice() -> None:
    r = check("今日マジで疲れたわ〜俺もう無理www", past_posts=PAST_FORMAL)
    f = next(f for f in r.findings if f.category == "off-voice")
    assert f.severity == Severity.MEDIUM
    assert "first person" in f.message or "slang" in f.message


def test_in_voice_draft_passes() -> None:
    draft = "冬の新メニューが登場しました。皆様のご来店を心よりお待ちしております。"
    assert severity(check(draft, past_posts=PAST_FORMAL), "off-voice") is None


def test_off_voice_needs_three_past_posts() -> None:
    assert usual_voice(PAST_FORMAL[:2]) is None
    voice = usual_voice(PAST_FORMAL)
    assert voice is not None and voice.threshold >= 2.5
    assert len(style("hello")) == len(FEATURES)


def test_a_varied_account_tolerates_more() -> None:
    casual = (
        "lol Monday again, who's with us?? ☕",
        "New flavour drop!! You're gonna love this one 🍓",
        "We asked, you answered: pineapple stays. Sorry not sorry 🍍",
        "OMG 10k followers?! Thank you all so much!!! 🎉",
    )
    assert severity(check("We can't wait to see you all this weekend!! 🎉", past_posts=casual),
                    "off-voice") is None  # fmt: skip
