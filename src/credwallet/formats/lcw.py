"""Learner Credential Wallet (DCC) backups: ``Wallet Backup.json`` and ``Profile Backup.json``.

What LCW writes (learner-credential-wallet ``app/lib/export.ts``, ``app/lib/parseWallet.ts``):
a JSON array (before v1.8 a single object) of ``UniversalWallet2020`` objects whose untyped
``contents`` mix credentials, the profile's DID document, its Ed25519/X25519 key pairs (with
the private keys) and ``ProfileMetadata``. LCW tells them apart by shape; so does this module.

Older releases could lock the backup with a passphrase:

- v1.8 to v1.14: the text ``locked_wallet:``/``locked_profile:``/``LOCKED:`` followed by
  CryptoJS ``AES.encrypt(json, passphrase)``, i.e. OpenSSL's ``Salted__`` format
  (EVP_BytesToKey with MD5, AES-256-CBC) in base64;
- v1.15 to v1.17: an ``EncryptedWallet`` credential whose ``credentialSubject.jwe`` holds a
  PBES2-HS512+A256KW / A256GCM JWE in standard base64, the PBKDF2 salt used raw (not the
  RFC 7518 ``alg || 0 || salt`` form), and the backup text JSON-encoded once more inside.

Pure functions: no I/O. A wrong passphrase raises :class:`WrongExportPassphrase`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from credwallet import _crypto
from credwallet.errors import BadInput
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import JSONObject

__all__ = [
    "LOCKED_PREFIXES",
    "LcwBackup",
    "WrongExportPassphrase",
    "credential_bytes",
    "decrypt_lcw",
    "is_encrypted_lcw",
    "is_lcw_backup",
    "read_lcw_backup",
]

LOCKED_PREFIXES = ("locked_wallet:", "locked_profile:", "LOCKED:")
_VC_CONTEXTS = ("https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2")
_DID_CONTEXT = "https://www.w3.org/ns/did/v1"
_KEY_TYPES = frozenset({"Ed25519VerificationKey2020", "X25519KeyAgreementKey2020"})
#: PBKDF2 rounds LCW used were 120,000; more than this is refused (a hostile file's work cap).
MAX_PBKDF2_ITERATIONS = 10_000_000


class WrongExportPassphrase(BadInput):
    """Raised when: an encrypted export does not open with the passphrase given."""


@dataclass(slots=True)
class LcwBackup:
    """What one backup file holds, sorted by kind; credentials as their JSON objects."""

    credentials: list[JSONObject] = field(default_factory=list)
    keys: list[JSONObject] = field(default_factory=list)  # private key pairs: never silently kept
    did_documents: list[JSONObject] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)  # profile names
    unknown: int = 0


def _wallets(value: Any) -> list[JSONObject] | None:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    if not all(
        "UniversalWallet2020" in _types(i) and isinstance(i.get("contents"), list) for i in items
    ):
        return None
    return list(items)


def is_lcw_backup(document: Any) -> bool:
    """A UniversalWallet2020 object, or a JSON array of them (a decoded JSON value)."""
    return _wallets(document) is not None


def is_encrypted_lcw(data: bytes) -> bool:
    """A locked LCW backup of either scheme (by content, never by file name)."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if any(text.startswith(p.encode()) for p in LOCKED_PREFIXES):
        return True
    if not text.startswith(b"{"):
        return False
    try:
        value = loads_strict(data)
    except BadInput:
        return False
    return isinstance(value, dict) and _encrypted_wallet_jwe(value) is not None


def _encrypted_wallet_jwe(value: JSONObject) -> JSONObject | None:
    if "EncryptedWallet" not in _types(value):
        return None
    subject = value.get("credentialSubject")
    jwe = subject.get("jwe") if isinstance(subject, dict) else None
    return jwe if isinstance(jwe, dict) else None


def decrypt_lcw(data: bytes, passphrase: str) -> bytes:
    """The plaintext backup JSON of a locked LCW backup."""
    text = data.decode("utf-8", "replace").strip().removeprefix("\ufeff")
    secret = passphrase.encode("utf-8")
    for prefix in LOCKED_PREFIXES:
        if text.startswith(prefix):
            return _decrypt_cryptojs(text[len(prefix) :].strip(), secret)
    value = loads_strict(data)
    jwe = _encrypted_wallet_jwe(value) if isinstance(value, dict) else None
    if jwe is None:
        raise BadInput("not an encrypted Learner Credential Wallet backup")
    return _decrypt_jwe(jwe, secret)


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise BadInput(f"encrypted backup: {what} is missing")
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadInput(f"encrypted backup: {what} is not base64") from None


