"""Names shared by the migrate-in tests (a module of its own: `conftest` names are ambiguous)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import Result

import support
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey

PASSPHRASE = "correct horse battery staple"
Run = Callable[..., Result]
#: The public samples of ../shared/fixtures/migrate-in (read from there, never copied).
SAMPLES = support.SHARED / "fixtures" / "migrate-in"


ISSUED = datetime(2026, 3, 1, tzinfo=UTC)


def sample(name: str) -> Path:
    return SAMPLES / name


def badge(key: SigningKey, index: int, *, name: str | None = None, **extra: Any) -> dict[str, Any]:
    """A freshly signed OB 3.0 badge (eddsa-jcs-2022: no contexts needed)."""
    document: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": "Migration Test Issuer"},
        "validFrom": "2026-03-01T00:00:00Z",
        "name": name or f"Test badge {index}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://issuer.example/achievements/{index}",
                "type": ["Achievement"],
                "name": name or f"Test badge {index}",
                "criteria": {"narrative": "Passed the test."},
            },
        },
        **extra,
    }
    return sign_document(document, suite="eddsa-jcs-2022", key=key, created=ISSUED)


def shown(run: Run) -> list[dict[str, Any]]:
    """`show --json`'s credential list."""
    result = run("show", "--json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["credentials"])
