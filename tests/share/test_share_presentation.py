"""Holder-signed presentations: shape, embedding unchanged, proof binding, independent check."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from share_helpers import (
    BAKED_PNG,
    JWT_VC1,
    JWT_VC2,
    NOW,
    OB2_HOSTED,
    OB3_SKILL,
    VC1_OB3,
    VC2_EDDSA,
    holder_verdict,
    load,
)

from credwallet.errors import BadInput, UsageError
from credwallet.models import ReportStatus
from credwallet.share import presentation as vp
from credwallet.verify.engine import VerifyOptions, verify_presentation
from credwallet.verify.keys import SigningKey
from support import CONTEXTS

CREATED = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def verify(
    document: dict[str, Any], *, challenge: str | None = None, domain: str | None = None
) -> ReportStatus:
    options = VerifyOptions(now=NOW, offline=True, challenge=challenge, domain=domain)
    report, _inner = verify_presentation(document, source="vp.json", options=options)
    return holder_verdict(report)


class TestShape:
    def test_vc2_presentation(self, holder_key: SigningKey) -> None:
        """VC 2.0 credentials go in a 2.0 presentation, embedded exactly as they are."""
        credentials = [load(VC2_EDDSA), load(OB3_SKILL)]
        document = vp.build_presentation(credentials, holder=holder_key.did_key)
        assert document["@context"] == [vp.VC2_CONTEXT]
        assert document["type"] == ["VerifiablePresentation"]
        assert document["holder"] == holder_key.did_key
        assert document["verifiableCredential"] == [c.document for c in credentials]
        assert document["verifiableCredential"][0] == json.loads(credentials[0].original)

    def test_vc2_jwt_is_enveloped(self, holder_key: SigningKey) -> None:
        """A VC 2.0 JWT becomes an EnvelopedVerifiableCredential with a vc+jwt data: URL."""
        credential = load(JWT_VC2)
        (entry,) = vp.build_presentation([credential], holder=holder_key.did_key)[
            "verifiableCredential"
        ]
        assert entry == {
            "@context": vp.VC2_CONTEXT,
            "id": f"data:application/vc+jwt,{credential.jws}",
            "type": "EnvelopedVerifiableCredential",
        }
        assert credential.original.decode().strip() == credential.jws

    def test_vc1_presentation_with_jwt(self, holder_key: SigningKey) -> None:
        """VC 1.1 credentials go in a 1.1 presentation; a 1.1 JWT is embedded as its string."""
        credentials = [load(VC1_OB3), load(JWT_VC1)]
        document = vp.build_presentation(credentials, holder=holder_key.did_key)
        assert document["@context"] == [vp.VC1_CONTEXT, vp.DATA_INTEGRITY_CONTEXT]
        assert document["verifiableCredential"] == [credentials[0].document, credentials[1].jws]

    def test_mixed_versions_are_refused(self, holder_key: SigningKey) -> None:
        """A 1.1 and a 2.0 credential cannot share one presentation."""
        with pytest.raises(BadInput, match=r"mix VC 1\.1 and VC 2\.0"):
            vp.build_presentation([load(VC1_OB3), load(VC2_EDDSA)], holder=holder_key.did_key)

    @pytest.mark.parametrize("fixture", [OB2_HOSTED, BAKED_PNG])
    def test_open_badges_2_is_not_a_vc(self, holder_key: SigningKey, fixture: str) -> None:
        """An OB 2.0 assertion (plain or baked) is refused with a reason."""
        with pytest.raises(BadInput, match=r"Open Badges 2\.0"):
            vp.build_presentation([load(fixture)], holder=holder_key.did_key)

    def test_credentials_are_not_mutated(self, holder_key: SigningKey) -> None:
        """Signing leaves the wallet's credential documents untouched."""
        credential = load(VC2_EDDSA)
        before = copy.deepcopy(credential.document)
        signed = vp.create_presentation([credential], key=holder_key, created=CREATED)
        signed["verifiableCredential"][0]["name"] = "changed"
        assert credential.document == before

    def test_needs_a_credential(self, holder_key: SigningKey) -> None:
        """An empty presentation is a usage error."""
        with pytest.raises(UsageError):
            vp.build_presentation([], holder=holder_key.did_key)


