"""verify/blockcerts.py and verify/merkle.py: Blockcerts v2/v3 receipts, keys, status, anchors."""

from __future__ import annotations

import base64
import contextlib
import copy
import gzip
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import support
from credwallet.errors import BadInput, CredwalletError, FetchError
from credwallet.formats import parse
from credwallet.models import (
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    ReportStatus,
    VerificationReport,
)
from credwallet.net import Fetched, Fetcher, MemoryCache
from credwallet.verify.blockcerts import verify_blockcerts
from credwallet.verify.engine import VerifyOptions, verify_credential
from credwallet.verify.keys import base58_encode
from credwallet.verify.merkle import (
    cbor_decode,
    decode_merkle_proof_2019,
    merkle_root,
    receipt_from_json,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)
AS_OF = datetime(2026, 5, 30, tzinfo=UTC)
V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# The issuer profile above names this revocation list; cert-verifier-js's e2e tests mock it (as
# an empty RevocationList, like hyland-revocation-list-empty.json) but the manifest does not
# bundle it. Tests serve that same empty list for it; TestUnbundledRevocationList shows what
# happens without it.
UNBUNDLED_EMPTY_LISTS = ("https://www.blockcerts.org/samples/3.0/revocation-list-blockcerts.json",)
EMPTY_LIST = {"type": "RevocationList", "revokedAssertions": []}


class ManifestFetcher(Fetcher):
    """Serves a case's bundled resources (offline, as a cache would) and the mocked lists."""

    def __init__(self, resources: dict[str, str], *, empty_lists: tuple[str, ...]) -> None:
        docs = [
            Fetched(url, (support.EXTERNAL / path).read_bytes(), AS_OF, True)
            for url, path in resources.items()
        ]
        super().__init__(cache=MemoryCache(docs), offline=True)
        self.empty_lists = empty_lists
        self.asked: list[str] = []

    def fetch(self, url: str, *, accept: str = "application/json") -> Fetched:
        self.asked.append(url)
        try:
            return super().fetch(url, accept=accept)
        except FetchError:
            if url.split("?", 1)[0] in self.empty_lists:
                return Fetched(url, json.dumps(EMPTY_LIST).encode(), AS_OF, True)
            raise


def case_credential(entry: dict[str, Any]) -> Credential:
    data = (support.EXTERNAL / entry["file"]).read_bytes()
    document = json.loads(data)
    if "VerifiablePresentation" in document.get("type", []):
        return Credential(
            format=CredentialFormat.BLOCKCERTS,
            container=Container.JSON,
            original=data,
            document=document,
            credential_id=document.get("id"),
        )
    return parse(data, name=entry["file"])


def case_report(
    entry: dict[str, Any], *, empty_lists: tuple[str, ...] = UNBUNDLED_EMPTY_LISTS
) -> VerificationReport:
    fetcher = ManifestFetcher(entry.get("resources", {}), empty_lists=empty_lists)
    options = VerifyOptions(now=NOW, fetcher=fetcher, offline=True)
    return verify_credential(case_credential(entry), source=entry["file"], options=options)


def _offline_detectable(entry: dict[str, Any]) -> bool:
    """The manifest says which network-needing invalid cases are still detectable offline."""
    return "detectable offline" in entry["why"] or "checks" in entry


VALID = support.cases("blockcerts", expect="valid")
INVALID = support.cases("blockcerts", expect="invalid")


#: Samples whose revocation list is not their issuer's (issue 11: such a list can neither revoke
#: nor clear, so revocation is unknown). The v3 status lists are signed by a did:key the issuer
#: profile does not list; the v2 list names its issuer at w3id.org, the profile is at
#: www.blockcerts.org.
STRANGER_LISTS = {
    "mocknet-valid-2.0.json",
    "cert-rl-status-list-2021-revoked.json",
    "cert-rl-status-list-2021-suspended.json",
}


def _stranger_list(entry: dict[str, Any]) -> bool:
    return entry["file"].rpartition("/")[2] in STRANGER_LISTS and "case" not in entry


