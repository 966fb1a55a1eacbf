"""Personal data in a draft: e-mail addresses, phone numbers, postal addresses, card numbers,
customers named, celebrities' private visits, and documents shown in the attachment.

Structured data (numbers, addresses, e-mails) is matched on the narrowed original text
(:mod:`.narrow_text`), so offsets are the author's own; documents in the attachment are
matched on the folded description and mapped back with :meth:`Field.span`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from firewarden.checks.detectors.narrow_text import narrow
from firewarden.checks.detectors.payment_cards import find_card_numbers
from firewarden.checks.detectors.people_mentions import find_people
from firewarden.checks.detectors.phone_numbers import find_phone_numbers
from firewarden.checks.detectors.postal_addresses import find_addresses
from firewarden.checks.detectors.private_documents import find_documents
from firewarden.checks.detectors.wording import (
    ADDRESS,
    ADDRESS_PRIVATE,
    CARD,
    CUSTOMER,
    DOCUMENT,
    DOCUMENT_REDACTED,
    EMAIL_PERSONAL,
    EMAIL_ROLE,
    PHONE,
    PHONE_KINDS,
    PHONE_PRIVATE,
    VISIT,
    Wording,
)
from firewarden.checks.draft import Draft, Field
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines
from firewarden.text.normalize import fold_pattern

CATEGORY = "privacy-leak"

_APPI = "個人情報保護法 (Japan: Act on the Protection of Personal Information)"
_PPC = "Personal Information Protection Commission (https://www.ppc.go.jp/en/legal/)"
_PCI = "PCI DSS (https://www.pcisecuritystandards.org/)"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![0-9A-Za-z_.+%-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{{0,63}})"
    # "name@example.com", and the spelled-out evasions "name [at] example [dot] com".
    rf"(?:@|\s?[\[(]\s?at\s?[\])]\s?)(?P<domain>{_LABEL}(?:(?:\.|\s?[\[(]\s?dot\s?[\])]\s?){_LABEL})*"
    rf"(?:\.|\s?[\[(]\s?dot\s?[\])]\s?)[A-Za-z]{{2,24}})(?![0-9A-Za-z_-])",
    re.IGNORECASE,
)
_SPELLED_AT = re.compile(r"[\[(]\s?at\s?[\])]", re.IGNORECASE)


#: Shared mailboxes a company publishes on purpose.
_ROLE_MAILBOX_NAMES = (
    "info support contact contacts hello help press pr media sales service customerservice "
    "customer-service customercare cs care team office admin noreply no-reply inquiry "
    "inquiries enquiries enquiry feedback orders order booking bookings reservations "
    "reservation careers jobs recruit recruiting webmaster marketing news mail store shop "
    "partnerships partners hr privacy legal ir customer customers relations guest guests "
    "services member members desk center centre"
)
_ROLE_MAILBOXES = frozenset(_ROLE_MAILBOX_NAMES.split())
#: Signs that a private person (not the brand) is the subject: their home, their data.
#: 住所は after a place of business (新店舗の住所は, 本社の住所は) is the brand's own address.
_PRIVATE_CUE = re.compile(
    r"\b(?:home address|lives at|live at|living at|residence|his home|her home|their home|"
    r"home is at)\b|自宅|(?<![店舗社場所館]の)住所は|お宅|住んで|実家|家は",
    re.IGNORECASE,
)
#: A person's full name, then the house number of an address: "John Miller of 42 Elm Street".
_NAME_OF_ADDRESS = re.compile(
    r"\b[A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+,?\s+(?:of|lives (?:at|on)|living (?:at|on))\s+\d"
)


class PersonalDataDetector:
    """Finds personal data that should not be published in a brand's post."""

    name = "personal-data"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterator[Finding]:
        brand = guidelines.brand_terms + _folded_brand(draft.context.brand)
        for field in draft.fields:
            yield from self._field_findings(field, brand)

    def _field_findings(self, field: Field, brand: tuple[str, ...]) -> Iterator[Finding]:
        text = narrow(field.original)
        words = field.token_texts()
        people = find_people(text, words)
        phones = find_phone_numbers(text)
        emails = list(_EMAIL.finditer(text)) if _may_hold_email(text) else []
        addresses = find_addresses(text, words)
        # Looked up only when there is contact data that a private person would make worse.
        private = bool(people) or (
            bool(phones or emails or addresses)
            and bool(_PRIVATE_CUE.search(text) or _NAME_OF_ADDRESS.search(text))
        )
        for p in people:
            if p.kind == "visit":
                sev = Severity.HIGH if p.name else Severity.MEDIUM
                yield _finding(
                    field, "privacy.visit-disclosed", sev, p.start, p.end, VISIT, (_APPI,),
                    who_en=f"{p.name}'s" if p.name else "a well-known person's",
                    who_ja=f"「{p.name}」さん" if p.name else "著名人",
                )  # fmt: skip
            else:
                yield _finding(
                    field, "privacy.customer-named", Severity.HIGH, p.start, p.end, CUSTOMER,
                    (_APPI,), name=p.name,
                )  # fmt: skip
        cards = find_card_numbers(text)
        for c in cards:
            yield _finding(
                field, "privacy.payment-card", Severity.CRITICAL, c.start, c.end, CARD,
                (_PCI, _APPI), network=c.network, last4=c.last_four,
            )  # fmt: skip
        for ph in phones:
            if any(c.start < ph.end and ph.start < c.end for c in cards):
                continue
            toll_free = ph.kind.endswith("toll-free")
            sev = Severity.LOW if toll_free else Severity.HIGH if private else Severity.MEDIUM
            kind_en, kind_ja = PHONE_KINDS[ph.kind]
            yield _finding(
                field, "privacy.phone", sev, ph.start, ph.end,
                PHONE_PRIVATE if private and not toll_free else PHONE, (_APPI,),
                kind_en=kind_en, kind_ja=kind_ja,
            )  # fmt: skip
        for m in emails:
            yield _email_finding(field, m, brand, private)
        for a in addresses:
            yield _finding(
                field, "privacy.address", Severity.HIGH if private else Severity.LOW,
                a.start, a.end, ADDRESS_PRIVATE if private else ADDRESS, (_APPI, _PPC),
            )  # fmt: skip
        if field.name == "attachment":
            for d in find_documents(field.text):
                s, e, _ = field.span(d.start, d.end)
                if d.redacted:
                    yield _finding(
                        field, "privacy.attachment-document", Severity.LOW, s, e,
                        DOCUMENT_REDACTED, (_APPI,),
                    )  # fmt: skip
                else:
                    yield _finding(
                        field, "privacy.attachment-document", Severity.HIGH, s, e, DOCUMENT,
                        (_APPI, _PPC),
                    )  # fmt: skip


