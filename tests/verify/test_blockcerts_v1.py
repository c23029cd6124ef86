"""Blockcerts 1.x certificates are `indeterminate` ("version not supported"), never `invalid`."""

from __future__ import annotations

from verify_support import options

from credwallet.models import CheckStatus, Container, Credential, CredentialFormat
from credwallet.verify.blockcerts import verify_blockcerts

V12 = {
    "@context": "https://w3id.org/blockcerts/v1",
    "type": "BlockchainCertificate",
    "document": {
        "type": "Document",
        "certificate": {"name": "Certificate of Accomplishment", "issuer": {"id": "https://x"}},
        "assertion": {"uid": "68656c6c6f"},
        "signature": "H0Ivt1...",
    },
    "receipt": {"type": "ChainpointSHA256v2", "targetHash": "ab" * 32, "merkleRoot": "cd" * 32},
}


def test_v12_is_not_invalid() -> None:
    credential = Credential(
        format=CredentialFormat.BLOCKCERTS,
        container=Container.JSON,
        original=b"",
        document=dict(V12),
        credential_id=None,
    )
    checks = {c.name: c for c in verify_blockcerts(credential, options())}
    assert checks["format"].status is CheckStatus.UNKNOWN
    assert "version not supported" in checks["format"].detail
    assert all(c.status is not CheckStatus.FAIL for c in checks.values())
