"""Watch matching on folded text: variants, handles, own posts, exclusions, languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from firewarden.errors import ConfigError
from firewarden.listen.mention import Mention
from firewarden.listen.watches import Watch, WatchSet, watches_from_config
from firewarden.text.language import detect_language
from firewarden.text.normalize import fold

ACME = Watch(
    name="Acme",
    keywords=("Acme", "アクメ"),
    handles=("@acme_official",),
    own_posts=("post-1",),
    products=("GlowMax",),
    exclude=("acme thunder",),
)
OTHER = Watch(name="Other", keywords=("Zephyr",), languages=("ja",))


def names(text: str, **fields: object) -> list[str]:
    ws = WatchSet([ACME, OTHER])
    m = Mention("x", "1", text, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), **fields)  # type: ignore[arg-type]
    return sorted(
        ws.watches[x.watch].name for x in ws.match(m, fold(text).text, detect_language(text))
    )


@pytest.mark.parametrize(
    "text",
    [
        "ACME did it again",
        "ｱｸﾒの新作",
        "あくめの店",
        "Ａｃｍｅ full width",
        "love my glowmax",
        "hey @Acme_Official",
    ],
)
def test_variants_match(text: str) -> None:
    assert names(text) == ["Acme"]


@pytest.mark.parametrize("text", ["acmeology is a word", "Acme Thunder play tonight", "nothing"])
def test_non_matches(text: str) -> None:
    assert names(text) == []


def test_replies_to_own_posts_match_and_are_flagged() -> None:
    ws = WatchSet([ACME])
    m = Mention(
        "x", "2", "this is awful", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), reply_to="post-1"
    )
    (hit,) = ws.match(m, fold(m.text).text, "en")
    assert hit.reply_to_brand and hit.terms == ()
    q = Mention(
        "x",
        "3",
        "lol Acme",
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        quote_of_author="ACME_official",
    )
    assert ws.match(q, fold(q.text).text, "en")[0].reply_to_brand


def test_own_account_posts_are_not_mentions() -> None:
    assert names("Acme news: new store!", author_handle="@acme_official") == []


def test_language_filter() -> None:
    assert names("Zephyr is late") == []
    assert names("Zephyrの配達が遅い") == ["Other"]


def test_language_codes_are_written_as_the_sources_give_them() -> None:
    watch = Watch.from_dict({"name": "A", "keywords": "x", "languages": ["EN", " ja", "en"]})
    assert watch.languages == ("en", "ja")


def test_config_inline_and_yaml(tmp_path: Path) -> None:
    inline = watches_from_config({"watches": [{"name": "A", "keywords": [["Acme", "アクメ"]]}]})
    assert inline[0].keywords == ("Acme", "アクメ")
    (tmp_path / "w.yaml").write_text(
        "watches:\n  - name: B\n    handles: ['@b']\n", encoding="utf-8"
    )
    assert watches_from_config({"watches": "w.yaml"}, base=tmp_path)[0].handles == ("@b",)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"watches": [{"keywords": ["x"]}]}, "needs a name"),
        ({"watches": [{"name": "A"}]}, "nothing to listen for"),
        ({"watches": [{"name": "A", "keyword": ["x"]}]}, "unknown watch setting"),
        (
            {"watches": [{"name": "A", "keywords": "x"}, {"name": "a", "keywords": "y"}]},
            "two watches",
        ),
        ({"watches": "missing.yaml"}, "does not exist"),
        # A language name or a region would keep every mention out of the watch, silently.
        (
            {"watches": [{"name": "A", "keywords": "x", "languages": ["Japanese"]}]},
            "'Japanese' is not a language code",
        ),
        (
            {"watches": [{"name": "A", "keywords": "x", "languages": "en-US"}]},
            "'en-US' is not a language code",
        ),
        ({"watches": [{"name": "A" * 201, "keywords": "x"}]}, "at most 200 characters"),
        (
            {"watches": [{"name": "A", "handles": ["@acme jp"]}]},
            "the handle '@acme jp' has a space in it",
        ),
        # An exclusion that every keyword mention contains would leave the watch deaf.
        (
            {"watches": [{"name": "A", "keywords": "Acme Coffee", "exclude": "acme"}]},
            "the exclusion 'acme' is part of 'Acme Coffee'",
        ),
        (
            {
                "watches": [
                    {"name": "A", "keywords": "x", "products": "GlowMax", "exclude": "GlowMax"}
                ]
            },
            "the exclusion 'GlowMax' is part of 'GlowMax'",
        ),
    ],
)
def test_config_errors(section: dict[str, object], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=message):
        watches_from_config(section, base=tmp_path)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": " ", "keywords": "x"}, "name"),
        ({"name": "A" * 201, "keywords": "x"}, "name"),
        ({"name": "A"}, "keywords"),
        ({"name": "A", "keywords": {"x": 1}}, "keywords"),
        ({"name": "A", "keywords": "x", "products": [1.5]}, "products"),
        ({"name": "A", "handles": ["@acme jp"]}, "handles"),
        ({"name": "A", "keywords": "x", "own_posts": {"a": 1}}, "own_posts"),
        ({"name": "A", "keywords": "Acme Coffee", "exclude": "acme"}, "exclude"),
        ({"name": "A", "keywords": "x", "languages": ["en-US"]}, "languages"),
        ({"name": "A", "keyword": "x"}, ""),  # a setting that is no field
        ({"name": "Acme\nJapan", "keywords": "x"}, "name"),
        ({"name": "\u202eemcA", "keywords": "x"}, "name"),
        ({"name": "A", "keywords": "!!!"}, "keywords"),
        ({"name": "A", "keywords": "x", "products": "x" * 201}, "products"),
        ({"name": "A", "handles": ["@"]}, "handles"),
    ],
)
def test_errors_name_the_field_to_fix(data: dict[str, object], field: str) -> None:
    # The web form shows the message beside this field, and the CLI picks its option's hint.
    with pytest.raises(ConfigError) as caught:
        Watch.from_dict(data)
    assert caught.value.field == field


def test_names_and_terms_that_are_fine() -> None:
    watch = Watch.from_dict(
        {"name": "Acme 日本 🍩", "keywords": ["#AcmeDonuts", "アクメ", "x" * 200], "handles": "@a"}
    )
    assert watch.keywords[0] == "#AcmeDonuts" and watch.handles == ("@a",)
    # A watch stored before these checks keeps loading.
    assert Watch.from_dict({"name": "Old\tone", "keywords": "!!!"}, stored=True).name
