"""Voice and account: a personal post on the corporate account, and a draft unlike the account.

Wrong account: swearing, insults, curses, partisan attacks, first-person complaints and
drinking stories are how staff write on their own accounts; on a corporate account they mean
someone is logged into the wrong one (Chrysler's #motorcity, the Red Cross's #gettngslizzerd,
JRT Shikoku's 「地獄へ堕ちろ、カス」). Signals are weighed together: a single mild word does
not flag, several do, and swearing or insults with another signal make it high.

Off voice: with three or more past posts, a draft far from the account's usual style
(see :mod:`firewarden.checks.detectors.voice_style`) gets a finding naming what differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from firewarden.checks.detectors.voice_style import compare, usual_voice
from firewarden.checks.draft import Draft, Field
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines


@dataclass(frozen=True, slots=True)
class _Signal:
    name: str
    describe: str
    weight: int
    #: Swearing, insults, curses and partisan attacks: with another signal, the finding is high.
    strong: bool
    #: English cues match the folded text; Japanese ones the original, because folding makes
    #: katakana カス the hiragana かす of 動かす.
    en: re.Pattern[str] | None
    ja: re.Pattern[str] | None


_EN_BEFORE, _EN_AFTER = r"(?<![a-z0-9])", r"(?![a-z0-9])"


def _en(body: str) -> re.Pattern[str]:
    return re.compile(rf"{_EN_BEFORE}(?:{body}){_EN_AFTER}")


_SIGNALS = (
    _Signal("profanity", "swearing", 2, True,
            _en(r"f+u+c+k+\w*|motherf\w+|shit\w*|bullshit|goddamn\w*|bitch\w*|assholes?|"
                r"bastards?|wtf|stfu|dickheads?|cunts?|scumbags?"),
            re.compile(r"クソ|くそったれ|糞|ちくしょう|チクショウ|畜生|ファック")),
    _Signal("mild-swearing", "mild swearing", 1, False,
            _en(r"damn(?:ed|it)?|crap|hell no|pissed(?: off)?|screw (?:this|that|it)"), None),
    _Signal("insult", "an insult aimed at people", 2, True,
            _en(r"idiots?|morons?|imbeciles?|stupid (?:people|drivers|customers|fans|idiots)|"
                r"dumb ?(?:ass|asses|people)|losers|retard\w*|shut up|get a life|clowns|"
                r"no one (?:here |in this town )?(?:knows|can) how to|learn (?:how )?to drive|"
                r"(?:such|what) an? (?:clown|idiot|moron|jerk|loser|tool|joke)|jerks"),
            re.compile(r"カス(?![タテトケ])|クズ|屑|(?<!親)バカ(?!売れ|うま|ウマ|デカ|でか)|馬鹿|"
                       r"アホ|ボケ|ゴミ(?!箱|袋|出し|拾い|の日|収集)|無能|ざまあ|キモい|うざい|ウザい")),
    _Signal("curse", "a curse", 2, True,
            _en(r"go to hell|burn in hell|rot in hell|die in a fire|kill yourself|drop dead|"
                r"screw (?:you|them)"),
            re.compile(r"地獄[へに](?:堕|落)ちろ|堕ちろ|死ね|消えろ|くたばれ")),
    _Signal("partisan-attack", "a partisan attack", 2, True,
            _en(r"libtards?|demonrats?|repugs?|trumptards?|commies|leftards?|"
                r"vote (?:them|him|her) out|vote (?:for|against) (?:the )?(?:democrats?|"
                r"republicans?|gop|trump|biden|harris|labou?r|tor(?:y|ies))"),
            re.compile(r"売国奴|パヨク|ネトウヨ|アベ政治|(?:自民|公明|立憲|維新|共産)(?:党)?に投票するな|"
                       r"落選させ")),
    _Signal("drinking", "the author's drinking", 2, False,
            _en(r"(?:we|i) (?:drink|drank|got drunk)|when we drink|hung ?over|hangover|"
                r"(?:i'?m|we'?re|getting|gettin|got|get) (?:so )?(?:drunk|wasted|hammered|smashed|"
                r"tipsy|plastered)|slizz\w*|sloshed|#\w*(?:drunk|wasted|slizz)\w*"),
            re.compile(r"二日酔い|泥酔|飲みすぎた|飲み過ぎた|酔っ払った|ベロベロ|べろべろ|飲み会なう")),
    _Signal("alcohol", "alcohol", 1, False,
            _en(r"beers?|booze|shots|vodka|tequila|whiske?y|keg|(?:\d+ )?bottle packs?|"
                r"margaritas?|mimosas?|day[- ]?drinking|wine o'?clock"),
            re.compile(r"ビール|ハイボール|飲み会|日本酒")),
    _Signal("personal", "first-person personal talk", 1, False,
            _en(r"i (?:hate|find it|think|can'?t believe|just|am so|need (?:a|some)|wish|swear)|"
                r"i'?m (?:so )?(?:tired|bored|sick)|my (?:boss|wife|husband|girlfriend|boyfriend|"
                r"gf|bf|mom|mum|dad|ex|kids?|hangover|weekend|life|roommate|landlord|manager|"
                r"neighbou?rs?|rent|commute|coworkers?|job)|don'?t judge me|"
                r"it'?s only \d{1,2} ?(?:am|pm)"),
            re.compile(r"うちの上司|上司[がにの]|俺|オレ|僕の|私的に|課長|部長[がにの]|"
                       r"(?:辞め|引っ越し|帰り|寝|休み)たい|隣の部屋|家賃|大家|元カレ|元カノ|彼氏[がにと]")),
    _Signal("colloquial", "a chat-style rant", 1, False,
            _en(r"lol|lmao|omg|smh|ffs|ugh+|gonna|wanna"),
            re.compile(r"マジで|まじで|よく言うわ|(?<![ですまさちこ])わ(?=[。!！?？\s]|$)|"
                       r"じゃん|ムカつく|むかつく|腹立つ|うるさすぎ|やつ[、,らは]|もう無理")),
)  # fmt: skip

_PARTISAN = re.compile(
    r"(?<![a-z])(?:democrats?|republicans?|gop|dems|liberals|conservatives|maga|trump|biden|"
    r"obama|harris|tories|labou?r party|the left|congress(?:men)?|senators?)(?![a-z])"
    r"|自民|公明|立憲|立民|維新|共産党|国民民主|れいわ|参政党|社民|政権|首相|総理|与党|野党|議員|政治家"
)


@dataclass(frozen=True, slots=True)
class _Hit:
    signal: _Signal
    field: Field
    start: int
    end: int
    excerpt: str


_LATIN = re.compile(r"[a-z]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _combined(patterns: list[tuple[int, re.Pattern[str]]]) -> re.Pattern[str]:
    # One scan for all signals of a script instead of one per signal; group i is signal i.
    return re.compile("|".join(f"(?P<s{i}>{p.pattern})" for i, p in patterns))


def _en_combined() -> re.Pattern[str]:
    # As _combined, with the word boundaries shared by every English cue checked once per
    # position instead of once per signal: most positions are inside a word and fail at once.
    # Backtracking tries the signals in the same order, so the matches are the same.
    bodies = [
        (i, s.en.pattern[len(_EN_BEFORE) : -len(_EN_AFTER)])
        for i, s in enumerate(_SIGNALS)
        if s.en is not None
    ]
    return re.compile(
        _EN_BEFORE + "(?:" + "|".join(f"(?P<s{i}>{b})" for i, b in bodies) + ")" + _EN_AFTER
    )


_EN_ALL = _en_combined()
_JA_ALL = _combined([(i, s.ja) for i, s in enumerate(_SIGNALS) if s.ja is not None])


def _hits(f: Field) -> list[_Hit]:
    found: dict[int, _Hit] = {}
    # Skip the cues of a script the text does not contain: most posts are in one language.
    if _LATIN.search(f.text):
        for m in _EN_ALL.finditer(f.text):
            i = int(m.lastgroup[1:]) if m.lastgroup else -1
            if i >= 0 and i not in found:
                found[i] = _Hit(_SIGNALS[i], f, *f.span(m.start(), m.end()))
    if _JAPANESE.search(f.original):
        for m in _JA_ALL.finditer(f.original):
            i = int(m.lastgroup[1:]) if m.lastgroup else -1
            if i >= 0 and i not in found:
                found[i] = _Hit(_SIGNALS[i], f, m.start(), m.end(), m.group())
    return list(found.values())


_POLITICAL = _Signal("political-insult", "an insult in a political context", 2, True, None, None)


def personal_signals(draft: Draft) -> list[_Hit]:
    """The signals of a personal post in the draft's text, the strongest first."""
    hits = _hits(draft.text)
    names = {h.signal.name for h in hits}
    if names & {"insult", "curse", "profanity"}:
        f = draft.text
        m = _PARTISAN.search(f.text) or _PARTISAN.search(f.original)
        if m:
            hits.append(_Hit(_POLITICAL, f, *f.span(m.start(), m.end())))
    hits.sort(key=lambda h: (-h.signal.weight, -h.signal.strong, h.start))
    return hits


