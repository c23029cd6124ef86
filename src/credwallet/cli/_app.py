"""The Typer application: global options and the command groups."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._lazy import LazyCommandGroup
from credwallet.cli._state import AppState, default_home

__all__ = ["app"]

# The commands are not registered here: each is listed in `_commands.COMMANDS` (name, module,
# summary) and its module is imported only when it runs. A new command: write its module with
# `register(app)` and add one entry to that table.

app = typer.Typer(
    cls=LazyCommandGroup,  # commands are imported when used: see _commands.py
    name="credwallet",
    help="A private, encrypted wallet for your badges and micro-credentials.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (ids: cli/_complete.py)
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from credwallet import __version__

        typer.echo(f"credwallet {__version__}")
        raise typer.Exit


@app.callback()
def root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="Wallet folder (env CREDWALLET_HOME).",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Machine-readable output on stdout.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never use the network; cached copies.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--passphrase-file",
            help="Read the passphrase from this file.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A private, encrypted wallet for your badges and micro-credentials."""
    # Read the scripted passphrase once and take it out of the environment, so that nothing
    # this process starts inherits it.
    env_passphrase = os.environ.pop("CREDWALLET_PASSPHRASE", None)
    ctx.obj = AppState(
        home=(home.expanduser() if home else default_home()),
        json=json_output,
        offline=offline,
        debug=debug,
        passphrase_file=passphrase_file,
        env_passphrase=env_passphrase,
    )
