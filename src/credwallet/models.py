"""Frozen value types shared by every layer. Imports nothing of credwallet.

A :class:`Credential` is the normalised view of any supported format; it always keeps the
original bytes untouched (``original``) and the decoded JSON document (``document``) that
verification works on. A :class:`VerificationReport` is the same shape for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "Achievement",
    "Alignment",
    "Check",
    "CheckStatus",
    "Container",
    "Credential",
    "CredentialFormat",
    "Evidence",
    "JSONObject",
    "Party",
    "Recipient",
    "ReportStatus",
    "VerificationReport",
]

JSONObject = dict[str, Any]


class CredentialFormat(StrEnum):
    """What the credential is, independent of how it was packaged."""

    OB2 = "ob2"  # Open Badges 2.0 assertion (hosted or signed)
    OB3 = "ob3"  # Open Badges 3.0 OpenBadgeCredential / AchievementCredential (JSON-LD)
    VC = "vc"  # any other W3C Verifiable Credential (JSON-LD)
    VC_JWT = "vc-jwt"  # a VC secured as a compact JWS (VC 1.1 `vc` claim or VC 2.0 JOSE)
    BLOCKCERTS = "blockcerts"  # Blockcerts v2/v3 with a MerkleProof2019
    EDC = "edc"  # a Europass Digital Credential (ELM 3), usually sealed with JAdES
    SD_JWT_VC = "sd-jwt-vc"  # an IETF SD-JWT VC (dc+sd-jwt), disclosures put back in `document`


class Container(StrEnum):
    """How the credential arrived: plain JSON, a JWS string, or baked into an image."""

    JSON = "json"
    JWT = "jwt"
    PNG = "png"
    SVG = "svg"
    XML = "xml"  # a Europass (ELM 2) XML credential
    QR = "qr"


@dataclass(frozen=True, slots=True)
class Party:
    """An issuer or a subject, with whichever identifying fields the credential gave."""

    id: str | None = None
    name: str | None = None
    url: str | None = None
    email: str | None = None
    image: str | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a credential was issued to: OB 2.0 `recipient` / OB 3.0 `identifier` entries."""

    identity: str
    type: str = "id"  # email, url, telephone, id, did, ...
    hashed: bool = False
    salt: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """A link from an achievement to a framework item (CTDL CTID, ESCO URI, ...)."""

    target_name: str | None = None
    target_url: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Evidence attached to a credential."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None


@dataclass(frozen=True, slots=True)
class Achievement:
    """What was achieved: OB 3.0 `Achievement`, OB 2.0 `BadgeClass`."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    criteria: str | None = None  # the narrative, or the criteria URL when only that is given
    criteria_url: str | None = None
    image: str | None = None
    achievement_type: str | None = None
    alignments: tuple[Alignment, ...] = ()
    related: tuple[str, ...] = ()  # OB 3.0 `related` achievement ids: the same achievement
    credits_available: float | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Credential:
    """The normalised view of one credential, whatever its format."""

    format: CredentialFormat
    container: Container
    original: bytes = field(repr=False)  # the bytes exactly as received (image, JSON or JWS)
    document: JSONObject = field(repr=False, compare=False)  # the decoded JSON payload
    credential_id: str | None = None
    name: str | None = None
    description: str | None = None
    issuer: Party = Party()
    subject: Party = Party()
    recipients: tuple[Recipient, ...] = ()
    achievement: Achievement | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    issued: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    credits_earned: float | None = None
    public_url: str | None = None  # a URL anyone can open to see this credential, if any
    jws: str | None = field(default=None, repr=False)  # compact JWS for VC-JWT / signed OB 2.0
    types: tuple[str, ...] = ()

    @property
    def alignments(self) -> tuple[Alignment, ...]:
        return self.achievement.alignments if self.achievement else ()

    @property
    def display_name(self) -> str:
        """A name to show a person: the achievement's, else the credential's, else its id."""
        if self.achievement and self.achievement.name:
            return self.achievement.name
        return self.name or self.credential_id or "(unnamed credential)"


class CheckStatus(StrEnum):
    PASS = "pass"  # noqa: S105 - a check outcome, not a password
    FAIL = "fail"
    SKIP = "skip"  # the check does not apply to this credential
    UNKNOWN = "unknown"  # could not be checked (offline, host down, unknown context)


_CHECK_STATUS: dict[str, CheckStatus] = {s.value: s for s in CheckStatus}


def _check_status(value: Any) -> CheckStatus:
    found = _CHECK_STATUS.get(value) if isinstance(value, str) else None
    return found if found is not None else CheckStatus(value)  # raises for anything else


def _string_pairs(mapping: dict[Any, Any]) -> tuple[tuple[str, str], ...]:
    if {*map(type, mapping), *map(type, mapping.values())} <= {str}:
        return tuple(mapping.items())  # what to_json wrote: nothing to convert
    return tuple(zip(map(str, mapping), map(str, mapping.values()), strict=True))


class ReportStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"
    UNVERIFIED = "unverified"  # stored without verification having been run


@dataclass(frozen=True, slots=True)
class Check:
    """One named step of a verification, with its outcome and the inputs that decided it."""

    name: str  # format, proof, issuer-key, validity, revocation, recipient, trust
    status: CheckStatus
    detail: str = ""
    inputs: tuple[tuple[str, str], ...] = ()  # shown by `explain`: key id, URLs, hashes, dates
    required: bool = True  # a non-required check (trust, recipient) never makes a report invalid

    def to_json(self) -> JSONObject:
        return {
            "name": self.name,
            "status": str(self.status),
            "detail": self.detail,
            "inputs": dict(self.inputs),
            "required": self.required,
        }


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The outcome of verifying one credential."""

    source: str
    format: str
    checks: tuple[Check, ...]
    checked_at: datetime

    @property
    def status(self) -> ReportStatus:
        required = [c for c in self.checks if c.required]
        if any(c.status is CheckStatus.FAIL for c in required):
            return ReportStatus.INVALID
        if any(c.status is CheckStatus.UNKNOWN for c in required):
            return ReportStatus.INDETERMINATE
        if not self.checks:
            return ReportStatus.UNVERIFIED
        return ReportStatus.VALID

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> JSONObject:
        return {
            "source": self.source,
            "format": self.format,
            "status": str(self.status),
            "checks": [c.to_json() for c in self.checks],
            "checked_at": self.checked_at.isoformat().replace("+00:00", "Z"),
        }

    @classmethod
    def from_json(cls, data: JSONObject) -> VerificationReport:
        # Read for every stored credential each time a wallet is listed: kept to C-level loops.
        checks = tuple(
            Check(
                str(c["name"]),  # name, status, detail, inputs, required
                _check_status(c["status"]),
                str(c.get("detail", "")),
                _string_pairs(dict(c.get("inputs", {}))),
                bool(c.get("required", c["name"] not in {"trust", "recipient"})),
            )
            for c in data.get("checks", [])
        )
        return cls(
            source=str(data.get("source", "")),
            format=str(data.get("format", "")),
            checks=checks,
            checked_at=datetime.fromisoformat(str(data["checked_at"]).replace("Z", "+00:00")),
        )
