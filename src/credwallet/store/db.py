"""The SQLite layer: schema, connection settings, the sniff before any write, error translation.

The database is stdlib ``sqlite3`` in autocommit mode (``isolation_level=None``) so that every
write is an explicit ``BEGIN IMMEDIATE`` transaction that takes the write lock before its
deciding reads. A file that is empty or not credwallet's is refused *before* any statement that
could write to it (``journal_mode=WAL`` alone writes a header into an empty file).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from credwallet.errors import CredwalletError, DamagedWallet, StorageError, WalletBusy

__all__ = [
    "APPLICATION_ID",
    "FORMAT_VERSION",
    "connect",
    "create_schema",
    "sniff",
    "translate_errors",
]

FORMAT_VERSION = 1
APPLICATION_ID = 0x4357_4C54  # "CWLT" in the SQLite header (offset 68): marks the file as ours

PAGE_SIZE = 8192

# Mutable on purpose: tests shorten the wait for the write lock.
BUSY_TIMEOUT_SECONDS = 5.0

SCHEMA = """
CREATE TABLE meta (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    format_version INTEGER NOT NULL,
    wallet_id      BLOB NOT NULL
);
CREATE TABLE keyslots (
    slot_id INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    kdf     TEXT NOT NULL,
    salt    BLOB NOT NULL,
    wrapped BLOB NOT NULL
);
CREATE TABLE records (
    seq     INTEGER PRIMARY KEY,
    id      BLOB NOT NULL UNIQUE,
    kind    TEXT NOT NULL,
    version INTEGER NOT NULL,
    nonce   BLOB NOT NULL,
    ct      BLOB NOT NULL,
    tag     BLOB NOT NULL,
    dedup   BLOB UNIQUE
);
CREATE INDEX records_kind ON records (kind, seq);
CREATE TABLE catalog (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    generation INTEGER NOT NULL,
    mac        BLOB NOT NULL
);
"""

# Primary result codes (the low byte of an extended code); see sqlite.org/rescode.html.
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3,
    5,
    6,
    8,
    10,
    11,
    13,
    14,
    26,
)


def translate(exc: sqlite3.Error, db: Path) -> CredwalletError:
    """The credwallet error an SQLite failure means; the message names the file, not its data."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (_BUSY, _LOCKED):
        return WalletBusy()
    if code == _FULL:
        return StorageError(f"disk full: could not write the wallet at {db}")
    if code in (_READONLY, _PERM, _CANTOPEN):
        return StorageError(f"cannot write the wallet at {db}: read-only or not accessible")
    if code == _IOERR:
        if disk_full(db):  # e.g. growing the -shm file on a full tmpfs reports an I/O error
            return StorageError(f"disk full: could not write the wallet at {db}")
        return StorageError(f"write failed: I/O error on the wallet at {db}")
    if code in (_CORRUPT, _NOTADB):
        return DamagedWallet(f"damaged wallet: {db} is not a readable credwallet database")
    return DamagedWallet(f"damaged wallet: {db} does not have credwallet's structure")


@contextlib.contextmanager
def translate_errors(db: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        if isinstance(exc, sqlite3.ProgrammingError | sqlite3.InterfaceError):
            raise  # a bug (closed connection, bad binding), not a state of the wallet
        raise translate(exc, db) from None
    except UnicodeDecodeError:
        # A damaged schema text (sqlite_master) surfaces as a decode error from the driver.
        raise DamagedWallet(f"damaged wallet: {db} is not a readable credwallet database") from None


def disk_full(db: Path) -> bool:
    """True if the file system holding ``db`` has no space left for this user."""
    try:
        info = os.statvfs(db.parent)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return info.f_bavail == 0


def wal_pending(db: Path) -> bool:
    """True if a -wal file with content sits next to ``db`` (commits not yet in the file)."""
    try:
        return db.with_name(db.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def connect(
    db: Path, *, timeout: float | None = None, read_only: bool = False
) -> sqlite3.Connection:
    """Open an *existing* database read-write; never creates a file (``mode=rw``).

    ``read_only`` opens it immutable (no -shm, no lock, no write): only for reading a wallet
    on a full disk, where SQLite cannot even size its shared-memory file, and only when no
    -wal holds commits (an immutable reader would not see them).
    """
    mode = "mode=ro&immutable=1" if read_only else "mode=rw"
    uri = "file:" + urllib.parse.quote(str(db.absolute())) + "?" + mode
    wait = BUSY_TIMEOUT_SECONDS if timeout is None else timeout
    with translate_errors(db):
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=wait)
        # Per-connection settings; none of them writes to the file.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
    return conn


def sniff(conn: sqlite3.Connection, db: Path) -> None:
    """Refuse an empty or foreign file, reading only the header."""
    try:
        size = db.stat().st_size
    except OSError as exc:
        raise StorageError(f"cannot read the wallet at {db}: {exc.strerror}") from None
    if size == 0:
        raise DamagedWallet(
            f"damaged wallet: {db} is empty (an interrupted init); run `credwallet init` again"
        )
    with translate_errors(db):
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    if app_id != APPLICATION_ID:
        raise DamagedWallet(f"damaged wallet: {db} is not a credwallet wallet")


# Reading one kind (identities, pathways, settings) must not scan every credential row.
# Wallets made before the index existed get it in their next write transaction.
KIND_INDEX = "records_kind"
CREATE_KIND_INDEX = f"CREATE INDEX IF NOT EXISTS {KIND_INDEX} ON records (kind, seq)"


def has_kind_index(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (KIND_INDEX,)
    ).fetchone()
    return row is not None


def create_schema(conn: sqlite3.Connection) -> None:
    """Turn a fresh empty file into an empty v1 store (caller holds the transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
