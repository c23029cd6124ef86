"""verify/status.py: Bitstring Status List, StatusList2021 and OB 2.0 revocation lists."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from verify_support import stranger_status_lists

import support
from credwallet.formats import parse
from credwallet.models import (
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    VerificationReport,
)
from credwallet.net import Fetched, Fetcher, MemoryCache
from credwallet.verify.engine import VerifyOptions, verify_document
from credwallet.verify.status import (
    MAX_STATUS_LIST_BYTES,
    StatusListError,
    check_revocation_list,
    check_status,
    decode_status_list,
    read_status,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FETCHED_AT = datetime(2026, 5, 30, 8, 0, tzinfo=UTC)
LIST_URL = "https://issuer.example/status/1"


def encode_bits(set_bits: set[int], *, length_bits: int = 16 * 1024 * 8, prefix: str = "u") -> str:
    """An encodedList with the given bit positions set (bit 0 = left-most bit of byte 0)."""
    data = bytearray(length_bits // 8)
    for bit in set_bits:
        data[bit // 8] |= 0x80 >> (bit % 8)
    packed = base64.urlsafe_b64encode(gzip.compress(bytes(data))).rstrip(b"=").decode()
    return prefix + packed


def status_list(
    set_bits: set[int] = frozenset(),  # type: ignore[assignment] # read-only default
    *,
    purpose: str | None = "revocation",
    types: tuple[str, ...] = ("VerifiableCredential", "BitstringStatusListCredential"),
    valid_from: str | None = "2025-01-01T00:00:00Z",
    valid_until: str | None = None,
    encoded: str | None = None,
) -> JSONObject:
    subject: JSONObject = {
        "id": LIST_URL + "#list",
        "type": "BitstringStatusList",
        "encodedList": encoded if encoded is not None else encode_bits(set(set_bits)),
    }
    if purpose is not None:
        subject["statusPurpose"] = purpose
    doc: JSONObject = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": list(types),
        "issuer": "did:example:issuer",
        "credentialSubject": subject,
    }
    if valid_from:
        doc["validFrom"] = valid_from
    if valid_until:
        doc["validUntil"] = valid_until
    return doc


def entry(index: int | str, *, purpose: str = "revocation", **extra: Any) -> JSONObject:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
        **extra,
    }


def credential(status: object, *, issuer: str = "did:example:issuer") -> Credential:
    document: JSONObject = {
        "id": "urn:uuid:cred-1",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
    }
    if status is not None:
        document["credentialStatus"] = status
    return Credential(
        format=CredentialFormat.VC,
        container=Container.JSON,
        original=json.dumps(document).encode(),
        document=document,
        credential_id="urn:uuid:cred-1",
    )


def report(*checks: Check) -> VerificationReport:
    return VerificationReport(source="status list", format="vc", checks=checks, checked_at=NOW)


def accept_all(document: JSONObject) -> VerificationReport:
    return report(Check("proof", CheckStatus.PASS, "ok"))


def reject_proof(document: JSONObject) -> VerificationReport:
    return report(Check("proof", CheckStatus.FAIL, "signature does not verify"))


def proof_unknown(document: JSONObject) -> VerificationReport:
    return report(Check("proof", CheckStatus.UNKNOWN, "suite not supported"))


def options(
    docs: dict[str, JSONObject | bytes],
    *,
    verify_embedded: Callable[[JSONObject], VerificationReport] | None = accept_all,
    from_cache: bool = True,
) -> VerifyOptions:
    cache = MemoryCache(
        [
            Fetched(
                url,
                body if isinstance(body, bytes) else json.dumps(body).encode(),
                FETCHED_AT,
                from_cache,
            )
            for url, body in docs.items()
        ]
    )
    return VerifyOptions(
        now=NOW,
        fetcher=Fetcher(cache=cache, offline=True),
        offline=True,
        verify_embedded=verify_embedded,
    )


class TestBitOrder:
    def test_index_zero_is_the_leftmost_bit(self) -> None:
        """Bit 0 is the most significant bit of the first byte."""
        assert read_status(b"\x80\x00", 0) == 1
        assert read_status(b"\x80\x00", 7) == 0
        assert read_status(b"\x01\x00", 7) == 1
        assert read_status(b"\x00\x40", 9) == 1

    def test_multi_bit_status_values(self) -> None:
        """statusSize 2 reads two bits per entry, most significant first."""
        bits = bytes([0b01_10_11_00])
        assert [read_status(bits, i, 2) for i in range(4)] == [1, 2, 3, 0]

    def test_index_outside_the_list_is_an_error(self) -> None:
        """An index past the end raises StatusListError."""
        with pytest.raises(StatusListError, match="outside the list"):
            read_status(b"\x00", 8)

    @given(st.sets(st.integers(min_value=0, max_value=1023), max_size=20))
    def test_round_trip_of_set_bits(self, set_bits: set[int]) -> None:
        """Every bit that was set reads as 1 and every other as 0."""
        bits = decode_status_list(encode_bits(set_bits, length_bits=1024))
        assert {i for i in range(1024) if read_status(bits, i)} == set_bits


class TestDecoding:
    def test_multibase_and_bare_base64url_are_accepted(self) -> None:
        """Both `u`-prefixed (Bitstring) and bare (StatusList2021) encodings decode."""
        for prefix in ("u", ""):
            assert read_status(decode_status_list(encode_bits({3}, prefix=prefix)), 3) == 1

    @pytest.mark.parametrize("encoded", [None, "", "u!!!", "uAAAA", 42])
    def test_garbage_is_refused(self, encoded: object) -> None:
        """Missing or non-GZIP encodedList raises StatusListError."""
        with pytest.raises(StatusListError):
            decode_status_list(encoded)

    def test_decompression_bomb_is_refused(self) -> None:
        """A list that inflates beyond the cap is refused, not inflated."""
        bomb = gzip.compress(b"\x00" * (MAX_STATUS_LIST_BYTES + 1024))
        encoded = "u" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
        with pytest.raises(StatusListError, match="larger than"):
            decode_status_list(encoded)

    def test_truncated_gzip_is_refused(self) -> None:
        """A GZIP stream cut short is refused."""
        data = gzip.compress(bytes(2048))[:-12]
        with pytest.raises(StatusListError, match=r"truncated|decompress"):
            decode_status_list("u" + base64.urlsafe_b64encode(data).decode().rstrip("="))


class TestBitstringStatusList:
    def test_no_status_is_skipped(self) -> None:
        """A credential without credentialStatus gets a skip."""
        check = check_status(credential(None), options({}))
        assert check.name == "revocation" and check.status is CheckStatus.SKIP

    def test_clear_bit_passes_with_as_of_time(self) -> None:
        """A clear bit passes, naming the list and the time the list was fetched."""
        check = check_status(credential(entry(7)), options({LIST_URL: status_list({6, 8})}))
        assert check.status is CheckStatus.PASS
        assert LIST_URL in check.detail and "as of 2026-05-30T08:00:00Z" in check.detail
        assert ("status index", "7") in check.inputs

    def test_set_bit_is_revoked(self) -> None:
        """A set bit on a revocation list is a fail saying revoked, with list and index."""
        check = check_status(credential(entry(6)), options({LIST_URL: status_list({6})}))
        assert check.status is CheckStatus.FAIL
        assert check.detail.startswith(f"revoked by the issuer (status list {LIST_URL} index 6")
        assert "as of 2026-05-30T08:00:00Z" in check.detail

    def test_suspension_is_reported_as_suspended(self) -> None:
        """A set bit on a suspension list says suspended, not revoked."""
        check = check_status(
            credential(entry(3, purpose="suspension")),
            options({LIST_URL: status_list({3}, purpose="suspension")}),
        )
        assert check.status is CheckStatus.FAIL
        assert "suspended by the issuer" in check.detail and "revoked" not in check.detail

    def test_revoked_wins_over_a_clear_suspension(self) -> None:
        """With two entries, one revoked and one clear, the check fails."""
        other = "https://issuer.example/status/2"
        entries = [entry(1), {**entry(1, purpose="suspension"), "statusListCredential": other}]
        check = check_status(
            credential(entries),
            options({LIST_URL: status_list({1}), other: status_list(set(), purpose="suspension")}),
        )
        assert check.status is CheckStatus.FAIL and "revoked" in check.detail

    def test_message_purpose_reads_the_message(self) -> None:
        """A message list with statusSize 2 reports the message the value maps to."""
        messages = [
            {"status": "0x0", "message": "pending"},
            {"status": "0x1", "message": "accepted"},
            {"status": "0x2", "message": "rejected"},
        ]
        bits = encode_bits({9})  # entry 4 with size 2 covers bits 8 and 9 -> value 1
        check = check_status(
            credential(entry(4, purpose="message", statusSize=2, statusMessage=messages)),
            options({LIST_URL: status_list(purpose="message", encoded=bits)}),
        )
        assert check.status is CheckStatus.PASS and "'accepted'" in check.detail

    def test_unreachable_list_is_unknown_with_url(self) -> None:
        """A list that cannot be fetched gives unknown naming the URL, not a pass."""
        check = check_status(credential(entry(1)), options({}))
        assert check.status is CheckStatus.UNKNOWN and LIST_URL in check.detail

    def test_no_fetcher_is_unknown(self) -> None:
        """With no fetcher at all the status is unknown."""
        opts = VerifyOptions(now=NOW, fetcher=None, verify_embedded=accept_all)
        assert check_status(credential(entry(1)), opts).status is CheckStatus.UNKNOWN

    def test_list_that_is_not_json_fails(self) -> None:
        """A status list URL answering with non-JSON is a fail."""
        check = check_status(credential(entry(1)), options({LIST_URL: b"<html>"}))
        assert check.status is CheckStatus.FAIL and "not valid JSON" in check.detail

    @pytest.mark.parametrize(
        ("doc", "reason"),
        [
            (status_list(valid_until="2026-01-01T00:00:00Z"), "expired"),
            (status_list(valid_from="3000-01-01T00:00:00Z"), "not valid until"),
            (status_list(types=("VerifiableCredential",)), "not a BitstringStatusListCredential"),
            (status_list(purpose="suspension"), "does not match"),
        ],
    )
    def test_unusable_list_fails(self, doc: JSONObject, reason: str) -> None:
        """An expired, not yet valid, mistyped or wrong-purpose list fails the check."""
        check = check_status(credential(entry(1)), options({LIST_URL: doc}))
        assert check.status is CheckStatus.FAIL
        assert "status list unusable" in check.detail and reason in check.detail

    def test_index_beyond_the_list_fails(self) -> None:
        """An index outside the bitstring fails (STATUS_LIST_LENGTH_ERROR)."""
        doc = status_list(encoded=encode_bits(set(), length_bits=64))
        check = check_status(credential(entry(100)), options({LIST_URL: doc}))
        assert check.status is CheckStatus.FAIL and "outside the list" in check.detail

    @pytest.mark.parametrize("index", ["-1", "abc", "", None, "1.5", True])
    def test_bad_index_fails(self, index: object) -> None:
        """A statusListIndex that is not a non-negative integer fails."""
        bad = {**entry(0), "statusListIndex": index}
        check = check_status(credential(bad), options({LIST_URL: status_list()}))
        assert check.status is CheckStatus.FAIL

    def test_bad_list_proof_fails(self) -> None:
        """A list whose own proof fails makes the check fail."""
        check = check_status(
            credential(entry(1)), options({LIST_URL: status_list()}, verify_embedded=reject_proof)
        )
        assert check.status is CheckStatus.FAIL and "proof check failed" in check.detail

    def test_unverifiable_list_saying_clear_is_unknown(self) -> None:
        """A clear bit from a list whose proof cannot be checked is not trusted: unknown."""
        check = check_status(
            credential(entry(1)), options({LIST_URL: status_list()}, verify_embedded=proof_unknown)
        )
        assert check.status is CheckStatus.UNKNOWN

    def test_unverifiable_list_saying_revoked_still_fails(self) -> None:
        """A set bit is believed even when the list's proof cannot be checked, and says so."""
        check = check_status(
            credential(entry(1)),
            options({LIST_URL: status_list({1})}, verify_embedded=proof_unknown),
        )
        assert check.status is CheckStatus.FAIL and "could not be checked" in check.detail

    def test_no_embedded_verifier_is_unknown_for_clear_bit(self) -> None:
        """Without a verifier for the list credential, a clear bit is unknown."""
        check = check_status(
            credential(entry(1)), options({LIST_URL: status_list()}, verify_embedded=None)
        )
        assert check.status is CheckStatus.UNKNOWN

    def test_statuslist2021_entry_is_read(self) -> None:
        """A StatusList2021Entry against a StatusList2021Credential reads the same way."""
        doc = status_list(
            {5},
            types=("VerifiableCredential", "StatusList2021Credential"),
            encoded=encode_bits({5}, prefix=""),
        )
        doc["credentialSubject"]["type"] = "StatusList2021"
        status = {**entry(5), "type": "StatusList2021Entry"}
        check = check_status(credential(status), options({LIST_URL: doc}))
        assert check.status is CheckStatus.FAIL and "revoked" in check.detail

    def test_vc11_jwt_claims_are_read(self) -> None:
        """For a VC 1.1 JWT the status entry inside the vc claim is used."""
        cred = credential(None)
        claims = {"iss": "did:example:issuer", "vc": {"credentialStatus": entry(6)}}
        jwt_cred = Credential(
            format=CredentialFormat.VC_JWT,
            container=Container.JWT,
            original=b"",
            document=claims,
            credential_id=cred.credential_id,
        )
        check = check_status(jwt_cred, options({LIST_URL: status_list({6})}))
        assert check.status is CheckStatus.FAIL and "revoked" in check.detail

    def test_unknown_status_type_is_unknown(self) -> None:
        """A status method credwallet does not implement is unknown, naming the type."""
        check = check_status(
            credential({"id": "https://x.example/s", "type": "SomethingElse2030"}), options({})
        )
        assert check.status is CheckStatus.UNKNOWN and "SomethingElse2030" in check.detail

    def test_status_that_is_not_an_object_fails(self) -> None:
        """credentialStatus must be an object or a list of objects."""
        assert check_status(credential("revoked"), options({})).status is CheckStatus.FAIL
        assert check_status(credential([42]), options({})).status is CheckStatus.FAIL


