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
