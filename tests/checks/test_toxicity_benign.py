"""False positives: ordinary brand posts, including the slang traps, should not be flagged.

A few dozen posts of the kind a brand publishes every day. The classifier may disagree with
one or two borderline ones (an informal "sick", a "killer" deal), but never at high severity,
and the bulk must pass.
"""

from __future__ import annotations

from firewarden.checks.context import Context
from firewarden.checks.detectors.toxicity import ToxicityDetector
from firewarden.checks.draft import Draft, analyse_field
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines

BENIGN_EN = (
    "Our new burger is sick!",
    "Killer deals all weekend: up to 50% off outerwear.",
    "This new flavour is the bomb. Try it before it's gone!",
    "We're dying to hear what you think of the new menu.",
    "Thanks for shopping with us! Have a wonderful weekend.",
    "Our new store opens on Monday at 9am. See you there!",
    "Happy International Women's Day to every woman on our team and beyond.",
    "Proud to welcome refugees and immigrants into our apprenticeship programme this year.",
    "Free shipping on all orders over $50 this week only.",
    "We're sorry to hear about your delay. Please DM us your order number and we'll help.",
    "Meet Sarah, our head baker, who has been with us for 20 years.",
    "Back to school? Our backpacks are built to last.",
    "New colours just dropped. Which one is your favourite?",
    "The wait is over: pumpkin spice is back!",
    "We're hiring! Join our customer service team in Austin.",
    "Crushing it this quarter thanks to you, our amazing customers.",
    "This sale is insane. Don't miss out!",
    "Our coffee is so good it's almost criminal.",
    "Sunday brunch just got a whole lot better.",
    "Tag a friend who needs this pizza in their life.",
    "Game day snacks sorted. Who are you cheering for?",
    "We've planted 10,000 trees this year with your help.",
    "Tired of boring lunches? Our new wraps are here.",
    "Beat the heat with our frozen lemonade.",
    "Hey @user, thanks for the shout-out! We love seeing your photos.",
    "Our support team is available 24/7 at the link below.",
    "Celebrating Pride Month with our LGBTQ+ employees and partners.",
    "Limited edition sneakers drop Friday. Set your alarms!",
    "Stay warm out there, folks. Hot cocoa is on us today.",
    "Our founders started this company in a garage in 1998.",
    "Black Friday deals start now: shop early, shop smart.",
    "Be the first to try our new spicy chicken sandwich.",
    "We're partnering with local food banks to fight hunger this winter.",
    "Your feedback made this update possible. Thank you!",
    "Check out our new blog post on sustainable packaging.",
    "Mother's Day gifts she'll actually love.",
    "Ready, set, go! The marathon starts at 7am.",
    "Dad jokes are our love language. What's yours?",
    "Our app update fixes the login bug. Update now.",
    "Grab a friend and come to our free tasting event on Saturday.",
)

BENIGN_JA = (
    "本日より新商品のカスタードプリンを発売します!",
    "いつもご利用いただきありがとうございます。",
    "週末はぜひ店舗にお越しください。",
    "ゴミ拾いボランティアに社員一同で参加しました。",
    "夏季休業のお知らせ:8月13日から16日までお休みをいただきます。",
    "新しいアプリで、ポイントがもっと貯まりやすくなりました。",
    "お客様の声をもとに、パッケージをリニューアルしました。",
    "期間限定!ホットケーキセットが半額です。",
    "寒い日が続きますね。温かいスープはいかがですか?",
    "本日のおすすめはバカンス気分のトロピカルジュースです。",
    "配送遅延のご迷惑をおかけし、申し訳ございません。",
    "採用情報を更新しました。ご応募お待ちしております。",
    "デコボコ道でも安心のタイヤです。",
    "ホモ牛乳を使ったまろやかなソフトクリーム。",
    "お釜で炊いたご飯の美味しさをご家庭で。",
    "母の日のギフト特集を公開しました。",
    "新店舗オープンまであと3日!",
    "皆さまのおかげで創業50周年を迎えました。",
    "雨の日限定クーポンを配信中です。",
    "スタッフおすすめの本を紹介します。",
)


def _findings(text: str) -> list[Finding]:
    field = analyse_field("text", text)
    draft = Draft(fields=(field,), context=Context(), language=field.language, intents=frozenset())
    return list(ToxicityDetector().findings(draft, Guidelines()))


def test_benign_english_posts_are_mostly_not_flagged() -> None:
    flagged = {t: _findings(t) for t in BENIGN_EN}
    noisy = [t for t, fs in flagged.items() if fs]
    assert len(noisy) <= len(BENIGN_EN) // 10, noisy
    high = [t for t, fs in flagged.items() if any(f.severity >= Severity.HIGH for f in fs)]
    assert high == []


def test_benign_japanese_posts_are_not_flagged() -> None:
    noisy = [t for t in BENIGN_JA if _findings(t)]
    assert noisy == []
