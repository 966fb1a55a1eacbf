"""firewarden: keep a company's social media accounts from catching fire."""

from firewarden.checks import check
from firewarden.checks.context import Context
from firewarden.checks.types import Finding, Level, Report, Severity
from firewarden.errors import ConfigError, FirewardenError, InputError
from firewarden.guidelines.model import Guidelines

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Context",
    "Finding",
    "FirewardenError",
    "Guidelines",
    "InputError",
    "Level",
    "Report",
    "Severity",
    "__version__",
    "check",
]