class TestRevocationList:
    URL = "https://issuer.example/revocations"
    LIST: JSONObject = {  # noqa: RUF012 - test data, never mutated
        "type": "RevocationList",
        "revokedAssertions": [
            "urn:uuid:plain-id",
            {"id": "urn:uuid:with-reason", "revocationReason": "Honor code violation"},
            {"uid": "abc123"},
        ],
    }

    @pytest.mark.parametrize(
        ("assertion_id", "extra", "reason"),
        [
            ("urn:uuid:plain-id", (), None),
            ("urn:uuid:with-reason", (), "Honor code violation"),
            ("https://issuer.example/a/1", ("abc123",), None),
        ],
    )
    def test_listed_assertion_is_revoked(
        self, assertion_id: str, extra: tuple[str, ...], reason: str | None
    ) -> None:
        """An id, an object id or a uid on the list is revoked, with the reason if given."""
        check = check_revocation_list(
            assertion_id, self.URL, options({self.URL: self.LIST}), extra_ids=extra
        )
        assert check.status is CheckStatus.FAIL and "revoked by the issuer" in check.detail
        if reason:
            assert reason in check.detail

    def test_unlisted_assertion_passes(self) -> None:
        """An assertion not on the list passes, saying when the list was fetched."""
        check = check_revocation_list("urn:uuid:other", self.URL, options({self.URL: self.LIST}))
        assert check.status is CheckStatus.PASS and "as of" in check.detail

    def test_no_list_is_skipped(self) -> None:
        """An issuer without a revocationList gives skip."""
        assert check_revocation_list("x", None, options({})).status is CheckStatus.SKIP

    def test_unreachable_list_is_unknown(self) -> None:
        """A revocation list that cannot be fetched is unknown."""
        check = check_revocation_list("x", self.URL, options({}))
        assert check.status is CheckStatus.UNKNOWN and self.URL in check.detail

    def test_query_id_is_appended(self) -> None:
        """Blockcerts lists are asked per assertion with ?assertionId=."""
        url = self.URL + "?assertionId=urn:uuid:plain-id"
        check = check_revocation_list(
            "urn:uuid:plain-id", self.URL, options({url: self.LIST}), query_id="urn:uuid:plain-id"
        )
        assert check.status is CheckStatus.FAIL


