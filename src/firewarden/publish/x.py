"""Publishing to X through tweepy and the X API v2 (``POST /2/tweets``, ``DELETE /2/tweets/:id``).

X has no idempotency key. Before a retry, ``status(post)`` lists the account's own tweets since
the post was queued (``GET /2/users/:id/tweets``) and looks for the same text (links compared
as links, since X rewrites them to t.co). X also refuses an exact duplicate of a recent tweet
(403 "duplicate content"); ``publish`` answers that with the earlier tweet.

``base_url`` is a supported seam: tweepy builds every URL from https://api.twitter.com, and the
session given to tweepy rewrites that prefix to ``base_url`` (a proxy, a gateway, or a local
fake in tests). OAuth 1.0a signatures are computed over the rewritten URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import requests
import tweepy

from firewarden.publish.base import OutgoingPost, PublishResult, PublishStatus, same_text
from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable

PLATFORM = "x"
TWEEPY_HOST = "https://api.twitter.com"
# Posts made just before the queue time (clock skew between here and X) still count.
_SKEW = timedelta(minutes=10)


class _RebasedSession(requests.Session):
    """A requests session that sends tweepy's api.twitter.com calls to ``base_url``."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if url.startswith(TWEEPY_HOST):
            url = self._base_url + url[len(TWEEPY_HOST) :]
        kwargs.setdefault("timeout", self._timeout)  # tweepy sets none: never hang forever
        return super().request(method, url, *args, **kwargs)


class XPublisher:
    """Posts as one X account, with OAuth 1.0a user keys or an OAuth 2.0 user access token."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        api_key: str = "",
        api_secret: str = "",
        access_token: str = "",
        access_token_secret: str = "",
        user_access_token: str = "",
        base_url: str = TWEEPY_HOST,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._oauth1 = not user_access_token
        self._client = tweepy.Client(
            bearer_token=user_access_token or None,
            consumer_key=api_key or None,
            consumer_secret=api_secret or None,
            access_token=access_token or None,
            access_token_secret=access_token_secret or None,
            return_type=dict,
        )
        self._client.session = _RebasedSession(base_url, timeout)
        self._clock = clock
        self._me: dict[str, str] | None = None

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.session.close()

    def publish(self, post: OutgoingPost) -> PublishResult:
        """Create the tweet; a duplicate refused by X resolves to the earlier tweet."""
        if post.attachments:
            raise Rejected(
                "media upload to X is not supported yet",
                platform=PLATFORM,
                hint="post the text without attachments, or publish this one by hand",
            )
        try:
            with self._errors():
                reply = self._client.create_tweet(text=post.text, user_auth=self._oauth1)
        except Rejected as exc:
            if "duplicate" not in exc.reason.lower():
                raise
            earlier = self.status(post)
            if earlier is None:
                raise
            return PublishResult(PLATFORM, earlier.post_id, earlier.url, created=False)
        tweet_id = str(reply["data"]["id"])
        return PublishResult(PLATFORM, tweet_id, _url(post.handle, tweet_id))

    def delete(self, platform_post_id: str) -> None:
        """Delete the tweet; a tweet that is already gone is not an error."""
        try:
            with self._errors():
                self._client.delete_tweet(platform_post_id, user_auth=self._oauth1)
        except Rejected as exc:
            if not exc.reason.startswith("not found"):
                raise

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        """Look a tweet up by id, or find the outgoing post among the account's recent tweets."""
        with self._errors():
            if isinstance(ref, str):
                try:
                    reply = self._client.get_tweet(ref, user_auth=self._oauth1)
                except tweepy.NotFound:
                    return None
                data = reply.get("data")
                if not data:  # X answers 200 with only "errors" for a deleted tweet
                    return None
                handle = self._account()["username"]
                return PublishStatus(PLATFORM, ref, _url(handle, ref), data["text"], "id")
            me = self._account()
            reply = self._client.get_users_tweets(
                me["id"],
                max_results=100,
                start_time=ref.queued_utc - _SKEW,
                exclude=["retweets"],
                tweet_fields=["created_at"],
                user_auth=self._oauth1,
            )
        for tweet in reply.get("data") or ():
            if same_text(tweet["text"], ref.text):
                tweet_id = str(tweet["id"])
                url = _url(me["username"], tweet_id)
                return PublishStatus(PLATFORM, tweet_id, url, tweet["text"], "text")
        return None

    def _account(self) -> dict[str, str]:
        if self._me is None:
            self._me = dict(self._client.get_me(user_auth=self._oauth1)["data"])
        return self._me

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Map tweepy's and requests' exceptions to firewarden's typed errors."""
        try:
            yield
        except tweepy.TooManyRequests as exc:
            reset = exc.reset_time
            retry_after = None if reset is None else float(reset) - self._clock()
            raise RateLimited(platform=PLATFORM, retry_after=retry_after) from None
        except tweepy.Unauthorized as exc:
            raise AuthExpired(
                f"X refused the credentials ({_reason(exc)})", platform=PLATFORM
            ) from None
        except tweepy.NotFound as exc:
            raise Rejected(f"not found: {_reason(exc)}", platform=PLATFORM) from None
        except (tweepy.BadRequest, tweepy.Forbidden) as exc:
            raise Rejected(_reason(exc), platform=PLATFORM) from None
        except tweepy.TwitterServerError as exc:
            raise Unavailable(f"X failed on its side ({_reason(exc)})", platform=PLATFORM) from None
        except tweepy.HTTPException as exc:
            raise Unavailable(
                f"X answered unexpectedly ({_reason(exc)})", platform=PLATFORM
            ) from None
        except requests.RequestException as exc:
            raise Unavailable(f"cannot reach X: {exc}", platform=PLATFORM) from None


def _reason(exc: Any) -> str:
    messages = [str(m) for m in getattr(exc, "api_messages", []) if m]
    status = getattr(getattr(exc, "response", None), "status_code", "?")
    return "; ".join(messages) or f"HTTP {status}"


def _url(handle: str, tweet_id: str) -> str:
    return (
        f"https://x.com/{handle}/status/{tweet_id}"
        if handle
        else f"https://x.com/i/status/{tweet_id}"
    )
