"""A revocation list must come from the credential's issuer (issue 11).

Anyone who can put a document at a status URL, or into the cache, could otherwise revoke or
un-revoke someone else's credential. Each mechanism is tested with a list by a stranger: the
answer is ``unknown`` with the reason, never ``pass`` and never ``fail``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from test_ob2_http import cached_fetcher
from test_ob2_http import documents as ob2_documents
from test_ob2_http import report_for as ob2_report
from test_status import LIST_URL, credential, entry, options, status_list
from verify_support import FIXTURE_NOW

from credwallet.models import CheckStatus, JSONObject, ReportStatus
from credwallet.net import Fetched, Fetcher, MemoryCache
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import VerifyOptions, verify_document
from credwallet.verify.keys import SigningKey
from credwallet.verify.status import check_revocation_list, check_status

ISSUER = "did:example:issuer"
STRANGER = "did:example:stranger"


def listed_by(issuer: str, bits: set[int], *, method: str | None = None) -> JSONObject:
    document = status_list(bits)
    document["issuer"] = issuer
    if method is not None:
        document["proof"] = {"type": "DataIntegrityProof", "verificationMethod": method}
    return document


class TestStatusListIssuer:
    @pytest.mark.parametrize("bits", [{6}, set()], ids=["says revoked", "says clear"])
    def test_a_strangers_list_neither_revokes_nor_clears(self, bits: set[int]) -> None:
        check = check_status(credential(entry(6)), options({LIST_URL: listed_by(STRANGER, bits)}))
        assert check.status is CheckStatus.UNKNOWN
        assert STRANGER in check.detail and "not by the credential's issuer" in check.detail

    def test_the_issuers_own_list_is_used(self) -> None:
        check = check_status(credential(entry(6)), options({LIST_URL: listed_by(ISSUER, {6})}))
        assert check.status is CheckStatus.FAIL and "revoked by the issuer" in check.detail

    def test_a_list_signed_with_a_key_of_the_issuers_did_is_used(self) -> None:
        """Another issuer id, but signed with the issuer DID's key: the issuer's list."""
        document = listed_by("https://status.example/", set(), method=ISSUER + "#key-1")
        check = check_status(credential(entry(6)), options({LIST_URL: document}))
        assert check.status is CheckStatus.PASS, check.detail

    def test_a_list_with_one_strangers_proof_is_not_used(self) -> None:
        document = listed_by("https://status.example/", set(), method=STRANGER + "#key-1")
        check = check_status(credential(entry(6)), options({LIST_URL: document}))
        assert check.status is CheckStatus.UNKNOWN

    def test_a_credential_without_issuer_cannot_use_a_list(self) -> None:
        cred = credential(entry(6))
        del cred.document["issuer"]
        check = check_status(cred, options({LIST_URL: listed_by(ISSUER, set())}))
        assert check.status is CheckStatus.UNKNOWN


def _signed(document: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    return sign_document(document, suite="eddsa-jcs-2022", key=key, created=FIXTURE_NOW)


def test_end_to_end_a_list_signed_by_a_stranger() -> None:
    """Real signatures: the credential by the issuer's did:key, a genuine status list signed by
    a stranger's did:key. The list verifies as a credential, but it is not the issuer's."""
    issuer, stranger = SigningKey.generate("Ed25519"), SigningKey.generate("Ed25519")
    url = "https://status.example/lists/1"
    status = {**entry(3), "statusListCredential": url, "id": url + "#3"}
    credential_doc = _signed(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:9a1e3c5b-7d2f-4b6a-8c0e-1f3a5b7d9c2e",
            "type": ["VerifiableCredential"],
            "issuer": issuer.did_key,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": status,
        },
        issuer,
    )
    for signer, expected in ((stranger, CheckStatus.UNKNOWN), (issuer, CheckStatus.FAIL)):
        listed = status_list({3})
        listed.update(id=url, issuer=signer.did_key)
        cached = Fetched(url, json.dumps(_signed(listed, signer)).encode(), FIXTURE_NOW, True)
        opts = VerifyOptions(
            now=datetime(2026, 12, 1, tzinfo=UTC),
            fetcher=Fetcher(cache=MemoryCache([cached]), offline=True),
            offline=True,
        )
        report = verify_document(credential_doc, source="t", options=opts)
        revocation = report.check("revocation")
        assert revocation is not None and revocation.status is expected, revocation.detail
    assert report.status is ReportStatus.INVALID  # the issuer's own list does revoke


class TestOb2RevocationListIssuer:
    URL = "https://issuer.example/revocations.json"
    ISSUER = "https://issuer.example/profile.json"

    @pytest.mark.parametrize("revoked", [["urn:a"], []], ids=["says revoked", "says clear"])
    def test_a_list_naming_another_issuer_is_not_used(self, revoked: list[str]) -> None:
        listing = {"issuer": "https://stranger.example/p", "revokedAssertions": revoked}
        check = check_revocation_list(
            "urn:a", self.URL, options({self.URL: listing}), issuer_id=self.ISSUER
        )
        assert check.status is CheckStatus.UNKNOWN
        assert "stranger.example" in check.detail

    def test_a_list_naming_its_issuer_is_used(self) -> None:
        listing = {"issuer": self.ISSUER, "revokedAssertions": ["urn:a"]}
        check = check_revocation_list(
            "urn:a", self.URL, options({self.URL: listing}), issuer_id=self.ISSUER
        )
        assert check.status is CheckStatus.FAIL

    def test_through_the_ob2_verifier(self) -> None:
        """The OB 2.0 verifier passes the profile's id: a stranger's list is not used."""
        docs = ob2_documents(revoked=["http://old-issuer.example/assertions/1.json"])
        docs["http://old-issuer.example/revocations.json"]["issuer"] = "https://stranger.example/"
        assert ob2_report(cached_fetcher(docs))["revocation"] is CheckStatus.UNKNOWN
