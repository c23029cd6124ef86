"""`credwallet present` against a VC-API verifier on 127.0.0.1 that verifies what it receives.

The verifier below is what VerifierPlus does: an exchange answers ``POST {}`` with a
presentation request (single-use challenge, its own domain), then checks the presentation with
credwallet's own verifier (holder proof, challenge, domain, every embedded credential) and that
each credential was issued to the holder who signed (holder binding).
"""

from __future__ import annotations

import http.server
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from exchange_support import Run

from credwallet.exchange.serving import serving
from credwallet.models import ReportStatus
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import VerifyOptions, verify_presentation
from credwallet.verify.keys import SigningKey

DOMAIN = "verifier.example"


@dataclass
class Verifier:
    query: list[dict[str, Any]]
    base: str = ""
    reply: dict[str, Any] = field(default_factory=dict)
    refuse: str | None = None  # answer every presentation with HTTP 400 and this message
    challenges: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    presentations: list[dict[str, Any]] = field(default_factory=list)  # every VP POSTed
    accepted: list[dict[str, Any]] = field(default_factory=list)  # the VPs that verified
    rejections: list[str] = field(default_factory=list)

    @property
    def exchange_url(self) -> str:
        return f"{self.base}/exchanges/tx1"

    @property
    def interaction_url(self) -> str:
        return f"{self.base}/interactions/tx1?iuv=1"

    def check(self, presentation: dict[str, Any]) -> str | None:
        """None when the presentation is acceptable, else why not."""
        proof = presentation.get("proof", {})
        challenge = proof.get("challenge")
        if challenge not in self.challenges:
            return "unknown or used challenge"
        self.challenges.discard(challenge)
        options = VerifyOptions(
            now=datetime.now(UTC),
            expected_proof_purpose="authentication",
            challenge=challenge,
            domain=DOMAIN,
        )
        report, embedded = verify_presentation(presentation, source="wallet", options=options)
        if report.status is not ReportStatus.VALID:
            failed = [f"{c.name}: {c.detail}" for c in report.checks if c.status != "pass"]
            return f"presentation {report.status}: {failed}"
        if any(r.status is not ReportStatus.VALID for r in embedded):
            return "a credential inside did not verify"
        holder = presentation["holder"]
        holder_id = holder["id"] if isinstance(holder, dict) else holder
        for vc in presentation.get("verifiableCredential", []):
            if vc["credentialSubject"]["id"] != holder_id:
                return "a credential was issued to someone else than the holder"
        return None


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        v = self.server.verifier
        v.requests.append("GET " + self.path)
        self._send(200, {"protocols": {"vcapi": v.exchange_url}})

    def do_POST(self) -> None:
        v = self.server.verifier
        v.requests.append("POST " + self.path)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        if body == {}:
            challenge = secrets.token_urlsafe(12)
            v.challenges.add(challenge)
            request = {"query": v.query, "challenge": challenge, "domain": DOMAIN}
            self._send(200, {"verifiablePresentationRequest": request})
            return
        presentation = body["verifiablePresentation"]
        v.presentations.append(presentation)
        if v.refuse:
            self._send(400, {"message": v.refuse})
            return
        problem = v.check(presentation)
        if problem:
            v.rejections.append(problem)
            self._send(400, {"message": problem})
            return
        v.accepted.append(presentation)
        self._send(200, v.reply)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, verifier: Verifier) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.verifier = verifier


@contextmanager
def running_verifier(query: list[dict[str, Any]], **knobs: Any) -> Iterator[Verifier]:
    verifier = Verifier(query, **knobs)
    server = _Server(verifier)
    verifier.base = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server):
        yield verifier


def by_example(kind: str, issuer: str | None = None, **extra: Any) -> dict[str, Any]:
    example: dict[str, Any] = {"type": ["VerifiableCredential", kind]}
    if issuer:
        example["issuer"] = issuer
    return {"example": example, "reason": f"we need your {kind}", **extra}


