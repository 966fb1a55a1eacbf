"""Loading packs: errors name file, line and field; layering of several packs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_helpers import check, rule_ids, write_pack

from firewarden.checks.types import Severity
from firewarden.errors import ConfigError
from firewarden.guidelines.loader import builtin_guidelines, load_guidelines

RULE = """
pack: acme/test
rules:
  - id: acme.one
    category: profanity
    severity: medium
    match:
      phrases: ["darn"]
    message: "Mild profanity: {match}"
"""


def load_error(tmp_path: Path, body: str) -> ConfigError:
    path = write_pack(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_guidelines([path], builtin=False)
    return info.value


@pytest.mark.parametrize(
    ("body", "line", "field", "words"),
    [
        ("pack: x\nrules: [\n", 3, "", "not valid YAML"),
        ("pack: x\nrule: []\n", 2, "rule", "did you mean 'rules'"),
        (RULE + "    suggestoin: x\n", 9, "rules[acme.one].suggestoin", "'suggestion'"),
        (RULE.replace('["darn"]', "\n      regex: ['(unclosed']"), 8, ".match.regex", "regular"),
        (RULE.replace("profanity", "sexist"), 4, "rules[acme.one].category", "'sexism'"),
        (RULE.replace("medium", "severe"), 5, "rules[acme.one].severity", "info, low"),
        (RULE + "    when: {intents: [humor]}\n", 9, ".when.intents", "'humour'"),
        (RULE + "    when: {account: company}\n", 9, ".when.account", "corporate"),
        (RULE + "    when: {sponsored: maybe}\n", 9, ".when.sponsored", "true or false"),
        (RULE + RULE.split("rules:\n")[1], 9, "rules[1].id", "duplicate rule id 'acme.one'"),
        (RULE.replace('phrases: ["darn"]', "window: 3"), 7, "rules[acme.one].match", "unknown"),
        (RULE.replace('phrases: ["darn"]', "phrases: []"), 7, "rules[acme.one].match", "nothing"),
        (RULE.replace('"Mild profanity: {match}"', '""'), 8, "rules[acme.one].message", "empty"),
        (RULE.replace('    match:\n      phrases: ["darn"]\n', ""), 3, ".match", "missing"),
        (RULE.replace("id: acme.one", "id: Acme One"), 3, "rules[0].id", "not a valid id"),
        (RULE.replace("pack: acme/test\n", ""), 1, "pack", "missing"),
        (RULE + "calendar:\n  - {date: '13-45', name: X, kind: company}\n", 10, "date", "MM-DD"),
        (RULE + "calendar:\n  - {date: '06-30', name: X, kind: party}\n", 10, "kind", "party"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, body: str, line: int, field: str, words: str
) -> None:
    err = load_error(tmp_path, body)
    assert err.where == f"{tmp_path / 'pack.yaml'}:{line}"
    assert field in err.message
    assert words in str(err)


def test_every_error_is_counted_in_the_hint(tmp_path: Path) -> None:
    body = RULE.replace("profanity", "sexist").replace("medium", "severe")
    err = load_error(tmp_path, body)
    assert "1 more problem" in err.hint


def test_missing_path_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such guideline pack"):
        load_guidelines([tmp_path / "nope.yaml"], builtin=False)


def test_empty_pack_is_an_error(tmp_path: Path) -> None:
    assert "empty" in str(load_error(tmp_path, "# nothing yet\n"))


def test_folder_loads_every_yaml_in_sorted_order(tmp_path: Path) -> None:
    write_pack(tmp_path, RULE, "a.yaml")
    write_pack(tmp_path, RULE.replace("medium", "high"), "b.yaml")
    g = load_guidelines([tmp_path], builtin=False)
    assert [r.severity for r in g.rules] == [Severity.HIGH]  # b.yaml replaced a.yaml's rule


def test_builtin_packs_load_and_are_cached() -> None:
    assert builtin_guidelines() is builtin_guidelines()


# Layering ------------------------------------------------------------------------------------

BASE = """
pack: base
language: en
rules:
  - id: b.rude
    category: profanity
    severity: medium
    match: {phrases: ["darn"]}
    message: "Mild profanity: {match}"
  - id: b.black
    category: racism
    severity: high
    match: {phrases: ["black"]}
    message: "Colour: {match}"