def _decrypt_cryptojs(encoded: str, secret: bytes) -> bytes:
    blob = _b64(encoded, "the CryptoJS text")
    if not blob.startswith(b"Salted__") or len(blob) < 32:
        raise BadInput("encrypted backup: not in CryptoJS/OpenSSL 'Salted__' form")
    salt, ciphertext = blob[8:16], blob[16:]
    key, iv = _crypto.openssl_evp_bytes_to_key(secret, salt, key_len=32, iv_len=16)
    try:
        plain = _crypto.aes_cbc_pkcs7_decrypt(key, iv, ciphertext)
    except _crypto.OpenFailed:
        raise WrongExportPassphrase(
            "wrong passphrase for the encrypted Learner Credential Wallet backup"
        ) from None
    # CBC has no integrity: a wrong passphrase gives valid padding about 1 time in 256.
    # The plaintext must then at least be the JSON backup.
    try:
        loads_strict(plain)
    except BadInput:
        raise WrongExportPassphrase(
            "wrong passphrase for the encrypted Learner Credential Wallet backup"
        ) from None
    return plain


def _decrypt_jwe(jwe: JSONObject, secret: bytes) -> bytes:
    recipients = jwe.get("recipients")
    first = recipients[0] if isinstance(recipients, list) and recipients else None
    header = first.get("header") if isinstance(first, dict) else None
    if not isinstance(first, dict) or not isinstance(header, dict):
        raise BadInput("encrypted backup: the JWE has no recipient")
    if header.get("alg") != "PBES2-HS512+A256KW" or header.get("enc") != "A256GCM":
        raise BadInput("encrypted backup: unsupported JWE algorithms")
    iterations = header.get("p2c")
    if type(iterations) is not int or not 1000 <= iterations <= MAX_PBKDF2_ITERATIONS:
        raise BadInput("encrypted backup: unusable PBKDF2 iteration count")
    salt = _b64(header.get("p2s"), "p2s")
    wrapped = _b64(first.get("encrypted_key"), "encrypted_key")
    iv = _b64(jwe.get("iv"), "iv")
    ciphertext = _b64(jwe.get("ciphertext"), "ciphertext")
    tag = _b64(jwe.get("tag"), "tag")
    kek = _crypto.pbkdf2_sha512(secret, salt, iterations=iterations)
    try:
        cek = _crypto.aes_key_unwrap(kek, wrapped)
        plain = _crypto.aesgcm_decrypt(cek, iv, ciphertext + tag)
    except _crypto.OpenFailed:
        raise WrongExportPassphrase(
            "wrong passphrase for the encrypted Learner Credential Wallet backup"
        ) from None
    # LCW encrypted JSON.stringify(backup text): the plaintext is a JSON string of the JSON.
    value = loads_strict(plain)
    if isinstance(value, str):
        return value.encode("utf-8")
    return plain


def read_lcw_backup(document: Any) -> LcwBackup:
    """Sort the contents of every profile in a (decoded) backup."""
    wallets = _wallets(document)
    if wallets is None:
        raise BadInput("not a Learner Credential Wallet backup")
    backup = LcwBackup()
    for wallet in wallets:
        for item in wallet["contents"]:
            if not isinstance(item, dict):
                backup.unknown += 1
                continue
            contexts = _contexts(item)
            kinds = set(_types(item))
            if any(c in contexts for c in _VC_CONTEXTS):
                backup.credentials.append(item)
            elif _DID_CONTEXT in contexts:
                backup.did_documents.append(item)
            elif kinds & _KEY_TYPES:
                backup.keys.append(item)
            elif "ProfileMetadata" in kinds:
                data = item.get("data")
                name = data.get("profileName") if isinstance(data, dict) else None
                backup.profiles.append(name if isinstance(name, str) else "(unnamed)")
            else:
                backup.unknown += 1
    return backup


def credential_bytes(credential: JSONObject) -> bytes:
    """A credential taken out of a backup, as the bytes credwallet stores as its original."""
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _types(item: JSONObject) -> list[str]:
    value = item.get("type")
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _contexts(item: JSONObject) -> list[str]:
    value = item.get("@context")
    if isinstance(value, str):
        return [value]
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []
