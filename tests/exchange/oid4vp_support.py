"""Held credentials of each presentable format, bound to a test holder, for the OpenID4VP tests."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sdjwt_maker import make_sd_jwt_vc

from credwallet.exchange.holder import HolderKeys
from credwallet.formats import parse
from credwallet.models import Credential
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey

VCT = "urn:eu.europa.ec.eudi:learning:credential:1"


@dataclass(frozen=True)
class HeldItem:
    wallet_id: str
    credential: Credential


def holder_keys() -> HolderKeys:
    return HolderKeys(SigningKey.generate("Ed25519"))


def sd_jwt_credential(holder: HolderKeys | None, **claims: Any) -> tuple[str, SigningKey]:
    """An SD-JWT VC by a did:key issuer, every claim selectively disclosable, bound to the
    holder's P-256 key (as OpenID4VCI issuance binds it)."""
    issuer = SigningKey.generate("P-256")
    token = make_sd_jwt_vc(
        issuer=issuer.did_key,
        key=issuer,
        holder_jwk=holder.p256.jwk if holder is not None else None,
        claims=claims
        or {
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": "ada@example.org",
            "achievement": "Analytical Engines 101",
        },
        vct=VCT,
        kid=issuer.verification_method,
    )
    return token, issuer


def ldp_credential(holder: HolderKeys, *, kind: str = "OpenBadgeCredential") -> dict[str, Any]:
    issuer = SigningKey.generate("Ed25519")
    vc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", kind],
        "id": "urn:uuid:3b9c4b1e-0000-4000-8000-000000000001",
        "issuer": {"id": issuer.did_key, "type": ["Profile"], "name": "Test College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Python Course",
        "credentialSubject": {
            "id": holder.ed25519.did_key,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3b9c4b1e-0000-4000-8000-000000000002",
                "type": ["Achievement"],
                "name": "Python Course",
                "description": "Writes Python.",
                "criteria": {"narrative": "Passed the exam."},
            },
        },
    }
    return sign_document(
        vc,
        suite="eddsa-rdfc-2022",
        key=issuer,
        verification_method=issuer.verification_method,
    )


def jwt_credential(holder: HolderKeys) -> str:
    issuer = SigningKey.generate("Ed25519")
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "id": "urn:uuid:3b9c4b1e-0000-4000-8000-000000000003",
        "issuer": issuer.did_key,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": holder.ed25519.did_key, "degree": {"name": "BSc"}},
    }
    return sign_vc_jwt(vc, key=issuer)


def held(data: str | dict[str, Any], wallet_id: str) -> HeldItem:
    import json

    raw = data.encode() if isinstance(data, str) else json.dumps(data).encode()
    return HeldItem(wallet_id, parse(raw))


def now() -> float:
    return time.time()
