"""`credwallet trust`: issuer registries, pinned and blocked issuers.

Registries are loaded by `trust add` and `trust update` (the only steps that fetch anything);
every verification then reads the stored copy offline and says "as of" its fetch time.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from credwallet.cli._output import clean
from credwallet.cli._state import AppState, JsonFlag, state_of
from credwallet.cli._unlock import open_wallet

__all__ = ["register"]

trust_app = typer.Typer(help="Issuer trust: registries you follow, issuers you pin or block.")

OfflineFlag = Annotated[
    bool, typer.Option("--offline", help="Never touch the network (registries stay as stored).")
]


def _offline(state: AppState, flag: bool) -> bool:
    return flag or state.offline


def _render_registries(state: AppState, added: list[dict[str, Any]], json_flag: bool) -> None:
    out = state.output(json_flag=json_flag)
    if out.json_mode:
        out.data({"registries": added})
        return
    for entry in added:
        if entry["loaded"]:
            out.success(
                f"{clean(entry['name'])} ({entry['type']}): loaded, as of {entry['fetched_at']}"
            )
        else:
            out.message(
                f"{clean(entry['name'])} ({entry['type']}): registry not loaded: "
                f"{clean(entry['error'] or 'not fetched')}",
                style="yellow",
            )


@trust_app.command("add")
def add(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="A registry URL or file: a known-registries list, a DCC registry, or an "
            "OpenID Federation trust anchor's entity configuration."
        ),
    ],
    name: Annotated[str | None, typer.Option("--name", help="A name to show for it.")] = None,
    offline: OfflineFlag = False,
    json_flag: JsonFlag = False,
) -> None:
    """Follow an issuer registry (or every registry a list names)."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        added = wallet.trust_add(source, name=name, offline=_offline(state, offline))
    _render_registries(state, added, json_flag)


@trust_app.command("update")
def update(ctx: typer.Context, offline: OfflineFlag = False, json_flag: JsonFlag = False) -> None:
    """Fetch every registry again; verification uses the new copies "as of" now."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        registries = wallet.trust_update(offline=_offline(state, offline))
    _render_registries(state, registries, json_flag)


@trust_app.command("list")
def list_(ctx: typer.Context, json_flag: JsonFlag = False) -> None:
    """Registries (loaded or not, with their fetch time), pinned and blocked issuers."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    with open_wallet(state) as wallet:
        settings = wallet.trust_settings()
    if out.json_mode:
        out.data(settings)
        return
    if not any(settings.values()):
        out.message("No registries, pinned or blocked issuers. See `credwallet trust add --help`.")
        return
    for entry in settings["registries"]:
        if entry["loaded"]:
            state_text = f"as of {entry['fetched_at'][:19]}"
            if entry["error"]:
                state_text += f" (last update failed: {clean(entry['error'])})"
        else:
            state_text = f"registry not loaded: {clean(entry['error'] or 'not fetched')}"
        out.line(
            f"registry  {clean(entry['name'])}  [{entry['type']}]  {state_text}  "
            f"{clean(entry['source'])}"
        )
    for entry in settings["pins"]:
        out.line(f"pinned    {clean(entry['issuer'])}  {clean(entry['name'])}")
    for entry in settings["blocks"]:
        reason = f"  ({clean(entry['reason'])})" if entry["reason"] else ""
        out.line(f"blocked   {clean(entry['issuer'])}{reason}")


@trust_app.command("pin")
def pin(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The issuer's DID (or URL id).")],
    name: Annotated[str, typer.Option("--name", help="Who this issuer is, in your words.")],
) -> None:
    """Trust an issuer yourself (labelled self-chosen)."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        wallet.trust_pin(issuer, name)
    state.output().success(f"Pinned {clean(issuer)} as {clean(name)}")


@trust_app.command("block")
def block(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The issuer's DID (or URL id).")],
    reason: Annotated[str, typer.Option("--reason", help="Why, for your own record.")] = "",
) -> None:
    """Block an issuer: its credentials verify as invalid."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        wallet.trust_block(issuer, reason)
    state.output().success(f"Blocked {clean(issuer)}")


@trust_app.command("remove")
def remove(
    ctx: typer.Context,
    what: Annotated[
        str, typer.Argument(help="A pinned or blocked issuer, or a registry's name or source.")
    ],
) -> None:
    """Forget a pin, a block or a registry."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        kind = wallet.trust_remove(what)
    state.output().success(f"Removed {kind} {clean(what)}")


def register(app: typer.Typer) -> None:
    app.add_typer(trust_app, name="trust")
