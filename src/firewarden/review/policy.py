"""Who must approve a draft before it can go out: a pure policy over the check's level.

Configured from the company file's ``[review.policy]`` table (parsed by the caller), one
sub-table per level::

    [review.policy.medium]
    approvals = 2               # how many approvals, from anyone allowed to approve
    distinct_perspectives = 2   # how many of them with different perspective tags
    roles = ["legal"]           # at least one approval from someone with each role
    blocked = false             # true: only an admin override with a reason lets it out

Unset levels keep the defaults below. Authors never approve their own drafts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from firewarden.checks.types import Level
from firewarden.errors import ConfigError

#: Roles whose approval counts; "legal" also satisfies a legal requirement.
APPROVER_ROLES = frozenset({"reviewer", "legal", "admin"})
_KEYS = frozenset({"approvals", "distinct_perspectives", "roles", "blocked"})


@dataclass(frozen=True, slots=True)
class Requirement:
    """What one level needs."""

    approvals: int = 1
    distinct_perspectives: int = 1
    roles: frozenset[str] = frozenset()
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Approval:
    """One approval as the policy sees it (already bound to the current version)."""

    user_id: int
    roles: frozenset[str]
    tags: frozenset[str] = frozenset()
    account_confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Override:
    """An admin letting a blocked draft out, in writing."""

    user_id: int
    roles: frozenset[str]
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    approved: bool
    #: Human-readable requirements still open, e.g. "one more reviewer with a different
    #: perspective (have: age:30s)".
    missing: tuple[str, ...] = ()
    blocked_reason: str = ""
    #: Approvals that were not counted, and why (self-approval, no approver role).
    ignored: tuple[str, ...] = ()


_DEFAULTS: dict[Level, Requirement] = {
    Level.NONE: Requirement(),
    Level.LOW: Requirement(),
    Level.MEDIUM: Requirement(approvals=2, distinct_perspectives=2),
    Level.HIGH: Requirement(approvals=2, distinct_perspectives=2, roles=frozenset({"legal"})),
    Level.CRITICAL: Requirement(
        approvals=2, distinct_perspectives=2, roles=frozenset({"legal"}), blocked=True
    ),
}


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    requirements: Mapping[Level, Requirement] = field(default_factory=lambda: dict(_DEFAULTS))

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any] | None, *, where: str = "review.policy"
    ) -> ApprovalPolicy:
        """The policy from a parsed ``[review.policy]`` table; errors name the bad setting."""
        reqs = dict(_DEFAULTS)
        for name, table in (data or {}).items():
            try:
                level = Level.parse(str(name))
            except ValueError as exc:
                raise ConfigError(str(exc), where=f"{where}.{name}") from None
            if not isinstance(table, Mapping):
                raise ConfigError("must be a table of settings", where=f"{where}.{name}")
            reqs[level] = _requirement(reqs[level], table, where=f"{where}.{name}")
        return cls(reqs)

    def decide(
        self,
        report_level: Level,
        approvals: Sequence[Approval],
        *,
        author_id: int,
        override: Override | None = None,
        needs_account_confirmation: bool = False,
    ) -> Decision:
        """Whether ``approvals`` (and an override, if any) let a draft at ``report_level`` out."""
        req = self.requirements[report_level]
        counted, ignored = _count(approvals, author_id)
        missing: list[str] = []
        if len(counted) < req.approvals:
            more = req.approvals - len(counted)
            missing.append(f"{_n(more)} more approval{'s' if more > 1 else ''}")
        perspectives = _perspectives(counted)
        # One perspective is what any approval brings; only ask for more than one.
        if req.distinct_perspectives > 1 and len(perspectives) < req.distinct_perspectives:
            have = "; ".join(sorted(_label(p) for p in perspectives)) or "none yet"
            more = req.distinct_perspectives - len(perspectives)
            who = "reviewer" if more == 1 else "reviewers"
            missing.append(f"{_n(more)} more {who} with a different perspective (have: {have})")
        for role in sorted(req.roles):
            if not any(role in a.roles for a in counted):
                missing.append(f"an approval from {_role_label(role)}")
        if needs_account_confirmation and not any(a.account_confirmed for a in counted):
            missing.append(
                "an approver who confirms the target accounts "
                "(the check flagged a possible wrong account)"
            )
        blocked_reason = ""
        if req.blocked:
            blocked_reason = _override_problem(override, author_id)
        return Decision(
            approved=not missing and not blocked_reason,
            missing=tuple(missing),
            blocked_reason=blocked_reason,
            ignored=tuple(ignored),
        )


def _requirement(base: Requirement, table: Mapping[str, Any], *, where: str) -> Requirement:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            f"unknown setting(s): {', '.join(unknown)}",
            where=where,
            hint=f"known: {', '.join(sorted(_KEYS))}",
        )
    out = base
    for key in ("approvals", "distinct_perspectives"):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError("must be a whole number, 0 or more", where=f"{where}.{key}")
            out = (
                replace(out, approvals=value)
                if key == "approvals"
                else replace(out, distinct_perspectives=value)
            )
    if "roles" in table:
        roles = table["roles"]
        if not isinstance(roles, list) or not all(r in APPROVER_ROLES for r in roles):
            raise ConfigError(
                "must be a list of roles",
                where=f"{where}.roles",
                hint=f"roles that approve: {', '.join(sorted(APPROVER_ROLES))}",
            )
        out = replace(out, roles=frozenset(roles))
    if "blocked" in table:
        if not isinstance(table["blocked"], bool):
            raise ConfigError("must be true or false", where=f"{where}.blocked")
        out = replace(out, blocked=table["blocked"])
    return out


def _count(approvals: Iterable[Approval], author_id: int) -> tuple[list[Approval], list[str]]:
    counted: dict[int, Approval] = {}
    ignored: list[str] = []
    for a in approvals:
        if a.user_id == author_id:
            ignored.append(f"user {a.user_id}: authors cannot approve their own drafts")
        elif not a.roles & APPROVER_ROLES:
            ignored.append(f"user {a.user_id}: has no role that may approve")
        elif a.user_id in counted:
            # One person counts once; a later approval may add the account confirmation.
            earlier = counted[a.user_id]
            confirmed = earlier.account_confirmed or a.account_confirmed
            counted[a.user_id] = replace(a, account_confirmed=confirmed)
        else:
            counted[a.user_id] = a
    return list(counted.values()), ignored


def _perspectives(approvals: Iterable[Approval]) -> set[frozenset[str]]:
    # Reviewers differ when their declared tag sets differ; undeclared ones share one "unknown".
    return {a.tags for a in approvals}


def _label(tags: frozenset[str]) -> str:
    return ", ".join(sorted(tags)) if tags else "no tags declared"


def _role_label(role: str) -> str:
    return {"legal": "legal", "admin": "an admin"}.get(role, f"a {role}")


def _n(count: int) -> str:
    return {1: "one", 2: "two", 3: "three"}.get(count, str(count))


def _override_problem(override: Override | None, author_id: int) -> str:
    if override is None:
        return "blocked at this level: an admin must override with a written reason"
    if "admin" not in override.roles:
        return "blocked at this level: only an admin can override"
    if override.user_id == author_id:
        return "blocked at this level: the author cannot override their own draft"
    if not override.reason.strip():
        return "blocked at this level: the override needs a written reason"
    return ""


def policy_from_sections(sections: Mapping[str, Mapping[str, Any]]) -> ApprovalPolicy:
    """The policy from the configuration's sections (``Config.sections``): ``[review.policy]``."""
    review = sections.get("review", {})
    policy = review.get("policy") if isinstance(review, Mapping) else None
    if policy is not None and not isinstance(policy, Mapping):
        raise ConfigError("must be a table with one sub-table per level", where="review.policy")
    return ApprovalPolicy.from_mapping(policy)
