"""What the protocol clients hand back to the wallet: plain data, no network handles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from credwallet.errors import CredwalletError, ExitCode

__all__ = [
    "CertifiedWalletRequired",
    "IssuanceFailed",
    "Issued",
    "OfferedCredential",
    "PendingIssuance",
    "ReceivedCredential",
]


class IssuanceFailed(CredwalletError):
    """Raised when: the issuer refused a step of the protocol (its error code is in the message)."""

    exit_code = ExitCode.ERROR


class CertifiedWalletRequired(IssuanceFailed):
    """Raised when: the issuer demands HAIP wallet attestation or DPoP (a certified wallet)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"this issuer only accepts certified wallets ({detail}); credwallet cannot obtain "
            "a wallet attestation, so it cannot receive from this issuer"
        )


@dataclass(frozen=True, slots=True)
class OfferedCredential:
    """One credential the issuer offers, as its metadata describes it."""

    config_id: str
    format: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ReceivedCredential:
    """A credential exactly as the issuer sent it (bytes to go through ``import``)."""

    data: bytes = field(repr=False)
    config_id: str | None = None
    format: str | None = None
    notification_id: str | None = None


@dataclass(frozen=True, slots=True)
class PendingIssuance:
    """A deferred OpenID4VCI issuance: what ``receive --resume`` needs to poll again.

    Holds an access token, so it lives only in the encrypted store.
    """

    issuer: str
    deferred_endpoint: str
    transaction_id: str
    access_token: str = field(repr=False)
    config_id: str | None = None
    notification_endpoint: str | None = None
    interval: int = 5

    def to_json(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "deferred_endpoint": self.deferred_endpoint,
            "transaction_id": self.transaction_id,
            "access_token": self.access_token,
            "config_id": self.config_id,
            "notification_endpoint": self.notification_endpoint,
            "interval": self.interval,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingIssuance:
        return cls(
            issuer=str(data["issuer"]),
            deferred_endpoint=str(data["deferred_endpoint"]),
            transaction_id=str(data["transaction_id"]),
            access_token=str(data["access_token"]),
            config_id=data.get("config_id"),
            notification_endpoint=data.get("notification_endpoint"),
            interval=int(data.get("interval") or 5),
        )


@dataclass
class Issued:
    """What one run of a protocol produced: credentials now, and issuances still pending."""

    protocol: str
    issuer: str
    credentials: list[ReceivedCredential] = field(default_factory=list)
    pending: list[PendingIssuance] = field(default_factory=list)
    notification_endpoint: str | None = None
    access_token: str | None = field(default=None, repr=False)
