"""Data Integrity proofs: the W3C vectors' intermediate values, and credentials signed here."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from verify_support import FIXTURE_NOW

from credwallet.errors import BadInput
from credwallet.models import CheckStatus
from credwallet.verify.dataintegrity import (
    ED25519_2020_CONTEXT,
    SIGNATURE_MISMATCH,
    sign_document,
    verify_proofs,
)
from credwallet.verify.keys import (
    ResolvedKey,
    SigningKey,
    multibase_decode,
    resolve_verification_method,
)
from support import EXTERNAL

SUITE_KEYS = [
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("Ed25519Signature2020", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-rdfc-2019", "P-384"),
    ("ecdsa-jcs-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
]
SIGNED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
KEYS = {alg: SigningKey.generate(alg) for alg in ("Ed25519", "P-256", "P-384")}


def resolve(vm: str) -> ResolvedKey:
    return resolve_verification_method(vm, fetcher=None)


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b8f3c1e-6a53-4a7e-9d0f-5c1d2e3f4a5b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test Issuer"},
        "validFrom": "2026-01-15T00:00:00Z",
        "name": "Test Badge",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Test Achievement",
                "criteria": {"narrative": "Do the thing."},
                "description": "A test achievement.",
            },
        },
    }


def signed(suite: str, alg: str, **kwargs: Any) -> dict[str, Any]:
    key = KEYS[alg]
    return sign_document(credential(key.did_key), suite=suite, key=key, created=SIGNED_AT, **kwargs)


def verdicts(document: dict[str, Any], **kwargs: Any) -> list[CheckStatus]:
    return [o.status for o in verify_proofs(document, resolve=resolve, now=FIXTURE_NOW, **kwargs)]


def _vector(name: str) -> str:
    return (EXTERNAL / name).read_text("utf-8").strip()


class TestW3CVectors:
    @pytest.mark.parametrize(
        ("folder", "suffix"),
        [
            ("w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022", "DataInt"),
            ("w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022", "JCS"),
            ("w3c-vc-di-eddsa/TestVectors/Ed25519Signature2020", "EdSig"),
            ("w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256", "ECDSAP256"),
            ("w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384", "ECDSAP384"),
            ("w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p256", "JCSECDSAP256"),
            ("w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384", "JCSECDSAP384"),
        ],
    )
    def test_intermediate_hashes_match(self, folder: str, suffix: str) -> None:
        """The proof-config and document hashes are the ones the specification publishes."""
        signed_name = {"DataInt": "signedDataInt", "JCS": "signedJCS", "EdSig": "signedEdSig"}
        name = signed_name.get(suffix, f"signed{suffix}")
        document = json.loads(_vector(f"{folder}/{name}.json"))
        (outcome,) = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        inputs = dict(outcome.inputs)
        assert outcome.status is CheckStatus.PASS
        assert inputs["document hash"] == _vector(f"{folder}/docHash{suffix}.txt")
        assert inputs["proof config hash"] == _vector(f"{folder}/proofHash{suffix}.txt")

    def test_signing_reproduces_the_eddsa_vector(self) -> None:
        """Signing the unsigned vector with its key gives exactly the published proofValue."""
        folder = EXTERNAL / "w3c-vc-di-eddsa/TestVectors"
        pair = json.loads((folder / "keyPair.json").read_text("utf-8"))
        seed = multibase_decode(pair["privateKeyMultibase"])[2:]  # ed25519-priv codec 0x1300
        key = SigningKey.from_seed(seed)
        assert key.multibase == pair["publicKeyMultibase"]
        for name in ("eddsa-rdfc-2022/signedDataInt.json", "eddsa-jcs-2022/signedJCS.json"):
            published = json.loads((folder / name).read_text("utf-8"))
            proof = published.pop("proof")
            again = sign_document(
                published,
                suite=proof["cryptosuite"],
                key=key,
                created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
            )
            assert again["proof"]["proofValue"] == proof["proofValue"]

    def test_chained_proof_verifies_only_with_its_previous_proofs(self) -> None:
        """Removing a proof a chain names makes the chained proof fail."""
        path = EXTERNAL / "w3c-vc-di-eddsa/TestVectors/proof-set-chain/signedProofChain2.json"
        document = json.loads(path.read_text("utf-8"))
        assert verdicts(document) == [CheckStatus.PASS] * 4
        del document["proof"][0]
        outcomes = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        chained = [o for o in outcomes if o.status is CheckStatus.FAIL]
        assert chained and "previous proof" in chained[0].detail


@pytest.mark.parametrize(("suite", "alg"), SUITE_KEYS)
class TestOwnCredentials:
    def test_signed_credential_verifies(self, suite: str, alg: str) -> None:
        """A credential signed here verifies, with the suite and key named in its inputs."""
        document = signed(suite, alg)
        (outcome,) = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        assert outcome.status is CheckStatus.PASS, outcome.detail
        assert dict(outcome.inputs)["cryptosuite"] == suite
        assert outcome.key is not None and outcome.key.key.crv == alg

    def test_reserialised_with_other_order_and_whitespace_still_verifies(
        self, suite: str, alg: str
    ) -> None:
        """Key order and whitespace are not part of what is signed."""
        document = signed(suite, alg)
        text = json.dumps(dict(reversed(list(document.items()))), indent=7)
        assert verdicts(json.loads(text)) == [CheckStatus.PASS]

    @pytest.mark.parametrize(
        "path",
        [
            ("name",),
            ("validFrom",),
            ("issuer", "name"),
            ("credentialSubject", "id"),
            ("credentialSubject", "achievement", "name"),
            ("credentialSubject", "achievement", "criteria", "narrative"),
        ],
    )
    def test_any_field_changed_after_signing_fails(
        self, suite: str, alg: str, path: tuple[str, ...]
    ) -> None:
        """Changing a signed field breaks the signature."""
        document = signed(suite, alg)
        node: Any = document
        for part in path[:-1]:
            node = node[part]
        replacements = {"validFrom": "2030-01-01T00:00:00Z", "id": "did:example:someone-else"}
        node[path[-1]] = replacements.get(path[-1], "changed")
        (outcome,) = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        assert outcome.status is CheckStatus.FAIL
        assert outcome.detail == SIGNATURE_MISMATCH

    @pytest.mark.parametrize("field", ["created", "proofPurpose", "verificationMethod"])
    def test_proof_options_changed_after_signing_fail(
        self, suite: str, alg: str, field: str
    ) -> None:
        """The proof's own options are signed too."""
        document = signed(suite, alg)
        other = SigningKey.generate(alg)
        document["proof"][field] = {
            "created": "2026-02-01T00:00:00Z",
            "proofPurpose": "authentication",
            "verificationMethod": other.verification_method,
        }[field]
        outcomes = verify_proofs(
            document,
            resolve=resolve,
            now=FIXTURE_NOW,
            expected_purpose=document["proof"]["proofPurpose"],
        )
        assert [o.status for o in outcomes] == [CheckStatus.FAIL]

    def test_signature_by_another_key_fails(self, suite: str, alg: str) -> None:
        """A proof naming one key but signed by another fails."""
        key = KEYS[alg]
        impostor = SigningKey.generate(alg)
        document = sign_document(
            credential(key.did_key),
            suite=suite,
            key=impostor,
            verification_method=key.verification_method,
        )
        assert verdicts(document) == [CheckStatus.FAIL]

    def test_wrong_proof_purpose_fails(self, suite: str, alg: str) -> None:
        """A proof made for authentication does not count as an assertion."""
        document = signed(suite, alg, proof_purpose="authentication")
        (outcome,) = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        assert outcome.status is CheckStatus.FAIL
        assert "purpose" in outcome.detail


