from pathlib import Path

import pytest

from firewarden.config import load_config
from firewarden.errors import ConfigError
from firewarden.starter import CONFIG_TEMPLATE


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
    monkeypatch.delenv("FIREWARDEN_DATABASE_URL", raising=False)
    config = load_config()
    assert config.path is None
    assert config.database_url == "sqlite:///firewarden.db"
    assert config.fail_on == "medium"


def test_the_starter_template_loads_and_resolves_packs_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "firewarden.toml"
    path.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    config = load_config(path)
    assert config.guideline_packs == (tmp_path / "guidelines",)
    assert config.undo_seconds == 60


def test_environment_overrides_the_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "firewarden.toml"
    path.write_text('[database]\nurl = "sqlite:///a.db"\n', encoding="utf-8")
    monkeypatch.setenv("FIREWARDEN_DATABASE_URL", "sqlite:///b.db")
    assert load_config(path).database_url == "sqlite:///b.db"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[gidelines]\npacks = []\n", "unknown section"),
        ("[check]\nfail_at = 'high'\n", "unknown setting"),
        ("[check]\nfail_on = 'severe'\n", "unknown level"),
        ("[web]\nport = 'eighty'\n", "whole number"),
        # Alerts link to base_url: without its scheme the links do not open.
        ("[web]\nbase_url = 'firewarden.example.com'\n", "starting with https://"),
        ("[web]\nbase_url = 'ftp://firewarden.example.com'\n", "starting with https://"),
        ("[check\n", "TOML"),
    ],
)
def test_bad_configuration_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "firewarden.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_missing_explicit_file_suggests_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="firewarden init"):
        load_config(tmp_path / "nope.toml")


def test_base_url_hint_shows_the_whole_address(tmp_path: Path) -> None:
    path = tmp_path / "firewarden.toml"
    path.write_text('[web]\nbase_url = "firewarden.example.com"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.where == f"{path}: [web] base_url"
    assert 'base_url = "https://firewarden.example.com"' in caught.value.hint
    path.write_text('[web]\nbase_url = "https://firewarden.example.com/fw"\n', encoding="utf-8")
    assert load_config(path).sections["web"]["base_url"] == "https://firewarden.example.com/fw"


def test_alert_settings_are_checked_when_the_file_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "firewarden.toml"
    path.write_text(
        '[alerts.email]\nhost = "smtp.example"\nport = 587\nsender = "a@x.example"\n'
        'recipients = ["pr@x.example"]\npasword = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"unknown setting.*pasword") as caught:
        load_config(path)
    assert caught.value.where == f"{path}: [alerts.email]"
    assert "did you mean password" in caught.value.hint


def test_env_references_are_read_when_the_listener_starts_not_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FW_TEST_SLACK_URL", raising=False)
    path = tmp_path / "firewarden.toml"
    path.write_text('[alerts.slack]\nwebhook_url = "env:FW_TEST_SLACK_URL"\n', encoding="utf-8")
    config = load_config(path)  # e.g. `firewarden check` on a machine without the variable
    from firewarden.listen.alerts import escalation_from_config

    with pytest.raises(ConfigError, match="FW_TEST_SLACK_URL is not set"):
        escalation_from_config(config.sections["alerts"])
    monkeypatch.setenv("FW_TEST_SLACK_URL", "https://hooks.slack.com/services/T/B/x")
    assert list(escalation_from_config(config.sections["alerts"]).notifiers) == ["slack"]
