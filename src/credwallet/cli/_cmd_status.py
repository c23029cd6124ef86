"""`credwallet status`: locked or not, what the wallet holds by state, how fresh the caches are."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import typer

from credwallet.cli._output import Output, clean
from credwallet.cli._state import AppState, JsonFlag, state_of
from credwallet.errors import CredwalletError

__all__ = ["register"]


def _open_quietly(state: AppState, session_active: bool) -> Any:
    """The wallet, opened only when that needs no prompt (a session, a file, the env var)."""
    from credwallet.cli._unlock import read_passphrase_file
    from credwallet.wallet import Unlock, Wallet

    if not Wallet.exists(state.home):
        return None
    token = os.environ.get("CREDWALLET_SESSION")
    unlock: Unlock | None = None
    if state.passphrase_file is not None:
        secret = read_passphrase_file(state.passphrase_file)
        unlock = Unlock(passphrase=lambda: secret)
    elif token and session_active:
        unlock = Unlock(session=token)
    elif state.env_passphrase is not None:
        env = state.env_passphrase
        unlock = Unlock(passphrase=lambda: env)
    if unlock is None:
        return None
    try:
        return Wallet.open(state.home, unlock)
    except CredwalletError:
        return None  # status reports; it does not fail because the wallet stays closed


def status(ctx: typer.Context, json_flag: JsonFlag = False) -> None:
    """Locked or unlocked, credentials by state, cache ages, KDF, clock."""
    from credwallet.wallet.status import session_facts, status_facts

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    now = datetime.now(UTC)
    session = session_facts(state.home, os.environ.get("CREDWALLET_SESSION"), now=now)
    wallet = _open_quietly(state, session["active"])
    try:
        facts = status_facts(state.home, now=now, session=session, wallet=wallet)
    finally:
        if wallet is not None:
            wallet.close()
    if out.json_mode:
        out.data(facts)
        return
    _render(out, facts)


def _cache_line(ages: dict[str, Any] | None) -> str:
    if ages is None:
        return "not readable"
    if not ages["documents"]:
        return "empty"
    return (
        f"{ages['documents']} documents, newest {ages['newest'][:10]}, "
        f"oldest {ages['oldest'][:10]} ({ages['oldest_age_days']:g} days)"
    )


def _registry_line(registry: dict[str, Any]) -> str:
    if registry["fetched_at"] is None:
        when = f"never loaded ({registry['error']})" if registry["error"] else "never loaded"
    else:
        when = f"fetched {registry['fetched_at'][:10]} ({registry['age_days']:g} days)"
        if registry["error"]:
            when += f"; last update failed: {registry['error']}"
    return f"{registry['name']}: {when}"


def _render(out: Output, facts: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def row(label: str, value: str, style: str = "") -> None:
        grid.add_row(label, Text(clean(value), style=style))

    wallet = facts["wallet"]
    row("Version", f"credwallet {facts['version']}")
    row("Home", facts["home"])
    if not wallet["exists"]:
        row("Wallet", "none here: run `credwallet init`", "yellow")
    elif wallet["unlocked"]:
        row("Wallet", f"unlocked until {wallet['session_expires']}", "green")
    else:
        detail = f" ({wallet['detail']})" if wallet["detail"] else ""
        row("Wallet", f"locked{detail}")
    creds = facts["credentials"]
    if creds["states"] is not None:
        parts = ", ".join(f"{n} {name}" for name, n in creds["states"].items()) or "none"
        row("Credentials", f"{creds['total']}: {parts}")
    elif wallet["exists"]:
        row("Credentials", "unlock to count them (credwallet unlock)", "dim")
    if facts["cache"]["wallet"] is not None:
        row("Wallet cache", _cache_line(facts["cache"]["wallet"]))
    row("Public cache", _cache_line(facts["cache"]["public"]))
    contexts = facts["contexts"]
    row(
        "Contexts",
        f"{contexts['count']} shipped ({contexts['version']})"
        if contexts["shipped"]
        else "not shipped",
    )
    registries = facts["registries"]
    if registries is None:
        if wallet["exists"]:
            row("Registries", "unlock to list them (credwallet unlock)", "dim")
    elif not registries:
        row("Registries", "none followed")
    for registry in registries or ():
        row("Registry", _registry_line(registry), "" if registry["loaded"] else "yellow")
    kdf = facts["kdf"]
    row(
        "KDF",
        "Argon2id available" if kdf["argon2id"] else kdf["detail"],
        "" if kdf["argon2id"] else "yellow",
    )
    clock = facts["clock"]
    row(
        "Clock",
        f"{clock['now']} ok" if clock["ok"] else "; ".join(clock["problems"]),
        "" if clock["ok"] else "red",
    )
    out.out.print(grid)


def register(app: typer.Typer) -> None:
    app.command()(status)
