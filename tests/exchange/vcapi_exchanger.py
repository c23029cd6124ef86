"""A VC-API (VCALM) exchanger on 127.0.0.1, as Digital Credentials Consortium issuers run them.

The interaction URL answers JSON only when asked for it (an HTML page otherwise); the
exchange asks for DIDAuthentication with a single-use challenge and its own domain, checks the
holder's presentation (signature, challenge, domain, purpose) and issues a Data Integrity
credential to the DID that authenticated.
"""

from __future__ import annotations

import http.server
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credwallet.exchange.serving import serving
from credwallet.models import ReportStatus
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import VerifyOptions, verify_presentation
from credwallet.verify.keys import SigningKey


@dataclass
class ExchangeState:
    base: str = ""
    key: SigningKey = field(default_factory=SigningKey.generate)
    challenges: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)
    offer_oid4vci: str | None = None
    ask_for: str = "DIDAuthentication"
    wrong_domain_ok: bool = False

    def request_link(self) -> str:
        from urllib.parse import quote

        challenge = secrets.token_urlsafe(12)
        self.challenges.add(challenge)
        return (
            "https://lcw.app/request.html?issuer="
            + quote("Test College")
            + "&auth_type=bearer&challenge="
            + challenge
            + "&vc_request_url="
            + quote(self.base + "/request", safe="")
        )

    def did_auth_request(self) -> dict[str, Any]:
        """The exchange's first question, as a link may carry it (with where to answer)."""
        challenge = secrets.token_urlsafe(12)
        self.challenges.add(challenge)
        return {
            "query": [{"type": "DIDAuthentication"}],
            "challenge": challenge,
            "domain": self.base,
            "interact": {
                "service": [
                    {
                        "type": "VerifiableCredentialApiExchangeService",
                        "serviceEndpoint": self.base + "/exchanges/abc",
                    }
                ]
            },
        }

    @property
    def interaction_url(self) -> str:
        return f"{self.base}/interactions/abc?iuv=1"

    def credential(self, holder: str) -> dict[str, Any]:
        vc = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "id": "urn:uuid:" + secrets.token_hex(8),
            "issuer": self.key.did_key,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": holder},
        }
        return sign_document(
            vc,
            suite="eddsa-rdfc-2022",
            key=self.key,
            verification_method=self.key.verification_method,
        )


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

    def do_GET(self) -> None:
        st = self.server.state
        st.requests.append("GET " + self.path)
        if not self.path.startswith("/interactions/abc"):
            self._send(404, {"error": "not found"})
        elif "application/json" not in self.headers.get("Accept", ""):
            self._send(200, b"<html>open this in your wallet</html>", "text/html")
        else:
            protocols = {"vcapi": st.base + "/exchanges/abc"}
            if st.offer_oid4vci:
                protocols["OID4VCI"] = st.offer_oid4vci
            self._send(200, {"protocols": protocols})

    def do_POST(self) -> None:
        st = self.server.state
        st.requests.append("POST " + self.path)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        if self.path == "/request":
            self._one_step(body)
            return
        if self.path != "/exchanges/abc":
            self._send(404, {"error": "not found"})
            return
        if body == {}:
            challenge = secrets.token_urlsafe(12)
            st.challenges.add(challenge)
            request = {
                "query": [{"type": st.ask_for, "acceptedMethods": [{"method": "key"}]}],
                "challenge": challenge,
                "domain": st.base,
            }
            self._send(200, {"verifiablePresentationRequest": request})
            return
        presentation = body.get("verifiablePresentation")
        proof = presentation.get("proof", {}) if isinstance(presentation, dict) else {}
        challenge = proof.get("challenge")
        if challenge not in st.challenges:
            self._send(400, {"error": "unknown or used challenge"})
            return
        st.challenges.discard(challenge)
        options = VerifyOptions(
            now=datetime.now(UTC),
            expected_proof_purpose="authentication",
            challenge=challenge,
            domain=st.base,
        )
        report, _ = verify_presentation(presentation, source="holder", options=options)
        if report.status is not ReportStatus.VALID:
            self._send(400, {"error": f"presentation not verified: {report.status}"})
            return
        holder = presentation["holder"]
        st.holders.append(holder)
        vp = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [st.credential(holder)],
        }
        self._send(200, {"verifiablePresentation": vp})

    def _one_step(self, presentation: Any) -> None:
        """The DCC one-step link: the body is the holder's DID Auth over the link's challenge."""
        st = self.server.state
        proof = presentation.get("proof", {}) if isinstance(presentation, dict) else {}
        challenge = proof.get("challenge")
        if challenge not in st.challenges:
            self._send(400, {"error": "unknown or used challenge"})
            return
        st.challenges.discard(challenge)
        options = VerifyOptions(
            now=datetime.now(UTC), expected_proof_purpose="authentication", challenge=challenge
        )
        report, _ = verify_presentation(presentation, source="holder", options=options)
        if report.status is not ReportStatus.VALID:
            self._send(400, {"error": f"presentation not verified: {report.status}"})
            return
        st.holders.append(presentation["holder"])
        vp = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [st.credential(presentation["holder"])],
        }
        self._send(200, {"verifiablePresentation": vp})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ExchangeState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def running_exchanger(**knobs: Any) -> Iterator[ExchangeState]:
    state = ExchangeState(**knobs)
    server = _Server(state)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server):
        yield state
