"""Moving in from other wallets: unpack their export files into ordinary import sources.

`import` hands every input here first. An input that is another wallet's export (recognised by
content, never by name) is opened: a zip of badges, a Learner Credential Wallet backup (plain
or locked with a passphrase). Each credential inside becomes a source of its own and goes
through the normal import (parse, verify, dedup); what is not a credential (private keys, DID
documents, profiles) is counted and reported, and keys are kept only when asked
(``adopt_keys``). Anything else is left to the normal import unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from credwallet.errors import BadInput, UsageError
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import JSONObject
from credwallet.wallet.sources import CREDENTIAL_SUFFIXES, Source

__all__ = ["Origin", "Unpacked", "unpack"]

LCW = "Learner Credential Wallet backup"
ZIP = "zip archive"
LEARNCARD = "LearnCard export"


@dataclass(slots=True)
class Origin:
    """One export file and what it held besides credentials, for the per-source summary."""

    label: str  # what kind of export it is, said to the user
    name: str  # the file
    members: list[str] = field(default_factory=list)  # names of the sources taken out of it
    left_out: list[str] = field(default_factory=list)  # "2 keys", "1 profile"
    adopted: list[str] = field(default_factory=list)  # holder DIDs kept as identities
    keys: list[JSONObject] = field(default_factory=list, repr=False)  # private key material
    did_documents: list[JSONObject] = field(default_factory=list, repr=False)

    def owns(self, source: str) -> bool:
        return any(source == m or source.startswith(m + "#") for m in self.members)


@dataclass(frozen=True, slots=True)
class Unpacked:
    origin: Origin
    sources: list[Source]


def unpack(
    source: Source, *, passphrase: Callable[[], str] | None, adopt_keys: bool
) -> Unpacked | None:
    """The credentials inside ``source`` when it is another wallet's export, else None."""
    from credwallet.formats import lcw
    from credwallet.wallet.verifying import looks_like_zip

    data = source.data
    if looks_like_zip(data):
        return _unpack_zip(source, passphrase)
    if _may_be_encrypted_lcw(data) and lcw.is_encrypted_lcw(data):
        if passphrase is None:
            raise UsageError(
                f"{source.name} is an encrypted {LCW}: give --import-passphrase-file FILE "
                "(or run in a terminal to be asked)"
            )
        data = lcw.decrypt_lcw(data, passphrase())
        return _unpack_lcw(source, data, adopt_keys=adopt_keys, encrypted=True)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"[", b"{") and b"UniversalWallet2020" in data:
        return _unpack_lcw(source, data, adopt_keys=adopt_keys, encrypted=False)
    return None


def _may_be_encrypted_lcw(data: bytes) -> bool:
    """False for a JSON object that cannot be a locked LCW backup, told without parsing it.

    ``lcw.is_encrypted_lcw`` parses a JSON object in full to read its type, and nearly every
    input is a credential that the import parses anyway. A JSON text (UTF-8, the only encoding
    read) typed ``EncryptedWallet`` holds that name as it is or spelt with ``\\u`` escapes.
    Anything else (the locked text forms) is left to ``is_encrypted_lcw``, which is cheap there.
    """
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
        return True
    return b"EncryptedWallet" in data or b"\\u" in data


def _unpack_zip(source: Source, passphrase: Callable[[], str] | None) -> Unpacked:
    from credwallet.formats import learncard
    from credwallet.share.bundle import read_zip_entries

    files = read_zip_entries(source.data)
    if learncard.is_learncard(files):
        return _unpack_learncard(source, files, passphrase)
    origin = Origin(ZIP, source.name)
    sources = []
    for entry in sorted(files):
        path = PurePosixPath(entry)
        if path.name.startswith(".") or path.suffix.lower() not in CREDENTIAL_SUFFIXES:
            continue
        if any(part.startswith(("__MACOSX", ".")) for part in path.parts[:-1]):
            continue  # the resource forks macOS adds to zips it makes
        name = f"{source.name}!{entry}"
        origin.members.append(name)
        sources.append(Source(name, files[entry], found_in_folder=True))
    return Unpacked(origin, sources)


def _unpack_learncard(
    source: Source, files: dict[str, bytes], passphrase: Callable[[], str] | None
) -> Unpacked:
    from credwallet.formats import learncard

    secret = None
    if any(name.endswith(".enc") for name in files):
        if passphrase is None:
            raise UsageError(
                f"{source.name} is an encrypted {LEARNCARD}: give --import-passphrase-file FILE "
                "(or run in a terminal to be asked)"
            )
        secret = passphrase()
    contents = learncard.read_learncard(files, secret)
    origin = Origin(LEARNCARD, source.name)
    sources = []
    for path, payload in contents.payloads:
        name = f"{source.name}!{path}"
        origin.members.append(name)
        sources.append(Source(name, payload))
    for group, count in sorted(contents.left_out.items()):
        noun = {
            "keys": "key file",
            "did-document": "DID document",
            "index-record": "index record",
            "consent-record": "consent record",
            "status-cache": "status list snapshot",
        }.get(group, f"{group} entry")
        origin.left_out += _counted(count, noun)
    return Unpacked(origin, sources)


def _unpack_lcw(
    source: Source, data: bytes, *, adopt_keys: bool, encrypted: bool
) -> Unpacked | None:
    from credwallet.formats import lcw

    try:
        document = loads_strict(data)
    except BadInput:
        if encrypted:
            raise BadInput(f"{source.name}: the decrypted backup is not JSON") from None
        return None  # not a backup after all; the normal import says what it is
    if not lcw.is_lcw_backup(document):
        if encrypted:
            raise BadInput(f"{source.name}: the decrypted file is not an LCW backup")
        return None
    backup = lcw.read_lcw_backup(document)
    label = f"encrypted {LCW}" if encrypted else LCW
    origin = Origin(label, source.name, keys=backup.keys, did_documents=backup.did_documents)
    sources = []
    for index, credential in enumerate(backup.credentials, start=1):
        name = f"{source.name}[{index}]"
        origin.members.append(name)
        sources.append(Source(name, lcw.credential_bytes(credential)))
    if adopt_keys:
        origin.adopted = holder_dids(backup.keys, backup.did_documents)
    else:
        origin.left_out += _counted(len(backup.keys), "key")
    origin.left_out += _counted(len(backup.profiles), "profile")
    if backup.unknown:
        origin.left_out += _counted(backup.unknown, "other item")
    return Unpacked(origin, sources)


def holder_dids(keys: list[JSONObject], did_documents: list[JSONObject]) -> list[str]:
    """The DIDs the key pairs belong to (their ``controller``, else the DID documents' ids)."""
    dids: list[str] = []
    for item in [*keys, *did_documents]:
        value: Any = item.get("controller") if item in keys else item.get("id")
        if isinstance(value, str) and value.startswith("did:") and value not in dids:
            dids.append(value)
    return dids


def _counted(n: int, noun: str) -> list[str]:
    if n == 0:
        return []
    return [f"{n} {noun}" + ("" if n == 1 else "s")]
