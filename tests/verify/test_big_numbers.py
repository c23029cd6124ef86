"""Integers above 2^53 (issue 11): JavaScript issuers sign the double their JSON parser made
of the number; credwallet canonicalises exactly first and, when that does not verify, as
JavaScript does, and says so in the proof check (what `explain` shows).

Credentials are signed here with credwallet's own signer both ways (``numbers="exact"`` and
``numbers="javascript"``), for the JCS and the RDFC suites.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from verify_support import statuses, verify

from credwallet.models import CheckStatus, ReportStatus
from credwallet.verify import jcs
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey
from credwallet.verify.numbers import as_javascript, describe, unsafe_integers

BIG = 9007199254740993  # 2^53 + 1: JavaScript reads it as 9007199254740992
ED = SigningKey.generate("Ed25519")
P256 = SigningKey.generate("P-256")
SUITES = [
    ("eddsa-jcs-2022", ED),
    ("eddsa-rdfc-2022", ED),
    ("ecdsa-jcs-2019", P256),
    ("ecdsa-rdfc-2019", P256),
]


def badge(issuer: str, credits: int = BIG) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2f0d1c8e-7a55-4c61-b3a2-7e0b6a1f9d44",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Big Numbers College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Counting",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://college.example/achievements/counting",
                "type": ["Achievement"],
                "name": "Counting",
                "criteria": {"narrative": "Counted far."},
                "creditsAvailable": credits,
            },
        },
    }


def signed(suite: str, key: SigningKey, numbers: str, credits: int = BIG) -> dict[str, Any]:
    return sign_document(badge(key.did_key, credits), suite=suite, key=key, numbers=numbers)


@pytest.mark.parametrize(("suite", "key"), SUITES, ids=[s for s, _ in SUITES])
class TestEachWay:
    def test_signed_with_exact_digits_verifies_plainly(self, suite: str, key: SigningKey) -> None:
        report = verify(signed(suite, key, "exact"))
        proof = report.check("proof")
        assert proof is not None and proof.status is CheckStatus.PASS, proof
        assert "JavaScript" not in proof.detail
        assert report.status is ReportStatus.VALID

    def test_signed_as_javascript_verifies_and_says_so(self, suite: str, key: SigningKey) -> None:
        report = verify(signed(suite, key, "javascript"))
        proof = report.check("proof")
        assert proof is not None and proof.status is CheckStatus.PASS, proof
        assert "read as JavaScript does (9007199254740993 as 9007199254740992)" in proof.detail
        assert ("numbers", "read as JavaScript doubles: 9007199254740993 as 9007199254740992") in (
            proof.inputs
        )
        assert report.status is ReportStatus.VALID

    @pytest.mark.parametrize("numbers", ["exact", "javascript"])
    def test_a_changed_number_still_fails(self, suite: str, key: SigningKey, numbers: str) -> None:
        """A number changed to one with another double is caught either way."""
        document = signed(suite, key, numbers)
        document["credentialSubject"]["achievement"]["creditsAvailable"] = BIG + 10
        report = verify(document)
        assert statuses(report)["proof"] == "fail"
        assert report.status is ReportStatus.INVALID

    def test_a_safe_number_is_signed_the_same_both_ways(self, suite: str, key: SigningKey) -> None:
        exact = signed(suite, key, "exact", credits=42)
        report = verify(exact)
        assert statuses(report)["proof"] == "pass"
        assert "JavaScript" not in (report.check("proof").detail or "")  # type: ignore[union-attr]


class TestNumbers:
    def test_javascript_reading(self) -> None:
        value = {"a": [BIG, -BIG, 5, 1.5, True], "b": 2**53, "c": 10**22}
        assert as_javascript(value) == {
            "a": [2**53, -(2**53), 5, 1.5, True],
            "b": 2**53,
            "c": 1e22,
        }
        assert unsafe_integers(value) == [BIG, -BIG, 10**22]
        assert describe([BIG]) == "9007199254740993 as 9007199254740992"

    def test_jcs_exact_integers_only_differ_above_two_to_the_53(self) -> None:
        document = {"n": [0, -7, 2**53, 123456789]}
        assert jcs.canonicalize(document) == jcs.canonicalize(document, exact_integers=True)
        assert jcs.canonicalize({"n": BIG}) == b'{"n":9007199254740992}'
        assert jcs.canonicalize({"n": BIG}, exact_integers=True) == b'{"n":9007199254740993}'

    def test_signing_refuses_an_unknown_number_mode(self) -> None:
        from credwallet.errors import BadInput

        with pytest.raises(BadInput):
            sign_document(badge(ED.did_key), suite="eddsa-jcs-2022", key=ED, numbers="python")

    def test_the_default_signing_follows_each_standard(self) -> None:
        """JCS signs doubles (RFC 8785), RDFC the exact xsd:integer (JSON-LD)."""
        jcs_signed = sign_document(badge(ED.did_key), suite="eddsa-jcs-2022", key=ED)
        rdfc_signed = sign_document(badge(ED.did_key), suite="eddsa-rdfc-2022", key=ED)
        assert "JavaScript" in verify(copy.deepcopy(jcs_signed)).check("proof").detail  # type: ignore[union-attr]
        assert "JavaScript" not in verify(rdfc_signed).check("proof").detail  # type: ignore[union-attr]
