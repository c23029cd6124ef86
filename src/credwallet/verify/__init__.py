"""Verification: one report of named checks for any credential (see engine.py).

Public surface::

    VerifyOptions, verify_credential, verify_document, verify_presentation,
    verify_presentation_jwt                     the engine
    SigningKey, resolve_verification_method     keys (did:key, did:jwk, did:web, JWK)
    sign_document, verify_proofs                Data Integrity proofs
    sign_vc_jwt, verify_vc_jwt                  VC-JWT

Heavy dependencies (pyld) load only when a JSON-LD document is actually canonicalised.
"""

from __future__ import annotations

from credwallet.verify.dataintegrity import sign_document, verify_proofs
from credwallet.verify.engine import (
    VerifyOptions,
    verify_credential,
    verify_document,
    verify_presentation,
    verify_presentation_jwt,
)
from credwallet.verify.jwt import sign_vc_jwt, verify_vc_jwt
from credwallet.verify.keys import SigningKey, resolve_verification_method

__all__ = [
    "SigningKey",
    "VerifyOptions",
    "resolve_verification_method",
    "sign_document",
    "sign_vc_jwt",
    "verify_credential",
    "verify_document",
    "verify_presentation",
    "verify_presentation_jwt",
    "verify_proofs",
    "verify_vc_jwt",
]
