"""The exception tree and the exit codes every command returns.

Every error credwallet expects is a :class:`CredwalletError`; the CLI's single error boundary
turns it into one line on stderr and its ``exit_code``. Anything else is a bug (exit 1, with a
traceback only under ``--debug``).

::

    CredwalletError                      (never raised directly)
    ├── UsageError                       bad combination of options or arguments        -> 2
    ├── VerificationFailed               a credential failed verification                -> 3
    ├── VerificationIncomplete           verification could not be completed             -> 4
    │   └── FetchError                   a document could not be fetched (offline, refused)
    ├── WalletAccessError                wallet locked, wrong passphrase, damaged store  -> 5
    │   ├── NoPassphrase                 no passphrase source and no terminal to ask on
    │   ├── WrongPassphraseOrDamaged     opaque: the key did not open the store
    │   ├── DamagedWallet                the store's structure or catalog is not credwallet's
    │   ├── WalletNotFound               no wallet at the chosen home
    │   └── SessionInvalid               an unlock session that is expired, foreign or broken
    ├── NotFound                         no credential/pathway with that id or prefix    -> 6
    ├── BadInput                         input that is malformed, too big or unsupported -> 7
    │   ├── LimitExceeded                input over a size, depth or work limit
    │   └── NotACredential               well-formed input that holds no credential
    ├── WalletBusy                       another process holds the write lock too long   -> 1
    ├── WalletExists                     init over an existing wallet                    -> 1
    └── StorageError                     the disk refused a write (full, read-only)      -> 1
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "BadInput",
    "CredwalletError",
    "DamagedWallet",
    "ExitCode",
    "FetchError",
    "LimitExceeded",
    "NoPassphrase",
    "NotACredential",
    "NotFound",
    "SessionInvalid",
    "StorageError",
    "UsageError",
    "VerificationFailed",
    "VerificationIncomplete",
    "WalletAccessError",
    "WalletBusy",
    "WalletExists",
    "WalletNotFound",
    "WrongPassphraseOrDamaged",
]


class ExitCode(IntEnum):
    """Process exit codes; documented in the README and stable across releases."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID = 3
    INDETERMINATE = 4
    WALLET = 5
    NOT_FOUND = 6
    BAD_INPUT = 7
    INTERRUPTED = 130


class CredwalletError(Exception):
    """Root of every expected error. Raised when: never directly; use a subclass."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(CredwalletError):
    """Raised when: options or arguments do not make sense together."""

    exit_code = ExitCode.USAGE


class VerificationFailed(CredwalletError):
    """Raised when: an operation refuses a credential whose verification failed."""

    exit_code = ExitCode.INVALID


class VerificationIncomplete(CredwalletError):
    """Raised when: a verification could not be completed (offline, host down)."""

    exit_code = ExitCode.INDETERMINATE


class FetchError(VerificationIncomplete):
    """Raised when: a document could not be fetched (offline, not allowed, unreachable, too big)."""


class WalletAccessError(CredwalletError):
    """Raised when: the wallet cannot be opened (locked, wrong passphrase, damaged)."""

    exit_code = ExitCode.WALLET


class NoPassphrase(WalletAccessError):
    """Raised when: no passphrase source is configured and there is no terminal to ask on."""


class WrongPassphraseOrDamaged(WalletAccessError):
    """Raised when: the passphrase did not unwrap the data key. Deliberately opaque."""

    def __init__(self, message: str = "wrong passphrase or damaged wallet") -> None:
        super().__init__(message)


class DamagedWallet(WalletAccessError):
    """Raised when: the store file is not a credwallet store, or its records fail to open."""

    def __init__(self, message: str = "damaged wallet") -> None:
        super().__init__(message)


class WalletNotFound(WalletAccessError):
    """Raised when: there is no wallet at the chosen home."""


class SessionInvalid(WalletAccessError):
    """Raised when: CREDWALLET_SESSION is expired, ended, malformed or for another wallet."""


class NotFound(CredwalletError):
    """Raised when: no credential or pathway matches the id or prefix given."""

    exit_code = ExitCode.NOT_FOUND


class BadInput(CredwalletError):
    """Raised when: input is malformed, of an unsupported kind, or unsafe to read."""

    exit_code = ExitCode.BAD_INPUT


class LimitExceeded(BadInput):
    """Raised when: input exceeds a size, nesting-depth, decompression or work limit."""


class NotACredential(BadInput):
    """Raised when: the input is readable but is not a credential (a README, a plain image)."""


class WalletBusy(CredwalletError):
    """Raised when: another credwallet process held the write lock for longer than the wait."""

    def __init__(self, message: str = "wallet busy: another credwallet process is writing") -> None:
        super().__init__(message)


class WalletExists(CredwalletError):
    """Raised when: init is asked to create a wallet where one already exists."""


class StorageError(CredwalletError):
    """Raised when: the file system refused a write (disk full, read-only, permissions)."""
