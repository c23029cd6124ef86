"""Write the demo credentials in examples/: a fictional issuer, a fictional learner, every format.

Run from the repository root: ``python scripts/make_examples.py``. Each run generates fresh
issuer keys (so the files change); everything else is fixed. Only suites that need no JSON-LD
contexts are used, so the output verifies offline on a fresh machine (the demo relies on it):

- data-analytics-foundations.json   OB 3.0, VC 2.0, eddsa-jcs-2022 (Ed25519 did:key)
- sql-for-data-analysis.jwt         OB 3.0 as a VC-JWT, EdDSA
- python-for-data-analysis.png      OB 3.0 baked into a PNG, eddsa-jcs-2022
- cloud-practitioner.svg            OB 3.0 baked into an SVG, ecdsa-jcs-2019 (P-256 did:key)
- spreadsheet-modelling.json        OB 3.0 whose validUntil passed in 2025: expired on purpose

The Northbridge Institute of Technology and Alex Rivera are invented; ``.example`` domains are
reserved for examples and never resolve.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import sys
import uuid
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from credwallet.formats.bake import bake_png, bake_svg
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "examples"
BASE = "https://credentials.northbridge.example"
ISSUER_NAME = "Northbridge Institute of Technology"
LEARNER_NAME = "Alex Rivera"
LEARNER_DID = "did:example:alex-rivera"
LEARNER_EMAIL = "alex.rivera@example.com"
EMAIL_SALT = "northbridge-2026"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# ESCO concept "Python (computer programming)".
ESCO_PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _identifier() -> dict[str, Any]:
    """Alex's email, salted and hashed the Open Badges way (sha256$hex)."""
    digest = hashlib.sha256((LEARNER_EMAIL + EMAIL_SALT).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": EMAIL_SALT,
    }


def _esco_alignment() -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": "Python (computer programming)",
        "targetUrl": ESCO_PYTHON,
        "targetFramework": "ESCO",
        "targetType": "ext:ESCOSkill",
    }


