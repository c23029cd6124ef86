"""`credwallet backup` and `restore`: one encrypted file that `age -d` can open."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import existing_passphrase, open_wallet
from credwallet.wallet import Wallet, backup_wallet, restore_wallet

__all__ = ["register"]

BackupPassFile = Annotated[
    Path | None,
    typer.Option(
        "--backup-passphrase-file",
        help="The backup's own passphrase (default: the wallet passphrase).",
        show_default=False,
    ),
]


def backup(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("-o", "--out", help="The backup file to write.")],
    backup_passphrase_file: BackupPassFile = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Write the whole wallet (holder key too) to one encrypted file."""
    state = state_of(ctx)
    output = state.output(json_flag=json_flag)
    secret = existing_passphrase(state, backup_passphrase_file, label="Backup passphrase")
    from credwallet.cli._progress import progress_for

    with open_wallet(state) as wallet, progress_for(output, "backing up") as progress:
        summary = backup_wallet(wallet, out, secret, force=force, progress=progress)
    if output.json_mode:
        output.data({"path": str(summary.path), "records": summary.records, "kinds": summary.kinds})
    else:
        output.success(f"Wrote {summary.records} records to {summary.path}")
        output.message("Open it with `credwallet restore` (or `age -d`) and the passphrase.")


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup written by `credwallet backup`.")],
    merge: Annotated[
        bool, typer.Option("--merge", help="Add to the existing wallet instead of a new one.")
    ] = False,
    backup_passphrase_file: BackupPassFile = None,
    json_flag: JsonFlag = False,
) -> None:
    """Restore a backup into an empty home, or --merge it into a wallet."""
    state = state_of(ctx)
    output = state.output(json_flag=json_flag)
    secret = existing_passphrase(state, backup_passphrase_file, label="Backup passphrase")
    from credwallet.cli._progress import progress_for

    if merge:
        with open_wallet(state) as wallet, progress_for(output, "restoring") as progress:
            summary = restore_wallet(
                file, secret, home=state.home, into=wallet, new_passphrase=None, progress=progress
            )
    else:
        if Wallet.exists(state.home):
            from credwallet.errors import WalletExists

            raise WalletExists(
                f"a wallet exists at {state.home}; use --merge to add the backup to it"
            )
        with progress_for(output, "restoring") as progress:
            summary = restore_wallet(
                file, secret, home=state.home, into=None, new_passphrase=secret, progress=progress
            )
    body = {
        "home": str(summary.home),
        "added": summary.added,
        "already_present": summary.already_present,
        "kinds": summary.kinds,
        "skipped": [{"kind": k, "id": i, "reason": r} for k, i, r in summary.skipped],
        "new_holder_key": summary.new_holder_key,
    }
    for kind, ident, reason in summary.skipped:
        output.warn(f"skipped unreadable {kind} record {ident}: {reason}")
    if summary.new_holder_key:
        output.warn("the backup has no readable holder key: the wallet got a new one")
    if output.json_mode:
        output.data(body)
        return
    output.success(f"Restored {summary.added} records into {summary.home}")
    if summary.already_present:
        output.message(f"{summary.already_present} were already in the wallet")
    if summary.holder_key_kept:
        output.message("The wallet keeps its own holder key; the backup's was not imported.")
    if not merge:
        output.message("The restored wallet opens with the backup's passphrase.")


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