@pytest.mark.usefixtures("external")
class TestManifestCases:
    @pytest.mark.parametrize("entry", VALID, ids=support.case_id)
    def test_valid_cases(self, entry: dict[str, Any]) -> None:
        """Every valid case verifies; a case that needs the network is at worst indeterminate."""
        report = case_report(entry)
        details = {c.name: (str(c.status), c.detail) for c in report.checks}
        if _stranger_list(entry):
            assert report.status is ReportStatus.INDETERMINATE, details
            revocation = report.check("revocation")
            assert revocation is not None and revocation.status is CheckStatus.UNKNOWN
            assert "not by the credential's issuer" in revocation.detail
        elif entry.get("needs_network"):
            assert report.status is ReportStatus.INDETERMINATE, details
            assert report.check("anchor") is not None
            assert report.check("anchor").status is CheckStatus.UNKNOWN  # type: ignore[union-attr] # asserted just above
        else:
            assert report.status is ReportStatus.VALID, details
            assert report.check("proof").status is CheckStatus.PASS  # type: ignore[union-attr] # every case has one

    @pytest.mark.parametrize("entry", INVALID, ids=support.case_id)
    def test_invalid_cases(self, entry: dict[str, Any]) -> None:
        """Every invalid case is invalid, unless only a blockchain lookup could show it."""
        report = case_report(entry)
        details = {c.name: (str(c.status), c.detail) for c in report.checks}
        if _stranger_list(entry) or (entry.get("needs_network") and not _offline_detectable(entry)):
            assert report.status is ReportStatus.INDETERMINATE, details
        else:
            assert report.status is ReportStatus.INVALID, details

    @pytest.mark.parametrize(
        ("name", "check", "words"),
        [
            ("mocknet-vc-v2-validFrom-not-yet-valid.json", "validity", ""),
            ("mocknet-vc-v2-validUntil-expired.json", "validity", ""),
            ("mocknet-vc-v2-invalid-date-format.json", "format", "RFC 3339"),
            ("mocknet-vc-v2-credential-schema-invalid.json", "format", "does not conform"),
            ("mocknet-verifiable-presentation-tampered.json", "proof", "does not match"),
            ("mocknet-verifiable-presentation-failing-credential.json", "format", "4f5f0100"),
            ("testnet-tampered-hashes-2.0.json", "proof", "does not match"),
            ("mainnet-invalid-merkle-receipt-2.0.json", "proof", "Merkle receipt"),
            ("cert-no-proof.json", "format", "no proof"),
        ],
    )
    def test_invalid_for_the_stated_reason(self, name: str, check: str, words: str) -> None:
        """Each invalid case fails the check its source test names, for that reason."""
        entry = next(e for e in INVALID if e["file"].endswith("/" + name) and "case" not in e)
        found = case_report(entry).check(check)
        assert found is not None and found.status is CheckStatus.FAIL
        assert words in found.detail

    @pytest.mark.parametrize(
        ("case", "verb"), [("key-revoked", "revoked"), ("key-expires", "expired")]
    )
    def test_revoked_or_expired_issuer_key(self, case: str, verb: str) -> None:
        """A profile marking the signing key revoked/expired before signing fails issuer-key."""
        entry = next(e for e in INVALID if e.get("case") == case)
        key = case_report(entry).check("issuer-key")
        assert key is not None and key.status is CheckStatus.FAIL and verb in key.detail

    def test_mock_anchor_is_skipped_not_passed(self) -> None:
        """A mocknet anchor is reported as a test credential (skip), never as a checked pass."""
        entry = next(e for e in VALID if e["file"].endswith("mocknet-vc-v2-validFrom-valid.json"))
        anchor = case_report(entry).check("anchor")
        assert anchor is not None and anchor.status is CheckStatus.SKIP
        assert "mock chain" in anchor.detail

    def test_real_anchor_is_unknown(self) -> None:
        """A bitcoin anchor is unknown: no block explorer is asked."""
        entry = next(
            e for e in INVALID if e["file"].endswith("cert-rl-status-list-2021-revoked.json")
        )
        anchor = case_report(entry).check("anchor")
        assert anchor is not None and anchor.status is CheckStatus.UNKNOWN
        assert "188bd8713c62" in anchor.detail

    def test_blockcerts_status_list_proof_is_verified(self) -> None:
        """The secp256k1-signed status list is verified, so its answer is trusted outright."""
        entry = next(
            e for e in INVALID if e["file"].endswith("cert-rl-status-list-2021-revoked.json")
        )
        revocation = case_report(entry).check("revocation")
        assert revocation is not None and "could not be checked" not in revocation.detail

    @pytest.mark.parametrize(
        "name", ["cert-rl-status-list-2021-revoked.json", "cert-rl-status-list-2021-suspended.json"]
    )
    def test_status_list_signed_by_a_stranger_cannot_revoke(self, name: str) -> None:
        """The sample lists are signed by a did:key the issuer profile does not list: their
        "revoked"/"suspended" bit is not believed, and the report says whose list it is."""
        entry = next(e for e in INVALID if e["file"].endswith("/" + name) and "case" not in e)
        report = case_report(entry)
        revocation = report.check("revocation")
        assert revocation is not None and revocation.status is CheckStatus.UNKNOWN
        assert "did:key:zQ3shWbMURApEGeYEYbyfMoPbuW5qCmM7gtWkwnhGf2LLkv2M" in revocation.detail
        assert "not by the credential's issuer" in revocation.detail
        assert report.status is ReportStatus.INDETERMINATE

    def test_tampered_blockcerts_status_list_is_never_believed(self) -> None:
        """A status list whose bits were changed after signing never clears the credential."""
        entry = next(
            e for e in INVALID if e["file"].endswith("cert-rl-status-list-2021-revoked.json")
        )
        url = "https://www.blockcerts.org/samples/3.0/status-list-2021.json"
        fetcher = ManifestFetcher(entry["resources"], empty_lists=())
        listed = json.loads((support.EXTERNAL / entry["resources"][url]).read_text("utf-8"))
        cleared = base64.urlsafe_b64encode(gzip.compress(bytes(16384))).decode().rstrip("=")
        listed["credentialSubject"]["encodedList"] = cleared  # every bit clear: nobody revoked
        assert fetcher.cache is not None
        fetcher.cache.put(Fetched(url, json.dumps(listed).encode(), AS_OF))
        checks = verify_blockcerts(case_credential(entry), VerifyOptions(now=NOW, fetcher=fetcher))
        revocation = next(c for c in checks if c.name == "revocation")
        assert revocation.status is not CheckStatus.PASS

    def test_secp256k1_proof_is_verified(self) -> None:
        """The EcdsaSecp256k1Signature2019 proof of a proof set is checked, not skipped."""
        entry = next(e for e in VALID if e["file"].endswith("mocknet-v3-valid.json"))
        proof = case_report(entry).check("proof")
        assert proof is not None and "EcdsaSecp256k1Signature2019" in proof.detail

    def test_secp256k1_tampered_document_fails(self) -> None:
        """Changing a field covered by the secp256k1 signature makes the proof fail."""
        entry = next(e for e in VALID if e["file"].endswith("example-non-chained-proofs.json"))
        cred = case_credential(entry)
        document = copy.deepcopy(cred.document)
        document["credentialSubject"]["name"] = "Somebody Else"
        fetcher = ManifestFetcher(entry.get("resources", {}), empty_lists=())
        checks = verify_blockcerts(
            Credential(
                format=CredentialFormat.BLOCKCERTS,
                container=Container.JSON,
                original=b"",
                document=document,
            ),
            VerifyOptions(now=NOW, fetcher=fetcher),
        )
        proof = next(c for c in checks if c.name == "proof")
        assert proof.status is CheckStatus.FAIL


