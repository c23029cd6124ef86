"""An OB 2.0 badge and its OB 3.0 re-issue, linked as 1EdTech's migration guidance says
(openbadges-specification ob_v3p0/impl/migrating.md): one achievement, two credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from migrate_support import Run, shown
from test_ob2_hosted import ASSERTION, BADGE, ISSUER, assertion, badge_class, issuer, seed

from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey


def reissue(key: SigningKey, *, link: str, **changes: Any) -> dict[str, Any]:
    """The upgraded OpenBadgeCredential: a new id, the award date of the original."""
    achievement: dict[str, Any] = {
        "id": "https://badges.example.edu/ob3/achievements/sqlData",
        "type": ["Achievement"],
        "name": "Data Analysis with SQL",
        "criteria": {"narrative": "Pass the final project."},
    }
    issuer_profile: dict[str, Any] = {"id": key.did, "type": ["Profile"], "name": "Example U"}
    document: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0f8b7a1e-5d41-4c3a-9e2f-1b6c7d8e9f00",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile,
        "validFrom": "2026-01-15T00:00:00Z",
        "awardedDate": "2025-03-04T10:00:00Z",
        "name": "Data Analysis with SQL",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievement},
    }
    if link == "evidence":
        document["evidence"] = [
            {
                "id": ASSERTION,
                "type": ["Evidence", "https://w3id.org/openbadges#Assertion"],
                "name": "The original Open Badges 2.0 assertion",
            }
        ]
    else:  # related achievement + the issuer's other identifier + the same award day
        achievement["related"] = [
            {
                "id": BADGE,
                "type": ["Related", "https://w3id.org/openbadges#BadgeClass"],
                "version": "Open Badges v2p0",
            }
        ]
        issuer_profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": ISSUER, "identifierType": "identifier"}
        ]
    document.update(changes)
    return sign_document(
        document, suite="eddsa-jcs-2022", key=key, created=datetime(2026, 1, 15, tzinfo=UTC)
    )


def _import_pair(run: Run, tmp_path: Path, ob3: dict[str, Any]) -> None:
    seed(run, tmp_path, {ASSERTION: assertion(), BADGE: badge_class(), ISSUER: issuer()})
    old = tmp_path / "ob2.json"
    old.write_text(json.dumps(assertion()))
    new = tmp_path / "ob3.json"
    new.write_text(json.dumps(ob3))
    result = run("import", "--json", "--offline", str(old), str(new))
    assert json.loads(result.stdout)["imported"] == 2, result.output


@pytest.mark.parametrize("link", ["evidence", "related"])
def test_pair_is_one_achievement(wallet: Run, tmp_path: Path, link: str) -> None:
    _import_pair(wallet, tmp_path, reissue(SigningKey.generate("Ed25519"), link=link))
    items = shown(wallet)
    groups = {item["achievement_group"] for item in items}
    assert len(items) == 2 and len(groups) == 1 and None not in groups
    table = wallet("show", env={"COLUMNS": "160"}).stdout
    assert "same achievement as" in table
    resume = json.loads(wallet("share", "resume", "--format", "jsonresume").stdout)
    [entry] = resume["certificates"]  # the newest valid one only
    ob3 = next(i for i in items if i["format"] != "ob2")
    assert ob3["status"] == "valid"
    assert entry["name"] == "Data Analysis with SQL"
    assert entry["issuer"] == "Example U"  # the OB 3.0 re-issue, not the OB 2.0 original


def test_a_different_award_day_is_not_the_same_award(wallet: Run, tmp_path: Path) -> None:
    """`related` alone links achievements, not awards: another day is another credential."""
    ob3 = reissue(
        SigningKey.generate("Ed25519"), link="related", awardedDate="2025-09-01T00:00:00Z"
    )
    _import_pair(wallet, tmp_path, ob3)
    assert {item["achievement_group"] for item in shown(wallet)} == {None}
