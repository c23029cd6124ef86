"""`credwallet identity`: the emails, URLs and DIDs credentials may be issued to."""

from __future__ import annotations

from typing import Annotated

import typer

from credwallet.cli._output import clean
from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import open_wallet

__all__ = ["register"]

identity_app = typer.Typer(help="Your identities: recipient checks say which one a badge names.")


@identity_app.command("add")
def add(
    ctx: typer.Context,
    identity: Annotated[str, typer.Argument(help="An email, URL or DID that is yours.")],
) -> None:
    """Record an identity of yours."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        created = wallet.add_identity(identity)
    out = state.output()
    out.success(
        f"Added {clean(identity)}" if created else f"{clean(identity)} was already recorded"
    )


@identity_app.command("list")
def list_(ctx: typer.Context, json_flag: JsonFlag = False) -> None:
    """List your identities."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    with open_wallet(state) as wallet:
        values = [v for _, v in wallet.identities()]
    if out.json_mode:
        out.data({"identities": values})
    elif values:
        for value in values:
            out.line(clean(value))
    else:
        out.message("No identities yet: `credwallet identity add you@example.org`.")


@identity_app.command("remove")
def remove(
    ctx: typer.Context,
    identity: Annotated[str, typer.Argument(help="The identity to forget.")],
) -> None:
    """Forget an identity."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        wallet.remove_identity(identity)
    state.output().success(f"Removed {clean(identity)}")


def register(app: typer.Typer) -> None:
    app.add_typer(identity_app, name="identity")
