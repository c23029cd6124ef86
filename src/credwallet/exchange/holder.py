"""The holder's keys as OpenID4VCI sees them, and the key proofs: the JWT of section 8.2.1.1
and the Data Integrity presentation (``di_vp``) of appendix F.2.

The wallet's holder key is Ed25519. An issuer that does not accept EdDSA key proofs gets a
P-256 key derived from the same seed (HKDF, a fixed label), so the wallet needs no second
secret and the key is the same on every run; its did:key is different from the Ed25519 one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from credwallet import _crypto
from credwallet.errors import BadInput
from credwallet.verify.keys import SigningKey, b64url_encode

__all__ = ["HolderKeys", "compact_jws", "di_vp_proof", "key_proof"]

PROOF_TYP = "openid4vci-proof+jwt"
_P256_LABEL = b"credwallet holder P-256 key v1"
_ALG = {"Ed25519": "EdDSA", "P-256": "ES256"}


@dataclass(frozen=True, slots=True)
class HolderKeys:
    ed25519: SigningKey

    @property
    def p256(self) -> SigningKey:
        seed = self.ed25519.private_bytes()
        for counter in range(16):
            scalar = _crypto.hkdf_sha256(seed, salt=None, info=_P256_LABEL + bytes([counter]))
            try:
                return SigningKey.from_seed(scalar, "P-256")
            except BadInput:
                continue  # the scalar was 0 or not below the group order: next label
        raise BadInput("could not derive a P-256 holder key")  # pragma: no cover

    def dids(self) -> tuple[str, ...]:
        return (self.ed25519.did_key, self.p256.did_key)

    def for_algorithms(self, accepted: Sequence[str] | None) -> SigningKey:
        """The key to prove possession with: Ed25519 unless the issuer only takes ES256."""
        if not accepted:
            return self.ed25519
        if "EdDSA" in accepted or "Ed25519" in accepted:
            return self.ed25519
        if "ES256" in accepted:
            return self.p256
        raise BadInput(
            "the issuer accepts key proofs only as "
            + ", ".join(str(a) for a in accepted[:5])
            + "; credwallet signs EdDSA or ES256"
        )


def compact_jws(
    key: SigningKey, header: Mapping[str, object], payload: Mapping[str, object]
) -> str:
    """``header``.``payload``.signature, each part base64url JSON (the JWS compact form)."""
    signing_input = ".".join(
        b64url_encode(json.dumps(part, separators=(",", ":")).encode("utf-8"))
        for part in (header, payload)
    )
    return f"{signing_input}.{b64url_encode(key.sign(signing_input.encode('ascii')))}"


def key_proof(
    key: SigningKey,
    *,
    audience: str,
    nonce: str | None,
    client_id: str | None = None,
    now: float | None = None,
) -> str:
    """A compact JWS proving possession of ``key``; no ``iss`` for anonymous access."""
    header = {"typ": PROOF_TYP, "alg": _ALG[key.algorithm], "kid": key.verification_method}
    payload: dict[str, object] = {
        "aud": audience,
        "iat": int(now if now is not None else time.time()),
    }
    if nonce is not None:
        payload["nonce"] = nonce
    if client_id is not None:
        payload["iss"] = client_id
    return compact_jws(key, header, payload)


def di_vp_proof(
    key: SigningKey,
    *,
    audience: str,
    nonce: str | None,
    suite: str = "eddsa-rdfc-2022",
    now: float | None = None,
) -> dict[str, object]:
    """A ``di_vp`` key proof: a VC 2.0 presentation holding no credential, signed by the
    holder's Ed25519 did:key with purpose ``authentication``, ``domain`` the credential issuer
    and ``challenge`` the issuer's nonce (when it gave one)."""
    from datetime import UTC, datetime

    from credwallet.share.presentation import VC2_CONTEXT, sign_presentation

    unsigned: dict[str, object] = {
        "@context": [VC2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": key.did_key,
    }
    created = datetime.fromtimestamp(now if now is not None else time.time(), tz=UTC)
    return sign_presentation(
        unsigned, key=key, suite=suite, challenge=nonce, domain=audience, created=created
    )
