"""The listening tables (registered on the shared ``Base``; migrations 0003 to 0005).

* ``listen_watches``: watches (from the company's file, the CLI or the web app).
* ``listen_watch_revision``: one row whose counter every watch change bumps (migration 0004),
  so a running listener notices edits with one cheap query.
* ``listen_mentions``: each mention once per ``(platform, platform_id)``, with its enrichment.
* ``listen_mention_watches``: which watch a mention counts for; inserting a row here is what
  counts the mention (a redelivered mention finds its row and is not counted again).
* ``listen_buckets``: per watch and bucket, the counts the detector reads.
* ``listen_cursors``: where each source resumes after a restart.
* ``listen_alerts``: alerts raised, with their explanation, evidence and delivery record.
* ``listen_checkpoints``: per watch, the latest saved detector state (migration 0005), so a
  rebuild replays only what was stored after it (a cache: the mentions stay the truth).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from firewarden.store.tables import Base


class ListenWatch(Base):
    __tablename__ = "listen_watches"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    #: ``Watch.to_dict()``: keywords, handles, own posts, products, exclusions, languages.
    definition: Mapped[dict[str, Any]]
    #: Where it was defined: file (the company's configuration), cli or web.
    origin: Mapped[str] = mapped_column(String(20), default="cli")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class ListenWatchRevision(Base):
    __tablename__ = "listen_watch_revision"
    #: Always 1: the table has a single row.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Bumped in the same transaction as every watch add, change, pause, resume and removal.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime]


class ListenMention(Base):
    __tablename__ = "listen_mentions"
    __table_args__ = (Index("ix_listen_mentions_created_at", "created_at"),)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    platform_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), default="")
    author_id: Mapped[str] = mapped_column(String(300), default="")
    author_handle: Mapped[str] = mapped_column(String(300), default="")
    followers: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    language: Mapped[str] = mapped_column(String(10), default="")
    reply_to: Mapped[str] = mapped_column(String(300), default="")
    reply_to_author: Mapped[str] = mapped_column(String(300), default="")
    quote_of: Mapped[str] = mapped_column(String(300), default="")
    quote_of_author: Mapped[str] = mapped_column(String(300), default="")
    repost_of: Mapped[str] = mapped_column(String(300), default="")
    likes: Mapped[int] = mapped_column(Integer, default=0)
    reposts: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[int] = mapped_column(Integer, default=0)
    quotes: Mapped[int] = mapped_column(Integer, default=0)
    media: Mapped[str] = mapped_column(String(100), default="")
    sentiment: Mapped[str] = mapped_column(String(10), default="neutral")
    offensive: Mapped[bool] = mapped_column(Boolean, default=False)
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    topics: Mapped[str] = mapped_column(String(200), default="")
    reach: Mapped[int] = mapped_column(Integer, default=0)
    misconduct: Mapped[bool] = mapped_column(Boolean, default=False)


class ListenMentionWatch(Base):
    __tablename__ = "listen_mention_watches"
    __table_args__ = (Index("ix_listen_mention_watches_time", "watch_id", "created_at"),)
    watch_id: Mapped[int] = mapped_column(
        ForeignKey("listen_watches.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    platform_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    created_at: Mapped[dt.datetime]
    negative: Mapped[bool] = mapped_column(Boolean, default=False)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    reply_to_brand: Mapped[bool] = mapped_column(Boolean, default=False)


class ListenBucket(Base):
    __tablename__ = "listen_buckets"
    watch_id: Mapped[int] = mapped_column(
        ForeignKey("listen_watches.id", ondelete="CASCADE"), primary_key=True
    )
    start: Mapped[dt.datetime] = mapped_column(primary_key=True)
    volume: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)
    reach_negative: Mapped[float] = mapped_column(Float, default=0.0)
    replies_to_brand: Mapped[int] = mapped_column(Integer, default=0)


class ListenCursor(Base):
    __tablename__ = "listen_cursors"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]


class ListenAlert(Base):
    __tablename__ = "listen_alerts"
    __table_args__ = (UniqueConstraint("watch_id", "bucket_start", "level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    watch_id: Mapped[int] = mapped_column(
        ForeignKey("listen_watches.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(10))
    bucket_start: Mapped[dt.datetime]
    raised_at: Mapped[dt.datetime]
    summary: Mapped[str] = mapped_column(Text)
    #: Explanations of every series that alerted, and the evidence (top terms, posts, samples).
    data: Mapped[dict[str, Any]]
    #: open | acknowledged | closed
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: One entry per channel: {"channel", "ok", "error"}.
    notified: Mapped[list[Any]] = mapped_column(default=list)


class ListenCheckpoint(Base):
    __tablename__ = "listen_checkpoints"
    watch_id: Mapped[int] = mapped_column(
        ForeignKey("listen_watches.id", ondelete="CASCADE"), primary_key=True
    )
    #: The start of the first bucket the saved state has NOT seen.
    next_start: Mapped[dt.datetime]
    #: The state's format: code, detector settings and bucket width (``checkpoint.py``).
    version: Mapped[str] = mapped_column(String(64))
    #: The detector, serialised (``checkpoint.dumps``).
    state: Mapped[bytes] = mapped_column(LargeBinary)
    written_at: Mapped[dt.datetime]
