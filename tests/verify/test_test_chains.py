"""Blockcerts anchored on local test chains (bitcoinRegtest and the like) are test credentials,
reported like the mock chain: never looked up, never passed as anchored."""

from __future__ import annotations

import pytest

from credwallet.verify.merkle import Anchor


@pytest.mark.parametrize(
    ("chain", "network"),
    [
        ("mocknet", None),
        ("mockchain", None),
        ("bitcoinRegtest", None),
        ("BitcoinRegtest", None),
        ("bitcoin", "regtest"),
        ("ethereumRegtest", None),
    ],
)
def test_test_chains_are_mock(chain: str, network: str | None) -> None:
    assert Anchor(chain=chain, network=network).is_mock


@pytest.mark.parametrize(
    ("chain", "network"),
    [
        ("bitcoin", "mainnet"),
        ("bitcoinTestnet", None),
        ("ethereum", "sepolia"),
        ("BTCOpReturn", None),
    ],
)
def test_public_chains_are_not_mock(chain: str, network: str | None) -> None:
    """Public test networks (testnet, sepolia) can be looked up: they stay real anchors."""
    assert not Anchor(chain=chain, network=network).is_mock
