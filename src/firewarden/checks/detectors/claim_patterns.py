"""Patterns for marketing claims, compiled once over folded text (see :mod:`.claims`).

Folded text is lower case with katakana as hiragana, so Japanese cues are written here in
their usual script and folded with :func:`fold_pattern` before compiling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from firewarden.checks.detectors.narrow_text import has_japanese
from firewarden.text.normalize import fold_pattern


def ja(*words: str) -> str:
    """An alternation of Japanese literals, folded as drafts are."""
    return "|".join(re.escape(fold_pattern(w)) for w in words)


def words(*patterns: str) -> re.Pattern[str]:
    """Compile English alternatives that must stand as whole words; see :func:`matches`.

    The left word boundary is checked by :func:`matches`, not by a lookbehind: a pattern that
    starts with a lookbehind or ``\\b`` loses the regex engine's first-character scan and runs
    about three times slower.
    """
    return re.compile(rf"(?:{'|'.join(patterns)})(?![a-z0-9])")


def matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in folded ``text`` that do not start inside an English word."""
    for m in pattern.finditer(text):
        i = m.start()
        if i and text[i].isascii() and text[i].isalnum():
            prev = text[i - 1]
            if prev.isascii() and prev.isalnum():
                continue
        yield m


# --- absolute and guarantee claims ------------------------------------------------------------

#: Efficacy stems a Japanese absolute (絶対, 必ず, 100%) attaches to.
_JA_EFFECTS = (
    "痩せ", "やせ", "効果", "効", "治", "儲か", "稼げ", "消え", "落ち", "成功", "改善",
    "若返", "生え", "伸び", "受か", "合格", "白くな", "細くな", "なくな", "取れ", "解消",
)  # fmt: skip
_JA_ABSOLUTE = (
    r"(?:絶対に?|必ず|確実に|完全に|100%|誰でも(?:簡単に)?|一発で|"
    + ja("飲むだけで", "食べるだけで", "塗るだけで", "貼るだけで", "着るだけで")
    + ")"
)
_JA_GUARANTEES = (
    "効果を保証", "効果保証", "効果は保証", "効果抜群", "効果てきめん", "副作用なし",
    "副作用がない", "副作用ゼロ",
)  # fmt: skip
GUARANTEE_JA = re.compile(
    rf"{_JA_ABSOLUTE}[^。！？!?\n]{{0,6}}?(?:{ja(*_JA_EFFECTS)})[\u3041-\u3096]{{0,3}}"
    rf"|{ja(*_JA_GUARANTEES)}"
)
#: Guarantees about the body are health claims too, and weigh more.
BODILY = re.compile(
    r"cure|heal|lose|burn|weight|slim|thin|grow|erase|clear|whiten|"
    + ja("痩せ", "やせ", "治", "効", "若返", "生え", "白くな", "細くな")
)
GUARANTEE_EN = words(
    r"100 ?% (?:guaranteed|effective|safe|proven|success(?:ful)?|results?|risk[- ]free|"
    r"satisfaction|natural cure|cure)",
    r"guaranteed (?:results|weight loss|to (?:work|lose|cure|heal|grow|remove|fix|succeed|"
    r"burn|erase|eliminate|clear|whiten|double|triple|make you (?:rich|thin|slim)))",
    r"results? guaranteed", r"works every (?:single )?time",
    r"never fails?(?! (?:to|of)\b)",
    r"works for everyone", r"(?:zero|no) side[- ]effects", r"instant results",
    r"permanent(?:ly)? (?:results|removal|cure|weight loss)", r"risk[- ]free results",
)  # fmt: skip
#: Words (folded tokens) one of which every GUARANTEE_EN match contains: a cheap first look.
GUARANTEE_EN_WORDS = frozenset((
    "100", "guaranteed", "result", "results", "works", "never", "zero", "no", "instant",
    "permanent", "permanently", "risk",
))  # fmt: skip

