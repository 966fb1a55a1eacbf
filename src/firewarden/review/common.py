"""Shared steps of the review use cases: loading scoped rows, roles, transitions, checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.accounts.service import roles_of
from firewarden.checks.context import Context
from firewarden.checks.types import Level, Report
from firewarden.errors import NotFound
from firewarden.review import audit
from firewarden.review.states import RoleRequired, State, WorkflowError, require_transition
from firewarden.store.tables import CheckReport, Draft, DraftVersion, SocialAccount
from firewarden.store.types import utc

#: The pre-publication check as the workflow calls it: text and context in, report out.
CheckFn = Callable[[str, Context], Report]
WRONG_ACCOUNT = "wrong-account"
#: Roles that write drafts, and roles whose decisions count in review.
AUTHORS = frozenset({"author", "admin"})
REVIEWERS = frozenset({"reviewer", "legal", "admin"})


def default_check(guidelines: Any = None) -> CheckFn:
    """``firewarden.checks.check`` with ``guidelines`` loaded once."""
    from firewarden.checks import check, resolve_guidelines

    loaded = resolve_guidelines(guidelines)

    def run(text: str, context: Context) -> Report:
        return check(text, context, loaded)

    return run


def content_hash(
    text: str,
    attachments: Sequence[str],
    target_ids: Sequence[int],
    scheduled_at: dt.datetime | None,
    sponsored: bool,
) -> str:
    """What an approval is bound to: any change to these makes a different hash."""
    payload = {
        "text": text,
        "attachments": list(attachments),
        "targets": sorted(int(t) for t in target_ids),
        "scheduled_at": utc(scheduled_at).isoformat() if scheduled_at else None,
        "sponsored": bool(sponsored),
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def get_draft(session: Session, *, org_id: int, draft_id: int) -> Draft:
    """The draft, only if it belongs to the organisation."""
    draft = session.scalar(select(Draft).where(Draft.id == draft_id, Draft.org_id == org_id))
    if draft is None:
        raise NotFound(f"no draft {draft_id} in this organisation")
    return draft


def current_version(session: Session, draft: Draft) -> DraftVersion:
    version = session.get(DraftVersion, draft.current_version_id)
    assert version is not None and version.draft_id == draft.id
    return version


def require_role(
    session: Session, *, org_id: int, user_id: int, allowed: frozenset[str], action: str
) -> frozenset[str]:
    """The user's roles, or a clear error if none of them may do ``action``."""
    roles = roles_of(session, org_id=org_id, user_id=user_id)
    if not roles & allowed:
        have = ", ".join(sorted(roles)) or "no role in this organisation"
        raise RoleRequired(
            f"you cannot {action} (your roles: {have})",
            hint=f"this needs one of: {', '.join(sorted(allowed))}; ask an admin",
        )
    return roles


def move(
    session: Session,
    draft: Draft,
    target: State,
    *,
    actor: str,
    action: str,
    now: dt.datetime,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Change the draft's state if the table allows it, and record the change."""
    before = draft.state
    require_transition(before, target, action=action)
    draft.state = target.value
    draft.updated_at = now
    audit.record(
        session,
        org_id=draft.org_id,
        actor=actor,
        action="draft.state",
        subject=f"draft:{draft.id}",
        details={"from": before, "to": target.value, "action": action, **(details or {})},
        at=now,
    )


class Targets:
    @staticmethod
    def validate(session: Session, *, org_id: int, ids: Sequence[int]) -> list[int]:
        """Sorted unique account ids, each checked to belong to the organisation."""
        wanted = sorted({int(i) for i in ids})
        found = set(
            session.scalars(
                select(SocialAccount.id).where(
                    SocialAccount.org_id == org_id, SocialAccount.id.in_(wanted)
                )
            )
        )
        unknown = [i for i in wanted if i not in found]
        if unknown:
            raise WorkflowError(
                f"unknown target account(s): {', '.join(map(str, unknown))}",
                hint="choose accounts registered for this organisation",
            )
        return wanted

    @staticmethod
    def load(session: Session, draft: Draft, version: DraftVersion) -> list[SocialAccount]:
        rows = session.scalars(
            select(SocialAccount)
            .where(SocialAccount.org_id == draft.org_id, SocialAccount.id.in_(version.target_ids))
            .order_by(SocialAccount.id)
        )
        return list(rows)


def check_context(
    version: DraftVersion, account: SocialAccount, *, at: dt.datetime, events: Sequence[str]
) -> Context:
    return Context(
        at=at,
        account=account.kind,
        handle=account.handle,
        events=tuple(events),
        sponsored=version.sponsored,
        attachment="\n".join(version.attachments),
    )


def run_checks(
    session: Session,
    draft: Draft,
    version: DraftVersion,
    *,
    check: CheckFn,
    events: Sequence[str],
    purpose: str,
    now: dt.datetime,
) -> list[Report]:
    """Check the version once per target account and store the reports.

    ``at`` is the scheduled time when there is one (review) or ``now`` (publish), so the check
    sees the calendar of the day the post goes out.
    """
    at = now if purpose == "publish" else (version.scheduled_at or now)
    reports = []
    for account in Targets.load(session, draft, version):
        report = check(version.text, check_context(version, account, at=at, events=events))
        reports.append(report)
        session.add(
            CheckReport(
                version_id=version.id,
                account_id=account.id,
                purpose=purpose,
                level=int(report.level),
                score=float(report.score),
                data=report.to_dict(),
                events=list(events),
                created_at=now,
            )
        )
    session.flush()
    return reports


def highest(reports: Sequence[Report]) -> Level:
    return max((r.level for r in reports), default=Level.NONE)


def has_wrong_account(report: Mapping[str, Any]) -> bool:
    return any(f.get("category") == WRONG_ACCOUNT for f in report.get("findings", ()))


def version_level(session: Session, version: DraftVersion) -> tuple[Level, bool]:
    """The highest level any check gave this version, and whether any saw a wrong account."""
    rows = session.execute(
        select(CheckReport.level, CheckReport.data).where(CheckReport.version_id == version.id)
    ).all()
    level = max((Level(r[0]) for r in rows), default=Level.NONE)
    return level, any(has_wrong_account(r[1]) for r in rows)