def _manifest_options(resources: dict[str, str]) -> VerifyOptions:
    docs = [
        Fetched(url, (support.EXTERNAL / path).read_bytes(), FETCHED_AT, True)
        for url, path in resources.items()
    ]
    base = VerifyOptions(now=NOW, fetcher=Fetcher(cache=MemoryCache(docs), offline=True))

    def embedded(document: JSONObject) -> VerificationReport:
        return verify_document(document, source="status list", options=base)

    return replace(base, verify_embedded=embedded)


STATUS_LISTS = [e for e in support.cases("status-list") if e["expect"] in ("valid", "invalid")]
STATUS_CASES = [
    e
    for e in support.manifest()
    if isinstance(e.get("checks"), dict)
    and "status" in e["checks"]
    and e["kind"] in ("ob3-vc", "vc", "di-vc")
]


@pytest.mark.usefixtures("external")
class TestManifestStatusLists:
    @pytest.mark.parametrize("entry", STATUS_LISTS, ids=support.case_id)
    def test_status_list_credentials(self, entry: dict[str, Any]) -> None:
        """Each bundled status list is usable (valid) or refused (invalid) as the manifest says."""
        document = json.loads((support.EXTERNAL / entry["file"]).read_text("utf-8"))
        url = document["id"]
        issuer = document["issuer"]
        issuer = issuer["id"] if isinstance(issuer, dict) else issuer
        opts = _manifest_options({url: entry["file"]})
        check = check_status(credential(entry_for(url, 7), issuer=issuer), opts)
        if entry["expect"] == "valid":
            assert check.status is CheckStatus.PASS, check.detail
            revoked = check_status(credential(entry_for(url, 6), issuer=issuer), opts)
            assert revoked.status is CheckStatus.FAIL and "revoked" in revoked.detail
        else:
            assert check.status is CheckStatus.FAIL, check.detail
            assert "status list unusable" in check.detail

    @pytest.mark.parametrize("entry", STATUS_CASES, ids=support.case_id)
    def test_credentials_with_status(self, entry: dict[str, Any]) -> None:
        """Credentials pointing at bundled lists get the revocation outcome the manifest states."""
        cred = parse((support.EXTERNAL / entry["file"]).read_bytes(), name=entry["file"])
        opts = _manifest_options(entry.get("resources", {}))
        check = check_status(cred, opts)
        expected = entry["checks"]["status"]
        if stranger_status_lists(entry):  # a list that is not the issuer's says nothing
            assert check.status is CheckStatus.UNKNOWN, check.detail
            assert "not by the credential's issuer" in check.detail
        elif expected == "revoked":
            assert check.status is CheckStatus.FAIL and "revoked by the issuer" in check.detail
        elif expected == "not revoked":
            assert check.status is CheckStatus.PASS, check.detail
        elif expected == "status list unusable":
            assert check.status is CheckStatus.FAIL and "unusable" in check.detail
        else:  # the list cannot be had (a 404 online; not bundled here)
            assert check.status is CheckStatus.UNKNOWN


