"""Watches: what to listen for, and matching mentions against them (pure).

A watch names a brand, a campaign or a person: keywords (with their variants, including
Japanese spellings: list each spelling, e.g. ``["Acme", "アクメ"]``), the brand's own handles,
its own posts (replies to and quotes of them count, and are how a pile-on starts), store and
product names, exclusions (phrases that mean something else, e.g. a band of the same name),
and optionally languages.

Matching runs on folded text (:func:`firewarden.text.normalize.fold`), so case, full-width
letters, half-width katakana and katakana/hiragana do not matter: ``アクメ`` also matches
``あくめ`` and ``ｱｸﾒ``. Latin terms match whole words only; Japanese terms anywhere.
Handles match on the raw text (``@acme``), since folding rewrites ``@`` inside words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from firewarden.errors import ConfigError
from firewarden.listen.mention import Mention
from firewarden.text.normalize import fold_pattern

#: The longest watch name (the database column's size).
MAX_NAME = 200
#: The longest keyword or product name (a phrase, not a paragraph).
MAX_TERM = 200
#: Characters that change the direction text is shown in (a name could be shown backwards).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FIELDS = ("name", "keywords", "handles", "own_posts", "products", "exclude", "languages")


@dataclass(frozen=True, slots=True)
class Watch:
    """One watch as configured; ``keywords`` keep every variant spelling as given."""

    name: str
    keywords: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    own_posts: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) if name == "name" else list(getattr(self, name))
                for name in _FIELDS}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "", stored: bool = False) -> Watch:
        """Read one watch; raises ConfigError naming the bad field and what to write.
        ``stored``: a watch read back from the database skips the checks added since it was
        saved (a stored watch must keep loading)."""
        if not isinstance(data, Mapping):
            raise ConfigError("a watch must be a table with a name", where=where)
        unknown = sorted(set(data) - set(_FIELDS))
        if unknown:
            raise ConfigError(
                f"unknown watch setting(s): {', '.join(unknown)}",
                where=where,
                hint=f"known: {', '.join(_FIELDS)}",
            )
        name = str(data.get("name") or "").strip()
        if not name:
            raise ConfigError(
                "a watch needs a name", where=where, hint='name = "Acme"', field="name"
            )
        if len(name) > MAX_NAME and not stored:
            raise ConfigError(
                f"a watch name has at most {MAX_NAME} characters; this one has {len(name)}",
                where=where,
                hint="a short name such as the brand's: the keywords say what to listen for",
                field="name",
            )
        if not stored and any(unicodedata.category(c) == "Cc" or c in _BIDI for c in name):
            raise ConfigError(
                f"the watch name {name!r} holds a control character (a line break, a tab or "
                "a text-direction mark)",
                where=where,
                hint="write the name on one line, in plain characters",
                field="name",
            )
        lists = {f: _strings(data.get(f), f, f"{where} watch {name!r}") for f in _FIELDS[1:]}
        lists["languages"] = _languages(lists["languages"], f"{where} watch {name!r}")
        watch = cls(name=name, **lists)
        if not (watch.keywords or watch.handles or watch.own_posts or watch.products):
            raise ConfigError(
                f"watch {name!r} has nothing to listen for",
                where=where,
                hint="give it keywords, handles, own_posts or products",
                field="keywords",
            )
        for field_name, terms in (
            () if stored else (("keywords", watch.keywords), ("products", watch.products))
        ):
            for term in terms:
                if not any(c.isalnum() for c in term):
                    raise ConfigError(
                        f"watch {name!r}: the {field_name[:-1]} {term!r} has no letter or digit, "
                        "so it would match punctuation in any post",
                        where=where,
                        hint="write the brand's or product's name",
                        field=field_name,
                    )
                if len(term) > MAX_TERM:
                    raise ConfigError(
                        f"watch {name!r}: a {field_name[:-1]} has at most {MAX_TERM} "
                        f"characters; this one has {len(term)}",
                        where=where,
                        hint="a name or a short phrase; list its variants separately",
                        field=field_name,
                    )
        for handle in () if stored else watch.handles:
            if not norm_handle(handle):
                raise ConfigError(
                    f"watch {name!r}: the handle {handle!r} names no account",
                    where=where,
                    hint="write the account after the @, e.g. @acme",
                    field="handles",
                )
            if any(c.isspace() for c in handle):
                raise ConfigError(
                    f"watch {name!r}: the handle {handle!r} has a space in it, so no post "
                    "could come from it",
                    where=where,
                    hint="write one account per entry, e.g. @acme or acme.bsky.social",
                    field="handles",
                )
        for ex in () if stored else watch.exclude:
            for term in (*watch.keywords, *watch.products):
                if fold_pattern(ex).lower() in fold_pattern(term).lower():
                    raise ConfigError(
                        f"watch {name!r}: the exclusion {ex!r} is part of {term!r}, so every "
                        "mention of it would be left out",
                        where=where,
                        hint="an exclusion is a longer phrase that means something else "
                        f"(such as '{term} band'); remove it or make it longer",
                        field="exclude",
                    )
        return watch


def _strings(value: Any, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{name} must be a list of texts", where=where, field=name)
    out: list[str] = []
    for item in value:
        # A nested list groups the variants of one keyword: ["Acme", "アクメ"].
        for v in item if isinstance(item, list | tuple) else [item]:
            if not isinstance(v, str | int) or isinstance(v, bool):
                raise ConfigError(
                    f"{name} must be a list of texts, not {v!r}", where=where, field=name
                )
            text = str(v).strip()
            if text and text not in out:
                out.append(text)
    return tuple(out)


def _languages(values: tuple[str, ...], where: str) -> tuple[str, ...]:
    """Language codes as the sources give them (``en``, ``ja``: lower case, no region), so a
    misspelt language cannot silently keep every mention out of the watch."""
    out: list[str] = []
    for value in values:
        code = value.strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ConfigError(
                f"{value!r} is not a language code",
                where=where,
                hint="use two-letter codes such as en or ja (no region: en, not en-US); "
                "leave languages out to keep mentions in every language",
                field="languages",
            )
        if code not in out:
            out.append(code)
    return tuple(out)


def norm_handle(handle: str) -> str:
    """A handle compared case-insensitively and without its leading @."""
    return handle.strip().lstrip("@").lower()


@dataclass(frozen=True, slots=True)
class Match:
    """A mention matched to one watch."""

    watch: int  # index in the WatchSet
    reply_to_brand: bool  # replies to or quotes one of the brand's own posts/accounts
    terms: tuple[str, ...]


@dataclass(slots=True)
class _Compiled:
    terms: dict[str, set[int]] = field(default_factory=dict)  # folded term -> watches
    excludes: dict[str, set[int]] = field(default_factory=dict)
    handles: dict[str, set[int]] = field(default_factory=dict)
    own_posts: dict[str, set[int]] = field(default_factory=dict)


def _is_latin(term: str) -> bool:
    return all(c.isascii() for c in term)


def _alternation(terms: Iterable[str]) -> re.Pattern[str] | None:
    latin = sorted({t for t in terms if _is_latin(t)}, key=len, reverse=True)
    other = sorted({t for t in terms if not _is_latin(t)}, key=len, reverse=True)
    parts = []
    if latin:
        parts.append(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, latin)) + r")(?![a-z0-9])")
    if other:
        parts.append("(?:" + "|".join(map(re.escape, other)) + ")")
    return re.compile("|".join(parts)) if parts else None


class WatchSet:
    """Compiled watches: ``match`` a mention (with its folded text) against all at once."""

    def __init__(self, watches: Sequence[Watch]) -> None:
        self.watches = tuple(watches)
        c = _Compiled()
        for i, w in enumerate(self.watches):
            for term in (*w.keywords, *w.products):
                key = fold_pattern(term).strip()
                if key:
                    c.terms.setdefault(key, set()).add(i)
            for term in w.exclude:
                key = fold_pattern(term).strip()
                if key:
                    c.excludes.setdefault(key, set()).add(i)
            for h in w.handles:
                c.handles.setdefault(norm_handle(h), set()).add(i)
            for p in w.own_posts:
                c.own_posts.setdefault(p.strip(), set()).add(i)
        self._c = c
        self._terms = _alternation(c.terms)
        self._excludes = _alternation(c.excludes)
        names = sorted(c.handles, key=len, reverse=True)
        self._handles = (
            re.compile(r"@(" + "|".join(map(re.escape, names)) + r")(?![a-z0-9_.])")
            if names
            else None
        )
        self._languages = [frozenset(w.languages) for w in self.watches]

    def __len__(self) -> int:
        return len(self.watches)

    def own_account(self, mention: Mention) -> set[int]:
        """Watches whose own account wrote this post (own posts are not mentions)."""
        h = self._c.handles
        found: set[int] = set()
        for who in (mention.author_handle, mention.author_id):
            if who:
                found |= h.get(norm_handle(who), set())
        return found

    def match(self, mention: Mention, folded: str, language: str) -> list[Match]:
        """The watches this mention belongs to (none when it is the brand's own post)."""
        c = self._c
        hits: dict[int, list[str]] = {}
        if self._terms is not None:
            for m in self._terms.finditer(folded):
                term = m.group(0)
                for i in c.terms.get(term, ()):
                    hits.setdefault(i, []).append(term)
        if self._handles is not None and "@" in mention.text:
            for m in self._handles.finditer(mention.text.lower()):
                for i in c.handles.get(m.group(1), ()):
                    hits.setdefault(i, []).append("@" + m.group(1))
        aimed: set[int] = set()
        for ref in (mention.reply_to, mention.quote_of):
            if ref:
                aimed |= c.own_posts.get(ref, set())
        for who in (mention.reply_to_author, mention.quote_of_author):
            if who:
                aimed |= c.handles.get(norm_handle(who), set())
        for i in aimed:
            hits.setdefault(i, [])
        if not hits:
            return []
        if self._excludes is not None:
            for m in self._excludes.finditer(folded):
                for i in c.excludes.get(m.group(0), ()):
                    if i not in aimed:
                        hits.pop(i, None)
        own = self.own_account(mention) if hits else set()
        out = []
        for i, terms in hits.items():
            langs = self._languages[i]
            if i in own or (langs and language not in langs):
                continue
            out.append(Match(i, i in aimed, tuple(dict.fromkeys(terms))))
        return out


def watches_from_config(section: Mapping[str, Any], *, base: Any = None) -> list[Watch]:
    """Watches from the ``[listen]`` section: ``watches`` is a list of tables, or the path
    of a YAML file holding such a list (relative paths are taken from ``base``)."""
    from pathlib import Path

    raw = section.get("watches")
    if raw is None:
        return []
    where = "[listen] watches"
    if isinstance(raw, str):
        path = Path(raw).expanduser()
        if not path.is_absolute() and base is not None:
            path = Path(base) / path
        raw = _read_yaml(path)
        where = str(path)
    if not isinstance(raw, list):
        raise ConfigError(
            "watches must be a list of tables or the path of a YAML file", where=where
        )
    watches = [Watch.from_dict(item, where=f"{where} #{n}") for n, item in enumerate(raw, 1)]
    seen: set[str] = set()
    for w in watches:
        if w.name.lower() in seen:
            raise ConfigError(f"two watches are named {w.name!r}", where=where)
        seen.add(w.name.lower())
    return watches


def _read_yaml(path: Any) -> Any:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "the watches file does not exist", where=str(path), hint="fix [listen] watches"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the watches file: {exc}", where=str(path)) from None
    if isinstance(data, dict) and "watches" in data:
        data = data["watches"]
    return data