class TestProofSetsAndChains:
    def test_proof_set_of_all_suites_verifies(self) -> None:
        """A document carrying a proof of every suite verifies each of them."""
        key = KEYS["Ed25519"]
        document = credential(key.did_key)
        for suite, alg in SUITE_KEYS:
            document = sign_document(document, suite=suite, key=KEYS[alg], created=SIGNED_AT)
        assert verdicts(document) == [CheckStatus.PASS] * len(SUITE_KEYS)

    def test_one_bad_proof_in_a_set_is_reported(self) -> None:
        """A set with one broken proof reports that proof as failed."""
        document = signed("eddsa-rdfc-2022", "Ed25519")
        document = sign_document(document, suite="eddsa-jcs-2022", key=KEYS["Ed25519"])
        proofs = document["proof"]
        proofs[1]["proofValue"] = proofs[0]["proofValue"]
        assert verdicts(document) == [CheckStatus.PASS, CheckStatus.FAIL]

    def test_proof_chain_signs_over_previous_proof(self) -> None:
        """An endorsement chained to the first proof breaks when that proof is swapped."""
        first = sign_document(
            credential(KEYS["Ed25519"].did_key),
            suite="eddsa-rdfc-2022",
            key=KEYS["Ed25519"],
            proof_id="urn:uuid:proof-1",
        )
        chained = sign_document(
            first, suite="ecdsa-jcs-2019", key=KEYS["P-256"], previous_proof="urn:uuid:proof-1"
        )
        assert verdicts(chained) == [CheckStatus.PASS, CheckStatus.PASS]
        swapped = copy.deepcopy(chained)
        swapped["proof"][0]["created"] = "2020-01-01T00:00:00Z"
        assert verdicts(swapped) == [CheckStatus.FAIL, CheckStatus.FAIL]

    def test_chain_to_a_missing_proof_is_refused_when_signing(self) -> None:
        """Chaining to a proof id that is not on the document is an error."""
        with pytest.raises(BadInput, match="previous proof"):
            signed("eddsa-rdfc-2022", "Ed25519", previous_proof="urn:uuid:nowhere")


