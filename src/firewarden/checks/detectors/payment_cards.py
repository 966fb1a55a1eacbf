"""Payment card numbers: 13 to 19 digits, Luhn-valid, in a known issuer range.

A number that fails the Luhn check or belongs to no card network is not reported: order
numbers and tracking codes of the same length are common and must not be called cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: 13-19 digits, optionally in groups separated by one space or one hyphen.
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z_.,/-])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z_/]|[.,-]\d)")

#: Issuer identification number ranges: (network, lowest prefix, highest prefix, lengths).
_IIN: tuple[tuple[str, int, int, tuple[int, ...]], ...] = (
    ("Visa", 4, 4, (16, 19)),  # 13-digit Visa is retired; JAN codes look like it
    ("Mastercard", 51, 55, (16,)),
    ("Mastercard", 2221, 2720, (16,)),
    ("American Express", 34, 34, (15,)),
    ("American Express", 37, 37, (15,)),
    ("JCB", 3528, 3589, (16, 17, 18, 19)),
    ("Diners Club", 300, 305, (14, 15, 16, 17, 18, 19)),
    ("Diners Club", 36, 36, (14, 15, 16, 17, 18, 19)),
    ("Diners Club", 38, 39, (16, 17, 18, 19)),
    ("Discover", 6011, 6011, (16, 17, 18, 19)),
    ("Discover", 644, 649, (16, 17, 18, 19)),
    ("Discover", 65, 65, (16, 17, 18, 19)),
    ("UnionPay", 62, 62, (16, 17, 18, 19)),
    ("Maestro", 50, 50, (16, 17, 18, 19)),
    ("Maestro", 56, 58, (16, 17, 18, 19)),
)


@dataclass(frozen=True, slots=True)
class CardNumber:
    start: int
    end: int
    network: str
    last_four: str


def find_card_numbers(narrowed: str) -> list[CardNumber]:
    """Luhn-valid card numbers of a known network in a narrowed text."""
    found = []
    for m in _CANDIDATE.finditer(narrowed):
        raw = m.group()
        # One kind of separator throughout: "4111 1111-1111 1111" is not how cards are written.
        if " " in raw and "-" in raw:
            continue
        digits = raw.replace(" ", "").replace("-", "")
        network = card_network(digits)
        if network and luhn_valid(digits):
            found.append(CardNumber(m.start(), m.end(), network, digits[-4:]))
    return found


def card_network(digits: str) -> str:
    """The card network whose range and lengths ``digits`` fits, or ``""``."""
    for network, low, high, lengths in _IIN:
        width = len(str(low))
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return network
    return ""


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check that every payment card number passes."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
