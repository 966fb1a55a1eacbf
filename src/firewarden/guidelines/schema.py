"""The pack format: validate one YAML pack and compile its rules (see docs/guidelines.md)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from firewarden.checks.intent import INTENTS
from firewarden.checks.types import CATEGORIES, Severity
from firewarden.errors import ConfigError
from firewarden.guidelines.matcher import CompiledMatch, build_match, compile_phrase
from firewarden.guidelines.model import Conditions, Examples, HashtagNote, Rule
from firewarden.guidelines.yamlnodes import Node, Problem, Reader, did_you_mean
from firewarden.text.normalize import fold_pattern
from firewarden.world.calendar import parse_date_entry
from firewarden.world.hashtag_notes import parse_hashtag_entry
from firewarden.world.moments import SensitiveDate

PACK_KEYS = (
    "pack", "version", "language", "description", "rules", "disable", "severity", "allow",
    "vetted_hashtags", "hashtags", "calendar", "brand", "accounts",
)  # fmt: skip
RULE_KEYS = (
    "id", "category", "severity", "language", "match", "unless", "when", "message",
    "suggestion", "references", "examples",
)  # fmt: skip
MATCH_KEYS = ("phrases", "regex", "tokens", "near")
UNLESS_KEYS = (*MATCH_KEYS, "window")
WHEN_KEYS = ("account", "sensitive_moment", "sponsored", "intents", "fields")
EXAMPLE_KEYS = ("flag", "pass")
ACCOUNT_KEYS = ("disable", "severity", "allow", "vetted_hashtags")
LANGUAGES = ("en", "ja", "any")
ACCOUNTS = ("corporate", "personal")
FIELDS = ("text", "attachment")
SEVERITIES = tuple(s.label for s in Severity)
DEFAULT_WINDOW = 40

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_FULL_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


@dataclass(slots=True)
class AccountSpec:
    handle: str
    disable: list[tuple[str, int]] = field(default_factory=list)
    severity: list[tuple[str, Severity, int]] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    vetted_hashtags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PackSpec:
    """One pack as written: its rules compiled, its other keys validated."""

    name: str
    file: str
    version: str = ""
    language: str = "any"
    rules: list[Rule] = field(default_factory=list)
    disable: list[tuple[str, int]] = field(default_factory=list)
    severity: list[tuple[str, Severity, int]] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    vetted_hashtags: list[str] = field(default_factory=list)
    hashtags: list[HashtagNote] = field(default_factory=list)
    calendar: list[SensitiveDate] = field(default_factory=list)
    brand: list[str] = field(default_factory=list)
    accounts: dict[str, AccountSpec] = field(default_factory=dict)


def parse_pack(
    text: str, file: str, *, lazy: bool = False
) -> tuple[PackSpec | None, list[Problem]]:
    """Validate a pack's YAML text; the pack (None if unusable) and every problem found.

    ``lazy`` compiles the rules' generated regexes on first use rather than now: only for
    packs known to be valid (the built-in ones, linted by the test suite). A ``regex:`` the
    pack writes is always compiled now, so a bad one is reported with its file and line.
    """
    r = Reader(file)
    root = r.load(text)
    if root is None:
        if not r.problems:
            r.problem(None, "", "the pack is empty", "start it with `pack: your-name` and `rules:`")
        return None, r.problems
    top = r.mapping(root, "", PACK_KEYS)
    if top is None:
        return None, r.problems
    name = r.string(top["pack"], "pack") if "pack" in top else None
    if "pack" not in top:
        r.problem(
            root,
            "pack",
            "missing: every pack needs a name",
            "add a first line like `pack: acme/social-guidelines`",
        )
    pack = PackSpec(name=name or file, file=file)
    if "version" in top:
        version = r.scalar(top["version"])
        if isinstance(version, (int, str)) and not isinstance(version, bool):
            pack.version = str(version)
        else:
            r.problem(top["version"], "version", "must be a number or text")
    if "language" in top:
        pack.language = _choice(r, top["language"], "language", LANGUAGES) or "any"
    if "rules" in top:
        ids: dict[str, int] = {}
        for item, fname in r.items(top["rules"], "rules"):
            rule = _rule(r, item, fname, pack, lazy)
            if rule is None:
                continue
            if rule.id in ids:
                r.problem(
                    item,
                    f"{fname}.id",
                    f"duplicate rule id '{rule.id}'",
                    f"it is already used on line {ids[rule.id]}; ids must be unique",
                )
                continue
            ids[rule.id] = rule.line
            pack.rules.append(rule)
    _overrides(r, top, "", pack)
    if "hashtags" in top:
        pack.hashtags = [n for n in (_hashtag(r, i, f) for i, f in r.items(top["hashtags"],
                         "hashtags")) if n is not None]  # fmt: skip
    if "calendar" in top:
        pack.calendar = [d for d in (_date(r, i, f, pack.name) for i, f in
                         r.items(top["calendar"], "calendar")) if d is not None]  # fmt: skip
    if "brand" in top:
        pack.brand = [fold_pattern(t) for t, _ in r.strings(top["brand"], "brand")]
    if "accounts" in top:
        accounts = r.mapping(top["accounts"], "accounts") or {}
        for handle, node in accounts.items():
            key = handle.strip().lstrip("@").casefold()
            spec = PackSpec(name=pack.name, file=file)
            sub = r.mapping(node, f"accounts.{handle}", ACCOUNT_KEYS)
            if sub is not None:
                _overrides(r, sub, f"accounts.{handle}.", spec)
            pack.accounts[key] = AccountSpec(
                key, spec.disable, spec.severity, spec.allow, spec.vetted_hashtags
            )
    r.problems.sort(key=lambda p: p.line)
    return (None if r.failed else pack), r.problems


def _overrides(r: Reader, top: dict[str, Node], prefix: str, pack: PackSpec) -> None:
    """The keys a pack and a per-account block share: disable, severity, allow, vetted tags."""
    if "disable" in top:
        for rid, node in r.strings(top["disable"], f"{prefix}disable"):
            pack.disable.append((rid.strip(), node.start_mark.line + 1))
    if "severity" in top:
        for rid, node in (r.mapping(top["severity"], f"{prefix}severity") or {}).items():
            sev = _choice(r, node, f"{prefix}severity.{rid}", SEVERITIES)
            if sev is not None:
                pack.severity.append((rid, Severity.parse(sev), node.start_mark.line + 1))
    if "allow" in top:
        for term, node in r.strings(top["allow"], f"{prefix}allow"):
            folded = fold_pattern(term).strip()
            if folded:
                pack.allow.append(folded)
            else:
                r.problem(node, f"{prefix}allow", f"the term {term!r} is empty after folding")
    if "vetted_hashtags" in top:
        for tag, _ in r.strings(top["vetted_hashtags"], f"{prefix}vetted_hashtags"):
            pack.vetted_hashtags.append(fold_pattern(tag.strip().lstrip("#＃")))


def _choice(r: Reader, node: Node, fname: str, options: tuple[str, ...]) -> str | None:
    value = r.string(node, fname)
    if value is None:
        return None
    if value.strip().lower() not in options:
        r.problem(node, fname, f"unknown value '{value}'", did_you_mean(value, options))
        return None
    return value.strip().lower()


def _rule(r: Reader, node: Node, fname: str, pack: PackSpec, lazy: bool) -> Rule | None:
    before = len([p for p in r.problems if p.level == "error"])
    fname = _rule_name(r, node, fname)
    m = r.mapping(node, fname, RULE_KEYS)
    if m is None:
        return None
    rid = r.string(m["id"], f"{fname}.id") if "id" in m else None
    if rid is None and "id" not in m:
        r.problem(node, f"{fname}.id", "missing", "give the rule a stable id like en.sexism.age")
    elif rid is not None and not _ID.match(rid):
        r.problem(
            m["id"],
            f"{fname}.id",
            f"'{rid}' is not a valid id",
            "use lower-case letters, digits, '.', '_' and '-' (e.g. en.sexism.age)",
        )
        rid = None
    name = fname
    category = None
    if "category" not in m:
        r.problem(node, f"{name}.category", "missing", f"one of: {', '.join(CATEGORIES)}")
    else:
        category = _choice(r, m["category"], f"{name}.category", CATEGORIES)
    severity = Severity.MEDIUM
    if "severity" not in m:
        r.problem(node, f"{name}.severity", "missing", f"one of: {', '.join(SEVERITIES)}")
    else:
        sev = _choice(r, m["severity"], f"{name}.severity", SEVERITIES)
        severity = Severity.parse(sev) if sev else severity
    language = pack.language
    if "language" in m:
        language = _choice(r, m["language"], f"{name}.language", LANGUAGES) or language
    match = None
    if "match" not in m:
        r.problem(
            node,
            f"{name}.match",
            "missing: a rule needs something to match",
            "add `match:` with phrases, regex, tokens or near",
        )
    else:
        sub = r.mapping(m["match"], f"{name}.match", MATCH_KEYS)
        match = _block(r, sub, m["match"], f"{name}.match", lazy) if sub is not None else None
    unless, window = None, DEFAULT_WINDOW
    if "unless" in m:
        sub = r.mapping(m["unless"], f"{name}.unless", UNLESS_KEYS)
        if sub is not None and "window" in sub:
            window = r.integer(sub["window"], f"{name}.unless.window") or 0
        if sub is not None:
            unless = _block(r, sub, m["unless"], f"{name}.unless", lazy)
    message = ""
    if "message" not in m:
        r.problem(
            node,
            f"{name}.message",
            "missing",
            "say why this is risky, in a sentence the author will understand",
        )
    else:
        message = r.string(m["message"], f"{name}.message") or ""
    suggestion = ""
    if "suggestion" in m:
        suggestion = r.string(m["suggestion"], f"{name}.suggestion", allow_empty=True) or ""
    refs = (
        tuple(t for t, _ in r.strings(m["references"], f"{name}.references"))
        if ("references" in m)
        else ()
    )
    when = _when(r, m["when"], f"{name}.when") if "when" in m else Conditions()
    examples = _examples(r, m["examples"], f"{name}.examples") if "examples" in m else Examples()
    errors = len([p for p in r.problems if p.level == "error"])
    if errors > before or rid is None or category is None or match is None or when is None:
        return None
    languages = ("en", "ja") if language == "any" else (language,)
    return Rule(
        id=rid,
        category=category,
        severity=severity,
        languages=languages,
        match=match,
        message=message,
        suggestion=suggestion,
        references=refs,
        unless=unless,
        when=when,
        examples=examples,
        origin=pack.name,
        line=node.start_mark.line + 1,
        source=pack.file,
        window=window,
    )


def _rule_name(r: Reader, node: Node, fname: str) -> str:
    """``rules[the-id]`` when the rule has a usable id, so every message names the rule."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if r.scalar(key) == "id" and isinstance(value, yaml.ScalarNode):
                rid = r.scalar(value)
                if isinstance(rid, str) and _ID.match(rid):
                    return f"rules[{rid}]"
    return fname


