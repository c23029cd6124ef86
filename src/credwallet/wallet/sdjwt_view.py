"""What `show` prints of an SD-JWT VC: its claims, labelled by the type's metadata.

The Type Metadata is read from the wallet's cache only (verification fetched it), so showing a
credential never touches the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from credwallet.errors import CredwalletError
from credwallet.formats.sdjwt import claim_rows, type_name
from credwallet.models import Credential, CredentialFormat

if TYPE_CHECKING:
    from credwallet.wallet.core import Wallet

__all__ = ["sd_jwt_view"]


def sd_jwt_view(wallet: Wallet, credential: Credential) -> dict[str, Any] | None:
    """``{"type_name", "claims": [{claim, label, value}]}`` for an SD-JWT VC, else None."""
    if credential.format is not CredentialFormat.SD_JWT_VC:
        return None
    metadata: Any = None
    vct = credential.types[0] if credential.types else ""
    if vct.startswith(("https://", "http://")):
        from credwallet.formats.jsonutil import loads_strict

        try:
            metadata = loads_strict(wallet.fetcher(offline=True).fetch(vct).body)
        except CredwalletError:
            metadata = None
    return {
        "type_name": type_name(metadata),
        "claims": [
            {"claim": name, "label": label, "value": value}
            for name, label, value in claim_rows(credential.document, metadata)
        ],
    }
