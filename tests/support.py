"""Paths and small helpers shared by the test suite (importable as ``support``)."""

from __future__ import annotations

import json
import os
import zlib
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CREDWALLET_SHARED", REPO.parent / "shared"))
EXTERNAL = SHARED / "fixtures" / "external"
CONTEXTS = EXTERNAL / "contexts"
EXAMPLES = REPO / "examples"


@cache
def manifest() -> list[dict[str, Any]]:
    """The cases of ../shared/fixtures/external/manifest.json (each with its expected outcome)."""
    path = EXTERNAL / "manifest.json"
    if not path.is_file():
        return []  # conftest skips the tests that need the shared vectors, with the reason
    entries: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return entries


def cases(*kinds: str, expect: str | None = None) -> list[dict[str, Any]]:
    return [
        e for e in manifest() if e["kind"] in kinds and (expect is None or e["expect"] == expect)
    ]


def case_id(entry: dict[str, Any]) -> str:
    return str(entry.get("test_id") or entry.get("case") or entry["file"])


MEGABYTE = 1024 * 1024


def zlib_bomb(expanded_bytes: int, *, complete: bool = False) -> bytes:
    """A zlib stream of ``expanded_bytes`` zeros (whole MiB), built without ever holding them.

    Compressing the zeros would cost seconds of CPU per bomb. After a full flush the
    compressor's state is reset and its output is byte-aligned, so the block for one MiB of
    zeros is the same bytes every time: it is repeated. A bounded reader stops long before the
    end; ``complete`` adds the empty final block and the Adler-32 (of n zeros it is
    ``(n mod 65521) << 16 | 1``) for readers that check the stream to its end.
    """
    compressor = zlib.compressobj(9)
    zeros = bytes(MEGABYTE)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert repeat == again, "zlib full flush is not byte-stable"
    stream = first + repeat * (expanded_bytes // MEGABYTE - 1)
    if complete:
        adler32 = (expanded_bytes % 65521) << 16 | 1
        stream += b"\x03\x00" + adler32.to_bytes(4, "big")
    return stream


OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def welding_badge(
    issuer: str, *, contexts: list[str] | None = None, kind: str = "OpenBadgeCredential"
) -> dict[str, Any]:
    """A minimal unsigned OB 3.0 credential ("Welding", issued by ``issuer`` on 2026-01-01)."""
    return {
        "@context": list(OB3_CONTEXTS if contexts is None else contexts),
        "id": "urn:uuid:2f0d1c8e-7a55-4c61-b3a2-7e0b6a1f9d44",
        "type": ["VerifiableCredential", kind],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Welding",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://college.example/achievements/welding",
                "type": ["Achievement"],
                "name": "Welding",
                "criteria": {"narrative": "Passed."},
            },
        },
    }
