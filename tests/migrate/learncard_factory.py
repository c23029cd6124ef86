"""LearnCard holder-continuity bundles made as `createLearnCardBundle` makes them.

learningeconomy/LearnCard packages/holder-continuity-bundle/src/exportBundle.ts @ 285a4cc5,
manifest.ts @ 679631c3, crypto.ts @ 1859fc01: a DEFLATE zip (entry dates 2024-01-01) with
README.md, BUNDLE_SPEC.md, manifest.json (2-space indent), keys/did-document.json in clear,
keys/*.enc, and per wallet record an index record and the credential, each written as
stableStringify(value) + "\\n" inside an sss-key-manager envelope {ciphertext, iv, salt,
kdfParams} (Argon2id -> AES-256-GCM, tag appended, standard base64). Entry hashes are of the
stored bytes; payloadSha256 is over stableStringify of contents sorted by path. The KDF
parameters are lowered here so that tests run fast: they travel in each envelope.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from typing import Any

from credwallet import _crypto

KDF = {"algorithm": "argon2id", "timeCost": 1, "memoryCost": 256, "parallelism": 1}
PRIMARY_DID = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"


def stable(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def envelope(plaintext: str, password: str) -> str:
    salt, iv = os.urandom(16), os.urandom(12)
    key = _crypto.argon2id(
        password.encode(), salt, memory_kib=KDF["memoryCost"], iterations=KDF["timeCost"], lanes=1
    )
    sealed = _crypto.aesgcm_encrypt(key, iv, plaintext.encode("utf-8"))
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return json.dumps(
        {"ciphertext": b64(sealed), "iv": b64(iv), "salt": b64(salt), "kdfParams": KDF}, indent=2
    )


def bundle(credentials: list[dict[str, Any]], password: str, *, tamper: str | None = None) -> bytes:
    files: dict[str, str] = {}
    contents: list[dict[str, Any]] = []

    def add(
        entry_id: str, kind: str, path: str, text: str, *, encrypted: bool, **extra: Any
    ) -> None:
        stored = envelope(text, password) if encrypted else text
        path = f"{path}.enc" if encrypted else path
        files[path] = stored
        contents.append(
            {
                "id": entry_id,
                "type": kind,
                "path": path,
                "mediaType": extra.pop("mediaType", "application/json"),
                "sha256": sha(stored),
                "encrypted": encrypted,
                **extra,
            }
        )

    add(
        "did-document",
        "did-document",
        "keys/did-document.json",
        stable({"primaryDid": PRIMARY_DID, "dids": {"default": PRIMARY_DID}}) + "\n",
        encrypted=False,
    )
    seed = "keys/private-key-seed.txt"
    add(seed, "key-private-seed", seed, "00" * 32 + "\n", encrypted=True, mediaType="text/plain")
    add(
        "keys/jwks.json",
        "key-jwks",
        "keys/jwks.json",
        stable({"ed25519": {}}) + "\n",
        encrypted=True,
        mediaType="text/plain",
    )
    for index, credential in enumerate(credentials):
        uri = f"lc:network:network.learncard.com/trpc:credential:{index}"
        digest = sha(stable({"id": f"record-{index}", "recordIndex": index, "uri": uri}))
        index_id = f"urn:sha256:{digest}:index-record"
        add(
            index_id,
            "index-record",
            f"index-records/{digest}.json",
            stable({"id": f"record-{index}", "uri": uri}) + "\n",
            encrypted=True,
            sourceUri=uri,
            credentialId=credential.get("id"),
        )
        add(
            f"urn:sha256:{digest}",
            "credential",
            f"credentials/{digest}.json",
            stable(credential) + "\n",
            encrypted=True,
            sourceUri=uri,
            credentialId=credential.get("id"),
            indexRecordRef=index_id,
        )
    ordered = sorted(contents, key=lambda e: e["path"])
    manifest = {
        "specVersion": "1.0.0",
        "createdAt": "2026-11-20T09:00:00.000Z",
        "primaryDid": PRIMARY_DID,
        "walletName": "LearnCard",
        "encryption": {
            "mode": "argon2id-aes-256-gcm",
            "encryptedPayloads": True,
            "envelope": "sss-key-manager-encryptWithPassword-v1",
            "kdf": "argon2id",
            "cipher": "AES-256-GCM",
        },
        "contents": ordered,
        "warnings": [],
        "payloadSha256": sha(stable(ordered)),
    }
    if tamper is not None:  # change one stored entry after the manifest was made
        files[tamper] = files[tamper].replace('"iv"', '"iv" ', 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in [
            ("README.md", "# LearnCard Holder Continuity Export\n"),
            ("BUNDLE_SPEC.md", "# LearnCard Holder Continuity Bundle v1.0.0\n"),
            *files.items(),
            ("manifest.json", json.dumps(manifest, indent=2) + "\n"),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()
