"""``firewarden eval``: measuring the product on labelled material."""

from __future__ import annotations

import click

from firewarden.evals.cases_cli import cases_command
from firewarden.evals.labeled_cli import labeled_command
from firewarden.evals.nab_cli import nab_command

eval_group = click.Group("eval", help="Measure the product on labelled material.")
eval_group.add_command(cases_command)
eval_group.add_command(labeled_command)
eval_group.add_command(nab_command)