"""


def layered(tmp_path: Path, company: str) -> list[Path]:
    return [write_pack(tmp_path, BASE, "0-base.yaml"), write_pack(tmp_path, company, "1-co.yaml")]


def test_company_pack_disables_a_rule(tmp_path: Path) -> None:
    g = load_guidelines(layered(tmp_path, "pack: co\ndisable: [b.rude]\n"), builtin=False)
    assert rule_ids(check("darn it", g)) == set()


def test_company_pack_changes_a_severity(tmp_path: Path) -> None:
    g = load_guidelines(layered(tmp_path, "pack: co\nseverity: {b.rude: critical}\n"),
                        builtin=False)  # fmt: skip
    [f] = check("darn it", g).findings
    assert f.severity is Severity.CRITICAL


def test_company_pack_replaces_a_rule_with_the_same_id(tmp_path: Path) -> None:
    company = BASE.replace("pack: base", "pack: co").replace('["darn"]', '["heck"]')
    g = load_guidelines(layered(tmp_path, company), builtin=False)
    assert rule_ids(check("darn it", g)) == set()
    [f] = check("heck it", g).findings
    assert f.origin == "co"


def test_allowed_terms_suppress_findings_inside_them_only(tmp_path: Path) -> None:
    g = load_guidelines(layered(tmp_path, "pack: co\nallow: ['Black Coffee']\n"), builtin=False)
    report = check("Our black coffee is back", g)
    assert report.findings == () and [f.rule_id for f in report.suppressed] == ["b.black"]
    assert rule_ids(check("black friday", g)) == {"b.black"}


def test_per_account_overrides_apply_to_that_handle_only(tmp_path: Path) -> None:
    company = """
    pack: co
    accounts:
      "@Acme_JP":
        disable: [b.rude]
        severity: {b.black: low}
        allow: ["black friday"]
        vetted_hashtags: ["#AcmeSummer"]
    """
    g = load_guidelines(layered(tmp_path, company), builtin=False)
    assert rule_ids(check("darn it", g)) == {"b.rude"}
    assert rule_ids(check("darn it", g, handle="@acme_jp")) == set()
    assert check("black friday", g, handle="acme_jp").findings == ()
    [f] = check("black cat", g, handle="@ACME_JP").findings
    assert f.severity is Severity.LOW
    assert "acmesummer" in g.for_account("@acme_jp").vetted_hashtags
    assert "acmesummer" not in g.vetted_hashtags


def test_pack_data_is_folded_and_kept(tmp_path: Path) -> None:
    company = """
    pack: co
    vetted_hashtags: ["#AcmeSummer", "ＡｃｍｅＷｉｎｔｅｒ"]
    brand: ["Acme", "アクメ"]
    allow: ["Killer Burger"]
    hashtags:
      - {tag: "#WhyIStayed", kind: survivors, meaning: "Domestic violence survivors' stories"}
    calendar:
      - {date: "06-30", name: "Founder's memorial", kind: company, region: jp, since: 2001}
      - {date: "2027-01-17", name: "Local memorial", kind: anniversary}
    """
    g = load_guidelines([write_pack(tmp_path, company)], builtin=False)
    assert g.vetted_hashtags == {"acmesummer", "acmewinter"}
    assert g.brand_terms == ("acme", "あくめ")
    assert g.allowed_terms == ("killer burger",)
    assert g.hashtag_notes["whyistayed"].kind == "survivors"
    founder, local = g.sensitive_dates
    assert (founder.month, founder.day, founder.since, founder.origin) == (6, 30, 2001, "co")
    assert (local.year, local.month, local.day) == (2027, 1, 17)
