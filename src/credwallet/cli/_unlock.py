"""Where the passphrase comes from, in the documented order, without ever hanging.

1. ``--passphrase-file F`` (first line; one trailing newline stripped, spaces kept)
2. an unlock session: ``CREDWALLET_SESSION``
3. ``CREDWALLET_PASSPHRASE`` (for scripts; removed from the environment once read so that
   child processes do not inherit it)
4. a hidden prompt, only when stdin and stderr are terminals
Otherwise the command fails at once with exit 5.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from credwallet.cli._state import AppState
from credwallet.errors import NoPassphrase, SessionInvalid, UsageError, WalletNotFound
from credwallet.wallet import Unlock, Wallet

__all__ = ["existing_passphrase", "new_passphrase", "open_wallet", "read_passphrase_file"]

_MAX_PASSPHRASE_FILE = 64 * 1024


def read_passphrase_file(path: Path) -> str:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path}: passphrase file is not a regular file")
        if info.st_size > _MAX_PASSPHRASE_FILE:
            raise UsageError(f"{path}: passphrase file is too large")
        text = path.read_text("utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read passphrase file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: passphrase file is not UTF-8") from None
    if info.st_mode & 0o077:
        sys.stderr.write(f"credwallet: warning: {path} is readable by other users\n")
    line = text.split("\n", 1)[0]
    line = line.removesuffix("\r")
    if not line:
        raise UsageError(f"{path}: passphrase file is empty")
    return line


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _prompt(label: str) -> str:
    import getpass

    return getpass.getpass(f"{label}: ", stream=sys.stderr)


def open_wallet(state: AppState, *, check_catalog: bool = True) -> Wallet:
    wallet = _open(state, check_catalog=check_catalog)
    store = wallet.store
    if store.rollback_suspected:
        # A whole older copy of the store is consistent in itself; only the last-seen marker
        # can tell. Say so on every open until the user accepts it (`check --accept-rollback`).
        sys.stderr.write(f"credwallet: warning: possible rollback: {store.rollback_detail()}\n")
    return wallet


def _open(state: AppState, *, check_catalog: bool) -> Wallet:
    if not Wallet.exists(state.home):
        # Before any passphrase source is read or asked for: with no wallet there is nothing
        # a passphrase could open, and "no passphrase" would send the user the wrong way.
        raise WalletNotFound(f"no wallet at {state.home}; create one with `credwallet init`")
    if state.passphrase_file is not None:
        secret = read_passphrase_file(state.passphrase_file)
        return Wallet.open(
            state.home, Unlock(passphrase=lambda: secret), check_catalog=check_catalog
        )
    token = os.environ.get("CREDWALLET_SESSION")
    if token:
        try:
            return Wallet.open(state.home, Unlock(session=token), check_catalog=check_catalog)
        except SessionInvalid:
            if state.env_passphrase is None and not _interactive():
                raise
            sys.stderr.write("credwallet: the unlock session is not valid any more\n")
    env = state.env_passphrase
    if env is not None:
        return Wallet.open(state.home, Unlock(passphrase=lambda: env), check_catalog=check_catalog)
    if _interactive():
        return Wallet.open(
            state.home,
            Unlock(passphrase=lambda: _prompt("Wallet passphrase")),
            check_catalog=check_catalog,
        )
    raise NoPassphrase(
        "no passphrase: use --passphrase-file, CREDWALLET_SESSION (credwallet unlock) "
        "or CREDWALLET_PASSPHRASE, or run on a terminal"
    )


def existing_passphrase(state: AppState, file: Path | None = None, *, label: str) -> str:
    """A passphrase the user already has (not a session): a file, the env var, or a prompt."""
    source = file or state.passphrase_file
    if source is not None:
        return read_passphrase_file(source)
    if state.env_passphrase is not None:
        return state.env_passphrase
    if _interactive():
        return _prompt(label)
    raise NoPassphrase(f"no {label.lower()}: use a passphrase file or CREDWALLET_PASSPHRASE")


def new_passphrase(state: AppState, file: Path | None = None) -> str:
    """A passphrase for a new wallet (or `passwd`): a file, the env var, or asked twice."""
    source = file or state.passphrase_file
    if source is not None:
        return read_passphrase_file(source)
    if state.env_passphrase:
        return state.env_passphrase
    if not _interactive():
        raise NoPassphrase("no new passphrase: use --passphrase-file or CREDWALLET_PASSPHRASE")
    first = _prompt("New passphrase")
    if len(first) < 8:
        raise UsageError("choose a passphrase of at least 8 characters")
    if _prompt("Repeat passphrase") != first:
        raise UsageError("the two passphrases differ")
    return first
