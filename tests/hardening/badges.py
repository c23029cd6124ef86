"""Freshly signed test badges, made with credwallet's own signing code."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey

ISSUED = datetime(2026, 3, 1, tzinfo=UTC)


def badge(key: SigningKey, index: int, *, name: str | None = None) -> dict[str, Any]:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": "Hardening Test Issuer"},
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
    }
    return sign_document(document, suite="eddsa-jcs-2022", key=key, created=ISSUED)


def write_badges(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate("Ed25519")
    paths = []
    for index in range(start, start + count):
        path = folder / f"badge-{index:05d}.json"
        path.write_text(json.dumps(badge(key, index)), "utf-8")
        paths.append(path)
    return paths
