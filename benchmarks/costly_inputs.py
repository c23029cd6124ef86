"""Costly inputs (issue 16): how long the worst inputs of each kind take to be read or refused.

Run from the repository root: ``.venv/bin/python benchmarks/costly_inputs.py``. Each figure is
the best of three runs in seconds; every one must stay in seconds on a small machine:

- JSON: 7.5 MB of arrays nested 62 deep (refused by the container cap after one depth pass);
- PNG: a baked badge next to 200 zTXt comments that each inflate to 16 MiB (never inflated);
- pathway: 199 overlapping leaves and 10 credentials (stopped by the search's work budget).
"""

from __future__ import annotations

import json
import sys
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def best(func: Callable[[], object], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        try:
            func()
        except Exception as exc:  # the refusals are what is measured
            if type(exc).__name__ not in {"LimitExceeded", "BadInput", "NotACredential"}:
                raise
        times.append(time.perf_counter() - started)
    return min(times)


def _chunk(kind: bytes, body: bytes) -> bytes:
    import struct

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def main() -> int:
    sys.path.insert(0, str(REPO / "src"))
    from credwallet.formats import parse_all
    from credwallet.formats.jsonutil import loads_strict
    from credwallet.models import ReportStatus
    from credwallet.pathways import evaluate, load_pathway_toml
    from credwallet.pathways.model import HeldCredential

    unit = b"[" * 62 + b"]" * 62
    deep = b'{"a":[' + b",".join([unit] * (7_500_000 // 125)) + b"]}"
    print(f"JSON 7.5 MB, 62 deep:           {best(lambda: loads_strict(deep)):.2f} s")

    bomb = zlib.compress(bytes(16 * 1024 * 1024), 9)
    ihdr = _chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + b"\x08\0\0\0\0")
    baked = _chunk(b"iTXt", b"openbadges\0\0\0\0\0https://issuer.example/a/1")
    comments = _chunk(b"zTXt", b"Comment\0\0" + bomb) * 200
    idat = _chunk(b"IDAT", zlib.compress(b"\0\0")) + _chunk(b"IEND", b"")
    png = b"\x89PNG\r\n\x1a\n" + ihdr + baked + comments + idat
    print(f"PNG, 200 x 16 MiB comments:     {best(lambda: parse_all(png)):.2f} s")

    keys = [f"l{i}" for i in range(199)]
    lines = ['id = "wide"', 'name = "Wide"', "[goal]", 'require = "all"']
    lines.append("of = [" + ", ".join(f'"{k}"' for k in keys) + "]")
    for i, key in enumerate(keys):
        names = [j for j in range(10) if j % 7 == i % 7 or (3 * j) % 11 == i % 11]
        tables = ", ".join(f'{{ name = "Badge {j}" }}' for j in names) or '{ tag = "none" }'
        lines += [f"[components.{key}]", f"match = [{tables}]"]
    pathway = load_pathway_toml("\n".join(lines) + "\n")
    held = []
    for j in range(10):
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": "did:web:issuer.example",
            "validFrom": "2026-01-01T00:00:00Z",
            "name": f"Badge {j}",
            "credentialSubject": {"achievement": {"id": f"urn:a:{j}", "name": f"Badge {j}"}},
        }
        (credential,) = parse_all(json.dumps(document).encode())
        held.append(HeldCredential(f"w{j}", credential, ReportStatus.VALID))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    print(
        f"pathway, 199 overlapping leaves: {best(lambda: evaluate(pathway, held, now=now)):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
