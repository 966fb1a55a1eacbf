"""Typed publishing errors: each says what went wrong on which platform and what to do next.

The publishing workflow decides on retries from the type alone: ``RateLimited`` and
``Unavailable`` are worth retrying (after ``retry_after`` seconds when known); ``AuthExpired``
needs a person to renew the credentials; ``Rejected`` needs the post itself to change.
"""

from __future__ import annotations

from firewarden.errors import FirewardenError


class PublishError(FirewardenError):
    """Base class for every failure reported by a publishing adapter."""

    #: True when sending the same post again later may succeed.
    retryable: bool = False

    def __init__(self, message: str, *, platform: str, hint: str = "") -> None:
        self.platform = platform
        super().__init__(message, where=platform, hint=hint)


class RateLimited(PublishError):
    """The platform refused the request because too many were sent; wait, then retry."""

    retryable = True

    def __init__(
        self, *, platform: str, retry_after: float | None, message: str = "", hint: str = ""
    ) -> None:
        #: Seconds to wait before retrying, or None when the platform did not say.
        self.retry_after = None if retry_after is None else max(0.0, retry_after)
        wait = (
            f"retry in {self.retry_after:.0f} s"
            if self.retry_after is not None
            else "retry in a few minutes"
        )
        super().__init__(
            message or "rate limit reached: the platform accepts no more posts for now",
            platform=platform,
            hint=hint or f"nothing was posted; {wait}",
        )


class AuthExpired(PublishError):
    """The credentials were refused (expired, revoked or wrong); a person must renew them."""

    def __init__(self, message: str, *, platform: str, hint: str = "") -> None:
        super().__init__(
            message,
            platform=platform,
            hint=hint or "renew the account's credentials (see docs/publishing.md), then retry",
        )


class Rejected(PublishError):
    """The platform refused this post (too long, duplicate, policy); change it before retrying."""

    def __init__(self, reason: str, *, platform: str, hint: str = "") -> None:
        #: The platform's own explanation, as close to its words as possible.
        self.reason = reason
        super().__init__(
            f"the post was rejected: {reason}",
            platform=platform,
            hint=hint or "edit the post to fix the reason given, then submit it again",
        )


class Unavailable(PublishError):
    """The platform could not be reached or failed on its side; retry later."""

    retryable = True

    def __init__(self, message: str, *, platform: str, hint: str = "") -> None:
        super().__init__(
            message,
            platform=platform,
            hint=hint
            or "the platform or the network failed; retrying is safe (a retry never posts twice)",
        )
