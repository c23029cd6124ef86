"""`credwallet remove`: take a credential out of the wallet for good."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from credwallet.cli._complete import credential_ids
from credwallet.cli._output import clean
from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import UsageError

__all__ = ["register"]


def remove(
    ctx: typer.Context,
    credential: Annotated[
        str, typer.Argument(help="A wallet id or unique prefix.", autocompletion=credential_ids)
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")
    ] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Remove a credential (its stored content is overwritten)."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    with open_wallet(state) as wallet:
        held = wallet.get(credential)
        label = f"{held.wallet_id[:8]} {held.credential.display_name}"
        if not yes:
            if not (sys.stdin.isatty() and sys.stderr.isatty()):
                raise UsageError(f"removing {clean(label)} needs --yes when not at a terminal")
            sys.stderr.write(f"Remove {clean(label)} from the wallet for good? [y/N] ")
            sys.stderr.flush()
            if sys.stdin.readline().strip().lower() not in {"y", "yes"}:
                out.message("nothing removed")
                raise typer.Exit(1)
        wallet.remove(held.wallet_id)
    if out.json_mode:
        out.data({"removed": held.wallet_id, "name": held.credential.display_name})
    else:
        out.success(f"removed {clean(label)}")


def register(app: typer.Typer) -> None:
    app.command()(remove)
