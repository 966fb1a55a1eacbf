"""Speed of the toxicity detector on tweet-length texts (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_toxicity.py

Uses TweetEval's offensive val tweets when the shared data sits beside the repository, else a
small built-in mix of English and Japanese posts. The draft is analysed (folded, tokenised)
once, as the engine does; the figure is the detector's own time per text.
"""

from __future__ import annotations

import time
from pathlib import Path

from firewarden.checks.context import Context
from firewarden.checks.detectors.toxicity import ToxicityDetector
from firewarden.checks.draft import Draft, analyse_field
from firewarden.guidelines.model import Guidelines

REPO = Path(__file__).resolve().parents[1]
VAL = REPO.parent / "shared" / "data" / "tweeteval" / "offensive" / "val_text.txt"

BUILT_IN = [
    "Our new burger is sick! Grab one today at any of our stores.",
    "Killer deals all weekend: up to 50% off outerwear. #BlackFriday",
    "@user you are a fucking idiot and everyone knows it",
    "Thanks for shopping with us! Have a wonderful weekend.",
    "本日より新商品のカスタードプリンを発売します!",
    "一族郎党ともに地獄へ堕ちろ、カス",
    "We're sorry to hear about your delay. Please DM us your order number.",
    "Send them all back where they came from #BuildTheWall",
]


def main() -> None:
    texts = VAL.read_text(encoding="utf-8").splitlines() if VAL.exists() else BUILT_IN * 200
    source = "TweetEval offensive val" if VAL.exists() else "built-in posts"
    context, guidelines = Context(), Guidelines()
    t0 = time.perf_counter()
    drafts = []
    for text in texts:
        field = analyse_field("text", text)
        drafts.append(
            Draft(fields=(field,), context=context, language=field.language, intents=frozenset())
        )
    analyse_s = time.perf_counter() - t0
    detector = ToxicityDetector()
    for d in drafts[:50]:  # load the models and warm the caches
        list(detector.findings(d, guidelines))
    best = float("inf")
    flagged = 0
    for _ in range(3):
        t0 = time.perf_counter()
        flagged = sum(1 for d in drafts for _ in detector.findings(d, guidelines))
        best = min(best, time.perf_counter() - t0)
    n = len(drafts)
    chars = sum(len(t) for t in texts) / n
    print(f"{n} texts from {source}, {chars:.0f} characters on average; {flagged} findings")
    print(f"toxicity detector: {n / best:,.0f} texts/s, {best / n * 1e6:.1f} µs per text")
    print(f"(draft analysis, shared by all detectors: {analyse_s / n * 1e6:.1f} µs per text)")


if __name__ == "__main__":
    main()