def _block(
    r: Reader, block: dict[str, Node], node: Node, fname: str, lazy: bool
) -> CompiledMatch | None:
    """Compile a validated ``match``/``unless`` mapping, reporting every bad part."""
    m = {k: v for k, v in block.items() if k in MATCH_KEYS}
    if not m:
        r.problem(
            node,
            fname,
            "has nothing to match",
            "give at least one of: phrases, regex, tokens, near",
        )
        return None
    ok = True
    phrases: list[str] = []
    for text, item in r.strings(m["phrases"], f"{fname}.phrases") if "phrases" in m else []:
        try:
            compile_phrase(text)  # its regex is generated (escaped): only ValueError can arise
            phrases.append(text)
        except ValueError as exc:
            r.problem(item, f"{fname}.phrases", str(exc), "remove it or write words")
            ok = False
    regexes: list[str] = []
    for text, item in r.strings(m["regex"], f"{fname}.regex") if "regex" in m else []:
        try:
            re.compile(text, re.IGNORECASE)
        except re.error as exc:
            r.problem(
                item,
                f"{fname}.regex",
                f"not a valid regular expression: {exc}",
                "quote it in single quotes; escape special characters with \\",
            )
            ok = False
            continue
        if re.compile(text, re.IGNORECASE).fullmatch(""):
            r.problem(item, f"{fname}.regex", "matches empty text, so it would match everything")
            ok = False
            continue
        regexes.append(text)
    tokens: list[list[str]] = []
    for item, iname in r.items(m["tokens"], f"{fname}.tokens") if "tokens" in m else []:
        seq = [t for t, _ in r.strings(item, iname)]
        try:
            build_match(tokens=[seq], lazy=lazy)
            tokens.append(seq)
        except ValueError as exc:
            r.problem(item, iname, str(exc), 'e.g. ["when|will", "*{0,3}", "marry"]')
            ok = False
    near: list[tuple[list[str], int]] = []
    for item, iname in r.items(m["near"], f"{fname}.near") if "near" in m else []:
        spec = r.mapping(item, iname, ("all", "within"))
        if spec is None:
            ok = False
            continue
        groups = [t for t, _ in r.strings(spec["all"], f"{iname}.all")] if "all" in spec else []
        within = (
            r.integer(spec["within"], f"{iname}.within", minimum=1) if ("within" in spec) else None
        )
        if len(groups) < 2 or within is None:
            r.problem(
                item,
                iname,
                "needs `all:` with two or more groups and `within:` characters",
                'e.g. {all: ["women|girls", "kitchen"], within: 30}',
            )
            ok = False
            continue
        try:
            build_match(near=[(groups, within)], lazy=lazy)
            near.append((groups, within))
        except ValueError as exc:
            r.problem(item, iname, str(exc))
            ok = False
    if not ok:
        return None
    if not (phrases or regexes or tokens or near):
        r.problem(
            node,
            fname,
            "has nothing to match",
            "give at least one of: phrases, regex, tokens, near",
        )
        return None
    return build_match(phrases, regexes, tokens, near, lazy=lazy)


