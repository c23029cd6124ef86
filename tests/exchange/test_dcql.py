"""DCQL (OpenID4VP 1.0 section 6): parsing, claim paths, matching, credential sets; and the
SD-JWT disclosures a match leads to."""

from __future__ import annotations

import json
from typing import Any

import pytest
from oid4vp_support import VCT, held, holder_keys, jwt_credential, ldp_credential
from sdjwt_maker import b64, disclosure, jws

from credwallet.errors import BadInput
from credwallet.exchange.dcql import match, parse_dcql, path_text, plan, select
from credwallet.exchange.sdjwt_present import select_disclosures
from credwallet.formats.sdjwt import decode_sd_jwt
from credwallet.verify.keys import SigningKey


def _query(*credentials: dict[str, Any], sets: list[Any] | None = None) -> Any:
    data: dict[str, Any] = {"credentials": list(credentials)}
    if sets is not None:
        data["credential_sets"] = sets
    return parse_dcql(data)


def _nested_sd_jwt() -> str:
    """address {street, locality} hidden inside a hidden address; degrees: an array of
    hidden elements; nationalities with one hidden element; email a plain hidden claim."""
    street, street_d = disclosure("street", "1 Main St")
    locality, locality_d = disclosure("locality", "Springfield")
    address, address_d = disclosure("address", {"_sd": [street_d, locality_d], "country": "US"})
    first, first_d = disclosure(None, {"type": "BSc", "field": "Physics"})
    second, second_d = disclosure(None, {"type": "MSc", "field": "Maths"})
    degrees, degrees_d = disclosure("degrees", [{"...": first_d}, {"...": second_d}])
    email, email_d = disclosure("email", "ada@example.org")
    nat, nat_d = disclosure(None, "DE")
    payload = {
        "iss": "did:example:issuer",
        "vct": VCT,
        "_sd_alg": "sha-256",
        "_sd": sorted([address_d, degrees_d, email_d]),
        "nationalities": ["FR", {"...": nat_d}, {"...": b64(b"decoy" * 7)}],
    }
    key = SigningKey.generate("P-256")
    token = jws({"alg": "ES256", "typ": "dc+sd-jwt"}, payload, key)
    return (
        token
        + "~"
        + "".join(d + "~" for d in (street, locality, address, first, second, degrees, email, nat))
    )


