"""The watch and alert pages and their JSON: content, shapes, roles and tenant isolation."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator
from html import unescape

import pytest

from firewarden.store.tables import ROLES

from .conftest import Client, World, token_for
from .watch_seed import TOP_URL, WIDTH, Seeded, mentions, seed

Clients = Callable[..., Client]


@pytest.fixture
def seeded(world: World) -> Iterator[Seeded]:
    from firewarden.store.engine import make_engine

    engine = make_engine(world.url)
    yield seed(engine, world.org_a, world.org_b, world.clock())
    engine.dispose()


def text_of(html: str) -> str:
    """The page's words without tags, spaces collapsed (what a reader sees)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# -- pages -------------------------------------------------------------------------------------


def test_watch_list_shows_own_watches_counts_and_alerts(
    client_for: Clients, seeded: Seeded
) -> None:
    page = client_for("viewer").get("/watches")
    assert page.status_code == 200
    words = text_of(page.text)
    assert 'href="/watches"' in page.text and 'aria-current="page"' in page.text
    assert f'href="/watches/{seeded.watch_a}"' in page.text
    assert f"{seeded.volume} mentions in the last 24 hours, {seeded.negative} negative" in words
    assert "2 open alerts" in words
    assert f'href="/alerts/{seeded.crisis}"' in page.text
    assert "Zephyr" not in words and "secret-b-term" not in page.text


def test_watch_page_has_chart_text_alternative_and_panels(
    client_for: Clients, seeded: Seeded
) -> None:
    page = client_for("viewer").get(f"/watches/{seeded.watch_a}")
    assert page.status_code == 200
    html, words = page.text, text_of(page.text)
    # The chart: the library, the data it starts from, and its text alternative.
    assert "/static/vendor/uplot/uPlot.iife.min.js" in html and "/static/watches.js" in html
    assert 'id="watch-chart" class="chart" role="img" aria-label="From ' in html
    assert f"{seeded.volume} mentions, {seeded.negative} negative." in words
    assert "Busiest 5 minutes" in words and "2 alerts: watch at" in words
    assert 'id="watch-data"' in html and '"points":' in html
    # The legend says the level in words and shape, not colour alone.
    assert "▲ watch" in words and "◆ warning" in words and "■ crisis" in words
    # The last buckets as a table, with the alert bucket marked.
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d \d\d:\d\d)</td><td>(\d+)</td>", html)
    assert len(rows) == 12 and rows[-1][1] == "20"
    # Sentiment: 120 negative and 60 positive of 180.
    assert "negative: 67% (120 of 180)" in words and "positive: 33% (60 of 180)" in words
    # Top terms without the watch's own keywords; most-reached mentions first.
    terms = re.search(r'<ol class="terms">(.*?)</ol>', html, re.S)
    assert terms and "hair" in terms.group(1) and "latte" not in terms.group(1).lower()
    assert html.index("bigvoice") < html.index("user1")
    assert f'<a href="{TOP_URL}" rel="noopener noreferrer nofollow">' in html
    # The alert list: level, time, what rose and by how much.
    assert "Negative mentions rose to 20, 40.0× the expected 0.5, since" in words
    assert "Share of replies to the brand's posts rose to 35%, 7.0× the expected 5%" in words


def test_watch_page_window_choice(client_for: Clients, seeded: Seeded) -> None:
    client = client_for("viewer")
    page = client.get(f"/watches/{seeded.watch_a}?hours=168")
    assert page.status_code == 200
    assert "Mentions per hour" in page.text
    assert f'href="/watches/{seeded.watch_a}?hours=168" aria-current="page"' in page.text
    bad = client.get(f"/watches/{seeded.watch_a}?bucket=2m")
    assert bad.status_code == 400 and "unknown bucket width" in bad.text and "5m, 15m" in bad.text


def test_alert_page_explains_and_links_evidence(client_for: Clients, seeded: Seeded) -> None:
    page = client_for("viewer").get(f"/alerts/{seeded.crisis}")
    assert page.status_code == 200
    html, words = page.text, text_of(page.text)
    assert "crisis alert on Acme" in words
    assert "Negative mentions rose to 20, 40.0× the expected 0.5, since" in words
    assert "hair" in words and "disgusting" in words
    # Top posts: resolved to the stored mention (author, reach) with a link to the post.
    assert f'<a href="{TOP_URL}" rel="noopener noreferrer nofollow">' in html
    assert "bigvoice · reach 50,000" in words
    assert "https://social.example/u1/s-1-1" in html  # "simulated:s-1-1" found by its key
    # A reference that is not a web address is shown, never linked.
    assert 'href="javascript:' not in html and "javascript:alert(1)" in words
    assert "Acme latte had a hair in it, disgusting service" in words
    assert "nobody was notified" in words


