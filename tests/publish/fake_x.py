"""A local fake of the X API v2 endpoints firewarden uses, speaking X's documented shapes.

Checks OAuth 1.0a HMAC-SHA1 signatures (RFC 5849) or an OAuth 2.0 user bearer token, serves
POST/DELETE/GET /2/tweets, GET /2/users/me and GET /2/users/:id/tweets, and replies with X's
problem objects for errors (401, 403 duplicate, 400 invalid request, 404, 429 with
x-rate-limit-* headers, 5xx).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature

from firewarden.publish.local_server import Reply, Request

from .conftest import Fake

USER = {"id": "1500000000000000001", "name": "Acme", "username": "acme"}
KEYS = {
    "api_key": "ck",
    "api_secret": "cs",
    "access_token": "1500-at",
    "access_token_secret": "ats",
}
USER_TOKEN = "oauth2-user-token"


@dataclass
class Tweet:
    id: str
    text: str
    created_at: datetime


@dataclass
class FakeX(Fake):
    tweets: dict[str, Tweet] = field(default_factory=dict)
    expired: bool = False
    #: Replies to give, in order, before normal handling (rate limits, outages).
    fail_next: list[Reply] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1800000000000000000))

    def __call__(self, req: Request) -> Reply:
        problem = self._auth_problem(req)
        if problem:
            return Reply(
                401,
                {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": problem},
            )
        if self.fail_next:
            return self.fail_next.pop(0)
        parts = req.path.strip("/").split("/")
        if req.method == "POST" and parts == ["2", "tweets"]:
            return self._create(req)
        if parts[:2] == ["2", "tweets"] and len(parts) == 3:
            return self._delete(parts[2]) if req.method == "DELETE" else self._get(parts[2])
        if req.method == "GET" and parts == ["2", "users", "me"]:
            return Reply(200, {"data": USER})
        if req.method == "GET" and len(parts) == 4 and parts[:2] == ["2", "users"]:
            return self._timeline(parts[2], req)
        return Reply(404, {"title": "Not Found", "type": "about:blank", "status": 404})

    def _auth_problem(self, req: Request) -> str:
        auth = req.headers.get("authorization", "")
        if self.expired:
            return "Unauthorized"
        if auth == f"Bearer {USER_TOKEN}":
            return ""
        if not auth.startswith("OAuth "):
            return "missing OAuth 1.0a or bearer authorization"
        query = "&".join(f"{k}={v}" for k, vs in req.query.items() for v in vs)
        params = signature.collect_parameters(
            uri_query=query, headers={"Authorization": auth}, exclude_oauth_signature=True
        )
        fields = dict(
            signature.collect_parameters(
                headers={"Authorization": auth}, exclude_oauth_signature=False
            )
        )
        if (
            fields.get("oauth_consumer_key") != KEYS["api_key"]
            or fields.get("oauth_token") != KEYS["access_token"]
        ):
            return "unknown consumer key or token"
        oauth = OAuthRequest(self.url + req.path + (f"?{query}" if query else ""), req.method)
        oauth.params = params
        oauth.signature = fields.get("oauth_signature", "")
        if not signature.verify_hmac_sha1(oauth, KEYS["api_secret"], KEYS["access_token_secret"]):
            return "bad OAuth 1.0a signature"
        return ""

    def _create(self, req: Request) -> Reply:
        body = req.json()
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or not text or len(text) > 280:
            return Reply(
                400,
                {
                    "errors": [
                        {
                            "parameters": {"text": [str(text)]},
                            "message": "text must be 1 to 280 characters",
                        }
                    ],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        if any(t.text == text for t in self.tweets.values()):
            return Reply(
                403,
                {
                    "detail": "You are not allowed to create a Tweet with duplicate content.",
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                },
            )
        tweet = Tweet(str(next(self._ids)), text, datetime.now(UTC))
        self.tweets[tweet.id] = tweet
        return Reply(
            201, {"data": {"id": tweet.id, "text": text, "edit_history_tweet_ids": [tweet.id]}}
        )

    def _not_found(self, tweet_id: str) -> dict[str, object]:
        return {
            "value": tweet_id,
            "detail": f"Could not find tweet with id: [{tweet_id}].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": "id",
            "resource_id": tweet_id,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }

    def _delete(self, tweet_id: str) -> Reply:
        if self.tweets.pop(tweet_id, None) is None:
            return Reply(
                404,
                {
                    "errors": [self._not_found(tweet_id)],
                    "title": "Not Found Error",
                    "detail": f"Could not find tweet with id: [{tweet_id}].",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                },
            )
        return Reply(200, {"data": {"deleted": True}})

    def _get(self, tweet_id: str) -> Reply:
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            return Reply(200, {"errors": [self._not_found(tweet_id)]})
        return Reply(
            200,
            {"data": {"id": tweet.id, "text": tweet.text, "edit_history_tweet_ids": [tweet.id]}},
        )

    def _timeline(self, user_id: str, req: Request) -> Reply:
        max_results = int(req.query.get("max_results", ["10"])[0])
        if user_id != USER["id"] or not 5 <= max_results <= 100:
            return Reply(
                400,
                {
                    "title": "Invalid Request",
                    "detail": "bad user or max_results",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        start = req.query.get("start_time", [""])[0]
        since = (
            datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if start else None
        )
        tweets = sorted(self.tweets.values(), key=lambda t: t.created_at, reverse=True)
        data = [
            {
                "id": t.id,
                "text": t.text,
                "created_at": t.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "edit_history_tweet_ids": [t.id],
            }
            for t in tweets
            if since is None or t.created_at >= since
        ][:max_results]
        if not data:
            return Reply(200, {"meta": {"result_count": 0}})
        return Reply(
            200,
            {
                "data": data,
                "meta": {
                    "result_count": len(data),
                    "newest_id": data[0]["id"],
                    "oldest_id": data[-1]["id"],
                },
            },
        )


def rate_limited(reset_at: int) -> Reply:
    """X's 429: a problem object and the x-rate-limit-* headers."""
    return Reply(
        429,
        {
            "title": "Too Many Requests",
            "detail": "Too Many Requests",
            "type": "about:blank",
            "status": 429,
        },
        {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset_at),
        },
    )
