"""W3C VCs (1.1 and 2.0 JSON-LD), Open Badges 3.0 and Blockcerts v3 -> Credential.

The same reader serves all of them: OB 3.0 and Blockcerts v3 are VCs with extra vocabulary. The
JSON-LD is read as plain JSON (compact form with the usual terms); expansion and canonicalisation
belong to the verifier.
"""

from __future__ import annotations

from typing import Any

from credwallet.formats import _values as v
from credwallet.formats.dates import parse_datetime
from credwallet.models import (
    Achievement,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    Recipient,
)

__all__ = ["OB3_TYPES", "from_credential", "is_credential", "is_presentation"]

VC_CONTEXTS = ("https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2")
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


def is_credential(document: JSONObject) -> bool:
    return "VerifiableCredential" in v.types(document) or (
        any(c in VC_CONTEXTS for c in v.contexts(document)) and "credentialSubject" in document
    )


def is_presentation(document: JSONObject) -> bool:
    return "VerifiablePresentation" in v.types(document)


def from_credential(
    document: JSONObject,
    *,
    container: Container,
    original: bytes,
    credential_format: CredentialFormat | None = None,
    jws: str | None = None,
) -> Credential:
    """Normalise a VC document (for VC-JWT, the credential already merged with its JWT claims)."""
    kinds = v.types(document)
    if credential_format is None:
        credential_format = CredentialFormat.OB3 if OB3_TYPES & set(kinds) else CredentialFormat.VC
    subject = v.obj(document.get("credentialSubject"))
    achievement = _achievement(subject.get("achievement"))
    identifier = v.ref(document.get("id"))
    claim = v.obj(subject.get("claim"))  # Blockcerts v3 puts the award's name in subject.claim
    valid_from = parse_datetime(document.get("validFrom")) or parse_datetime(
        document.get("issuanceDate")
    )
    return Credential(
        format=credential_format,
        container=container,
        original=original,
        document=document,
        credential_id=identifier,
        name=v.text(document.get("name")) or v.text(claim.get("name")),
        description=v.text(document.get("description")) or v.text(claim.get("description")),
        issuer=v.party(document.get("issuer")),
        subject=v.party(subject) if subject else v.party(document.get("credentialSubject")),
        recipients=_recipients(subject),
        achievement=achievement,
        image=v.ref(document.get("image")) or (achievement.image if achievement else None),
        tags=achievement.tags if achievement else (),
        issued=parse_datetime(document.get("awardedDate"))
        or parse_datetime(document.get("issuanceDate"))
        or valid_from,
        valid_from=valid_from,
        valid_until=parse_datetime(document.get("validUntil"))
        or parse_datetime(document.get("expirationDate")),
        evidence=v.evidence(document.get("evidence")),
        credits_earned=v.number(subject.get("creditsEarned")),
        public_url=_public_url(document, identifier),
        jws=jws,
        types=kinds,
    )


def _achievement(value: Any) -> Achievement | None:
    if isinstance(value, str):
        return Achievement(id=value)
    if not isinstance(value, dict):
        return None
    shown, criteria_url = v.criteria(value.get("criteria"))
    return Achievement(
        id=v.ref(value.get("id")),
        name=v.text(value.get("name")),
        description=v.text(value.get("description")),
        criteria=shown,
        criteria_url=criteria_url,
        image=v.ref(value.get("image")),
        achievement_type=v.text(value.get("achievementType")),
        alignments=tuple(
            v.alignment(a) for a in v.items(value.get("alignment")) if isinstance(a, dict)
        ),
        related=tuple(r for r in (v.ref(e) for e in v.items(value.get("related"))) if r),
        credits_available=v.number(value.get("creditsAvailable")),
        tags=_unique(v.strings(value.get("tag")) + v.strings(value.get("keywords"))),
    )


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _recipients(subject: JSONObject) -> tuple[Recipient, ...]:
    """OB 3.0 ``identifier`` IdentityObjects: who the credential names, possibly hashed."""
    result = []
    for entry in v.items(subject.get("identifier")):
        if not isinstance(entry, dict):
            continue
        identity = v.text(entry.get("identityHash"))
        if identity is None:
            continue
        hashed = entry.get("hashed")
        result.append(
            Recipient(
                identity=identity,
                type=v.text(entry.get("identityType")) or "id",
                hashed=hashed if isinstance(hashed, bool) else identity.startswith("sha256$"),
                salt=v.text(entry.get("salt")),
            )
        )
    return tuple(result)


def _public_url(document: JSONObject, identifier: str | None) -> str | None:
    """An http(s) credential id, or a ``url`` the credential offers; never a urn:uuid or DID."""
    for candidate in (identifier, v.ref(document.get("url"))):
        if v.is_http_url(candidate):
            return candidate
    return None