# -- JSON --------------------------------------------------------------------------------------


def test_series_json_shape_and_regrouping(client_for: Clients, seeded: Seeded) -> None:
    client = client_for("viewer")
    five = client.api("GET", f"/watches/{seeded.watch_a}/series").json()
    assert set(five) >= {"watch_id", "from", "to", "bucket", "bucket_seconds", "points",
                         "alerts", "sentiment", "summary", "last_data_at",
                         "last_mention_at"}  # fmt: skip
    # The newest counted post, never later than the data (the open bucket's end may be).
    assert five["last_mention_at"] <= five["last_data_at"]
    assert "Newest mention counted:" in client.get(f"/watches/{seeded.watch_a}").text
    assert five["bucket"] == "5m" and five["bucket_seconds"] == 300
    starts = [dt.datetime.fromisoformat(p["start"]) for p in five["points"]]
    assert all(b - a == WIDTH for a, b in itertools.pairwise(starts))
    assert sum(p["volume"] for p in five["points"]) == seeded.volume
    assert set(five["points"][0]) == {"start", "volume", "negative", "reach_negative",
                                      "reply_share", "alert"}  # fmt: skip
    assert [p["alert"] for p in five["points"] if p["alert"]] == ["watch", "crisis"]
    assert [a["level"] for a in five["alerts"]] == ["watch", "crisis"]  # oldest first
    assert five["sentiment"] == {"negative": 120, "neutral": 0, "positive": 60, "total": 180}

    hourly = client.api("GET", f"/watches/{seeded.watch_a}/series?bucket=1h").json()
    assert hourly["bucket_seconds"] == 3600
    assert sum(p["volume"] for p in hourly["points"]) == seeded.volume
    assert any(p["alert"] == "crisis" for p in hourly["points"])

    start, end = five["points"][-6]["start"], five["to"]
    last = client.api(
        "GET", f"/watches/{seeded.watch_a}/series", params={"from": start, "to": end}
    ).json()
    assert [p["volume"] for p in last["points"]] == [20] * 6


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("bucket=2m", "unknown bucket width"),
        ("from=2026-11-24T10:00:00Z&to=2026-11-24T09:00:00Z", "not before its end"),
        ("from=yesterday", "cannot read from='yesterday'"),
        (
            "hours=700&bucket=5m",
            "29.2 days in buckets of 5m would be 8,400 points; a chart holds at most 600",
        ),
    ],
)
def test_series_json_errors_say_what_to_do(
    client_for: Clients, seeded: Seeded, query: str, message: str
) -> None:
    r = client_for("viewer").api("GET", f"/watches/{seeded.watch_a}/series?{query}")
    assert r.status_code in (400, 422)
    body = r.json()
    assert message in body["error"] and body["hint"]


def test_watches_and_alerts_json(client_for: Clients, seeded: Seeded) -> None:
    client = client_for("viewer")
    (w,) = client.api("GET", "/watches").json()["watches"]
    assert w["name"] == "Acme" and w["mentions_24h"] == seeded.volume
    assert w["latest_alert"]["level"] == "crisis" and w["open_alerts"] == 2

    detail = client.api("GET", f"/watches/{seeded.watch_a}").json()
    assert detail["top_mentions"][0]["author"] == "bigvoice"
    assert detail["top_mentions"][0]["url"] == TOP_URL
    assert "hair" in detail["top_terms"] and "latte" not in detail["top_terms"]
    assert [a["id"] for a in detail["alerts"]] == [seeded.crisis, seeded.early]

    alerts = client.api("GET", "/alerts").json()["alerts"]
    assert [a["id"] for a in alerts] == [seeded.crisis, seeded.early]
    assert alerts[0]["watch"] == {"id": seeded.watch_a, "name": "Acme"}
    assert client.api("GET", "/alerts?level=watch").json()["alerts"][0]["id"] == seeded.early
    assert client.api("GET", "/alerts?level=bad").status_code == 400
    # A misspelt status is refused like a level (it answered an empty list: "no open alerts").
    bad_status = client.api("GET", "/alerts?status=opne")
    assert bad_status.status_code == 400
    assert "unknown status 'opne'" in bad_status.json()["error"]
    assert "open, acknowledged, closed" in bad_status.json()["hint"]
    assert len(client.api("GET", "/alerts?status=open").json()["alerts"]) == 2

    one = client.api("GET", f"/alerts/{seeded.crisis}").json()
    assert [e["series"] for e in one["explanations"]] == ["negative", "reply_share"]
    assert one["explanations"][0]["ratio"] == 40.0
    posts = one["evidence"]["top_posts"]
    assert posts[0]["url"] == TOP_URL and posts[0]["reach"] == 50_000
    assert posts[2] == {"key": "javascript:alert(1)", "url": ""}