class TestProof:
    @pytest.mark.parametrize("suite", vp.SUITES)
    def test_signed_presentation_verifies(self, holder_key: SigningKey, suite: str) -> None:
        """The holder's authentication proof verifies, bound to challenge and domain."""
        signed = vp.create_presentation(
            [load(VC2_EDDSA), load(JWT_VC2)],
            key=holder_key,
            suite=suite,
            challenge="c-123",
            domain="jobs.example",
            created=CREATED,
        )
        proof = signed["proof"]
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == suite
        assert proof["proofPurpose"] == "authentication"
        assert proof["verificationMethod"] == holder_key.verification_method
        assert (proof["challenge"], proof["domain"]) == ("c-123", "jobs.example")
        assert verify(signed, challenge="c-123", domain="jobs.example") is ReportStatus.VALID

    @pytest.mark.parametrize("suite", vp.SUITES)
    def test_wrong_challenge_or_domain_fails(self, holder_key: SigningKey, suite: str) -> None:
        """A verifier expecting another challenge or domain rejects the presentation."""
        signed = vp.create_presentation(
            [load(VC2_EDDSA)], key=holder_key, suite=suite, challenge="c-1", domain="a.example"
        )
        assert verify(signed, challenge="c-2", domain="a.example") is ReportStatus.INVALID
        assert verify(signed, challenge="c-1", domain="b.example") is ReportStatus.INVALID

    @pytest.mark.parametrize("suite", vp.SUITES)
    def test_tampered_credential_fails(self, holder_key: SigningKey, suite: str) -> None:
        """Changing an embedded credential after signing breaks the holder's proof."""
        signed = vp.create_presentation(
            [load(VC2_EDDSA), load(JWT_VC2)], key=holder_key, suite=suite
        )
        tampered = copy.deepcopy(signed)
        tampered["verifiableCredential"][1]["id"] += "x"
        assert verify(tampered) is ReportStatus.INVALID

    def test_vc1_with_jwt_signs_with_jcs(self, holder_key: SigningKey) -> None:
        """A 1.1 presentation holding a JWT is signed with JCS, and an altered JWT is caught."""
        signed = vp.create_presentation(
            [load(VC1_OB3), load(JWT_VC1)], key=holder_key, suite="eddsa-jcs-2022"
        )
        assert verify(signed) is ReportStatus.VALID
        signed["verifiableCredential"][1] = signed["verifiableCredential"][1][:-4] + "AAAA"
        assert verify(signed) is ReportStatus.INVALID

    def test_vc1_with_jwt_refuses_rdfc(self, holder_key: SigningKey) -> None:
        """RDFC would drop the JWT string from what is signed, so it is refused."""
        with pytest.raises(UsageError, match="eddsa-jcs-2022"):
            vp.create_presentation([load(JWT_VC1)], key=holder_key, suite="eddsa-rdfc-2022")

    def test_vc1_rdfc_without_jwt(self, holder_key: SigningKey) -> None:
        """A 1.1 presentation of JSON-LD credentials signs and verifies with RDFC."""
        signed = vp.create_presentation([load(VC1_OB3)], key=holder_key, challenge="n-9")
        assert verify(signed, challenge="n-9") is ReportStatus.VALID

    def test_unknown_suite(self, holder_key: SigningKey) -> None:
        """Only the two EdDSA suites are offered."""
        with pytest.raises(UsageError, match="unsupported suite"):
            vp.create_presentation([load(VC2_EDDSA)], key=holder_key, suite="ecdsa-rdfc-2019")

    def test_holder_must_be_the_key(self, holder_key: SigningKey) -> None:
        """A presentation naming another holder is not signed."""
        unsigned = vp.build_presentation([load(VC2_EDDSA)], holder="did:example:someone-else")
        with pytest.raises(UsageError, match="holder"):
            vp.sign_presentation(unsigned, key=holder_key)


# -- an independent check: pyld's URDNA2015 or plain sorted JSON, and cryptography's Ed25519 ----

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _pyld_loader() -> Any:
    index = json.loads((CONTEXTS / "index.json").read_text())

    def load_context(url: str, _options: object = None) -> dict[str, Any]:
        entry = index[url]
        document = json.loads((CONTEXTS / entry["file"]).read_text())
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load_context


def _canonical(document: dict[str, Any], suite: str) -> bytes:
    if suite == "eddsa-jcs-2022":
        # RFC 8785 equals sorted, compact JSON for documents of strings, ints and ASCII keys.
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    from pyld import jsonld

    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    options["documentLoader"] = _pyld_loader()
    return str(jsonld.normalize(document, options)).encode()


def independently_valid(signed: dict[str, Any]) -> bool:
    """vc-di-eddsa verification written from the spec, sharing no code with credwallet."""
    proof = dict(signed["proof"])
    signature = _b58decode(proof.pop("proofValue")[1:])  # multibase 'z' = base58btc
    suite = proof["cryptosuite"]
    proof["@context"] = signed["@context"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    message = hashlib.sha256(_canonical(proof, suite)).digest()
    message += hashlib.sha256(_canonical(unsecured, suite)).digest()
    did = proof["verificationMethod"].split("#")[0]
    multikey = _b58decode(did.removeprefix("did:key:z"))
    assert multikey[:2] == b"\xed\x01"  # the multicodec prefix of an Ed25519 public key
    try:
        Ed25519PublicKey.from_public_bytes(multikey[2:]).verify(signature, message)
    except InvalidSignature:
        return False
    return True


class TestIndependentImplementation:
    @pytest.mark.parametrize("suite", vp.SUITES)
    def test_accepted_by_an_independent_verifier(self, holder_key: SigningKey, suite: str) -> None:
        """pyld (URDNA2015) or sorted JSON plus cryptography's Ed25519 accept the proof."""
        signed = vp.create_presentation(
            [load(VC2_EDDSA), load(JWT_VC2)], key=holder_key, suite=suite, challenge="abc"
        )
        assert independently_valid(signed)
        signed["holder"] = "did:example:mallory"
        assert not independently_valid(signed)
