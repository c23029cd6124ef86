"""Malformed is `fail`, unresolvable is `unknown` (issue 11)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from verify_support import statuses, verify

from credwallet.errors import BadInput
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey, resolve_verification_method

KEY = SigningKey.generate("Ed25519")


def signed() -> dict[str, Any]:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did_key, "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/a",
                "type": ["Achievement"],
                "name": "A",
                "criteria": {"narrative": "n"},
                "description": "d",
            },
        },
    }
    created = datetime(2026, 1, 2, tzinfo=UTC)
    return sign_document(document, suite="eddsa-jcs-2022", key=KEY, created=created)


def test_the_unchanged_credential_is_valid() -> None:
    assert statuses(verify(signed()))["proof"] == "pass"


def test_a_proof_without_type_fails() -> None:
    document = signed()
    del document["proof"]["type"]
    checks = statuses(verify(document))
    assert checks["proof"] == "fail"


def test_a_did_that_breaks_did_syntax_fails() -> None:
    document = signed()
    method = document["proof"]["verificationMethod"]
    document["proof"]["verificationMethod"] = method.replace("did:key:", "did:KEY:")
    assert statuses(verify(document))["proof"] == "fail"


@pytest.mark.parametrize(
    "vm", ["did:KEY:z6Mk#z6Mk", "did::abc", "did:web:", "did:web:exa mple.com#k", "did:w_b:x"]
)
def test_malformed_dids_are_bad_input(vm: str) -> None:
    with pytest.raises(BadInput, match="not a valid DID"):
        resolve_verification_method(vm, fetcher=None)


@pytest.mark.parametrize(
    "context",
    [
        ["https://www.w3.org/ns/credentials/v1x"],
        ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    ],
)
def test_a_vc_context_that_is_not_the_required_one_fails_format(context: list[str]) -> None:
    document = copy.deepcopy(signed())
    document["@context"] = context + document["@context"][1:]
    assert statuses(verify(document))["format"] == "fail"