def test_live_series_picks_up_new_mentions_and_alerts(
    client_for: Clients, seeded: Seeded, world: World
) -> None:
    """What the page's polling sees when the stream goes on."""
    from firewarden.detect.types import AlertLevel, Decision, Explanation
    from firewarden.listen.alerts import record_alert
    from firewarden.listen.store import store_batch
    from firewarden.store.engine import make_engine

    client = client_for("viewer")
    before = client.api("GET", f"/watches/{seeded.watch_a}/series").json()
    later = world.clock.advance(minutes=10)
    rows, counted = mentions(seeded.watch_a, later - WIDTH, 1, 7, negative=True, prefix="n")
    engine = make_engine(world.url)
    with engine.begin() as conn:
        store_batch(conn, rows, counted, WIDTH)
        e = Explanation("volume", "rise", 27, 2, later - WIDTH, AlertLevel.CRISIS, 8.0)
        record_alert(conn, watch_id=seeded.watch_a, org_id=world.org_a,
                     decision=Decision(later - WIDTH, AlertLevel.CRISIS, 9, True, e),
                     explanations=[e], evidence={})  # fmt: skip
    engine.dispose()
    after = client.api("GET", f"/watches/{seeded.watch_a}/series").json()
    assert after["to"] > before["to"]
    assert after["points"][-1]["volume"] == 7 and after["points"][-1]["alert"] == "crisis"
    assert len(after["alerts"]) == len(before["alerts"]) + 1


# -- who may see what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_role_may_read(client_for: Clients, seeded: Seeded, role: str) -> None:
    client = client_for(role)
    for url in ("/watches", f"/watches/{seeded.watch_a}", f"/alerts/{seeded.crisis}"):
        assert client.get(url).status_code == 200, url
    assert client.api("GET", f"/watches/{seeded.watch_a}/series").status_code == 200


def test_signed_out_is_sent_to_sign_in(client_for: Clients, seeded: Seeded) -> None:
    client = client_for(None)
    r = client.get(f"/watches/{seeded.watch_a}")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    api = client.get("/api/v1/alerts")
    assert api.status_code == 401 and "token" in api.json()["hint"]


