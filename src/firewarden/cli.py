"""The ``firewarden`` command: a thin shell over the library; every subcommand lives beside
the code it drives and is attached here."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from firewarden import __version__
from firewarden.config import Config, load_config
from firewarden.errors import FirewardenError

#: Subcommands loaded on first use, so ``firewarden check`` does not import the web stack.
_LAZY: dict[str, str] = {
    "check": "firewarden.checks.cli:check_command",
    "demo": "firewarden.demo:demo_command",
    "guidelines": "firewarden.guidelines.cli:guidelines_group",
    "db": "firewarden.store.cli:db_group",
    "audit": "firewarden.review.cli:audit_group",
    "worker": "firewarden.review.cli:worker_command",
    "detect": "firewarden.detect.cli:detect_group",
    "simulate": "firewarden.listen.watch_cli:simulate_group",  # detect's group + `stream`
    "listen": "firewarden.listen.cli:listen_group",
    "watch": "firewarden.listen.watch_cli:watch_group",
    "eval": "firewarden.evals.cli:eval_group",
    "serve": "firewarden.web.cli:serve_command",
    "org": "firewarden.web.cli:org_group",
    "user": "firewarden.web.cli:user_group",
    "token": "firewarden.web.cli:token_group",
}


class _Root(click.Group):
    """Loads subcommands lazily; prints user errors as one clear message (exit 2)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_LAZY))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY and cmd_name not in self.commands:
            module_name, attr = _LAZY[cmd_name].split(":")
            module = importlib.import_module(module_name)
            self.add_command(getattr(module, attr), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except FirewardenError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="firewarden")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file (default: $FIREWARDEN_CONFIG, then ./firewarden.toml).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Keep a company's social media accounts from catching fire."""
    ctx.obj = config_path


def current_config() -> Config:
    """The configuration for this invocation (``--config`` or the usual places)."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    cached = root.meta.get("firewarden.config")
    if cached is None:
        cached = load_config(root.obj)
        root.meta["firewarden.config"] = cached
    assert isinstance(cached, Config)
    return cached


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init_command(directory: Path, force: bool) -> None:
    """Write a commented firewarden.toml and a starter company guideline pack."""
    from firewarden.starter import write_starter

    for path in write_starter(directory, force=force):
        click.echo(f"wrote {path}")
    click.echo('next: edit guidelines/company.yaml, then try: firewarden check "Your draft"')


def _attach() -> None:
    """Eagerly attached subcommands (prefer adding to ``_LAZY`` above)."""


_attach()


def main() -> None:
    cli.main(prog_name="firewarden")


if __name__ == "__main__":  # pragma: no cover
    main()