class TestOptionsAndMalformedProofs:
    def test_challenge_and_domain_are_checked(self) -> None:
        """A proof with a challenge and domain verifies only when both match."""
        document = signed("eddsa-jcs-2022", "Ed25519", challenge="abc", domain="example.org")
        assert verdicts(document, challenge="abc", domain="example.org") == [CheckStatus.PASS]
        assert verdicts(document, challenge="xyz") == [CheckStatus.FAIL]
        assert verdicts(document, domain="evil.example") == [CheckStatus.FAIL]

    def test_expired_proof_fails(self) -> None:
        """A proof past its own expires date fails, saying when."""
        document = signed("eddsa-jcs-2022", "Ed25519")
        document["proof"]["expires"] = "2026-06-01T00:00:00Z"
        (outcome,) = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        assert outcome.status is CheckStatus.FAIL
        assert "2026-06-01" in outcome.detail

    def test_unsupported_suite_is_unknown(self) -> None:
        """A suite this wallet does not implement is unknown, not a pass."""
        document = signed("eddsa-jcs-2022", "Ed25519")
        document["proof"]["cryptosuite"] = "bbs-2023"
        assert verdicts(document) == [CheckStatus.UNKNOWN]

    def test_suite_refuses_a_key_of_another_type(self) -> None:
        """An eddsa proof naming a P-256 key fails."""
        document = signed("eddsa-jcs-2022", "Ed25519")
        document["proof"]["verificationMethod"] = KEYS["P-256"].verification_method
        (outcome,) = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        assert outcome.status is CheckStatus.FAIL
        assert "P-256" in outcome.detail

    def test_signing_with_the_wrong_key_type_is_refused(self) -> None:
        """sign_document refuses a key the suite cannot use."""
        with pytest.raises(BadInput):
            sign_document(credential("did:example:x"), suite="eddsa-rdfc-2022", key=KEYS["P-256"])

    def test_ed25519_signature_2020_adds_its_context(self) -> None:
        """Ed25519Signature2020 signing adds the suite context the proof terms need."""
        assert ED25519_2020_CONTEXT in signed("Ed25519Signature2020", "Ed25519")["@context"]

    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(
        proof=st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=20),
            st.dictionaries(
                st.sampled_from(
                    [
                        "type",
                        "cryptosuite",
                        "proofValue",
                        "verificationMethod",
                        "proofPurpose",
                        "created",
                        "expires",
                        "previousProof",
                        "challenge",
                        "domain",
                        "@context",
                    ]
                ),
                st.one_of(
                    st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=5))
                ),
            ),
        )
    )
    def test_any_proof_gives_an_outcome_or_bad_input(self, proof: object) -> None:
        """Whatever the proof holds, verification returns outcomes or raises BadInput only."""
        document = credential(KEYS["Ed25519"].did_key)
        document["proof"] = proof
        try:
            outcomes = verify_proofs(document, resolve=resolve, now=FIXTURE_NOW)
        except BadInput:
            return
        assert all(o.status is not CheckStatus.PASS for o in outcomes)
