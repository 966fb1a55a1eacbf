"""Personal data in a draft: e-mail addresses, phone numbers, postal addresses, card numbers,
customers named, celebrities' private visits, and documents shown in the attachment.

Structured data (numbers, addresses, e-mails) is matched on the narrowed original text
(:mod:`.narrow_text`), so offsets are the author's own; documents in the attachment are
matched on the folded description and mapped back with :meth:`Field.span`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from firewarden.checks.detectors.narrow_text import narrow
from firewarden.checks.detectors.payment_cards import find_card_numbers
from firewarden.checks.detectors.people_mentions import find_people
from firewarden.checks.detectors.phone_numbers import find_phone_numbers
from firewarden.checks.detectors.postal_addresses import find_addresses
from firewarden.checks.detectors.private_documents import find_documents
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
    rf"(?<![\w.+%-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{{0,63}})"
    # "name@example.com", and the spelled-out evasions "name [at] example [dot] com".
    rf"(?:@|\s?[\[(]\s?at\s?[\])]\s?)(?P<domain>{_LABEL}(?:(?:\.|\s?[\[(]\s?dot\s?[\])]\s?){_LABEL})*"
    rf"(?:\.|\s?[\[(]\s?dot\s?[\])]\s?)[A-Za-z]{{2,24}})(?![\w-])",
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
_PRIVATE_CUE = re.compile(
    r"\b(?:home address|lives at|live at|living at|residence|his home|her home|their home|"
    r"home is at)\b|自宅|住所は|お宅|住んで|実家|家は",
    re.IGNORECASE,
)

_PHONE_KIND = {
    "jp-mobile": "a Japanese mobile number",
    "jp-landline": "a Japanese phone number",
    "jp-toll-free": "a toll-free or navigation-dial number",
    "nanp": "a North American phone number",
    "nanp-toll-free": "a toll-free number",
    "international": "an international phone number",
}


class PersonalDataDetector:
    """Finds personal data that should not be published in a brand's post."""

    name = "personal-data"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterator[Finding]:
        brand = tuple(t for t in (*guidelines.brand_terms, fold_pattern(draft.context.brand)) if t)
        for field in draft.fields:
            yield from self._field_findings(field, brand)

    def _field_findings(self, field: Field, brand: tuple[str, ...]) -> Iterator[Finding]:
        text = narrow(field.original)
        people = find_people(text)
        phones = find_phone_numbers(text)
        emails = list(_EMAIL.finditer(text)) if "@" in text or _SPELLED_AT.search(text) else []
        addresses = find_addresses(text)
        # Looked up only when there is contact data that a private person would make worse.
        private = bool(people) or (
            bool(phones or emails or addresses) and bool(_PRIVATE_CUE.search(text))
        )
        for p in people:
            yield _people_finding(field, p.start, p.end, p.kind, p.name)
        cards = find_card_numbers(text)
        for c in cards:
            yield self._finding(
                field, "privacy.payment-card", Severity.CRITICAL, c.start, c.end,
                f"This looks like a {c.network} card number ending {c.last_four} (it passes the "
                "card checksum). Publishing it exposes the cardholder to fraud.",
                "Remove the number entirely; never post card details, even partly masked.",
                (_PCI, _APPI),
            )  # fmt: skip
        for ph in phones:
            if any(c.start < ph.end and ph.start < c.end for c in cards):
                continue
            toll_free = ph.kind.endswith("toll-free")
            sev = Severity.LOW if toll_free else Severity.MEDIUM
            if private and not toll_free:
                sev = Severity.HIGH
            excerpt = field.original[ph.start : ph.end]
            yield self._finding(
                field, "privacy.phone", sev, ph.start, ph.end,
                f'"{excerpt}" is {_PHONE_KIND[ph.kind]}'
                + (" next to a private person: publishing it exposes them." if private else
                   ". Unless it is the company's published number, it may be a person's."),
                "Use the company's official published contact number, or link to the contact "
                "page instead of posting a number.",
                (_APPI,),
            )  # fmt: skip
        for m in emails:
            yield self._email_finding(field, m, brand, private)
        for a in addresses:
            sev = Severity.HIGH if private else Severity.LOW
            excerpt = field.original[a.start : a.end]
            yield self._finding(
                field, "privacy.address", sev, a.start, a.end,
                f'"{excerpt}" is a postal address'
                + (" mentioned with a private person (a customer, someone's home): it tells "
                   "the world where they live or were." if private else
                   "; fine for a store's published address, a privacy leak for anyone else's."),
                "Keep private people's addresses out; for a store, link to its official page.",
                (_APPI, _PPC),
            )  # fmt: skip
        if field.name == "attachment":
            yield from self._documents(field)

    def _email_finding(
        self, field: Field, m: re.Match[str], brand: tuple[str, ...], private: bool
    ) -> Finding:
        local = m.group("local").lower()
        domain = re.sub(r"[^a-z0-9]", "", m.group("domain").lower())
        # "customer.relations@", "guest-services@": every part a role word.
        role = local in _ROLE_MAILBOXES or all(
            part in _ROLE_MAILBOXES for part in re.split(r"[._+-]", local)
        )
        own = any(re.sub(r"[^a-z0-9]", "", b) in domain for b in brand)
        sev = Severity.LOW if (role or own) and not private else Severity.MEDIUM
        if private:
            sev = Severity.HIGH
        why = (
            "a shared role mailbox, fine if the company publishes it"
            if role
            else "a personal mailbox unless the company publishes it"
        )
        return self._finding(
            field, "privacy.email", sev, m.start(), m.end(),
            f'"{m.group()}" is an e-mail address: {why}.',
            "Post only the company's official contact address, or link to the contact form.",
            (_APPI,),
        )  # fmt: skip

    def _documents(self, field: Field) -> Iterator[Finding]:
        for d in find_documents(field.text):
            s, e, excerpt = field.span(d.start, d.end)
            if d.redacted:
                yield self._finding(
                    field, "privacy.attachment-document", Severity.LOW, s, e,
                    f'The attachment shows "{excerpt}"; it is described as blurred or masked.',
                    "Check at full size that no name, number, address or code is readable.",
                    (_APPI,),
                )  # fmt: skip
            else:
                yield self._finding(
                    field, "privacy.attachment-document", Severity.HIGH, s, e,
                    f'The attachment shows "{excerpt}", which usually carries names, addresses, '
                    "order or ID numbers of real people.",
                    "Blur or crop out every name, number, address and barcode "
                    "(モザイク/黒塗り), or use a different image.",
                    (_APPI, _PPC),
                )  # fmt: skip

    def _finding(
        self,
        field: Field,
        rule_id: str,
        severity: Severity,
        start: int,
        end: int,
        message: str,
        suggestion: str,
        references: tuple[str, ...],
    ) -> Finding:
        return Finding(
            rule_id=rule_id,
            category=CATEGORY,
            severity=severity,
            start=start,
            end=end,
            excerpt=field.original[start:end],
            message=message,
            suggestion=suggestion,
            references=references,
            field=field.name,
            detector=self.name,
        )


def _people_finding(field: Field, start: int, end: int, kind: str, name: str) -> Finding:
    excerpt = field.original[start:end]
    if kind == "visit":
        sev = Severity.HIGH if name else Severity.MEDIUM
        who = f"{name}'s" if name else "a well-known person's"
        message = (
            f'"{excerpt}" discloses {who} private visit. Announcing that a celebrity or '
            "customer came in (お忍び来店の公表) is a classic firestorm: it breaks their privacy "
            "and suggests the store exploits its guests."
        )
        suggestion = "Do not post about a person's visit unless they agreed to it in writing."
        rule_id = "privacy.visit-disclosed"
    else:
        sev = Severity.HIGH
        message = (
            f'"{excerpt}" names a customer ({name}). Customers have not agreed to be named in '
            "the company's posts, and staff identifying them erodes everyone's trust."
        )
        suggestion = 'Leave the name out ("a customer", 「お客様」) or get written consent first.'
        rule_id = "privacy.customer-named"
    return Finding(
        rule_id=rule_id,
        category=CATEGORY,
        severity=sev,
        start=start,
        end=end,
        excerpt=excerpt,
        message=message,
        suggestion=suggestion,
        references=(_APPI,),
        field=field.name,
        detector=PersonalDataDetector.name,
    )
