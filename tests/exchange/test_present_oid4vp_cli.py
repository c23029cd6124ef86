"""`credwallet present openid4vp://...`: the OpenID4VP exchange behind the same consent and log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exchange_support import Run
from oid4vp_verifier import running_verifier

from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey

QUERY: dict[str, Any] = {
    "credentials": [
        {"id": "badge", "format": "ldp_vc", "meta": {"type_values": [["OpenBadgeCredential"]]}}
    ]
}


def _badge(holder: str) -> dict[str, Any]:
    issuer = SigningKey.generate("Ed25519")
    vc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": "urn:uuid:3b9c4b1e-0000-4000-8000-0000000000aa",
        "issuer": {"id": issuer.did_key, "type": ["Profile"], "name": "Test College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Python Course",
        "credentialSubject": {
            "id": holder,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3b9c4b1e-0000-4000-8000-0000000000ab",
                "type": ["Achievement"],
                "name": "Python Course",
                "description": "Writes Python.",
                "criteria": {"narrative": "Passed the exam."},
            },
        },
    }
    return sign_document(
        vc, suite="eddsa-rdfc-2022", key=issuer, verification_method=issuer.verification_method
    )


def _import_badge(run: Run, tmp_path: Path) -> str:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(_badge(run("whoami").stdout.strip())))
    result = run("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    item = json.loads(result.stdout)["items"][0]
    assert item["status"] == "valid", item
    return str(item["id"])


def test_an_openid4vp_request_is_answered_after_consent_and_logged(
    run: Run, tmp_path: Path
) -> None:
    wallet_id = _import_badge(run, tmp_path)
    with running_verifier(QUERY) as verifier:
        result = run("present", verifier.link(), "--yes")
        assert result.exit_code == 0, result.output
        assert verifier.errors == []
        (verified,) = verifier.verified["badge"]
        assert verified["credentials"] == 1
    assert verifier.key.did_key in result.stderr  # who asks: the DID whose key signed
    assert "Python Course" in result.stderr and "claims sent: the whole credential" in result.stderr
    (entry,) = json.loads(run("shared", "--json").stdout)
    assert (entry["kind"], entry["how"]) == ("presentation", "openid4vp")
    assert entry["credentials"] == [wallet_id]
    assert entry["recipient"] == verifier.key.did_key
    assert entry["output"] == verifier.base


def test_without_a_terminal_an_openid4vp_request_gets_no_answer(run: Run, tmp_path: Path) -> None:
    _import_badge(run, tmp_path)
    with running_verifier(QUERY) as verifier:
        result = run("present", verifier.link())
    assert result.exit_code == 2
    assert verifier.received == []
    assert not any(r.startswith("POST /response") for r in verifier.requests)
