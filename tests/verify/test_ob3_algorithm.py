"""OB 3.0 section 9 beyond proof and dates: credentialSchema, 1EdTechRevocationList,
refreshService, embedded endorsements, and the credentials a CLR 2.0 holds.

Credentials are signed here with credwallet's own signing code (eddsa-jcs-2022, did:key
issuers); the real files are the OB 3.0 specification's own examples in the shared fixtures.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from verify_support import FakeFetcher, options, statuses

from credwallet.formats import parse
from credwallet.models import CheckStatus, ReportStatus, VerificationReport
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import verify_credential
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey
from credwallet.verify.schema import check_schemas, shipped_schema, shipped_schema_urls
from support import EXTERNAL

OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA_URL = "https://issuer.example/schemas/badge.json"
SHIPPED_OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json"
BADGE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name", "credentialSubject"],
    "properties": {"name": {"type": "string", "minLength": 3}},
}


def unsigned(key: SigningKey, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": list(OB3_CONTEXTS),
        "id": "urn:uuid:4b1c55b6-0f2b-4fd1-9d57-3f6c3e1d2a01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": "Test College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Welding Level 1",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/welding-1",
                "type": ["Achievement"],
                "name": "Welding Level 1",
                "criteria": {"narrative": "Passed the practical."},
            },
        },
    }
    document.update(extra)
    return document


def signed(key: SigningKey, **extra: Any) -> dict[str, Any]:
    return sign_document(unsigned(key, **extra), suite="eddsa-jcs-2022", key=key)


def verify_doc(
    document: dict[str, Any] | str, fetcher: Any = None, **more: Any
) -> VerificationReport:
    data = document.encode() if isinstance(document, str) else json.dumps(document).encode()
    return verify_credential(parse(data), source="test", options=options(fetcher=fetcher, **more))


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate("Ed25519")


# --- credentialSchema -------------------------------------------------------------------


class TestCredentialSchema:
    def test_a_credential_that_conforms_passes(self, key: SigningKey) -> None:
        """A credential validates against the schema it names (fetched from the cache)."""
        fetcher = FakeFetcher()
        fetcher.add_json(SCHEMA_URL, BADGE_SCHEMA)
        entry = {"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}
        report = verify_doc(signed(key, credentialSchema=[entry]), fetcher)
        check = report.check("schema")
        assert check is not None and check.status is CheckStatus.PASS, check
        assert report.status is ReportStatus.VALID
        assert dict(check.inputs)["schema"] == SCHEMA_URL

    def test_a_credential_that_breaks_its_schema_is_invalid(self, key: SigningKey) -> None:
        """Breaking the named schema is a failed required check, with the JSON path."""
        fetcher = FakeFetcher()
        fetcher.add_json(SCHEMA_URL, BADGE_SCHEMA)
        entry = {"id": SCHEMA_URL, "type": "JsonSchema"}
        report = verify_doc(signed(key, credentialSchema=entry, name="W1"), fetcher)
        check = report.check("schema")
        assert check is not None and check.status is CheckStatus.FAIL
        assert check.required and "$.name" in check.detail
        assert report.status is ReportStatus.INVALID

    def test_a_schema_that_cannot_be_had_is_unknown_and_not_held_against_it(
        self, key: SigningKey
    ) -> None:
        """Offline with no copy: unknown with the URL, and the credential stays valid."""
        entry = {"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}
        report = verify_doc(signed(key, credentialSchema=[entry]), FakeFetcher())
        check = report.check("schema")
        assert check is not None and check.status is CheckStatus.UNKNOWN
        assert SCHEMA_URL in check.detail and not check.required
        assert report.status is ReportStatus.VALID

    def test_an_unsupported_schema_type_is_unknown(self, key: SigningKey) -> None:
        entry = {"id": SCHEMA_URL, "type": "JsonSchemaCredential"}
        check = verify_doc(signed(key, credentialSchema=entry)).check("schema")
        assert check is not None and check.status is CheckStatus.UNKNOWN
        assert "JsonSchemaCredential" in check.detail

    def test_no_credential_schema_adds_no_check(self, key: SigningKey) -> None:
        assert verify_doc(signed(key)).check("schema") is None

    def test_the_shipped_ob3_schema_is_pinned_and_used_offline(self) -> None:
        """The OB 3.0 schema ships with its hash; the spec's complete example conforms."""
        assert SHIPPED_OB3 in shipped_schema_urls()
        assert shipped_schema(SHIPPED_OB3) is not None
        example = json.loads(
            (EXTERNAL / "1edtech-ob3-spec-examples/complete-openbadgecredential.json").read_text()
        )
        example["credentialSchema"] = [
            {"id": SHIPPED_OB3, "type": "1EdTechJsonSchemaValidator2019"}
        ]
        check = check_schemas(example, options(fetcher=None))
        assert check.status is CheckStatus.PASS, check.detail
        assert dict(check.inputs)["schema source"] == "shipped with credwallet"
        del example["credentialSubject"]
        broken = check_schemas(example, options(fetcher=None))
        assert broken.status is CheckStatus.FAIL
        assert "credentialSubject" in broken.detail

    def test_a_ref_to_a_document_not_at_hand_is_unknown(self) -> None:
        """Nothing is fetched while validating: a remote $ref cannot be followed."""
        fetcher = FakeFetcher()
        fetcher.add_json(SCHEMA_URL, {"$ref": "https://elsewhere.example/other.json"})
        document = {"credentialSchema": {"id": SCHEMA_URL, "type": "JsonSchema"}}
        check = check_schemas(document, options(fetcher=fetcher))
        assert check.status is CheckStatus.UNKNOWN
        assert fetcher.requested == [SCHEMA_URL]


