"""End to end over real HTTPS on 127.0.0.1: did:web, a status list and a hosted OB 2.0 badge.

A local server (http.server in a thread, TLS with a certificate made for 127.0.0.1 and trusted
only by these tests' Fetcher) serves every document; credwallet's real Fetcher fetches them
through its loopback allowance. Nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from credwallet.exchange.serving import serving
from credwallet.formats import parse
from credwallet.models import CheckStatus, JSONObject, ReportStatus, VerificationReport
from credwallet.net import DirectoryCache, Fetcher
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import VerifyOptions, verify_credential
from credwallet.verify.keys import SigningKey
from credwallet.verify.status import read_status

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
V2 = "https://www.w3.org/ns/credentials/v2"


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A throw-away P-256 certificate for IP 127.0.0.1 (cert file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "credwallet test server")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes]]] = {}
    log: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.log.append(self.path)
        status, body = self.routes.get(self.path, (404, b'{"error": "not found"}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@dataclass
class Server:
    base: str
    port: int
    routes: dict[str, tuple[int, bytes]]
    log: list[str]
    trust: ssl.SSLContext
    cache_dir: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def serve_json(self, path: str, document: object, status: int = 200) -> None:
        self.routes[path] = (status, json.dumps(document).encode())

    def fetcher(self, *, offline: bool = False) -> Fetcher:
        return Fetcher(
            cache=DirectoryCache(self.cache_dir),
            offline=offline,
            allow_loopback=True,
            ssl_context=self.trust,
            timeout=5.0,
        )

    def verify(self, data: bytes, *, offline: bool = False) -> VerificationReport:
        options = VerifyOptions(now=NOW, fetcher=self.fetcher(offline=offline), offline=offline)
        return verify_credential(parse(data), source="e2e", options=options)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    cert_file, key_file = _certificate(tmp_path)
    routes: dict[str, tuple[int, bytes]] = {}
    log: list[str] = []
    handler = type("Handler", (_Handler,), {"routes": routes, "log": log})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert_file, key_file)
    httpd.socket = server_tls.wrap_socket(httpd.socket, server_side=True)
    trust = ssl.create_default_context(cafile=str(cert_file))
    port = httpd.server_address[1]
    with serving(httpd):
        yield Server(f"https://127.0.0.1:{port}", port, routes, log, trust, tmp_path / "cache")


def _issuer(server: Server) -> tuple[str, SigningKey]:
    """A did:web issuer on the local server: its DID document is served at /.well-known."""
    did = f"did:web:127.0.0.1%3A{server.port}"
    key = SigningKey.generate()
    server.serve_json(
        "/.well-known/did.json",
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [
                {
                    "id": f"{did}#key-1",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": key.multibase,
                }
            ],
            "assertionMethod": [f"{did}#key-1"],
        },
    )
    return did, key


def _sign(document: JSONObject, did: str, key: SigningKey) -> JSONObject:
    return sign_document(
        document,
        suite="eddsa-rdfc-2022",
        key=key,
        verification_method=f"{did}#key-1",
        created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def _status_list(server: Server, did: str, key: SigningKey, revoked: set[int]) -> str:
    import base64
    import gzip

    bits = bytearray(16 * 1024)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    assert all(read_status(bytes(bits), i) for i in revoked)
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")
    url = f"{server.base}/status/1"
    status_list = {
        "@context": [V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    server.serve_json("/status/1", _sign(status_list, did, key))
    return url


def _credential(server: Server, index: int, *, revoked: set[int]) -> bytes:
    did, key = _issuer(server)
    list_url = _status_list(server, did, key, revoked)
    document = {
        "@context": [V2],
        "id": "urn:uuid:7b0c2f4e-3c1d-4b9a-8e6f-5a4b3c2d1e0f",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "A. Learner"},
        "credentialStatus": {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        },
    }
    return json.dumps(_sign(document, did, key)).encode()


def _statuses(report: VerificationReport) -> dict[str, str]:
    return {c.name: f"{c.status}: {c.detail}" for c in report.checks}


class TestDidWebAndStatusList:
    def test_credential_with_clear_status_is_valid(self, server: Server) -> None:
        """did:web key and status list are fetched over HTTPS; the credential is valid."""
        report = server.verify(_credential(server, 5, revoked={3}))
        assert report.status is ReportStatus.VALID, _statuses(report)
        revocation = report.check("revocation")
        assert revocation is not None and revocation.status is CheckStatus.PASS
        assert "not revoked" in revocation.detail and "as of" in revocation.detail
        assert "/.well-known/did.json" in server.log and "/status/1" in server.log

    def test_revoked_credential_is_invalid(self, server: Server) -> None:
        """The set bit in the served status list makes the credential invalid: revoked."""
        report = server.verify(_credential(server, 3, revoked={3}))
        assert report.status is ReportStatus.INVALID
        revocation = report.check("revocation")
        assert revocation is not None and revocation.status is CheckStatus.FAIL
        assert f"revoked by the issuer (status list {server.base}/status/1 index 3" in (
            revocation.detail
        )

    def test_offline_reuses_the_cache_without_a_socket(
        self, server: Server, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """After one online check, an offline check answers from the cache, as of then."""
        data = _credential(server, 5, revoked=set())
        assert server.verify(data).status is ReportStatus.VALID

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("offline verification opened a socket")

        monkeypatch.setattr(socket, "create_connection", refuse)
        monkeypatch.setattr(socket, "socket", refuse)
        report = server.verify(data, offline=True)
        assert report.status is ReportStatus.VALID, _statuses(report)
        revocation = report.check("revocation")
        assert revocation is not None and "cached copy" in revocation.detail

    def test_unreachable_status_list_is_indeterminate(self, server: Server) -> None:
        """A status list the server does not have (404) leaves revocation unknown or failed,
        never passed."""
        data = _credential(server, 5, revoked=set())
        del server.routes["/status/1"]
        report = server.verify(data)
        revocation = report.check("revocation")
        assert revocation is not None and revocation.status is not CheckStatus.PASS
        assert report.status is not ReportStatus.VALID

    def test_untrusted_certificate_is_refused(self, server: Server) -> None:
        """Without the test CA the same server's certificate is refused: nothing verifies."""
        data = _credential(server, 5, revoked=set())
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, timeout=5.0)
        options = VerifyOptions(now=NOW, fetcher=fetcher)
        report = verify_credential(parse(data), source="e2e", options=options)
        assert report.status is not ReportStatus.VALID


