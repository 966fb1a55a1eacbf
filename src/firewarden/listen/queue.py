"""Between sources and workers: an in-process queue (the default) and its batching.

Sources run in threads and ``put`` envelopes; the worker takes ``batch``-es (up to ``size``
envelopes, or what arrived within ``linger`` seconds). The queue is bounded, so a slow
database slows the sources down instead of filling memory. For several worker processes,
see :mod:`firewarden.listen.nats_queue` (NATS JetStream).
"""

from __future__ import annotations

import queue
import time

from firewarden.listen.pipeline import Envelope


class InProcessQueue:
    """A bounded FIFO of envelopes with batch reads."""

    def __init__(self, maxsize: int = 20_000) -> None:
        self._q: queue.Queue[Envelope] = queue.Queue(maxsize=maxsize)

    def put(self, env: Envelope, timeout: float | None = None) -> None:
        """Add one envelope; blocks while the queue is full (raises queue.Full on timeout)."""
        self._q.put(env, timeout=timeout)

    def batch(self, size: int = 500, linger: float = 0.2) -> list[Envelope]:
        """Up to ``size`` envelopes: waits at most ``linger`` seconds for the first ones."""
        out: list[Envelope] = []
        deadline = time.monotonic() + linger
        while len(out) < size:
            remaining = deadline - time.monotonic()
            try:
                out.append(
                    self._q.get(timeout=max(remaining, 0.0))
                    if remaining > 0
                    else self._q.get_nowait()
                )
            except queue.Empty:
                break
        return out

    def __len__(self) -> int:
        return self._q.qsize()
