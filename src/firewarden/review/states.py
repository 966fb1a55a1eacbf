"""The draft's states and the only transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum

from firewarden.errors import FirewardenError


class State(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTIALLY_PUBLISHED = "partially_published"
    FAILED = "failed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class WorkflowError(FirewardenError):
    """A step that the draft's state, the user's role or the policy does not allow."""


class RoleRequired(WorkflowError):
    """A step that none of the user's roles allows (the others are about the draft)."""


S = State
#: state -> states it may move to. Edits of a reviewed draft go back to in_review.
TRANSITIONS: dict[State, frozenset[State]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.IN_REVIEW, S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.IN_REVIEW, S.SCHEDULED, S.WITHDRAWN}),
    S.SCHEDULED: frozenset({S.IN_REVIEW, S.APPROVED, S.PUBLISHING, S.WITHDRAWN}),
    # Back to scheduled: a worker gave its claim up (held at the last check).
    S.PUBLISHING: frozenset({S.PUBLISHED, S.PARTIALLY_PUBLISHED, S.FAILED, S.SCHEDULED}),
    S.PUBLISHED: frozenset(),
    # Retrying sends only to the accounts that did not get the post.
    S.PARTIALLY_PUBLISHED: frozenset({S.SCHEDULED}),
    S.FAILED: frozenset({S.SCHEDULED, S.IN_REVIEW, S.WITHDRAWN}),
    S.REJECTED: frozenset({S.DRAFT, S.IN_REVIEW, S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
}

#: States in which the content can still be edited (a new version).
EDITABLE = frozenset({S.DRAFT, S.IN_REVIEW, S.APPROVED, S.SCHEDULED, S.REJECTED, S.FAILED})

_WHAT_NEXT: dict[State, str] = {
    S.DRAFT: "submit it for review first",
    S.IN_REVIEW: "it is waiting for reviewers",
    S.APPROVED: "schedule it, edit it (needs new approvals) or withdraw it",
    S.SCHEDULED: "it will be sent when due; edit or withdraw it to stop that",
    S.PUBLISHING: "a worker is sending it right now",
    S.PUBLISHED: "it is out; delete the published post if it must come down",
    S.PARTIALLY_PUBLISHED: "retry the accounts that failed, or delete what was published",
    S.FAILED: "retry it, or edit it",
    S.REJECTED: "edit it to address the reviewers' comments, then submit again",
    S.WITHDRAWN: "it was withdrawn; start a new draft",
}


def can_move(current: State | str, target: State | str) -> bool:
    return State(target) in TRANSITIONS[State(current)]


def require_transition(current: State | str, target: State | str, *, action: str) -> None:
    """Raise a :class:`WorkflowError` that says why ``action`` is not possible now."""
    cur, tgt = State(current), State(target)
    if tgt not in TRANSITIONS[cur]:
        raise WorkflowError(
            f"cannot {action}: the draft is {cur.value.replace('_', ' ')}",
            hint=_WHAT_NEXT[cur],
        )
