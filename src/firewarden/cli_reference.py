"""The command-line reference (docs/cli.md), generated from the CLI itself so it cannot drift."""

from __future__ import annotations

import click

from firewarden.cli import cli

HEADER = """# Command-line reference

Generated from the commands themselves by `python -m firewarden.cli_reference > docs/cli.md`;
a test fails when this page and the CLI disagree.
"""


def _walk(command: click.Command, path: list[str], ctx: click.Context) -> list[str]:
    out: list[str] = []
    name = " ".join(path)
    sub_ctx = click.Context(command, info_name=path[-1], parent=ctx)
    help_text = command.get_help(sub_ctx).replace(sub_ctx.command_path, name)
    out.append(f"\n## `{name}`\n\n```text\n{help_text}\n```\n")
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(sub_ctx):
            sub = command.get_command(sub_ctx, sub_name)
            if sub is not None and not sub.hidden:
                out.extend(_walk(sub, [*path, sub_name], sub_ctx))
    return out


def reference() -> str:
    """The whole reference as Markdown."""
    root = click.Context(
        cli,
        info_name="firewarden",
        terminal_width=100,
        max_content_width=100,
        help_option_names=["-h", "--help"],
    )
    return HEADER + "".join(_walk(cli, ["firewarden"], root))


if __name__ == "__main__":
    print(reference(), end="")