_JA_SUPERLATIVES = (
    "日本一", "世界一", "業界一", "地域一", "業界no.1", "業界ナンバーワン", "業界初", "世界初",
    "日本初", "史上最高", "史上初", "ナンバーワン", "ナンバー1", "売上no.1", "売上げno.1",
    "満足度no.1", "人気no.1", "業界最安", "日本最安", "最安値", "業界最高", "最高品質",
)  # fmt: skip
SUPERLATIVE_JA = re.compile(ja(*_JA_SUPERLATIVES) + r"|no\. ?1(?![0-9])")
SUPERLATIVE_EN = words(
    r"best in the (?:world|country|nation|industry|universe)", r"world['’]?s (?:best|greatest)",
    r"(?:world['’]?s|america['’]?s|japan['’]?s|uk['’]?s) (?:no\.? ?1|#1|number one)",
    r"(?:no\.? ?1|#1|number one) (?:in (?:the )?(?:world|country|industry|japan|america|us|uk)"
    r"|brand|rated|selling|seller|choice|recommended)",
    r"(?:best|top)[- ]selling", r"unbeatable (?:prices?|value|deals?|quality)",
    r"the only (?:product|brand|formula|supplement) that",
)  # fmt: skip
SUPERLATIVE_EN_WORDS = frozenset((
    "best", "world", "america", "japan", "uk", "world's", "worlds", "america's", "japan's",
    "uk's", "no", "#1", "number", "top", "unbeatable", "only",
))  # fmt: skip
#: Signs that a claim cites its basis (※1, *, a survey, a source).
SOURCE = re.compile(
    r"※|\*|\[\d+\]|(?<![a-z])(?:source|according to|survey|study|studies|research|published|"
    r"journal|doi|data from|as of|based on)(?![a-z])|" + ja("調べ", "出典", "調査", "根拠")
)

# --- health claims ----------------------------------------------------------------------------

HEALTH_VERB_EN = words(
    r"cur(?:e|es|ed|ing)", r"treat(?:s|ed|ing|ment for)?", r"heal(?:s|ed|ing)?",
    r"prevent(?:s|ed|ing|ion of)?", r"revers(?:e|es|ed|ing)", r"fights?", r"fighting",
    r"kills", r"eliminat(?:e|es|ing)", r"eradicat(?:e|es|ing)",
    r"reliev(?:e|es|ing)", r"relief (?:for|from)", r"protect(?:s|ing)? (?:you )?against",
    r"reduc(?:e|es|ing) (?:the )?risk of", r"lowers", r"lowering", r"lower (?:your|the)",
    r"get rid of", r"clears? up",
    r"remedy for", r"combat(?:s|ing)?", r"beats", r"stops",
    r"wards? off", r"detox(?:es|ify|ifies)?",
)  # fmt: skip
_VERB_STEMS = (
    "cure cures cured curing treat treats treated treating treatment heal heals healed healing "
    "prevent prevents prevented preventing prevention reverse reverses reversed reversing "
    "fights fighting kills eliminate eliminates eliminating eradicate eradicates eradicating "
    "relieve relieves relieving relief protect protects protecting reduce reduces reducing "
    "lowers lowering lower get clear clears remedy combat combats combating beats stops ward "
    "wards detox detoxes detoxify detoxifies"
)
HEALTH_VERB_EN_WORDS = frozenset(_VERB_STEMS.split())
CONDITION_EN = words(
    r"cancers?", r"tumou?rs?", r"diabetes", r"covid(?:-?19)?", r"coronavirus", r"viruses",
    r"flu", r"influenza", r"(?:a|the|common) cold", r"colds", r"infections?", r"bacteria",
    r"alzheimer['’]?s", r"dementia", r"arthritis", r"asthma", r"eczema", r"acne", r"psoriasis",
    r"hypertension", r"(?:high )?blood pressure", r"(?:blood )?sugar levels?", r"cholesterol",
    r"depression", r"anxiety", r"insomnia", r"obesity", r"heart disease",
    r"autism", r"adhd", r"hair loss", r"baldness", r"wrinkles", r"inflammation",
    r"diseases?", r"illness(?:es)?", r"headaches?", r"migraines?", r"constipation",
    r"allerg(?:y|ies)", r"hay fever", r"(?:back|joint|chronic|muscle) pain", r"toxins",
    r"aging", r"ageing", r"immune system", r"fatigue",
)  # fmt: skip
_JA_HEALTH_VERBS = (
    "治る", "治す", "治り", "治ります", "治った", "治療", "完治", "効く", "効きます", "効いた",
    "効果", "効能", "予防", "改善", "消える", "消えた", "消えます", "消す", "防ぐ", "防止",
    "撃退", "解消", "緩和", "下がる", "下げる", "下がった", "抑える", "殺菌", "除去",
    "よくなる", "良くなる", "なくなる", "無くなる",
)  # fmt: skip
HEALTH_VERB_JA = re.compile(ja(*_JA_HEALTH_VERBS))
_JA_CONDITIONS = (
    "がん", "癌", "ガン", "腫瘍", "糖尿病", "高血圧", "血圧", "血糖値", "コレステロール",
    "コロナ", "ウイルス", "ウィルス", "インフルエンザ", "風邪", "花粉症", "アトピー", "ニキビ",
    "にきび", "便秘", "不眠", "うつ", "認知症", "肥満", "病気", "疾患", "症状", "関節痛",
    "腰痛", "頭痛", "肩こり", "冷え性", "シミ", "シワ", "しわ", "薄毛", "抜け毛", "脂肪",
    "炎症", "アレルギー", "感染", "むくみ", "老化", "動脈硬化", "心臓病", "脳卒中",
)  # fmt: skip
CONDITION_JA = re.compile(ja(*_JA_CONDITIONS))

