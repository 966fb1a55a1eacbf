"""One person acting on one draft: the review services with the web request's context filled in.

The pages (``drafts.py``, ``review.py``) and the JSON API (``api.py``) both act through
:class:`DraftActions`, so each action, its guards (the "wrong account?" confirmation, the
typed handles before scheduling) and its arguments are written once. Each side only reads its
input (a form or a JSON body) and presents the outcome (a flash message or the draft's detail).
Nothing here commits: the caller commits once the action has succeeded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from firewarden.checks.types import Level
from firewarden.review import service
from firewarden.review.common import current_version, get_draft
from firewarden.review.queries import draft_overview
from firewarden.review.removal import DeletionResult
from firewarden.web.app import WebApp
from firewarden.web.guard import (
    handles_to_confirm,
    require_account_confirmation,
    require_handles,
    wrong_account_flagged,
)
from firewarden.web.reads import accounts_of
from firewarden.web.security import Principal

KEEP: object = object()
"""``scheduled_at`` for :meth:`DraftActions.edit`: leave the planned time as it is."""


def create_draft(
    session: Session,
    web: WebApp,
    me: Principal,
    *,
    text: str,
    targets: Sequence[int],
    attachments: Sequence[str],
    scheduled_at: dt.datetime | None,
    sponsored: bool,
    submit: bool,
) -> tuple[int, str]:
    """Save a new draft, and send it for review when ``submit``; its id and what happened."""
    draft = service.create_draft(
        session,
        org_id=me.org_id,
        author_id=me.user_id,
        text=text,
        targets=targets,
        attachments=attachments,
        scheduled_at=scheduled_at,
        sponsored=sponsored,
        now=web.now(),
    )
    if not submit:
        return draft.id, f"Draft {draft.id} saved."
    level = DraftActions(session, web, me, draft.id).submit()
    return draft.id, f"Draft {draft.id} sent for review (risk: {level.label})."


@dataclass(frozen=True, slots=True)
class DraftActions:
    """The actions ``me`` can take on draft ``draft_id``; each returns the message to show."""

    session: Session
    web: WebApp
    me: Principal
    draft_id: int

    def _who(self) -> dict[str, int]:
        return {"org_id": self.me.org_id, "draft_id": self.draft_id, "user_id": self.me.user_id}

    def edit(
        self,
        *,
        text: str | None = None,
        attachments: Sequence[str] | None = None,
        targets: Sequence[int] | None = None,
        sponsored: bool | None = None,
        scheduled_at: dt.datetime | object | None = KEEP,
    ) -> str:
        """A new version with the given changes (``None``: unchanged), checked again."""
        when: dict[str, Any] = {} if scheduled_at is KEEP else {"scheduled_at": scheduled_at}
        version = service.edit_draft(
            self.session,
            **self._who(),
            text=text,
            attachments=attachments,
            targets=targets,
            sponsored=sponsored,
            now=self.web.now(),
            check=self.web.check,
            events=self.web.events(),
            **when,
        )
        return f"Saved as version {version.number}."

    def submit(self) -> Level:
        """Check the current version and send it to the reviewers; its risk level."""
        return service.submit_for_review(
            self.session,
            **self._who(),
            now=self.web.now(),
            check=self.web.check,
            events=self.web.events(),
        )

    def approve(self, *, account_confirmed: bool, comment: str) -> str:
        """Approve, after the "wrong account?" confirmation when a check raised it."""
        overview = draft_overview(
            self.session, org_id=self.me.org_id, draft_id=self.draft_id, policy=self.web.policy
        )
        flagged = wrong_account_flagged(r.data for r in overview.reports)
        require_account_confirmation(flagged, account_confirmed)
        decision = service.approve(
            self.session,
            **self._who(),
            policy=self.web.policy,
            now=self.web.now(),
            account_confirmed=account_confirmed,
            comment=comment,
        )
        if decision.approved:
            return "Approved: the draft is ready to schedule."
        return "Your approval is recorded. Still needed: " + "; ".join(decision.missing)

    def reject(self, reason: str) -> str:
        service.reject(self.session, **self._who(), reason=reason, now=self.web.now())
        return "Rejected: the author sees your reason."

    def accept_finding(self, *, rule_id: str, start: int, end: int, field: str, reason: str) -> str:
        service.accept_finding(
            self.session,
            **self._who(),
            rule_id=rule_id,
            start=start,
            end=end,
            field=field,
            reason=reason,
            now=self.web.now(),
        )
        return "Finding accepted; later reviewers see your reason."

    def comment(self, body: str) -> str:
        service.add_comment(self.session, **self._who(), body=body, now=self.web.now())
        return "Comment added."

    def override(self, reason: str) -> str:
        decision = service.override(
            self.session,
            org_id=self.me.org_id,
            draft_id=self.draft_id,
            admin_id=self.me.user_id,
            reason=reason,
            policy=self.web.policy,
            now=self.web.now(),
        )
        if decision.approved:
            return "Override recorded: the draft is approved."
        return "Override recorded. Still needed: " + "; ".join(decision.missing)

    def schedule(self, typed_handles: Sequence[str]) -> str:
        """Queue an approved draft, after the handles of its accounts were typed where needed."""
        draft = get_draft(self.session, org_id=self.me.org_id, draft_id=self.draft_id)
        version = current_version(self.session, draft)
        accounts = accounts_of(self.session, org_id=self.me.org_id)
        targets = [a for a in accounts if a.id in version.target_ids]
        if draft.state == "approved":  # other states are refused by the service, with a hint
            require_handles(handles_to_confirm(targets, accounts), list(typed_handles))
        at = service.schedule(
            self.session, **self._who(), now=self.web.now(), undo_seconds=self.web.undo_seconds
        )
        return f"Scheduled: it goes out at {at:%Y-%m-%d %H:%M:%S} UTC. You can cancel until then."

    def cancel(self) -> str:
        service.cancel_schedule(self.session, **self._who(), now=self.web.now())
        return "Cancelled: nothing was sent. The draft is approved; schedule it again when ready."

    def retry(self) -> str:
        service.retry(self.session, **self._who(), now=self.web.now())
        return "Queued again: accounts that already have the post are skipped."

    def withdraw(self, reason: str) -> str:
        service.withdraw(self.session, **self._who(), now=self.web.now(), reason=reason)
        return "Withdrawn: the draft will not be published."

    def delete_published(self, reason: str) -> DeletionResult:
        """Snapshot, delete and propose a follow-up post (see the service)."""
        return service.delete_published(
            self.session,
            **self._who(),
            reason=reason,
            publisher_for=self.web.publisher_for,
            now=self.web.now(),
        )
