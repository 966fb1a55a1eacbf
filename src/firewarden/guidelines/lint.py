"""Lint guideline packs: every problem at once, with file, line, field and a hint.

Errors (the pack cannot be used) come from the schema; this module adds warnings about rules
that will misbehave (no examples to test them, a phrase that is an everyday word on its own)
and notes about layering (a rule replaced, an id in ``disable:`` that matches no rule).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from firewarden.guidelines.loader import PACKS_DIR, builtin_packs, layer, read_packs
from firewarden.guidelines.matcher import is_cjk
from firewarden.guidelines.model import Rule
from firewarden.guidelines.schema import PackSpec
from firewarden.guidelines.yamlnodes import Problem, did_you_mean
from firewarden.text.normalize import fold_pattern

#: Everyday English words that, alone as a phrase, would flag ordinary posts.
_COMMON = """
    a about after again all also am an and any are as at back be because been before best
    big black but by can come could day do does down each even every first for from get give
    go going good great had has have he her here him his home how i if in into is it its just
    know last life like little long look love made make man many me more most much my new
    next no not now of off old on one only or other our out over people play red right said
    same say see she should so some still such take than thank that the their them then
    there these they thing think this time to today too two up us use very want was way we
    well were what when where which while white who why will with woman women work world
    would year yes yet you young your men girl girls boy boys guy guys lady ladies baby kid
    kids sick hot cold dead kill killer fire free news party vote cool bad nice happy
"""
COMMON_WORDS = frozenset(_COMMON.split())

_PLACEHOLDER = re.compile(r"\{([^}]*)\}")


def lint_paths(paths: Sequence[Path]) -> list[Problem]:
    """All problems in the given packs (default: the built-in packs), errors first by file."""
    own = list(paths) or [PACKS_DIR]
    packs, problems = read_packs(own)
    for pack in packs:
        for rule in pack.rules:
            problems.extend(lint_rule(rule))
    is_builtin = all(p.resolve() == PACKS_DIR.resolve() for p in own)
    base = [] if is_builtin else list(builtin_packs())
    problems.extend(_layering(base, packs))
    return problems


def lint_rule(rule: Rule) -> list[Problem]:
    """Warnings about one rule that loads but may misbehave."""
    out = []

    def warn(field: str, message: str, hint: str = "") -> None:
        out.append(Problem(rule.source, rule.line, f"rules[{rule.id}].{field}", message, hint,
                           "warning"))  # fmt: skip

    if not rule.examples.flag:
        warn("examples", "no `flag` examples, so `guidelines test` cannot prove the rule works",
             "add a post it must flag under examples: flag:")  # fmt: skip
    if not rule.examples.pass_:
        warn("examples", "no `pass` examples, so nothing guards against false alarms",
             "add a harmless post that uses the same words under examples: pass:")  # fmt: skip
    for phrase in getattr(rule.match, "phrases", ()):
        folded = fold_pattern(phrase).strip()
        if not is_cjk(folded) and folded in COMMON_WORDS and rule.unless is None:
            warn("match.phrases", f"'{phrase}' alone is an everyday word and will flag ordinary "
                 "posts", "match a longer phrase, or add `unless:` exceptions")  # fmt: skip
    for name, text in (("message", rule.message), ("suggestion", rule.suggestion)):
        for placeholder in _PLACEHOLDER.findall(text):
            if placeholder != "match":
                warn(name, f"unknown placeholder {{{placeholder}}}",
                     "the only placeholder is {match}, the matched text")  # fmt: skip
    return out


def _layering(base: list[PackSpec], packs: list[PackSpec]) -> list[Problem]:
    """Notes on how the linted packs layer over the built-in ones."""
    out: list[Problem] = []
    layered = layer(base + packs, builtin_data=False)
    for old, new in layered.replaced:
        out.append(Problem(new.source, new.line, f"rules[{new.id}]",
                           f"replaces the rule of the same id from {old.origin} "
                           f"({old.source}:{old.line})", level="info"))  # fmt: skip
    known = {r.id for r in layered.guidelines.rules}
    for pack in packs:
        refs = [(rid, line, "disable") for rid, line in pack.disable]
        refs += [(rid, line, "severity") for rid, _, line in pack.severity]
        for handle, acc in pack.accounts.items():
            refs += [(rid, line, f"accounts.{handle}.disable") for rid, line in acc.disable]
            refs += [(rid, line, f"accounts.{handle}.severity") for rid, _, line in acc.severity]
        for rid, line, field in refs:
            if rid not in known:
                hint = did_you_mean(rid, known) if len(known) < 30 else _closest(rid, known)
                out.append(Problem(pack.file, line, field, f"no rule has the id '{rid}'", hint,
                                   "warning"))  # fmt: skip
    return out


def _closest(word: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return "list the rules with: firewarden guidelines list"
