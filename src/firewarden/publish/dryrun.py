"""A publisher that posts nothing: it records what would have been posted (demos, rehearsals)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from firewarden.publish.base import OutgoingPost, PublishResult, PublishStatus

PLATFORM = "dryrun"


@dataclass(frozen=True, slots=True)
class DryRunRecord:
    """One action the dry run took: ``action`` is "publish" or "delete"."""

    action: str
    post_id: str
    post: OutgoingPost | None = None


class DryRunPublisher:
    """Returns stable fake ids and URLs; a repeated idempotency key returns the first post."""

    def __init__(self, platform: str = PLATFORM) -> None:
        #: The platform this dry run stands in for; shown in ids and URLs.
        self.platform = platform
        #: Everything done so far, in order.
        self.records: list[DryRunRecord] = []
        self._live: dict[str, OutgoingPost] = {}

    def _post_id(self, key: str) -> str:
        return "dry-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def _url(self, post_id: str) -> str:
        # .invalid is reserved (RFC 2606): the URL can never resolve to a real site.
        return f"https://dry-run.invalid/{self.platform}/{post_id}"

    def publish(self, post: OutgoingPost) -> PublishResult:
        """Record the post; the same key again returns the recorded post, not a new one."""
        post_id = self._post_id(post.idempotency_key)
        if post_id in self._live:
            return PublishResult(self.platform, post_id, self._url(post_id), created=False)
        self._live[post_id] = post
        self.records.append(DryRunRecord("publish", post_id, post))
        return PublishResult(self.platform, post_id, self._url(post_id))

    def delete(self, platform_post_id: str) -> None:
        """Record the deletion; deleting an unknown id is not an error."""
        if self._live.pop(platform_post_id, None) is not None:
            self.records.append(DryRunRecord("delete", platform_post_id))

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        """The recorded post for an id or an outgoing post, if it was published and not deleted."""
        post_id, found_by = (
            (self._post_id(ref.idempotency_key), "key")
            if isinstance(ref, OutgoingPost)
            else (ref, "id")
        )
        post = self._live.get(post_id)
        if post is None:
            return None
        return PublishStatus(self.platform, post_id, self._url(post_id), post.text, found_by)
