"""A command group that imports each command's module only when that command is used."""

from __future__ import annotations

import importlib
import os
from collections.abc import MutableMapping
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperCommand

from credwallet.cli._commands import COMMANDS
from credwallet.cli._errors import ErrorBoundary

__all__ = ["LazyCommandGroup"]


class _Placeholder(TyperCommand):
    """Stands for a command in help listings and name completion until it is needed."""

    def __init__(self, name: str, summary: str) -> None:
        super().__init__(name=name, help=summary, short_help=summary)


def load_command(name: str) -> click.Command:
    """The real click command for `name`, built from its module's `register(app)`."""
    module_name = f"credwallet.cli.{COMMANDS[name][0]}"
    module = importlib.import_module(module_name)
    scratch = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    module.register(scratch)
    group = typer.main.get_group(scratch)
    command = group.commands.get(name)
    if command is None:  # the table names a module that does not register the command
        raise LookupError(f"{module_name} does not register {name!r}")
    return command


class LazyCommandGroup(ErrorBoundary):
    """The root group: every command is a placeholder until it is resolved to run."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (_module, summary) in COMMANDS.items():
            self.commands.setdefault(name, _Placeholder(name, summary))

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The root's listing is laid out by :mod:`credwallet.cli._root_help` (fast)."""
        from credwallet.cli._root_help import print_root_help

        print_root_help(self, ctx)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Placeholder):
            command = load_command(name)
            self.commands[name] = command
        return name, command, rest

    def _main_shell_completion(
        self,
        ctx_args: MutableMapping[str, Any],
        prog_name: str,
        complete_var: str | None = None,
    ) -> None:
        # typer's shell scripts ask with `complete_bash`, click's documentation with
        # `bash_complete`: both spellings answer the same (typer only knows its own).
        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        shell, _, action = os.environ.get(var, "").partition("_")
        if action in {"complete", "source"} and shell in _SHELLS:
            os.environ[var] = f"{action}_{shell}"
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


_SHELLS = frozenset({"bash", "zsh", "fish", "powershell", "pwsh"})
