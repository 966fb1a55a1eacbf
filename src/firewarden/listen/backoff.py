"""How long to wait before trying a failing source again: exponential backoff with jitter.

The first retry comes after ``first`` seconds, each next one ``factor`` times later, never
more than ``cap``; each wait is spread by ``jitter`` (±20 % by default) so that many feeds of
one site that failed together do not all come back at the same instant. A success resets it.
The policy is a plain object (no sleeping): the runner asks it for the next wait.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

#: Seconds before the first retry, and the longest wait between two retries.
FIRST_RETRY = 5.0
MAX_RETRY = 300.0


@dataclass(slots=True)
class Backoff:
    first: float = FIRST_RETRY
    cap: float = MAX_RETRY
    factor: float = 2.0
    jitter: float = 0.2
    #: A number in [0, 1) (injectable for tests).
    random: Callable[[], float] = field(default=random.random)
    #: Failures since the last success.
    failures: int = 0

    def base(self, failures: int) -> float:
        """The wait after ``failures`` failures in a row, before jitter."""
        if failures <= 0:
            return 0.0
        # Bounded exponent: no overflow however long a source stays down.
        return min(self.cap, self.first * self.factor ** min(failures - 1, 64))

    def next(self) -> float:
        """Counts one more failure; the seconds to wait before the next try."""
        self.failures += 1
        spread = 1.0 + self.jitter * (2.0 * self.random() - 1.0)
        return min(self.cap, self.base(self.failures) * spread)

    def reset(self) -> None:
        """A success: the next failure waits ``first`` again."""
        self.failures = 0
