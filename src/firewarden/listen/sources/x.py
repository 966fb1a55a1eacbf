"""X (Twitter): recent search to catch up, then the filtered stream, through tweepy (API v2).

Recent search: ``GET /2/tweets/search/recent?query=...&since_id=<cursor>`` with
``expansions`` (author, replied-to user, referenced tweets and their authors, media),
``tweet.fields`` (created_at, lang, public_metrics, referenced_tweets, in_reply_to_user_id,
attachments) and ``user.fields`` (username, public_metrics), paging with ``next_token``.
Filtered stream: the rule (``POST /2/tweets/search/stream/rules``) is the same query, tagged
``firewarden``; ``GET /2/tweets/search/stream`` then sends one JSON object per line (blank
lines are keep-alives). The cursor is the newest tweet id seen; a restart catches up with
recent search from it (X keeps 7 days of recent search).

``base_url`` redirects tweepy's api.twitter.com calls (a proxy, or a local fake in tests).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

import requests
import tweepy

from firewarden.listen.mention import Mention, parse_time
from firewarden.listen.sources.base import (
    Bridge,
    SourceError,
    SourceUnavailable,
    network_problem,
)
from firewarden.listen.watches import Watch
from firewarden.publish.x import TWEEPY_HOST, _RebasedSession

EXPANSIONS = [
    "author_id",
    "in_reply_to_user_id",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
    "attachments.media_keys",
]
TWEET_FIELDS = [
    "created_at",
    "lang",
    "public_metrics",
    "referenced_tweets",
    "in_reply_to_user_id",
    "attachments",
    "author_id",
]
USER_FIELDS = ["username", "public_metrics"]
MEDIA_FIELDS = ["type"]
RULE_TAG = "firewarden"


def query_for(watches: Sequence[Watch]) -> str:
    """An X search query for the watches: keywords and product names quoted, handles as
    mentions and as reply targets, retweets left out (their originals are counted)."""
    terms: list[str] = []
    for w in watches:
        terms += [f'"{k}"' for k in (*w.keywords, *w.products)]
        for h in w.handles:
            name = h.lstrip("@")
            terms += [f"@{name}", f"to:{name}"]
    unique = list(dict.fromkeys(terms))
    return f"({' OR '.join(unique)}) -is:retweet" if unique else ""


def _by_id(items: list[dict[str, Any]] | None, key: str = "id") -> dict[str, dict[str, Any]]:
    return {str(i.get(key)): i for i in items or []}


def parse_tweet(tweet: dict[str, Any], includes: dict[str, Any] | None) -> Mention:
    """A mention from an API v2 tweet object and the response's ``includes``."""
    includes = includes or {}
    users = _by_id(includes.get("users"))
    tweets = _by_id(includes.get("tweets"))
    media = _by_id(includes.get("media"), "media_key")
    author = users.get(str(tweet.get("author_id")), {})
    username = str(author.get("username") or "")
    metrics = tweet.get("public_metrics") or {}
    refs = {r.get("type"): str(r.get("id")) for r in tweet.get("referenced_tweets") or []}
    reply_user = str(tweet.get("in_reply_to_user_id") or "")
    quoted = tweets.get(refs.get("quoted", ""), {})
    quoted_author = users.get(str(quoted.get("author_id")), {})
    kinds = []
    for key in (tweet.get("attachments") or {}).get("media_keys") or []:
        kind = (media.get(key) or {}).get("type")
        if kind in ("video", "animated_gif"):
            kinds.append("video")
        elif kind == "photo":
            kinds.append("image")
    ident = str(tweet["id"])
    return Mention(
        platform="x",
        id=ident,
        text=str(tweet.get("text") or ""),
        created_at=parse_time(tweet.get("created_at")),
        url=f"https://x.com/{username or 'i/web'}/status/{ident}",
        author_id=str(tweet.get("author_id") or ""),
        author_handle=username,
        followers=int((author.get("public_metrics") or {}).get("followers_count") or 0),
        language=str(tweet.get("lang") or "").replace("und", ""),
        reply_to=refs.get("replied_to", ""),
        reply_to_author=str((users.get(reply_user) or {}).get("username") or reply_user),
        quote_of=refs.get("quoted", ""),
        quote_of_author=str(quoted_author.get("username") or quoted.get("author_id") or ""),
        repost_of=refs.get("retweeted", ""),
        likes=int(metrics.get("like_count") or 0),
        reposts=int(metrics.get("retweet_count") or 0),
        replies=int(metrics.get("reply_count") or 0),
        quotes=int(metrics.get("quote_count") or 0),
        media=tuple(kinds),
    )


