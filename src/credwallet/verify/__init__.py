"""Verification: one report of named checks for any credential (see engine.py).

Public surface::

    VerifyOptions, verify_credential, verify_document, verify_presentation,
    verify_presentation_jwt                     the engine
    SigningKey, resolve_verification_method     keys (did:key, did:jwk, did:web, JWK)
    sign_document, verify_proofs                Data Integrity proofs
    sign_vc_jwt, verify_vc_jwt                  VC-JWT

These names load on first use: importing a light submodule (``credwallet.verify.state``, which
every listing needs) must not import the engine, the key code and the whole of cryptography
first. Heavy dependencies (pyld) load only when a JSON-LD document is actually canonicalised.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "sign_document": "dataintegrity",
    "verify_proofs": "dataintegrity",
    "VerifyOptions": "engine",
    "verify_credential": "engine",
    "verify_document": "engine",
    "verify_presentation": "engine",
    "verify_presentation_jwt": "engine",
    "sign_vc_jwt": "jwt",
    "verify_vc_jwt": "jwt",
    "SigningKey": "keys",
    "resolve_verification_method": "keys",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'credwallet.verify' has no attribute {name!r}")
    value = getattr(import_module(f"credwallet.verify.{home}"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