DID_AUTH = {"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}


@dataclass
class Held:
    """Credentials issued to the wallet's holder and imported: name -> wallet id."""

    holder: str
    issuers: dict[str, SigningKey]
    ids: dict[str, str]


# The test credentials' own terms, defined inline (strict JSON-LD refuses undefined ones).
_TERMS = {
    t: f"https://credwallet.test/terms#{t}"
    for t in ("UniversityDegree", "ClubBadge", "DriversLicense", "degree")
}


def _credential(key: SigningKey, holder: str, kind: str, name: str) -> dict[str, Any]:
    vc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", _TERMS],
        "type": ["VerifiableCredential", kind],
        "id": "urn:uuid:" + secrets.token_hex(8),
        "name": name,
        "issuer": key.did_key,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": holder, "degree": name},
    }
    return sign_document(
        vc, suite="eddsa-rdfc-2022", key=key, verification_method=key.verification_method
    )


@pytest.fixture
def held(run: Run, tmp_path: Path) -> Held:
    """A degree from the university, a badge from the club and a second degree elsewhere."""
    holder = run("whoami").stdout.strip()
    issuers = {n: SigningKey.generate() for n in ("university", "club", "college")}
    made = {
        "degree": _credential(issuers["university"], holder, "UniversityDegree", "BSc Physics"),
        "badge": _credential(issuers["club"], holder, "ClubBadge", "Chess club"),
        "other-degree": _credential(issuers["college"], holder, "UniversityDegree", "BA Music"),
    }
    ids = {}
    for name, vc in made.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(vc))
        result = run("import", str(path), "--json")
        assert result.exit_code == 0, result.output
        item = json.loads(result.stdout)["items"][0]
        assert item["status"] == "valid", item
        ids[name] = item["id"]
    return Held(holder, issuers, ids)


def _sent(verifier: Verifier) -> list[str]:
    """The credential names in every presentation the verifier received."""
    return [
        vc["name"] for vp in verifier.presentations for vc in vp.get("verifiableCredential", [])
    ]


def _log(run: Run) -> list[dict[str, Any]]:
    result = run("shared", "--json")
    assert result.exit_code == 0, result.output
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    return entries


