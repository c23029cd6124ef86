"""Encrypted single-file backups (age v1, scrypt) and restore, fully checked before any write.

The file is a standard age file: anyone can open it with ``age -d``; inside is the archive of
docs/backup-format.md, one record per stored record (credentials, pathways, identities, cached
documents, the holder key). Restore never overwrites a wallet; ``merge`` adds what is missing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from credwallet import __version__
from credwallet.errors import BadInput, CredwalletError, UsageError, WalletExists
from credwallet.store import Store
from credwallet.store.age import AgeWriter, iter_decrypt_passphrase
from credwallet.store.archive import ArchiveReader, ArchiveRecord, ArchiveWriter
from credwallet.store.atomic import atomic_write

__all__ = ["BackupSummary", "RestoreSummary", "read_backup", "restore_backup", "write_backup"]

# What restore may put back. Anything else in an archive is refused rather than stored blindly.
RESTORABLE_KINDS = frozenset(
    {"credential", "pathway", "identity", "holder-key", "cache", "setting", "trust"}
)

DedupFor = Callable[[str, bytes], bytes | None]


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


def write_backup(
    store: Store, out: Path, passphrase: str, *, now: datetime, log_n: int = 18, force: bool = False
) -> BackupSummary:
    """Write every record to ``out`` as an age file; the plaintext never touches the disk."""
    target = out.expanduser()
    if target.exists() and not force:
        raise UsageError(f"{target} exists; choose another name or use --force")
    if target.resolve().is_relative_to(store.home.resolve()):
        raise UsageError("write the backup outside the wallet directory")
    records = store.records()  # one read: a consistent snapshot even while others write
    kinds: dict[str, int] = {}
    with atomic_write(target) as sink, AgeWriter(sink, passphrase, log_n=log_n) as sealed:
        writer = ArchiveWriter(
            sealed,
            created=now,
            info={"wallet_id": store.wallet_id, "credwallet": __version__},
        )
        for record in records:
            writer.add(ArchiveRecord(kind=record.kind, id=record.id, payload=record.payload))
            kinds[record.kind] = kinds.get(record.kind, 0) + 1
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
    home: Path, passphrase: str, records: list[ArchiveRecord], dedup_for: DedupFor
) -> None:
    """Build the wallet in a private temp dir beside ``home``, then rename it into place."""
    home = home.expanduser()
    if home.exists() and (not home.is_dir() or any(home.iterdir())):
        raise WalletExists(f"{home} is not empty; use --merge to add the backup to that wallet")
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".credwallet-restore-", dir=home.parent))
    try:
        built = staging / "wallet"
        with Store.create(built, passphrase) as store:
            store.put_many_keeping_ids(
                (r.kind, r.payload, dedup_for(r.kind, r.payload), r.id) for r in records
            )
        if home.exists():
            home.rmdir()  # empty, checked above
        built.replace(home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def restore_backup(
    records: list[ArchiveRecord],
    *,
    home: Path,
    passphrase: str | None,
    merge_into: Store | None,
    dedup_for: DedupFor,
) -> RestoreSummary:
    kinds: dict[str, int] = {}
    for record in records:
        kinds[record.kind] = kinds.get(record.kind, 0) + 1
    if merge_into is None:
        if passphrase is None:
            raise UsageError("a passphrase is needed for the restored wallet")
        _new_wallet(home, passphrase, records, dedup_for)
        return RestoreSummary(home, len(records), 0, kinds, holder_key_kept=False)
    wanted = [r for r in records if r.kind != "holder-key"]
    results = merge_into.put_many_keeping_ids(
        (r.kind, r.payload, dedup_for(r.kind, r.payload), r.id) for r in wanted
    )
    added = sum(1 for _, created in results if created)
    return RestoreSummary(
        home,
        added,
        len(results) - added,
        kinds,
        holder_key_kept=any(r.kind == "holder-key" for r in records),
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
    except (CredwalletError, ValueError, KeyError, TypeError):
        return None  # kept without dedup: better a possible duplicate than a lost record
    return None
