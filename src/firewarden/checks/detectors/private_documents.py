"""Documents in an attachment that carry other people's data: receipts, IDs, customer lists.

Matching runs on the folded attachment description (lower case, katakana as hiragana), so
"Receipt", "RECEIPT" and 「レシート」/「ﾚｼｰﾄ」 all match. A description that says the data is
blurred, redacted or masked lowers the concern; one that says it is not keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from firewarden.text.normalize import fold_pattern

_EN_DOCUMENTS = (
    r"receipts?", r"invoices?", r"order (?:slip|form|sheet|confirmation)s?", r"packing slips?",
    r"(?:delivery|shipping|address|mailing|parcel) labels?", r"waybills?", r"airway bills?",
    r"boarding pass(?:es)?", r"passports?", r"driver'?s licen[cs]es?", r"driving licen[cs]es?",
    r"id cards?", r"identity cards?", r"identification cards?", r"residence cards?",
    r"social security (?:card|number)s?", r"(?:credit|debit|bank|payment) cards?",
    r"card numbers?", r"(?:customer|client|member|guest|patient|user) (?:list|database|records?|"
    r"data|details|info(?:rmation)?|names|spreadsheet|file|addresses)",
    r"spreadsheets? (?:of|with) (?:customers|clients|members|guests|orders)",
    r"(?:reservation|booking|guest|mailing) lists?", r"crm", r"pay ?slips?",
    r"medical (?:records?|charts?)", r"health insurance cards?", r"prescriptions?",
    r"screen(?:shot)?s? (?:of|showing|with) (?:the )?(?:customer|client|order|member|user)s?'?",
    r"(?:names and|home) addresses", r"name tags?", r"student id", r"employee id",
)  # fmt: skip
_JA_DOCUMENTS = (
    "レシート", "領収書", "領収証", "請求書", "納品書", "伝票", "送り状", "宛名",
    "配送ラベル", "宅配便のラベル", "搭乗券", "パスポート", "旅券", "免許証", "運転免許",
    "保険証", "マイナンバー", "個人番号カード", "在留カード", "住民票", "学生証", "社員証",
    "クレジットカード", "カード番号", "顧客リスト", "顧客名簿", "名簿", "顧客情報",
    "顧客データ", "会員情報", "会員リスト", "予約表", "予約台帳", "予約リスト", "個人情報",
    "カルテ", "診察券", "処方箋", "注文書", "注文票", "給与明細",
)  # fmt: skip
_EN_REDACTED = (
    r"blurred", r"blurred out", r"redacted", r"masked", r"pixelated", r"pixellated",
    r"censored", r"obscured", r"blacked out", r"covered", r"hidden", r"cropped out",
)  # fmt: skip
_JA_REDACTED = (
    "モザイク",
    "黒塗り",
    "ぼかし",
    "ボカシ",
    "伏せ",
    "マスキング",
    "加工済",
    "隠し",
    "隠して",
)
_NOT_REDACTED = re.compile(
    r"(?:not|n't|without|no|un-?)\s?(?:yet\s)?(?:blur|redact|mask|pixel|censor|obscur|cover|hid)"
    r"|"
    + "|".join(
        re.escape(fold_pattern(w))
        for w in (
            "モザイクなし",
            "モザイク無し",
            "ぼかしなし",
            "未加工",
            "加工なし",
            "そのまま",
            "丸見え",
        )
    )
)


def _compile(en: tuple[str, ...], ja: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(en)
    kana = "|".join(re.escape(fold_pattern(w)) for w in ja)
    return re.compile(rf"(?<![a-z0-9])(?:{words})(?![a-z0-9])|{kana}")


_DOCUMENTS = _compile(_EN_DOCUMENTS, _JA_DOCUMENTS)

#: Personal data said to be readable in the picture, whatever the document: "a whiteboard with
#: the customers' names and phone numbers visible", 「差出人の住所と電話番号が写っている」.
_EN_DATA = (
    r"(?:home |full |postal |e-?mail )?addresse?s?", r"phone numbers?", r"telephone numbers?",
    r"mobile numbers?", r"e-?mail addresses", r"contact details", r"full names?",
    r"(?:customers?|clients?|guests?|patients?|members?|people)'?s? names?", r"license plates?",
    r"licence plates?", r"number plates?",
)  # fmt: skip
_JA_DATA = (
    "住所",
    "電話番号",
    "携帯番号",
    "氏名",
    "名前",
    "連絡先",
    "メールアドレス",
    "ナンバープレート",
)
_EN_VISIBLE = (
    r"visible", r"readable", r"legible", r"shown", r"showing", r"can be read", r"can be seen",
    r"in full view", r"in the background", r"clearly", r"zoomed",
)  # fmt: skip
_JA_VISIBLE = (
    "写って",
    "写り込",
    "映って",
    "映り込",
    "見えて",
    "見える",
    "読める",
    "読み取れ",
    "載って",
)
_DATA_SHOWN = re.compile(
    rf"(?:{_compile(_EN_DATA, _JA_DATA).pattern})(?:[^.。\n]{{0,40}}?)"
    rf"(?:{_compile(_EN_VISIBLE, _JA_VISIBLE).pattern})"
    rf"|(?:{_compile(_EN_VISIBLE, _JA_VISIBLE).pattern})(?:[^.。\n]{{0,30}}?)"
    rf"(?:{_compile(_EN_DATA, _JA_DATA).pattern})"
)
_REDACTED = _compile(_EN_REDACTED, _JA_REDACTED)


@dataclass(frozen=True, slots=True)
class DocumentMention:
    #: Span in the folded text.
    start: int
    end: int
    redacted: bool


def find_documents(folded: str) -> list[DocumentMention]:
    """Documents carrying personal data named in a folded attachment description."""
    found = [m.span() for m in _DOCUMENTS.finditer(folded)]
    found += [m.span() for m in _DATA_SHOWN.finditer(folded)]
    if not found:
        return []
    redacted = bool(_REDACTED.search(folded)) and not _NOT_REDACTED.search(folded)
    return [DocumentMention(s, e, redacted) for s, e in found]
