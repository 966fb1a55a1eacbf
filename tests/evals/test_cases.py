import json
from pathlib import Path

from click.testing import CliRunner

from firewarden.checks.context import Context
from firewarden.checks.records import Record
from firewarden.checks.types import Finding, Level, Report, Severity
from firewarden.cli import cli
from firewarden.evals.cases import evaluate_cases


def _rec(rid: str, risks: list[str]) -> Record:
    return Record(id=rid, text=rid, context=Context(), where=f"f:{rid}", raw={"risks": risks})


def _report(level: Level, category: str = "") -> Report:
    findings = ()
    if category:
        findings = (Finding("r", category, Severity(int(level)), 0, 1, "x", "m"),)
    return Report(level=level, score=0.5, findings=findings)


def test_recall_false_blocks_and_per_category_figures() -> None:
    records = [
        _rec("caught", ["sexism", "ageism"]),
        _rec("missed", ["sexism"]),
        _rec("ok", []),
        _rec("blocked", []),
    ]
    reports = {
        "caught": _report(Level.HIGH, "sexism"),
        "missed": _report(Level.LOW, "sexism"),
        "ok": _report(Level.LOW),
        "blocked": _report(Level.MEDIUM, "profanity"),
    }
    result = evaluate_cases(records, lambda r: reports[r.id])
    assert result.recall == 0.5
    assert result.false_block_rate == 0.5
    assert [o.id for o in result.misses] == ["missed"]
    assert [o.id for o in result.false_blocks] == ["blocked"]
    sexism = result.by_category["sexism"]
    assert (sexism.cases, sexism.caught, sexism.named) == (2, 1, 2)
    ageism = result.by_category["ageism"]
    assert (ageism.cases, ageism.caught, ageism.named) == (1, 1, 0)


def test_cli_lists_unchecked_cases_without_failing(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "- id: a\n  text: 'We are open from 9am tomorrow.'\n  risks: []\n"
        "- id: video\n  context: {date: 2020-01-01}\n  risks: [employee-misconduct]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["eval", "cases", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["benign"] == 1 and data["risky"] == 0
    assert data["not_checkable"][0]["id"] == "video"
