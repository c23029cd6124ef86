"""Encrypted single-file backups (age v1, scrypt) and restore, fully checked before any write.

The file is a standard age file: anyone can open it with ``age -d``; inside is the archive of
docs/backup-format.md, one record per stored record (credentials, pathways, identities, cached
documents, the holder key). Restore never overwrites a wallet; ``merge`` adds what is missing.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import credwallet
from credwallet.errors import BadInput, CredwalletError, UsageError, WalletExists
from credwallet.store import Store
from credwallet.store.age import DEFAULT_LOG_N, AgeWriter, iter_decrypt_passphrase
from credwallet.store.archive import ArchiveReader, ArchiveRecord, ArchiveWriter
from credwallet.store.atomic import atomic_write, remove_stale_temps

__all__ = ["BackupSummary", "RestoreSummary", "read_backup", "restore_backup", "write_backup"]

# What restore may put back. Anything else in an archive is refused rather than stored blindly.
RESTORABLE_KINDS = frozenset(
    {
        "credential",
        "pathway",
        "identity",
        "holder-key",
        "cache",
        "setting",
        "trust",
        "shared",
        "pending-issuance",  # a deferred receive still to be collected (wallet/receive.py)
    }
)

RESTORE_PREFIX = ".credwallet-restore-"
STALE_RESTORE_SECONDS = 3600.0
STALE_TEMP_SECONDS = 3600.0
# scrypt work factor of new backups: age's default (2^18, about a second). Only the test suite
# lowers it (tests/conftest.py, as it does the keyslot KDF's CREATION_PROFILE); a restore reads
# the factor from the file, so it costs what the backup's writer chose.
BACKUP_LOG_N = DEFAULT_LOG_N

DedupFor = Callable[[str, bytes], bytes | None]
#: ``progress(done, total)``: how far a backup or restore is (the CLI draws a bar from it).
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: Path
    records: int
    kinds: dict[str, int]


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    home: Path
    added: int
    already_present: int
    kinds: dict[str, int]
    holder_key_kept: bool  # merge: the wallet's own holder key stays; the backup's is not used
    # Records the wallet could not read, left out: (kind, id in the backup, reason).
    skipped: tuple[tuple[str, str, str], ...] = ()
    new_holder_key: bool = False  # the backup had no readable holder key: a new one was made


def write_backup(
    store: Store,
    out: Path,
    passphrase: str,
    *,
    now: datetime,
    log_n: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BackupSummary:
    """Write every record to ``out`` as an age file; the plaintext never touches the disk."""
    target = out.expanduser()
    if target.exists() and not force:
        raise UsageError(f"{target} exists; choose another name or use --force")
    if target.resolve().is_relative_to(store.home.resolve()):
        raise UsageError("write the backup outside the wallet directory")
    records = store.records()  # one read: a consistent snapshot even while others write
    # Temp files of a backup killed earlier (`.NAME.age.tmp-*`): ciphertext only, but clutter.
    remove_stale_temps(target, older_than=STALE_TEMP_SECONDS)
    kinds: dict[str, int] = {}
    with (
        atomic_write(target) as sink,
        AgeWriter(sink, passphrase, log_n=BACKUP_LOG_N if log_n is None else log_n) as sealed,
    ):
        writer = ArchiveWriter(
            sealed,
            created=now,
            # The version is read here, not at import: reading it scans the installed packages.
            info={"wallet_id": store.wallet_id, "credwallet": credwallet.__version__},
        )
        for done, record in enumerate(records, 1):
            writer.add(ArchiveRecord(kind=record.kind, id=record.id, payload=record.payload))
            kinds[record.kind] = kinds.get(record.kind, 0) + 1
            if progress is not None:
                progress(done, len(records))
        writer.finish()
    return BackupSummary(target, len(records), kinds)


def read_backup(path: Path, passphrase: str) -> list[ArchiveRecord]:
    """Decrypt and check the whole backup (MACs, digest, counts) before returning anything."""
    from credwallet.wallet.sources import open_regular_file

    # A FIFO or a device would block or never end: only a regular file is read.
    with open_regular_file(path.expanduser()) as handle:
        reader = ArchiveReader(iter_decrypt_passphrase(handle, passphrase))
        records = list(reader.records())  # raises on any damage, before anything is written
    for record in records:
        if record.kind not in RESTORABLE_KINDS:
            raise BadInput(f"{path}: the backup holds records of unknown kind {record.kind!r}")
    if sum(1 for r in records if r.kind == "holder-key") > 1:
        raise BadInput(f"{path}: the backup holds more than one holder key")
    return records


def _new_wallet(
    home: Path,
    passphrase: str,
    rows: Iterator[tuple[str, bytes, bytes | None, str | None]],
    count: int,
    holder_key: bytes,
) -> None:
    """Build the wallet in a private temp dir beside ``home``, then rename it into place."""
    home = home.expanduser()
    if home.exists() and (not home.is_dir() or any(home.iterdir())):
        raise WalletExists(f"{home} is not empty; use --merge to add the backup to that wallet")
    home.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_restores(home.parent)
    staging = Path(tempfile.mkdtemp(prefix=RESTORE_PREFIX, dir=home.parent))
    try:
        built = staging / "wallet"
        with Store.create(built, passphrase, initial=[("holder-key", holder_key)]) as store:
            store.put_many_keeping_ids(rows, chunk=max(1, count))
        if home.exists():
            home.rmdir()  # empty, checked above
        built.replace(home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_stale_restores(parent: Path, *, older_than: float = STALE_RESTORE_SECONDS) -> int:
    """Delete staging dirs a killed restore left in ``parent``; returns how many.

    A restore in progress keeps its dir for seconds to minutes; one untouched for an hour is
    a leftover (its wallet was never renamed into place, so nothing in it is anybody's data).
    """
    removed = 0
    cutoff = time.time() - older_than
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            if not entry.name.startswith(RESTORE_PREFIX) or entry.is_symlink():
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir() and entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry)
                    removed += 1
    return removed


def _readable(
    records: list[ArchiveRecord], now: datetime, tick: Callable[[], None]
) -> tuple[list[ArchiveRecord], list[tuple[str, str, str]]]:
    """Split the backup's records into those the wallet can read and those it cannot."""
    from credwallet.wallet.payloads import unreadable_reason

    good: list[ArchiveRecord] = []
    skipped: list[tuple[str, str, str]] = []
    for record in records:
        reason = unreadable_reason(record.kind, record.payload, now=now)
        tick()
        if reason is None:
            good.append(record)
        else:
            skipped.append((record.kind, record.id, reason))
    return good, skipped


def restore_backup(
    records: list[ArchiveRecord],
    *,
    home: Path,
    passphrase: str | None,
    merge_into: Store | None,
    dedup_for: DedupFor,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> RestoreSummary:
    """Restore every readable record; an unreadable one is left out and listed, never stored.

    Each payload is read with the code that reads it later (see wallet.payloads) before
    anything is written. A merge is one transaction: all of it lands, or none.
    """
    kinds: dict[str, int] = {}
    for record in records:
        kinds[record.kind] = kinds.get(record.kind, 0) + 1
    # Progress: every record is read back (checked), then every wanted one sealed and stored.
    total = [2 * len(records)]
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total[0])

    good, skipped = _readable(records, now or datetime.now(UTC), tick)
    holder = [r for r in good if r.kind == "holder-key"]
    wanted = [r for r in good if r.kind != "holder-key"]
    total[0] = len(records) + len(wanted)

    def rows() -> Iterator[tuple[str, bytes, bytes | None, str | None]]:
        # Consumed as the store seals each record: the bar moves with the real work.
        for r in wanted:
            yield (r.kind, r.payload, dedup_for(r.kind, r.payload), r.id)
            tick()

    if merge_into is None:
        if passphrase is None:
            raise UsageError("a passphrase is needed for the restored wallet")
        if holder:
            key = holder[0].payload
        else:
            from credwallet.verify.keys import SigningKey

            key = SigningKey.generate("Ed25519").private_bytes()
        _new_wallet(home, passphrase, rows(), len(wanted), key)
        return RestoreSummary(
            home,
            len(wanted) + 1,
            0,
            kinds,
            holder_key_kept=False,
            skipped=tuple(skipped),
            new_holder_key=not holder,
        )
    results = merge_into.put_many_keeping_ids(
        rows(),
        chunk=max(1, len(wanted)),  # one transaction: a merge lands whole or not at all
    )
    added = sum(1 for _, created in results if created)
    return RestoreSummary(
        home,
        added,
        len(results) - added,
        kinds,
        holder_key_kept=any(r.kind == "holder-key" for r in records),
        skipped=tuple(skipped),
    )


def dedup_for_payload(kind: str, payload: bytes) -> bytes | None:
    """The dedup material of a stored record, recomputed from its payload (see the wallet)."""
    from credwallet.wallet.cache import dedup_key_for_url
    from credwallet.wallet.core import dedup_material
    from credwallet.wallet.records import CredentialRecord

    try:
        if kind == "credential":
            from credwallet.formats import parse

            return dedup_material(parse(CredentialRecord.from_bytes(payload).original))
        if kind == "cache":
            return dedup_key_for_url(str(json.loads(payload)["url"]))
        if kind == "identity":
            return b"identity:" + str(json.loads(payload)["identity"]).casefold().encode()
        if kind == "pathway":
            return b"pathway:" + str(json.loads(payload)["id"]).encode()
        if kind == "trust":
            return b"trust:settings"  # one record of issuer-trust settings (wallet/trust.py)
        if kind == "shared":
            return b"shared:" + str(json.loads(payload)["id"]).encode()  # wallet/shared_log.py
        if kind == "pending-issuance":
            # One deferred issuance is one (issuer, transaction id): restoring the same backup
            # twice must not poll, and receive, the same credential twice.
            data = json.loads(payload)
            return b"pending:" + json.dumps([data["issuer"], data["transaction_id"]]).encode()
    except (CredwalletError, ValueError, KeyError, TypeError, RecursionError):
        return None  # kept without dedup: better a possible duplicate than a lost record
    return None