# --- 1EdTechRevocationList ----------------------------------------------------------------


LIST_URL = "https://issuer.example/revocations/1"


class TestOneEdTechRevocationList:
    def credential(self, key: SigningKey) -> dict[str, Any]:
        return signed(key, credentialStatus={"id": LIST_URL, "type": "1EdTechRevocationList"})

    def test_listed_is_revoked(self, key: SigningKey) -> None:
        fetcher = FakeFetcher()
        document = self.credential(key)
        fetcher.add_json(
            LIST_URL,
            {
                "id": LIST_URL,
                "issuer": key.did,
                "revokedCredentials": [{"id": document["id"], "revocationReason": "cheating"}],
            },
        )
        report = verify_doc(document, fetcher)
        revocation = report.check("revocation")
        assert revocation is not None and revocation.status is CheckStatus.FAIL
        assert "cheating" in revocation.detail
        assert report.status is ReportStatus.INVALID

    def test_not_listed_or_revoked_false_is_not_revoked(self, key: SigningKey) -> None:
        fetcher = FakeFetcher()
        document = self.credential(key)
        fetcher.add_json(
            LIST_URL,
            {
                "id": LIST_URL,
                "issuer": {"id": key.did},
                "revokedCredentials": [
                    {"id": "urn:uuid:someone-else"},
                    {"id": document["id"], "revoked": False},
                ],
            },
        )
        report = verify_doc(document, fetcher)
        assert statuses(report)["revocation"] == "pass"
        assert report.status is ReportStatus.VALID

    def test_a_list_by_a_stranger_cannot_revoke_or_clear(self, key: SigningKey) -> None:
        """A list naming another issuer says nothing about this credential: unknown."""
        fetcher = FakeFetcher()
        document = self.credential(key)
        stranger = SigningKey.generate("Ed25519").did
        fetcher.add_json(
            LIST_URL,
            {"id": LIST_URL, "issuer": stranger, "revokedCredentials": [{"id": document["id"]}]},
        )
        revocation = verify_doc(document, fetcher).check("revocation")
        assert revocation is not None and revocation.status is CheckStatus.UNKNOWN
        assert stranger in revocation.detail

    def test_an_unreachable_list_is_unknown_with_its_url(self, key: SigningKey) -> None:
        revocation = verify_doc(self.credential(key), FakeFetcher()).check("revocation")
        assert revocation is not None and revocation.status is CheckStatus.UNKNOWN
        assert LIST_URL in revocation.detail


# --- refreshService -----------------------------------------------------------------------


REFRESH_URL = "https://issuer.example/refresh/1"
REFRESH = {"id": REFRESH_URL, "type": "1EdTechCredentialRefresh"}


class TestRefresh:
    def test_an_updated_version_is_verified_and_offered_not_applied(self, key: SigningKey) -> None:
        original = signed(key, refreshService=REFRESH)
        newer = signed(key, refreshService=REFRESH, validFrom="2026-06-01T00:00:00Z")
        fetcher = FakeFetcher()
        fetcher.add_json(REFRESH_URL, newer)
        report = verify_doc(original, fetcher)
        check = report.check("refresh")
        assert check is not None and check.status is CheckStatus.PASS, check.detail
        assert "updated version" in check.detail and "not applied" in check.detail
        inputs = dict(check.inputs)
        assert inputs["refreshed status"] == "valid"
        assert inputs["refreshed validFrom"] == "2026-06-01T00:00:00Z"
        # asked once: the refreshed copy's own refreshService is not followed
        assert fetcher.requested.count(REFRESH_URL) == 1
        # the report is still about the original
        assert report.status is ReportStatus.VALID

    def test_a_refreshed_copy_signed_by_someone_else_is_ignored(self, key: SigningKey) -> None:
        original = signed(key, refreshService=REFRESH)
        forged = sign_document(
            unsigned(key, refreshService=REFRESH, name="Welding Master"),
            suite="eddsa-jcs-2022",
            key=SigningKey.generate("Ed25519"),
        )
        fetcher = FakeFetcher()
        fetcher.add_json(REFRESH_URL, forged)
        report = verify_doc(original, fetcher)
        check = report.check("refresh")
        assert check is not None and check.status is CheckStatus.FAIL
        assert "ignored" in check.detail and not check.required
        assert report.status is ReportStatus.VALID

    def test_a_different_credential_is_ignored(self, key: SigningKey) -> None:
        original = signed(key, refreshService=REFRESH)
        other = signed(key, id="urn:uuid:00000000-0000-4000-8000-000000000099")
        fetcher = FakeFetcher()
        fetcher.add_json(REFRESH_URL, other)
        check = verify_doc(original, fetcher).check("refresh")
        assert check is not None and check.status is CheckStatus.FAIL
        assert "another id" in check.detail

    def test_offline_nothing_is_asked(self, key: SigningKey) -> None:
        fetcher = FakeFetcher()
        check = verify_doc(signed(key, refreshService=REFRESH), fetcher, offline=True).check(
            "refresh"
        )
        assert check is not None and check.status is CheckStatus.SKIP
        assert "offline" in check.detail

    def test_an_unknown_refresh_type_is_skipped(self, key: SigningKey) -> None:
        service = {"id": REFRESH_URL, "type": "ManualRefreshService2018"}
        check = verify_doc(signed(key, refreshService=service), FakeFetcher()).check("refresh")
        assert check is not None and check.status is CheckStatus.SKIP


