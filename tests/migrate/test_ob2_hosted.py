"""Hosted OB 2.0 badges brought over from Badgr / Canvas Credentials and Credly.

The badge files are made as Badgr makes them (concentricsky/badgr-server, see README.md here):
the image baked at award time holds the un-expanded assertion, whose ``badge`` is a URL. The
BadgeClass and Issuer documents are served from the wallet's cache (`cache add`, then
`import --offline`), which is where an online import leaves them too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from migrate_support import Run, shown

from credwallet.formats.bake import bake_png

HOST = "https://badges.example.edu"
ASSERTION = f"{HOST}/public/assertions/a1B2c3"
BADGE = f"{HOST}/public/badges/sqlData"
ISSUER = f"{HOST}/public/issuers/exampleU"


def assertion(**changes: Any) -> dict[str, Any]:
    """Badgr's `get_json(obi_version='2_0')` shape (apps/issuer/models.py), badge as a URL."""
    doc: dict[str, Any] = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ASSERTION,
        "badge": BADGE,
        "image": f"{ASSERTION}/image",
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2025-03-04T10:00:00+00:00",
        "recipient": {"hashed": True, "type": "email", "identity": "sha256$" + "cd" * 32},
    }
    doc.update(changes)
    return doc


def badge_class() -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "BadgeClass",
        "id": BADGE,
        "name": "Data Analysis with SQL",
        "description": "Queries, joins and aggregates over real data sets.",
        "image": f"{BADGE}/image",
        "criteria": {"narrative": "Pass the final project."},
        "issuer": ISSUER,
    }


def issuer() -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": ISSUER,
        "name": "Example University",
        "url": HOST,
        "email": "badges@example.edu",
    }


def seed(run: Run, tmp_path: Path, documents: dict[str, Any]) -> None:
    for index, (url, body) in enumerate(documents.items()):
        path = tmp_path / f"cached-{index}.json"
        path.write_text(json.dumps(body))
        result = run("cache", "add", url, str(path))
        assert result.exit_code == 0, result.output


def show_all(run: Run) -> list[dict[str, Any]]:
    return shown(run)


def test_badge_class_and_issuer_are_resolved_and_stored(wallet: Run, tmp_path: Path) -> None:
    """A Badgr baked PNG shows its BadgeClass name and issuer, not its URL, and keeps them."""
    seed(wallet, tmp_path, {ASSERTION: assertion(), BADGE: badge_class(), ISSUER: issuer()})
    png = tmp_path / "data-analysis.png"
    png.write_bytes(bake_png(_tiny_png(), json.dumps(assertion()), keyword="openbadges"))
    result = wallet("import", "--offline", str(png))
    assert result.exit_code == 0, result.output
    assert "Data Analysis with SQL" in result.output
    wallet("cache", "clear")  # stored with the credential: no cache needed to show it
    [item] = show_all(wallet)
    assert item["name"] == "Data Analysis with SQL"
    assert (item["issuer"]["id"], item["issuer"]["name"]) == (ISSUER, "Example University")
    detail = json.loads(wallet("show", item["id"], "--json").stdout)
    assert detail["description"].startswith("Queries, joins")
    assert detail["achievement"]["criteria"] == "Pass the final project."
    human = wallet("show", item["id"]).stdout
    assert "Example University" in human


def test_unresolvable_badge_is_resolved_by_a_later_verify(wallet: Run, tmp_path: Path) -> None:
    """Offline with nothing cached the badge is kept by URL; `verify` fills it in later."""
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(assertion()))
    assert wallet("import", "--offline", str(path)).exit_code == 0
    [item] = show_all(wallet)
    assert item["name"] == ASSERTION  # nothing known yet but its URL
    seed(wallet, tmp_path, {ASSERTION: assertion(), BADGE: badge_class(), ISSUER: issuer()})
    wallet("verify", "--all", "--offline")
    [item] = show_all(wallet)
    assert item["name"] == "Data Analysis with SQL"
    assert item["issuer"]["name"] == "Example University"


def test_revoked_hosted_badge_is_kept_and_shown_revoked(wallet: Run, tmp_path: Path) -> None:
    """Badgr answers a revoked assertion with 200 and {id, revoked, revocationReason} only
    (apps/issuer/public_api.py): kept, shown revoked with the reason, never 'forged'."""
    notice = {"id": ASSERTION, "revoked": True, "revocationReason": "Awarded in error"}
    seed(wallet, tmp_path, {ASSERTION: notice, BADGE: badge_class(), ISSUER: issuer()})
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(assertion()))
    result = wallet("import", "--offline", "--json", str(path))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["imported"] == 1 and summary["refused"] == 0
    [item] = show_all(wallet)
    assert item["name"] == "Data Analysis with SQL"
    detail = json.loads(wallet("show", item["id"], "--json").stdout)
    checks = {c["name"]: c for c in detail["verification"]["checks"]}
    assert checks["revocation"]["status"] == "fail"
    assert "Awarded in error" in checks["revocation"]["detail"]
    assert checks["proof"]["status"] != "fail"
    assert "differs" not in json.dumps(detail)


def test_revocation_notice_for_another_assertion_is_refused(wallet: Run, tmp_path: Path) -> None:
    """A 'revoked' answer that names another assertion is not this badge's host speaking."""
    notice = {"id": f"{HOST}/public/assertions/other", "revoked": True}
    seed(wallet, tmp_path, {ASSERTION: notice, BADGE: badge_class(), ISSUER: issuer()})
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(assertion()))
    result = wallet("import", "--offline", "--json", str(path))
    assert result.exit_code != 0
    assert json.loads(result.stdout)["refused"] == 1


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )
