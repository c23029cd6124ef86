"""The Ed25519Signature2020 context credwallet verifies with is the one w3id.org serves.

https://w3id.org/security/suites/ed25519-2020/v1 redirects to Digital Bazaar's
ed25519-signature-2020-context (contexts/ed25519-signature-2020-v1.jsonld, npm 1.1.0), which
issuers' libraries bundle. An older draft (w3c/vc-di-eddsa's lds-ed25519-2020-v1.json) lacks
terms such as ``expires``: verifying with it, a proof that uses them expands differently from
what the issuer signed, and a genuine credential is called forged.

Here the credential is signed with pyld and the real document directly, not through
credwallet's loader, so the test does not depend on the copy it checks.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from verify_support import FIXTURE_NOW

from credwallet.models import CheckStatus
from credwallet.verify.contexts import shipped_context
from credwallet.verify.dataintegrity import ED25519_2020_CONTEXT, verify_proofs
from credwallet.verify.keys import (
    ResolvedKey,
    SigningKey,
    base58_encode,
    resolve_verification_method,
)

#: SHA-256 of contexts/ed25519-signature-2020-v1.jsonld in digitalbazaar/ed25519-signature-2020-
#: context at e19889b (the file w3id.org redirects to; byte-identical to the DCC loader's copy).
REAL_SHA256 = "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588"
V2 = "https://www.w3.org/ns/credentials/v2"
KEY = SigningKey.from_seed(bytes(range(32)))


def _real_context() -> bytes:
    folder = resources.files("credwallet.share").joinpath("cborld_contexts")
    data = folder.joinpath("ed25519-signature-2020-v1-dcc.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == REAL_SHA256
    return data


def _pyld_loader(url: str, options: object = None) -> dict[str, Any]:
    data = _real_context() if url == ED25519_2020_CONTEXT else shipped_context(url)
    assert data is not None, url
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(data)}


def _canonical_hash(document: dict[str, Any]) -> bytes:
    from pyld import jsonld  # type: ignore[import-untyped]

    nquads = jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _pyld_loader},
    )
    assert isinstance(nquads, str) and nquads
    return hashlib.sha256(nquads.encode("utf-8")).digest()


def _signed_with_real_context(proof_extra: dict[str, Any]) -> dict[str, Any]:
    """An Ed25519Signature2020 credential signed as an issuer using the real context would."""
    credential: dict[str, Any] = {
        "@context": [V2, ED25519_2020_CONTEXT],
        "id": "urn:uuid:6f1f4c2a-2b1e-4d53-9a47-1c2d3e4f5a6b",
        "type": ["VerifiableCredential"],
        "issuer": KEY.did_key,
        "validFrom": "2026-01-15T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    proof: dict[str, Any] = {
        "type": "Ed25519Signature2020",
        "created": "2026-01-15T09:30:00Z",
        "verificationMethod": KEY.verification_method,
        "proofPurpose": "assertionMethod",
        **proof_extra,
    }
    config = {"@context": credential["@context"], **proof}
    signature = KEY.sign(_canonical_hash(config) + _canonical_hash(credential))
    return {**credential, "proof": {**proof, "proofValue": "z" + base58_encode(signature)}}


def _resolve(vm: str) -> ResolvedKey:
    return resolve_verification_method(vm, fetcher=None)


def _verdict(document: dict[str, Any]) -> CheckStatus:
    (outcome,) = verify_proofs(document, resolve=_resolve, now=FIXTURE_NOW)
    return outcome.status


def test_shipped_copy_is_the_document_w3id_serves() -> None:
    data = shipped_context(ED25519_2020_CONTEXT)
    assert data is not None
    assert json.loads(data) == json.loads(_real_context())


def test_proof_with_expires_signed_with_the_real_context_is_valid() -> None:
    """``expires`` is defined only by the real context: the signature must still verify."""
    document = _signed_with_real_context({"expires": "2099-01-01T00:00:00Z"})
    assert _verdict(document) is CheckStatus.PASS


def test_proof_with_expires_in_the_past_fails() -> None:
    document = _signed_with_real_context({"expires": "2026-01-16T00:00:00Z"})
    assert _verdict(document) is CheckStatus.FAIL


def test_proof_without_extra_terms_is_valid() -> None:
    assert _verdict(_signed_with_real_context({})) is CheckStatus.PASS


def test_tampered_expires_fails() -> None:
    document = _signed_with_real_context({"expires": "2099-01-01T00:00:00Z"})
    document["proof"]["expires"] = "2098-01-01T00:00:00Z"
    assert _verdict(document) is CheckStatus.FAIL
