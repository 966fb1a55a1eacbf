"""Postal addresses: Japanese (〒 codes, prefecture-city-block numbers) and US street addresses.

Matching runs on narrowed original text (see :mod:`.narrow_text`): case matters for US
street names and Japanese needs no folding beyond width. An address is recognised by its
structure (a city or ward followed by block numbers, a house number followed by a street
type), not by lists of places.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

_KANJI = r"\u4e00-\u9fff\u3005"
_KATAKANA = r"\u30a1-\u30fa\u30fc"
_HIRAGANA = r"\u3041-\u3096"
_KANJI_NUM = "一二三四五六七八九十"

_JP_POSTCODE = re.compile(r"(?:〒|郵便番号[:\s]?)\s?\d{3}-?\d{4}(?!\d)")
_JP_STREET = re.compile(
    # Optional prefecture, then a city, ward, town, village or district name ...
    rf"(?:[{_KANJI}]{{2,3}}[都道府県])?"
    rf"[{_KANJI}{_KATAKANA}{_HIRAGANA}]{{1,8}}?[市区町村郡]"
    # ... a block (town) name (digits for Sapporo's 北1条西), never hiragana particles ...
    rf"[{_KANJI}{_KATAKANA}\d]{{0,10}}?"
    # ... and block numbers: 1丁目2番3号, 1丁目2-3, 2番地, 1-2-3, or 1-2 with 号/a building.
    rf"(?:[\d{_KANJI_NUM}]+丁目(?:\s?\d+(?:番地?|-)\d*号?)?"
    r"|\d+番地(?:\d+号?)?"
    r"|\d+番\d+号"
    r"|\d+-\d+-\d+"
    rf"|\d+-\d+(?=号|\s?[{_KATAKANA}{_KANJI}]*(?:ビル|マンション|ハイツ|コーポ|荘|階|号室)))"
)

_STREET_TYPES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|"
    "Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Broadway"
)
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
_CITY_STATE_ZIP = rf"[A-Z][a-z]+(?:\s[A-Z][a-z]+){{0,2}},?\s+(?:{_STATES})\s+\d{{5}}(?:-\d{{4}})?\b"
_US_STREET = re.compile(
    r"(?<![0-9A-Za-z_$#.-])\d{1,6}(?:-\d{1,4})?[A-Z]?\s+"
    r"(?:(?:[NSEW]\.?|North|South|East|West)\s+)?"
    # One to four street-name words, each capitalised (two letters or more) or an ordinal.
    r"(?:(?:[A-Z][A-Za-z'-]+|\d+(?:st|nd|rd|th))\.?\s+){1,4}?"
    rf"(?:{_STREET_TYPES})\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|Room|Rm|#)\.?\s*#?[A-Za-z0-9-]+)?"
    rf"(?:,?\s+{_CITY_STATE_ZIP})?"
)
_US_CITY_ZIP = re.compile(rf"(?<![0-9A-Za-z_])(?:{_CITY_STATE_ZIP})")

# Cheap looks that rule a pattern out before it is run (most posts hold no address).
_STREET_WORDS = frozenset(_STREET_TYPES.lower().split("|"))
_ZIP_GATE = re.compile(r"\d{5}")
_JP_STREET_GATE = re.compile(r"[市区町村郡]")


@dataclass(frozen=True, slots=True)
class Address:
    start: int
    end: int
    #: "jp-postcode", "jp-street", "us-street", "us-city-zip"
    kind: str


def find_addresses(narrowed: str, words: AbstractSet[str]) -> list[Address]:
    """Postal addresses in a narrowed text, left to right, without overlaps.

    ``words`` are the text's folded word tokens, to skip the street pattern cheaply.
    """
    found: list[Address] = []
    for pattern, kind, gate in (
        (_US_STREET, "us-street", _STREET_WORDS),
        (_US_CITY_ZIP, "us-city-zip", _ZIP_GATE),
        (_JP_POSTCODE, "jp-postcode", None),
        (_JP_STREET, "jp-street", _JP_STREET_GATE),
    ):
        if gate is None:
            if "〒" not in narrowed and "郵便番号" not in narrowed:
                continue
        elif isinstance(gate, frozenset):
            if not gate & words:
                continue
        elif not gate.search(narrowed):
            continue
        for m in pattern.finditer(narrowed):
            if not any(a.start < m.end() and m.start() < a.end for a in found):
                found.append(Address(m.start(), m.end(), kind))
    _merge_postcodes(found, narrowed)
    found.sort(key=lambda a: a.start)
    return found


def _merge_postcodes(found: list[Address], text: str) -> None:
    """Join a 〒 code and the street address right after it into one address."""
    codes = [a for a in found if a.kind == "jp-postcode"]
    for code in codes:
        street = next(
            (
                a
                for a in found
                if a.kind == "jp-street"
                and 0 <= a.start - code.end <= 2
                and not text[code.end : a.start].strip("\u3000 ")
            ),
            None,
        )
        if street is not None:
            found.remove(code)
            found.remove(street)
            found.append(Address(code.start, street.end, "jp-street"))