class VoiceDetector:
    """Finds personal posts on corporate accounts, and drafts unlike the account's voice."""

    name = "voice"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterable[Finding]:
        out = []
        if draft.context.is_corporate:
            finding = self._wrong_account(draft)
            if finding is not None:
                out.append(finding)
        voice = usual_voice(draft.context.past_posts) if draft.context.past_posts else None
        if voice is not None:
            dist, diffs = compare(draft.text.original, voice, draft.text.text)
            if dist > voice.threshold and diffs:
                out.append(
                    Finding(
                        rule_id="voice.off-voice",
                        category="off-voice",
                        severity=Severity.MEDIUM,
                        start=0,
                        end=0,
                        excerpt="",
                        message="This draft does not sound like the account's usual posts: "
                        + "; ".join(diffs)
                        + ".",
                        suggestion="Check it is meant for this account, and rewrite it in the "
                        "account's voice if it is.",
                        detector=self.name,
                        evidence=(f"distance {dist:.1f} > threshold {voice.threshold:.1f}",),
                    )
                )
        return out

    def _wrong_account(self, draft: Draft) -> Finding | None:
        hits = personal_signals(draft)
        score = sum(h.signal.weight for h in hits)
        if score < 2:
            return None
        strong = any(h.signal.strong for h in hits)
        severity = Severity.HIGH if strong and score >= 3 else Severity.MEDIUM
        top = hits[0]
        handle = draft.context.handle
        account = f" ({handle if handle.startswith('@') else '@' + handle})" if handle else ""
        seen = dict.fromkeys(h.signal.describe for h in hits)
        return Finding(
            rule_id="voice.wrong-account",
            category="wrong-account",
            severity=severity,
            start=top.start,
            end=top.end,
            excerpt=top.excerpt,
            message=f"This reads like a personal post ({', '.join(seen)}); "
            f"are you on the right account{account}?",
            suggestion="Post it from your own account, or not at all; the corporate account "
            "speaks for the whole company.",
            field=top.field.name,
            detector=self.name,
            evidence=tuple(f"{h.signal.name}: {h.excerpt}" for h in hits),
        )
