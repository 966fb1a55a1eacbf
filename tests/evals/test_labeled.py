"""``firewarden eval labeled``: figures on tiny hand-checkable files, and bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from firewarden.cli import cli
from firewarden.evals.labeled import compute_metrics, parse_label

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# Texts whose decision is not in doubt, so the expected counts can be worked out by hand.
OFFENSIVE = "shut up you fucking idiot, what a stupid bitch"
BENIGN = "Thanks for shopping with us! Have a wonderful weekend."
# label 1 & flagged -> tp; label 1 & not -> fn; label 0 & flagged -> fp; label 0 & not -> tn
ROWS = [(OFFENSIVE, 1), (BENIGN, 1), (OFFENSIVE, 0), (BENIGN, 0), (BENIGN, 0)]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["eval", "labeled", *args])
    return result.exit_code, result.output


def _tweeteval(tmp_path: Path, rows: list[tuple[str, int]], name: str = "offensive") -> Path:
    task = tmp_path / name
    task.mkdir()
    (task / "val_text.txt").write_text("".join(t + "\n" for t, _ in rows), encoding="utf-8")
    (task / "val_labels.txt").write_text("".join(f"{y}\n" for _, y in rows), encoding="utf-8")
    return task


def test_metrics_by_hand() -> None:
    m = compute_metrics([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])
    assert (m.tp, m.fn, m.fp, m.tn) == (1, 1, 1, 2)
    assert m.precision == 0.5 and m.recall == 0.5 and m.f1 == 0.5
    # negative class: tp 2, fp 1, fn 1 -> F1 4/6
    assert m.macro_f1 == pytest.approx((0.5 + 4 / 6) / 2)


def test_metrics_with_nothing_flagged_are_zero_not_an_error() -> None:
    m = compute_metrics([1, 0], [0, 0])
    assert m.precision == 0.0 and m.recall == 0.0 and m.f1 == 0.0


def test_tweeteval_layout_gives_the_hand_computed_figures(tmp_path: Path) -> None:
    task = _tweeteval(tmp_path, ROWS)
    code, out = _run("--tweeteval", str(task), "--format", "json")
    assert code == 0, out
    result = json.loads(out)
    assert result["model"] == "offensive"
    assert (result["tp"], result["fn"], result["fp"], result["tn"]) == (1, 1, 1, 2)
    assert result["precision"] == 0.5 and result["recall"] == 0.5
    assert result["macro_f1"] == pytest.approx((0.5 + 4 / 6) / 2, abs=1e-4)


def test_text_table(tmp_path: Path) -> None:
    code, out = _run("--tweeteval", str(_tweeteval(tmp_path, ROWS)))
    assert code == 0, out
    assert "precision" in out and "macro-F1" in out and "0.583" in out


def test_csv_with_label_names(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    lines = ["tweet,gold"]
    for text, y in ROWS:
        lines.append(f'"{text}",{"offensive" if y else "not"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _run(
        "--csv", str(path), "--text-column", "tweet", "--label-column", "gold", "--format", "json"
    )
    assert code == 0, out
    result = json.loads(out)
    assert (result["tp"], result["fn"], result["fp"], result["tn"]) == (1, 1, 1, 2)


def test_japanese_model_on_csv(tmp_path: Path) -> None:
    path = tmp_path / "ja.csv"
    path.write_text("text,label\n死ねよバカ,1\nありがとうございます,0\n", encoding="utf-8")
    code, out = _run("--csv", str(path), "--model", "ja", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["macro_f1"] == 1.0


def test_missing_file_names_it(tmp_path: Path) -> None:
    task = tmp_path / "offensive"
    task.mkdir()
    code, out = _run("--tweeteval", str(task))
    assert code == 2
    assert "val_text.txt" in out and "not found" in out


def test_mismatched_line_counts(tmp_path: Path) -> None:
    task = _tweeteval(tmp_path, ROWS)
    (task / "val_labels.txt").write_text("1\n0\n", encoding="utf-8")
    code, out = _run("--tweeteval", str(task))
    assert code == 2
    assert "5 texts but 2 labels" in out


def test_unknown_label_names_file_and_line(tmp_path: Path) -> None:
    task = _tweeteval(tmp_path, ROWS)
    (task / "val_labels.txt").write_text("1\n0\nmaybe\n0\n0\n", encoding="utf-8")
    code, out = _run("--tweeteval", str(task))
    assert code == 2
    assert "val_labels.txt:3" in out and "maybe" in out


def test_csv_unknown_label_and_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nhello,0\nworld,sometimes\n", encoding="utf-8")
    code, out = _run("--csv", str(path))
    assert code == 2 and "bad.csv:3" in out and "sometimes" in out
    code, out = _run("--csv", str(path), "--label-column", "gold")
    assert code == 2 and "no column named 'gold'" in out


def test_needs_exactly_one_input(tmp_path: Path) -> None:
    code, out = _run()
    assert code == 2 and "--tweeteval" in out


def test_label_names() -> None:
    assert parse_label("Offensive") == 1 and parse_label("NOT") == 0
    assert parse_label("not offensive") == 0 and parse_label("hate") == 1
    assert parse_label("perhaps") is None


@pytest.mark.skipif(
    not (SHARED / "tweeteval").is_dir(), reason="shared data is not beside the repo"
)
def test_offensive_val_matches_the_recorded_figure() -> None:
    code, out = _run("--tweeteval", str(SHARED / "tweeteval" / "offensive"), "--format", "json")
    assert code == 0, out
    assert json.loads(out)["macro_f1"] > 0.70
