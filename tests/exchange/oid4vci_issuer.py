"""A strict OpenID4VCI 1.0 issuer on 127.0.0.1, written for these tests.

It checks what a real issuer checks, independently of credwallet's own code: pre-authorized
codes are single-use, the transaction code must match, the access token must be presented,
the credential request must use ``proofs.jwt`` (1.0 final; singular ``proof`` is refused),
every key proof is verified with ``cryptography`` against the did:key in its ``kid`` (typ,
alg, aud, iat, no iss for anonymous access), nonces are single-use and expire. Each knob
(`nonce_expired_once`, `deferred`, `unbound`, `huge`, ...) makes it misbehave in one way.
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
from typing import Any
from urllib.parse import parse_qs, quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sdjwt_maker import holder_jwk_from_did, make_sd_jwt_vc, status_list_token

from credwallet.exchange.serving import serving
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def verify_proof_jwt(token: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(holder did, header, payload) of a key proof, or ValueError saying what is wrong."""
    head, body, sig = token.split(".")
    header = json.loads(b64d(head))
    payload = json.loads(b64d(body))
    if header.get("typ") != "openid4vci-proof+jwt":
        raise ValueError("typ")
    kid = header.get("kid", "")
    did, _, fragment = kid.partition("#")
    if not did.startswith("did:key:z") or fragment != did[len("did:key:") :]:
        raise ValueError("kid")
    data = _b58decode(did[len("did:key:z") :])
    message = f"{head}.{body}".encode()
    signature = b64d(sig)
    try:
        if data[:2] == b"\xed\x01" and header.get("alg") == "EdDSA":
            ed25519.Ed25519PublicKey.from_public_bytes(data[2:]).verify(signature, message)
        elif data[:2] == b"\x80\x24" and header.get("alg") == "ES256":
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[2:])
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        else:
            raise ValueError("alg")
    except InvalidSignature:
        raise ValueError("signature") from None
    return did, header, payload