@lru_cache(maxsize=64)
def _folded_brand(brand: str) -> tuple[str, ...]:
    return (fold_pattern(brand),) if brand.strip() else ()


def _may_hold_email(text: str) -> bool:
    """An "@" glued to a word on its left (a mention's "@" is not), or a spelled-out "[at]"."""
    i = text.find("@")
    while i != -1:
        if i and (text[i - 1].isalnum() or text[i - 1] in "._%+-"):
            return True
        i = text.find("@", i + 1)
    return ("[" in text or "(" in text) and _SPELLED_AT.search(text) is not None


def _email_finding(
    field: Field, m: re.Match[str], brand: tuple[str, ...], private: bool
) -> Finding:
    local = m.group("local").lower()
    domain = re.sub(r"[^a-z0-9]", "", m.group("domain").lower())
    # "customer.relations@", "guest-services@": every part a role word.
    role = local in _ROLE_MAILBOXES or all(
        part in _ROLE_MAILBOXES for part in re.split(r"[._+-]", local)
    )
    own = any(re.sub(r"[^a-z0-9]", "", b) in domain for b in brand)
    sev = Severity.HIGH if private else Severity.LOW if role or own else Severity.MEDIUM
    wording = EMAIL_ROLE if role else EMAIL_PERSONAL
    return _finding(field, "privacy.email", sev, m.start(), m.end(), wording, (_APPI,))


def _finding(
    field: Field,
    rule_id: str,
    severity: Severity,
    start: int,
    end: int,
    wording: Wording,
    references: tuple[str, ...],
    **values: str,
) -> Finding:
    """A privacy finding on ``field.original[start:end]``, worded in the field's language."""
    excerpt = field.original[start:end]
    message, suggestion = wording.render(field.language, excerpt=excerpt, **values)
    return Finding(
        rule_id=rule_id,
        category=CATEGORY,
        severity=severity,
        start=start,
        end=end,
        excerpt=excerpt,
        message=message,
        suggestion=suggestion,
        references=references,
        field=field.name,
        detector=PersonalDataDetector.name,
    )
