"""Commands that create the wallet and manage access: init, passwd, unlock, lock, whoami."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import new_passphrase, open_wallet
from credwallet.errors import UsageError, WalletExists
from credwallet.wallet import Wallet

__all__ = ["parse_duration", "register"]

MAX_SESSION_SECONDS = 12 * 3600
_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_duration(text: str) -> int:
    """``90s``, ``15m``, ``2h`` (or plain seconds) -> seconds, capped at 12 hours."""
    match = re.fullmatch(r"\s*(\d+)\s*([smh]?)\s*", text)
    if not match:
        raise UsageError(f"--for takes a duration such as 15m or 2h, not {text!r}")
    seconds = int(match.group(1)) * _UNITS[match.group(2) or "s"]
    if seconds <= 0:
        raise UsageError("--for must be longer than zero")
    if seconds > MAX_SESSION_SECONDS:
        raise UsageError("--for is at most 12h: a session should not outlive a working day")
    return seconds


def init(ctx: typer.Context, json_flag: JsonFlag = False) -> None:
    """Create an encrypted wallet and your holder key (Ed25519, did:key)."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    leftover = Wallet.leftover(state.home)
    if Wallet.exists(state.home) and leftover is None:
        raise WalletExists(f"a wallet already exists at {state.home}")
    passphrase = new_passphrase(state)
    if leftover is not None:
        out.message(f"Replacing an unfinished wallet left by an interrupted init ({leftover})")
    with Wallet.create(state.home, passphrase) as wallet:
        did = wallet.holder_did()
    if out.json_mode:
        out.data({"home": str(state.home), "holder": did})
    else:
        out.success(f"Created a wallet at {state.home}")
        out.message(f"Your holder DID: {did}")


def passwd(
    ctx: typer.Context,
    new_passphrase_file: Annotated[
        Path | None,
        typer.Option("--new-passphrase-file", help="Read the new passphrase from this file."),
    ] = None,
) -> None:
    """Change the wallet passphrase (ends sessions; no re-encryption)."""
    state = state_of(ctx)
    out = state.output()
    with open_wallet(state) as wallet:
        if new_passphrase_file is None and state.passphrase_file is not None:
            raise UsageError("give the new passphrase with --new-passphrase-file")
        secret = new_passphrase(state, new_passphrase_file) if new_passphrase_file else None
        if secret is None:
            state.env_passphrase = None  # the old one must not be reused as the new one
            secret = new_passphrase(state)
        wallet.change_passphrase(secret)
    out.success("Passphrase changed; every unlock session was ended.")
    out.message("Backups and old copies of the wallet still open with the old passphrase.")


def unlock(
    ctx: typer.Context,
    duration: Annotated[str, typer.Option("--for", help="How long, e.g. 15m or 2h.")] = "15m",
    json_flag: JsonFlag = False,
) -> None:
    """Start a session: prints `export CREDWALLET_SESSION=...`."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    seconds = parse_duration(duration)
    with open_wallet(state) as wallet:
        token = wallet.start_session(seconds)
    if out.json_mode:
        out.data({"session": token, "expires_in": seconds})
    else:
        out.line(f"export CREDWALLET_SESSION={token}")
        out.message(f"Session valid for {duration}; end it with `credwallet lock`.")


def lock(
    ctx: typer.Context,
    all_sessions: Annotated[bool, typer.Option("--all", help="End every session.")] = False,
) -> None:
    """End the current unlock session (or all of them)."""
    import os

    state = state_of(ctx)
    out = state.output()
    token = os.environ.get("CREDWALLET_SESSION")
    if all_sessions:
        with open_wallet(state) as wallet:
            wallet.end_all_sessions()
        out.success("Every session ended.")
        return
    if not token:
        raise UsageError("no CREDWALLET_SESSION to end (use --all to end every session)")
    from credwallet.errors import SessionInvalid
    from credwallet.wallet import Unlock

    try:
        with Wallet.open(state.home, Unlock(session=token)) as wallet:
            wallet.end_session(token)
    except SessionInvalid:
        pass  # expired or ended already: the outcome the user asked for
    out.success("Session ended. Run `unset CREDWALLET_SESSION` in your shell.")


def whoami(ctx: typer.Context, json_flag: JsonFlag = False) -> None:
    """Print your holder DID (the identity that signs what you share)."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    with open_wallet(state) as wallet:
        did = wallet.holder_did()
    if out.json_mode:
        out.data({"holder": did})
    else:
        out.line(did)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(passwd)
    app.command()(unlock)
    app.command()(lock)
    app.command()(whoami)
