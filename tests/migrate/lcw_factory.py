"""Learner Credential Wallet backups made as LCW makes them (sources in README.md here).

- ``Wallet Backup.json``: ``JSON.stringify(profiles, null, 2)`` of an array of
  UniversalWallet2020 objects (``app/lib/export.ts``), each with credentials, a did:key DID
  document, the Ed25519 and X25519 key pairs (private keys included) and ProfileMetadata
  (``app/model/profile.ts`` exportProfileRecord; classified as in ``app/lib/parseWallet.ts``).
- v1.9-v1.14 lock: ``"LOCKED:" + CryptoJS.AES.encrypt(text, passphrase)`` (``app/lib/encrypt.ts``):
  base64 of ``Salted__`` || 8-byte salt || AES-256-CBC, key and IV from EVP_BytesToKey(MD5).
- v1.15-v1.17 lock: an ``EncryptedWallet`` credential (``app/lib/lockedWallet.ts``): PBKDF2-SHA512
  (raw 16-byte salt, 120,000 rounds) wraps (AES-KW) an AES-256-GCM key; everything standard
  base64; the plaintext is ``JSON.stringify`` of the backup *text*.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from credwallet import _crypto

OLD_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def did_document(did: str = OLD_DID) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/ed25519-2020/v1",
            "https://w3id.org/security/suites/x25519-2020/v1",
        ],
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#{did[8:]}",
                "type": "Ed25519VerificationKey2020",
                "controller": did,
                "publicKeyMultibase": did[8:],
            }
        ],
        "authentication": [f"{did}#{did[8:]}"],
        "assertionMethod": [f"{did}#{did[8:]}"],
    }


def key_pairs(did: str = OLD_DID) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{did}#{did[8:]}",
            "type": "Ed25519VerificationKey2020",
            "controller": did,
            "publicKeyMultibase": did[8:],
            "privateKeyMultibase": "zrv1mHUXWkWUpThaapTt8tkxSotE1iSRRuPNarhs3vTn2z61hQESuKXG"
            "7zGQsePB7JHdjaCzPZmBkkqULLvoLHoD82a",
        },
        {
            "id": f"{did}#z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
            "type": "X25519KeyAgreementKey2020",
            "controller": did,
            "publicKeyMultibase": "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
            "privateKeyMultibase": "z3weeMD56C1T347EmB6kYNS7trpQwjvtQCpCYRpqGz6mcemT",
        },
    ]


def profile(credentials: list[dict[str, Any]], name: str = "Default") -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/wallet/v1"],
        "id": "urn:uuid:2b0a8c8e-6f0d-4c59-9a11-6f1c1a3d0b7e",
        "type": "UniversalWallet2020",
        "status": "UNLOCKED",
        "contents": [
            *credentials,
            did_document(),
            *key_pairs(),
            {
                "@context": ["https://w3id.org/wallet/v1"],
                "id": "urn:uuid:6f2f0e6b-8a1d-4b4e-9d83-0e2a4c1b9f10",
                "type": "ProfileMetadata",
                "data": {"profileName": name},
            },
        ],
    }


def wallet_backup(credentials: list[dict[str, Any]]) -> str:
    """The text of ``Wallet Backup.json`` (2-space indent, as JSON.stringify(x, null, 2))."""
    return json.dumps([profile(credentials)], indent=2, ensure_ascii=False)


def cryptojs_locked(text: str, passphrase: str, prefix: str = "LOCKED:") -> str:
    salt = os.urandom(8)
    key, iv = _crypto.openssl_evp_bytes_to_key(passphrase.encode(), salt, key_len=32, iv_len=16)
    body = _crypto.aes_cbc_pkcs7_encrypt(key, iv, text.encode("utf-8"))
    return prefix + base64.b64encode(b"Salted__" + salt + body).decode("ascii")


def encrypted_wallet(text: str, passphrase: str, *, iterations: int = 120_000) -> str:
    salt = os.urandom(16)
    kek = _crypto.pbkdf2_sha512(passphrase.encode(), salt, iterations=iterations)
    cek = os.urandom(32)
    iv = os.urandom(12)
    sealed = _crypto.aesgcm_encrypt(cek, iv, json.dumps(text).encode("utf-8"))
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    jwe = {
        "recipients": [
            {
                "header": {
                    "alg": "PBES2-HS512+A256KW",
                    "p2s": b64(salt),
                    "p2c": iterations,
                    "enc": "A256GCM",
                },
                "encrypted_key": b64(_crypto.aes_key_wrap(kek, cek)),
            }
        ],
        "iv": b64(iv),
        "ciphertext": b64(sealed[:-16]),
        "tag": b64(sealed[-16:]),
    }
    return json.dumps(
        {
            "@context": ["https://www.w3.org/2018/credentials/v1", "http://w3id.org/wallet/v1"],
            "id": "urn:uuid:2b0a8c8e-6f0d-4c59-9a11-6f1c1a3d0b7e",
            "type": ["VerifiableCredential", "EncryptedWallet"],
            "issuer": "did:web:lcw.app",
            "issuanceDate": "2023-02-01T10:00:00.000Z",
            "credentialSubject": {
                "id": "urn:uuid:9d1e3f1a-0c55-4b7b-8f40-4e6b9a2f5c31",
                "jwe": jwe,
            },
        }
    )
