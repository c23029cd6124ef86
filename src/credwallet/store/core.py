"""The encrypted store: one SQLite file of sealed records, opened by passphrase or session.

See docs/store-format.md for the byte-level format. In short: the passphrase unwraps a random
data key (DK) from a keyslot; HKDF subkeys of DK seal each record (AES-256-GCM, AAD binding
wallet id, kind, record id and version), tag dedup content and MAC the catalog, which every write
transaction re-checks and rewrites. Opening refuses an empty, foreign, newer or altered file
without writing to it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from credwallet import _crypto
from credwallet.errors import (
    BadInput,
    CredwalletError,
    DamagedWallet,
    NotFound,
    StorageError,
    WalletExists,
    WalletNotFound,
    WrongPassphraseOrDamaged,
)
from credwallet.store import db as _db
from credwallet.store import files, marker, sessions
from credwallet.store.kdf import SALT_SIZE, KdfProfile, creation_profile, encode_passphrase
from credwallet.store.keys import KeyRing, SecretKey, frame, keyslot_aad, u64
from credwallet.store.sealing import (
    CatalogEntry,
    RecordUnreadable,
    SealedRecord,
    catalog_mac,
    dedup_tag,
    open_record,
    seal_record,
)

__all__ = ["KINDS", "Store", "StoredRecord"]

KINDS = frozenset({"credential", "pathway", "identity", "holder-key", "cache", "setting"})
HOLDER_KEY_KIND = "holder-key"
PASSPHRASE_SLOT = 1
SESSION_SLOT = 2  # kind 'session': only a salt, which `lock --all` renews (see sessions.py)
SESSION_BINDING_TAG = b"credwallet/session-binding/v1"
RECORD_ID_SIZE = 16
WALLET_ID_SIZE = 16
WRAPPED_SIZE = 12 + 32 + 16
_KIND = re.compile(r"[a-z][a-z0-9-]{0,31}")
_RECORD_ID = re.compile(r"[0-9a-f]{32}")

# id -> (kind, version, tag, dedup tag or b""): one row as the catalog MAC covers it.
_Entries = dict[bytes, tuple[str, int, bytes, bytes]]

MODIFIED = "damaged wallet: the wallet was modified outside credwallet (catalog mismatch)"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One decrypted record. ``payload`` is kept out of the repr: it may hold a private key."""

    id: str
    kind: str
    payload: bytes = field(repr=False)
    version: int


@dataclass
class _Txn:
    """The catalog view inside one write transaction: edits are applied here, then MAC'd."""

    entries: _Entries
    changed: bool = False


def _check_kind(kind: str) -> None:
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise BadInput(f"not a valid record kind: {kind!r}")


def _record_id(record_id: str) -> bytes:
    if not isinstance(record_id, str) or not _RECORD_ID.fullmatch(record_id):
        raise NotFound(f"no record with id {record_id!r}")
    return bytes.fromhex(record_id)


def _unreadable(record_id: bytes) -> DamagedWallet:
    return DamagedWallet(
        f"damaged wallet: record {record_id.hex()} cannot be decrypted "
        "(it was changed outside credwallet)"
    )


def _wanted_id(value: str | None) -> bytes | None:
    """A requested record id (hex of RECORD_ID_SIZE bytes), or None when unusable."""
    if value is None or len(value) != 2 * RECORD_ID_SIZE:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def _db_path(home: Path) -> Path:
    return home / files.DB_NAME


def _entries(conn: sqlite3.Connection) -> _Entries:
    out: _Entries = {}
    for rid, kind, version, tag, dedup in conn.execute(
        "SELECT id, kind, version, tag, dedup FROM records"
    ):
        if not (
            isinstance(rid, bytes)
            and isinstance(kind, str)
            and isinstance(version, int)
            and isinstance(tag, bytes)
            and isinstance(dedup, bytes | None)
        ):
            raise DamagedWallet(MODIFIED)
        out[rid] = (kind, version, tag, dedup or b"")
    return out


def _as_catalog(entries: _Entries) -> list[CatalogEntry]:
    return [(rid, *entry) for rid, entry in entries.items()]


def _read_catalog(conn: sqlite3.Connection) -> tuple[int, bytes]:
    row = conn.execute("SELECT generation, mac FROM catalog WHERE singleton = 1").fetchone()
    if row is None or not isinstance(row[0], int) or not isinstance(row[1], bytes):
        raise DamagedWallet(MODIFIED)
    return row[0], row[1]


def _read_meta(conn: sqlite3.Connection, db: Path) -> bytes:
    """The wallet id, after checking the format version; refuses anything it cannot read."""
    with _db.translate_errors(db):
        row = conn.execute(
            "SELECT format_version, wallet_id FROM meta WHERE singleton = 1"
        ).fetchone()
    if row is None:
        raise DamagedWallet(f"damaged wallet: {db} has no credwallet header row")
    version, wallet_id = row
    if not isinstance(version, int) or not isinstance(wallet_id, bytes):
        raise DamagedWallet(f"damaged wallet: {db} has a malformed header row")
    if version > _db.FORMAT_VERSION:
        raise DamagedWallet(
            f"this wallet was written by a newer credwallet (store format {version}; this "
            f"version reads format {_db.FORMAT_VERSION}); upgrade credwallet to open it"
        )
    if version < 1 or len(wallet_id) != WALLET_ID_SIZE:
        raise DamagedWallet(f"damaged wallet: {db} has an unknown store format ({version})")
    return wallet_id


def _open_connection(home: Path) -> tuple[sqlite3.Connection, bytes, bool]:
    """Connect to an existing wallet and check it is ours, without writing anything.

    The last item says the connection is read-only because the disk is full: reading a
    wallet must still work then (``show``), and every write says "disk full".
    """
    db = _db_path(home)
    if not db.exists():
        raise WalletNotFound(f"no wallet at {home}; run `credwallet init`")
    with files.home_lock(home, exclusive=False, timeout=_db.BUSY_TIMEOUT_SECONDS, create=False):
        try:
            return (*_connect_checked(db, read_only=False), False)
        except StorageError:
            if not _db.disk_full(db) or _db.wal_pending(db):
                raise
        return (*_connect_checked(db, read_only=True), True)


def _connect_checked(db: Path, *, read_only: bool) -> tuple[sqlite3.Connection, bytes]:
    conn = _db.connect(db, read_only=read_only)
    try:
        _db.sniff(conn, db)
        wallet_id = _read_meta(conn, db)
    except BaseException:
        conn.close()
        raise
    return conn, wallet_id


def _unwrap_with_passphrase(
    conn: sqlite3.Connection, db: Path, wallet_id: bytes, passphrase: bytearray
) -> SecretKey:
    with _db.translate_errors(db):
        row = conn.execute(
            "SELECT slot_id, kind, kdf, salt, wrapped FROM keyslots "
            "WHERE kind = 'passphrase' ORDER BY slot_id LIMIT 1"
        ).fetchone()
    if row is None:
        raise DamagedWallet(f"damaged wallet: {db} has no passphrase keyslot")
    slot_id, kind, kdf_text, salt, wrapped = row
    if not (
        isinstance(slot_id, int)
        and isinstance(kdf_text, str)
        and isinstance(salt, bytes)
        and isinstance(wrapped, bytes)
        and len(salt) == SALT_SIZE
        and len(wrapped) == WRAPPED_SIZE
    ):
        raise DamagedWallet(f"damaged wallet: {db} has a malformed keyslot")
    profile = KdfProfile.parse(kdf_text)  # the ceiling is enforced here, before any KDF work
    kek = profile.derive(bytes(passphrase), salt, wallet_id)
    try:
        aad = keyslot_aad(_db.FORMAT_VERSION, wallet_id, slot_id, kind, kdf_text, salt)
        data_key = _crypto.aesgcm_open(bytes(kek), wrapped, aad)
    except _crypto.OpenFailed:
        raise WrongPassphraseOrDamaged() from None
    finally:
        kek[:] = bytes(len(kek))
    return SecretKey(data_key)


def _session_binding(conn: sqlite3.Connection, db: Path) -> bytes:
    """What every unlock session is bound to: the passphrase keyslot (new after `passwd`) and
    the session salt (new after `lock --all`; absent in wallets that never ended them all)."""
    with _db.translate_errors(db):
        rows = conn.execute(
            "SELECT slot_id, kind, kdf, salt, wrapped FROM keyslots "
            "WHERE kind IN ('passphrase', 'session') ORDER BY slot_id"
        ).fetchall()
    fields: list[bytes] = []
    for slot_id, kind, kdf_text, salt, wrapped in rows:
        if not (
            isinstance(slot_id, int)
            and isinstance(kind, str)
            and isinstance(kdf_text, str)
            and isinstance(salt, bytes)
            and isinstance(wrapped, bytes)
        ):
            raise DamagedWallet(f"damaged wallet: {db} has a malformed keyslot")
        fields += [u64(slot_id), kind.encode(), kdf_text.encode(), salt, wrapped]
    return SESSION_BINDING_TAG + frame(*fields)


def _new_keyslot(
    wallet_id: bytes, data_key: SecretKey, passphrase: bytearray
) -> tuple[str, bytes, bytes]:
    """(kdf text, salt, wrapped DK) for the passphrase slot under the current creation profile."""
    profile = creation_profile()
    salt = _crypto.random_bytes(SALT_SIZE)
    kek = profile.derive(bytes(passphrase), salt, wallet_id)
    try:
        text = profile.canonical()
        aad = keyslot_aad(_db.FORMAT_VERSION, wallet_id, PASSPHRASE_SLOT, "passphrase", text, salt)
        wrapped = _crypto.aesgcm_seal(bytes(kek), data_key.reveal(), aad)
    finally:
        kek[:] = bytes(len(kek))
    return text, salt, wrapped


