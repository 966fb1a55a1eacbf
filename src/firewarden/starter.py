"""``firewarden init``: write a commented configuration and a starter company guideline pack."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from firewarden.errors import ConfigError

CONFIG_TEMPLATE = """\
# firewarden configuration. Every setting has a default; delete what you do not need.
# Secrets and deployment settings come from the environment instead:
#   FIREWARDEN_DATABASE_URL  the database (default: sqlite:///firewarden.db beside you)
#   FIREWARDEN_SECRET_KEY    encrypts the social accounts' credentials at rest

[guidelines]
# Your company's guideline packs (files or folders of YAML), layered over the built-in
# English and Japanese packs in this order. See docs/guidelines.md for the format.
packs = ["guidelines"]

[check]
# `firewarden check` exits 1 at or above this level (none, low, medium, high, critical).
fail_on = "medium"
# A file listing what is happening in the world now (one event per line, or YAML),
# e.g. "typhoon approaching Okinawa". Promotions during such events are flagged.
# events_file = "events.txt"

[database]
# url = "postgresql+psycopg://firewarden@localhost/firewarden"

[review]
# Seconds between the final confirmation and sending, so a mistake can be undone.
undo_seconds = 60

[web]
host = "127.0.0.1"
port = 8000
"""


def starter_pack() -> str:
    """The commented starter company pack shipped with firewarden."""
    return (
        resources.files("firewarden.guidelines")
        .joinpath("templates/company-pack.yaml")
        .read_text(encoding="utf-8")
    )


def write_starter(directory: Path, *, force: bool = False) -> list[Path]:
    """Write ``firewarden.toml`` and ``guidelines/company.yaml`` into ``directory``."""
    config = directory / "firewarden.toml"
    pack = directory / "guidelines" / "company.yaml"
    existing = [p for p in (config, pack) if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise ConfigError(
            f"{names} already exist(s)", hint="pass --force to overwrite, or pick another folder"
        )
    pack_text = starter_pack()  # read first: a failure must not leave half a setup behind
    pack.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    pack.write_text(pack_text, encoding="utf-8")
    return [config, pack]
