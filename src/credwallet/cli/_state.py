"""Global options, shared by every command through the Typer context."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._output import Output

__all__ = ["AppState", "JsonFlag", "OfflineFlag", "default_home", "state_of"]


def default_home() -> Path:
    env = os.environ.get("CREDWALLET_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("credwallet", appauthor=False)


@dataclass
class AppState:
    home: Path
    json: bool
    offline: bool
    debug: bool
    passphrase_file: Path | None
    env_passphrase: str | None = None  # CREDWALLET_PASSPHRASE, taken out of os.environ at start

    def output(self, *, json_flag: bool = False) -> Output:
        return Output(json_mode=self.json or json_flag)


def state_of(ctx: typer.Context) -> AppState:
    state = ctx.find_root().obj
    if not isinstance(state, AppState):  # a command invoked without the root callback (tests)
        state = AppState(default_home(), False, False, False, None)
        ctx.find_root().obj = state
    return state


JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
OfflineFlag = Annotated[
    bool, typer.Option("--offline", help="Never touch the network; use cached documents.")
]
