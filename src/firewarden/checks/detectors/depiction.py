"""Depiction: wording that is racist only given who the attachment shows, or the other way round.

"Coolest Monkey in the Jungle" is harmless on a plush toy and a racist trope on a Black child
(H&M, 2018). A guideline rule reads one field at a time; this detector reads the text and the
attachment description together: an animal or savagery word in one field and a person of
colour described in the other. Pairs inside one field are left to the guideline rules
(``en.racism.dehumanising-comparison``, ``ja.racism.dehumanising``), so nothing is reported
twice. Without an attachment description the detector does nothing, which keeps it free on
almost every post.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from firewarden.checks.draft import Draft, Field
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines
from firewarden.text.normalize import fold_pattern

#: Animal and savagery words of the dehumanising trope (folded: katakana as hiragana).
_TROPE = re.compile(
    r"(?<![a-z])(?:monkeys?|apes?|gorillas?|chimps?|chimpanzees?|primates?|jungle|savages?|"
    r"wild animals?|beasts?|cotton[- ]picking|cotton pickers?|slaves?)(?![a-z])"
    r"|" + "|".join(fold_pattern(w) for w in ("お猿", "猿", "ゴリラ", "チンパンジー", "ジャングル",
                                              "未開", "野蛮", "類人猿", "奴隷"))
)  # fmt: skip
_PERSON = (
    r"child|children|kid|kids|boy|boys|girl|girls|toddler|toddlers|baby|babies|man|men|woman|"
    r"women|model|models|person|people|family|student|students|teen|teens|teenager|player|"
    r"players|athlete|athletes|customer|customers|employee|employees|staff"
)
_JA_PERSON_OF_COLOUR = ("黒人", "アフリカ系", "褐色の肌", "肌の黒い", "黒い肌")
#: A person of colour described (the words of the attachment description or the text).
_PERSON_OF_COLOUR = re.compile(
    rf"(?<![a-z])(?:(?:black|african[- ]american|african|dark[- ]skinned|brown[- ]skinned)"
    rf"(?: (?:young|little|small|smiling|teenage))? (?:{_PERSON})|people of colou?r|"
    rf"persons? of colou?r|(?:child|children|kids?|woman|women|man|men) of colou?r)(?![a-z])"
    r"|" + "|".join(fold_pattern(w) for w in _JA_PERSON_OF_COLOUR)
)  # fmt: skip

_REFERENCES = (
    "firewarden guideline: no animal or savagery associations with people of colour",
    "https://www.thewrap.com/hm-is-deeply-sorry-for-ad-featuring-black-child-in-coolest-monkey-hoodie/",
)


class DepictionDetector:
    """Finds animal and savagery words paired, across fields, with a person of colour."""

    name = "depiction"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterator[Finding]:
        attachment = draft.attachment
        if attachment is None:
            return
        text = draft.text
        for words, people in ((text, attachment), (attachment, text)):
            trope = _TROPE.search(words.text)
            if trope is None:
                continue
            person = _PERSON_OF_COLOUR.search(people.text)
            if person is None:
                continue
            yield _finding(words, trope, people, person)
            return


def _finding(words: Field, trope: re.Match[str], people: Field, person: re.Match[str]) -> Finding:
    start, end, excerpt = words.span(trope.start(), trope.end())
    _, _, who = people.span(person.start(), person.end())
    where = "the attachment" if people.name == "attachment" else "the text"
    if words.language == "ja":
        message = (
            f"「{excerpt}」という言葉が、{'添付' if people.name == 'attachment' else '本文'}に"
            f"描かれた「{who}」と組み合わさっています。有色人種を猿やジャングルに結びつける表現は"
            "典型的な人種差別の比喩です（H&Mの「ジャングルで一番クールなサル」）。"
        )
        suggestion = (
            "言葉か、組み合わせる写真・モデルを変えてください。公開前に当事者の視点で確認を。"
        )
    else:
        message = (
            f'"{excerpt}" is paired with {where}, which shows "{who}": associating people of '
            "colour with monkeys, jungles or savagery is a racist trope (H&M's \"coolest monkey "
            'in the jungle" hoodie on a Black child).'
        )
        suggestion = (
            "Change the wording or the pairing of slogan and model; have the creative reviewed "
            "by people of the community it depicts before publishing."
        )
    return Finding(
        rule_id="depiction.dehumanising",
        category="racism",
        severity=Severity.HIGH,
        start=start,
        end=end,
        excerpt=excerpt,
        message=message,
        suggestion=suggestion,
        references=_REFERENCES,
        field=words.name,
        detector=DepictionDetector.name,
        evidence=(excerpt, who),
        origin="depiction detector",
    )
