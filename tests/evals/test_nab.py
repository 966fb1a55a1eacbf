"""NAB scoring on hand-made examples with known scores, and on the real corpus if present."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from firewarden.cli import cli
from firewarden.evals.nab import PROFILES, scaled_sigmoid, score_file, summarise

T0 = datetime(2026, 1, 1)
STD = PROFILES["standard"]
TIMES = [T0 + timedelta(minutes=i) for i in range(1000)]  # probation: first 150 points
WINDOW = [(TIMES[400], TIMES[499])]  # 100 points wide


def _score(alerts: list[int], cost=STD):  # type: ignore[no-untyped-def]
    return score_file("f", TIMES, alerts, WINDOW, cost)


def test_scaled_sigmoid_shape() -> None:
    assert scaled_sigmoid(-1.0) == pytest.approx(2 / (1 + math.exp(-5)) - 1)
    assert scaled_sigmoid(0.0) == 0.0
    assert scaled_sigmoid(3.0) == -1.0


def test_perfect_detector_scores_100_and_null_0() -> None:
    perfect = _score([400])
    assert perfect.raw == pytest.approx(1.0)
    assert perfect.normalised == pytest.approx(100.0)
    null = _score([])
    assert null.raw == pytest.approx(-1.0)
    assert null.normalised == pytest.approx(0.0)


def test_early_detection_beats_late_and_only_the_best_counts() -> None:
    start, end = _score([400]), _score([499])
    assert start.raw > end.raw > -1.0
    # At the right edge the relative position is -1/width.
    assert end.raw == pytest.approx(scaled_sigmoid(-1 / 100) / scaled_sigmoid(-1.0))
    assert _score([400, 450, 499]).raw == pytest.approx(start.raw)


def test_false_positives_cost_by_distance_from_the_window() -> None:
    before = _score([400, 300])  # before the first window: full cost
    assert before.raw == pytest.approx(1.0 - STD.fp)
    just_after = _score([400, 501])
    far_after = _score([400, 900])
    assert far_after.raw == pytest.approx(1.0 - STD.fp)
    assert 1.0 - STD.fp < just_after.raw < 1.0
    # Position past the window: 2 points / (width - 1).
    expected = 1.0 + scaled_sigmoid(2 / 99) * STD.fp
    assert just_after.raw == pytest.approx(expected)
    low_fp = _score([400, 300], PROFILES["reward_low_FP_rate"])
    assert low_fp.raw == pytest.approx(1.0 - 0.22)


def test_probationary_period_is_ignored() -> None:
    assert _score([10, 100, 149, 400]).raw == pytest.approx(1.0)
    assert _score([150, 400]).raw == pytest.approx(1.0 - STD.fp)


def test_low_fn_profile_and_corpus_normalisation() -> None:
    missed = _score([], PROFILES["reward_low_FN_rate"])
    assert missed.raw == pytest.approx(-2.0)
    half = summarise([_score([400]), _score([])])
    assert half.score == pytest.approx(50.0)
    assert half.windows == 2 and half.detected == 1


def _value(i: int) -> int:
    return 500 if 700 <= i < 710 else 10 + i % 2


def test_eval_nab_command_on_a_tiny_corpus(tmp_path: Path) -> None:
    data = tmp_path / "data" / "cat"
    data.mkdir(parents=True)
    lines = ["timestamp,value"] + [
        f"{(T0 + timedelta(minutes=5 * i)).isoformat(sep=' ')},{_value(i)}" for i in range(1000)
    ]
    (data / "a.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = (T0 + timedelta(minutes=5 * 690)).isoformat(sep=" ")
    end = (T0 + timedelta(minutes=5 * 740)).isoformat(sep=" ")
    labels = tmp_path / "windows.json"
    labels.write_text(json.dumps({"cat/a.csv": [[start, end]]}), encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        [
            "eval",
            "nab",
            "--data",
            str(tmp_path / "data"),
            "--labels",
            str(labels),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    std = out["profiles"]["standard"]
    assert std["overall"]["detected"] == 1
    assert std["overall"]["score"] > 50
    assert set(out["profiles"]) == set(PROFILES)
    bad = CliRunner().invoke(
        cli,
        [
            "eval",
            "nab",
            "--data",
            str(tmp_path / "data"),
            "--labels",
            str(labels),
            "--only",
            "nothing",
        ],
    )
    assert bad.exit_code == 2 and "no labelled file" in bad.output


SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nab"


def test_real_corpus_tweets_scores_above_null() -> None:
    if not (SHARED / "labels" / "combined_windows.json").is_file():
        pytest.skip("NAB data not found beside the repository (shared/data/nab)")
    from firewarden.evals.nab import evaluate_corpus, load_windows, product_alerts

    windows = load_windows(SHARED / "labels" / "combined_windows.json")
    result = evaluate_corpus(SHARED / "data", windows, product_alerts(), ["realTweets"])
    assert result.summary("standard").score > 0


def test_the_labels_file_instead_of_the_windows_file_is_named(tmp_path: Path) -> None:
    from firewarden.errors import InputError
    from firewarden.evals.nab import load_windows

    labels = tmp_path / "combined_labels.json"
    labels.write_text('{"realTweets/x.csv": ["2015-03-02 13:57:53", "2015-03-04 02:12:53"]}')
    with pytest.raises(InputError, match="single times, not windows") as caught:
        load_windows(labels)
    assert "combined_windows.json" in caught.value.hint
    pairs = tmp_path / "bad.json"
    pairs.write_text('{"realTweets/x.csv": [["2015-03-02 13:57:53"]]}')
    with pytest.raises(InputError, match="bad window"):
        load_windows(pairs)
