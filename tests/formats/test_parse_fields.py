"""Field-by-field checks of the normalised Credential on real fixtures and on built documents."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fmt_samples import OB2_HOSTED, fixture_bytes, fixture_json

from credwallet.errors import BadInput
from credwallet.formats import parse, parse_all
from credwallet.models import Alignment, Container, CredentialFormat, Recipient

COMPLETE_OB3 = "1edtech-ob3-spec-examples/complete-openbadgecredential.json"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def as_bytes(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


class TestOpenBadges3:
    def test_complete_example(self, external: object) -> None:
        """The OB 3.0 'complete' example maps every field the wallet shows."""
        credential = parse(fixture_bytes(COMPLETE_OB3))
        assert credential.format is CredentialFormat.OB3
        assert credential.container is Container.JSON
        assert credential.name == "1EdTech University Degree for Example Student"
        assert credential.issuer.id == "https://1edtech.edu/issuers/565049"
        assert credential.issuer.name == "1EdTech University"
        assert credential.valid_from == utc(2010, 1, 1)
        assert credential.valid_until == utc(2030, 1, 1)
        assert credential.credits_earned == 42
        assert credential.public_url == "http://1edtech.edu/credentials/3732"
        achievement = credential.achievement
        assert achievement is not None
        assert achievement.id == "https://1edtech.edu/achievements/degree"
        assert achievement.achievement_type == "Degree"
        assert achievement.credits_available == 36
        assert credential.tags == ("research", "computer science")
        assert [a.target_type for a in credential.alignments] == ["CFItem", "CTDL"]
        assert credential.alignments[1].target_url == (
            "https://credentialengineregistry.org/resources/ce-98cb027b-95ef-4494-908d-6f7790ec6b6b"
        )
        assert Recipient("student@1edtech.edu", "emailAddress", False, "not-used") in (
            credential.recipients
        )
        assert [e.name for e in credential.evidence] == [
            "Final Project Report",
            "Final Project Code",
        ]

    def test_vc_jwt_of_the_same_example(self, external: object) -> None:
        """The VC-JWT form of the spec example gives the same view, plus its JWS."""
        raw = fixture_bytes("1edtech-ob3-spec-examples/complete-openbadgecredential.jwt")
        credential = parse(raw)
        plain = parse(fixture_bytes(COMPLETE_OB3))
        assert credential.format is CredentialFormat.VC_JWT
        assert credential.jws == raw.decode().strip()
        assert credential.achievement == plain.achievement
        assert credential.issuer.id == plain.issuer.id
        assert "OpenBadgeCredential" in credential.types

    def test_dcc_alignments(self, external: object) -> None:
        """DCC's alignments fixture keeps code, framework and URL of each alignment."""
        credential = parse(
            fixture_bytes(
                "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
                "legacyRegistry-noStatus-noExpiry-alignments.json"
            )
        )
        assert credential.alignments[0] == Alignment(
            target_name="Requirements Analysis",
            target_url="https://credentialfinder.org/credential/20229/Requirements_Analysis",
            target_code="ce-cf4dee18-7cea-443a-b920-158a0762c6bf",
            target_framework="Edmonds College Course Catalog",
        )
        assert credential.issuer.name == "Example University"

    def test_expired_vc11_dates(self, external: object) -> None:
        """VC 1.1 issuanceDate/expirationDate become issued/valid_from/valid_until."""
        credential = parse(fixture_bytes("dcc-verifier-core/v1/v1Expired.json"))
        assert credential.issued == utc(2025, 1, 9, 15, 6, 31)
        assert credential.valid_from == credential.issued
        assert credential.valid_until == utc(2025, 1, 9, 16, 23, 24)
        assert credential.achievement is not None
        assert credential.achievement.name == "Badge"
        assert credential.public_url is None  # urn:uuid ids are not public URLs

    def test_string_issuer(self, external: object) -> None:
        """An issuer given as a plain string becomes Party(id=...)."""
        credential = parse(fixture_bytes("dcc-verifier-core/v2/v2SimpleIssuerId.json"))
        assert (
            credential.issuer.id
            == fixture_json("dcc-verifier-core/v2/v2SimpleIssuerId.json")["issuer"]
        )
        assert credential.issuer.name is None

    def test_built_document(self) -> None:
        """related ids, keywords, image objects, language maps and awardedDate are read."""
        document = copy.deepcopy(
            fixture_json("1edtech-ob3-spec-examples/sample-openbadgecredential.json")
        )
        document["name"] = {"fr": "Insigne", "en": "Teamwork Badge (en)"}
        document["awardedDate"] = "2011-02-03T04:05:06.789+02:00"
        document["validUntil"] = "not a date"
        document["url"] = "https://example.com/public/3527"
        document["id"] = "urn:uuid:52ac2a62-a0dd-4d16-b0bf-8d57c8c0c7f0"
        achievement = document["credentialSubject"]["achievement"]
        achievement["related"] = [{"id": "https://example.com/a/old"}, "https://example.com/a/x"]
        achievement["tag"] = ["teamwork", "soft skills"]
        achievement["keywords"] = ["soft skills", "collaboration"]
        achievement["image"] = {"id": "https://example.com/a.png", "type": "Image"}
        credential = parse(as_bytes(document))
        assert credential.name == "Teamwork Badge (en)"
        assert credential.issued == utc(2011, 2, 3, 2, 5, 6, 789000)
        assert credential.valid_until is None  # unreadable, kept in the document
        assert credential.document["validUntil"] == "not a date"
        assert credential.public_url == "https://example.com/public/3527"
        assert credential.achievement is not None
        assert credential.achievement.related == (
            "https://example.com/a/old",
            "https://example.com/a/x",
        )
        assert credential.tags == ("teamwork", "soft skills", "collaboration")
        assert credential.image == "https://example.com/a.png"

    def test_hashed_identifier(self) -> None:
        """An OB 3.0 identifier with a salted hash becomes a hashed Recipient."""
        document = fixture_json("1edtech-ob3-spec-examples/sample-openbadgecredential.json")
        document["credentialSubject"]["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": "sha256$abc",
                "identityType": "emailAddress",
                "hashed": True,
                "salt": "pepper",
            }
        ]
        credential = parse(as_bytes(document))
        assert credential.recipients == (Recipient("sha256$abc", "emailAddress", True, "pepper"),)

    def test_strings_kept_exactly(self) -> None:
        """Names with control and bidi characters are data: kept, not cleaned."""
        document = fixture_json("1edtech-ob3-spec-examples/sample-openbadgecredential.json")
        document["name"] = "Bad\x1b[31m\u202eName\n"
        assert parse(as_bytes(document)).name == "Bad\x1b[31m\u202eName\n"