def _when(r: Reader, node: Node, fname: str) -> Conditions | None:
    m = r.mapping(node, fname, WHEN_KEYS)
    if m is None:
        return None
    account = _choice(r, m["account"], f"{fname}.account", ACCOUNTS) if "account" in m else None
    moment = (
        r.boolean(m["sensitive_moment"], f"{fname}.sensitive_moment")
        if ("sensitive_moment" in m)
        else None
    )
    sponsored = r.boolean(m["sponsored"], f"{fname}.sponsored") if "sponsored" in m else None
    intents = []
    for value, item in r.strings(m["intents"], f"{fname}.intents") if "intents" in m else []:
        if value not in INTENTS:
            r.problem(
                item, f"{fname}.intents", f"unknown intent '{value}'", did_you_mean(value, INTENTS)
            )
        else:
            intents.append(value)
    fields = []
    for value, item in r.strings(m["fields"], f"{fname}.fields") if "fields" in m else []:
        if value not in FIELDS:
            r.problem(
                item, f"{fname}.fields", f"unknown field '{value}'", did_you_mean(value, FIELDS)
            )
        else:
            fields.append(value)
    return Conditions(account, moment, sponsored, tuple(intents), tuple(fields))


def _examples(r: Reader, node: Node, fname: str) -> Examples:
    m = r.mapping(node, fname, EXAMPLE_KEYS) or {}
    flag = tuple(t for t, _ in r.strings(m["flag"], f"{fname}.flag")) if "flag" in m else ()
    pass_ = tuple(t for t, _ in r.strings(m["pass"], f"{fname}.pass")) if "pass" in m else ()
    return Examples(flag=flag, pass_=pass_)


