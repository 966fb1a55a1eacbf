"""Telephone numbers in Japanese, North American and international notation.

Matching runs on :func:`~firewarden.checks.detectors.narrow_text.narrow` text, so full-width
digits and dashes count. Numbers are recognised by their structure (where the separators
are, which leading digits and lengths are valid), which keeps dates (``2024-03-11``), times
(``10:00-18:00``), prices, postal codes, years and ISBNs out without a list of exceptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Not glued to a word, an amount, a path or another number.
_BEFORE = r"(?<![0-9A-Za-z_@/#+.,$¥€£=-])(?<!\d:)"
_AFTER = r"(?![0-9A-Za-z_@/=-]|[.,:]\d)"

#: Japanese domestic numbers: 0 + area code + local number, separated by hyphens or an area
#: code in parentheses ("03-1234-5678", "(03)1234-5678", "0120-123-456").
_JP = re.compile(
    _BEFORE
    + r"(?:\(0\d{1,4}\)\s?\d{1,4}-\d{3,4}|0\d{1,4}\(\d{1,4}\)\d{3,4}"
    + r"|0\d{1,4}[- ]\d{1,4}[- ]\d{3,4})"
    + _AFTER
)
#: Japanese mobile and IP-phone numbers written without separators ("09012345678").
_JP_PLAIN = re.compile(_BEFORE + r"0[5789]0\d{8}" + _AFTER)
#: North American numbers: NXX area code and exchange ("(415) 555-0100", "1-800-555-0199").
_NANP = re.compile(
    _BEFORE + r"(?:1[ .-]?)?(?:\([2-9]\d\d\)\s?|[2-9]\d\d[ .-])[2-9]\d\d[ .-]\d{4}" + _AFTER
)
#: International notation: "+" and a country code, then groups ("+81 90-1234-5678").
_INTL = re.compile(
    r"(?<![0-9A-Za-z_+])\+\s?\d{1,3}(?:[ .-]?\(0\)|[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,5}"
    + _AFTER
)
#: A cheap first look: is there any run of digits and separators long enough to be a number?
_MAYBE = re.compile(r"\d[\d ().-]{6,}\d")
#: Words just before a number that say it is not a phone number.
_NOT_PHONE = re.compile(
    r"(?:order|invoice|receipt|tracking|ref(?:erence)?|isbn|issn|sku|serial|model|item|"
    r"account|acct|no\.|id|#|注文|伝票|追跡|型番|品番|番号|会員|予約|受付|口座)\W{0,3}$",
    re.IGNORECASE,
)
_PHONE_CUE = re.compile(r"(?:tel|phone|call|fax|mobile|cell|電話|携帯|連絡先|tel\.)", re.IGNORECASE)

_JP_TOLL_FREE = ("0120", "0800", "0570")
_NANP_TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    start: int
    end: int
    #: "jp-mobile", "jp-landline", "jp-toll-free", "nanp", "nanp-toll-free", "international"
    kind: str


def find_phone_numbers(narrowed: str) -> list[PhoneNumber]:
    """Phone numbers in a narrowed text, left to right, without overlaps."""
    if not _MAYBE.search(narrowed):
        return []
    found: list[PhoneNumber] = []
    for pattern, classify in (
        (_INTL, _classify_international),
        (_JP, _classify_japanese),
        (_JP_PLAIN, _classify_japanese),
        (_NANP, _classify_nanp),
    ):
        for m in pattern.finditer(narrowed):
            if any(p.start < m.end() and m.start() < p.end for p in found):
                continue
            kind = classify(re.sub(r"\D", "", m.group()), m.group())
            if kind and not _labelled_otherwise(narrowed, m.start()):
                found.append(PhoneNumber(m.start(), m.end(), kind))
    found.sort(key=lambda p: p.start)
    return found


def _labelled_otherwise(text: str, start: int) -> bool:
    before = text[max(0, start - 16) : start]
    return bool(_NOT_PHONE.search(before)) and not _PHONE_CUE.search(before)


def _classify_japanese(digits: str, raw: str) -> str:
    if digits.startswith(_JP_TOLL_FREE):
        return "jp-toll-free" if len(digits) in (10, 11) else ""
    if digits[:3] in ("050", "070", "080", "090"):
        return "jp-mobile" if len(digits) == 11 else ""
    # Landlines: ten digits, the area code not starting 00 (international prefix).
    if len(digits) == 10 and digits[1] != "0":
        return "jp-landline"
    return ""


def _classify_nanp(digits: str, raw: str) -> str:
    national = digits[1:] if len(digits) == 11 else digits
    if len(national) != 10:
        return ""
    return "nanp-toll-free" if national[:3] in _NANP_TOLL_FREE else "nanp"


def _classify_international(digits: str, raw: str) -> str:
    # "+81 (0)3-..." carries the domestic trunk 0 in parentheses; it is not dialled.
    if "(0)" in raw:
        digits = re.sub(r"\D", "", raw.replace("(0)", "", 1))
    if digits.startswith("81"):
        return _classify_japanese("0" + digits[2:].removeprefix("0"), raw)
    if digits.startswith("1"):
        return _classify_nanp(digits, raw) if digits[1:2] in tuple("23456789") else ""
    # E.164 allows up to 15 digits; fewer than 8 is a code, not a number.
    return "international" if 8 <= len(digits) <= 15 else ""