def _failure(exc: Exception, where: str) -> SourceError:
    """A tweepy or network error as a source error: network trouble, 5xx and rate limits
    are retried later; a refused token or request needs a setting changed."""
    if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
        return SourceError(
            "X refused the request (the bearer token or the app's plan)",
            where=where,
            hint="check [listen.sources.x] bearer_token and that the app's plan includes "
            "this endpoint",
        )
    if isinstance(exc, tweepy.TooManyRequests):
        return SourceUnavailable("X's rate limit is reached", where=where)
    if isinstance(exc, tweepy.TwitterServerError):
        return SourceUnavailable("X is in trouble (a server error)", where=where)
    if isinstance(exc, requests.RequestException):
        return SourceUnavailable(f"cannot reach X: {network_problem(exc)}", where=where)
    return SourceError(
        f"X did not accept the request: {exc}",
        where=where,
        hint="check [listen.sources.x] query (X's search syntax)",
    )


class XSource:
    """Tweets matching ``query``: recent search since the cursor, then the filtered stream."""

    def __init__(
        self,
        bearer_token: str,
        query: str,
        *,
        live: bool = True,
        base_url: str = TWEEPY_HOST,
        timeout: float = 30.0,
        name: str = "x",
    ) -> None:
        if not bearer_token:
            raise SourceError("no X bearer token", hint="set [listen.sources.x] bearer_token")
        if not query:
            raise SourceError("nothing to search X for", hint="add keywords or handles to a watch")
        self.query = query
        self.live = live
        self.name = name
        self.base_url = base_url
        self.timeout = timeout
        self._token = bearer_token
        self._stream: Any = None
        self._bridge: Bridge | None = None

    def close(self) -> None:
        if self._bridge is not None:
            self._bridge.close()  # first: the disconnect that follows is not a failure
        if self._stream is not None:
            self._stream.disconnect()

    def search(self, cursor: str | None) -> list[Mention]:
        """Tweets newer than ``cursor`` (all pages), oldest first."""
        client = tweepy.Client(bearer_token=self._token, return_type=dict)
        client.session = _RebasedSession(self.base_url, self.timeout)
        found: list[Mention] = []
        token: str | None = None
        for _ in range(50):
            try:
                page = client.search_recent_tweets(
                    self.query,
                    since_id=cursor or None,
                    max_results=100,
                    next_token=token,
                    expansions=EXPANSIONS,
                    tweet_fields=TWEET_FIELDS,
                    user_fields=USER_FIELDS,
                    media_fields=MEDIA_FIELDS,
                )
            except (tweepy.TweepyException, requests.RequestException) as exc:
                raise _failure(exc, "X recent search") from None
            found += [parse_tweet(t, page.get("includes")) for t in page.get("data") or []]
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                break
        return sorted(found, key=lambda m: int(m.id))

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        newest = cursor
        for m in self.search(cursor):
            newest = m.id
            yield m, newest
        if not self.live:
            return
        bridge = self._bridge = Bridge()
        client = _Streaming(self._token, bridge)
        client.session = _RebasedSession(self.base_url, self.timeout)
        self._stream = client
        try:
            rules = client.get_rules().data or []
            if not any(r.value == self.query and r.tag == RULE_TAG for r in rules):
                stale = [r.id for r in rules if r.tag == RULE_TAG]
                if stale:
                    client.delete_rules(stale)
                client.add_rules(tweepy.StreamRule(self.query, tag=RULE_TAG))
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise _failure(exc, "X filtered stream rules") from None
        client.filter(
            threaded=True,
            expansions=EXPANSIONS,
            tweet_fields=TWEET_FIELDS,
            user_fields=USER_FIELDS,
            media_fields=MEDIA_FIELDS,
        )
        try:
            for data in bridge:
                tweet = data.get("data")
                if not isinstance(tweet, dict):
                    continue
                m = parse_tweet(tweet, data.get("includes"))
                if not newest or int(m.id) > int(newest):
                    newest = m.id
                yield m, newest
        finally:
            bridge.close()
            if client.running:
                client.disconnect()


class _Streaming(tweepy.StreamingClient):  # type: ignore[misc]
    """Hands each line of the filtered stream to the bridge."""

    def __init__(self, token: str, bridge: Bridge) -> None:
        super().__init__(token, wait_on_rate_limit=False, max_retries=5)
        self._bridge = bridge

    def on_data(self, raw_data: bytes | str) -> None:
        with contextlib.suppress(json.JSONDecodeError):
            self._bridge.put(json.loads(raw_data))

    def on_request_error(self, status_code: int) -> None:
        if status_code in (401, 403):
            self._bridge.fail(
                SourceError(
                    f"X refused the filtered stream (HTTP {status_code})",
                    hint="check the bearer token and that the app's plan includes the stream",
                )
            )
            self.disconnect()

    def on_disconnect(self) -> None:
        if self._bridge.closed.is_set():
            self._bridge.end()
        else:  # tweepy gave up reconnecting: the runner tries again later
            self._bridge.fail(SourceUnavailable("the X filtered stream was cut", where="X"))
