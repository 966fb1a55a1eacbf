"""The approval policy as a pure function: levels x approvals x perspectives x roles."""

from __future__ import annotations

import itertools

import pytest

from firewarden.checks.types import Level
from firewarden.errors import ConfigError
from firewarden.review.policy import Approval, ApprovalPolicy, Override

AUTHOR = 1
POLICY = ApprovalPolicy()


def rev(
    uid: int, *tags: str, roles: tuple[str, ...] = ("reviewer",), confirmed: bool = False
) -> Approval:
    return Approval(uid, frozenset(roles), frozenset(tags), account_confirmed=confirmed)


A30 = rev(2, "age:30s")
A30_TWIN = rev(3, "age:30s")
A50 = rev(4, "age:50s")
LEGAL = rev(5, "department:legal", roles=("legal",))
ADMIN = Override(6, frozenset({"admin"}), "agreed with the family")

CASES = {
    "nobody": [],
    "one": [A30],
    "two-same": [A30, A30_TWIN],
    "two-diff": [A30, A50],
    "two-diff+legal": [A30, A50, LEGAL],
    "one+legal": [A30, LEGAL],
}
# Expected approval per (level, case) with the default policy and no override.
EXPECTED = {
    Level.NONE: {"one", "two-same", "two-diff", "two-diff+legal", "one+legal"},
    Level.LOW: {"one", "two-same", "two-diff", "two-diff+legal", "one+legal"},
    Level.MEDIUM: {"two-diff", "two-diff+legal", "one+legal"},
    Level.HIGH: {"two-diff+legal", "one+legal"},
    Level.CRITICAL: set(),
}


@pytest.mark.parametrize(("level", "case"), list(itertools.product(Level, CASES)))
def test_matrix(level: Level, case: str) -> None:
    decision = POLICY.decide(level, CASES[case], author_id=AUTHOR)
    assert decision.approved is (case in EXPECTED[level])
    assert decision.approved is (not decision.missing and not decision.blocked_reason)


@pytest.mark.parametrize("case", ["two-diff+legal", "one+legal"])
def test_critical_passes_only_with_admin_override(case: str) -> None:
    assert POLICY.decide(Level.CRITICAL, CASES[case], author_id=AUTHOR, override=ADMIN).approved
    # The override lifts the block, not the other requirements.
    partial = POLICY.decide(Level.CRITICAL, [A30], author_id=AUTHOR, override=ADMIN)
    assert not partial.approved and not partial.blocked_reason


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        (None, "an admin must override"),
        (Override(6, frozenset({"reviewer"}), "x"), "only an admin"),
        (Override(6, frozenset({"admin"}), "  "), "written reason"),
        (Override(AUTHOR, frozenset({"admin"}), "mine"), "author cannot override"),
    ],
)
def test_override_conditions(override: Override | None, problem: str) -> None:
    d = POLICY.decide(Level.CRITICAL, CASES["two-diff+legal"], author_id=AUTHOR, override=override)
    assert not d.approved and problem in d.blocked_reason


def test_self_approval_is_ignored_and_said() -> None:
    d = POLICY.decide(Level.LOW, [rev(AUTHOR, "age:30s")], author_id=AUTHOR)
    assert not d.approved and d.missing == ("one more approval",)
    assert "authors cannot approve their own drafts" in d.ignored[0]


def test_viewer_approval_does_not_count() -> None:
    d = POLICY.decide(Level.LOW, [rev(7, roles=("viewer",))], author_id=AUTHOR)
    assert not d.approved and "no role that may approve" in d.ignored[0]


def test_missing_says_what_perspective_we_have() -> None:
    d = POLICY.decide(Level.MEDIUM, [A30], author_id=AUTHOR)
    assert d.missing == (
        "one more approval",
        "one more reviewer with a different perspective (have: age:30s)",
    )
    d = POLICY.decide(Level.HIGH, [A30, A30_TWIN], author_id=AUTHOR)
    assert "an approval from legal" in d.missing


def test_same_person_counts_once() -> None:
    assert not POLICY.decide(Level.MEDIUM, [A30, A30], author_id=AUTHOR).approved


def test_account_confirmation() -> None:
    d = POLICY.decide(Level.LOW, [A30], author_id=AUTHOR, needs_account_confirmation=True)
    assert not d.approved and "confirms the target accounts" in d.missing[0]
    ok = POLICY.decide(
        Level.LOW, [rev(2, confirmed=True)], author_id=AUTHOR, needs_account_confirmation=True
    )
    assert ok.approved


def test_configured_from_mapping() -> None:
    policy = ApprovalPolicy.from_mapping(
        {"low": {"approvals": 0}, "medium": {"roles": ["legal"]}, "critical": {"blocked": False}}
    )
    assert policy.decide(Level.LOW, [], author_id=AUTHOR).approved
    assert not policy.decide(Level.MEDIUM, [A30, A50], author_id=AUTHOR).approved
    assert policy.decide(Level.CRITICAL, CASES["two-diff+legal"], author_id=AUTHOR).approved


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"severe": {}}, "unknown level 'severe'"),
        ({"high": {"approvers": 2}}, "unknown setting(s): approvers"),
        ({"high": {"approvals": -1}}, "whole number"),
        ({"high": {"roles": ["ceo"]}}, "list of roles"),
        ({"high": {"blocked": "yes"}}, "true or false"),
        ({"high": 3}, "must be a table"),
    ],
)
def test_bad_configuration_names_the_setting(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        ApprovalPolicy.from_mapping(data)
    assert message in str(exc.value) and "review.policy." in str(exc.value)


def test_policy_from_config_sections() -> None:
    from firewarden.review.policy import policy_from_sections

    assert policy_from_sections({}).requirements == ApprovalPolicy().requirements
    policy = policy_from_sections({"review": {"policy": {"low": {"approvals": 0}}}})
    assert policy.decide(Level.LOW, [], author_id=AUTHOR).approved
    with pytest.raises(ConfigError, match=r"review\.policy"):
        policy_from_sections({"review": {"policy": 3}})
