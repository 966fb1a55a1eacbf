"""Taking a published post down: evidence first, then the delete, then a proposed follow-up.

Like publishing, :func:`delete_published` commits: each snapshot is saved (and audited)
before the platform is asked to delete, so the record survives whatever the network does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from firewarden.review import audit
from firewarden.review.common import get_draft, require_role
from firewarden.review.publishing import PublisherFor
from firewarden.review.states import State, WorkflowError
from firewarden.store.tables import (
    CheckReport,
    DraftVersion,
    EvidenceSnapshot,
    Publication,
    SocialAccount,
)

_DELETERS = frozenset({"admin", "author", "legal"})

FOLLOW_UP = {
    "en": (
        "We have removed a post we published earlier from this account. It did not meet our "
        "standards, and we apologise to everyone it upset. We are reviewing how it was "
        "published so that it does not happen again."
    ),
    "ja": (
        "先ほど当アカウントで公開した投稿を削除いたしました。当社の基準にそぐわない内容であり、"
        "ご不快な思いをされた皆さまに心よりお詫び申し上げます。"
        "公開に至った経緯を確認し、再発防止に努めてまいります。"
    ),
}


@dataclass
class DeletionResult:
    draft_id: int
    snapshot_ids: list[int] = field(default_factory=list)
    deleted_account_ids: list[int] = field(default_factory=list)
    #: account id -> what went wrong deleting there (the snapshot is saved regardless).
    errors: dict[int, str] = field(default_factory=dict)
    #: A proposed post explaining the deletion, in the draft's language; edit before use.
    follow_up: str = ""


def follow_up_text(language: str) -> str:
    """A proposed follow-up post for a deletion, in English or Japanese."""
    return FOLLOW_UP.get(language, FOLLOW_UP["en"])


def delete_published(
    session: Session,
    *,
    org_id: int,
    draft_id: int,
    user_id: int,
    reason: str,
    publisher_for: PublisherFor,
    now: dt.datetime,
) -> DeletionResult:
    """Delete every published copy of a draft, saving evidence of each first."""
    require_role(
        session, org_id=org_id, user_id=user_id, allowed=_DELETERS, action="delete published posts"
    )
    if not reason.strip():
        raise WorkflowError(
            "deleting a published post needs a reason",
            hint="say why it comes down; the reason is kept with the evidence",
        )
    draft = get_draft(session, org_id=org_id, draft_id=draft_id)
    if draft.state not in (State.PUBLISHED, State.PARTIALLY_PUBLISHED):
        raise WorkflowError(
            f"cannot delete: the draft is {draft.state.replace('_', ' ')}",
            hint="only published posts can be deleted",
        )
    result = DeletionResult(draft_id=draft.id, follow_up=follow_up_text(draft.language))
    pubs = list(
        session.scalars(
            select(Publication)
            .where(
                Publication.draft_id == draft.id,
                Publication.org_id == org_id,
                Publication.status == "sent",
            )
            .order_by(Publication.id)
        )
    )
    if not pubs:
        raise WorkflowError("there is nothing published to delete for this draft")
    actor = f"user:{user_id}"
    for pub in pubs:
        account = session.get_one(SocialAccount, pub.account_id)
        snapshot = _snapshot(session, pub, account, user_id=user_id, reason=reason, now=now)
        audit.record(
            session,
            org_id=org_id,
            actor=actor,
            action="post.evidence_saved",
            subject=f"draft:{draft.id}",
            details={
                "snapshot": snapshot.id,
                "account_id": account.id,
                "post_id": pub.platform_post_id,
                "reason": reason.strip(),
            },
            at=now,
        )
        result.snapshot_ids.append(snapshot.id)
        pub_id, post_id = pub.id, pub.platform_post_id
        try:
            publisher = publisher_for(account)
        except Exception as exc:  # no adapter or credentials: report it, keep the evidence
            session.commit()
            result.errors[account.id] = f"{type(exc).__name__}: {exc}"
            continue
        session.commit()  # the evidence is safe before anything leaves the machine
        try:
            publisher.delete(post_id)
        except Exception as exc:  # recorded per account
            result.errors[account.id] = str(exc)
            audit.record(
                session,
                org_id=org_id,
                actor=actor,
                action="post.delete_failed",
                subject=f"draft:{draft.id}",
                details={"account_id": account.id, "error": str(exc)},
                at=now,
            )
            session.commit()
            continue
        row = session.get_one(Publication, pub_id)
        row.status, row.deleted_at = "deleted", now
        audit.record(
            session,
            org_id=org_id,
            actor=actor,
            action="post.deleted",
            subject=f"draft:{draft.id}",
            details={"account_id": account.id, "post_id": post_id},
            at=now,
        )
        session.commit()
        result.deleted_account_ids.append(account.id)
    return result


def _snapshot(
    session: Session,
    pub: Publication,
    account: SocialAccount,
    *,
    user_id: int,
    reason: str,
    now: dt.datetime,
) -> EvidenceSnapshot:
    version = session.get_one(DraftVersion, pub.version_id)
    report = session.scalar(
        select(CheckReport.data)
        .where(CheckReport.version_id == version.id, CheckReport.account_id == account.id)
        .order_by(CheckReport.id.desc())
        .limit(1)
    )
    data = {
        "text": version.text,
        "attachments": list(version.attachments),
        "platform": account.platform,
        "account": account.handle,
        "platform_post_id": pub.platform_post_id,
        "url": pub.url,
        "published_at": pub.sent_at.isoformat() if pub.sent_at else None,
        "version": version.number,
        "content_hash": version.content_hash,
        "report": report,
    }
    snap = EvidenceSnapshot(
        org_id=pub.org_id,
        draft_id=pub.draft_id,
        publication_id=pub.id,
        user_id=user_id,
        reason=reason.strip(),
        data=data,
        created_at=now,
    )
    session.add(snap)
    session.flush()
    return snap


__all__ = ["DeletionResult", "delete_published", "follow_up_text"]