def open_badge(
    key: SigningKey,
    *,
    slug: str,
    name: str,
    description: str,
    tags: list[str],
    valid_from: str,
    credits: float | None = None,
    valid_until: str | None = None,
    alignment: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An OB 3.0 OpenBadgeCredential from Northbridge to Alex, not yet signed."""
    achievement: dict[str, Any] = {
        "id": f"{BASE}/achievements/{slug}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": name,
        "description": description,
        "criteria": {
            "narrative": f"Completed every module of {name} and passed the final assessment."
        },
        "tag": tags,
    }
    if credits is not None:
        achievement["creditsAvailable"] = credits
    if alignment:
        achievement["alignment"] = alignment
    document: dict[str, Any] = {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{BASE}/credentials/{slug}/alex')}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": key.did_key,
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": "https://northbridge.example",
        },
        "validFrom": valid_from,
        "name": name,
        "credentialSubject": {
            "id": LEARNER_DID,
            "type": ["AchievementSubject"],
            "name": LEARNER_NAME,
            "identifier": [_identifier()],
            "achievement": achievement,
        },
    }
    if valid_until is not None:
        document["validUntil"] = valid_until
    return document


# --- images ---------------------------------------------------------------------------------------


def _png(width: int, height: int, pixels: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + pixels[y * width * 4 : (y + 1) * width * 4] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def badge_png(size: int = 240) -> bytes:
    """A round badge: navy disc, gold ring, a white bar chart with a rising line."""
    navy, gold, white = (23, 43, 77), (224, 165, 38), (255, 255, 255)
    centre = (size - 1) / 2
    bars = [(0.30, 0.46), (0.43, 0.34), (0.56, 0.40), (0.69, 0.26)]  # (x, top) in unit coords
    pixels = bytearray()
    for y in range(size):
        for x in range(size):
            d = math.hypot(x - centre, y - centre) / size
            alpha = max(0.0, min(1.0, (0.48 - d) * size))  # anti-aliased outer edge
            colour = navy
            if 0.40 < d < 0.44:
                colour = gold
            u, v = x / size, y / size
            for left, top in bars:
                if left <= u <= left + 0.09 and top <= v <= 0.70:
                    colour = white
            if 0.27 <= u <= 0.80 and abs(v - (0.74 - 0.02)) < 0.012:
                colour = gold  # the baseline
            pixels.extend((*colour, round(alpha * 255)))
    return _png(size, size, bytes(pixels))


BADGE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">
  <title>Cloud Practitioner - Northbridge Institute of Technology</title>
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2f6fb3"/>
      <stop offset="1" stop-color="#17304f"/>
    </linearGradient>
  </defs>
  <circle cx="120" cy="120" r="114" fill="url(#sky)"/>
  <circle cx="120" cy="120" r="100" fill="none" stroke="#e0a526" stroke-width="8"/>
  <path d="M72 146 a24 24 0 0 1 8-46 a34 34 0 0 1 64-10 a26 26 0 0 1 24 40 a16 16 0 0 1-8 16 z"
        fill="#ffffff"/>
  <text x="120" y="190" font-family="Helvetica, Arial, sans-serif" font-size="15"
        font-weight="bold" fill="#ffffff" text-anchor="middle">CLOUD PRACTITIONER</text>
</svg>
"""


# --- the examples -------------------------------------------------------------------------------


def main() -> int:
    OUT.mkdir(exist_ok=True)
    ed25519 = SigningKey.generate("Ed25519")
    p256 = SigningKey.generate("P-256")

    foundations = open_badge(
        ed25519,
        slug="data-foundations",
        name="Data Analytics Foundations",
        description="Core ideas of data analysis: collecting, cleaning, summarising, charting.",
        tags=["data", "analytics"],
        credits=5,
        valid_from="2026-01-15T00:00:00Z",
        alignment=[_esco_alignment()],
    )
    signed = sign_document(
        foundations, suite="eddsa-jcs-2022", key=ed25519, created=_when("2026-01-15T09:00:00Z")
    )
    (OUT / "data-analytics-foundations.json").write_text(json.dumps(signed, indent=2) + "\n")

    sql = open_badge(
        ed25519,
        slug="sql",
        name="SQL for Data Analysis",
        description="Querying relational data with SQL: joins, aggregation and window functions.",
        tags=["data"],
        credits=5,
        valid_from="2026-03-02T00:00:00Z",
    )
    (OUT / "sql-for-data-analysis.jwt").write_text(sign_vc_jwt(sql, key=ed25519) + "\n")

    python = open_badge(
        ed25519,
        slug="python",
        name="Python for Data Analysis",
        description="Analysing data with Python, pandas and notebooks.",
        tags=["data", "programming"],
        credits=5,
        valid_from="2026-05-11T00:00:00Z",
        alignment=[_esco_alignment()],
    )
    python_signed = sign_document(
        python, suite="eddsa-jcs-2022", key=ed25519, created=_when("2026-05-11T10:00:00Z")
    )
    (OUT / "python-for-data-analysis.png").write_bytes(
        bake_png(badge_png(), json.dumps(python_signed), keyword="openbadgecredential")
    )

    cloud = open_badge(
        p256,
        slug="cloud-practitioner",
        name="Cloud Practitioner",
        description="Foundations of cloud computing: services, pricing, security and operations.",
        tags=["cloud"],
        valid_from="2026-06-20T00:00:00Z",
    )
    cloud_signed = sign_document(
        cloud, suite="ecdsa-jcs-2019", key=p256, created=_when("2026-06-20T14:00:00Z")
    )
    (OUT / "cloud-practitioner.svg").write_bytes(
        bake_svg(BADGE_SVG.encode(), json.dumps(cloud_signed), keyword="openbadgecredential")
    )

    spreadsheet = open_badge(
        ed25519,
        slug="spreadsheet-modelling",
        name="Spreadsheet Modelling",
        description="Building financial and operational models in spreadsheets.",
        tags=["data"],
        credits=3,
        valid_from="2024-02-01T00:00:00Z",
        valid_until="2025-03-01T00:00:00Z",
    )
    spreadsheet_signed = sign_document(
        spreadsheet, suite="eddsa-jcs-2022", key=ed25519, created=_when("2024-02-01T09:00:00Z")
    )
    (OUT / "spreadsheet-modelling.json").write_text(json.dumps(spreadsheet_signed, indent=2) + "\n")
    print(f"wrote 5 examples to {OUT} (issuer {ed25519.did_key}; P-256 issuer {p256.did_key})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
