"""One credential, one entry: the same credential in two containers is held once, with both
originals kept; `show`, résumés and pathways count it once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migrate_support import Run, shown
from test_ob2_hosted import ASSERTION, BADGE, ISSUER, assertion, badge_class, issuer, seed
from test_ob2_hosted import _tiny_png as tiny_png

from credwallet.formats.bake import bake_png
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey

PATHWAY = """
id = "one-badge"
name = "One badge"

[goal]
require = "all"
of = ["robotics"]

[components.robotics]
match = [{ achievement = "https://issuer.example/achievements/robotics" }]
"""


def unsigned(key: SigningKey) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:7e0f9e0c-1a52-4f55-8f3a-2c4f0a1e9b77",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": "Two Containers College"},
        "validFrom": "2026-02-01T00:00:00Z",
        "name": "Robotics",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/robotics",
                "type": ["Achievement"],
                "name": "Robotics",
                "criteria": {"narrative": "Built a robot."},
            },
        },
    }


def test_json_and_vc_jwt_of_one_credential_are_one_entry(wallet: Run, tmp_path: Path) -> None:
    key = SigningKey.generate("Ed25519")
    document = unsigned(key)
    as_json = tmp_path / "robotics.json"
    as_json.write_text(
        json.dumps(
            sign_document(
                document, suite="eddsa-jcs-2022", key=key, created=datetime(2026, 2, 1, tzinfo=UTC)
            )
        )
    )
    as_jwt = tmp_path / "robotics.jwt"
    as_jwt.write_text(sign_vc_jwt(document, key=key, vc_claim=False))
    first = json.loads(wallet("import", "--json", "--offline", str(as_json)).stdout)
    second = json.loads(wallet("import", "--json", "--offline", str(as_jwt)).stdout)
    assert first["imported"] == 1
    assert second["imported"] == 0 and second["duplicates"] == 1
    assert "jwt copy is kept" in second["items"][0]["message"]
    [item] = shown(wallet)
    assert item["containers"] == ["json", "jwt"]
    detail = json.loads(wallet("show", item["id"], "--json").stdout)
    assert [c["container"] for c in detail["copies"]] == ["jwt"]
    assert "Also as" in wallet("show", item["id"]).stdout
    # a third import of either adds nothing at all
    again = json.loads(wallet("import", "--json", "--offline", str(as_jwt)).stdout)
    assert again["duplicates"] == 1 and "kept" not in again["items"][0]["message"]
    resume = json.loads(wallet("share", "resume", "--format", "jsonresume").stdout)
    assert len(resume["certificates"]) == 1
    pathway = tmp_path / "p.toml"
    pathway.write_text(PATHWAY)
    assert wallet("pathway", "add", str(pathway)).exit_code == 0
    progress = json.loads(wallet("pathway", "show", "one-badge", "--json").stdout)
    assert json.dumps(progress).count(item["id"]) == 1


def test_baked_image_and_its_json_are_one_entry(wallet: Run, tmp_path: Path) -> None:
    """A Badgr download (baked PNG) and the badge's "view JSON" are one badge."""
    seed(wallet, tmp_path, {ASSERTION: assertion(), BADGE: badge_class(), ISSUER: issuer()})
    text = json.dumps(assertion())
    png = tmp_path / "badge.png"
    png.write_bytes(bake_png(tiny_png(), text, keyword="openbadges"))
    as_json = tmp_path / "badge.json"
    as_json.write_text(text)
    result = wallet("import", "--json", "--offline", str(png), str(as_json))
    summary = json.loads(result.stdout)
    assert summary["imported"] == 1 and summary["duplicates"] == 1, result.output
    [item] = shown(wallet)
    assert item["containers"] == ["png", "json"]
    assert item["name"] == "Data Analysis with SQL"
