"""VC-JWT: verify and sign credentials secured as a compact JWS.

Two payload shapes are read: VC Data Model 1.1 (the credential in the ``vc`` claim, with
``iss``/``sub``/``jti``/``nbf``/``exp`` beside it) and VC 2.0 "JOSE secured" (the payload is the
credential itself). Rules that protect the user:

- only asymmetric algorithms are accepted (EdDSA, ES256, ES384, RS256/384/512, PS256/384/512):
  ``alg: none`` is an unsigned token, and an HMAC "signature" proves nothing about an issuer
  (anyone who can check it can forge it), so both are refused;
- a ``crit`` header names extensions a verifier must understand; this one understands none;
- the key is found from the header ``kid`` relative to the issuer, and must belong to the issuer
  (``iss``, which must agree with the credential's ``issuer``). A key embedded in the header
  (``jwk``) only counts when it *is* the issuer's identifier (did:key / did:jwk).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from credwallet import _crypto
from credwallet.errors import BadInput, CredwalletError, VerificationIncomplete
from credwallet.formats.jose import decode_compact_jws
from credwallet.models import CheckStatus, JSONObject
from credwallet.verify.keys import (
    PublicKey,
    ResolvedKey,
    SigningKey,
    b64url_encode,
    jwk_to_public_key,
    same_key,
)

__all__ = [
    "ALLOWED_ALGORITHMS",
    "JwtOutcome",
    "credential_of",
    "issuer_of_claims",
    "sign_vc_jwt",
    "verify_jws_signature",
    "verify_vc_jwt",
]

ALLOWED_ALGORITHMS: Final = frozenset(
    {"EdDSA", "ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
)
_KEY_FOR_ALG: Final = {
    "EdDSA": ("OKP", "Ed25519"),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
}
_SIGN_ALG_FOR_KEY: Final = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "RSA": "RS256"}


@dataclass(frozen=True, slots=True)
class JwtOutcome:
    """The verdict on a JWS-secured credential or presentation.

    ``status`` covers the token's signature; ``key``/``key_status`` what is known about whose
    key signed it (the engine decides whether that is the issuer's).
    """

    status: CheckStatus
    detail: str
    header: JSONObject
    claims: JSONObject
    key: ResolvedKey | None = None
    key_status: CheckStatus | None = None
    key_detail: str = ""
    inputs: tuple[tuple[str, str], ...] = ()


def credential_of(claims: Mapping[str, Any], claim: str = "vc") -> JSONObject:
    """The credential (or, with ``claim="vp"``, presentation) a JWT payload carries."""
    inner = claims.get(claim)
    if inner is None:
        return dict(claims)  # VC 2.0 JOSE: the payload is the document
    if not isinstance(inner, dict):
        raise BadInput(f"the JWT's {claim!r} claim is not a JSON object")
    return inner


def issuer_of_claims(claims: Mapping[str, Any], document: Mapping[str, Any]) -> str | None:
    """The issuer the token claims: ``iss``, else the credential's ``issuer`` (or its id)."""
    iss = claims.get("iss")
    if isinstance(iss, str) and iss:
        return iss
    issuer = document.get("issuer", document.get("holder"))
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _algorithm_problem(header: Mapping[str, Any]) -> str | None:
    alg = header.get("alg")
    if not isinstance(alg, str):
        return "the JWT header names no algorithm"
    if alg.lower() == "none":
        return "alg 'none' is refused: the token is not signed at all"
    if alg.upper().startswith("HS"):
        return f"alg {alg} is refused: an HMAC needs a shared secret and cannot prove the issuer"
    if alg not in ALLOWED_ALGORITHMS:
        return f"alg {alg} is not supported"
    if "crit" in header:
        return f"critical header extensions are not understood: {header['crit']!r}"
    return None


def _key_fits(alg: str, key: PublicKey) -> bool:
    if alg in _KEY_FOR_ALG:
        return (key.kty, key.crv) == _KEY_FOR_ALG[alg]
    return key.kty == "RSA"


def verify_jws_signature(signing_input: bytes, signature: bytes, alg: str, key: PublicKey) -> bool:
    """Check one JWS signature; False for refused algorithms whatever the key."""
    if alg not in ALLOWED_ALGORITHMS or not _key_fits(alg, key):
        return False
    return _crypto.verify_signature(key, alg, signature, signing_input)


def _method_id(kid: str, issuer: str | None) -> str:
    """The absolute verification method id a ``kid`` names (relative ids hang off the issuer)."""
    if ":" in kid.split("#", 1)[0]:
        return kid
    if issuer is None:
        raise BadInput(f"kid {kid!r} is relative but the token names no issuer")
    return issuer + (kid if kid.startswith("#") else "#" + kid)


def verify_vc_jwt(
    token: str,
    *,
    resolve: Callable[[str], ResolvedKey],
    claim: str = "vc",
) -> JwtOutcome:
    """Verify a VC-JWT (``claim="vc"``) or VP-JWT (``claim="vp"``) signature and find its key.

    Raises BadInput only when the token cannot be decoded at all; every other problem is in
    the outcome. Validity dates are not judged here (see validity.py).
    """
    jws = decode_compact_jws(token)
    header, claims = jws.header, jws.payload
    inputs: list[tuple[str, str]] = [("alg", str(header.get("alg")))]

    def outcome(status: CheckStatus, detail: str, **extra: Any) -> JwtOutcome:
        return JwtOutcome(status, detail, header, claims, inputs=tuple(inputs), **extra)

    problem = _algorithm_problem(header)
    if problem is not None:
        return outcome(CheckStatus.FAIL, problem)
    alg = str(header["alg"])
    document = credential_of(claims, claim)
    iss = claims.get("iss")
    stated = document.get("issuer") if claim == "vc" else document.get("holder")
    if isinstance(stated, Mapping):
        stated = stated.get("id")
    if isinstance(iss, str) and isinstance(stated, str) and iss != stated:
        return outcome(
            CheckStatus.FAIL, f"the token's iss {iss} differs from the credential's {stated}"
        )
    issuer = issuer_of_claims(claims, document)
    kid = header.get("kid")
    key: ResolvedKey | None = None
    key_status: CheckStatus | None = None
    key_detail = ""
    try:
        if isinstance(kid, str) and kid:
            vm = _method_id(kid, issuer)
            inputs.append(("kid", kid))
            inputs.append(("verification method", vm))
            key = resolve(vm)
        elif issuer is not None and issuer.startswith(("did:key:", "did:jwk:")):
            key = resolve(issuer)  # the identifier is the key; no kid needed
        elif "jwk" in header:
            embedded = jwk_to_public_key(header["jwk"])
            inputs.append(("key source", "the token's own header (jwk)"))
            signed = verify_jws_signature(jws.signing_input, jws.signature, alg, embedded)
            if not signed:
                return outcome(CheckStatus.FAIL, _MISMATCH)
            return outcome(
                CheckStatus.PASS,
                f"{alg} signature verifies with the key embedded in the token",
                key_status=CheckStatus.UNKNOWN,
                key_detail=(
                    "the token carries its own key (header jwk) and names no key of the issuer "
                    f"{issuer}: nothing ties that key to the issuer"
                ),
            )
        else:
            return outcome(CheckStatus.FAIL, "the token names no key (no kid and no jwk header)")
    except VerificationIncomplete as exc:
        key_status, key_detail = CheckStatus.UNKNOWN, exc.message
    except CredwalletError as exc:
        key_status, key_detail = CheckStatus.FAIL, exc.message
    if key is None:
        status = key_status or CheckStatus.FAIL
        return outcome(
            status,
            f"the key could not be resolved: {key_detail}",
            key_status=status,
            key_detail=key_detail,
        )
    inputs.append(("key source", key.source))
    inputs.append(("key fingerprint", key.key.fingerprint()))
    if "jwk" in header:
        try:
            if not same_key(jwk_to_public_key(header["jwk"]), key.key):
                return outcome(CheckStatus.FAIL, "the header jwk is not the key kid names", key=key)
        except BadInput as exc:
            return outcome(CheckStatus.FAIL, f"header jwk: {exc.message}", key=key)
    if not _key_fits(alg, key.key):
        return outcome(
            CheckStatus.FAIL,
            f"alg {alg} does not fit the {key.key.crv or key.key.kty} key "
            f"{key.verification_method}",
            key=key,
        )
    if not verify_jws_signature(jws.signing_input, jws.signature, alg, key.key):
        return outcome(CheckStatus.FAIL, _MISMATCH, key=key)
    return outcome(
        CheckStatus.PASS, f"{alg} signature verifies with {key.verification_method}", key=key
    )


_MISMATCH: Final = (
    "signature does not match: the token was changed after signing, or signed by another key"
)


def sign_vc_jwt(
    credential: Mapping[str, Any],
    *,
    key: SigningKey,
    alg: str | None = None,
    kid: str | None = None,
    claims: Mapping[str, Any] | None = None,
    vc_claim: bool = True,
) -> str:
    """A compact JWS over ``credential``.

    With ``vc_claim`` (the default) the payload is VC 1.1 style: ``vc`` plus ``iss``, ``sub``,
    ``jti``, ``nbf``/``exp`` derived from the credential; otherwise the payload is the credential
    itself (VC 2.0 JOSE). ``claims`` adds or overrides registered claims (e.g. ``nonce``).
    """
    chosen = alg or _SIGN_ALG_FOR_KEY[key.algorithm]
    expected = _SIGN_ALG_FOR_KEY[key.algorithm]
    if chosen != expected:
        raise BadInput(f"a {key.algorithm} key signs {expected}, not {chosen}")
    header: dict[str, Any] = {"alg": chosen, "typ": "vc+jwt" if not vc_claim else "JWT"}
    header["kid"] = kid or key.verification_method
    payload: dict[str, Any]
    if vc_claim:
        from credwallet.formats.dates import parse_datetime

        payload = {}
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if isinstance(issuer_id, str):
            payload["iss"] = issuer_id
        subject = credential.get("credentialSubject")
        if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
            payload["sub"] = subject["id"]
        if isinstance(credential.get("id"), str):
            payload["jti"] = credential["id"]
        for field, claim_name in (
            ("validFrom", "nbf"),
            ("issuanceDate", "nbf"),
            ("validUntil", "exp"),
            ("expirationDate", "exp"),
        ):
            when = parse_datetime(credential.get(field))
            if when is not None and claim_name not in payload:
                payload[claim_name] = int(when.timestamp())
        payload["vc"] = dict(credential)
    else:
        payload = dict(credential)
    payload.update(claims or {})
    encoded = ".".join(
        b64url_encode(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
        for part in (header, payload)
    )
    signature = key.sign(encoded.encode("ascii"))
    return f"{encoded}.{b64url_encode(signature)}"
