"""Simulated mentions for the demo brand and the benchmark (from the detect simulator).

The simulator's mentions become :class:`Mention` objects: ids are derived from the seed and
the position (so a replay is the same stream), replies to the brand answer the brand's
handle, and engagement grows with the author's audience.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from firewarden.detect.simulate import SimMention
from firewarden.listen.mention import Mention
from firewarden.listen.watches import Watch
from firewarden.store.types import utc

DEMO_BRAND = "Acme"


def demo_watch(brand: str = DEMO_BRAND) -> Watch:
    """The watch the simulated stream is about."""
    handle = f"{brand.lower()}_official"
    return Watch(
        name=brand,
        keywords=(brand, "アクメ") if brand == DEMO_BRAND else (brand,),
        handles=(f"@{handle}",),
        products=("latte", "ラテ"),
    )


def to_mentions(
    sims: Iterator[SimMention] | list[SimMention],
    *,
    brand: str = DEMO_BRAND,
    seed: int = 0,
    vary: bool = False,
) -> Iterator[Mention]:
    """Mentions of the simulated stream; ``vary`` appends a few words so texts are not
    verbatim repeats (the benchmark uses it so that the text cache does not flatter it)."""
    rng = random.Random(seed)
    handle = f"{brand.lower()}_official"
    words = ("today", "again", "honestly", "lol", "why", "seriously", "wow", "hmm", "ok", "now")
    for n, s in enumerate(sims):
        text = s.text
        if vary:
            text = f"{text} {rng.choice(words)} {rng.choice(words)} #{rng.randrange(10_000)}"
        engaged = rng.random() < 0.3
        yield Mention(
            platform="simulated",
            id=f"{seed}-{n}",
            text=text,
            created_at=utc(s.timestamp),
            url=f"https://social.example/{s.author}/{seed}-{n}",
            author_id=s.author,
            author_handle=s.author,
            followers=s.followers,
            language=s.lang,
            reply_to=f"{handle}-post" if s.reply_to_brand else "",
            reply_to_author=handle if s.reply_to_brand else "",
            likes=rng.randrange(max(2, s.followers // 50)) if engaged else 0,
            reposts=rng.randrange(max(2, s.followers // 500)) if engaged else 0,
            media=s.media,
        )
