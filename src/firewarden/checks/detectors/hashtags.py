"""Hashtags: tags that belong to a movement or tragedy, tags of an active moment, open invitations.

A brand riding a hashtag it does not understand is a classic firestorm (#WhyIStayed with a pizza
joke), and so is an open invitation to the public (#McDStories, #QantasLuxury during a strike).
The meaning of tags comes from the guidelines' ``hashtag_notes`` (built-in and company) and from
shapes such as #PrayFor<Place> (:func:`firewarden.world.hashtag_notes.pattern_note`); the brand's
checked tags are ``vetted_hashtags``, its own names ``brand_terms``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from firewarden.checks.draft import Draft
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines, HashtagNote
from firewarden.text.normalize import fold_pattern
from firewarden.text.tokens import hashtags
from firewarden.world.hashtag_notes import pattern_note
from firewarden.world.moments import Moment

#: Tags that ask the public for their stories about the brand: critics will answer too.
_OPEN_INVITATION = re.compile(
    r"^(?:ask|my|why ?i|tell|share|dear)\w{2,}"
    r"|\w(?:stories|story|memories|moments|experiences?|confessions|meme|questions|fail)$"
    r"|えぴそーど|思い出|体験談"
)
#: What is left of a post that is only hashtags, mentions, links and punctuation.
_NOT_WORDS = re.compile(r"[#@]\w+|https?://\S+|[\W_]+")
_ALNUM = re.compile(r"[\W_]+")
_TAGS = re.compile(r"[#@]\w+")
_HIJACK_REF = "https://en.wikipedia.org/wiki/Hashtag_activism"
_MCDSTORIES_REF = "https://www.metro.us/mcdstories-mcdonalds-gets-fried-in-marketing-backfire/"


class HashtagDetector:
    """Finds hashtags a brand should not ride on, and campaign tags open to hijacking."""

    name = "hashtags"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterable[Finding]:
        out: list[Finding] = []
        if not any("#" in f.text for f in draft.fields):
            return out
        intents = draft.intents
        corporate = draft.context.is_corporate
        own = _own_terms(draft, guidelines)
        # Naming the brand's own product under someone else's tag sells too (#WhyIStayed
        # "You had pizza" from a pizza brand).
        selling = bool(intents & {"promotion", "campaign", "humour"}) or _names_brand(draft, own)
        invitation = "campaign" in intents or not _NOT_WORDS.sub("", draft.text.text)
        crisis = any(m.kind == "crisis" for m in draft.grave_moments)
        for f in draft.fields:
            for tok in hashtags(f.text):
                tag = tok.text
                if tag in guidelines.vetted_hashtags:
                    continue
                start, end, excerpt = f.span(tok.start, tok.end)

                emit = _Emitter(out, f.name, start, end, excerpt)
                note = guidelines.hashtag_notes.get(tag) or pattern_note(tag)
                if note is not None:
                    sev, msg = _note_severity(note, excerpt, selling, "sympathy" in intents)
                    emit("hashtags.known-meaning", "hashtag-hijack", sev, msg,
                         "Use the tag only to serve its cause, never next to a promotion or joke.",
                         (note.reference,) if note.reference else (), (note.kind,))  # fmt: skip
                    continue
                moment = _moment_of(tag, draft.grave_moments)
                if moment is not None:
                    # With sympathy the tag carries the sympathy; riding it is the timing
                    # detector's newsjacking finding, not a hijack of the tag.
                    if selling and "sympathy" not in intents:
                        emit("hashtags.moment-tag", "hashtag-hijack", Severity.HIGH,
                             f"{excerpt} is the hashtag of {moment.label(draft.language)}; "
                             "using it to promote or joke rides on the event.",
                             "Remove the hashtag, or post about the event without selling.",
                             (moment.reference,) if moment.reference else (),
                             (f"{moment.kind}: {moment.name}",))  # fmt: skip
                    continue
                if not corporate:
                    continue
                if invitation:
                    open_ended = bool(_OPEN_INVITATION.search(tag))
                    sev = Severity.HIGH if crisis else (
                        Severity.MEDIUM if open_ended else Severity.LOW)  # fmt: skip
                    why = (
                        "while the company is in a crisis, people angry with it will fill it"
                        if crisis
                        else "anyone can answer it, including critics (#McDStories)"
                    )
                    emit("hashtags.open-invitation", "hashtag-hijack", sev,
                         f"{excerpt} invites the public to post under it: {why}.",
                         "Picture the worst answers under this tag before launching it; "
                         "have replies and a stop plan ready.", (_MCDSTORIES_REF,))  # fmt: skip
                elif not any(t in tag for t in own):
                    emit("hashtags.unvetted", "unvetted-hashtag", Severity.INFO,
                         f"{excerpt} is not on the brand's list of checked hashtags.",
                         "Check what this hashtag is being used for right now before riding it.",
                         (_HIJACK_REF,))  # fmt: skip
        return out


class _Emitter:
    """Appends findings anchored at one hashtag."""

    def __init__(self, out: list[Finding], field: str, start: int, end: int, excerpt: str):
        self.out, self.field, self.start, self.end, self.excerpt = out, field, start, end, excerpt

    def __call__(
        self,
        rule_id: str,
        category: str,
        severity: Severity,
        message: str,
        suggestion: str,
        references: tuple[str, ...] = (),
        evidence: tuple[str, ...] = (),
    ) -> None:
        self.out.append(
            Finding(
                rule_id=rule_id,
                category=category,
                severity=severity,
                start=self.start,
                end=self.end,
                excerpt=self.excerpt,
                message=message,
                suggestion=suggestion,
                references=references,
                field=self.field,
                detector="hashtags",
                evidence=evidence,
            )
        )


def _note_severity(
    note: HashtagNote, excerpt: str, selling: bool, sympathy: bool
) -> tuple[Severity, str]:
    about = (
        f"{excerpt} belongs to {note.meaning}"
        if note.meaning
        else f"{excerpt} is a {note.kind} tag"
    )
    if selling:
        return Severity.HIGH, f"{about}; a promotion or joke under it hijacks it."
    if sympathy and note.kind in ("tragedy", "disaster"):
        return Severity.LOW, f"{about}; make sure the post only offers support."
    return Severity.MEDIUM, f"{about}; make sure the post serves it."


def _moment_of(tag: str, moments: Iterable[Moment]) -> Moment | None:
    """The grave moment (not the company's own crisis) whose topic the tag names (#Sandy)."""
    for m in moments:
        if m.kind == "crisis":
            continue
        for topic in m.topics:
            t = _ALNUM.sub("", topic)
            if t and (t == tag or (len(t) >= 4 and t in tag and t.isascii())):
                return m
    return None


def _names_brand(draft: Draft, own: tuple[str, ...]) -> bool:
    words = set(_ALNUM.split(_TAGS.sub(" ", draft.text.text)))
    return any(t in words for t in own)


def _own_terms(draft: Draft, guidelines: Guidelines) -> tuple[str, ...]:
    names = (*guidelines.brand_terms, draft.context.brand, draft.context.handle.lstrip("@"))
    terms = (_ALNUM.sub("", fold_pattern(n)) for n in names if n)
    return tuple(t for t in terms if len(t) >= 3)
