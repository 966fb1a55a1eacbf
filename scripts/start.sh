#!/usr/bin/env bash
# Set up a virtual environment (once) and start firewarden's demo on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/firewarden demo "$@"
