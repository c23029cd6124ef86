"""The library facade: everything a command does is one method of :class:`Wallet`."""

from credwallet.wallet.core import (
    ImportOutcome,
    ImportSummary,
    Unlock,
    Wallet,
    backup_wallet,
    restore_wallet,
)
from credwallet.wallet.filters import SORT_KEYS, CredentialFilter, apply_filter
from credwallet.wallet.held import Held

__all__ = [
    "SORT_KEYS",
    "CredentialFilter",
    "Held",
    "ImportOutcome",
    "ImportSummary",
    "Unlock",
    "Wallet",
    "apply_filter",
    "backup_wallet",
    "restore_wallet",
]
