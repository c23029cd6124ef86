"""Whole-wallet speed: import N freshly signed badges, then list them (not a test).

Run: ``python benchmarks/wallet.py [N]`` (default 2,000). Uses the default KDF profile and the
library facade, as the CLI does; prints import rate and the time `show` needs to list them.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey
from credwallet.wallet import CredentialFilter, Unlock, Wallet, apply_filter


def _badge(key: SigningKey, index: int) -> dict[str, object]:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": "Benchmark Issuer"},
        "validFrom": "2026-03-01T00:00:00Z",
        "name": f"Badge {index}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://issuer.example/achievements/{index}",
                "type": ["Achievement"],
                "name": f"Badge {index}",
                "criteria": {"narrative": "Passed."},
            },
        },
    }
    return sign_document(document, suite="eddsa-jcs-2022", key=key)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    key = SigningKey.generate("Ed25519")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "badges"
        folder.mkdir()
        for index in range(count):
            (folder / f"b{index:05d}.json").write_text(json.dumps(_badge(key, index)))
        home = Path(tmp) / "wallet"
        started = time.perf_counter()
        with Wallet.create(home, "benchmark passphrase") as wallet:
            created = time.perf_counter()
            summary = wallet.import_sources([str(folder)], offline=True)
            imported = time.perf_counter()
        print(f"create wallet (default KDF): {(created - started) * 1000:.0f} ms")
        rate = summary.count("imported") / (imported - created)
        print(
            f"import {summary.count('imported'):,} badges (parse+verify+store): "
            f"{imported - created:.2f} s ({rate:,.0f}/s)"
        )
        started = time.perf_counter()
        with Wallet.open(home, Unlock(passphrase=lambda: "benchmark passphrase")) as wallet:
            opened = time.perf_counter()
            items = apply_filter(wallet.credentials(), CredentialFilter(), now=datetime.now(UTC))
            listed = time.perf_counter()
        print(
            f"open (default KDF): {(opened - started) * 1000:.0f} ms; "
            f"list {len(items):,} (decrypt+parse+sort): {(listed - opened) * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