def entry_for(url: str, index: int) -> JSONObject:
    return {**entry(index), "statusListCredential": url, "id": f"{url}#{index}"}


_scalars = st.none() | st.booleans() | st.integers(-5, 2**40) | st.text(max_size=12)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
_entries = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["BitstringStatusListEntry", "StatusList2021Entry", "X"]) | _json,
        "statusPurpose": st.sampled_from(["revocation", "suspension", "message"]) | _json,
        "statusListIndex": st.sampled_from(["0", "7", "99999999", "-1"]) | _json,
        "statusListCredential": st.just(LIST_URL) | _json,
        "statusSize": st.integers(-1, 40) | _json,
        "statusMessage": _json,
    },
)
_lists = st.fixed_dictionaries(
    {},
    optional={
        "type": st.just(["VerifiableCredential", "BitstringStatusListCredential"]) | _json,
        "credentialSubject": st.fixed_dictionaries(
            {},
            optional={
                "type": st.just("BitstringStatusList") | _json,
                "statusPurpose": st.sampled_from(["revocation", "suspension"]) | _json,
                "encodedList": st.just(encode_bits({1, 7}, length_bits=64)) | _json,
            },
        )
        | _json,
        "validFrom": st.sampled_from(["2025-01-01T00:00:00Z", "3000-01-01", "garbage"]) | _json,
        "validUntil": _json,
    },
)


class TestAnyInput:
    @given(st.one_of(_entries, st.lists(_entries, max_size=3), _json), _lists)
    def test_any_status_and_list_give_a_check(
        self, status: object, status_list: JSONObject
    ) -> None:
        """Whatever the entry and the served list hold, the result is a revocation Check."""
        check = check_status(credential(status), options({LIST_URL: status_list}))
        assert check.name == "revocation" and isinstance(check.status, CheckStatus)