def test_another_organisation_sees_nothing_of_ours(
    client_for: Clients, seeded: Seeded, world: World
) -> None:
    other = client_for("admin_b")
    for url in (f"/watches/{seeded.watch_a}", f"/alerts/{seeded.crisis}"):
        r = other.get(url)
        assert r.status_code == 404 and "Acme" not in r.text and "hair" not in r.text
    listing = text_of(other.get("/watches").text)
    assert "Zephyr" in listing and "Acme" not in listing.replace("Acme Coffee", "")
    for url in (
        f"/watches/{seeded.watch_a}",
        f"/watches/{seeded.watch_a}/series",
        f"/alerts/{seeded.crisis}",
    ):
        r = other.api("GET", url)
        assert r.status_code == 404 and r.json()["hint"], url
    assert [a["id"] for a in other.api("GET", "/alerts").json()["alerts"]] == [seeded.alert_b]
    # The same through an API token of organisation B.
    token = token_for(world, "admin_b", world.org_b)
    r = other.get(f"/api/v1/alerts/{seeded.crisis}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404
    mine = client_for("viewer")
    assert mine.get(f"/alerts/{seeded.alert_b}").status_code == 404
    assert "secret-b-term" not in mine.api("GET", "/alerts").text


def test_pipeline_alert_from_a_simulated_firestorm_shows_up(
    client_for: Clients, world: World
) -> None:
    """End to end: the listening pipeline over the simulator's firestorm, then the pages."""
    from firewarden.detect.simulate import SimulationConfig, simulate
    from firewarden.listen.pipeline import Envelope, Pipeline
    from firewarden.listen.simulated import demo_watch, to_mentions
    from firewarden.listen.watch_service import add_watch
    from firewarden.store.engine import make_engine, session_factory

    engine = make_engine(world.url)
    with session_factory(engine)() as s:
        rec = add_watch(s, demo_watch(), org_id=world.org_a)
        s.commit()
    sim = simulate(SimulationConfig(days=4, base_rate=20, onset_day=3, onset_hour=9.0), seed=5)
    stream = [Envelope(m) for m in to_mentions(sim.mentions)]
    pipeline = Pipeline(engine, [rec])
    for i in range(0, len(stream), 500):
        pipeline.process(stream[i : i + 500])
    pipeline.flush()
    engine.dispose()

    client = client_for("viewer")
    alerts = client.api("GET", "/alerts").json()["alerts"]
    assert alerts and alerts[0]["watch"]["name"] == "Acme"
    chart = client.api("GET", f"/watches/{rec.id}/series?hours=72").json()
    assert {a["id"] for a in chart["alerts"]} <= {a["id"] for a in alerts}
    assert any(p["alert"] for p in chart["points"])
    page = text_of(client.get(f"/alerts/{alerts[0]['id']}").text)
    assert "rose to" in page and "× the expected" in page
    detail = client.api("GET", f"/alerts/{alerts[0]['id']}").json()
    posts = detail["evidence"]["top_posts"]
    assert posts and all(p["url"].startswith("https://social.example/") for p in posts)


def test_alert_page_names_emerging_terms_and_misconduct(
    client_for: Clients, seeded: Seeded, world: World
) -> None:
    """The content signals' evidence: the terms that stood out and what they say."""
    from firewarden.detect.types import AlertLevel, Decision, Explanation
    from firewarden.listen.alerts import record_alert
    from firewarden.store.engine import make_engine

    at = world.clock.advance(minutes=30) - WIDTH
    note = "emerging negative terms: «boycott» by 4 authors in 5 negative mentions since x"
    terms = Explanation("terms", "rise", 4, 0.05, at, AlertLevel.WATCH, 4.2,
                        terms=("boycott", "sexist"), note=note)  # fmt: skip
    flagged = Explanation("misconduct", "rise", 2, 0.01, at, AlertLevel.WATCH, 3.9,
                          note="2 mentions look like employee-misconduct content")  # fmt: skip
    engine = make_engine(world.url)
    with engine.begin() as conn:
        alert_id = record_alert(conn, watch_id=seeded.watch_a, org_id=world.org_a,
                                decision=Decision(at, AlertLevel.WATCH, 4.2, True, terms),
                                explanations=[terms, flagged], evidence={})  # fmt: skip
    engine.dispose()
    page = client_for("viewer").get(f"/alerts/{alert_id}")
    words = text_of(page.text)
    assert "Emerging negative terms: «boycott» by 4 authors in 5 negative mentions" in words
    assert "boycott" in words and "sexist" in words
    assert "2 mentions look like employee-misconduct content" in words
    assert "employee-misconduct content" in words


def test_an_offensive_post_of_neutral_tone_counts_as_negative_in_the_split(
    world: World, seeded: Seeded
) -> None:
    """The chart's negative line counts offensive posts; the sentiment split must agree, or
    the page shows two different "negative" figures for one window."""
    from firewarden.listen.enrich import Enrichment
    from firewarden.listen.mention import Mention
    from firewarden.listen.store import Counted, mention_row, store_batch
    from firewarden.store.engine import make_engine, session_factory
    from firewarden.web.watch_queries import sentiment_split

    engine = make_engine(world.url)
    at = world.clock() - dt.timedelta(minutes=1)
    m = Mention("simulated", "rude-1", "Acme staff are idiots", at)
    e = Enrichment("en", "neutral", True, False, (), 0, False)
    with engine.begin() as conn:
        counted = Counted(seeded.watch_a, "simulated", "rude-1", at, True, 0, 0, False)
        store_batch(conn, [mention_row(m, e)], [counted], WIDTH)
    with session_factory(engine)() as s:
        start = world.clock() - dt.timedelta(days=2)
        split = sentiment_split(s, seeded.watch_a, start, world.clock())
    engine.dispose()
    assert split["negative"] == seeded.negative + 1


def test_alert_page_says_which_channels_got_it_and_why_others_did_not(
    client_for: Clients, seeded: Seeded, world: World
) -> None:
    from firewarden.listen.alerts import set_notified
    from firewarden.store.engine import make_engine

    results = [
        {"channel": "slack", "ok": True, "error": ""},
        {"channel": "email", "ok": False, "error": "the mail server refused the sender"},
        {"channel": "teams", "ok": False, "held": True, "error": "imported with --notify none"},
    ]
    engine = make_engine(world.url)
    with engine.begin() as conn:
        set_notified(conn, seeded.crisis, results)
    engine.dispose()
    words = text_of(client_for("viewer").get(f"/alerts/{seeded.crisis}").text)
    assert "slack: delivered" in words
    assert "email: failed — the mail server refused the sender" in words
    assert "teams: not sent — imported with --notify none" in words
    assert "nobody was notified" not in words


def test_an_address_that_names_no_watch_or_alert_is_not_found(client_for: Clients) -> None:
    client = client_for("viewer")
    for url in ("/watches/abc", "/alerts/abc", "/watches/1.5"):
        r = client.get(url)
        assert r.status_code == 404, url
        words = text_of(r.text)
        assert "There is no page at this address" in words and "fill it in" not in words