# --- endorsements -------------------------------------------------------------------------


def endorsement(endorser: SigningKey, subject_id: str) -> dict[str, Any]:
    document = {
        "@context": list(OB3_CONTEXTS),
        "id": "urn:uuid:7f0c2a52-8d0d-4a3f-9f5e-2b1f4b9d1c11",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": endorser.did, "type": ["Profile"], "name": "Accrediting Agency"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Accreditation",
        "credentialSubject": {
            "id": subject_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": "In good standing",
        },
    }
    return sign_document(document, suite="eddsa-jcs-2022", key=endorser)


class TestEndorsements:
    def test_each_endorsement_is_verified_and_listed(self, key: SigningKey) -> None:
        endorser = SigningKey.generate("Ed25519")
        good = endorsement(endorser, key.did)
        tampered = copy.deepcopy(good)
        tampered["credentialSubject"]["endorsementComment"] = "Best in the world"
        as_jwt = sign_vc_jwt(endorsement(endorser, key.did), key=endorser)
        document = unsigned(key, endorsement=[good, tampered])
        document["issuer"]["endorsementJwt"] = [as_jwt]
        report = verify_doc(sign_document(document, suite="eddsa-jcs-2022", key=key))
        check = report.check("endorsement")
        assert check is not None and check.status is CheckStatus.FAIL, check
        assert check.detail.startswith("1 of 3 endorsements did not verify")
        lines = dict(check.inputs)
        assert lines["endorsement 1 (credential)"].startswith("valid: Accrediting Agency")
        assert lines["endorsement 2 (credential)"].startswith("invalid")
        assert lines["endorsement 3 (issuer)"].startswith("valid")
        # an endorsement is a third party's word: the badge itself is still valid
        assert not check.required and report.status is ReportStatus.VALID

    def test_all_good_endorsements_pass(self, key: SigningKey) -> None:
        good = endorsement(SigningKey.generate("Ed25519"), key.did)
        report = verify_doc(signed(key, endorsement=[good]))
        assert statuses(report)["endorsement"] == "pass"

    def test_the_spec_example_reports_its_three_endorsements(self) -> None:
        """complete-openbadgecredential.json embeds an endorsement in three places."""
        path = EXTERNAL / "1edtech-ob3-spec-examples/complete-openbadgecredential.json"
        report = verify_credential(parse(path.read_bytes()), source="x", options=options())
        check = report.check("endorsement")
        assert check is not None
        assert [k for k, _ in check.inputs] == [
            "endorsement 1 (credential)",
            "endorsement 2 (issuer)",
            "endorsement 3 (achievement)",
        ]


# --- CLR 2.0 ------------------------------------------------------------------------------


def clr(registrar: SigningKey, nested: list[object]) -> dict[str, Any]:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0e5e6c4a-6f52-4d24-9a5e-1c1d9b2a0c33",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": registrar.did, "type": ["Profile"], "name": "Registrar"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "verifiableCredential": nested,
        },
    }
    return sign_document(document, suite="eddsa-jcs-2022", key=registrar)


class TestClr:
    def test_the_outer_proof_and_every_nested_credential_are_reported(self) -> None:
        registrar, school = SigningKey.generate("Ed25519"), SigningKey.generate("Ed25519")
        nested = [signed(school), sign_vc_jwt(unsigned(school), key=school)]
        report = verify_doc(clr(registrar, nested))
        assert statuses(report)["proof"] == "pass"
        check = report.check("credentials")
        assert check is not None and check.status is CheckStatus.PASS, check
        assert check.detail == "2 credentials verified"
        assert [k for k, _ in check.inputs] == ["credential 1", "credential 2"]
        assert report.status is ReportStatus.VALID

    def test_a_forged_nested_credential_makes_the_clr_invalid(self) -> None:
        registrar, school = SigningKey.generate("Ed25519"), SigningKey.generate("Ed25519")
        forged = signed(school)
        forged["name"] = "Welding Master"
        report = verify_doc(clr(registrar, [signed(school), forged]))
        check = report.check("credentials")
        assert check is not None and check.status is CheckStatus.FAIL
        assert dict(check.inputs)["credential 2"].startswith("invalid")
        assert report.status is ReportStatus.INVALID