class TestAnswering:
    def test_the_matching_credential_is_sent_signed_over_challenge_and_domain(
        self, run: Run, held: Held
    ) -> None:
        university = held.issuers["university"].did_key
        with running_verifier(
            [
                {
                    "type": "QueryByExample",
                    "credentialQuery": by_example("UniversityDegree", university),
                }
            ]
        ) as verifier:
            result = run("present", verifier.exchange_url, "--yes", "--json")
        assert result.exit_code == 0, result.output
        assert verifier.rejections == []
        (vp,) = verifier.accepted
        assert vp["holder"] == held.holder
        assert vp["proof"]["domain"] == DOMAIN
        assert vp["proof"]["proofPurpose"] == "authentication"
        assert _sent(verifier) == ["BSc Physics"]  # not the college's degree, not the badge
        data = json.loads(result.stdout)
        assert data["sent"] is True
        assert data["outcome"]["status"] == "done"
        assert data["outcome"]["sent"] == [held.ids["degree"]]
        assert data["verifier"]["proven"] is False
        assert data["verifier"]["how"] == "unauthenticated verifier"
        (candidate,) = data["items"][0]["candidates"]
        assert "credentialSubject.degree" in candidate["claims"]

    def test_the_consent_text_says_who_asks_and_what_leaves(self, run: Run, held: Held) -> None:
        with running_verifier(
            [{"type": "QueryByExample", "credentialQuery": by_example("ClubBadge")}]
        ) as verifier:
            result = run("present", verifier.exchange_url, "--yes")
        assert result.exit_code == 0, result.output
        text = result.stderr
        assert "127.0.0.1" in text and "unauthenticated verifier" in text
        assert f"calls itself '{DOMAIN}'" in text
        assert "Chess club" in text and "we need your ClubBadge" in text
        assert "claims sent: the whole credential" in text
        assert held.holder in text
        assert "accepted" in text

    def test_an_interaction_url_leads_to_the_exchange_and_a_redirect_is_shown(
        self, run: Run, held: Held
    ) -> None:
        reply = {"redirectUrl": "https://verifier.example/thanks"}
        with running_verifier([DID_AUTH], reply=reply) as verifier:
            result = run("present", verifier.interaction_url, "--yes")
        assert result.exit_code == 0, result.output
        assert verifier.requests[0] == "GET /interactions/tx1?iuv=1"
        (vp,) = verifier.accepted
        assert "verifiableCredential" not in vp  # DID authentication sends no credential
        assert "https://verifier.example/thanks" in result.stderr

    def test_several_queries_and_select_by_id_prefix(self, run: Run, held: Held) -> None:
        query = [
            {
                "type": "QueryByExample",
                "credentialQuery": [by_example("UniversityDegree"), by_example("ClubBadge")],
            },
            DID_AUTH,
        ]
        with running_verifier(query) as verifier:
            result = run(
                "present",
                verifier.exchange_url,
                "--yes",
                "--select",
                held.ids["other-degree"][:10],
                "--select",
                held.ids["badge"][:10],
            )
        assert result.exit_code == 0, result.output
        assert sorted(_sent(verifier)) == ["BA Music", "Chess club"]
        assert len(verifier.accepted) == 1

    def test_the_name_from_the_profile_is_signed_into_the_presentation(
        self, run: Run, held: Held
    ) -> None:
        assert run("profile", "set", "--name", "Ada Lovelace").exit_code == 0
        with running_verifier([DID_AUTH]) as verifier:
            result = run("present", verifier.exchange_url, "--yes")
        assert result.exit_code == 0, result.output
        assert verifier.accepted[0]["holder"] == {"id": held.holder, "name": "Ada Lovelace"}

    def test_a_request_in_a_file_and_on_stdin(self, run: Run, held: Held, tmp_path: Path) -> None:
        with running_verifier([DID_AUTH]) as verifier:
            stdin = run("present", "-", "--yes", stdin=verifier.exchange_url + "\n")
            assert stdin.exit_code == 0, stdin.output
            path = tmp_path / "request.txt"
            path.write_text(verifier.interaction_url)
            from_file = run("present", str(path), "--yes")
            assert from_file.exit_code == 0, from_file.output
        assert len(verifier.accepted) == 2

    def test_a_qr_image_of_the_link_and_a_request_json_file(
        self, run: Run, held: Held, tmp_path: Path
    ) -> None:
        from credwallet.share.qr import render_png

        with running_verifier([DID_AUTH]) as verifier:
            image = tmp_path / "screenshot.png"
            image.write_bytes(render_png(verifier.interaction_url, "M"))
            scanned = run("present", str(image), "--yes")
            assert scanned.exit_code == 0, scanned.output
            assert verifier.requests[0] == "GET /interactions/tx1?iuv=1"
            challenge = "from-the-file"
            verifier.challenges.add(challenge)
            request = {
                "verifiablePresentationRequest": {
                    "query": [DID_AUTH],
                    "challenge": challenge,
                    "domain": DOMAIN,
                    "interact": {
                        "service": [
                            {
                                "type": "UnmediatedPresentationService2021",
                                "serviceEndpoint": verifier.exchange_url,
                            }
                        ]
                    },
                }
            }
            path = tmp_path / "request.json"
            path.write_text(json.dumps(request))
            from_json = run("present", str(path), "--yes")
            assert from_json.exit_code == 0, from_json.output
        assert len(verifier.accepted) == 2 and verifier.rejections == []
        assert verifier.accepted[1]["proof"]["challenge"] == challenge

    def test_what_was_sent_is_in_the_sharing_log(self, run: Run, held: Held) -> None:
        with running_verifier(
            [{"type": "QueryByExample", "credentialQuery": by_example("ClubBadge")}]
        ) as verifier:
            assert run("present", verifier.exchange_url, "--yes").exit_code == 0
        (entry,) = _log(run)
        assert entry["kind"] == "presentation" and entry["how"] == "vc-api"
        assert entry["credentials"] == [held.ids["badge"]]
        assert entry["credential_names"] == ["Chess club"]
        assert entry["recipient"].startswith("127.0.0.1:")
        assert entry["output"] == verifier.base  # the origin only, never the exchange URL
        assert entry["detail"] == "done"


