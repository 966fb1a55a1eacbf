"""A prior for the Japanese model: words that are offensive in almost any brand post.

The Japanese training data is small (a few hundred comments), so the model cannot learn the
whole vocabulary of abuse from it; this list gives it the common slurs, insults, threats and
vulgar words, and training learns how much one such word weighs. Words are matched on the
folded text (katakana folded to hiragana). Katakana in a word here must be katakana in the
draft too, and short katakana words must stand alone (``カス`` the insult, not
``かす`` in ``生かす`` nor ``カス`` in ``カスタード``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from firewarden.text.normalize import Folded, fold_pattern

# Insults, threats, slurs, vulgar and discriminatory words; grouped by kind for reviewers.
JA_TERMS: tuple[str, ...] = (
    # threats and wishes of death
    "死ね", "氏ね", "タヒね", "市ね", "殺す", "殺してやる", "ぶっ殺", "ぶち殺",
    "殺すぞ", "くたばれ", "消えろ", "失せろ", "地獄に落ちろ", "地獄へ堕ちろ", "堕ちろ",
    "自殺しろ", "首吊れ", "氏んで",
    # insults
    "バカ", "馬鹿", "ばかやろう", "アホ", "あほ", "阿呆", "ボケ", "クソ", "糞", "カス",
    "クズ", "屑", "キモい", "きもい", "きしょい", "きっしょ", "気持ち悪い",
    "ブス", "デブ", "ハゲ", "禿げ", "ウザい", "うざい", "うぜえ", "うぜー", "黙れ",
    "ふざけんな", "ざまあ", "ざまぁ", "負け組", "低能", "無能", "底辺", "雑魚", "ザコ", "乞食",
    "老害", "ジジイ", "ババア", "くそじじい", "くそばばあ", "役立たず", "害虫", "寄生虫",
    "ゴキブリ", "頭おかしい", "頭悪い", "頭わるい", "池沼", "ガイジ", "害児",
    "キチガイ", "きちがい", "基地外", "気違い", "ダサい",
    "お前ら", "てめえ", "テメェ", "貴様", "ムカつく", "むかつく",
    "ぶっ飛ばす", "しばくぞ", "チンカス", "ヤリマン", "ヤリチン", "メンヘラ",
    # slurs and discrimination
    "チョン", "支那", "シナ人", "土人", "朝鮮人は", "在日は", "ホモ野郎", "オカマ",
    "売女", "ビッチ", "障害者は", "つんぼ", "びっこ", "部落", "穢多",
    "非国民", "売国奴", "ネトウヨ", "パヨク", "低学歴", "貧乏人", "女のくせに", "女は黙って",
    "移民のくせに", "ガキ",
    # vulgar and obscene
    "まんこ", "ちんこ", "ちんちん", "ちんぽ", "うんこ", "セックス", "オナニー",
    "レイプ", "エロ", "ヤらせ", "おっぱい", "乳揉",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Spelling:
    #: For each character of the word, whether it must be written in katakana.
    katakana: tuple[bool, ...]
    #: A short all-katakana word must also stand alone (not inside a longer katakana word).
    alone: bool


def _is_katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f"


def _compile() -> tuple[re.Pattern[str], dict[str, list[_Spelling]]]:
    spellings: dict[str, list[_Spelling]] = {}
    for term in JA_TERMS:
        key = fold_pattern(term)
        mask = tuple(_is_katakana(ch) for ch in term) if len(key) == len(term) else ()
        alone = len(term) <= 3 and all(mask) and bool(mask)
        spellings.setdefault(key, []).append(_Spelling(mask, alone))
    alternation = "|".join(re.escape(k) for k in sorted(spellings, key=len, reverse=True))
    return re.compile(alternation), spellings


_PATTERN, _SPELLINGS = _compile()


def _written_as(folded: Folded, start: int, spelling: _Spelling) -> bool:
    """Whether the draft writes the word at ``start`` in the spelling's script."""
    original, source = folded.original, folded.source
    for i, must in enumerate(spelling.katakana):
        if must and not _is_katakana(original[source[start + i]]):
            return False
    if spelling.alone:
        first = source[start]
        last = source[start + len(spelling.katakana) - 1]
        if first > 0 and _is_katakana(original[first - 1]):
            return False
        if last + 1 < len(original) and _is_katakana(original[last + 1]):
            return False
    return True


def ja_lexicon_hits(folded: Folded) -> list[tuple[int, int]]:
    """Spans (in the folded text) of lexicon words in a Japanese text.

    Katakana in a lexicon word must be katakana in the draft too (``ダサい`` is not the
    ``ださい`` in ``ください``), and a short all-katakana word must stand alone.
    """
    hits: list[tuple[int, int]] = []
    for m in _PATTERN.finditer(folded.text):
        if any(_written_as(folded, m.start(), sp) for sp in _SPELLINGS[m.group()]):
            hits.append(m.span())
    return hits


def lexicon_count(folded: Folded) -> int:
    """The lexicon feature's value: lexicon words found, counting at most two."""
    return min(len(ja_lexicon_hits(folded)), 2)
