"""``firewarden guidelines lint | test | list`` and the starter template."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pack_helpers import TRAPS, write_pack

from firewarden.cli import cli
from firewarden.guidelines.loader import load_guidelines

TEMPLATE = Path(__file__).parents[2] / "src/firewarden/guidelines/templates/company-pack.yaml"

GOOD = """
pack: acme/good
rules:
  - id: acme.rude
    category: profanity
    severity: medium
    match: {phrases: ["darn"]}
    message: "Mild profanity: {match}"
    examples:
      flag: ["darn it"]
      pass: ["yarn it"]
"""


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["guidelines", *args])
    return result.exit_code, result.output


def test_lint_reports_every_error_as_file_line_field(tmp_path: Path) -> None:
    bad = GOOD.replace("profanity", "profane").replace("medium", "mid")
    bad = bad.replace('{phrases: ["darn"]}', "{regex: ['(x']}")
    path = write_pack(tmp_path, bad)
    code, out = invoke("lint", str(path))
    assert code == 1
    assert f"{path}:4: rules[acme.rude].category: unknown value 'profane'" in out
    assert f"{path}:5: rules[acme.rude].severity: unknown value 'mid'" in out
    assert f"{path}:6: rules[acme.rude].match.regex: not a valid regular expression" in out
    assert "hint: did you mean 'profanity'?" in out


def test_lint_warnings_do_not_fail(tmp_path: Path) -> None:
    path = write_pack(tmp_path, GOOD.replace('["darn"]', '["black"]').split("    examples")[0])
    code, out = invoke("lint", str(path))
    assert code == 0
    assert "warning: no `flag` examples" in out
    assert "warning: 'black' alone is an everyday word" in out


def test_lint_notes_replaced_rules_and_unknown_ids(tmp_path: Path) -> None:
    write_pack(tmp_path, GOOD, "a.yaml")
    write_pack(tmp_path, GOOD.replace("acme/good", "acme/other") + "disable: [acme.rud]\n",
               "b.yaml")  # fmt: skip
    code, out = invoke("lint", str(tmp_path))
    assert code == 0
    assert "info: replaces the rule of the same id from acme/good" in out
    assert "disable: warning: no rule has the id 'acme.rud'" in out


def test_lint_without_paths_checks_the_builtin_packs() -> None:
    code, _ = invoke("lint")
    assert code == 0


def test_test_command_passes_and_fails(tmp_path: Path) -> None:
    good = write_pack(tmp_path, GOOD, "good.yaml")
    code, out = invoke("test", "--no-builtin", str(good))
    assert (code, out.strip()) == (0, "2 passed, 0 failed")
    bad = write_pack(tmp_path, GOOD.replace('["yarn it"]', '["darn, again"]'), "bad.yaml")
    code, out = invoke("test", "--no-builtin", str(bad))
    assert code == 1
    assert f"{bad}:3: acme.rude: pass example FAILED: 'darn, again'" in out
    assert "the rule matched 'darn'" in out
    assert "1 passed, 1 failed" in out


def test_test_command_runs_builtin_and_company_examples() -> None:
    code, out = invoke("test", str(TRAPS))
    assert code == 0, out
    assert "0 failed" in out


def test_list_shows_origin_and_marks_disabled_and_replaced(tmp_path: Path) -> None:
    base = write_pack(tmp_path, GOOD, "a.yaml")
    over = GOOD.replace("acme/good", "acme/other").replace("id: acme.rude", "id: acme.other")
    over += "disable: [acme.rude]\nseverity: {acme.other: high}\n"
    other = write_pack(tmp_path, over, "b.yaml")
    replacing = write_pack(tmp_path, GOOD.replace("acme/good", "acme/third"), "c.yaml")
    code, out = invoke("list", "--guidelines", str(base), "--guidelines", str(other),
                       "--guidelines", str(replacing))  # fmt: skip
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("acme.")}
    assert "high (was medium)" in lines["acme.other"]
    assert "acme/other" in lines["acme.other"] and "b.yaml:3" in lines["acme.other"]
    rude = [line for line in out.splitlines() if line.startswith("acme.rude")]
    assert any("disabled" in line and "acme/third" in line for line in rude)
    assert any("replaced by acme/third" in line for line in rude)


def test_errors_in_company_packs_are_user_errors(tmp_path: Path) -> None:
    path = write_pack(tmp_path, GOOD.replace("profanity", "profane"))
    code, out = invoke("list", "--guidelines", str(path))
    assert code == 2
    assert "Traceback" not in out


def test_template_loads_lints_clean_and_passes_its_examples() -> None:
    load_guidelines([TEMPLATE])
    code, out = invoke("lint", str(TEMPLATE))
    assert (code, out.strip()) == (0, "0 error(s), 0 warning(s)")
    code, out = invoke("test", str(TEMPLATE))
    assert code == 0, out


def test_list_for_a_handle_applies_its_overrides(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, GOOD + 'accounts:\n  "@Acme_JP": {disable: [acme.rude]}\n')
    code, out = invoke("list", "--guidelines", str(pack), "--handle", "@acme_jp")
    assert code == 0
    [line] = [x for x in out.splitlines() if x.startswith("acme.rude")]
    assert "disabled" in line
    code, out = invoke("list", "--guidelines", str(pack))
    [line] = [x for x in out.splitlines() if x.startswith("acme.rude")]
    assert "active" in line
