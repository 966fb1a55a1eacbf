"""What the simulated mentions say (pure: a seeded random source in, texts out).

The count process of :mod:`firewarden.detect.simulate` decides when mentions come, who
writes them and their sentiment; this module writes their text, with its own random source so
the count process (and the count-based figures) do not depend on the wording.

Ordinary traffic has real vocabulary churn: many products, store locations and topics;
everyday complaints that share their words (late delivery, a price rise, a closed store, a
slow app...); occasional *benign bursts* of a new term (a product launch or a campaign
hashtag, mostly positive or neutral, for a day or two); occasional *ordinary negative
mini-bursts* (for a few hours many complaints are about one shared topic, e.g. one store
closed, the app down); and rare innocent posts that look like misconduct content (a job ad
with a kitchen video). Where ordinary mentions are mostly negative (``negative_share``, an
airline's watch), launches keep the default's number of mentions and mix (12 % negative:
a launch is happy news in any watch). Storm mentions vary their wording (several phrasings
per language); the incident's topic words are drawn per storm from pools. Two kinds of
storm:

* ``post``: the brand's own post or ad offends (people reply to it: today's default);
* ``misconduct``: a part-time worker's video from a store kitchen, reposted (with the video)
  until the news picks it up; few replies to the brand.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

KINDS = ("post", "misconduct", "mixed")
#: The default share of negative ordinary mentions (see ``SimulationConfig.negative_share``).
DEFAULT_NEGATIVE_SHARE = 0.12

PRODUCTS_EN = (
    "latte", "cold brew", "matcha latte", "espresso", "croissant", "bagel", "muffin",
    "sandwich", "salad", "smoothie", "hot chocolate", "cheesecake", "chai", "frappe", "donut",
    "wrap", "soup", "cookie", "brownie", "iced tea", "flat white", "scone", "panini",
)  # fmt: skip
PRODUCTS_JA = (
    "ラテ", "抹茶ラテ", "エスプレッソ", "クロワッサン", "ベーグル", "マフィン", "サンドイッチ",
    "サラダ", "スムージー", "ココア", "チーズケーキ", "チャイ", "フラペチーノ", "ドーナツ",
    "スープ", "クッキー", "ブラウニー", "スコーン", "カフェモカ",
)  # fmt: skip
STORES_EN = (
    "Shibuya", "Shinjuku", "Umeda", "Sapporo", "Hakata", "Nagoya", "Sendai", "Yokohama",
    "Kobe", "Kyoto", "airport", "station", "downtown", "mall", "campus",
)  # fmt: skip
STORES_JA = (
    "渋谷店", "新宿店", "梅田店", "札幌店", "博多店", "名古屋店", "仙台店", "横浜店", "神戸店",
    "京都店", "空港店", "駅前店", "池袋店", "天神店", "大宮店",
)  # fmt: skip
#: Everyday complaint topics: (English words, Japanese words) shared by many complaints.
COMPLAINTS = (
    (("delivery", "late", "order"), ("配達", "遅延", "注文")),
    (("price", "expensive", "raised"), ("値上げ", "価格", "高い")),
    (("closed", "store", "early"), ("閉店", "営業時間", "早い")),
    (("app", "crashed", "login"), ("アプリ", "不具合", "ログイン")),
    (("queue", "wait", "slow"), ("行列", "待ち時間", "遅い")),
    (("cold", "stale", "quality"), ("品質", "冷めて", "微妙")),
    (("wrong", "order", "missing"), ("注文", "間違い", "足りない")),
    (("staff", "rude", "service"), ("店員", "接客", "態度")),
    (("points", "coupon", "expired"), ("ポイント", "クーポン", "期限切れ")),
)
LAUNCH_EN = (
    "pumpkin spice", "sakura", "yuzu", "hojicha", "caramel crunch", "mango", "black sesame",
    "peach", "chestnut", "strawberry", "lemon", "honey", "coconut", "pistachio", "salted caramel",
)  # fmt: skip
LAUNCH_JA = (
    "さくら", "ゆず", "ほうじ茶", "マンゴー", "黒ごま", "白桃", "栗", "いちご", "レモン",
    "はちみつ", "ココナッツ", "ピスタチオ", "塩キャラメル", "紅茶", "焼き芋",
)  # fmt: skip
#: Incident words of a ``post`` storm: what was posted, what it is called, whom it hurt.
POST_WHAT = (
    ("ad", "広告"), ("commercial", "ＣＭ"), ("poster", "ポスター"), ("campaign", "キャンペーン"),
    ("joke", "冗談"), ("mascot", "マスコット"), ("slogan", "キャッチコピー"), ("cartoon", "漫画"),
    ("tweet", "投稿"), ("video", "動画"),
)  # fmt: skip
POST_HOW = (
    ("sexist", "女性蔑視"), ("racist", "差別的"), ("insensitive", "不謹慎"),
    ("tone-deaf", "無神経"), ("offensive", "失礼"), ("tasteless", "悪趣味"),
    ("disrespectful", "侮辱的"), ("creepy", "気持ち悪い"),
)  # fmt: skip
POST_WHOM = (
    ("women", "女性"), ("disaster victims", "被災者"), ("nurses", "看護師"),
    ("teachers", "教師"), ("farmers", "農家"), ("students", "学生"), ("the elderly", "高齢者"),
    ("single mothers", "シングルマザー"), ("workers", "労働者"),
)  # fmt: skip
MIS_WHO = (
    ("part-timer", "バイト"),
    ("employee", "店員"),
    ("worker", "従業員"),
    ("crew member", "アルバイト"),
)
MIS_WHERE = (
    ("kitchen", "厨房"),
    ("freezer", "冷凍庫"),
    ("fridge", "冷蔵庫"),
    ("sink", "シンク"),
    ("fryer", "フライヤー"),
)
MIS_WHAT = (
    ("licking the straws", "ストローを舐める"), ("playing with the ice", "氷で遊ぶ"),
    ("throwing the buns", "パンを投げる"), ("stepping on the dough", "生地を踏む"),
    ("sitting in the sink", "シンクに座る"),
    ("putting his face in the cream", "クリームに顔を入れる"),
)  # fmt: skip

_EN_POS: tuple[str, ...] = (
    "Just tried the {p} from {b}, pretty good",
    "Loving the {p} from {b} this season",
    "{b} {s} store staff were lovely today, great {p}",
    "Best {p} in town is at {b} {s}",
    "{b} customer service sorted my order quickly, thanks",
    "Treated myself to a {p} and a {p2} at {b}",
)
_EN_NEU: tuple[str, ...] = (
    "Anyone know when {b} {s} opens on Sunday?",
    "Is the {p} at {b} vegan?",
    "{b} {s} is busy again, grabbing a {p}",
    "Meeting a friend at {b} near the {s} later",
    "Does {b} still do the {p}?",
    "Saw the new {b} ad on the train",
)
_EN_NEG: tuple[str, ...] = (
    "My {b} {c0} was so {c1} again, the {c2} is a joke",
    "{b} {c0} {c1} for the third time this month",
    "Honestly {b}, the {c0} is getting ridiculous. {c1} {c2}",
    "Meh, the {p} from {b} was a bit bland today",
    "{b} {s}: {c0} {c1}, not happy",
    "Why is the {b} {c0} always {c1}?",
)
_JA_POS: tuple[str, ...] = (
    "{b}の新しい{p}おいしかった",
    "{b}{s}の店員さん感じよかった、{p}最高",
    "{b}の{p}と{p2}でご褒美",
    "今日も{b}の{p}に癒される",
    "{b}のサポート対応が早くて助かった",
)
_JA_NEU: tuple[str, ...] = (
    "{b}{s}って日曜日何時から開いてる？",
    "{b}の{p}ってまだある？",
    "{b}{s}混んでる、{p}だけ買う",
    "{b}の広告を電車で見た",
    "あとで{b}{s}で待ち合わせ",
)
_JA_NEG: tuple[str, ...] = (
    "{b}の{c0}がまた{c1}、{c2}どうなってるの",
    "{b}{s}、{c0}{c1}で最悪",
    "今日の{b}の{p}はちょっと微妙だった",
    "{b}の{c0}、{c1}すぎて無理",
    "また{b}の{c0}…{c2}ひどい",
)
_EN_LAUNCH: tuple[str, ...] = (
    "The new {n} {p} at {b} is amazing",
    "Trying the {n} {p} from {b} today",
    "{b} {n} season is here! #{tag}",
    "Is the {n} {p} at {b} worth it?",
    "Got the {n} {p} at {b} {s}, not bad",
)
_JA_LAUNCH: tuple[str, ...] = (
    "{b}の{n}{p}おいしい！",
    "{b}の新作{n}{p}飲んでみた",
    "{b}の{n}シーズン始まった #{tag}",
    "{b}の{n}{p}ってどう？",
)
_EN_LAUNCH_NEG: tuple[str, ...] = (
    "The new {n} {p} at {b} is way too sweet",
    "{b} {n} {p} sold out already?",
)
_JA_LAUNCH_NEG: tuple[str, ...] = ("{b}の{n}{p}甘すぎ", "{b}の{n}{p}もう売り切れ？")
_EN_JOB: tuple[str, ...] = (
    "{b} {s} is hiring part-timers! See the kitchen tour video",
    "A day in the {b} kitchen as a crew member (video)",
)
_JA_JOB: tuple[str, ...] = (
    "{b}{s}でバイト募集中、厨房の紹介動画あり",
    "{b}の厨房スタッフの一日を動画で紹介",
)
_EN_POST: tuple[str, ...] = (
    "Did {b} really post that {w}? Unbelievable",
    "{b} needs to apologise for that {h} {w} right now",
    "Boycott {b}. That {w} about {m} was disgusting",
    "Wow {b}, a {h} {w}? Read the room",
    "Screenshot before {b} deletes the {w}",
    "How is that {w} not {h}? {b} mocking {m} is a new low",
    "{b} thinks {m} are a joke. {h} and lazy",
    "Who at {b} approved this {w}? Deeply {h}",
)
_JA_POST: tuple[str, ...] = (
    "{b}の{w}ひどすぎる、最低",
    "{b}は{m}をバカにした{w}について謝罪すべき",
    "{b}炎上してる…{w}消される前にスクショ",
    "これはアウトでしょ、{b}の{w}は{h}",
    "{b}の{w}、{m}に対して{h}すぎる",
    "{h}な{w}を出す{b}、二度と買わない",
)
_EN_POST_NEU: tuple[str, ...] = (
    "What happened with the {b} {w}?",
    "Everyone's talking about the {b} {w}, context?",
)
_JA_POST_NEU: tuple[str, ...] = ("{b}の{w}って何があったの？", "{b}の{w}の件、経緯が知りたい")
_EN_MIS: tuple[str, ...] = (
    "A {b} {who} filmed {what} in the {where} at the {s} store. Disgusting",
    "This video of a {b} {who} in the {where} is gross. Never eating there again",
    "{b} {who} {what} on video?? At {s}?",
    "Just saw the {where} video from {b} {s}. Who lets this happen",
    "{b} needs to close the {s} store after that {where} video",
    "Reposting so {b} can't ignore it: {who} {what}",
)
_JA_MIS: tuple[str, ...] = (
    "{b}{s}のバイトが{where}で{what}動画、最悪",
    "{b}の{where}動画やばい、{what}とか無理",
    "{b}{s}の{who}の動画見た？二度と行かない",
    "{b}はこの{where}の動画の件説明して",
    "バイトテロじゃん…{b}{s}の{who}",
)
_EN_MIS_NEU: tuple[str, ...] = (
    "What's the {b} {s} video everyone is sharing?",
    "Is that {b} {where} video real?",
)
_JA_MIS_NEU: tuple[str, ...] = ("{b}{s}の動画って本物？", "{b}の{where}の動画って何？")


@dataclass(frozen=True, slots=True)
class _Burst:
    start: datetime
    end: datetime
    share: float  # of the mentions it applies to
    index: int  # launch: the new term; mini-burst: the complaint topic and store


class Voice:
    """Writes the texts of one simulated stream (its own random source)."""

    def __init__(
        self,
        seed: int,
        brand: str,
        start: datetime,
        end: datetime,
        kind: str,
        negative_share: float = DEFAULT_NEGATIVE_SHARE,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown storm kind {kind!r}; use one of: {', '.join(KINDS)}")
        # A launch takes the same number of mentions, with the same mix (12 % negative),
        # whatever the watch's usual negative share s: a non-negative mention is a launch's
        # with probability share * 0.88 / (1 - s) (at most 1), a negative one with
        # probability share * 0.12 / s. Both factors are exactly 1 at the default share.
        d = DEFAULT_NEGATIVE_SHARE
        self.launch_other = (1.0 - d) / (1.0 - negative_share)
        self.launch_negative = d / negative_share
        self.rng = rng = random.Random(f"voice-{seed}")
        self.brand = brand
        self.kind = kind if kind != "mixed" else rng.choice(("post", "misconduct"))
        days = (end - start).total_seconds() / 86400.0
        # Launches and campaigns: about one every four days, a day or two each.
        self.launches = [
            _Burst(t, t + timedelta(hours=rng.uniform(24, 48)), rng.uniform(0.15, 0.35), i)
            for i, t in enumerate(_times(rng, start, end, days / 4.0))
        ]
        # Ordinary negative mini-bursts: about one every two days, two to six hours each.
        self.minis = [
            _Burst(t, t + timedelta(hours=rng.uniform(2, 6)), rng.uniform(0.3, 0.6),
                   rng.randrange(len(COMPLAINTS) * len(STORES_EN)))
            for t in _times(rng, start, end, days / 2.0)
        ]  # fmt: skip
        new_terms = rng.sample(range(len(LAUNCH_EN)), k=min(len(LAUNCH_EN), len(self.launches)))
        self.launch_terms = [new_terms[i % len(new_terms)] for i in range(len(self.launches))]
        # The incident's own words, drawn once per storm.
        self.post = (rng.choice(POST_WHAT), rng.choice(POST_HOW), rng.choice(POST_WHOM))
        self.mis = (rng.choice(MIS_WHO), rng.choice(MIS_WHERE), rng.choice(MIS_WHAT))
        self.store = rng.randrange(len(STORES_EN))

    def ordinary(self, ts: datetime, ja: bool, sentiment: str) -> tuple[str, tuple[str, ...]]:
        """Text and media of an ordinary mention."""
        rng = self.rng
        if rng.random() < 0.002:  # an innocent kitchen video (a job ad, a shop tour)
            return self._fill(rng.choice(_JA_JOB if ja else _EN_JOB), ja), ("video",)
        launch = _active(self.launches, ts)
        neg = sentiment == "negative"
        factor = self.launch_negative if neg else self.launch_other
        if launch is not None and rng.random() < launch.share * factor:
            n = self.launch_terms[launch.index]
            pool = (
                (_JA_LAUNCH_NEG if neg else _JA_LAUNCH)
                if ja
                else (_EN_LAUNCH_NEG if neg else _EN_LAUNCH)
            )
            name = LAUNCH_JA[n] if ja else LAUNCH_EN[n]
            tag = f"{self.brand}{LAUNCH_EN[n].title().replace(' ', '')}"
            return self._fill(rng.choice(pool), ja, n=name, tag=tag), ()
        if sentiment == "negative":
            topic = rng.randrange(len(COMPLAINTS))
            store = rng.randrange(len(STORES_EN))
            mini = _active(self.minis, ts)
            if mini is not None and rng.random() < mini.share:
                topic, store = divmod(mini.index, len(STORES_EN))
            return self._complaint(ja, topic, store), ()
        pool = (
            (_JA_POS if ja else _EN_POS)
            if sentiment == "positive"
            else (_JA_NEU if ja else _EN_NEU)
        )
        return self._fill(rng.choice(pool), ja), ()

    def _complaint(self, ja: bool, topic: int, store: int) -> str:
        words = COMPLAINTS[topic][1 if ja else 0]
        order = self.rng.sample(words, k=len(words))
        s = (STORES_JA if ja else STORES_EN)[store]
        return self._fill(
            self.rng.choice(_JA_NEG if ja else _EN_NEG),
            ja,
            s=s,
            c0=order[0],
            c1=order[1],
            c2=order[2],
        )

    def storm(self, ja: bool, sentiment: str, spark: bool) -> tuple[str, tuple[str, ...]]:
        """Text and media of a storm mention."""
        rng = self.rng
        if self.kind == "misconduct":
            who, where, what = (x[1 if ja else 0] for x in self.mis)
            s = (STORES_JA if ja else STORES_EN)[self.store]
            if sentiment == "negative" or spark:
                pool = _JA_MIS if ja else _EN_MIS
            else:
                pool = _JA_MIS_NEU if ja else _EN_MIS_NEU
            text = self._fill(rng.choice(pool), ja, who=who, where=where, what=what, s=s)
            # The spark carries the video; most reposts and quotes carry it along.
            media = ("video",) if spark or rng.random() < 0.6 else ()
            return text, media
        w, h, m = (x[1 if ja else 0] for x in self.post)
        if sentiment == "negative":
            pool = _JA_POST if ja else _EN_POST
        else:
            pool = _JA_POST_NEU if ja else _EN_POST_NEU
        return self._fill(rng.choice(pool), ja, w=w, h=h, m=m), ()

    def _fill(self, template: str, ja: bool, **words: str) -> str:
        rng = self.rng
        products = PRODUCTS_JA if ja else PRODUCTS_EN
        p, p2 = rng.sample(products, 2)
        words.setdefault("s", rng.choice(STORES_JA if ja else STORES_EN))
        return template.format(b=self.brand, p=p, p2=p2, **words)


def _times(rng: random.Random, start: datetime, end: datetime, n: float) -> list[datetime]:
    """About ``n`` random moments in ``[start, end)`` (a Poisson number, uniform times)."""
    count = sum(1 for _ in range(int(n * 4)) if rng.random() < 0.25)
    span = (end - start).total_seconds()
    return sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))


def _active(bursts: list[_Burst], ts: datetime) -> _Burst | None:
    for b in bursts:
        if b.start <= ts < b.end:
            return b
    return None
