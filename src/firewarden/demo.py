"""``firewarden demo``: show the check on a handful of drafts a social media team might write."""

from __future__ import annotations

import datetime as dt

import click

from firewarden.checks.context import Context

#: Invented drafts that show each part of the check; none is taken from the evaluation data.
DEMO_DRAFTS: tuple[tuple[str, Context], ...] = (
    (
        "Rainy weekend? Stay in and shop our storm sale: 30% off everything! #StormSale",
        Context(at=dt.datetime(2025, 9, 5, 10), events=("typhoon making landfall in Kyushu",)),
    ),
    (
        "Our thoughts are with everyone affected by the typhoon. We have paused all promotions.",
        Context(at=dt.datetime(2025, 9, 5, 10), events=("typhoon making landfall in Kyushu",)),
    ),
    (
        "うちの女性社員、仕事ができるのに結婚の予定はないのかな(笑)",
        Context(at=dt.datetime(2025, 4, 1, 9)),
    ),
    (
        "Loving the new GlowMax serum, it cures dry skin overnight, 100% guaranteed!",
        Context(sponsored=True, account="personal"),
    ),
    (
        "ugh my boss is such an idiot, can't wait for friday drinks lol",
        Context(account="corporate", handle="@acme_official"),
    ),
    (
        "Killer deals all weekend on black coffee beans. See you in store!",
        Context(),
    ),
)


@click.command("demo")
def demo_command() -> None:
    """Check a few example drafts and explain what firewarden sees in each."""
    from firewarden.checks import check
    from firewarden.checks.render import render_report

    for text, context in DEMO_DRAFTS:
        report = check(text, context)
        where = f"account: {context.account}"
        if context.events:
            where += f"; happening now: {', '.join(context.events)}"
        if context.sponsored:
            where += "; sponsored"
        click.echo(click.style(f"── {where}", bold=True))
        click.echo(render_report(text, context.attachment, report, color=True))
        click.echo("")
