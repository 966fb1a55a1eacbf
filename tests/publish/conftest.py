"""Shared pieces for the publishing adapter tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import pytest

from firewarden.publish.base import OutgoingPost
from firewarden.publish.local_server import LocalHttpServer, Reply, Request

QUEUED_AT = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def outgoing(
    text: str = "New store opens Friday! https://example.com/store",
    key: str = "k-1",
    account: str = "@acme",
) -> OutgoingPost:
    """An approved post as the workflow hands it to an adapter."""
    return OutgoingPost(text=text, idempotency_key=key, account=account, queued_at=QUEUED_AT)


@pytest.fixture
def post() -> OutgoingPost:
    return outgoing()


@dataclass
class Fake:
    """Base of the platform fakes: where it listens and what reached it."""

    url: str = ""
    requests: list[Request] = field(default_factory=list)

    def __call__(self, req: Request) -> Reply:
        raise NotImplementedError

    def count(self, method: str, path_part: str = "") -> int:
        """How many requests with this method (and path fragment) reached the fake."""
        return sum(1 for r in self.requests if r.method == method and path_part in r.path)


F = TypeVar("F", bound=Fake)


@contextmanager
def serving(fake: F) -> Iterator[F]:
    """Run ``fake`` on a local ephemeral port for the duration of the block."""
    with LocalHttpServer(fake) as server:
        fake.url = server.url
        fake.requests = server.requests
        yield fake