class TestParsing:
    @pytest.mark.parametrize(
        "bad",
        [
            [],
            {"credentials": []},
            {"credentials": [{"id": "a b", "format": "ldp_vc"}]},
            {"credentials": [{"id": "a", "format": "ldp_vc"}, {"id": "a", "format": "ldp_vc"}]},
            {"credentials": [{"id": "a", "format": "ldp_vc", "claims": [{"path": []}]}]},
            {"credentials": [{"id": "a", "format": "ldp_vc", "claims": [{"path": [-1]}]}]},
            {"credentials": [{"id": "a", "format": "ldp_vc", "claims": [{"path": [True]}]}]},
            {"credentials": [{"id": "a", "format": "ldp_vc", "claim_sets": [["x"]]}]},
            {
                "credentials": [
                    {
                        "id": "a",
                        "format": "ldp_vc",
                        "claims": [{"id": "x", "path": ["n"]}],
                        "claim_sets": [["y"]],
                    }
                ]
            },
            {
                "credentials": [{"id": "a", "format": "ldp_vc"}],
                "credential_sets": [{"options": [["b"]]}],
            },
            {"credentials": [{"id": "a", "format": "ldp_vc", "multiple": "yes"}]},
            {
                "credentials": [
                    {
                        "id": "a",
                        "format": "ldp_vc",
                        "claims": [{"path": ["n"], "values": [{"x": 1}]}],
                    }
                ]
            },
        ],
    )
    def test_malformed_queries_are_refused(self, bad: Any) -> None:
        with pytest.raises(BadInput):
            parse_dcql(bad)

    def test_defaults(self) -> None:
        query = _query({"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}})
        assert query.credentials[0].multiple is False
        assert query.credentials[0].require_binding is True
        assert query.credentials[0].claims is None


_DOC: dict[str, Any] = {"a": {"b": [{"c": 1}, {"c": 2}, {"d": 3}]}, "n": None}


class TestClaimPaths:
    def test_keys_indices_and_wildcards(self) -> None:
        assert select(_DOC, ["a", "b", 1, "c"]) == [(("a", "b", 1, "c"), 2)]
        assert select(_DOC, ["a", "b", None, "c"]) == [
            (("a", "b", 0, "c"), 1),
            (("a", "b", 1, "c"), 2),
        ]
        assert select(_DOC, ["a", "b", 9]) == []
        assert select(_DOC, ["a", None]) == []  # a wildcard over an object selects nothing
        assert select(_DOC, ["n"]) == [(("n",), None)]

    def test_path_text(self) -> None:
        assert path_text(("credentialSubject", "achievement", "name")) == (
            "credentialSubject.achievement.name"
        )
        assert path_text(("degrees", None, "type")) == "degrees[*].type"
        assert path_text(("degrees", 0)) == "degrees[0]"


class TestMatching:
    def test_vct_claims_values_and_claim_sets(self) -> None:
        items = [held(_nested_sd_jwt(), "n1")]
        sd = {"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}}
        wrong_type = _query({**sd, "meta": {"vct_values": ["urn:other"]}})
        assert match(wrong_type, items)["q"].candidates == []
        bsc = _query({**sd, "claims": [{"path": ["degrees", None, "type"], "values": ["BSc"]}]})
        (candidate,) = match(bsc, items)["q"].candidates
        assert candidate.paths == (("degrees", 0, "type"),)
        assert candidate.disclosed == ["degrees[0].type"]
        phd = _query({**sd, "claims": [{"path": ["degrees", None, "type"], "values": ["PhD"]}]})
        assert "lacks a requested claim" in match(phd, items)["q"].reason
        sets = _query(
            {
                **sd,
                "claims": [
                    {"id": "phone", "path": ["phone"]},
                    {"id": "mail", "path": ["email"]},
                    {"id": "city", "path": ["address", "locality"]},
                ],
                "claim_sets": [["phone"], ["mail", "city"], ["mail"]],
            }
        )
        (candidate,) = match(sets, items)["q"].candidates
        assert candidate.paths == (("email",), ("address", "locality"))

    def test_no_claims_asks_for_no_selectively_disclosable_claim(self) -> None:
        items = [held(_nested_sd_jwt(), "n1")]
        query = _query({"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}})
        (candidate,) = match(query, items)["q"].candidates
        assert candidate.paths == ()

    def test_w3c_types_match_expanded_iris_and_whole_credentials_leave(self) -> None:
        holder = holder_keys()
        items = [held(ldp_credential(holder), "b"), held(jwt_credential(holder), "d")]
        query = _query(
            {
                "id": "badge",
                "format": "ldp_vc",
                "meta": {
                    "type_values": [
                        [
                            "https://www.w3.org/2018/credentials#VerifiableCredential",
                            "OpenBadgeCredential",
                        ]
                    ]
                },
            },
            {
                "id": "degree",
                "format": "jwt_vc_json",
                "meta": {"type_values": [["AlumniCredential"], ["UniversityDegreeCredential"]]},
                "claims": [{"path": ["credentialSubject", "degree", "name"], "values": ["BSc"]}],
            },
            {"id": "mdl", "format": "mso_mdoc", "meta": {"doctype_value": "org.iso.18013.5.1.mDL"}},
        )
        found = match(query, items)
        assert [c.held.wallet_id for c in found["badge"].candidates] == ["b"]
        assert found["badge"].candidates[0].whole
        assert [c.held.wallet_id for c in found["degree"].candidates] == ["d"]
        assert found["mdl"].candidates == []
        assert "cannot present the format 'mso_mdoc'" in found["mdl"].reason

    def test_holder_binding(self) -> None:
        items = [held(_nested_sd_jwt(), "n1")]
        required = _query({"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}})
        assert match(required, items, bound=lambda _c: False)["q"].candidates == []
        optional = _query(
            {
                "id": "q",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [VCT]},
                "require_cryptographic_holder_binding": False,
            }
        )
        assert len(match(optional, items, bound=lambda _c: False)["q"].candidates) == 1


class TestCredentialSets:
    def _dcql(self, sets: list[Any] | None) -> Any:
        return _query(
            {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:pid"]}},
            {"id": "learning", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}},
            {"id": "badge", "format": "ldp_vc", "meta": {}},
            sets=sets,
        )

    def test_without_sets_every_query_is_required(self) -> None:
        dcql = self._dcql(None)
        ids, problems = plan(dcql, match(dcql, [held(_nested_sd_jwt(), "n")]))
        assert ids == ["pid", "learning", "badge"]
        assert len(problems) == 2

    def test_first_satisfiable_option_and_optional_sets(self) -> None:
        dcql = self._dcql(
            [
                {"options": [["pid"], ["learning"]]},
                {"options": [["badge"]], "required": False},
            ]
        )
        ids, problems = plan(dcql, match(dcql, [held(_nested_sd_jwt(), "n")]))
        assert (ids, problems) == (["learning"], [])

    def test_an_unmet_required_set_is_a_problem(self) -> None:
        dcql = self._dcql([{"options": [["pid", "badge"]]}])
        ids, problems = plan(dcql, match(dcql, [held(_nested_sd_jwt(), "n")]))
        assert ids == []
        assert "pid" in problems[0] and "badge" in problems[0]


class TestSdJwtDisclosures:
    def _names(self, token: str, chosen: tuple[str, ...]) -> dict[str, Any]:
        head = token.split("~")[0]
        return decode_sd_jwt("~".join((head, *chosen)) + "~").claims

    def test_only_what_the_path_runs_through(self) -> None:
        token = _nested_sd_jwt()
        chosen = select_disclosures(token, [("address", "locality")])
        claims = self._names(token, chosen)
        assert len(chosen) == 2
        assert claims["address"] == {"country": "US", "locality": "Springfield"}
        assert "email" not in claims and "degrees" not in claims

    def test_a_requested_object_is_disclosed_whole(self) -> None:
        token = _nested_sd_jwt()
        claims = self._names(token, select_disclosures(token, [("address",)]))
        assert claims["address"]["street"] == "1 Main St"

    def test_array_elements_by_visible_index(self) -> None:
        token = _nested_sd_jwt()
        chosen = select_disclosures(token, [("degrees", 1, "type")])
        claims = self._names(token, chosen)
        assert claims["degrees"] == [{"type": "MSc", "field": "Maths"}]
        nat = self._names(token, select_disclosures(token, [("nationalities", 1)]))
        assert nat["nationalities"] == ["FR", "DE"]
        assert self._names(token, select_disclosures(token, []))["nationalities"] == ["FR"]

    def test_nothing_requested_nothing_disclosed(self) -> None:
        assert select_disclosures(_nested_sd_jwt(), []) == ()

    def test_a_missing_claim_is_an_error(self) -> None:
        with pytest.raises(BadInput):
            select_disclosures(_nested_sd_jwt(), [("phone",)])


def test_nothing_held_is_said_plainly() -> None:
    dcql = parse_dcql(json.loads('{"credentials": [{"id": "x", "format": "ldp_vc"}]}'))
    assert match(dcql, [])["x"].reason == "no ldp_vc credential held"
