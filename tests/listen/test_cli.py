"""The commands: watch add/list/remove, listen import (resumable), listen run errors,
simulate stream."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from firewarden.cli import cli

SIGNING = "a-signing-secret-of-32-characters"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
    monkeypatch.setenv("FIREWARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'fw.db'}")
    r = CliRunner()
    assert r.invoke(cli, ["db", "upgrade"]).exit_code == 0
    return r


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_watch_commands(runner: CliRunner) -> None:
    out = ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme", "--keyword", "アクメ",
                                 "--handle", "@acme"]))  # fmt: skip
    assert "added watch Acme" in out
    listed = ok(runner.invoke(cli, ["watch", "list"]))
    assert "keywords: Acme, アクメ" in listed and "handles: @acme" in listed
    again = runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "x"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert "firewarden watch remove 'Acme'" in again.output and "update" not in again.output
    empty = runner.invoke(cli, ["watch", "add", "Nothing"])
    assert empty.exit_code == 2 and "--keyword" in empty.output
    nameless = runner.invoke(cli, ["watch", "add", " ", "--keyword", "x"])
    assert nameless.exit_code == 2 and "name it first" in nameless.output
    klingon = runner.invoke(cli, ["watch", "add", "K", "--keyword", "x", "--language", "tlh-x"])
    assert klingon.exit_code == 2 and "not a language code" in klingon.output
    assert "leave --language out" in klingon.output
    assert "removed" in ok(runner.invoke(cli, ["watch", "remove", "Acme"]))
    assert "no watches yet" in ok(runner.invoke(cli, ["watch", "list"]))


def test_import_is_resumable_and_idempotent(runner: CliRunner, tmp_path: Path) -> None:
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    rows = [
        {"id": str(i), "text": f"Acme {i}" if i % 2 else "other", "created_at": 1_767_600_000 + i}
        for i in range(40)
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = ok(runner.invoke(cli, ["listen", "import", str(path)]))
    assert "40 mentions read, 20 matched a watch, 20 newly counted" in out
    out = ok(runner.invoke(cli, ["listen", "import", str(path)]))
    assert "already imported (up to line 40)" in out  # resumed at the end


def test_import_errors_are_clear(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(cli, ["listen", "import", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "1", "text": "Acme", "created_at": 0}\n', encoding="utf-8")
    nothing = runner.invoke(cli, ["listen", "import", str(path)])
    assert nothing.exit_code == 2 and "nothing to listen for" in nothing.output


def test_run_needs_queue_for_workers_and_sources(runner: CliRunner) -> None:
    r = runner.invoke(cli, ["listen", "run", "--workers", "2"])
    assert r.exit_code == 2 and "--queue nats://" in r.output
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    r = runner.invoke(cli, ["listen", "run"])
    assert r.exit_code == 2 and "no sources are configured" in r.output


def test_work_says_when_nats_cannot_be_reached(runner: CliRunner) -> None:
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = runner.invoke(cli, ["listen", "work", "--queue", f"nats://127.0.0.1:{port}"])
    assert r.exit_code == 2
    assert f"cannot reach NATS at 127.0.0.1:{port} within 10 s" in r.output
    assert "nats-server -js" in r.output


def test_simulate_stream(runner: CliRunner) -> None:
    out = ok(runner.invoke(cli, ["simulate", "stream", "--minutes", "0.01", "--rate", "30"]))
    assert "streaming simulated mentions of Acme" in out and "mentions counted" in out
    assert "firestorm" in ok(runner.invoke(cli, ["simulate", "--help"]))


def test_import_stops_at_a_bad_line_keeps_the_lines_before_and_resumes(
    runner: CliRunner, tmp_path: Path
) -> None:
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    # More good lines than one batch before the bad one: all of them are stored first.
    rows = [json.dumps({"id": str(i), "text": "Acme", "created_at": 1_767_600_000 + i})
            for i in range(1200)]  # fmt: skip
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join([*rows, '{"id": "x", "text": "Acme", "created_at": "soon"}']),
                    encoding="utf-8")  # fmt: skip
    bad = runner.invoke(cli, ["listen", "import", str(path)])
    assert bad.exit_code == 2, bad.output
    assert "m.jsonl:1201: cannot read the time 'soon'" in bad.output
    assert "Everything before line 1201 was imported" in bad.output
    path.write_text("\n".join([*rows, '{"id": "x", "text": "Acme", "created_at": 1767700000}']),
                    encoding="utf-8")  # fmt: skip
    out = ok(runner.invoke(cli, ["listen", "import", str(path)]))
    assert "resumed after line 1200" in out and "1 mentions read, 1 matched" in out
    assert "already imported (up to line 1201)" in ok(runner.invoke(cli, ["listen", "import",
                                                                         str(path)]))  # fmt: skip
    empty = tmp_path / "e.csv"
    empty.write_text("id,text,created_at\n", encoding="utf-8")
    assert "holds no mentions" in ok(runner.invoke(cli, ["listen", "import", str(empty)]))


@pytest.mark.parametrize(
    ("field", "message"),
    [
        # A character cut in two by the exporting program (an unpaired \ud83d escape).
        ('"text": "Acme \\ud83d"', "m.jsonl:2: this line holds a broken character"),
        ('"text": "Acme", "followers": Infinity', "m.jsonl:2: followers must be a whole"),
    ],
)
def test_a_line_the_database_cannot_take_is_named_not_a_traceback(
    runner: CliRunner, tmp_path: Path, field: str, message: str
) -> None:
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    path = tmp_path / "m.jsonl"
    good = '{"id": "1", "text": "Acme \\ud83d\\ude00 good", "created_at": 1767600000}'
    path.write_text(f'{good}\n{{"id": "2", {field}, "created_at": 1767600060}}\n', "utf-8")
    bad = runner.invoke(cli, ["listen", "import", str(path)])
    assert bad.exit_code == 2, bad.output
    assert message in bad.output
    assert "Everything before line 2 was imported" in bad.output


def test_removing_a_watch_of_the_configuration_file_says_it_comes_back(
    runner: CliRunner, tmp_path: Path
) -> None:
    """As the web app's remove page does: the file's watch is synchronised back in."""
    (tmp_path / "firewarden.toml").write_text(
        '[listen]\nwatches = [{ name = "Filed", keywords = ["Filed"] }]\n', encoding="utf-8"
    )
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    started = runner.invoke(cli, ["listen", "run"])  # synchronises the file's watches first
    assert started.exit_code == 2 and "no sources are configured" in started.output
    assert "Filed  [file]" in ok(runner.invoke(cli, ["watch", "list"]))
    out = ok(runner.invoke(cli, ["watch", "remove", "Filed"]))
    assert "removed watch Filed" in out
    assert "comes from the configuration file" in out and "comes back" in out
    assert "configuration file" not in ok(runner.invoke(cli, ["watch", "remove", "Acme"]))


def test_an_import_of_old_mentions_records_its_alerts_without_paging_anyone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firewarden.publish import signing
    from firewarden.publish.local_server import LocalHttpServer, Reply, Request

    from .helpers import storm_mentions

    def accept(_req: Request) -> Reply:
        return Reply(204)

    path = tmp_path / "old.jsonl"
    path.write_text("\n".join(json.dumps(m.to_dict()) for m in storm_mentions()), "utf-8")
    with LocalHttpServer(accept) as server:
        config = tmp_path / "fw.toml"
        # The signing secret is read from the environment, not written in the file.
        config.write_text(
            f'[alerts]\nwebhook = {{ url = "{server.url}", secret = "env:FW_TEST_SIGNING" }}\n'
        )
        monkeypatch.setenv("FIREWARDEN_CONFIG", str(config))
        monkeypatch.delenv("FW_TEST_SIGNING", raising=False)
        # Commands that send no alert do not need the variable; the listener refuses to start.
        ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
        unset = runner.invoke(cli, ["listen", "import", str(path)])
        assert unset.exit_code != 0
        assert "[alerts.webhook]: the environment variable FW_TEST_SIGNING is not set" in (
            unset.output
        )
        monkeypatch.setenv("FW_TEST_SIGNING", SIGNING)
        out = ok(runner.invoke(cli, ["listen", "import", str(path)]))
        # The mentions are from January 2026: every alert is about an old bucket.
        assert server.requests == []
        assert "recorded but not sent to the alert channels (about older buckets)" in out
        assert "--notify all" in out

        # The same file into a fresh database, asking for every alert to be sent.
        monkeypatch.setenv("FIREWARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'again.db'}")
        ok(runner.invoke(cli, ["db", "upgrade"]))
        ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
        out = ok(runner.invoke(cli, ["listen", "import", str(path), "--notify", "all"]))
        assert server.requests and "not sent" not in out
        alerts = int(out.split(" alert(s)")[0].rsplit(", ", 1)[1])
        assert len(server.requests) == alerts
        sent = server.requests[0]
        assert signing.verify(SIGNING, sent.headers["x-firewarden-timestamp"],
                              sent.headers["x-firewarden-signature"], sent.body,
                              now=int(sent.headers["x-firewarden-timestamp"]))  # fmt: skip


def test_which_imported_alerts_are_sent() -> None:
    import datetime as dt

    from firewarden.listen.cli import import_hold_back

    now = dt.datetime.now(dt.UTC)
    recent = import_hold_back("recent")
    assert recent is not None
    assert recent(now - dt.timedelta(minutes=50)) == ""  # the last hour: sent
    old = recent(now - dt.timedelta(hours=3))
    assert "more than 1 h before the import" in old and "--notify all" in old
    assert import_hold_back("all") is None
    never = import_hold_back("none")
    assert never is not None and never(now) == "imported with --notify none"


def test_watch_remove_finds_a_name_of_digits_and_suggests_the_exact_spelling(
    runner: CliRunner,
) -> None:
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    ok(runner.invoke(cli, ["watch", "add", "2025", "--keyword", "Expo 2025"]))
    wrong_case = runner.invoke(cli, ["watch", "remove", "acme"])
    assert wrong_case.exit_code == 2 and "did you mean 'Acme'?" in wrong_case.output
    assert "removed watch 2025" in ok(runner.invoke(cli, ["watch", "remove", "2025"]))
    listed = ok(runner.invoke(cli, ["watch", "list"]))
    assert "Acme" in listed and "2025" not in listed
    # A number that names no watch is read as an id.
    missing = runner.invoke(cli, ["watch", "remove", "999"])
    assert missing.exit_code == 2 and "no watch with id 999" in missing.output
    assert "removed watch Acme" in ok(runner.invoke(cli, ["watch", "remove", "1"]))  # its id
    assert "Acme" not in ok(runner.invoke(cli, ["watch", "list"]))


def test_an_import_out_of_time_order_is_refused_whole_or_sorted(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .helpers import storm_mentions

    mentions = storm_mentions()
    newest_first = tmp_path / "export.jsonl"
    newest_first.write_text("\n".join(json.dumps(m.to_dict()) for m in reversed(mentions)))
    in_order = tmp_path / "in-order.jsonl"
    in_order.write_text("\n".join(json.dumps(m.to_dict()) for m in mentions))
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))

    refused = runner.invoke(cli, ["listen", "import", str(newest_first)])
    assert refused.exit_code == 2 and "not in time order: line " in refused.output
    assert "Nothing was imported" in refused.output and "--sort" in refused.output
    # Nothing was imported, so the same mentions in order still raise the storm's alerts.
    out = ok(runner.invoke(cli, ["listen", "import", str(in_order)]))
    alerts = int(out.split(" alert(s)")[0].rsplit(", ", 1)[1])
    assert alerts > 0 and "warning" not in out

    # --sort imports the newest-first file as if it were in order.
    monkeypatch.setenv("FIREWARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'sorted.db'}")
    ok(runner.invoke(cli, ["db", "upgrade"]))
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    out = ok(runner.invoke(cli, ["listen", "import", str(newest_first), "--sort"]))
    assert f", {alerts} alert(s)" in out
    assert "already imported" in ok(runner.invoke(cli, ["listen", "import", str(newest_first),
                                                        "--sort"]))  # fmt: skip


def test_an_older_file_after_a_newer_one_says_its_mentions_were_not_judged(
    runner: CliRunner, tmp_path: Path
) -> None:
    from .helpers import storm_mentions

    mentions = storm_mentions()
    half = len(mentions) // 2
    newer, older = tmp_path / "newer.jsonl", tmp_path / "older.jsonl"
    newer.write_text("\n".join(json.dumps(m.to_dict()) for m in mentions[half:]))
    older.write_text("\n".join(json.dumps(m.to_dict()) for m in mentions[:half]))
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    assert "warning" not in ok(runner.invoke(cli, ["listen", "import", str(newer)]))
    out = ok(runner.invoke(cli, ["listen", "import", str(older)]))
    assert "mention(s), the oldest from" in out and "did not judge them" in out
    assert "older files before newer ones" in out


def test_a_mention_dated_in_the_future_is_a_bad_line(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    rows = [
        {"id": "1", "text": "Acme", "created_at": (now - dt.timedelta(hours=1)).isoformat()},
        {"id": "2", "text": "Acme", "created_at": (now + dt.timedelta(days=3)).isoformat()},
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    bad = runner.invoke(cli, ["listen", "import", str(path)])
    assert bad.exit_code == 2 and "m.jsonl:2" in bad.output and "in the future" in bad.output
    assert "Everything before line 2 was imported" in bad.output


def test_a_failed_alert_delivery_is_said(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firewarden.publish.local_server import LocalHttpServer, Reply, Request

    from .helpers import storm_mentions

    def refuse(_req: Request) -> Reply:
        return Reply(400, b"no")

    path = tmp_path / "old.jsonl"
    path.write_text("\n".join(json.dumps(m.to_dict()) for m in storm_mentions()), "utf-8")
    with LocalHttpServer(refuse) as server:
        config = tmp_path / "fw.toml"
        secret = "a-signing-secret-of-some-length"
        config.write_text(f'[alerts]\nwebhook = {{ url = "{server.url}", secret = "{secret}" }}\n')
        monkeypatch.setenv("FIREWARDEN_CONFIG", str(config))
        ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
        out = ok(runner.invoke(cli, ["listen", "import", str(path), "--notify", "all"]))
    assert server.requests and "not delivered to webhook" in out
    assert "alert delivery(ies) failed" in out


def test_a_worker_sends_its_alerts_to_the_configured_channels(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `listen work` (and so `listen run --workers`) builds its pipelines with the same alert
    # channels as a single process; before, its alerts were recorded but sent nowhere.
    from firewarden.listen import nats_worker
    from firewarden.listen.pipeline import Stats

    config = tmp_path / "fw.toml"
    config.write_text(
        '[alerts]\nwebhook = { url = "http://127.0.0.1:9/hook", secret = "0123456789abcdef" }\n'
    )
    monkeypatch.setenv("FIREWARDEN_CONFIG", str(config))
    seen: dict[str, object] = {}

    async def fake_work(
        *_args: object, pipeline_options: dict[str, object], **_kw: object
    ) -> Stats:
        seen.update(pipeline_options)
        return Stats()

    monkeypatch.setattr(nats_worker, "work", fake_work)
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    out = ok(runner.invoke(cli, ["listen", "work", "--queue", "nats://127.0.0.1:4222"]))
    assert "worker: 0 counted" in out
    escalation = seen["escalation"]
    assert escalation is not None and "webhook" in escalation.notifiers  # type: ignore[attr-defined]


def test_watch_names_differing_in_case_are_one_name(runner: CliRunner) -> None:
    ok(runner.invoke(cli, ["watch", "add", "Acme", "--keyword", "Acme"]))
    again = runner.invoke(cli, ["watch", "add", "acme", "--keyword", "Acme Coffee"])
    assert again.exit_code == 2 and "a watch named 'Acme' already exists" in again.output
    ok(runner.invoke(cli, ["watch", "add", "Other", "--keyword", "Other"]))
    listed = ok(runner.invoke(cli, ["watch", "list"]))
    other_id = next(line.split()[0] for line in listed.splitlines() if "Other" in line)
    assert "removed watch Other" in ok(runner.invoke(cli, ["watch", "remove", other_id]))