@pytest.mark.usefixtures("external")
class TestUnbundledRevocationList:
    def test_unreachable_issuer_revocation_list_is_unknown(self) -> None:
        """Without the issuer's revocation list the check is unknown, naming the URL."""
        entry = next(e for e in VALID if e["file"].endswith("mocknet-vc-v2-validFrom-valid.json"))
        report = case_report(entry, empty_lists=())
        revocation = report.check("revocation")
        assert report.status is ReportStatus.INDETERMINATE
        assert revocation is not None and revocation.status is CheckStatus.UNKNOWN
        assert UNBUNDLED_EMPTY_LISTS[0] in revocation.detail

    def test_listed_assertion_is_revoked(self) -> None:
        """If the issuer's list names the credential, it is revoked."""
        entry = next(e for e in VALID if e["file"].endswith("mocknet-vc-v2-validFrom-valid.json"))
        cred = case_credential(entry)
        fetcher = ManifestFetcher(entry.get("resources", {}), empty_lists=())
        listed = {"revokedAssertions": [{"id": cred.credential_id, "revocationReason": "oops"}]}
        query = (
            UNBUNDLED_EMPTY_LISTS[0]
            + "?assertionId=urn%3Auuid%3Abbba8553-8ec1-445f-82c9-a57251dd731c"
        )
        assert fetcher.cache is not None
        fetcher.cache.put(Fetched(query, json.dumps(listed).encode(), AS_OF))
        checks = verify_blockcerts(cred, VerifyOptions(now=NOW, fetcher=fetcher))
        revocation = next(c for c in checks if c.name == "revocation")
        assert revocation.status is CheckStatus.FAIL and "oops" in revocation.detail