_IMMUNITY_JA = (
    "免疫力アップ", "免疫力up", "免疫力向上", "免疫力を高め", "免疫力を上げ", "免疫力が上が",
    "免疫力強化", "免疫を高め", "抗がん", "抗ガン",
)  # fmt: skip
_ENDORSEMENT_JA = (
    "医師も驚", "医者も驚", "医師も認め", "医者も認め", "医師も絶賛", "医学的に証明",
    "科学的に証明", "臨床試験で証明",
)  # fmt: skip
_SLIMMING_JA = (
    "痩せる", "やせる", "痩せた", "痩せます", "やせます", "痩せられ", "ダイエット効果",
    "脂肪燃焼", "脂肪を燃や", "若返る", "若返り",
)  # fmt: skip

#: Health claims that need no condition nearby: (pattern, severity name, what it claims).
HEALTH_BUZZ: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        words(
            r"boost(?:s|ing)? (?:your )?immun(?:e system|ity)",
            r"immun(?:e|ity)[- ]boost(?:ing|er)?",
            r"immune support",
            r"strengthens? (?:your )?immune",
        ),
        "high",
        "immunity",
    ),
    (words(r"miracle (?:cure|pill|supplement|ingredient|drink)"), "high", "a miracle cure"),
    (
        words(
            r"detox(?:ify|ifies|ifying|es|ing)?",
            r"cleanses? (?:your )?(?:body|liver|blood|system)",
        ),
        "medium",
        "detoxification",
    ),
    (
        words(r"(?:clinically|scientifically|medically) (?:proven|tested|shown)"),
        "medium",
        "clinical proof",
    ),
    (
        words(r"doctors? (?:hate|don['’]?t want you to know|are (?:shocked|stunned))"),
        "medium",
        "medical endorsement",
    ),
    (
        words(
            r"burns? (?:belly )?fat", r"fat[- ]burn(?:ing|er)", r"melts? (?:away )?(?:the )?fat",
            r"lose \d+ ?(?:lbs?|pounds|kg|kilos)", r"reverses? (?:the )?aging",
        ),
        "medium",
        "weight loss",
    ),
    (re.compile(ja(*_IMMUNITY_JA)), "high", "immunity"),
    (
        re.compile(ja("デトックス", "毒素を排出", "血液サラサラ", "血液がサラサラ")),
        "medium",
        "detoxification",
    ),
    (re.compile(ja(*_ENDORSEMENT_JA)), "medium", "medical endorsement"),
    (re.compile(ja(*_SLIMMING_JA)), "medium", "weight loss or rejuvenation"),
)  # fmt: skip


def _combine(japanese: bool) -> re.Pattern[str]:
    """HEALTH_BUZZ entries of one language as one pattern, each in a group ``b<index>``."""
    return re.compile(
        "|".join(
            f"(?P<b{i}>{pattern.pattern})"
            for i, (pattern, _, _) in enumerate(HEALTH_BUZZ)
            if has_japanese(pattern.pattern) == japanese
        )
    )


_BUZZ_STEMS = (
    "boost boosts boosting immune immunity strengthen strengthens miracle detox detoxify "
    "detoxifies detoxifying detoxes detoxing cleanse cleanses clinically scientifically "
    "medically doctor doctors burn burns burning burner fat melt melts lose reverse reverses"
)
BUZZ_EN_WORDS = frozenset(_BUZZ_STEMS.split())
#: HEALTH_BUZZ in one pass per language.
BUZZ_EN = _combine(japanese=False)
BUZZ_JA = _combine(japanese=True)
#: A cited basis for "clinically proven" and similar.
CITATION = re.compile(
    r"\[\d+\]|※|\*|(?<![a-z])(?:study|studies|trial|published|journal|doi|pubmed|source|see)"
    r"(?![a-z])|" + ja("臨床試験", "論文", "出典")
)
SENTENCE_END = re.compile(r"[.!?。！？\n]")
