"""`credwallet shared`: the log of what was shared, when, with whom and how."""

from __future__ import annotations

from typing import Annotated

import typer

from credwallet.cli._output import clean
from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import open_wallet

__all__ = ["register"]


def shared(
    ctx: typer.Context,
    credential: Annotated[
        str | None,
        typer.Option("--credential", help="Only what included this credential (id or prefix)."),
    ] = None,
    json_flag: JsonFlag = False,
) -> None:
    """List what you shared: when, with whom, how, which credentials."""
    from credwallet.wallet.shared_log import shared_log

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    with open_wallet(state) as wallet:
        events, unreadable = shared_log(wallet.store)
        names = {h.wallet_id: h.credential.display_name for h in wallet.credentials()}
    if credential:
        wanted = credential.strip().lower()
        events = [e for e in events if any(i.startswith(wanted) for i in e.credential_ids)]
    if unreadable:
        out.warn(f"{unreadable} record(s) of the sharing log could not be read (left out)")
    if out.json_mode:
        out.data(
            [
                {
                    **e.to_json(),
                    "credential_names": [names.get(i) for i in e.credential_ids],
                }
                for e in events
            ]
        )
        return
    if not events:
        out.message("nothing shared yet")
        return
    for event in events:
        when = event.at.strftime("%Y-%m-%d %H:%M UTC")
        where = f"to {event.recipient}" if event.recipient else ""
        if event.output:
            where += (" " if where else "") + f"-> {event.output}"
        detail = f" ({event.detail})" if event.detail else ""
        out.line(clean(f"{when}  {event.kind} by {event.how}{detail}  {where}".rstrip()))
        for wallet_id in event.credential_ids:
            name = names.get(wallet_id) or "(no longer in the wallet)"
            out.line(clean(f"    {wallet_id[:8]}  {name}"))


def register(app: typer.Typer) -> None:
    app.command("shared")(shared)
