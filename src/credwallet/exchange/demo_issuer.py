"""A small OpenID4VCI 1.0 issuer on 127.0.0.1, for `credwallet demo` only.

It runs inside the demo's own process, for the few milliseconds the demo needs it, so the demo
can show `receive` end to end without a network: a pre-authorized offer by value, issuer and
authorization-server metadata, a single-use code, a single-use nonce, a key proof it checks
(``openid4vci-proof+jwt``, audience, nonce, the holder's did:key signature) and a VC 2.0 JWT
issued to the holder's DID by a throwaway did:key. It is not a general issuer: nothing of it is
reachable from another machine, and it stops when the demo ends.
"""

from __future__ import annotations

import http.server
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from credwallet.errors import CredwalletError
from credwallet.exchange.serving import serving
from credwallet.verify.keys import SigningKey

__all__ = ["DemoIssuer", "running_demo_issuer"]

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIG_ID = "DemoCourseCertificate"
COURSE = "Receiving from an issuer (demo)"
ACADEMY = "credwallet Demo Academy"


@dataclass
class DemoIssuer:
    base: str = ""
    key: SigningKey = field(default_factory=SigningKey.generate)
    codes: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    nonces: set[str] = field(default_factory=set)

    def new_offer(self) -> str:
        code = secrets.token_urlsafe(16)
        self.codes.add(code)
        offer = {
            "credential_issuer": self.base,
            "credential_configuration_ids": [CONFIG_ID],
            "grants": {PRE_AUTH: {"pre-authorized_code": code}},
        }
        return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer), safe="")

    def metadata(self) -> dict[str, Any]:
        return {
            "credential_issuer": self.base,
            "credential_endpoint": self.base + "/credential",
            "nonce_endpoint": self.base + "/nonce",
            "display": [{"name": ACADEMY, "locale": "en"}],
            "credential_configurations_supported": {
                CONFIG_ID: {
                    "format": "jwt_vc_json",
                    "credential_definition": {"type": ["VerifiableCredential"]},
                    "cryptographic_binding_methods_supported": ["did:key"],
                    "proof_types_supported": {
                        "jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}
                    },
                    "credential_metadata": {"display": [{"name": COURSE, "locale": "en"}]},
                }
            },
        }

    def holder_of(self, proof: str) -> str:
        """The holder DID a key proof proves, or ValueError."""
        from credwallet.formats.jose import decode_compact_jws
        from credwallet.verify.jwt import verify_jws_signature
        from credwallet.verify.keys import resolve_verification_method

        try:
            jws = decode_compact_jws(proof)
            kid = str(jws.header.get("kid", ""))
            if jws.header.get("typ") != "openid4vci-proof+jwt" or not kid.startswith("did:key:"):
                raise ValueError("typ or kid")
            resolved = resolve_verification_method(kid, fetcher=None)
            if not verify_jws_signature(
                jws.signing_input, jws.signature, str(jws.alg), resolved.key
            ):
                raise ValueError("signature")
        except CredwalletError as exc:
            raise ValueError(exc.message) from None
        if jws.payload.get("aud") != self.base:
            raise ValueError("aud")
        nonce = jws.payload.get("nonce")
        if nonce not in self.nonces:
            raise ValueError("nonce")
        self.nonces.discard(str(nonce))
        return kid.split("#", 1)[0]

    def issue(self, holder: str) -> str:
        from credwallet.verify.jwt import sign_vc_jwt

        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "id": "urn:uuid:" + secrets.token_hex(16),
            "issuer": {"id": self.key.did_key, "name": ACADEMY},
            "name": COURSE,
            "description": "Issued by the demo's own local issuer over OpenID4VCI 1.0.",
            "credentialSubject": {"id": holder},
        }
        return sign_vc_jwt(credential, key=self.key, vc_claim=False)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return  # the demo prints its own story

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        issuer = self.server.issuer
        if self.path == "/.well-known/openid-credential-issuer":
            self._send(200, issuer.metadata())
        elif self.path == "/.well-known/oauth-authorization-server":
            self._send(200, {"issuer": issuer.base, "token_endpoint": issuer.base + "/token"})
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        issuer = self.server.issuer
        length = min(int(self.headers.get("Content-Length") or 0), 64 * 1024)
        raw = self.rfile.read(length)
        if self.path == "/token":
            form = parse_qs(raw.decode("ascii", "replace"))
            code = (form.get("pre-authorized_code") or [""])[0]
            if form.get("grant_type") != [PRE_AUTH] or code not in issuer.codes:
                self._send(400, {"error": "invalid_grant"})
                return
            issuer.codes.discard(code)
            token = secrets.token_urlsafe(24)
            issuer.tokens.add(token)
            self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": 60})
        elif self.path == "/nonce":
            nonce = secrets.token_urlsafe(16)
            issuer.nonces.add(nonce)
            self._send(200, {"c_nonce": nonce})
        elif self.path == "/credential":
            self._credential(raw)
        else:
            self._send(404, {"error": "not_found"})

    def _credential(self, raw: bytes) -> None:
        issuer = self.server.issuer
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in issuer.tokens:
            self._send(401, {"error": "invalid_token"})
            return
        try:
            body = json.loads(raw)
            proofs = body["proofs"]["jwt"]
            if body.get("credential_configuration_id") != CONFIG_ID or len(proofs) != 1:
                raise ValueError("request")
            holder = issuer.holder_of(proofs[0])
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"error": "invalid_proof", "error_description": str(exc)[:100]})
            return
        self._send(200, {"credentials": [{"credential": issuer.issue(holder)}]})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, issuer: DemoIssuer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.issuer = issuer


@contextmanager
def running_demo_issuer() -> Iterator[DemoIssuer]:
    """The demo issuer, listening on 127.0.0.1 (a port the system picks) until the block ends."""
    issuer = DemoIssuer()
    server = _Server(issuer)
    issuer.base = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server):
        yield issuer