class TestMerklePath:
    @staticmethod
    def _tree(leaves: list[bytes]) -> tuple[str, list[list[tuple[str, str]]]]:
        """A Merkle root and, per leaf, its path (odd nodes are promoted, as Blockcerts does)."""
        level = [hashlib.sha256(leaf).digest() for leaf in leaves]
        paths: list[list[tuple[str, str]]] = [[] for _ in leaves]
        members = [[i] for i in range(len(leaves))]
        while len(level) > 1:
            nxt, nxt_members = [], []
            for i in range(0, len(level), 2):
                if i + 1 == len(level):
                    nxt.append(level[i])
                    nxt_members.append(members[i])
                    continue
                left, right = level[i], level[i + 1]
                for leaf in members[i]:
                    paths[leaf].append(("right", right.hex()))
                for leaf in members[i + 1]:
                    paths[leaf].append(("left", left.hex()))
                nxt.append(hashlib.sha256(left + right).digest())
                nxt_members.append(members[i] + members[i + 1])
            level, members = nxt, nxt_members
        return level[0].hex(), paths

    @given(st.lists(st.binary(max_size=8), min_size=1, max_size=9))
    def test_every_leaf_path_leads_to_the_root(self, leaves: list[bytes]) -> None:
        """Walking any leaf's path from its hash gives the tree's root."""
        root, paths = self._tree(leaves)
        for leaf, path in zip(leaves, paths, strict=True):
            assert merkle_root(hashlib.sha256(leaf).hexdigest(), tuple(path)) == root

    def test_a_wrong_sibling_gives_another_root(self) -> None:
        """Changing one sibling hash changes the root."""
        root, paths = self._tree([b"a", b"b", b"c"])
        side, sibling = paths[0][0]
        forged = ((side, ("0" if sibling[0] != "0" else "1") + sibling[1:]), *paths[0][1:])
        assert merkle_root(hashlib.sha256(b"a").hexdigest(), forged) != root

    @pytest.mark.parametrize("bad", ["xyz", "ab" * 31, "AB" * 33])
    def test_malformed_hashes_are_refused(self, bad: str) -> None:
        """A hash that is not 64 hex digits is BadInput."""
        with pytest.raises(BadInput):
            merkle_root(bad, ())

    def test_v2_receipt_from_json(self) -> None:
        """A MerkleProof2017 signature becomes the same receipt shape."""
        receipt = receipt_from_json(
            {
                "targetHash": "aa" * 32,
                "merkleRoot": "bb" * 32,
                "proof": [{"left": "cc" * 32}, {"right": "dd" * 32}],
                "anchors": [{"type": "BTCOpReturn", "sourceId": "ee" * 32}],
            }
        )
        assert receipt.path == (("left", "cc" * 32), ("right", "dd" * 32))
        assert receipt.anchors[0].transaction == "ee" * 32 and not receipt.anchors[0].is_mock


