"""An OpenID4VP 1.0 verifier on 127.0.0.1 that checks what the wallet sends, for the tests.

It builds real requests: a Request Object signed with its did:key (``decentralized_identifier``
client id, typ ``oauth-authz-req+jwt``) or an unsigned one (``redirect_uri`` client id), served
by reference (GET or POST). On ``direct_post`` it verifies every presentation in the
``vp_token`` with credwallet's own verifier, independently of the wallet's presenting code:

- ``dc+sd-jwt``: the issuer's signature and key (``verify_sd_jwt_vc``), then the KB-JWT: its
  ``typ``, its signature by the key in ``cnf``, ``aud`` = client id, ``nonce``, ``iat``, and
  ``sd_hash`` over exactly what was presented; the disclosed claim names are recorded;
- ``ldp_vc``: ``verify_presentation`` with ``challenge`` = nonce and ``domain`` = client id, and
  every embedded credential valid;
- ``jwt_vc_json``: the VP-JWT's signature by the holder's DID key, ``aud`` and ``nonce``, and the
  embedded VC-JWT verified.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote

from credwallet.exchange.serving import serving
from credwallet.formats import parse
from credwallet.formats.jose import decode_compact_jws
from credwallet.formats.sdjwt import decode_sd_jwt
from credwallet.models import CheckStatus, ReportStatus
from credwallet.verify.engine import VerifyOptions, verify_credential, verify_presentation
from credwallet.verify.jwt import verify_jws_signature
from credwallet.verify.keys import SigningKey, jwk_to_public_key, resolve_verification_method
from credwallet.verify.sdjwt import verify_sd_jwt_vc


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header: dict[str, Any], payload: dict[str, Any], key: SigningKey | None) -> str:
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    signature = b64(key.sign(signing_input.encode())) if key is not None else ""
    return signing_input + "." + signature


@dataclass
class VerifierState:
    dcql: dict[str, Any]
    mode: str = "did"  # did | redirect
    base: str = ""
    key: SigningKey = field(default_factory=SigningKey.generate)
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(8))
    request_uri_method: str = "get"
    forge: bool = False  # change the signed request after signing
    response_uri: str | None = None  # another response_uri than the verifier's own
    client_name: str = "Test Employer"
    encrypted: bool = False  # direct_post.jwt: the response comes as a JWE to `enc_key`
    enc_key: Any = None  # a jwcrypto JWK (an independent JWE implementation)
    requests: list[str] = field(default_factory=list)
    received: list[dict[str, list[str]]] = field(default_factory=list)
    verified: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    presentations: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def client_id(self) -> str:
        if self.mode == "did":
            return "decentralized_identifier:" + self.key.did_key
        return "redirect_uri:" + self.base + "/response"

    def request_object(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "response_type": "vp_token",
            "response_mode": "direct_post.jwt" if self.encrypted else "direct_post",
            "response_uri": self.response_uri or self.base + "/response",
            "nonce": self.nonce,
            "state": self.state,
            "dcql_query": self.dcql,
            "client_metadata": self.client_metadata(),
            "aud": "https://self-issued.me/v2",
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
        }

    def client_metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {"client_name": self.client_name}
        if self.encrypted:
            from jwcrypto.jwk import JWK

            self.enc_key = self.enc_key or JWK.generate(kty="EC", crv="P-256", kid="enc-1")
            public = json.loads(self.enc_key.export_public())
            metadata["jwks"] = {"keys": [{**public, "use": "enc", "alg": "ECDH-ES"}]}
            metadata["encrypted_response_enc_values_supported"] = ["A128GCM"]
        return metadata

    def decrypt(self, token: str) -> dict[str, Any]:
        from jwcrypto.jwe import JWE

        jwe = JWE()
        jwe.deserialize(token, key=self.enc_key)
        assert jwe.jose_header["alg"] == "ECDH-ES"
        assert jwe.jose_header["kid"] == "enc-1"
        value: dict[str, Any] = json.loads(jwe.payload)
        return value

    def request_jwt(self) -> str:
        payload = self.request_object()
        if self.mode != "did":
            return jwt({"alg": "none", "typ": "oauth-authz-req+jwt"}, payload, None)
        header = {
            "alg": "EdDSA",
            "typ": "oauth-authz-req+jwt",
            "kid": self.key.verification_method,
        }
        token = jwt(header, payload, self.key)
        if self.forge:
            head, _body, signature = token.split(".")
            payload["response_uri"] = "http://127.0.0.1:9/steal"
            token = head + "." + b64(json.dumps(payload).encode()) + "." + signature
        return token

    def link(self) -> str:
        link = (
            "openid4vp://?client_id="
            + quote(self.client_id, safe="")
            + "&request_uri="
            + quote(self.base + "/request", safe="")
        )
        if self.request_uri_method == "post":
            link += "&request_uri_method=post"
        return link

    # --- checking what arrives -----------------------------------------------------------------

    def check(self, vp_token: dict[str, list[Any]]) -> None:
        self.presentations = vp_token
        for query_id, entries in vp_token.items():
            query = next(q for q in self.dcql["credentials"] if q["id"] == query_id)
            results = self.verified.setdefault(query_id, [])
            for entry in entries:
                if query["format"] == "dc+sd-jwt":
                    results.append(self._sd_jwt(entry))
                elif query["format"] == "ldp_vc":
                    results.append(self._ldp(entry))
                else:
                    results.append(self._vp_jwt(entry))

    def _sd_jwt(self, presentation: str) -> dict[str, Any]:
        *head, kb = presentation.split("~")
        presented = "~".join(head) + "~"
        credential = parse(presented.encode())
        options = VerifyOptions(now=datetime.now(UTC))
        checks = {c.name: c.status for c in verify_sd_jwt_vc(credential, options)}
        assert checks["proof"] is CheckStatus.PASS, checks
        assert checks["issuer-key"] is CheckStatus.PASS, checks
        sd = decode_sd_jwt(presented)
        kb_jws = decode_compact_jws(kb)
        assert kb_jws.header["typ"] == "kb+jwt"
        holder = jwk_to_public_key(sd.issuer_jws.payload["cnf"]["jwk"])
        assert verify_jws_signature(kb_jws.signing_input, kb_jws.signature, kb_jws.alg, holder)
        assert kb_jws.payload["aud"] == self.client_id
        assert kb_jws.payload["nonce"] == self.nonce
        assert abs(kb_jws.payload["iat"] - time.time()) < 300
        sd_hash = b64(hashlib.sha256(presented.encode()).digest())
        assert kb_jws.payload["sd_hash"] == sd_hash
        disclosed = [json.loads(base64.urlsafe_b64decode(d + "==")) for d in sd.disclosures]
        return {
            "claims": sd.claims,
            "disclosed": sorted(d[1] for d in disclosed if len(d) == 3),
            "disclosures": len(sd.disclosures),
        }

    def _ldp(self, presentation: dict[str, Any]) -> dict[str, Any]:
        options = VerifyOptions(
            now=datetime.now(UTC),
            expected_proof_purpose="authentication",
            challenge=self.nonce,
            domain=self.client_id,
        )
        report, embedded = verify_presentation(presentation, source="vp", options=options)
        assert report.status is ReportStatus.VALID, report
        assert embedded and all(r.status is ReportStatus.VALID for r in embedded), embedded
        return {"holder": presentation["holder"], "credentials": len(embedded)}

    def _vp_jwt(self, token: str) -> dict[str, Any]:
        jws = decode_compact_jws(token)
        resolved = resolve_verification_method(jws.header["kid"], fetcher=None)
        assert resolved.controller == jws.payload["iss"]
        assert verify_jws_signature(jws.signing_input, jws.signature, jws.alg, resolved.key)
        assert jws.payload["aud"] == self.client_id
        assert jws.payload["nonce"] == self.nonce
        inner = jws.payload["vp"]["verifiableCredential"]
        reports = [
            verify_credential(
                parse(vc.encode()), source="vc", options=VerifyOptions(now=datetime.now(UTC))
            )
            for vc in inner
        ]
        assert all(r.status is ReportStatus.VALID for r in reports), reports
        return {"holder": jws.payload["iss"], "credentials": len(reports)}


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _request(self) -> None:
        st = self.server.state
        self._send(200, st.request_jwt().encode(), "application/oauth-authz-req+jwt")

    def do_GET(self) -> None:
        st = self.server.state
        st.requests.append("GET " + self.path)
        if self.path == "/request" and st.request_uri_method == "get":
            self._request()
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        st = self.server.state
        st.requests.append("POST " + self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/request" and st.request_uri_method == "post":
            self._request()
            return
        if self.path != "/response":
            self._send(404, {"error": "not_found"})
            return
        form = parse_qs(raw.decode("ascii"))
        st.received.append(form)
        try:
            if st.encrypted:
                assert set(form) == {"response"}
                payload = st.decrypt(form["response"][0])
                assert payload["state"] == st.state
                st.check(payload["vp_token"])
            else:
                assert form["state"] == [st.state]
                st.check(json.loads(form["vp_token"][0]))
        except Exception as exc:
            st.errors.append(repr(exc))
            self._send(400, {"error": "invalid_request", "error_description": "not verified"})
            return
        self._send(200, {"redirect_uri": st.base + "/done?session=" + st.state})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: VerifierState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def running_verifier(dcql: dict[str, Any], **knobs: Any) -> Iterator[VerifierState]:
    state = VerifierState(dcql=dcql, **knobs)
    server = _Server(state)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server):
        yield state
