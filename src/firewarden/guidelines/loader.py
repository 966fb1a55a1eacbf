"""Load guideline packs and layer them: built-in packs first, then each company pack in order.

A later pack may add rules (an existing id is replaced), switch rules off, change severities,
allow terms, and add vetted hashtags, hashtag notes, calendar entries, brand terms and
per-account overrides. The result is the immutable :class:`Guidelines` the check reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from firewarden.checks.types import Severity
from firewarden.errors import ConfigError
from firewarden.guidelines.model import AccountOverride, Guidelines, HashtagNote, Rule
from firewarden.guidelines.schema import PackSpec, parse_pack
from firewarden.guidelines.yamlnodes import Problem
from firewarden.world.calendar import builtin_dates
from firewarden.world.hashtag_notes import builtin_hashtag_notes
from firewarden.world.moments import SensitiveDate

PACKS_DIR = Path(__file__).parent / "packs"
_PACKAGE_ROOT = Path(__file__).parent.parent.parent


@dataclass(slots=True)
class Layered:
    """Guidelines plus how they came about, for ``guidelines list`` and ``lint``."""

    guidelines: Guidelines
    packs: list[PackSpec]
    #: (replaced rule, the rule that replaced it)
    replaced: list[tuple[Rule, Rule]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def pack_files(path: Path) -> list[Path]:
    """The pack files a path names: the file itself, or every *.yaml/*.yml under a folder."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise ConfigError(
                "no guideline packs (*.yaml) in this folder",
                where=str(path),
                hint="point at a pack file, or put packs in the folder",
            )
        return files
    if not path.exists():
        raise ConfigError(
            "no such guideline pack",
            where=str(path),
            hint="check the path; create a starter pack with `firewarden init`",
        )
    return [path]


def display_name(path: Path) -> str:
    """How a pack file is named in messages (built-in packs relative to the package)."""
    try:
        return str(path.resolve().relative_to(_PACKAGE_ROOT.resolve()))
    except ValueError:
        return str(path)


def read_pack(path: Path, *, lazy: bool = False) -> tuple[PackSpec | None, list[Problem]]:
    """Parse one pack file, reporting unreadable files as problems (``lazy``: see parse_pack)."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(name, 0, "", f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8")
        ]
    except OSError as exc:
        return None, [Problem(name, 0, "", f"cannot read the file: {exc.strerror or exc}")]
    return parse_pack(text, name, lazy=lazy)


def read_packs(
    paths: Iterable[Path], *, lazy: bool = False
) -> tuple[list[PackSpec], list[Problem]]:
    """Parse every pack file under the given paths, in order, collecting all problems."""
    packs: list[PackSpec] = []
    problems: list[Problem] = []
    for path in paths:
        for file in pack_files(path):
            pack, found = read_pack(file, lazy=lazy)
            problems.extend(found)
            if pack is not None:
                packs.append(pack)
    return packs, problems


@cache
def builtin_packs() -> tuple[PackSpec, ...]:
    """The built-in packs (every *.yaml under packs/, in sorted order); errors are bugs.

    Their regexes compile on first use (start-up would otherwise compile thousands); the
    test suite lints and compiles every one of them, and company packs compile at load.
    """
    if not PACKS_DIR.is_dir() or not any(PACKS_DIR.rglob("*.yaml")):
        return ()
    packs, problems = read_packs([PACKS_DIR], lazy=True)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise errors[0].to_error(len(errors) - 1)
    return tuple(packs)


def layer(packs: Sequence[PackSpec], *, builtin_data: bool = True) -> Layered:
    """Layer packs in order into one :class:`Guidelines`."""
    rules: dict[str, Rule] = {}
    replaced: list[tuple[Rule, Rule]] = []
    disabled: set[str] = set()
    severity: dict[str, Severity] = {}
    allowed: list[str] = []
    vetted: set[str] = set()
    notes: dict[str, HashtagNote] = {}
    dates: list[SensitiveDate] = []
    brand: list[str] = []
    accounts: dict[str, AccountOverride] = {}
    if builtin_data:
        dates.extend(builtin_dates())
        notes.update(builtin_hashtag_notes())
    for pack in packs:
        for rule in pack.rules:
            if rule.id in rules:
                replaced.append((rules[rule.id], rule))
            rules[rule.id] = rule
        disabled.update(rid for rid, _ in pack.disable)
        severity.update({rid: sev for rid, sev, _ in pack.severity})
        allowed.extend(t for t in pack.allow if t not in allowed)
        vetted.update(pack.vetted_hashtags)
        notes.update({n.tag: n for n in pack.hashtags})
        dates.extend(pack.calendar)
        brand.extend(t for t in pack.brand if t not in brand)
        for handle, spec in pack.accounts.items():
            old = accounts.get(handle, AccountOverride())
            accounts[handle] = AccountOverride(
                disabled=old.disabled | {rid for rid, _ in spec.disable},
                severity={**old.severity, **{rid: sev for rid, sev, _ in spec.severity}},
                allowed_terms=old.allowed_terms + tuple(spec.allow),
                vetted_hashtags=old.vetted_hashtags | frozenset(spec.vetted_hashtags),
            )
    guidelines = Guidelines(
        rules=tuple(rules.values()),
        allowed_terms=tuple(allowed),
        vetted_hashtags=frozenset(vetted),
        hashtag_notes=notes,
        sensitive_dates=tuple(dates),
        brand_terms=tuple(brand),
        disabled=frozenset(disabled),
        severity=severity,
        accounts=accounts,
        sources=tuple(f"{p.name} ({p.file})" for p in packs),
    )
    return Layered(guidelines, list(packs), replaced)


def load_layered(paths: Sequence[Path], *, builtin: bool = True) -> Layered:
    """Layer the built-in packs (optionally) and the given packs, keeping every problem."""
    packs, problems = read_packs(paths)
    base = list(builtin_packs()) if builtin else []
    layered = layer(base + packs, builtin_data=builtin)
    layered.problems = problems
    return layered


def load_guidelines(paths: Sequence[Path], *, builtin: bool = True) -> Guidelines:
    """Company packs (files or folders of *.yaml) layered over the built-in packs.

    Raises :class:`ConfigError` naming the file, line and field of the first error.
    """
    layered = load_layered([Path(p) for p in paths], builtin=builtin)
    errors = [p for p in layered.problems if p.level == "error"]
    if errors:
        raise errors[0].to_error(len(errors) - 1)
    return layered.guidelines


@cache
def builtin_guidelines() -> Guidelines:
    """The built-in packs and built-in calendar and hashtag data, loaded once."""
    return layer(list(builtin_packs())).guidelines