def leftover_reason(db: Path) -> str | None:
    """See :meth:`Store.leftover`. Reads the file only; a file it cannot judge is kept."""
    try:
        info = db.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    if info.st_size == 0:
        return "an empty wallet.db"
    try:
        conn = _db.connect(db)
    except CredwalletError:
        return None
    try:
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return "an SQLite file with no tables"
        if app_id != _db.APPLICATION_ID or "records" not in tables:
            return None
        (count,) = conn.execute("SELECT count(*) FROM records").fetchone()
        return "a wallet with no holder key and no records" if count == 0 else None
    except (sqlite3.Error, UnicodeDecodeError):
        return None
    finally:
        conn.close()


def _build_staging(
    home: Path,
    keys: KeyRing,
    slot: tuple[str, bytes, bytes],
    records: list[tuple[bytes, str, SealedRecord]],
) -> Path:
    """A complete new wallet in a hidden 0600 file beside the real one (the caller renames it)."""
    staging = home / f"{files.STAGING_PREFIX}{_crypto.random_bytes(8).hex()}"
    try:
        files.create_exclusive(staging)
    except OSError as exc:
        raise files.storage_error(staging, exc) from None
    try:
        conn = _db.connect(staging)
        try:
            with _db.translate_errors(staging):
                # 8 KiB pages hold several typical (2-3 KB) sealed records each; with
                # 4 KiB pages such rows fit one per page and half the file is slack.
                conn.execute(f"PRAGMA page_size = {_db.PAGE_SIZE}")
                conn.execute("BEGIN IMMEDIATE")
                _db.create_schema(conn)
                conn.execute(
                    "INSERT INTO meta (singleton, format_version, wallet_id) VALUES (1, ?, ?)",
                    (_db.FORMAT_VERSION, keys.wallet_id),
                )
                kdf_text, salt, wrapped = slot
                conn.execute(
                    "INSERT INTO keyslots (slot_id, kind, kdf, salt, wrapped) "
                    "VALUES (?, 'passphrase', ?, ?, ?)",
                    (PASSPHRASE_SLOT, kdf_text, salt, wrapped),
                )
                entries: _Entries = {}
                for record_id, kind, sealed in records:
                    conn.execute(
                        "INSERT INTO records (id, kind, version, nonce, ct, tag, dedup) "
                        "VALUES (?, ?, 1, ?, ?, ?, NULL)",
                        (record_id, kind, sealed.nonce, sealed.ct, sealed.tag),
                    )
                    entries[record_id] = (kind, 1, sealed.tag, b"")
                generation = 1 if entries else 0
                mac = catalog_mac(
                    keys.subkey("catalog"), keys.wallet_id, generation, _as_catalog(entries)
                )
                conn.execute(
                    "INSERT INTO catalog (singleton, generation, mac) VALUES (1, ?, ?)",
                    (generation, mac),
                )
                conn.execute("COMMIT")
                # Persistent in the header; the last close folds the -wal back into the file.
                conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        files.fsync_file(staging)
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                staging.with_name(staging.name + suffix).unlink()
        raise
    return staging


def _install(staging: Path, db: Path) -> None:
    """Move a finished staging file to ``db``: a link (never overwrites) or, over a leftover,
    a rename; then make the rename durable."""
    try:
        if db.exists():
            # A leftover (checked by the caller under the home lock). Its -wal/-shm must go
            # first: SQLite would replay a stale -wal onto the new file.
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    db.with_name(db.name + suffix).unlink()
            staging.replace(db)
        else:
            try:
                os.link(staging, db, follow_symlinks=False)
            except FileExistsError:
                raise WalletExists(f"a wallet already exists at {db.parent}") from None
            staging.unlink()
        files.fsync_dir(db.parent)
    except OSError as exc:
        raise files.storage_error(db, exc) from None
    finally:
        with contextlib.suppress(OSError):
            staging.unlink()


