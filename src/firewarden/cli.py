"""The ``firewarden`` command: a thin shell over the library; every subcommand lives beside
the code it drives and is attached here."""

from __future__ import annotations

import sys

import click

from firewarden import __version__
from firewarden.errors import FirewardenError


class _Root(click.Group):
    """Prints user errors as one clear message (exit 2) instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except FirewardenError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="firewarden")
def cli() -> None:
    """Keep a company's social media accounts from catching fire."""


def _attach() -> None:
    from firewarden.checks.cli import check_command

    cli.add_command(check_command)


_attach()


def main() -> None:
    cli.main(prog_name="firewarden")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