def _jcs(value: Any) -> bytes:
    # RFC 8785 for the strings, lists and objects a key proof holds (no numbers).
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def verify_di_vp(presentation: Any) -> tuple[str, dict[str, Any]]:
    """(holder did, proof) of a di_vp key proof signed eddsa-jcs-2022, or ValueError."""
    if not isinstance(presentation, dict) or "VerifiablePresentation" not in presentation.get(
        "type", []
    ):
        raise ValueError("not a presentation")
    proof = presentation.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-jcs-2022":
        raise ValueError("cryptosuite")
    if proof.get("type") != "DataIntegrityProof" or proof.get("proofPurpose") != "authentication":
        raise ValueError("proof type or purpose")
    holder = presentation.get("holder", "")
    did, _, fragment = str(proof.get("verificationMethod", "")).partition("#")
    if did != holder or not did.startswith("did:key:z") or fragment != did[len("did:key:") :]:
        raise ValueError("verificationMethod")
    data = _b58decode(did[len("did:key:z") :])
    if data[:2] != b"\xed\x01":
        raise ValueError("not an Ed25519 did:key")
    document = {k: v for k, v in presentation.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    message = hashlib.sha256(_jcs(config)).digest() + hashlib.sha256(_jcs(document)).digest()
    value = str(proof.get("proofValue", ""))
    if not value.startswith("z"):
        raise ValueError("proofValue")
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(data[2:]).verify(_b58decode(value[1:]), message)
    except InvalidSignature:
        raise ValueError("signature") from None
    return did, proof


@dataclass
class IssuerState:
    base: str = ""
    key: SigningKey = field(default_factory=SigningKey.generate)
    sd_key: SigningKey = field(default_factory=lambda: SigningKey.generate("P-256"))
    revoked: set[int] = field(default_factory=set)
    issued_count: int = 0
    codes: dict[str, str | None] = field(default_factory=dict)  # code -> tx_code
    issuer_states: set[str] = field(default_factory=set)
    auth_codes: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> request
    deny_authorization: bool = False
    tokens: set[str] = field(default_factory=set)
    client_tokens: dict[str, str] = field(default_factory=dict)  # token -> client_id
    nonces: dict[str, float] = field(default_factory=dict)  # nonce -> expiry
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    proofs_seen: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    # knobs
    nonce_expired_once: bool = False
    deferred: bool = False
    deferred_ready: bool = False
    unbound: bool = False
    foreign_issuer: bool = False
    huge: bool = False
    attestation_only: bool = False
    redirect_offer_to: str | None = None
    credentials_per_response: int = 1
    forged: bool = False
    identifiers: dict[str, list[str]] = field(default_factory=dict)
    identifiers_used: list[str] = field(default_factory=list)
    display_name: str = "Test University"
    par: bool = False  # requires pushed authorization requests (RFC 9126)
    dpop: bool = False  # hands out DPoP-bound access tokens only
    pushed: dict[str, dict[str, str]] = field(default_factory=dict)  # request_uri -> request

    def new_offer(
        self,
        ids: list[str],
        *,
        tx_code: str | None = None,
        by_reference: bool = False,
        auth_code: bool = False,
    ) -> str:
        code = secrets.token_urlsafe(16)
        grants: dict[str, Any]
        if auth_code:
            self.issuer_states.add(code)
            grants = {"authorization_code": {"issuer_state": code}}
        else:
            self.codes[code] = tx_code
            grant: dict[str, Any] = {"pre-authorized_code": code}
            if tx_code is not None:
                grant["tx_code"] = {"input_mode": "numeric", "length": len(tx_code)}
            grants = {PRE_AUTH: grant}
        offer = {
            "credential_issuer": self.base,
            "credential_configuration_ids": ids,
            "grants": grants,
        }
        if by_reference:
            self.transactions["offer:" + code] = offer
            return "openid-credential-offer://?credential_offer_uri=" + quote(
                f"{self.base}/offers/{code}", safe=""
            )
        return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer), safe="")

    def metadata(self) -> dict[str, Any]:
        return {
            "credential_issuer": self.base,
            "credential_endpoint": self.base + "/credential",
            "nonce_endpoint": self.base + "/nonce",
            "deferred_credential_endpoint": self.base + "/deferred",
            "notification_endpoint": self.base + "/notification",
            "display": [
                {"name": "Université de Test", "locale": "fr"},
                {
                    "name": self.display_name,
                    "locale": "en",
                    "logo": {"uri": self.base + "/logo.png"},
                },
            ],
            "credential_configurations_supported": self.configs,
        }

    def issue(self, config_id: str, holder: str) -> Any:
        if self.configs[config_id]["format"] in ("dc+sd-jwt", "vc+sd-jwt"):
            self.issued_count += 1
            typ = self.configs[config_id]["format"]  # the older drafts typed it vc+sd-jwt
            return make_sd_jwt_vc(
                header={"typ": typ},
                issuer="https://elsewhere.example" if self.foreign_issuer else self.base,
                key=self.sd_key,
                holder_jwk=None if self.unbound else holder_jwk_from_did(holder),
                claims={"name": "Learning Outcome", "given_name": "Ada", "credits": 5},
                status=(self.base + "/status/1", self.issued_count),
                vct=self.base + "/types/learning",
            )
        if self.configs[config_id]["format"] == "ldp_vc":
            from credwallet.verify.dataintegrity import sign_document

            document = {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "issuer": self.key.did_key,
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": holder},
            }
            return sign_document(
                document,
                suite="eddsa-rdfc-2022",
                key=self.key,
                verification_method=self.key.verification_method,
            )
        subject = "did:example:someone-else" if self.unbound else holder
        issuer = "did:web:elsewhere.example" if self.foreign_issuer else self.key.did_key
        name = self.configs[config_id].get("_title", config_id)
        vc = {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": subject, "name": name},
            "id": "urn:uuid:" + secrets.token_hex(8),
        }
        if self.forged:  # names the issuer's key, signed by another
            return sign_vc_jwt(vc, key=SigningKey.generate(), kid=self.key.verification_method)
        return sign_vc_jwt(vc, key=self.key)


