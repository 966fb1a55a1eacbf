"""Alert evidence: the posts shown are the ones the alert is about."""

from __future__ import annotations

from firewarden.listen.evidence import WindowMention, build_evidence


def test_most_reached_posts_are_the_negative_ones_first() -> None:
    window = [
        WindowMention("Meeting at the Acme store later", "https://s/1", "s:1", 90_000, False),
        WindowMention("Boycott Acme, that slogan was vile", "https://s/2", "s:2", 5_000, True),
        WindowMention("Acme's slogan mocks single mothers", "https://s/3", "s:3", 800, True),
        WindowMention("Acme latte is nice", "https://s/4", "s:4", 50, False),
    ]
    _, posts, samples = build_evidence(window, ["Acme"])
    # A large account's ordinary post is not what the alert is about: it comes after.
    assert posts == ["https://s/2", "https://s/3", "https://s/1"]
    assert samples == ["Boycott Acme, that slogan was vile", "Acme's slogan mocks single mothers"]