class Store:
    """An open wallet store. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        home: Path,
        conn: sqlite3.Connection,
        keys: KeyRing,
        *,
        check_catalog: bool,
        disk_full: bool = False,
    ) -> None:
        self.home = home
        self._disk_full = disk_full  # opened read-only: reads work, writes say "disk full"
        self._db = _db_path(home)
        self._conn = conn
        self._keys = keys
        self._generation = 0
        self._last_seen: int | None = None
        self._suspected = False  # a rollback seen (now or earlier) and not yet accepted
        # (data_version, generation, entries) of the catalog as last verified or written by this
        # connection: lets a write skip re-reading every row when nobody else has committed.
        self._cache: tuple[int, int, _Entries] | None = None
        self._closed = False
        self._indexed = False  # the records_kind index is known to exist (see _write)
        self._finish_open(check_catalog)

    # --- opening ------------------------------------------------------------------------------

    @staticmethod
    def exists(home: Path) -> bool:
        """True if anything sits where the database should be (even a damaged file)."""
        return _db_path(home).exists()

    @staticmethod
    def leftover(home: Path) -> str | None:
        """Why the file at the wallet's place is an unfinished ``init`` (None: it is not one).

        Only a file that holds nothing can be one: an empty file, an SQLite file with no
        tables, or a credwallet store with no record at all (every finished wallet holds its
        holder key). ``init`` may replace such a file; anything else is never touched.
        """
        return leftover_reason(_db_path(home))

    @classmethod
    def create(
        cls,
        home: Path,
        passphrase: str,
        *,
        initial: Iterable[tuple[str, bytes]] = (),
        replace_leftover: bool = False,
    ) -> Store:
        """Create the home (0700) and a new store (0600) protected by ``passphrase``.

        The whole wallet (keyslot, catalog and the ``initial`` records, e.g. the holder key)
        is written in one transaction to a staging file, which is then renamed into place: a
        crash leaves either no wallet or a whole one. With ``replace_leftover``, an unfinished
        wallet left by an interrupted init (see :meth:`leftover`) is replaced; a real one never
        is (``init`` passes it; a store made with no ``initial`` record is itself a leftover).
        """
        secret = encode_passphrase(passphrase)
        wallet_id = _crypto.random_bytes(WALLET_ID_SIZE)
        data_key = SecretKey.random()
        try:
            kdf_text, salt, wrapped = _new_keyslot(wallet_id, data_key, secret)  # outside locks
        finally:
            secret[:] = bytes(len(secret))
        keys = KeyRing(data_key, wallet_id)
        try:
            records = []
            for kind, payload in initial:
                _check_kind(kind)
                record_id = _crypto.random_bytes(RECORD_ID_SIZE)
                key = keys.subkey("holder-key" if kind == HOLDER_KEY_KIND else "records")
                sealed = seal_record(key, wallet_id, kind, record_id, 1, bytes(payload))
                records.append((record_id, kind, sealed))
            files.ensure_private_dir(home)
            db = _db_path(home)
            with files.home_lock(
                home, exclusive=True, timeout=_db.BUSY_TIMEOUT_SECONDS, create=True
            ):
                files.remove_staging(home)  # an earlier init killed before its rename
                if db.exists() and (not replace_leftover or leftover_reason(db) is None):
                    raise WalletExists(
                        f"a wallet already exists at {home}; credwallet never overwrites one"
                    )
                staging = _build_staging(home, keys, (kdf_text, salt, wrapped), records)
                _install(staging, db)
            conn = _db.connect(db)
        except BaseException:
            keys.wipe()
            raise
        try:
            return cls(home, conn, keys, check_catalog=True)
        except BaseException:
            conn.close()
            raise

    @classmethod
    def open(cls, home: Path, passphrase: str, *, check_catalog: bool = True) -> Store:
        """Open with the passphrase. ``check_catalog=False`` is for ``check``, which reports."""
        secret = encode_passphrase(passphrase)
        conn, wallet_id, full = _open_connection(home)
        try:
            data_key = _unwrap_with_passphrase(conn, _db_path(home), wallet_id, secret)
            return cls(
                home,
                conn,
                KeyRing(data_key, wallet_id),
                check_catalog=check_catalog,
                disk_full=full,
            )
        except BaseException:
            conn.close()
            raise
        finally:
            secret[:] = bytes(len(secret))

    @classmethod
    def open_session(
        cls, home: Path, token: str, *, now: float | None = None, check_catalog: bool = True
    ) -> Store:
        """Open with a ``CREDWALLET_SESSION`` token from :meth:`create_session`."""
        conn, wallet_id, full = _open_connection(home)
        try:
            data_key = sessions.open_session(
                home,
                wallet_id,
                token,
                now=time.time() if now is None else now,
                binding=_session_binding(conn, _db_path(home)),
            )
            return cls(
                home,
                conn,
                KeyRing(data_key, wallet_id),
                check_catalog=check_catalog,
                disk_full=full,
            )
        except BaseException:
            conn.close()
            raise

    def _finish_open(self, check_catalog: bool) -> None:
        # Read the marker *before* the generation: a marker is written only after its commit,
        # so one read first can never be ahead of the generation read next (no false alarm
        # when another process writes in between).
        seen = marker.read_marker(self.home, self._keys)
        self._last_seen = None if seen is None else seen.generation
        self._suspected = seen is not None and seen.suspected
        try:
            with _db.translate_errors(self._db):
                self._conn.execute("BEGIN")
                try:
                    generation, mac = _read_catalog(self._conn)
                    if check_catalog:
                        (data_version,) = self._conn.execute("PRAGMA data_version").fetchone()
                        entries = self._verified_entries(generation, mac)
                        if entries is None:
                            raise DamagedWallet(MODIFIED)
                        self._cache = (data_version, generation, entries)
                finally:
                    self._conn.execute("COMMIT")
                (mode,) = self._conn.execute("PRAGMA journal_mode").fetchone()
                if str(mode).lower() != "wal" and not self._disk_full:
                    self._conn.execute("PRAGMA journal_mode = WAL")  # e.g. a restored snapshot
        except BaseException:
            self._keys.wipe()
            raise
        self._generation = generation
        self._record_marker()
        # Expired session files (anyone's: the expiry is public) go on every open.
        with contextlib.suppress(OSError, CredwalletError):
            sessions.sweep_all(self.home, time.time())

    def _verified_entries(self, generation: int, mac: bytes) -> _Entries | None:
        """Every row's catalog entry if the stored MAC matches them, else None."""
        entries = _entries(self._conn)
        expected = catalog_mac(
            self._keys.subkey("catalog"), self._keys.wallet_id, generation, _as_catalog(entries)
        )
        return entries if _crypto.constant_time_equal(mac, expected) else None

    # --- properties ---------------------------------------------------------------------------

    @property
    def wallet_id(self) -> str:
        return self._keys.wallet_id.hex()

    @property
    def generation(self) -> int:
        """The catalog generation: how many write transactions this wallet has committed."""
        return self._generation

    @property
    def last_seen_generation(self) -> int | None:
        """The generation the last-seen marker recorded when the store was opened."""
        return self._last_seen

    @property
    def rollback_suspected(self) -> bool:
        """True if this home once saw a later generation than the wallet had: an older copy
        may have been put back. It stays true, across writes, until :meth:`accept_rollback`."""
        behind = self._last_seen is not None and self._last_seen > self._generation
        return behind or self._suspected

    def rollback_detail(self) -> str:
        """One line on the suspected rollback, for warnings and `check`."""
        return (
            f"the wallet is at generation {self._generation} but this home last saw generation "
            f"{self._last_seen} (or a later write followed an older copy); an older copy may "
            "have been put back. Once you have checked your credentials, accept this state "
            "with `credwallet check --accept-rollback`"
        )

    def _record_marker(self) -> None:
        """Write the marker: the highest generation seen, and whether a rollback is pending."""
        if self.rollback_suspected:
            self._suspected = True
            highest = max(self._last_seen or 0, self._generation)
            marker.write_marker(self.home, self._keys, highest, suspected=True)
        else:
            marker.write_marker(self.home, self._keys, self._generation)

    def accept_rollback(self) -> None:
        """Accept the current (older) state as the latest, e.g. after a deliberate restore."""
        self._last_seen = self._generation
        self._suspected = False
        marker.write_marker(self.home, self._keys, self._generation)

    # --- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[_Txn]:
        """One ``BEGIN IMMEDIATE`` transaction that verifies, then rewrites, the catalog."""
        self._ensure_open()
        self._ensure_writable()
        conn = self._conn
        try:
            with _db.translate_errors(self._db):
                conn.execute("BEGIN IMMEDIATE")
                # data_version changes only when *another* connection commits (SQLite docs).
                (data_version,) = conn.execute("PRAGMA data_version").fetchone()
                generation, mac = _read_catalog(conn)
                cached, self._cache = self._cache, None  # invalid until this commit succeeds
                if cached is not None and cached[:2] == (data_version, generation):
                    entries = dict(cached[2])
                else:
                    verified = self._verified_entries(generation, mac)
                    if verified is None:
                        raise DamagedWallet(MODIFIED)
                    entries = verified
                if not self._indexed:
                    if not _db.has_kind_index(conn):
                        conn.execute(_db.CREATE_KIND_INDEX)
                    self._indexed = True
                txn = _Txn(entries)
                yield txn
                if txn.changed:
                    generation += 1
                    mac = catalog_mac(
                        self._keys.subkey("catalog"),
                        self._keys.wallet_id,
                        generation,
                        _as_catalog(txn.entries),
                    )
                    conn.execute(
                        "UPDATE catalog SET generation = ?, mac = ? WHERE singleton = 1",
                        (generation, mac),
                    )
                conn.execute("COMMIT")
                self._cache = (data_version, generation, txn.entries)
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        if txn.changed:
            self._generation = generation
            self._record_marker()

    def _key_for(self, kind: str) -> SecretKey:
        return self._keys.subkey("holder-key" if kind == HOLDER_KEY_KIND else "records")

    def _seal(self, kind: str, record_id: bytes, version: int, payload: bytes) -> SealedRecord:
        if not isinstance(payload, bytes | bytearray):
            raise BadInput("a record payload must be bytes")
        return seal_record(
            self._key_for(kind), self._keys.wallet_id, kind, record_id, version, bytes(payload)
        )

    def put(self, kind: str, payload: bytes, *, dedup_key: bytes | None = None) -> tuple[str, bool]:
        """Store a new record; if ``dedup_key`` content is already stored, return that record."""
        return self.put_many([(kind, payload, dedup_key)])[0]

    def put_many(
        self, items: Iterable[tuple[str, bytes, bytes | None]], *, chunk: int = 200
    ) -> list[tuple[str, bool]]:
        """Store many records; each ``chunk`` is one transaction with its catalog update."""
        return self.put_many_keeping_ids(
            ((kind, payload, dedup_key, None) for kind, payload, dedup_key in items), chunk=chunk
        )

    def put_many_keeping_ids(
        self, items: Iterable[tuple[str, bytes, bytes | None, str | None]], *, chunk: int = 200
    ) -> list[tuple[str, bool]]:
        """:meth:`put_many`, giving each record the id it asks for when that id is free.

        Restore uses it so that the ids people wrote down or scripted survive a backup; an id
        that is malformed or already taken is replaced by a fresh random one.
        """
        self._ensure_open()
        if chunk < 1:
            raise BadInput("chunk must be at least 1")
        results: list[tuple[str, bool]] = []
        batch: list[tuple[str, bytes, SealedRecord, bytes | None, bytes]] = []
        for kind, payload, dedup_key, wanted in items:
            _check_kind(kind)
            record_id = _wanted_id(wanted) or _crypto.random_bytes(RECORD_ID_SIZE)
            tag = None if dedup_key is None else dedup_tag(self._keys.subkey("dedup"), dedup_key)
            # Sealing happens before the transaction, so other writers wait less.
            batch.append((kind, record_id, self._seal(kind, record_id, 1, payload), tag, payload))
            if len(batch) >= chunk:
                results.extend(self._insert(batch))
                batch = []
        if batch:
            results.extend(self._insert(batch))
        return results

    def _insert(
        self, batch: list[tuple[str, bytes, SealedRecord, bytes | None, bytes]]
    ) -> list[tuple[str, bool]]:
        results: list[tuple[str, bool]] = []
        with self._write() as txn:
            for kind, record_id, sealed, tag, payload in batch:
                if tag is not None:
                    row = self._conn.execute(
                        "SELECT id FROM records WHERE dedup = ?", (tag,)
                    ).fetchone()
                    if row is not None:
                        results.append((bytes(row[0]).hex(), False))
                        continue
                if (
                    record_id in txn.entries
                    or self._conn.execute(
                        "SELECT 1 FROM records WHERE id = ?", (record_id,)
                    ).fetchone()
                ):
                    # The id is taken (a merge): the AAD binds the id, so seal again.
                    record_id = _crypto.random_bytes(RECORD_ID_SIZE)
                    sealed = self._seal(kind, record_id, 1, payload)
                self._conn.execute(
                    "INSERT INTO records (id, kind, version, nonce, ct, tag, dedup) "
                    "VALUES (?, ?, 1, ?, ?, ?, ?)",
                    (record_id, kind, sealed.nonce, sealed.ct, sealed.tag, tag),
                )
                txn.entries[record_id] = (kind, 1, sealed.tag, tag or b"")
                txn.changed = True
                results.append((record_id.hex(), True))
        return results

    def update(self, record_id: str, payload: bytes) -> None:
        """Replace a record's payload; its version grows by one."""
        rid = _record_id(record_id)
        with self._write() as txn:
            row = self._conn.execute(
                "SELECT kind, version, dedup FROM records WHERE id = ?", (rid,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no record with id {record_id}")
            kind, version, dedup = row
            if not isinstance(kind, str) or not isinstance(version, int):
                raise _unreadable(rid)
            sealed = self._seal(kind, rid, version + 1, payload)
            self._conn.execute(
                "UPDATE records SET version = ?, nonce = ?, ct = ?, tag = ? WHERE id = ?",
                (version + 1, sealed.nonce, sealed.ct, sealed.tag, rid),
            )
            txn.entries[rid] = (kind, version + 1, sealed.tag, dedup or b"")
            txn.changed = True

    def modify(
        self, record_id: str, change: Callable[[StoredRecord], bytes | None]
    ) -> StoredRecord:
        """Read a record and replace its payload in *one* write transaction (no lost update).

        ``change`` gets the record as it is now, under the write lock, and returns the new
        payload (or None to leave the record as it is). Two processes editing one record
        therefore apply their edits one after the other, never over each other.
        """
        rid = _record_id(record_id)
        with self._write() as txn:
            result = self._modify_in(txn, record_id, rid, change)
        if result is None:
            raise NotFound(f"no record with id {record_id}")
        return result

    def modify_many(
        self,
        changes: Iterable[tuple[str, Callable[[StoredRecord], bytes | None]]],
        *,
        chunk: int = 200,
    ) -> list[StoredRecord | None]:
        """:meth:`modify` for many records, ``chunk`` of them per write transaction.

        Each write transaction recomputes the catalog MAC over every row, so a batch of edits
        (``verify --all``, ``check``) costs one MAC per chunk instead of one per record. The
        result holds each record as it now is, or None for an id that is no longer stored.
        """
        self._ensure_open()
        if chunk < 1:
            raise BadInput("chunk must be at least 1")
        wanted = [(record_id, _record_id(record_id), change) for record_id, change in changes]
        results: list[StoredRecord | None] = []
        for start in range(0, len(wanted), chunk):
            with self._write() as txn:
                for record_id, rid, change in wanted[start : start + chunk]:
                    results.append(self._modify_in(txn, record_id, rid, change))
        return results

    def _modify_in(
        self,
        txn: _Txn,
        record_id: str,
        rid: bytes,
        change: Callable[[StoredRecord], bytes | None],
    ) -> StoredRecord | None:
        row = self._conn.execute(
            "SELECT id, kind, version, nonce, ct, tag, dedup FROM records WHERE id = ?",
            (rid,),
        ).fetchone()
        if row is None:
            return None
        current = self._decrypt_row(row[:6])
        payload = change(current)
        if payload is None:
            return current
        version = current.version + 1
        sealed = self._seal(current.kind, rid, version, payload)
        self._conn.execute(
            "UPDATE records SET version = ?, nonce = ?, ct = ?, tag = ? WHERE id = ?",
            (version, sealed.nonce, sealed.ct, sealed.tag, rid),
        )
        txn.entries[rid] = (current.kind, version, sealed.tag, row[6] or b"")
        txn.changed = True
        return StoredRecord(
            id=record_id, kind=current.kind, payload=bytes(payload), version=version
        )

    def delete(self, record_id: str) -> None:
        rid = _record_id(record_id)
        with self._write() as txn:
            cursor = self._conn.execute("DELETE FROM records WHERE id = ?", (rid,))
            if cursor.rowcount == 0:
                raise NotFound(f"no record with id {record_id}")
            txn.entries.pop(rid, None)
            txn.changed = True

    # --- reading ------------------------------------------------------------------------------

    def _decrypt_row(self, row: tuple[object, ...]) -> StoredRecord:
        rid, kind, version, nonce, ct, tag = row
        if not isinstance(rid, bytes):
            raise DamagedWallet(MODIFIED)
        if not (
            isinstance(kind, str)
            and isinstance(version, int)
            and isinstance(nonce, bytes)
            and isinstance(ct, bytes)
            and isinstance(tag, bytes)
        ):
            raise _unreadable(rid)
        try:
            payload = open_record(
                self._key_for(kind),
                self._keys.wallet_id,
                kind,
                rid,
                version,
                SealedRecord(nonce, ct, tag),
            )
        except RecordUnreadable:
            raise _unreadable(rid) from None
        return StoredRecord(id=rid.hex(), kind=kind, payload=payload, version=version)

    def get(self, record_id: str) -> StoredRecord:
        rid = _record_id(record_id)
        self._ensure_open()
        with _db.translate_errors(self._db):
            row = self._conn.execute(
                "SELECT id, kind, version, nonce, ct, tag FROM records WHERE id = ?", (rid,)
            ).fetchone()
        if row is None:
            raise NotFound(f"no record with id {record_id}")
        return self._decrypt_row(row)

    def _rows(self, kind: str | None) -> list[tuple[object, ...]]:
        self._ensure_open()
        query = "SELECT id, kind, version, nonce, ct, tag FROM records"
        with _db.translate_errors(self._db):
            if kind is None:
                return list(self._conn.execute(query + " ORDER BY seq"))
            return list(self._conn.execute(query + " WHERE kind = ? ORDER BY seq", (kind,)))

    def ids(self, kind: str) -> list[str]:
        """The ids of every record of one kind, in insertion order, without decrypting any."""
        self._ensure_open()
        with _db.translate_errors(self._db):
            rows = self._conn.execute(
                "SELECT id FROM records WHERE kind = ? ORDER BY seq", (kind,)
            ).fetchall()
        found = []
        for (rid,) in rows:
            if not isinstance(rid, bytes):
                raise DamagedWallet(MODIFIED)
            found.append(rid.hex())
        return found

    def records(self, kind: str | None = None) -> list[StoredRecord]:
        """All records (of one kind), decrypted, in insertion order."""
        return [self._decrypt_row(row) for row in self._rows(kind)]

    def find_dedup(self, dedup_key: bytes) -> str | None:
        """The id of the record stored with this dedup content, if any."""
        self._ensure_open()
        tag = dedup_tag(self._keys.subkey("dedup"), dedup_key)
        with _db.translate_errors(self._db):
            row = self._conn.execute("SELECT id FROM records WHERE dedup = ?", (tag,)).fetchone()
        return None if row is None else bytes(row[0]).hex()

    def count(self, kind: str | None = None) -> int:
        self._ensure_open()
        with _db.translate_errors(self._db):
            if kind is None:
                (n,) = self._conn.execute("SELECT count(*) FROM records").fetchone()
            else:
                (n,) = self._conn.execute(
                    "SELECT count(*) FROM records WHERE kind = ?", (kind,)
                ).fetchone()
        return int(n)

    # --- keys and sessions --------------------------------------------------------------------

    def change_passphrase(self, new: str) -> None:
        """Re-wrap the data key under ``new`` (records untouched) and end every session."""
        self._ensure_open()
        self._ensure_writable()
        secret = encode_passphrase(new)
        try:
            kdf_text, salt, wrapped = _new_keyslot(
                self._keys.wallet_id, self._keys.data_key, secret
            )
        finally:
            secret[:] = bytes(len(secret))
        conn = self._conn
        try:
            with _db.translate_errors(self._db):
                conn.execute("BEGIN IMMEDIATE")
                cursor = conn.execute(
                    "UPDATE keyslots SET kdf = ?, salt = ?, wrapped = ? "
                    "WHERE slot_id = ? AND kind = 'passphrase'",
                    (kdf_text, salt, wrapped, PASSPHRASE_SLOT),
                )
                if cursor.rowcount != 1:
                    raise DamagedWallet(f"damaged wallet: {self._db} has no passphrase keyslot")
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        # Move the new slot into the main file so the old wrap does not linger in the WAL;
        # secure_delete zeroes the freed bytes. Readers may keep part of the WAL alive: not fatal.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.end_all_sessions()

    def compact(self) -> None:
        """Fold the write-ahead log back into the database file after a deletion, so the
        deleted record's sealed bytes (zeroed in the main file by secure_delete) do not
        linger in the log. A reader holding part of the log keeps it alive: not fatal, the
        next checkpoint does it."""
        self._ensure_open()
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def create_session(self, ttl_seconds: int, *, now: float | None = None) -> str:
        """A token for :meth:`open_session`, valid ``ttl_seconds`` (at most 12 hours)."""
        self._ensure_open()
        return sessions.create_session(
            self.home,
            self._keys,
            ttl_seconds,
            now=time.time() if now is None else now,
            binding=_session_binding(self._conn, self._db),
        )

    def end_session(self, token: str) -> None:
        self._ensure_open()
        sessions.end_session(self.home, self._keys, token)

    def end_all_sessions(self) -> int:
        """End every session of this wallet, wherever its file is; returns how many files
        were found and deleted (the sessions end even when a file is out of reach).

        A new random session salt changes every session's binding, so no existing token can
        unwrap its file any more; the files are then deleted where they can be found.
        """
        self._ensure_open()
        self._ensure_writable()
        conn = self._conn
        try:
            with _db.translate_errors(self._db):
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO keyslots (slot_id, kind, kdf, salt, wrapped) "
                    "VALUES (?, 'session', 'none', ?, x'') "
                    "ON CONFLICT (slot_id) DO UPDATE SET salt = excluded.salt",
                    (SESSION_SLOT, _crypto.random_bytes(SALT_SIZE)),
                )
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        return sessions.delete_wallet_files(self.home, self._keys, now=time.time())

    # --- health and copies --------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems found, one line each (empty list: all good). Never raises for damage."""
        self._ensure_open()
        problems: list[str] = []
        try:
            with _db.translate_errors(self._db):
                # integrity_check (not quick_check) also compares indexes with their tables: a
                # damaged UNIQUE index could hide a record from get() or let a duplicate in.
                rows = self._conn.execute("PRAGMA integrity_check").fetchall()
                if [r[0] for r in rows] != ["ok"]:
                    problems.append(
                        "SQLite integrity_check: " + "; ".join(str(r[0]) for r in rows[:5])
                    )
                generation, mac = _read_catalog(self._conn)
                if self._verified_entries(generation, mac) is None:
                    problems.append(
                        "catalog mismatch: the wallet was modified outside credwallet "
                        "(a record was deleted, added or put back from an older copy)"
                    )
                for row in self._rows(None):
                    try:
                        self._decrypt_row(row)
                    except DamagedWallet as exc:
                        problems.append(exc.message.removeprefix("damaged wallet: "))
                slot = self._conn.execute(
                    "SELECT kdf FROM keyslots WHERE kind = 'passphrase' ORDER BY slot_id LIMIT 1"
                ).fetchone()
        except CredwalletError as exc:
            problems.append(exc.message)
            return problems
        if slot is not None and isinstance(slot[0], str):
            current = creation_profile()
            try:
                profile = KdfProfile.parse(slot[0])
                if profile.weaker_than(current):
                    problems.append(
                        f"needs_rekdf: the passphrase keyslot uses {profile.canonical()}, weaker "
                        f"than the current default {current.canonical()}; run `credwallet passwd`"
                    )
            except DamagedWallet as exc:
                problems.append(exc.message)
        problems.extend(self._loose_modes())
        if self.rollback_suspected:
            problems.append(f"rollback suspected: {self.rollback_detail()}")
        return problems

    def _loose_modes(self) -> list[str]:
        """Files or the home readable or writable by other users (POSIX only)."""
        if os.name != "posix":
            return []
        found = []
        suffixes = ("", "-wal", "-shm")
        paths = [self.home, *(self._db.with_name(self._db.name + s) for s in suffixes)]
        paths += [self.home / files.LOCK_NAME, self.home / files.MARKER_NAME]
        for path in paths:
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except OSError:
                continue
            if mode & 0o077:
                wanted = "0700" if path.is_dir() else "0600"
                found.append(
                    f"{path} is accessible to other users (mode {mode:04o}); "
                    f"run `chmod {wanted[1:]} {path}`"
                )
        return found

    def snapshot_to(self, path: Path) -> None:
        """Write a consistent copy of the database to a new 0600 file (SQLite backup API)."""
        self._ensure_open()
        try:
            files.create_exclusive(path)
        except FileExistsError:
            raise StorageError(f"cannot write a snapshot to {path}: the file exists") from None
        except OSError as exc:
            raise files.storage_error(path, exc) from None
        try:
            with _db.translate_errors(path):
                target = sqlite3.connect(str(path), isolation_level=None)
                try:
                    self._conn.backup(target)
                    target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                finally:
                    target.close()
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise

    # --- lifecycle ----------------------------------------------------------------------------

    def _ensure_open(self) -> None:
        if self._closed:
            raise StorageError("the wallet store is closed")

    def _ensure_writable(self) -> None:
        if self._disk_full:
            raise StorageError(f"disk full: cannot write the wallet at {self._db}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._keys.wipe()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"Store(home={str(self.home)!r}, wallet_id={self._keys.wallet_id.hex()!r}, {state})"
