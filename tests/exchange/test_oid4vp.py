"""OpenID4VP 1.0, the wallet's side, against a verifier on 127.0.0.1 that checks what it gets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from oid4vp_support import (
    VCT,
    HeldItem,
    held,
    holder_keys,
    jwt_credential,
    ldp_credential,
    sd_jwt_credential,
)
from oid4vp_verifier import b64, jwt, running_verifier

from credwallet.errors import BadInput
from credwallet.exchange.holder import HolderKeys
from credwallet.exchange.oid4vp import (
    AuthorizationRequest,
    RequestRefused,
    build_vp_token,
    is_openid4vp,
    load_request,
    send_response,
)
from credwallet.exchange.present import PresentationRefused
from credwallet.net import Fetcher
from credwallet.verify.keys import SigningKey
from credwallet.verify.trust import Registry, TrustConfig

SD_QUERY: dict[str, Any] = {
    "credentials": [
        {
            "id": "learning",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [VCT]},
            "claims": [{"path": ["given_name"]}, {"path": ["family_name"]}],
        }
    ]
}


def _client() -> Fetcher:
    return Fetcher(cache=None, offline=False, allow_loopback=True)


def _answer(
    request: AuthorizationRequest, items: list[HeldItem], holder: HolderKeys
) -> dict[str, Any]:
    matches = request.match(items, holder)
    ids, problems = request.plan(matches)
    assert problems == []
    chosen = [matches[i].candidates[0] for i in ids]
    return build_vp_token(request, chosen, holder)


class TestDecentralizedIdentifierVerifier:
    def test_sd_jwt_vc_discloses_only_the_requested_claims(self) -> None:
        """A signed request from a did:key verifier gets the two claims it asked for, bound."""
        holder = holder_keys()
        token, _issuer = sd_jwt_credential(holder)
        items = [held(token, "c1")]
        with running_verifier(SD_QUERY) as verifier:
            request = load_request(verifier.link(), _client())
            assert request.verifier.authenticated
            assert request.verifier.identifier == verifier.key.did_key
            assert request.verifier.claimed_name == "Test Employer"
            assert request.verifier.label.startswith(verifier.key.did_key)
            vp_token = _answer(request, items, holder)
            outcome = send_response(_client(), request, vp_token)
            assert verifier.errors == []
            assert outcome.redirect_uri == f"{verifier.base}/done?session={verifier.state}"
            (result,) = verifier.verified["learning"]
            assert result["disclosed"] == ["family_name", "given_name"]
            assert "email" not in result["claims"]
            assert "achievement" not in result["claims"]

    def test_the_reference_sd_jwt_library_accepts_the_presentation(self) -> None:
        """An independent implementation (the IETF reference `sd-jwt`) verifies the KB-JWT."""
        sd_verifier = pytest.importorskip("sd_jwt.verifier")
        from jwcrypto.jwk import JWK

        holder = holder_keys()
        token, issuer = sd_jwt_credential(holder)
        with running_verifier(SD_QUERY) as verifier:
            request = load_request(verifier.link(), _client())
            presentation = _answer(request, [held(token, "c1")], holder)["learning"][0]

        def issuer_key(_iss: str, _header: dict[str, Any]) -> JWK:
            return JWK.from_json(json.dumps(issuer.jwk))

        checked = sd_verifier.SDJWTVerifier(
            presentation, issuer_key, expected_aud=request.client_id, expected_nonce=request.nonce
        )
        claims = checked.get_verified_payload()
        assert claims["given_name"] == "Ada"
        assert claims["family_name"] == "Lovelace"
        assert "email" not in claims
        with pytest.raises(ValueError, match="nonce"):
            sd_verifier.SDJWTVerifier(
                presentation, issuer_key, expected_aud=request.client_id, expected_nonce="other"
            )

    def test_registered_name_comes_from_the_users_registries(self) -> None:
        """The DID is shown with the name a registry the user follows gives it."""
        with running_verifier(SD_QUERY) as verifier:
            registry = Registry(
                name="Employers",
                kind="dcc-legacy",
                source="file:employers.json",
                fetched_at=datetime.now(UTC),
                entries={verifier.key.did_key: {"name": "ACME Hiring"}},
            )
            request = load_request(
                verifier.link(), _client(), trust=TrustConfig(registries=(registry,))
            )
            assert request.verifier.registered_name == "ACME Hiring"
            assert request.verifier.trust == "registered"
            assert "registered as ACME Hiring" in request.verifier.label

    def test_a_blocked_verifier_is_refused(self) -> None:
        with running_verifier(SD_QUERY) as verifier:
            trust = TrustConfig(blocks={verifier.key.did_key: "spam"})
            with pytest.raises(RequestRefused, match="blocked"):
                load_request(verifier.link(), _client(), trust=trust)

    def test_a_forged_request_signature_is_refused_and_nothing_is_sent(self) -> None:
        with running_verifier(SD_QUERY, forge=True) as verifier:
            with pytest.raises(RequestRefused, match="signature does not verify"):
                load_request(verifier.link(), _client())
            assert verifier.requests == ["GET /request"]

    def test_a_request_signed_by_another_did_is_refused(self) -> None:
        with running_verifier(SD_QUERY) as verifier:
            other = SigningKey.generate("Ed25519")
            verifier.key = other  # signs with `other` but the link names the first DID
            link = verifier.link().replace(
                other.did_key.replace(":", "%3A"), SigningKey.generate().did_key
            )
            with pytest.raises(RequestRefused):
                load_request(link, _client())

    def test_an_unsigned_request_from_a_did_is_refused(self) -> None:
        with running_verifier(SD_QUERY) as verifier:
            payload = verifier.request_object()
            unsigned = jwt({"alg": "none", "typ": "oauth-authz-req+jwt"}, payload, None)
            link = f"openid4vp://?client_id={payload['client_id']}&request={unsigned}"
            with pytest.raises(RequestRefused, match="signed request"):
                load_request(link, _client())

    def test_request_uri_by_post(self) -> None:
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder)
        with running_verifier(SD_QUERY, request_uri_method="post") as verifier:
            request = load_request(verifier.link(), _client())
            send_response(_client(), request, _answer(request, [held(token, "c")], holder))
            assert verifier.requests[0] == "POST /request"
            assert verifier.errors == []


class TestEncryptedResponse:
    def test_direct_post_jwt_is_encrypted_to_the_verifiers_key(self) -> None:
        """direct_post.jwt: ECDH-ES + A128GCM, decrypted by an independent library (jwcrypto)."""
        pytest.importorskip("jwcrypto")
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder)
        with running_verifier(SD_QUERY, encrypted=True) as verifier:
            request = load_request(verifier.link(), _client())
            assert request.response_mode == "direct_post.jwt"
            send_response(_client(), request, _answer(request, [held(token, "c")], holder))
            assert verifier.errors == []
            assert verifier.verified["learning"][0]["disclosed"] == ["family_name", "given_name"]

    def test_concat_kdf_matches_rfc_7518_appendix_c(self) -> None:
        from credwallet.exchange.jwe import concat_kdf

        shared = bytes(
            [
                158,
                86,
                217,
                29,
                129,
                113,
                53,
                211,
                114,
                131,
                66,
                131,
                191,
                132,
                38,
                156,
                251,
                49,
                110,
                163,
                218,
                128,
                106,
                72,
                246,
                218,
                167,
                121,
                140,
                254,
                144,
                196,
            ]
        )
        key = concat_kdf(shared, "A128GCM", 16, apu=b"Alice", apv=b"Bob")
        assert b64(key) == "VqqN6vgjbSBcIijNcacQGg"


class TestRedirectUriVerifier:
    def test_ldp_vc_and_jwt_vc_json_are_presented_and_verified(self) -> None:
        """Data Integrity VP (challenge = nonce, domain = client id) and a VP-JWT."""
        holder = holder_keys()
        query = {
            "credentials": [
                {
                    "id": "badge",
                    "format": "ldp_vc",
                    "meta": {
                        "type_values": [
                            ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"]
                        ]
                    },
                    "claims": [{"path": ["credentialSubject", "achievement", "name"]}],
                },
                {
                    "id": "degree",
                    "format": "jwt_vc_json",
                    "meta": {"type_values": [["UniversityDegreeCredential"]]},
                },
            ]
        }
        items = [held(ldp_credential(holder), "b1"), held(jwt_credential(holder), "d1")]
        with running_verifier(query, mode="redirect") as verifier:
            request = load_request(verifier.link(), _client())
            assert not request.verifier.authenticated
            assert request.verifier.label == "unauthenticated verifier: 127.0.0.1"
            vp_token = _answer(request, items, holder)
            outcome = send_response(_client(), request, vp_token)
            assert verifier.errors == []
            assert outcome.redirect_uri is not None
            assert verifier.verified["badge"][0]["holder"] == holder.ed25519.did_key
            assert verifier.verified["degree"][0]["credentials"] == 1

    def test_a_response_uri_other_than_the_client_id_is_refused(self) -> None:
        with running_verifier(
            SD_QUERY, mode="redirect", response_uri="http://127.0.0.1:9/elsewhere"
        ) as verifier:
            with pytest.raises(RequestRefused, match="not to the verifier's own URI"):
                load_request(verifier.link(), _client())
            assert all("response" not in r for r in verifier.requests)

    def test_parameters_by_value(self) -> None:
        params = {
            "client_id": "redirect_uri:https://verifier.example/cb",
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "response_uri": "https://verifier.example/cb",
            "nonce": "n-0S6_WzA2Mj",
            "dcql_query": json.dumps(SD_QUERY),
        }
        from urllib.parse import urlencode

        request = load_request("openid4vp://?" + urlencode(params), None)
        assert request.verifier.label == "unauthenticated verifier: verifier.example"
        assert request.dcql.credentials[0].id == "learning"
        assert request.state is None


class TestRefusals:
    @pytest.mark.parametrize(
        ("client_id", "named"),
        [
            ("x509_san_dns:verifier.example", "X.509"),
            ("verifier_attestation:verifier.example", "attestation"),
            ("openid_federation:https://verifier.example", "Federation"),
            ("verifier.example", "pre-registered"),
        ],
    )
    def test_unsupported_client_id_prefixes(self, client_id: str, named: str) -> None:
        link = f"openid4vp://?client_id={client_id}&request_uri=https://verifier.example/r"
        with pytest.raises(RequestRefused, match=named):
            load_request(link, None)

    def _by_value(self, **changes: Any) -> str:
        from urllib.parse import urlencode

        params = {
            "client_id": "redirect_uri:https://v.example/cb",
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "response_uri": "https://v.example/cb",
            "nonce": "abc",
            "dcql_query": json.dumps(SD_QUERY),
            **changes,
        }
        return "openid4vp://?" + urlencode({k: v for k, v in params.items() if v is not None})

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"response_mode": "direct_post.jwt"}, "cannot encrypt the response"),
            ({"response_mode": "fragment"}, "only by direct_post"),
            ({"response_type": "code"}, "vp_token"),
            ({"nonce": None}, "nonce"),
            ({"dcql_query": None, "presentation_definition": "{}"}, "presentation_definition"),
            ({"dcql_query": '{"credentials": []}'}, "credentials"),
            ({"response_uri": "ftp://v.example/cb"}, "https"),
            ({"transaction_data": "[]"}, "transaction_data"),
        ],
    )
    def test_requests_credwallet_cannot_answer(self, changes: dict[str, Any], message: str) -> None:
        with pytest.raises(RequestRefused, match=message):
            load_request(self._by_value(**changes), None)

    def test_request_uri_over_plain_http_to_the_internet_is_refused(self) -> None:
        from credwallet.errors import FetchError

        link = (
            "openid4vp://?client_id=redirect_uri:https://v.example/cb"
            "&request_uri=http://v.example/request"
        )
        with pytest.raises(FetchError):
            load_request(link, Fetcher(cache=None, offline=False, allow_loopback=False))

    def test_no_matching_credential_is_a_problem_before_anything_is_sent(self) -> None:
        holder = holder_keys()
        with running_verifier(SD_QUERY) as verifier:
            request = load_request(verifier.link(), _client())
            other, _ = sd_jwt_credential(holder, given_name="Ada")  # no family_name
            matches = request.match([held(other, "x"), held(jwt_credential(holder), "y")], holder)
            _ids, problems = request.plan(matches)
            assert problems and "lacks a requested claim" in problems[0]
            assert verifier.requests == ["GET /request"]

    def test_an_sd_jwt_vc_bound_to_someone_else_is_not_a_candidate(self) -> None:
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder_keys())
        with running_verifier(SD_QUERY) as verifier:
            request = load_request(verifier.link(), _client())
            matches = request.match([held(token, "x")], holder)
            assert matches["learning"].candidates == []
            assert "not bound" in matches["learning"].reason

    def test_a_key_binding_algorithm_the_verifier_does_not_take_is_refused(self) -> None:
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder)  # bound to the P-256 key: an ES256 KB-JWT
        with running_verifier(SD_QUERY) as verifier:
            request = load_request(verifier.link(), _client())
            request.client_metadata["vp_formats_supported"] = {
                "dc+sd-jwt": {"kb-jwt_alg_values": ["EdDSA"]}
            }
            with pytest.raises(BadInput, match="signed with EdDSA only"):
                _answer(request, [held(token, "c")], holder)
            request.client_metadata["vp_formats_supported"] = {
                "dc+sd-jwt": {"kb-jwt_alg_values": ["ES256", "ES384"]}
            }
            assert _answer(request, [held(token, "c")], holder)["learning"]

    def test_the_verifier_rejecting_the_presentation_is_an_error(self) -> None:
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder)
        with running_verifier(SD_QUERY) as verifier:
            request = load_request(verifier.link(), _client())
            request.nonce = "not-the-verifiers"  # a replayed or mixed-up presentation
            vp_token = build_vp_token(
                request,
                [request.match([held(token, "c")], holder)["learning"].candidates[0]],
                holder,
            )
            with pytest.raises(PresentationRefused, match="HTTP 400"):
                send_response(_client(), request, vp_token)


def test_openid4vp_links_are_recognised() -> None:
    assert is_openid4vp("openid4vp://?client_id=x&request_uri=https://a/b")
    assert is_openid4vp("https://wallet.example/?client_id=x&request_uri=https://a/b")
    assert not is_openid4vp("openid-credential-offer://?credential_offer_uri=https://a")
    assert not is_openid4vp("https://verifierplus.org/exchanges/1")
