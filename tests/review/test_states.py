"""Every pair of states: allowed transitions pass, all others raise a clear WorkflowError."""

from __future__ import annotations

import itertools

import pytest

from firewarden.review.states import TRANSITIONS, State, WorkflowError, can_move, require_transition

ALLOWED = {
    ("draft", "in_review"),
    ("draft", "withdrawn"),
    ("in_review", "in_review"),
    ("in_review", "approved"),
    ("in_review", "rejected"),
    ("in_review", "withdrawn"),
    ("approved", "in_review"),
    ("approved", "scheduled"),
    ("approved", "withdrawn"),
    ("scheduled", "in_review"),
    ("scheduled", "approved"),
    ("scheduled", "publishing"),
    ("scheduled", "withdrawn"),
    ("publishing", "published"),
    ("publishing", "partially_published"),
    ("publishing", "failed"),
    ("publishing", "scheduled"),
    ("partially_published", "scheduled"),
    ("failed", "scheduled"),
    ("failed", "in_review"),
    ("failed", "withdrawn"),
    ("rejected", "draft"),
    ("rejected", "in_review"),
    ("rejected", "withdrawn"),
}


def test_table_is_exactly_the_documented_one() -> None:
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert set(TRANSITIONS) == set(State)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(State, State)))
def test_each_pair(current: State, target: State) -> None:
    if (current.value, target.value) in ALLOWED:
        assert can_move(current, target)
        require_transition(current, target, action="test")
    else:
        assert not can_move(current, target)
        with pytest.raises(WorkflowError) as exc:
            require_transition(current, target, action="do that")
        text = str(exc.value)
        assert text.startswith(f"cannot do that: the draft is {current.value.replace('_', ' ')}")
        assert "hint:" in text


def test_terminal_states() -> None:
    assert not TRANSITIONS[State.PUBLISHED] and not TRANSITIONS[State.WITHDRAWN]