def _construct(r: Reader, node: Node) -> Any:
    """A node as plain Python data (for entries parsed by the world package's parsers)."""
    return r.constructor.construct_object(node, deep=True)


def _hashtag(r: Reader, node: Node, fname: str) -> HashtagNote | None:
    """One ``hashtags:`` entry, in the format of the built-in hashtag notes."""
    try:
        return parse_hashtag_entry(_construct(r, node), where=fname)
    except ConfigError as exc:
        r.problem(node, exc.where or fname, exc.message, exc.hint)
        return None


def _date(r: Reader, node: Node, fname: str, origin: str) -> SensitiveDate | None:
    """One ``calendar:`` entry, in the format of the built-in calendar (YYYY-MM-DD allowed)."""
    item = _construct(r, node)
    if isinstance(item, dict):
        raw = item.get("date")
        text = raw.isoformat() if isinstance(raw, dt.date) else raw
        found = _FULL_DATE.match(text) if isinstance(text, str) else None
        if found and "year" not in item:
            item = {**item, "date": f"{found.group(2)}-{found.group(3)}"}
            item["year"] = int(found.group(1))
    try:
        return parse_date_entry(item, where=fname, origin=origin)
    except ConfigError as exc:
        r.problem(node, exc.where or fname, exc.message, exc.hint)
        return None