def sd_jwt_config(title: str, algs: list[str] | None = None) -> dict[str, Any]:
    return {
        "format": "dc+sd-jwt",
        "_title": title,
        "vct": "urn:eu.europa.ec.eudi:learning:credential:1",
        "cryptographic_binding_methods_supported": ["jwk"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": algs or ["ES256"]}},
        "credential_metadata": {"display": [{"name": title}]},
    }


def jwt_config(title: str, algs: list[str] | None = None) -> dict[str, Any]:
    return {
        "format": "jwt_vc_json",
        "_title": title,
        "credential_definition": {"type": ["VerifiableCredential"]},
        "cryptographic_binding_methods_supported": ["did:key"],
        "proof_types_supported": {
            "jwt": {"proof_signing_alg_values_supported": algs or ["EdDSA", "ES256"]}
        },
        "credential_metadata": {"display": [{"name": title, "locale": "en"}]},
    }


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _IssuerServer

    @property
    def st(self) -> IssuerState:
        return self.server.state

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(
        self, status: int, body: Any = None, *, headers: dict[str, str] | None = None
    ) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, description: str = "") -> None:
        self._send(status, {"error": code, "error_description": description})

    def do_GET(self) -> None:
        self.st.requests.append("GET " + self.path)
        if self.path == "/.well-known/openid-credential-issuer":
            self._send(200, self.st.metadata())
        elif self.path == "/.well-known/oauth-authorization-server":
            meta: dict[str, Any] = {
                "issuer": self.st.base,
                "token_endpoint": self.st.base + "/token",
                "authorization_endpoint": self.st.base + "/authorize",
            }
            if self.st.attestation_only:
                meta["token_endpoint_auth_methods_supported"] = ["attest_jwt_client_auth"]
            if self.st.par:
                meta["pushed_authorization_request_endpoint"] = self.st.base + "/par"
                meta["require_pushed_authorization_requests"] = True
            self._send(200, meta)
        elif self.path == "/.well-known/jwt-vc-issuer":
            jwk = {**self.st.sd_key.jwk, "kid": "k1"}
            self._send(200, {"issuer": self.st.base, "jwks": {"keys": [jwk]}})
        elif self.path == "/types/learning":
            self._send(
                200,
                {
                    "vct": self.st.base + "/types/learning",
                    "display": [
                        {"lang": "de", "name": "Lernnachweis"},
                        {"lang": "en", "name": "Learning Credential"},
                    ],
                    "claims": [
                        {
                            "path": ["given_name"],
                            "display": [{"lang": "en", "label": "Given name"}],
                        },
                        {"path": ["credits"], "display": [{"lang": "en", "label": "ECTS credits"}]},
                    ],
                },
            )
        elif self.path == "/status/1":
            token = status_list_token(self.st.base + "/status/1", self.st.sd_key, self.st.revoked)
            data = token.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/statuslist+jwt")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path.startswith("/authorize?"):
            self._authorize(parse_qs(self.path.split("?", 1)[1]))
        elif self.path.startswith("/offers/"):
            if self.st.redirect_offer_to:
                self._send(302, headers={"Location": self.st.redirect_offer_to})
                return
            offer = self.st.transactions.get("offer:" + self.path.split("/")[-1])
            self._send(200 if offer else 404, offer or {"error": "not_found"})
        else:
            self._send(404, {"error": "not_found"})

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _token_ok(self) -> bool:
        auth = self.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.st.tokens

    def do_POST(self) -> None:
        self.st.requests.append("POST " + self.path)
        raw = self._body()
        if self.path == "/token":
            self._token(parse_qs(raw.decode()))
        elif self.path == "/par":
            self._par({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        elif self.path == "/nonce":
            nonce = secrets.token_urlsafe(12)
            expiry = time.time() + 300
            if self.st.nonce_expired_once:
                self.st.nonce_expired_once = False
                expiry = time.time() - 1
            self.st.nonces[nonce] = expiry
            self._send(200, {"c_nonce": nonce}, headers={"Cache-Control": "no-store"})
        elif self.path == "/credential":
            self._credential(json.loads(raw))
        elif self.path == "/deferred":
            self._deferred(json.loads(raw))
        elif self.path == "/notification":
            if not self._token_ok():
                self._error(401, "invalid_token")
                return
            self.st.notifications.append(json.loads(raw))
            self._send(204)
        else:
            self._send(404, {"error": "not_found"})

    def _auth_request_problem(self, one: dict[str, str]) -> str | None:
        redirect = one.get("redirect_uri", "")
        if (
            one.get("response_type") != "code"
            or not redirect.startswith("http://127.0.0.1:")
            or one.get("code_challenge_method") != "S256"
            or len(one.get("code_challenge", "")) != 43
            or one.get("issuer_state") not in self.st.issuer_states
            or not one.get("state")
        ):
            return "invalid_request"
        details = json.loads(one.get("authorization_details", "[]"))
        if not details or any(d.get("type") != "openid_credential" for d in details):
            return "invalid_authorization_details"
        return None

    def _par(self, form: dict[str, str]) -> None:
        problem = self._auth_request_problem(form)
        if problem:
            self._error(400, problem)
            return
        request_uri = "urn:ietf:params:oauth:request_uri:" + secrets.token_urlsafe(16)
        self.st.pushed[request_uri] = form
        self._send(201, {"request_uri": request_uri, "expires_in": 60})

    def _authorize(self, query: dict[str, list[str]]) -> None:
        one = {k: v[0] for k, v in query.items()}
        if self.st.par:
            # Only a pushed request is accepted, by its single-use reference and client_id.
            pushed = self.st.pushed.pop(one.get("request_uri", ""), None)
            if pushed is None or pushed.get("client_id") != one.get("client_id") or len(one) != 2:
                self._error(400, "invalid_request", "pushed authorization request required")
                return
            one = pushed
        problem = self._auth_request_problem(one)
        if problem:
            self._error(400, problem)
            return
        redirect = one["redirect_uri"]
        self.st.issuer_states.discard(one["issuer_state"])
        if self.st.deny_authorization:
            target = f"{redirect}?error=access_denied&state={quote(one['state'])}"
        else:
            code = secrets.token_urlsafe(16)
            self.st.auth_codes[code] = one
            target = f"{redirect}?code={code}&state={quote(one['state'])}"
        self._send(302, headers={"Location": target})

    def _token(self, form: dict[str, list[str]]) -> None:
        if form.get("grant_type") == ["authorization_code"]:
            self._token_for_code({k: v[0] for k, v in form.items()})
            return
        if form.get("grant_type") != [PRE_AUTH]:
            self._error(400, "unsupported_grant_type")
            return
        code = (form.get("pre-authorized_code") or [""])[0]
        if code not in self.st.codes:
            self._error(400, "invalid_grant", "unknown or used code")
            return
        expected = self.st.codes.pop(code)  # single use, even when the tx_code is wrong
        if expected is not None and form.get("tx_code") != [expected]:
            self._error(400, "invalid_grant", "wrong transaction code")
            return
        token = secrets.token_urlsafe(24)
        self.st.tokens.add(token)
        kind = "DPoP" if self.st.dpop else "Bearer"
        answer: dict[str, Any] = {"access_token": token, "token_type": kind, "expires_in": 300}
        if self.st.identifiers:
            answer["authorization_details"] = [
                {
                    "type": "openid_credential",
                    "credential_configuration_id": config_id,
                    "credential_identifiers": ids,
                }
                for config_id, ids in self.st.identifiers.items()
            ]
        self._send(200, answer)

    def _token_for_code(self, form: dict[str, str]) -> None:
        request = self.st.auth_codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if (
            request is None
            or form.get("redirect_uri") != request["redirect_uri"]
            or form.get("client_id") != request["client_id"]
            or digest.rstrip(b"=").decode() != request["code_challenge"]
        ):
            self._error(400, "invalid_grant")
            return
        token = secrets.token_urlsafe(24)
        self.st.tokens.add(token)
        self.st.client_tokens[token] = request["client_id"]
        self._send(200, {"access_token": token, "token_type": "Bearer"})

    def _check_proof(self, body: dict[str, Any]) -> str | None:
        if "proof" in body or not isinstance(body.get("proofs"), dict):
            self._error(400, "invalid_credential_request", "use proofs (OpenID4VCI 1.0)")
            return None
        if "di_vp" in body["proofs"]:
            return self._check_di_vp(body["proofs"]["di_vp"])
        jwts = body["proofs"].get("jwt")
        if not isinstance(jwts, list) or len(jwts) != 1:
            self._error(400, "invalid_proof", "one jwt proof expected")
            return None
        try:
            did, header, payload = verify_proof_jwt(jwts[0])
        except (ValueError, KeyError, IndexError) as exc:
            self._error(400, "invalid_proof", f"bad proof: {exc}")
            return None
        self.st.proofs_seen.append({"header": header, "payload": payload})
        client_id = self.st.client_tokens.get(self.headers.get("Authorization", "")[7:])
        if payload.get("aud") != self.st.base or payload.get("iss") != client_id:
            self._error(400, "invalid_proof", "aud must be the issuer; iss the client (if any)")
            return None
        if abs(time.time() - int(payload.get("iat", 0))) > 60:
            self._error(400, "invalid_proof", "iat")
            return None
        expiry = self.st.nonces.pop(str(payload.get("nonce")), None)
        if expiry is None or expiry < time.time():
            self._error(400, "invalid_nonce", "nonce unknown, used or expired")
            return None
        return did

    def _check_di_vp(self, proofs: Any) -> str | None:
        if not isinstance(proofs, list) or len(proofs) != 1:
            self._error(400, "invalid_proof", "one di_vp proof expected")
            return None
        try:
            did, proof = verify_di_vp(proofs[0])
        except (ValueError, KeyError, TypeError) as exc:
            self._error(400, "invalid_proof", f"bad di_vp proof: {exc}")
            return None
        self.st.proofs_seen.append({"di_vp": proofs[0]})
        if proof.get("domain") != self.st.base:
            self._error(400, "invalid_proof", "domain must be the credential issuer")
            return None
        expiry = self.st.nonces.pop(str(proof.get("challenge")), None)
        if expiry is None or expiry < time.time():
            self._error(400, "invalid_nonce", "nonce unknown, used or expired")
            return None
        return did

    def _credential(self, body: dict[str, Any]) -> None:
        if not self._token_ok():
            self._error(401, "invalid_token")
            return
        config_id = body.get("credential_configuration_id")
        identifier = body.get("credential_identifier")
        if identifier is not None:
            matches = [c for c, ids in self.st.identifiers.items() if identifier in ids]
            if not matches or config_id is not None:
                self._error(400, "invalid_credential_request", "unknown credential_identifier")
                return
            config_id = matches[0]
            self.st.identifiers_used.append(identifier)
        elif self.st.identifiers:
            self._error(400, "invalid_credential_request", "use the credential_identifier")
            return
        if config_id not in self.st.configs:
            self._error(400, "unknown_credential_configuration")
            return
        accepted = self.st.configs[config_id]["proof_types_supported"]
        holder = self._check_proof(body)
        if holder is None:
            return
        seen = self.st.proofs_seen[-1]
        kind = "di_vp" if "di_vp" in seen else "jwt"
        if kind not in accepted:
            self._error(400, "invalid_proof", f"{kind} proofs not accepted")
            return
        algs = accepted[kind]["proof_signing_alg_values_supported"]
        used = seen["di_vp"]["proof"]["cryptosuite"] if kind == "di_vp" else seen["header"]["alg"]
        if used not in algs:
            self._error(400, "invalid_proof", "alg not accepted")
            return
        if self.st.huge:
            self._send_huge()
            return
        if self.st.deferred:
            transaction = secrets.token_urlsafe(8)
            self.st.transactions[transaction] = {"config": config_id, "holder": holder}
            self._send(202, {"transaction_id": transaction, "interval": 1})
            return
        credentials = [
            {"credential": self.st.issue(config_id, holder)}
            for _ in range(self.st.credentials_per_response)
        ]
        self._send(200, {"credentials": credentials, "notification_id": "n-" + config_id})

    def _send_huge(self) -> None:
        size = 50 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()  # no Content-Length: the client must stop reading by itself
        chunk = b" " * (1024 * 1024)
        try:
            self.wfile.write(b'{"credentials": [{"credential": "')
            for _ in range(size // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return

    def _deferred(self, body: dict[str, Any]) -> None:
        if not self._token_ok():
            self._error(401, "invalid_token")
            return
        transaction = self.st.transactions.get(str(body.get("transaction_id")))
        if transaction is None:
            self._error(400, "invalid_transaction_id")
            return
        if not self.st.deferred_ready:
            self._send(202, {"transaction_id": body["transaction_id"], "interval": 1})
            return
        del self.st.transactions[str(body["transaction_id"])]
        credential = self.st.issue(transaction["config"], transaction["holder"])
        self._send(200, {"credentials": [{"credential": credential}], "notification_id": "d-1"})


class _IssuerServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: IssuerState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def running_issuer(**knobs: Any) -> Iterator[IssuerState]:
    state = IssuerState(**knobs)
    server = _IssuerServer(state)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    if not state.configs:
        state.configs = {
            "UniversityDegree": jwt_config("Bachelor of Science"),
            "CourseCertificate": jwt_config("Python Course"),
        }
    with serving(server):
        yield state
