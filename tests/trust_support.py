"""Registries for the trust tests: DCC legacy JSON and real signed OpenID Federation chains."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from credwallet.verify.keys import SigningKey, b64url_encode


def signed_jwt(
    key: SigningKey, payload: dict[str, Any], *, typ: str = "entity-statement+jwt"
) -> str:
    """A compact JWS (EdDSA) over ``payload``, kid = the key's JWK thumbprint-free label."""
    header = {"alg": "EdDSA", "typ": typ, "kid": "k1"}
    encoded = ".".join(
        b64url_encode(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, payload)
    )
    return f"{encoded}.{b64url_encode(key.sign(encoded.encode('ascii')))}"


def jwks(key: SigningKey) -> dict[str, Any]:
    return {"keys": [{**key.jwk, "kid": "k1"}]}


def entity_configuration(
    anchor: SigningKey, anchor_id: str, fetch_endpoint: str, *, exp: datetime, iat: datetime
) -> str:
    """A trust anchor's self-signed entity configuration."""
    return signed_jwt(
        anchor,
        {
            "iss": anchor_id,
            "sub": anchor_id,
            "iat": int(iat.timestamp()),
            "exp": int(exp.timestamp()),
            "jwks": jwks(anchor),
            "metadata": {
                "federation_entity": {
                    "organization_name": "Test Federation",
                    "federation_fetch_endpoint": fetch_endpoint,
                }
            },
        },
    )


def subordinate_statement(
    signer: SigningKey,
    anchor_id: str,
    issuer_did: str,
    name: str,
    *,
    exp: datetime,
    iat: datetime,
) -> str:
    """The anchor's statement that ``issuer_did`` is a member named ``name``."""
    return signed_jwt(
        signer,
        {
            "iss": anchor_id,
            "sub": issuer_did,
            "iat": int(iat.timestamp()),
            "exp": int(exp.timestamp()),
            "metadata": {
                "federation_entity": {
                    "organization_name": name,
                    "homepage_uri": "https://college.example",
                }
            },
        },
    )


def legacy_registry(name: str, members: dict[str, str]) -> dict[str, Any]:
    """A DCC legacy registry document."""
    return {
        "meta": {"created": "2024-01-01T00:00:00Z", "name": name},
        "registry": {
            did: {"name": member, "location": "Somewhere", "url": "https://college.example"}
            for did, member in members.items()
        },
    }