class TestOpenBadges2:
    def test_hosted_assertion(self, external: object) -> None:
        """The spec's hosted assertion: hashed recipient, URL-only badge, dates, public URL."""
        credential = parse(fixture_bytes("1edtech-ob2-spec-examples/assertion-hosted.json"))
        assert credential.format is CredentialFormat.OB2
        assert credential.recipients == (
            Recipient(
                "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
                "email",
                True,
                "deadsea",
            ),
        )
        assert credential.achievement is not None
        assert credential.achievement.id == "https://example.org/robotics-badge.json"
        assert credential.issued == utc(2016, 12, 31, 23, 59, 59)
        assert credential.valid_until == utc(2017, 6, 30, 23, 59, 59)
        assert credential.public_url == "https://example.org/beths-robotics-badge.json"
        assert credential.image == "https://example.org/beths-robot-badge.png"

    def test_signed_assertion(self, external: object) -> None:
        """A signed OB 2.0 assertion arrives as a JWS: OB2 format, no public URL, JWS kept."""
        raw = fixture_bytes("1edtech-ob2-spec-examples/signed-assertion.jws")
        credential = parse(raw)
        assert credential.format is CredentialFormat.OB2
        assert credential.container is Container.JWT
        assert credential.jws == raw.decode().strip()
        assert credential.document["type"] == "Assertion"
        assert credential.public_url is None

    def test_embedded_badge_and_issuer(self) -> None:
        """Embedded BadgeClass and Issuer objects fill achievement and issuer."""
        document = {
            **OB2_HOSTED,
            "badge": {
                "type": "BadgeClass",
                "id": "https://badges.example.org/badges/robotics",
                "name": "Robotics",
                "description": "Builds robots.",
                "image": "https://badges.example.org/robotics.png",
                "criteria": {"narrative": "Build one robot."},
                "tags": ["robots", "stem"],
                "alignment": [{"targetName": "Problem-Solving", "targetFramework": "Mozilla"}],
                "issuer": {"id": "https://badges.example.org/issuer", "name": "Robot Club"},
            },
        }
        credential = parse(as_bytes(document))
        assert credential.name == "Robotics"
        assert credential.issuer.name == "Robot Club"
        assert credential.issuer.id == "https://badges.example.org/issuer"
        assert credential.achievement is not None
        assert credential.achievement.criteria == "Build one robot."
        assert credential.tags == ("robots", "stem")
        assert credential.alignments == (Alignment("Problem-Solving", target_framework="Mozilla"),)
        assert credential.image == "https://badges.example.org/robotics.png"
        assert credential.subject.email == "ada@example.org"
        assert credential.issued == utc(2024, 3, 1, 11)

    def test_spec_badgeclass_is_not_strict_json(self, external: object) -> None:
        """The spec's BadgeClass has raw line breaks in a string, which strict JSON refuses."""
        with pytest.raises(BadInput, match="control character"):
            parse(fixture_bytes("1edtech-ob2-spec-examples/badgeclass.json"))

    def test_ob1_baked_assertion(self, external: object) -> None:
        """The OB 1.0 assertion in the concentricsky PNG: uid, date-only issuedOn, plain email."""
        credential = parse(fixture_bytes("concentricsky-openbadges-bakery/baked_heart.png"))
        assert credential.credential_id == "123"
        assert credential.issued == utc(2015, 4, 1)
        assert credential.recipients == (Recipient("test@example.com", "email", False, None),)
        assert credential.public_url is None  # its verify URL is plain http


