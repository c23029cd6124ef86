"""Blockcerts v2 issuer keys: Ethereum addresses compare case-insensitively (EIP-55 mixed case),
and issuer profiles in the v1 shape (``issuerKeys``) are read."""

from __future__ import annotations

from typing import Any

import pytest
from verify_support import FakeFetcher, options

from credwallet.models import CheckStatus
from credwallet.verify import blockcerts
from credwallet.verify.merkle import Anchor

PROFILE = "https://issuer.example/profile.json"
MIXED = "ecdsa-koblitz-pubkey:0x3D995EF85A8D1bcBed78182aB225B9f88Dc8937C"
LOWER = "ecdsa-koblitz-pubkey:0x3d995ef85a8d1bcbed78182ab225b9f88dc8937c"


def issuer_key(cert_key: str, profile: dict[str, Any]) -> tuple[CheckStatus, str]:
    fetcher = FakeFetcher()
    fetcher.add_json(PROFILE, {"id": PROFILE, **profile})
    findings = blockcerts._Findings()
    document = {"verification": {"publicKey": cert_key}, "issuedOn": "2024-01-01T00:00:00Z"}
    mock = (Anchor(chain="mockchain"),)
    blockcerts._check_v2_key(document, PROFILE, mock, options(fetcher=fetcher), findings)
    (check,) = [c for c in findings.checks() if c.name == "issuer-key"]
    return check.status, check.detail


@pytest.mark.parametrize(("cert", "listed"), [(MIXED, LOWER), (LOWER, MIXED), (MIXED, MIXED)])
def test_ethereum_addresses_ignore_case(cert: str, listed: str) -> None:
    status, detail = issuer_key(cert, {"publicKey": [{"id": listed}]})
    assert status is CheckStatus.PASS, detail


def test_bitcoin_addresses_keep_case() -> None:
    """Base58 bitcoin addresses are case-sensitive: another case is another address."""
    key = "ecdsa-koblitz-pubkey:mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am"
    status, _ = issuer_key(key, {"publicKey": [{"id": key.lower()}]})
    assert status is CheckStatus.FAIL


def test_v1_issuer_keys_are_read() -> None:
    key = "mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am"
    profile = {"issuerKeys": [{"date": "2016-01-01T00:00:00Z", "key": key}]}
    status, detail = issuer_key(key, profile)
    assert status is CheckStatus.PASS, detail


def test_a_key_the_profile_does_not_list_fails() -> None:
    status, detail = issuer_key(MIXED, {"publicKey": [{"id": "ecdsa-koblitz-pubkey:0xabc"}]})
    assert status is CheckStatus.FAIL and "does not list" in detail