class TestAsking:
    """On a terminal, `present` asks once; the default answer is no."""

    @pytest.fixture(autouse=True)
    def _terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("credwallet.cli._cmd_present._interactive", lambda: True)

    @pytest.mark.parametrize("answer", ["n\n", "\n"])
    def test_no_or_enter_sends_nothing(self, run: Run, held: Held, answer: str) -> None:
        with running_verifier(
            [{"type": "QueryByExample", "credentialQuery": by_example("ClubBadge")}]
        ) as verifier:
            result = run("present", verifier.exchange_url, stdin=answer)
        assert result.exit_code == 0, result.output
        assert "Send this presentation?" in result.stderr and "nothing sent" in result.stderr
        assert verifier.presentations == []
        assert _log(run) == []

    def test_yes_sends(self, run: Run, held: Held) -> None:
        with running_verifier(
            [{"type": "QueryByExample", "credentialQuery": by_example("ClubBadge")}]
        ) as verifier:
            result = run("present", verifier.exchange_url, stdin="y\n")
        assert result.exit_code == 0, result.output
        assert _sent(verifier) == ["Chess club"] and verifier.rejections == []


class TestRefusing:
    def test_without_yes_and_without_a_terminal_nothing_is_sent(self, run: Run, held: Held) -> None:
        with running_verifier(
            [{"type": "QueryByExample", "credentialQuery": by_example("ClubBadge")}]
        ) as verifier:
            result = run("present", verifier.exchange_url)
        assert result.exit_code == 2
        assert "nothing sent" in result.stderr
        assert "Chess club" in result.stderr  # the user still sees what was asked
        assert verifier.presentations == []
        assert verifier.requests == ["POST /exchanges/tx1"]  # only the empty opening POST
        assert _log(run) == []

    def test_no_matching_credential_sends_nothing(self, run: Run, held: Held) -> None:
        with running_verifier(
            [{"type": "QueryByExample", "credentialQuery": by_example("DriversLicense")}]
        ) as verifier:
            result = run("present", verifier.exchange_url, "--yes")
        assert result.exit_code == 6
        assert "no credential in your wallet matches DriversLicense" in result.stderr
        assert verifier.presentations == []

    def test_a_known_issuer_is_required_when_the_query_names_one(
        self, run: Run, held: Held
    ) -> None:
        stranger = SigningKey.generate().did_key
        with running_verifier(
            [
                {
                    "type": "QueryByExample",
                    "credentialQuery": by_example("UniversityDegree", stranger),
                }
            ]
        ) as verifier:
            result = run("present", verifier.exchange_url, "--yes")
        assert result.exit_code == 6
        assert verifier.presentations == []

    def test_a_verifier_error_is_reported_and_not_logged(self, run: Run, held: Held) -> None:
        with running_verifier([DID_AUTH], refuse="we are closed today") as verifier:
            result = run("present", verifier.exchange_url, "--yes")
        assert result.exit_code == 1
        assert "HTTP 400" in result.stderr and "we are closed today" in result.stderr
        assert _log(run) == []

    def test_select_of_an_id_that_answers_nothing_is_a_usage_error(
        self, run: Run, held: Held
    ) -> None:
        with running_verifier(
            [{"type": "QueryByExample", "credentialQuery": by_example("ClubBadge")}]
        ) as verifier:
            result = run("present", verifier.exchange_url, "--yes", "--select", held.ids["degree"])
        assert result.exit_code == 2
        assert verifier.presentations == []

    def test_a_query_type_credwallet_cannot_answer_is_bad_input(self, run: Run) -> None:
        with running_verifier([{"type": "ZcapQuery"}]) as verifier:
            result = run("present", verifier.exchange_url, "--yes")
        assert result.exit_code == 7
        assert "ZcapQuery" in result.stderr
        assert verifier.presentations == []

    def test_the_verifier_rejects_a_presentation_bound_to_another_domain(
        self, run: Run, held: Held
    ) -> None:
        """The test verifier's domain check is real: a VP over the right challenge but another
        domain is refused (so the acceptance above proves credwallet signed the right one)."""
        from credwallet.share.presentation import sign_presentation

        key = SigningKey.generate()
        vp = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": key.did_key,
        }
        with running_verifier([DID_AUTH]) as verifier:
            verifier.challenges.add("c1")
            signed = sign_presentation(vp, key=key, challenge="c1", domain="evil.example")
            assert verifier.check(signed) is not None
            verifier.challenges.add("c2")
            signed = sign_presentation(vp, key=key, challenge="c2", domain=DOMAIN)
            assert verifier.check(signed) is None
