"""LearnCard holder-continuity bundles (``@learncard/holder-continuity`` spec 1.0.0).

A plain zip: a readable ``manifest.json`` listing every entry with the SHA-256 of its stored
bytes (and ``payloadSha256`` over the sorted list), and entries that are JSON envelopes
``{ciphertext, iv, salt, kdfParams}``: Argon2id(password, salt) -> AES-256-GCM, standard base64,
the tag appended to the ciphertext (``packages/holder-continuity-bundle``,
``packages/sss-key-manager``). Credentials and presentations are taken; key material, consent
and index records and status snapshots are counted, never imported.

Pure functions over the zip's files (already read under the bundle limits); no I/O.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from credwallet import _crypto
from credwallet.errors import BadInput
from credwallet.formats.jsonutil import loads_strict
from credwallet.formats.lcw import WrongExportPassphrase

__all__ = ["LearnCardContents", "is_learncard", "read_learncard"]

SPEC_VERSION = "1.0.0"
MANIFEST = "manifest.json"
_TAKEN = {"credential", "presentation"}
_KEYS = {"key-recovery-phrase", "key-private-seed", "key-jwks"}
# Caps on what an envelope may ask of the KDF (LearnCard uses t=3, m=64 MiB, p=4).
MAX_MEMORY_KIB = 1024 * 1024
MAX_TIME_COST = 10
MAX_PARALLELISM = 16


@dataclass(slots=True)
class LearnCardContents:
    payloads: list[tuple[str, bytes]] = field(default_factory=list)  # (entry path, JSON bytes)
    left_out: dict[str, int] = field(default_factory=dict)  # "keys": 3, ...


def is_learncard(files: Mapping[str, bytes]) -> bool:
    """A zip whose manifest says LearnCard made it."""
    raw = files.get(MANIFEST)
    if raw is None:
        return False
    try:
        manifest = loads_strict(raw)
    except BadInput:
        return False
    return isinstance(manifest, dict) and manifest.get("walletName") == "LearnCard"


def _stable(value: Any) -> str:
    """LearnCard's stableStringify: keys sorted at every level, no spaces, as JSON.stringify."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_learncard(files: Mapping[str, bytes], passphrase: str | None) -> LearnCardContents:
    manifest = loads_strict(files[MANIFEST])
    if not isinstance(manifest, dict):
        raise BadInput("LearnCard export: manifest.json is not an object")
    if manifest.get("specVersion") != SPEC_VERSION:
        raise BadInput(
            f"LearnCard export: unsupported bundle version {manifest.get('specVersion')!r}"
        )
    contents = manifest.get("contents")
    if not isinstance(contents, list) or not all(isinstance(e, dict) for e in contents):
        raise BadInput("LearnCard export: the manifest has no contents list")
    ordered = sorted(contents, key=lambda e: str(e.get("path")))
    digest = hashlib.sha256(_stable(ordered).encode("utf-8")).hexdigest()
    if manifest.get("payloadSha256") != digest:
        raise BadInput("LearnCard export: the manifest's payloadSha256 does not match its contents")
    result = LearnCardContents()
    for entry in ordered:
        path, kind = entry.get("path"), entry.get("type")
        if not isinstance(path, str) or path not in files:
            raise BadInput(f"LearnCard export: entry {path!r} is listed but missing")
        stored = files[path]
        if hashlib.sha256(stored).hexdigest() != entry.get("sha256"):
            raise BadInput(f"LearnCard export: entry {path} does not match its hash")
        if kind not in _TAKEN:
            group = "keys" if kind in _KEYS else str(kind)
            result.left_out[group] = result.left_out.get(group, 0) + 1
            continue
        if entry.get("encrypted") is True:
            if passphrase is None:
                raise BadInput("LearnCard export: encrypted entries need the export's password")
            stored = _open_envelope(stored, passphrase, path)
        result.payloads.append((path, stored))
    return result


def _b64(envelope: Mapping[str, Any], name: str, path: str) -> bytes:
    value = envelope.get(name)
    if not isinstance(value, str):
        raise BadInput(f"LearnCard export: {path} has no {name}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadInput(f"LearnCard export: {path}: {name} is not base64") from None


def _open_envelope(stored: bytes, passphrase: str, path: str) -> bytes:
    envelope = loads_strict(stored)
    if not isinstance(envelope, dict):
        raise BadInput(f"LearnCard export: {path} is not an encryption envelope")
    params = envelope.get("kdfParams")
    params = params if isinstance(params, dict) else {}
    if params.get("algorithm", "argon2id") != "argon2id":
        raise BadInput(f"LearnCard export: {path} uses an unknown key derivation")
    time_cost = params.get("timeCost", 3)
    memory = params.get("memoryCost", 65536)
    lanes = params.get("parallelism", 4)
    for value, cap in (
        (time_cost, MAX_TIME_COST),
        (memory, MAX_MEMORY_KIB),
        (lanes, MAX_PARALLELISM),
    ):
        if type(value) is not int or not 1 <= value <= cap:
            raise BadInput(f"LearnCard export: {path} asks for unusable key-derivation parameters")
    salt = _b64(envelope, "salt", path)
    key = _crypto.argon2id(
        passphrase.encode("utf-8"), salt, memory_kib=memory, iterations=time_cost, lanes=lanes
    )
    try:
        return _crypto.aesgcm_decrypt(
            key, _b64(envelope, "iv", path), _b64(envelope, "ciphertext", path)
        )
    except _crypto.OpenFailed:
        raise WrongExportPassphrase("wrong password for the LearnCard export") from None
