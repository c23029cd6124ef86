"""Shell completion of credential and pathway ids, from an unlock session only.

Completion runs on every Tab press, inside the user's shell: it must never prompt, never print
a message or a traceback into the command line, and never be slow because of the KDF. So ids
are offered only when ``CREDWALLET_SESSION`` opens the wallet; with no session, or a session
that no longer opens it, nothing is offered and the shell falls back to file names.

Command names and options are completed by click from the command table and the commands'
declared options (see _lazy.py): that needs no wallet and imports no wallet module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from credwallet.cli._output import clean

if TYPE_CHECKING:
    from credwallet.wallet import Wallet

__all__ = ["credential_ids", "pathway_ids"]


def _home(ctx: typer.Context) -> Path:
    # During completion the root callback does not run: the parsed --home is in its params.
    from credwallet.cli._state import default_home

    home = ctx.find_root().params.get("home")
    return Path(home).expanduser() if home else default_home()


@contextmanager
def _session_wallet(ctx: typer.Context) -> Iterator[Wallet | None]:
    token = os.environ.get("CREDWALLET_SESSION")
    if not token:
        yield None
        return
    from credwallet.wallet import Unlock, Wallet

    try:
        home = _home(ctx)
        wallet = Wallet.open(home, Unlock(session=token)) if Wallet.exists(home) else None
    except Exception:  # an expired session, a damaged store: offer nothing
        wallet = None
    try:
        yield wallet
    finally:
        if wallet is not None:
            wallet.close()


def _help(text: object) -> str:
    # The description is shown by zsh and fish, and typer renders it as rich markup: data
    # from a credential is escaped so that it cannot style or hide anything.
    from rich.markup import escape

    return escape(clean(text))[:60]


def _complete(
    ctx: typer.Context, incomplete: str, listing: Callable[[Wallet], list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    with _session_wallet(ctx) as wallet:
        if wallet is None:
            return []
        try:
            items = listing(wallet)
        except Exception:  # completion never breaks the command line
            return []
    return [(value, _help(name)) for value, name in items if value.startswith(incomplete)]


def credential_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Wallet ids starting with what was typed, each with the credential's name (typer keeps
    only values that start with the typed text exactly, so ids are offered in lower case)."""

    def listing(wallet: Wallet) -> list[tuple[str, str]]:
        return [(h.wallet_id, h.credential.display_name) for h in wallet.credentials()]

    return _complete(ctx, incomplete, listing)


def pathway_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Pathway ids starting with what was typed, each with the pathway's name."""

    def listing(wallet: Wallet) -> list[tuple[str, str]]:
        return [(clean(p.pathway.id), p.pathway.name) for p in wallet.pathways.all()]

    return _complete(ctx, incomplete, listing)
