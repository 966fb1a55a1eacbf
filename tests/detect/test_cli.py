from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from firewarden.cli import cli


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_detect_series_writes_decisions(tmp_path: Path) -> None:
    rows = ["timestamp,value"] + [
        f"{1767571200 + 300 * i},{200 if 300 <= i < 310 else 10 + i % 3}" for i in range(400)
    ]
    src = _write(tmp_path, "\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(cli, ["detect", "series", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as handle:
        got = list(csv.DictReader(handle))
    assert list(got[0]) == ["timestamp", "value", "alert", "level", "score"]
    assert len(got) == 400
    alerts = [i for i, r in enumerate(got) if r["alert"] == "1"]
    assert alerts and alerts[0] == 300
    assert got[300]["level"] in {"watch", "warning", "crisis"}
    assert got[10]["level"] == ""


def test_detect_series_errors_name_the_line(tmp_path: Path) -> None:
    runner = CliRunner()
    cases = {
        "timestamp,value\n2026-01-01 00:00,1\n2026-01-01 00:05,abc\n": "line 3",
        "timestamp,value\n2026-01-01 00:05,1\n2026-01-01 00:00,2\n": "earlier than",
        "time,count\n2026-01-01 00:00,1\n": "line 1",
        "timestamp,value\nyesterday,1\n": "line 2, column timestamp: not a timestamp",
        "timestamp,value\n2026-01-01 00:00,\n": "line 2, column value: the value is missing",
        # A thousands separator would silently drop digits: refused, with what to write.
        "timestamp,value\n2026-01-01 00:00,1,234\n": "expected 2 values (timestamp, value)",
        "": "the file is empty",
    }
    for text, expected in cases.items():
        res = runner.invoke(cli, ["detect", "series", str(_write(tmp_path, text))])
        assert res.exit_code == 2, res.output
        assert expected in res.output
        assert "Traceback" not in res.output
    res = runner.invoke(cli, ["detect", "series", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2 and "does not exist" in res.output
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("timestamp,value\n2026-01-01 00:00,1 café\n".encode("latin-1"))
    res = runner.invoke(cli, ["detect", "series", str(latin1)])
    assert res.exit_code == 2 and "not UTF-8" in res.output and "Traceback" not in res.output


def test_detect_series_says_when_there_are_no_rows(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["detect", "series", str(_write(tmp_path, "timestamp,value\n"))])
    assert res.exit_code == 0 and "has a header but no rows" in res.output


def test_simulate_firestorm_counts_feed_detect_series(tmp_path: Path) -> None:
    runner = CliRunner()
    counts = tmp_path / "counts.csv"
    res = runner.invoke(
        cli,
        [
            "simulate",
            "firestorm",
            "--days",
            "5",
            "--seed",
            "2",
            "--counts",
            "5",
            "--out",
            str(counts),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "true onset" in res.output
    res = runner.invoke(cli, ["detect", "series", str(counts), "--direction", "up"])
    assert res.exit_code == 0
    mentions = tmp_path / "m.jsonl"
    res = runner.invoke(
        cli, ["simulate", "firestorm", "--days", "2", "--format", "jsonl", "--out", str(mentions)]
    )
    assert res.exit_code == 0
    assert '"sentiment"' in mentions.read_text(encoding="utf-8").splitlines()[0]


def test_detect_series_bad_input_leaves_no_output_file(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,oops\n")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(cli, ["detect", "series", str(src), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert not out.exists()
    assert not (tmp_path / "out.csv.part").exists()


def test_simulate_evaluate_with_the_models_negative_flags() -> None:
    import json

    args = ["simulate", "evaluate", "--runs", "1", "--days", "6", "--format", "json"]
    res = CliRunner().invoke(cli, [*args, "--negative-from", "model"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert figures["runs"] == 1 and figures["detected"] == 1
    res = CliRunner().invoke(cli, [*args, "--negative-from", "oracle"])
    assert res.exit_code == 2 and "--negative-from" in res.output


def test_an_output_in_a_folder_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    series = tmp_path / "s.csv"
    series.write_text("timestamp,value\n2026-01-01T00:00:00,1\n", encoding="utf-8")
    runner = CliRunner()
    for args in (
        ["detect", "series", str(series), "--out", str(tmp_path / "nodir" / "x.csv")],
        ["simulate", "firestorm", "--days", "1", "--out", str(tmp_path / "nodir" / "s.csv")],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2 and "does not exist: create it first" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "nodir").exists()