def _cbor(value: object) -> bytes:
    """A tiny CBOR encoder for the test (ints, bytes, text, lists)."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | info]) + n.to_bytes(size, "big")
        raise ValueError(n)

    if isinstance(value, bool) or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode()
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(_cbor(v) for v in value)
    raise TypeError(value)


cbor_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.binary(max_size=40)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5),
    max_leaves=20,
)


class TestCbor:
    @given(cbor_values)
    def test_round_trip(self, value: object) -> None:
        """What the test encoder writes, the decoder reads back."""
        assert cbor_decode(_cbor(value)) == value

    @given(st.binary(max_size=200))
    def test_any_bytes_give_a_value_or_bad_input(self, data: bytes) -> None:
        """Arbitrary bytes decode or raise a CredwalletError; nothing else escapes."""
        with contextlib.suppress(CredwalletError):
            cbor_decode(data)

    def test_deep_nesting_is_refused(self) -> None:
        """Arrays nested past the depth limit are refused."""
        with pytest.raises(BadInput, match="deeper"):
            cbor_decode(b"\x81" * 40 + b"\x00")

    def test_receipt_round_trip(self) -> None:
        """A proofValue built with the lds-merkle-proof-2019 key map decodes to its receipt."""
        target, root, sibling = "11" * 32, "22" * 32, "33" * 32
        value = [
            [0, _cbor(root)],
            [1, _cbor(bytes.fromhex(target))],
            [2, [[[0, 0], [1, 3], [2, _cbor("44" * 32)]]]],
            [3, [[1, _cbor(sibling)]]],
        ]
        receipt = decode_merkle_proof_2019("z" + base58_encode(_cbor(value)))
        assert (receipt.target_hash, receipt.merkle_root) == (target, root)
        assert receipt.path == (("right", sibling),)
        assert receipt.anchors[0].describe() == "bitcoin testnet transaction " + "44" * 32

    @pytest.mark.parametrize("value", ["", "uAAAA", "zzzz", "z" + base58_encode(_cbor([1, 2]))])
    def test_malformed_proof_values_are_refused(self, value: str) -> None:
        """Non-base58, non-CBOR or wrongly shaped proofValues raise BadInput."""
        with pytest.raises(BadInput):
            decode_merkle_proof_2019(value)


class TestSyntheticCredential:
    """A Blockcerts v3 credential built here: hash, tree, receipt, profile, all under control."""

    ISSUER = "https://issuer.example/profile.json"

    def _signed(self, document: JSONObject, *, mock: bool = True) -> JSONObject:
        from credwallet.verify.dataintegrity import default_loader
        from credwallet.verify.jsonld import canonical_document

        digest = hashlib.sha256(canonical_document(document, default_loader()).encode()).hexdigest()
        sibling = hashlib.sha256(b"another certificate").hexdigest()
        root = merkle_root(digest, (("right", sibling),))
        anchor = (
            [[0, -1], [1, _cbor("test only")]] if mock else [[0, 0], [1, 1], [2, _cbor("ab" * 32)]]
        )
        value = [[0, _cbor(root)], [1, _cbor(digest)], [2, [anchor]], [3, [[1, _cbor(sibling)]]]]
        signed = copy.deepcopy(document)
        signed["proof"] = {
            "type": "DataIntegrityProof",
            "cryptosuite": "merkle-proof-2019",
            "proofPurpose": "assertionMethod",
            "created": "2025-01-01T00:00:00Z",
            "verificationMethod": self.ISSUER + "#key-1",
            "proofValue": "z" + base58_encode(_cbor(value)),
        }
        return signed

    def _document(self) -> JSONObject:
        return {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://w3id.org/blockcerts/v3.2",
            ],
            "id": "urn:uuid:5c3e1f7e-7a4d-4e8f-9b21-0d2c3b4a5f60",
            "type": ["VerifiableCredential", "BlockcertsCredential"],
            "issuer": self.ISSUER,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner", "name": "A. Learner"},
        }

    def _options(self, **profile_changes: Any) -> VerifyOptions:
        profile: JSONObject = {
            "id": self.ISSUER,
            "type": "BlockcertsIssuerProfile",
            "verificationMethod": [
                {"id": self.ISSUER + "#key-1", "controller": self.ISSUER, "type": "Multikey"}
            ],
        }
        profile.update(profile_changes)
        cache = MemoryCache([Fetched(self.ISSUER, json.dumps(profile).encode(), AS_OF)])
        return VerifyOptions(now=NOW, fetcher=Fetcher(cache=cache, offline=True))

    def _checks(self, document: JSONObject, options: VerifyOptions) -> dict[str, CheckStatus]:
        cred = Credential(
            format=CredentialFormat.BLOCKCERTS,
            container=Container.JSON,
            original=b"",
            document=document,
            credential_id=str(document.get("id")),
        )
        return {c.name: c.status for c in verify_blockcerts(cred, options)}

    @pytest.mark.usefixtures("external")
    def test_own_credential_verifies(self) -> None:
        """A correctly built mocknet credential passes proof and issuer-key."""
        checks = self._checks(self._signed(self._document()), self._options())
        assert checks["proof"] is CheckStatus.PASS
        assert checks["issuer-key"] is CheckStatus.PASS
        assert checks["anchor"] is CheckStatus.SKIP
        assert checks["revocation"] is CheckStatus.SKIP

    @pytest.mark.usefixtures("external")
    def test_any_changed_field_fails(self) -> None:
        """Changing the subject after issuing breaks the hash."""
        signed = self._signed(self._document())
        signed["credentialSubject"]["name"] = "B. Impostor"
        assert self._checks(signed, self._options())["proof"] is CheckStatus.FAIL

    @pytest.mark.usefixtures("external")
    def test_key_of_another_profile_fails(self) -> None:
        """A verificationMethod the issuer profile does not list fails issuer-key."""
        options = self._options(verificationMethod=[])
        checks = self._checks(self._signed(self._document()), options)
        assert checks["issuer-key"] is CheckStatus.FAIL

    @pytest.mark.usefixtures("external")
    def test_profile_under_another_id_fails(self) -> None:
        """A profile whose id is not its URL is not the issuer's."""
        options = self._options(id="https://evil.example/profile.json")
        checks = self._checks(self._signed(self._document()), options)
        assert checks["issuer-key"] is CheckStatus.FAIL

    @pytest.mark.usefixtures("external")
    def test_real_chain_anchor_is_unknown(self) -> None:
        """A bitcoin anchor makes the anchor check unknown, whatever else passes."""
        checks = self._checks(self._signed(self._document(), mock=False), self._options())
        assert checks["proof"] is CheckStatus.PASS
        assert checks["anchor"] is CheckStatus.UNKNOWN

    @pytest.mark.usefixtures("external")
    def test_profile_unreachable_is_unknown(self) -> None:
        """Without the issuer profile the key binding is unknown."""
        options = VerifyOptions(now=NOW, fetcher=Fetcher(cache=MemoryCache(), offline=True))
        checks = self._checks(self._signed(self._document()), options)
        assert checks["issuer-key"] is CheckStatus.UNKNOWN


