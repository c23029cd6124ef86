"""Fixtures for the sharing tests: keys, and a signed credential with an embedded image."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from share_helpers import NOW, OB3_EXPIRED, OB3_SKILL, OB3_SMALL, noisy_png, offline_cli

from credwallet.formats import parse
from credwallet.models import Credential
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jsonld import DocumentLoader
from credwallet.verify.keys import SigningKey
from support import CONTEXTS, EXTERNAL


@pytest.fixture
def holder_key() -> SigningKey:
    return SigningKey.generate("Ed25519")


@pytest.fixture(scope="session")
def issuer_key() -> SigningKey:
    return SigningKey.generate("Ed25519")


@pytest.fixture(scope="session")
def image_credential_bytes(issuer_key: SigningKey) -> bytes:
    """A signed OB 3.0 credential of about 10 KB, most of it an embedded badge image."""
    image = noisy_png(48, 48)
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b9a3d1e-5f6c-4e0a-9d2b-6d1c0c9f8e11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_key.did_key,
            "type": ["Profile"],
            "name": "Northwind Academy",
        },
        "validFrom": "2025-03-14T00:00:00Z",
        "validUntil": "2028-03-14T00:00:00Z",
        "name": "Data Visualisation Practitioner",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://northwind.example/achievements/dataviz",
                "type": ["Achievement"],
                "name": "Data Visualisation Practitioner",
                "description": "Designs clear, honest charts from real data sets.",
                "criteria": {"narrative": "Passed the practical assessment."},
                "image": {
                    "id": "data:image/png;base64," + base64.b64encode(image).decode(),
                    "type": "Image",
                },
            },
        },
    }
    # Session-scoped, so it runs before the autouse fixture sets CREDWALLET_CONTEXTS.
    loader = DocumentLoader(context_dirs=[CONTEXTS], offline=True)
    signed = sign_document(
        document, suite="eddsa-rdfc-2022", key=issuer_key, created=NOW, loader=loader
    )
    return json.dumps(signed, indent=2).encode()


@pytest.fixture
def image_credential(image_credential_bytes: bytes) -> Credential:
    return parse(image_credential_bytes, name="dataviz.json")


@pytest.fixture
def external_dir() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip(f"shared fixtures not found at {EXTERNAL}")
    return EXTERNAL


# A wallet holding three real credentials, driven through the CLI (`run("share", ...)`).
@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "wallet"

    invoke = offline_cli(home)

    assert invoke("init").exit_code == 0
    result = invoke("import", *(str(EXTERNAL / f) for f in (OB3_SKILL, OB3_SMALL, OB3_EXPIRED)))
    assert result.exit_code in (0, 3, 4), result.output
    return invoke
