"""The JSON API's request and response shapes (they make the OpenAPI description)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from firewarden.store.tables import Draft, DraftVersion, SocialAccount


class CheckIn(BaseModel):
    """A draft's text and its context (the same fields as ``firewarden check``'s context)."""

    text: str = Field(max_length=20_000)
    account: Literal["corporate", "personal"] = "corporate"
    handle: str = ""
    at: dt.datetime | None = Field(None, description="When it will be posted (default: now).")
    events: list[str] | None = Field(
        None, description="What is happening in the world (default: the configured events)."
    )
    sponsored: bool = False
    attachment: str = Field("", description="Attachment descriptions (alt text), one per line.")
    past_posts: list[str] = []
    language: str = ""
    brand: str = ""


class DraftIn(BaseModel):
    text: str
    targets: list[int] = Field(description="Ids of the social accounts to post from.")
    attachments: list[str] = []
    scheduled_at: dt.datetime | None = None
    sponsored: bool = False
    submit: bool = Field(False, description="Send it for review right away.")


class DraftPatch(BaseModel):
    """Only the fields given change; each edit makes a new version (approvals then lapse)."""

    text: str | None = None
    targets: list[int] | None = None
    attachments: list[str] | None = None
    scheduled_at: dt.datetime | None = None
    sponsored: bool | None = None


class Reason(BaseModel):
    reason: str = ""


class ApproveIn(BaseModel):
    account_confirmed: bool = Field(
        False, description='Required true when the check raised a "wrong account?" finding.'
    )
    comment: str = ""


class AcceptFindingIn(BaseModel):
    rule_id: str
    start: int
    end: int
    reason: str
    field: Literal["text", "attachment"] = "text"


class CommentIn(BaseModel):
    body: str


class ScheduleIn(BaseModel):
    confirm_handles: list[str] = Field(
        [],
        description="The corporate target handles, typed again (needed when the organisation "
        "has both personal and corporate accounts).",
    )


class AccountIn(BaseModel):
    platform: str
    handle: str
    kind: Literal["corporate", "personal"] = "corporate"
    display_name: str = ""
    avatar_url: str = ""


class UserIn(BaseModel):
    email: str
    display_name: str = ""
    password: str = Field("", description="At least 12 characters for a new person.")
    roles: list[str]


class TagsIn(BaseModel):
    tags: list[str]


class TokenIn(BaseModel):
    name: str = "API token"


class AccountOut(BaseModel):
    id: int
    platform: str
    handle: str
    kind: str
    display_name: str
    avatar_url: str

    @classmethod
    def of(cls, a: SocialAccount) -> AccountOut:
        return cls(
            id=a.id,
            platform=a.platform,
            handle=a.handle,
            kind=a.kind,
            display_name=a.display_name,
            avatar_url=a.avatar_url,
        )


class VersionOut(BaseModel):
    number: int
    text: str
    attachments: list[str]
    targets: list[int]
    scheduled_at: dt.datetime | None
    sponsored: bool
    content_hash: str
    created_by: int
    created_at: dt.datetime

    @classmethod
    def of(cls, v: DraftVersion) -> VersionOut:
        return cls(
            number=v.number,
            text=v.text,
            attachments=list(v.attachments),
            targets=list(v.target_ids),
            scheduled_at=v.scheduled_at,
            sponsored=v.sponsored,
            content_hash=v.content_hash,
            created_by=v.created_by,
            created_at=v.created_at,
        )


class DraftOut(BaseModel):
    id: int
    state: str
    language: str
    author_id: int
    level: str | None = None
    send_after: dt.datetime | None
    held_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: VersionOut

    @classmethod
    def of(cls, d: Draft, v: DraftVersion, level: str | None = None) -> DraftOut:
        return cls(
            id=d.id,
            state=d.state,
            language=d.language,
            author_id=d.author_id,
            level=level,
            send_after=d.send_after,
            held_reason=d.held_reason,
            created_at=d.created_at,
            updated_at=d.updated_at,
            version=VersionOut.of(v),
        )


class DraftDetail(DraftOut):
    approved: bool
    missing: list[str]
    blocked_reason: str
    reports: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    accepted_findings: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    publications: list[dict[str, Any]]


class DraftList(BaseModel):
    items: list[DraftOut]
    page: int
    per_page: int
    total: int


class PublicationOut(BaseModel):
    account_id: int
    status: str
    platform_post_id: str
    url: str
    error: str
    attempts: int
    sent_at: dt.datetime | None
    deleted_at: dt.datetime | None