class TestVcJwt:
    def test_vc11_claims_mapping(self, external: object) -> None:
        """iss, sub and nbf of a VC 1.1 JWT become issuer, subject and issuance date."""
        credential = parse(fixture_bytes("spruceid-ssi/vc.jwt"))
        assert credential.format is CredentialFormat.VC_JWT
        assert credential.issuer.id == "did:example:foo"
        assert credential.subject.id == "urn:uuid:9d41faa8-f2ec-4c3a-9f15-69d3b9648750"
        assert credential.issued == datetime.fromtimestamp(1627921070, UTC)
        assert credential.document["iss"] == "did:example:foo"  # the document is the JWT payload

    def test_vp_jwt_with_embedded_vc_jwt(self, external: object) -> None:
        """A VP-JWT whose credential is itself a VC-JWT yields that VC-JWT."""
        (credential,) = parse_all(fixture_bytes("spruceid-ssi/vp-jwtvc.jwt"))
        assert credential.format is CredentialFormat.VC_JWT
        assert credential.jws is not None
        assert credential.original == credential.jws.encode()


class TestBlockcerts:
    def test_multilingual_v3(self, external: object) -> None:
        """A Blockcerts v3 credential with a language list picks the English name."""
        credential = parse(
            fixture_bytes(
                "blockcerts-cert-verifier-js/fixtures/v3/mocknet-vc-v2-name-description-multilingual.json"
            )
        )
        assert credential.format is CredentialFormat.BLOCKCERTS
        assert credential.name == "Canadian Id Card"
        assert credential.valid_until == utc(2039, 2, 28, 23, 59, 59)

    def test_v2_assertion(self, external: object) -> None:
        """A Blockcerts v2 certificate is read through its OB 2.0 shape."""
        credential = parse(
            fixture_bytes("blockcerts-cert-verifier-js/fixtures/v2/mocknet-valid-2.0.json")
        )
        assert credential.format is CredentialFormat.BLOCKCERTS
        assert credential.name == "Certificate of Accomplishment"
        assert credential.issuer.name == "University of Learning"
        assert credential.recipients[0].identity == "eularia@landroth.org"

    def test_presentation_of_two(self, external: object) -> None:
        """A Blockcerts presentation gives both credentials; parse() refuses the ambiguity."""
        raw = fixture_bytes(
            "blockcerts-cert-verifier-js/fixtures/v3/mocknet-verifiable-presentation.json"
        )
        names = [c.name for c in parse_all(raw)]
        assert names == ["Master of Puppets", "Canadian Id Card"]
        with pytest.raises(BadInput, match="2 credentials"):
            parse(raw)


class TestCollections:
    def test_json_array(self, external: object) -> None:
        """A JSON array of credentials (objects and JWT strings) gives each in order."""
        jwt = fixture_bytes("spruceid-ssi/vc.jwt").decode().strip()
        array = [fixture_json(COMPLETE_OB3), jwt, OB2_HOSTED]
        formats = [c.format for c in parse_all(as_bytes(array))]
        assert formats == [CredentialFormat.OB3, CredentialFormat.VC_JWT, CredentialFormat.OB2]

    def test_bad_entry_is_named(self) -> None:
        """A bad entry of an array names its index."""
        with pytest.raises(BadInput, match="entry 1"):
            parse_all(as_bytes([OB2_HOSTED, {"hello": "world"}]))

    def test_empty_array(self) -> None:
        """An empty array holds no credentials."""
        with pytest.raises(BadInput, match="no credentials"):
            parse_all(b"[]")

    def test_name_prefixes_errors(self) -> None:
        """The input name given by the caller starts the error message."""
        with pytest.raises(BadInput, match=r"^badge\.json: not a credential"):
            parse(b'{"hello": "world"}', name="badge.json")
