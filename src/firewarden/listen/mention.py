"""The Mention: one post about a watched brand, as every source hands it to the pipeline.

Plain data with a JSON form (``to_dict``/``from_dict``) so it crosses queues and files
unchanged. A mention is identified by ``(platform, id)``; storage keeps it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from firewarden.errors import InputError

PLATFORMS = ("x", "bluesky", "mastodon", "rss", "import", "simulated")
MEDIA_KINDS = ("image", "video")
#: The largest follower or engagement count stored (the database's 32-bit integer columns);
#: no account has this many followers, so a larger figure in a file is a mistake.
MAX_COUNT = 2**31 - 1
#: Mention times outside these are refused: a year typed wrong (9999, 0001) would have a
#: watch's series run through centuries of empty buckets, or past what a date can hold.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
#: A mention dated later than now by more than this (clocks differ a little) is refused from
#: a file and re-dated to its arrival by the streams: a date in the future would have the
#: watch judge every bucket up to it at once, and the real mentions would then arrive late.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Mention:
    """One post. ``created_at`` is aware UTC; counts are as seen when fetched.

    ``reply_to``/``quote_of``/``repost_of`` are platform ids (or URIs) of the post this one
    answers, quotes or reposts; ``reply_to_author`` is that post's author (handle or id),
    so a watch can tell whether the mention answers one of the brand's own posts.
    """

    platform: str
    id: str
    text: str
    created_at: dt.datetime
    url: str = ""
    author_id: str = ""
    author_handle: str = ""
    followers: int = 0
    language: str = ""
    reply_to: str = ""
    reply_to_author: str = ""
    quote_of: str = ""
    quote_of_author: str = ""
    repost_of: str = ""
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    media: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        """``platform:id``, unique across platforms."""
        return f"{self.platform}:{self.id}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["media"] = list(self.media)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "") -> Mention:
        """Build a mention from its JSON form (as written by ``to_dict`` or an import file).

            Without an ``id``, one is derived from the platform, author, time and text. Raises
        InputError naming the missing or malformed field.
        """
        try:
            platform = str(data.get("platform") or "import").strip().lower()
            text = data.get("text")
            if not isinstance(text, str):
                raise InputError("a mention needs a 'text'", where=where)
            created = time_of(data, where)
            ident = str(data.get("id") or "").strip()
            if not ident:
                # Exports without ids: the same row always gets the same id, so a second
                # import of the file is still recognised.
                author = str(data.get("author_handle") or data.get("author") or "")
                key = f"{platform}\n{author}\n{created.isoformat()}\n{text}"
                ident = "h" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:24]
            media = data.get("media") or ()
            if isinstance(media, str):
                media = [m for m in media.replace(";", ",").split(",") if m.strip()]
            return cls(
                platform=platform,
                id=ident,
                text=text,
                created_at=created,
                url=str(data.get("url") or ""),
                author_id=str(data.get("author_id") or ""),
                author_handle=str(data.get("author_handle") or data.get("author") or ""),
                followers=_count(data.get("followers"), "followers", where),
                language=language_code(data.get("language") or data.get("lang"), where),
                reply_to=str(data.get("reply_to") or ""),
                reply_to_author=str(data.get("reply_to_author") or ""),
                quote_of=str(data.get("quote_of") or ""),
                quote_of_author=str(data.get("quote_of_author") or ""),
                repost_of=str(data.get("repost_of") or ""),
                likes=_count(data.get("likes"), "likes", where),
                reposts=_count(data.get("reposts"), "reposts", where),
                replies=_count(data.get("replies"), "replies", where),
                quotes=_count(data.get("quotes"), "quotes", where),
                media=tuple(str(m).strip().lower() for m in media),
            )
        except AttributeError:
            raise InputError("a mention must be an object with named fields", where=where) from None


#: Language names an export may hold instead of a code.
_LANGUAGE_NAMES = {"english": "en", "japanese": "ja", "英語": "en", "日本語": "ja"}


def language_code(value: Any, where: str = "") -> str:
    """A mention's language as the sources give it (``en``, ``ja``: lower case, no region),
    so a watch's language filter matches ``JA``, ``ja-JP`` and ``Japanese`` alike; empty
    when unknown. Anything else is refused: kept as written it would match no watch."""
    if value is None or not str(value).strip():
        return ""
    text = str(value).strip()
    code = text.replace("_", "-").split("-")[0].lower()
    if code.isascii() and code.isalpha() and 2 <= len(code) <= 3:
        return code
    named = _LANGUAGE_NAMES.get(text.lower())
    if named is not None:
        return named
    raise InputError(
        f"the language {text!r} is not a language code",
        where=where,
        hint="write a two-letter code such as en or ja (ja-JP is read as ja), or leave the "
        "language out and it is detected from the text",
    )


def time_of(data: Mapping[str, Any], where: str = "") -> dt.datetime:
    """A record's time: its ``created_at``, else its ``time`` or ``timestamp``."""
    when = data.get("created_at")
    for other in ("time", "timestamp"):
        when = data.get(other) if when is None else when
    return parse_time(when, where=where)


def parse_time(value: Any, *, where: str = "") -> dt.datetime:
    """An aware UTC datetime from ISO 8601 text, Unix seconds, or a datetime (naive = UTC)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = dt.datetime.fromtimestamp(float(value), dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise InputError(
                f"the time {value!r} is out of range for Unix seconds",
                where=where,
                hint="use ISO 8601 (2026-01-05T10:00:00Z) or Unix seconds (1767607200); "
                "milliseconds must be divided by 1000",
            ) from None
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            moment = (
                dt.datetime.fromtimestamp(float(text), dt.UTC)
                if text.replace(".", "", 1).isdigit()
                else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            )
        except (OverflowError, OSError, ValueError):
            raise InputError(
                f"cannot read the time {text!r}",
                where=where,
                hint="use ISO 8601 (2026-01-05T10:00:00Z) or Unix seconds",
            ) from None
    else:
        raise InputError("a mention needs a 'created_at' time", where=where)
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    if not EARLIEST <= moment < LATEST:
        raise InputError(
            f"the time {value!s} is not between {EARLIEST.year} and {LATEST.year - 1}",
            where=where,
            hint="check the year; write ISO 8601 (2026-01-05T10:00:00Z) or Unix seconds "
            "(1767607200)",
        )
    return moment


def _count(value: Any, name: str, where: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(
            f"{name} must be a whole number, not {value!r}",
            where=where,
            hint="write a plain count such as 1250 (no separators, units or words), "
            "or leave it out",
        ) from None
    if number > MAX_COUNT:
        raise InputError(
            f"{name} is {number:,}, more than any account has",
            where=where,
            hint=f"check the column (counts above {MAX_COUNT:,} are refused), or leave it out",
        )
    return max(number, 0)
