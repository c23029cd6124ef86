"""Verification throughput per suite: credentials verified per second, whole engine.

Run from the repository root: ``/work/venv/bin/python benchmarks/verify.py [COUNT]`` (default
1,000). For each suite it signs COUNT distinct OB 3.0 credentials (each with its own id, name and
subject, so nothing is served from a memo), then times ``verify_credential`` over all of them:
format, every proof, issuer-key binding, validity, revocation (none), recipient and trust. One
warm JSON-LD loader is shared, as in a batch import. Contexts come from the shared fixtures.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = (
    Path(os.environ.get("CREDWALLET_SHARED", REPO.parent / "shared")) / "fixtures" / "external"
)
SUITES = [
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("Ed25519Signature2020", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-rdfc-2019", "P-384"),
    ("ecdsa-jcs-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
]


def credential(issuer: str, n: int) -> dict[str, object]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Benchmark Issuer"},
        "validFrom": "2026-01-15T00:00:00Z",
        "name": f"Badge {n}",
        "credentialSubject": {
            "id": f"did:example:learner-{n}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://example.org/achievements/{n % 50}",
                "type": ["Achievement"],
                "name": f"Achievement {n % 50}",
                "description": "A benchmark achievement.",
                "criteria": {"narrative": "Complete the benchmark."},
                "tag": ["benchmark"],
            },
        },
    }


def main() -> int:
    os.environ.setdefault("CREDWALLET_CONTEXTS", str(EXTERNAL / "contexts"))
    sys.path.insert(0, str(REPO / "src"))
    from credwallet.formats.vc import from_credential
    from credwallet.models import Container, ReportStatus
    from credwallet.verify.dataintegrity import default_loader, sign_document
    from credwallet.verify.engine import VerifyOptions, verify_credential
    from credwallet.verify.keys import SigningKey

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    loader = default_loader()
    options = VerifyOptions(now=datetime(2026, 12, 1, tzinfo=UTC), fetcher=None, loader=loader)
    signed_at = datetime(2026, 1, 15, tzinfo=UTC)
    print(f"{'suite':<32} {'verified/s':>10} {'ms each':>8}")
    for suite, alg in SUITES:
        key = SigningKey.generate(alg)
        documents = [
            sign_document(
                credential(key.did_key, n), suite=suite, key=key, created=signed_at, loader=loader
            )
            for n in range(count)
        ]
        credentials = [
            from_credential(d, container=Container.JSON, original=json.dumps(d).encode())
            for d in documents
        ]
        started = time.perf_counter()
        reports = [verify_credential(c, source="bench", options=options) for c in credentials]
        elapsed = time.perf_counter() - started
        assert all(r.status is ReportStatus.VALID for r in reports), reports[0].to_json()
        label = f"{suite} ({alg})"
        print(f"{label:<32} {count / elapsed:>10.0f} {elapsed / count * 1000:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
