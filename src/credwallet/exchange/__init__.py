"""The holder side of issuance protocols: OpenID4VCI 1.0 and VC-API (VCALM) exchanges.

These clients talk to issuers; they never store anything. :mod:`credwallet.wallet.receive`
decides what is kept, through the same import path as a file. Every request goes through
:class:`credwallet.net.Fetcher` (https only, size caps, no redirects to private addresses).
"""

from __future__ import annotations

from credwallet.exchange.model import (
    CertifiedWalletRequired,
    IssuanceFailed,
    Issued,
    OfferedCredential,
    PendingIssuance,
    ReceivedCredential,
)

__all__ = [
    "CertifiedWalletRequired",
    "IssuanceFailed",
    "Issued",
    "OfferedCredential",
    "PendingIssuance",
    "ReceivedCredential",
]
