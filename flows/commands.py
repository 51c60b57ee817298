"""What every ``fredpipe`` command shares: the error console, one-line failures and installing
the settings for the process (``flows.cli`` and ``flows.accounts`` both build on it)."""

from __future__ import annotations

import typer
from rich.console import Console

from models.log_config import configure_logging
from models.settings import Settings, SettingsError, load_settings, use_settings

#: stderr: errors and progress; stdout stays for what a script reads (secrets, tables)
console = Console(stderr=True)

#: exit code for bad input or settings
USAGE_ERROR = 2


def report(message: str, *, soft_wrap: bool = False) -> None:
    """Print ``error: message`` on stderr (``soft_wrap``: never broken across lines)."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=soft_wrap)


def fail(message: str, code: int = USAGE_ERROR) -> typer.Exit:
    """Print ``error: message`` on one line; raise the returned exit."""
    report(message)
    return typer.Exit(code)


def install_settings(**overrides: object) -> Settings:
    """The settings (environment, then the non-None ``overrides``) for this process, with its
    logging configured; a bad setting is one line and exit code 2."""
    try:
        settings = load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        raise fail(str(exc)) from None
    use_settings(settings)
    configure_logging(settings)
    return settings