def _hosted_badge(server: Server, *, revoked_reason: str | None = None) -> bytes:
    issuer = f"{server.base}/issuer.json"
    badge = f"{server.base}/badges/robotics.json"
    assertion_url = f"{server.base}/assertions/1.json"
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": assertion_url,
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": badge,
        "issuedOn": "2026-01-01T00:00:00Z",
        "verification": {"type": "hosted"},
    }
    server.serve_json(
        "/badges/robotics.json",
        {"type": "BadgeClass", "id": badge, "issuer": issuer, "name": "Robotics"},
    )
    server.serve_json(
        "/issuer.json",
        {
            "type": "Issuer",
            "id": issuer,
            "name": "Local Issuer",
            "revocationList": f"{server.base}/revocations.json",
        },
    )
    server.serve_json("/revocations.json", {"type": "RevocationList", "revokedAssertions": []})
    if revoked_reason is None:
        server.serve_json("/assertions/1.json", assertion)
    else:
        gone = {"id": assertion_url, "revoked": True, "revocationReason": revoked_reason}
        server.serve_json("/assertions/1.json", gone, status=410)
    return json.dumps(assertion).encode()


class TestHostedOpenBadge:
    def test_hosted_badge_verifies(self, server: Server) -> None:
        """Assertion, BadgeClass, Issuer and revocation list fetched over HTTPS: valid."""
        report = server.verify(_hosted_badge(server))
        assert report.status is ReportStatus.VALID, _statuses(report)
        assert server.log[:3] == ["/assertions/1.json", "/badges/robotics.json", "/issuer.json"]

    def test_gone_badge_is_revoked(self, server: Server) -> None:
        """The issuer answering 410 Gone with revoked: true makes the badge invalid."""
        report = server.verify(_hosted_badge(server, revoked_reason="issued in error"))
        assert report.status is ReportStatus.INVALID
        revocation = report.check("revocation")
        assert revocation is not None and "issued in error" in revocation.detail

    def test_loopback_refused_without_permission(self, server: Server) -> None:
        """The same badge, verified without the loopback allowance, is never fetched."""
        data = _hosted_badge(server)
        fetcher = Fetcher(cache=None, offline=False, ssl_context=server.trust)
        report = verify_credential(
            parse(data), source="e2e", options=VerifyOptions(now=NOW, fetcher=fetcher)
        )
        # Not fetched, so not checked: never valid, and not called a forgery either.
        assert report.status is ReportStatus.INDETERMINATE
        assert server.log == []
