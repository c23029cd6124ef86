"""`credwallet present openid4vp://…` end to end, against a verifier on 127.0.0.1 that checks
every presentation it receives with credwallet's own verifier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from exchange_support import Run
from oid4vp_support import VCT, jwt_credential
from oid4vp_verifier import running_verifier
from sdjwt_maker import holder_jwk_from_did, make_sd_jwt_vc

from credwallet.exchange.holder import HolderKeys
from credwallet.verify.keys import SigningKey

QUERY: dict[str, Any] = {
    "credentials": [
        {
            "id": "learning",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [VCT]},
            "claims": [{"path": ["given_name"]}, {"path": ["family_name"]}],
        }
    ]
}


@pytest.fixture
def wallet(run: Run, tmp_path: Path) -> dict[str, str]:
    """An SD-JWT VC bound to the wallet's holder key, and a VC-JWT, imported: name -> id."""
    holder = run("whoami").stdout.strip()
    issuer = SigningKey.generate("P-256")
    token = make_sd_jwt_vc(
        issuer=issuer.did_key,
        key=issuer,
        holder_jwk=holder_jwk_from_did(holder),
        claims={"given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.org"},
        kid=issuer.verification_method,
    )
    (tmp_path / "learning.sd-jwt").write_text(token)
    fake_holder = HolderKeys(SigningKey.generate())  # a VC-JWT issued to someone else
    (tmp_path / "degree.jwt").write_text(jwt_credential(fake_holder))
    ids = {}
    for name, path in (("learning", "learning.sd-jwt"), ("degree", "degree.jwt")):
        result = run("import", str(tmp_path / path), "--json")
        assert result.exit_code == 0, result.output
        item = json.loads(result.stdout)["items"][0]
        assert item["status"] == "valid", item
        ids[name] = item["id"]
    return ids


class TestPresentOpenId4Vp:
    def test_sends_only_the_requested_claims_with_yes(
        self, run: Run, wallet: dict[str, str]
    ) -> None:
        with running_verifier(QUERY) as verifier:
            result = run("present", verifier.link(), "--yes", "--json")
            assert result.exit_code == 0, result.output
            assert verifier.errors == []
            data = json.loads(result.stdout)
            assert data["sent"] is True
            assert data["protocol"] == "openid4vp"
            assert data["verifier"]["label"] == verifier.key.did_key
            assert data["verifier"]["proven"] is True
            assert data["outcome"]["status"] == "redirect"
            assert data["outcome"]["sent"] == [wallet["learning"]]
            (checked,) = verifier.verified["learning"]
            assert checked["disclosed"] == ["family_name", "given_name"]
            assert "email" not in checked["claims"]

    def test_the_consent_text_says_who_asks_and_which_claims_leave(
        self, run: Run, wallet: dict[str, str]
    ) -> None:
        with running_verifier(QUERY, client_name="ACME Hiring") as verifier:
            result = run("present", verifier.link(), "--yes")
            assert result.exit_code == 0, result.output
            text = result.output
            assert verifier.key.did_key in text
            assert "request signed by a key of this DID" in text
            assert "ACME Hiring" in text and "not proven" in text
            assert "given_name" in text and "family_name" in text
            assert "email" not in text

    def test_an_unauthenticated_verifier_is_called_so(
        self, run: Run, wallet: dict[str, str]
    ) -> None:
        with running_verifier(QUERY, mode="redirect") as verifier:
            result = run("present", verifier.link(), "--yes")
            assert result.exit_code == 0, result.output
            assert "127.0.0.1" in result.output and "unauthenticated verifier" in result.output

    def test_a_pinned_verifier_is_shown_with_your_name_for_it(
        self, run: Run, wallet: dict[str, str]
    ) -> None:
        with running_verifier(QUERY) as verifier:
            pinned = run("trust", "pin", verifier.key.did_key, "--name", "ACME Hiring")
            assert pinned.exit_code == 0, pinned.output
            result = run("present", verifier.link(), "--yes", "--json")
            assert result.exit_code == 0, result.output
            how = json.loads(result.stdout)["verifier"]["how"]
            assert "pinned by you as 'ACME Hiring'" in how

    def test_without_yes_and_without_a_terminal_nothing_is_sent(
        self, run: Run, wallet: dict[str, str]
    ) -> None:
        with running_verifier(QUERY) as verifier:
            result = run("present", verifier.link())
            assert result.exit_code == 2, result.output
            assert "nothing sent" in result.output
            assert verifier.requests == ["GET /request"]
            assert verifier.received == []

    def test_a_forged_request_is_refused_and_nothing_is_sent(
        self, run: Run, wallet: dict[str, str]
    ) -> None:
        with running_verifier(QUERY, forge=True) as verifier:
            result = run("present", verifier.link(), "--yes")
            assert result.exit_code == 7, result.output
            assert "signature does not verify" in result.output
            assert verifier.received == []

    def test_no_matching_credential_sends_nothing(self, run: Run, wallet: dict[str, str]) -> None:
        query = {
            "credentials": [
                {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:eudi:pid:1"]}}
            ]
        }
        with running_verifier(query) as verifier:
            result = run("present", verifier.link(), "--yes")
            assert result.exit_code == 6, result.output
            assert verifier.received == []

    def test_what_was_sent_is_in_the_sharing_log(self, run: Run, wallet: dict[str, str]) -> None:
        with running_verifier(QUERY) as verifier:
            assert run("present", verifier.link(), "--yes").exit_code == 0
        log = run("shared", "--json")
        assert log.exit_code == 0, log.output
        assert "openid4vp" in log.stdout
        assert verifier.key.did_key in log.stdout
