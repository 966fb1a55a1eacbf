from pathlib import Path

from firewarden.cli_reference import reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_docs_cli_md_matches_the_cli() -> None:
    # Regenerate with: python -m firewarden.cli_reference > docs/cli.md
    assert DOC.read_text(encoding="utf-8") == reference()


def test_every_command_is_in_the_reference() -> None:
    text = reference()
    for name in ("check", "guidelines lint", "eval cases", "db upgrade", "listen run", "serve"):
        assert f"## `firewarden {name}`" in text