_scalars = st.none() | st.booleans() | st.integers(-5, 10) | st.text(max_size=10)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_REAL_PROOF_VALUE = (
    "z3hSV9ktErQhBgc5C758PsevUUCuxBPcFYGxLVGGcT4ZcWr64zeQnkUet1gJJzWmewShoTg72Yb4mZY347sPy6D"
)
_proofs = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(
            [
                "MerkleProof2019",
                "DataIntegrityProof",
                "ChainedProof2021",
                "EcdsaSecp256k1Signature2019",
            ]
        )
        | _json,
        "cryptosuite": st.just("merkle-proof-2019") | _json,
        "chainedProofType": st.just("MerkleProof2019") | _json,
        "proofValue": st.sampled_from([_REAL_PROOF_VALUE, "zabc", "u123"]) | _json,
        "jws": st.sampled_from(["a..b", "eyJhbGciOiJFUzI1NksifQ..AAAA", "x"]) | _json,
        "created": st.sampled_from(["2024-01-01T00:00:00Z", "2024-01-01T00:00:00"]) | _json,
        "verificationMethod": st.sampled_from(
            [TestSyntheticCredential.ISSUER + "#key-1", "did:key:zQ3sh", "file:///x"]
        )
        | _json,
    },
)
_documents = st.fixed_dictionaries(
    {"@context": st.just([V2_CONTEXT])},
    optional={
        "id": _json,
        "type": st.just(["VerifiableCredential", "BlockcertsCredential", "VerifiablePresentation"])
        | _json,
        "issuer": st.just(TestSyntheticCredential.ISSUER) | _json,
        "proof": _proofs | st.lists(_proofs, max_size=2) | _json,
        "signature": _json,
        "credentialSchema": _json,
        "credentialStatus": _json,
        "verifiableCredential": _json,
    },
)


class TestAnyInput:
    @settings(max_examples=40, deadline=None)
    @given(_documents, _json)
    def test_any_document_gives_checks(self, document: JSONObject, profile: object) -> None:
        """Whatever the document and the served profile hold, the result is a list of checks."""
        cache = MemoryCache(
            [Fetched(TestSyntheticCredential.ISSUER, json.dumps(profile).encode(), AS_OF)]
        )
        cred = Credential(
            format=CredentialFormat.BLOCKCERTS,
            container=Container.JSON,
            original=b"",
            document=document,
        )
        checks = verify_blockcerts(
            cred, VerifyOptions(now=NOW, fetcher=Fetcher(cache=cache, offline=True))
        )
        assert all(c.status in set(CheckStatus) for c in checks)
